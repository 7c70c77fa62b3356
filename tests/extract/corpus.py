"""Loader for the annotated extraction corpus (``corpus.txt``).

Markup ``[[type=value|surface]]`` marks a gold mention, ``[[!kind|surface]]`` a
decoy that must not be extracted. :func:`load_corpus` strips the markup and
returns each document's plain text with exact gold and decoy offsets. The
benchmark (``bench/bench_extract.py``) reads the same file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).with_name("corpus.txt")
#: written before the extractor was run on them; see their headers
HELDOUT = Path(__file__).with_name("heldout.txt")
HELDOUT_SETS = (HELDOUT, *(Path(__file__).with_name(f"heldout{n}.txt") for n in (2, 3, 4)))
_MARK = re.compile(r"\[\[(!?)([^|\]]+)\|(.*?)\]\]", re.DOTALL)


@dataclass
class Gold:
    type: str
    value: str
    start: int
    end: int


@dataclass
class Doc:
    id: str
    text: str
    hint: str | None
    gold: list[Gold] = field(default_factory=list)
    decoys: list[Gold] = field(default_factory=list)


def parse_doc(doc_id: str, hint: str | None, marked: str) -> Doc:
    out: list[str] = []
    doc = Doc(doc_id, "", hint)
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        surface = m.group(3)
        start, end = length, length + len(surface)
        if m.group(1):
            doc.decoys.append(Gold(m.group(2), "", start, end))
        else:
            typ, value = m.group(2).split("=", 1)
            doc.gold.append(Gold(typ, value, start, end))
        out.append(surface)
        length = end
        pos = m.end()
    out.append(marked[pos:])
    doc.text = "".join(out)
    return doc


def load_corpus(path: Path = CORPUS) -> list[Doc]:
    docs: list[Doc] = []
    head: tuple[str, str | None] | None = None
    lines: list[str] = []

    def flush() -> None:
        if head is not None:
            docs.append(parse_doc(head[0], head[1], "\n".join(lines).strip("\n")))

    for line in path.read_text("utf-8").splitlines():
        if line.startswith("=== "):
            flush()
            parts = line[4:].split()
            hint = next((p.split("=", 1)[1] for p in parts[1:] if p.startswith("hint=")), None)
            head, lines = (parts[0], hint), []
        elif head is not None:
            lines.append(line)
    flush()
    return docs


#: Per type: (true positives, false positives, false negatives).
Scores = dict[str, tuple[int, int, int]]


def score_mentions(docs: Iterable[tuple[str, str | None, set[tuple[str, str]]]]) -> Scores:
    """Exact (type, value) matches of ``extract`` against gold, per document
    (a value found twice in one document counts once). Used by the corpus
    tests and bench/bench_extract.py alike."""
    from crosslink.extract import extract

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for text, hint, gold in docs:
        got = {(m.type, m.value) for m in extract(text, hint)}
        for t, _ in got & gold:
            tp[t] += 1
        for t, _ in got - gold:
            fp[t] += 1
        for t, _ in gold - got:
            fn[t] += 1
    return {t: (tp[t], fp[t], fn[t]) for t in set(tp) | set(fp) | set(fn)}
