"""Orchestrator: world -> records, mappings, truth, scenario.json.

``simulate(n_people, seed, out)`` writes a scenario directory that
``crosslink ingest DIR`` takes whole. The same seed gives byte-identical files,
whatever the number of worker processes:

* the world is drawn first, from its own random stream;
* each writer (nominals, calls, ...) then draws from its own stream, spawned
  from the seed with :class:`numpy.random.SeedSequence`, so its output does
  not depend on which process runs it or in which order;
* writers own their record files; the truth files they share are written as
  parts and concatenated in the fixed writer order at the end;
* nothing depends on the clock or on set ordering.

Writers run on this process and ``workers - 1`` worker processes (default 2 in
all) from :mod:`crosslink.parallel`, never a fork of this process, which may hold
threads. Workers read the world from a file of its arrays that each maps
read-only (:func:`crosslink.parallel.share`): written once, not copied per worker.
Memory stays flat because writers emit chunks of at most 250,000 rows.
Complexity O(people + records).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from crosslink import parallel
from crosslink.simulate.names import name_tables
from crosslink.simulate.people import id_strings
from crosslink.simulate.records import (
    FORCES,
    NOMINAL_SOURCES,
    PARTNERS,
    SHARED_TRUTH,
    Sink,
    part_path,
    quoting,
    write_anpr,
    write_calls,
    write_nominals,
    write_seized_contacts,
    write_transfers,
)
from crosslink.simulate.reports import write_adverts, write_intel, write_partner
from crosslink.simulate.world import LINK_TYPES, ROLES, SHAPES, World, build_world

__all__ = ["simulate", "SCENARIO_VERSION", "mappings"]

SCENARIO_VERSION = 2
Progress = Callable[[str, int, int], None]
Step = Callable[[np.random.Generator, World, Sink], None]


def _truth_step(rng: np.random.Generator, world: World, sink: Sink) -> None:
    _write_truth(world, sink)


# Fixed order: the order of the shared truth parts. Listed roughly by cost, so two
# workers finish together. Each writer's random stream depends only on its name.
_STEPS: tuple[tuple[str, Step], ...] = (
    ("calls", write_calls),
    ("nominals", write_nominals),
    ("transfers", write_transfers),
    ("intelligence logs", write_intel),
    ("seized contacts", write_seized_contacts),
    ("truth", _truth_step),
    ("partner reports", write_partner),
    ("adverts", write_adverts),
    ("anpr", write_anpr),
)
_RECORDS_HEADER = pa.schema([(c, pa.string()) for c in ("record_id", "file", "entity_id", "field")])

_WORLD: World | None = None  # this process's world: built here, or mapped by a worker


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one part of a scenario: keyed by the seed and the part's
    name, so adding or reordering writers never changes what the others draw."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def _run_step(args: tuple[int, int, str]) -> tuple[int, dict[str, int], int, float]:
    """Run writer ``index`` with its own random stream; return what it wrote and
    the CPU seconds it took."""
    index, seed, out = args
    cpu = time.process_time()
    assert _WORLD is not None
    rng = stream(seed, _STEPS[index][0])
    sink = Sink(Path(out), part=f"{index:02d}")
    try:
        _STEPS[index][1](rng, _WORLD, sink)
    finally:
        sink.close()
    return index, sink.counts, sink.truth_rows, time.process_time() - cpu


def _load_world(path: str) -> None:
    """Worker initialiser: map the world the parent shared."""
    global _WORLD
    _WORLD = parallel.load_shared(Path(path))


def default_workers() -> int:
    """Two writer processes where there are two cores, else one."""
    return max(1, min(2, os.cpu_count() or 1))


def simulate(
    n_people: int,
    seed: int,
    out: Path,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Write a scenario for ``n_people`` people into ``out``; return scenario.json's content.

    ``workers`` writers in all (default :func:`default_workers`); the output is
    byte-identical for any number of workers.
    """
    global _WORLD
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / ".parts", ignore_errors=True)
    workers = default_workers() if workers is None else max(1, workers)
    if workers > 1:
        parallel.warm((__name__,))  # the worker server starts while the world is drawn
    total = len(_STEPS) + 2
    if progress:
        progress("world", 0, total)
    world_rng = stream(seed, "world")
    cpu = time.process_time()
    _WORLD = build_world(world_rng, n_people)
    step_cpu = {"world": time.process_time() - cpu}
    counts: dict[str, int] = {}
    truth_rows = 0
    jobs = [(i, seed, str(out)) for i in range(len(_STEPS))]
    done = 0
    for rel in SHARED_TRUTH:
        (out / rel).unlink(missing_ok=True)
    merger = _Merger(out)
    initargs: tuple[str, ...] = ()
    if workers > 1:
        shared = out / ".parts" / "world.bin"
        shared.parent.mkdir(parents=True, exist_ok=True)
        initargs = (str(parallel.share(_WORLD, shared)),)
    try:
        results = parallel.run_jobs(_run_step, jobs, workers=workers, initializer=_load_world, initargs=initargs)
        for _, (index, step_counts, rows, seconds) in results:
            step_cpu[_STEPS[index][0]] = seconds
            done += 1
            if progress:
                progress(_STEPS[index][0], done, total)
            counts |= step_counts
            truth_rows += rows
            merger.finished(index)
    finally:
        world = _WORLD
        _WORLD = None
    merger.close()
    for rel in counts:
        stem = Path(rel).stem
        (out / "mappings" / f"{stem}.yml").write_text(
            yaml.safe_dump(mappings(stem), sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    records = {Path(k).name: v for k, v in sorted(counts.items())}
    roles = np.bincount(world.role, minlength=len(ROLES))
    meta: dict[str, Any] = {
        "version": SCENARIO_VERSION,
        "seed": seed,
        "people": n_people,
        "parameters": {"records_per_facilitator": 2.5, "facilitator_share": 0.04},
        "groups": len(world.group_ids),
        "roles": {r: int(c) for r, c in zip(ROLES, roles, strict=True)},
        "records": records,
        "total_records": int(sum(records.values())),
        "truth_record_rows": truth_rows,
    }
    (out / "scenario.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if progress:
        progress("done", total, total)
    meta["seconds"] = time.perf_counter() - t0  # returned, never written (determinism)
    meta["workers"] = workers
    meta["cpu_seconds"] = step_cpu
    return meta


def _append(src: BinaryIO, dst: BinaryIO) -> None:
    """Append a whole file: in the kernel where it can (``copy_file_range``), else by
    4 MB blocks. O(size)."""
    dst.flush()
    start = dst.seek(0, os.SEEK_END)
    size = os.fstat(src.fileno()).st_size
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is not None:
        try:
            done = 0
            while done < size:
                n = copy_range(src.fileno(), dst.fileno(), size - done)
                if n == 0:
                    break
                done += n
            dst.seek(0, os.SEEK_END)
            return
        except OSError:  # e.g. a file system without it: start this file again
            src.seek(0)
            dst.seek(start)
            dst.truncate()
    shutil.copyfileobj(src, dst, 1 << 22)


class _Merger:
    """Concatenates the shared truth parts in writer order while later writers still
    run: as soon as writers 0..k have finished, their parts are appended. The first
    part of a file is renamed into place (no copy); the first writer's CSV part
    carries the header, else the header is written here. O(truth size) I/O."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.done: set[int] = set()
        self.next = 0

    def finished(self, index: int) -> None:
        self.done.add(index)
        while self.next in self.done:
            self._merge(self.next)
            self.next += 1

    def _merge(self, index: int) -> None:
        for rel in SHARED_TRUTH:
            part = part_path(self.out, f"{index:02d}", rel)
            target = self.out / rel
            if not target.exists():
                if part.is_file() and (index == 0 or not rel.endswith(".csv")):
                    os.replace(part, target)
                    continue
                self._start(rel)
            if part.is_file():
                with open(part, "rb") as src, open(target, "r+b") as dst:
                    _append(src, dst)
                part.unlink()

    def _start(self, rel: str) -> None:
        with open(self.out / rel, "wb") as dst:
            if rel.endswith(".csv"):
                options = pacsv.WriteOptions(quoting_style=quoting(rel))
                pacsv.CSVWriter(dst, _RECORDS_HEADER, write_options=options).close()  # as Arrow writes it

    def close(self) -> None:
        for rel in SHARED_TRUTH:
            if not (self.out / rel).exists():
                self._start(rel)
        shutil.rmtree(self.out / ".parts", ignore_errors=True)


def _write_truth(world: World, sink: Sink) -> None:
    """entities.csv, links.csv, groups.csv (records.csv is written by the writers)."""
    p = world.people
    t = name_tables()
    n = world.n
    group_id = world.group_ids.take(pa.array(np.maximum(world.group, 0)))
    group_id = pc.if_else(pa.array(world.group < 0), pa.nulls(n, pa.string()), group_id)
    for start in range(0, n, 250_000):
        sl = slice(start, min(n, start + 250_000))
        idx = pa.array(np.arange(sl.start, sl.stop))
        sink.csv(
            "truth/entities.csv",
            pa.table(
                {
                    "entity_id": p.ids.take(idx),
                    "schema": pa.array(["Person"] * (sl.stop - sl.start), pa.string()),
                    "group": group_id.take(idx),
                    "role": pa.array(ROLES, pa.string()).take(pa.array(world.role[sl].astype(np.int32))),
                    "name": p.full_name(t).take(idx),
                    "canonical_name": p.canonical_name(t).take(idx),
                    "birth_date": pa.array(p.dob[sl]).cast(pa.string()),
                    "nationality": p.nationality.take(idx),
                    "origin": pa.array([o.key for o in t.origins], pa.string()).take(
                        pa.array(p.origin[sl].astype(np.int32))
                    ),
                    "value": pa.nulls(sl.stop - sl.start, pa.string()),
                    "owner": pa.nulls(sl.stop - sl.start, pa.string()),
                }
            ),
        )
    a = world.assets
    nv = len(a.vehicle_plate)
    things = [
        ("Vehicle", id_strings("V", np.arange(nv), 7), a.vehicle_plate, a.vehicle_owner),
        ("Vessel", id_strings("VS", np.arange(len(a.vessel_name)), 6), a.vessel_mmsi, a.vessel_owner),
        ("BankAccount", id_strings("BA", np.arange(len(a.iban)), 7), a.iban, a.iban_owner),
        ("CryptoWallet", id_strings("CW", np.arange(len(a.wallet)), 6), a.wallet, a.wallet_owner),
        ("UserAccount", id_strings("UA", np.arange(len(a.handle)), 6), a.handle, a.handle_owner),
    ]
    for schema, ids, value, owner in things:
        m = len(ids)
        if m == 0:
            continue
        nulls = pa.nulls(m, pa.string())
        sink.csv(
            "truth/entities.csv",
            pa.table(
                {
                    "entity_id": ids,
                    "schema": pa.array([schema] * m, pa.string()),
                    "group": group_id.take(pa.array(owner)),
                    "role": nulls,
                    "name": nulls,
                    "canonical_name": nulls,
                    "birth_date": nulls,
                    "nationality": nulls,
                    "origin": nulls,
                    "value": value,
                    "owner": p.ids.take(pa.array(owner)),
                }
            ),
        )
    sink.csv(
        "truth/links.csv",
        pa.table(
            {
                "source": p.ids.take(pa.array(world.link_src)),
                "target": p.ids.take(pa.array(world.link_dst)),
                "type": pa.array(LINK_TYPES, pa.string()).take(pa.array(world.link_type.astype(np.int32))),
                "same_group": pa.array(world.group[world.link_src] == world.group[world.link_dst]),
            }
        ),
    )
    ng = len(world.group_ids)
    fac = world.role < ROLES.index("migrant")
    size = np.bincount(world.group[fac], minlength=ng)
    mig = np.bincount(world.group[(~fac) & (world.group >= 0)], minlength=ng)
    org = np.full(ng, -1, dtype=np.int64)
    orgs = np.flatnonzero(world.role == ROLES.index("organiser"))
    org[world.group[orgs][::-1]] = orgs[::-1]
    sink.csv(
        "truth/groups.csv",
        pa.table(
            {
                "group_id": world.group_ids,
                "name": world.group_names,
                "shape": pa.array(SHAPES, pa.string()).take(pa.array(world.group_shape.astype(np.int32))),
                "members": pa.array(size),
                "migrants": pa.array(mig),
                "organiser": p.ids.take(pa.array(np.maximum(org, 0))),
            }
        ),
    )


def _note(id_column: str) -> dict[str, Any]:
    """The report itself as a Note entity (extraction adds the mentions to the report)."""
    return {
        "note": {
            "schema": "Note",
            "keys": [id_column],
            "properties": {"name": {"column": id_column}, "description": {"column": "text"}},
        }
    }


def mappings(stem: str) -> dict[str, Any]:
    """The ingest mapping (see the shared mapping format) for one record file stem."""
    if stem.startswith("nominals_"):
        code = stem.split("_", 1)[1]
        name, kind = next((n, k) for c, n, k in NOMINAL_SOURCES if c == code)
        return {
            "report": {
                "title": f"{name} nominal records",
                "originator": name,
                "originator_kind": kind,
                "grading": "2B",
                "handling": "P",
                "id": {"column": "report_ref"},
            },
            "dataset": stem,
            "entities": {
                "person": {
                    "schema": "Person",
                    "keys": ["record_id"],
                    "properties": {
                        "firstName": {"column": "forename"},
                        "lastName": {"column": "surname"},
                        "name": {"columns": ["forename", "surname"], "join": " "},
                        "birthDate": {"column": "dob"},
                        "nationality": {"column": "nationality"},
                        "phone": {"column": "phone", "country": "GB"},
                        "email": {"column": "email"},
                        "passportNumber": {"column": "passport"},
                        "address": {"column": "city"},
                        "x:role": {"column": "role"},
                    },
                }
            },
        }
    if stem.startswith("intel_"):
        code = stem.split("_", 1)[1]
        name, kind = next((n, k) for c, n, k in FORCES if c == code)
        return {
            "report": {
                "title": f"{name} intelligence log",
                "originator": {"column": "originator"},
                "originator_kind": kind,
                "grading_scheme": "uk-3x5x2",
                "grading": {"column": "grading"},
                "handling": {"column": "handling"},
                "handling_conditions": {"column": "handling_conditions"},
                "protected_source": {"column": "protected_source"},
                "reported_at": {"column": "date"},
                "id": {"column": "report_ref"},
                "text": {"column": "text"},
            },
            "dataset": stem,
            "entities": _note("report_ref"),
        }
    if stem.startswith("partner_"):
        code = stem.split("_", 1)[1]
        name = next(n for c, n, _ in PARTNERS if c == code)
        return {
            "report": {
                "title": f"{name} partner report",
                "originator": {"column": "partner"},
                "originator_kind": "partner",
                "grading_scheme": "europol-4x4",
                "grading": {"column": "grading"},
                "handling": {"column": "handling"},
                "reported_at": {"column": "date"},
                "id": {"column": "id"},
                "text": {"column": "text"},
            },
            "dataset": stem,
            "entities": _note("id"),
        }
    fixed: dict[str, dict[str, Any]] = {
        "calls": {
            "report": {"title": "Call data records", "originator": "National Crime Agency",
                       "originator_kind": "agency", "grading": "1A", "handling": "P"},
            "dataset": "calls",
            "entities": {
                "call": {
                    "schema": "Call",
                    "keys": ["call_id"],
                    "properties": {
                        "callerNumber": {"column": "a_number"},
                        "receiverNumber": {"column": "b_number"},
                        "date": {"column": "start"},
                        "duration": {"column": "duration_s"},
                        "x:cellSite": {"column": "cell_site"},
                    },
                }
            },
        },
        "transfers": {
            "report": {"title": "Money transfer records", "originator": "National Crime Agency",
                       "originator_kind": "agency", "grading": "1B", "handling": "P"},
            "dataset": "transfers",
            "entities": {
                "sender": {"schema": "Person", "keys": ["transfer_id", "sender_name"],
                           "properties": {"name": {"column": "sender_name"},
                                          "phone": {"column": "sender_phone", "country": "GB"}}},
                "receiver": {"schema": "Person", "keys": ["transfer_id", "receiver_name"],
                             "properties": {"name": {"column": "receiver_name"}}},
                "payment": {
                    "schema": "Payment",
                    "keys": ["transfer_id"],
                    "properties": {
                        "payer": {"entity": "sender"},
                        "beneficiary": {"entity": "receiver"},
                        "amount": {"column": "amount"},
                        "currency": {"column": "currency"},
                        "date": {"column": "date"},
                        "summary": {"column": "method"},
                        "description": {"column": "receiver_account"},
                    },
                },
            },
        },
        "anpr": {
            "report": {"title": "ANPR reads", "originator": "Kent Police", "originator_kind": "force",
                       "grading": "1A", "handling": "P"},
            "dataset": "anpr",
            "entities": {
                "vehicle": {"schema": "Vehicle", "keys": ["plate"],
                            "properties": {"registrationNumber": {"column": "plate"}}},
                "read": {"schema": "Event", "keys": ["read_id"],
                         "properties": {"involved": {"entity": "vehicle"},
                                        "location": {"column": "site"},
                                        "date": {"column": "time"},
                                        "name": {"column": "camera"}}},
            },
        },
        "seized_contacts": {
            "report": {"title": "Seized handset contact lists", "originator": "National Crime Agency",
                       "originator_kind": "agency", "grading": "1A", "handling": "C",
                       "handling_conditions": "Evidential exhibit; disclosure via the OIC only",
                       "id": {"column": "exhibit_ref"}},
            "dataset": "seized_contacts",
            "entities": {
                "owner": {"schema": "Person", "keys": ["exhibit_ref"],
                          "properties": {"phone": {"column": "device_number"},
                                         "firstName": {"column": "seized_from_forename"},
                                         "lastName": {"column": "seized_from_surname"},
                                         "name": {"columns": ["seized_from_forename", "seized_from_surname"],
                                                  "join": " "},
                                         "birthDate": {"column": "seized_from_dob"},
                                         "x:role": {"literal": "suspect"}}},
                "contact": {"schema": "Person", "keys": ["contact_id"],
                            "properties": {"name": {"column": "contact_name"},
                                           "phone": {"column": "contact_number", "country": "GB"}}},
                "link": {"schema": "UnknownLink", "keys": ["contact_id"],
                         "properties": {"subject": {"entity": "owner"},
                                        "object": {"entity": "contact"},
                                        "role": {"literal": "phone contact"}}},
            },
        },
        "adverts": {
            "report": {"title": "Online adverts offering crossings", "originator": "Online monitoring",
                       "originator_kind": "open-source", "grading": "2C", "handling": "P",
                       "reported_at": {"column": "posted_at"}, "id": {"column": "id"},
                       "text": {"column": "text"}},
            "dataset": "adverts",
            "entities": {
                "account": {"schema": "UserAccount", "keys": ["platform", "handle"],
                            "properties": {"username": {"column": "handle"},
                                           "service": {"column": "platform"}}},
            },
        },
    }
    return fixed[stem]
