"""Worker processes that are safe to start from a process that holds threads.

``fork`` copies only the thread that calls it. A lock that any other thread held
at that moment (DuckDB's worker threads, a Rich live display, Spark's py4j
threads, a web server's request threads, a pool's own handler thread) stays held
for ever in the child, which then waits on it for ever. crosslink therefore never
forks its own process. Workers come from multiprocessing's *forkserver*: a fresh
interpreter started once per process (fork + exec, which copies no locks), which
imports the module workers need and then does nothing but fork copies of itself
on request. It never runs crosslink's work, so it holds no lock when it forks,
and workers start in milliseconds with their imports done.
Where the platform has no forkserver (Windows), workers are spawned.

Workers do not share the parent's memory, so large inputs travel through a file
(:func:`share`): pickle protocol 5 with the array buffers out of band (PEP 574),
which each worker maps read-only instead of copying. The modules whose
functions run in workers are named here, in one place (:data:`WORKER_MODULES`).

:func:`run_jobs` runs a list of jobs on this process and its workers together:
this process starts at once from the front of the list, and workers, which take
a moment to start, from the back, so a short run never waits for a worker.
"""

from __future__ import annotations

import mmap
import multiprocessing
import pickle
import queue
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["WORKER_MODULES", "context", "load_shared", "process_pool", "run_jobs", "share", "warm"]

J = TypeVar("J")
R = TypeVar("R")

#: Modules whose functions run in worker processes. A process that will use
#: several (a server) can start the forkserver with all of them loaded: ``warm()``.
WORKER_MODULES = (
    "crosslink.ingest.clean",
    "crosslink.simulate.scenario",
    "crosslink.network.centrality",
    "crosslink.extract.table",
)

_MAGIC = b"XLSHARE1"
_ALIGN = 64  # numpy and Arrow like buffers aligned to a cache line


def context(preload: Sequence[str] = WORKER_MODULES) -> BaseContext:
    """The start method for every crosslink worker: forkserver, else spawn. Never fork.

    ``preload``: modules the forkserver imports when it starts (only the first
    caller's list counts; a worker imports anything else it needs itself).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))  # no effect once the server runs
        return ctx
    return multiprocessing.get_context("spawn")


def warm(preload: Sequence[str] = WORKER_MODULES) -> None:
    """Start the forkserver now, without waiting for it: its imports then overlap
    the caller's own work instead of delaying the first worker."""
    ctx = context(preload)
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def process_pool(
    workers: int,
    *,
    preload: Sequence[str] = WORKER_MODULES,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A process pool whose workers come from :func:`context` (never a fork of this process)."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context(preload), initializer=initializer, initargs=initargs
    )


def run_jobs(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int,
    here: bool = True,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[int, R]]:
    """``fn(job)`` for every job on ``workers`` processes in all; yields ``(index,
    result)`` as each finishes (not in index order).

    With ``here`` (the default) this process is one of them: it starts at once,
    taking jobs from the front (list the largest first), while each of the
    ``workers - 1`` worker processes takes one job at a time from the back once it
    is up, so no job queues behind a worker that is still starting. Without
    ``here`` all ``workers`` are worker processes: for work that holds the GIL for
    seconds at a time (igraph), during which a worker's finished result would wait.

    ``initializer(*initargs)`` gives a worker the state this process already has
    (``fn`` finds it in both). ``fn`` must be a module-level function; the
    forkserver preloads its module. An error in any job stops the run and is raised.
    O(jobs) scheduling; one worker round trip per job.
    """
    pending: deque[tuple[int, J]] = deque(enumerate(jobs))
    if workers <= 1 or (here and len(pending) <= 1):
        for index, job in pending:
            yield index, fn(job)
        return
    lock = threading.Lock()
    finished: queue.SimpleQueue[tuple[int, Any, BaseException | None]] = queue.SimpleQueue()

    def take(front: bool) -> tuple[int, J] | None:
        with lock:
            if not pending:
                return None
            return pending.popleft() if front else pending.pop()

    helpers = workers - 1 if here else workers
    pool = process_pool(helpers, preload=(fn.__module__,), initializer=initializer, initargs=initargs)

    def feed() -> None:  # one thread per worker process: keeps it busy with one job
        try:
            while (item := take(front=False)) is not None:
                index, job = item
                finished.put((index, pool.submit(fn, job).result(), None))
        except BaseException as exc:  # handed to the caller's thread, raised there
            finished.put((-1, None, exc))

    outstanding = len(pending)  # counted before a feeder can take one
    feeders = [threading.Thread(target=feed, name="crosslink-feeder", daemon=True) for _ in range(helpers)]
    for thread in feeders:
        thread.start()
    try:
        while outstanding:
            item = take(front=True) if here else None
            if item is not None:
                index, job = item
                yield index, fn(job)
                outstanding -= 1
            # What workers finished meanwhile; once nothing is left to take, wait for them.
            while outstanding and (item is None or not finished.empty()):
                done, result, error = finished.get()
                if error is not None:
                    raise error
                yield done, result
                outstanding -= 1
    finally:
        with lock:
            pending.clear()  # feeders stop after their current job
        pool.shutdown(wait=True, cancel_futures=True)
        for thread in feeders:
            thread.join()


def share(obj: object, path: Path) -> Path:
    """Write ``obj`` to ``path`` for :func:`load_shared` in worker processes.

    Pickle protocol 5 hands numpy and Arrow buffers over out of band; they are
    written after the pickle, each aligned, so a worker maps them instead of
    reading them. O(size of obj) sequential writes.
    """
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    table_size = len(_MAGIC) + 16 + 16 * len(views)
    offset = _aligned(table_size + len(head))
    layout: list[tuple[int, int]] = []
    for view in views:
        layout.append((offset, view.nbytes))
        offset = _aligned(offset + view.nbytes)
    with open(path, "wb") as out:
        out.write(_MAGIC + struct.pack("<QQ", len(head), len(views)))
        for start, size in layout:
            out.write(struct.pack("<QQ", start, size))
        out.write(head)
        for (start, _), view in zip(layout, views, strict=True):
            out.seek(start)
            out.write(view)
    for b in buffers:
        b.release()
    return path


def load_shared(path: Path) -> Any:
    """The object :func:`share` wrote, its arrays backed by a read-only map of the file.

    O(size of the pickle head); the arrays themselves are paged in on use and
    their pages are shared by every worker that maps the same file.
    """
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if bytes(view[: len(_MAGIC)]) != _MAGIC:
        raise ValueError(f"{path}: not a file written by crosslink.parallel.share")
    head_size, count = struct.unpack_from("<QQ", view, len(_MAGIC))
    table = len(_MAGIC) + 16
    layout = [struct.unpack_from("<QQ", view, table + 16 * i) for i in range(count)]
    head_start = table + 16 * count
    head = view[head_start : head_start + head_size]
    # The views keep the map alive for as long as any array uses them.
    return pickle.loads(head, buffers=[view[start : start + size] for start, size in layout])


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN
