"""The annotated corpus: per-type F1 targets of issue 4, decoys, exact offsets."""

from __future__ import annotations

import pytest

from crosslink.extract import MENTION_PROPERTIES, extract

from .corpus import load_corpus, score_mentions

STRICT = {"phone", "email", "iban", "crypto", "imei", "plate", "vessel"}
LOOSE = {"person", "dob", "money", "location", "handle"}
DOCS = load_corpus()


def _scores() -> dict[str, tuple[int, int, int]]:
    return score_mentions((d.text, d.hint, {(g.type, g.value) for g in d.gold}) for d in DOCS)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_corpus_covers_every_type() -> None:
    types = {g.type for d in DOCS for g in d.gold}
    assert types >= STRICT | LOOSE | {"alias", "plate_partial", "vessel_name"}
    assert types <= set(MENTION_PROPERTIES)


@pytest.mark.parametrize("typ", sorted(STRICT | LOOSE))
def test_f1_targets(typ: str) -> None:
    tp, fp, fn = _scores().get(typ, (0, 0, 0))
    target = 0.97 if typ in STRICT else 0.90
    assert _f1(tp, fp, fn) >= target, (typ, tp, fp, fn)


def test_decoys_are_not_extracted() -> None:
    decoys = [(d, x) for d in DOCS for x in d.decoys]
    hit = [
        (d.id, d.text[x.start : x.end])
        for d, x in decoys
        if any(m.start < x.end and x.start < m.end for m in extract(d.text, d.hint))
    ]
    assert len(decoys) >= 30
    assert len(hit) / len(decoys) <= 0.02, hit


def test_offsets_are_exact_and_sorted() -> None:
    for d in DOCS:
        ms = extract(d.text, d.hint)
        assert [m.start for m in ms] == sorted(m.start for m in ms)
        for m in ms:
            assert d.text[m.start : m.end] == m.text


def test_gold_spans_match() -> None:
    """Not just the values: the spans are the annotated ones."""
    for d in DOCS:
        got = {(m.type, m.start, m.end) for m in extract(d.text, d.hint)}
        for g in d.gold:
            assert (g.type, g.start, g.end) in got, (d.id, g, d.text[g.start : g.end])
