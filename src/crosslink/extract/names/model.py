"""A learned score for capitalised runs no name list or cue word vouches for.

The rule families of :mod:`.capitals` read a sentence case run ("Hemin Qadir") as a
person only when a name list knows one of its words or a role word / DOB stands
next to it. Names the lists do not hold, written without a cue, were the largest
share of missed people in the independent corpus of issue 14. This module scores
such a run with a linear model over hashed token features: lower-cased word,
prefixes and suffixes, character trigrams, shape, membership of the name and place
lists, and the words around the run (the previous two, the next one, a sentence
start). The model proposes; the rules around it (stop words, places, the caller's
vetoes) still decide what is never a name.

The weights are learned offline by ``tools/train_person_model.py`` (logistic
regression in scikit-learn over the same :func:`features`) from data that exists:
Latin name tokens of the CC0 Wikidata transliteration pairs, the simulator's name
tables and gold spans, and the project's own annotated corpus (never the held-out
sets). They ship as ``data/person_model.npz`` (a float16 vector, about 0.5 MB);
nothing is downloaded at run time. Scoring is a sum of weights over a few dozen
feature ids: pure Python plus ``zlib.crc32`` in C, a few microseconds per run, with
the per-token ids cached.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from importlib import resources
from io import BytesIO

import numpy as np

from crosslink.extract.names.lexicon import word_lists

__all__ = ["BITS", "context", "features", "feature_ids", "score", "is_person", "model_loaded"]

#: feature ids are crc32 hashes folded into 2**BITS slots
BITS = 18
_MASK = (1 << BITS) - 1


_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = frozenset(".!?:\n")


def context(text: str, start: int, end: int) -> tuple[list[str], str, bool]:
    """``(prev, nxt, sentence_start)`` of the run ``text[start:end]`` for :func:`features`:
    the two lower-cased words before it in its clause, the word after it, and whether
    it opens a sentence, a line or a label. O(60) characters read."""
    before = text[max(0, start - 40) : start]
    stripped = before.rstrip(" \t\"'“‘(")
    sentence_start = not stripped or stripped[-1] in _SENTENCE_END
    cut = max(before.rfind("."), before.rfind("\n"), before.rfind(";"), before.rfind(":"))
    prev = [w.lower() for w in _WORD.findall(before[cut + 1 :])[-2:]]
    after = text[end : end + 30].lstrip(" \t")
    m = _WORD.match(after)
    nxt = m.group().lower() if m is not None else after[:1]
    return prev, nxt, sentence_start


def _shape(tok: str) -> str:
    out: list[str] = []
    for ch in tok:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _token_features(tok: str, role: str) -> list[str]:
    given, family, english, places = word_lists()
    low = tok.lower()
    core = low.strip("'’-")
    f = [
        f"{role}w={low}",
        f"{role}s2={core[-2:]}",
        f"{role}s3={core[-3:]}",
        f"{role}s4={core[-4:]}",
        f"{role}p2={core[:2]}",
        f"{role}p3={core[:3]}",
        f"{role}sh={_shape(tok)}",
        f"{role}len={min(len(core), 12) // 2}",
    ]
    if low in given:
        f.append(f"{role}:given")
    if low in family:
        f.append(f"{role}:family")
    if low in places:
        f.append(f"{role}:place")
    if low in english:
        f.append(f"{role}:english")
    padded = f"^{core}$"
    f.extend(f"c3={padded[i:i + 3]}" for i in range(len(padded) - 2))
    return f


@lru_cache(maxsize=65536)
def _token_ids(tok: str, role: str) -> tuple[int, ...]:
    return tuple(zlib.crc32(s.encode("utf-8")) & _MASK for s in _token_features(tok, role))


def features(toks: list[str], prev: list[str], nxt: str, sentence_start: bool) -> list[str]:
    """The feature strings of a run of name-like ``toks``.

    ``prev`` holds the (up to two) lower-cased words before the run, nearest last;
    ``nxt`` the lower-cased word after it ("" at a clause end); ``sentence_start``
    whether the run opens a sentence (its first capital then says nothing).
    """
    out = ["bias", f"n={len(toks)}", f"ss={sentence_start}"]
    for i, tok in enumerate(toks):
        role = "F" if i == 0 else "L" if i == len(toks) - 1 else "M"
        out.extend(_token_features(tok, role))
    p1 = prev[-1] if prev else "<s>"
    p2 = prev[-2] if len(prev) > 1 else "<s>"
    out += [f"p1={p1}", f"p2={p2}", f"p12={p2}_{p1}", f"n1={nxt}", f"ss_p1={sentence_start}_{p1}"]
    return out


def feature_ids(toks: list[str], prev: list[str], nxt: str, sentence_start: bool) -> list[int]:
    """The hashed ids of :func:`features` (what the weights are indexed by)."""
    ids: list[int] = []
    for i, tok in enumerate(toks):
        ids.extend(_token_ids(tok, "F" if i == 0 else "L" if i == len(toks) - 1 else "M"))
    p1 = prev[-1] if prev else "<s>"
    p2 = prev[-2] if len(prev) > 1 else "<s>"
    ctx = ("bias", f"n={len(toks)}", f"ss={sentence_start}", f"p1={p1}", f"p2={p2}", f"p12={p2}_{p1}",
           f"n1={nxt}", f"ss_p1={sentence_start}_{p1}")
    ids.extend(zlib.crc32(s.encode("utf-8")) & _MASK for s in ctx)
    return ids


@lru_cache(maxsize=1)
def _weights() -> tuple[list[float], float] | None:
    """The shipped weights as a Python list (indexing a list is faster than numpy
    scalars for a few dozen ids) and the decision threshold; None if not built."""
    res = resources.files("crosslink.extract").joinpath("data/person_model.npz")
    if not res.is_file():
        return None
    with np.load(BytesIO(res.read_bytes())) as z:
        w = z["w"].astype(np.float64)
        if len(w) != 1 << BITS:
            raise ValueError(f"data/person_model.npz holds {len(w)} weights, expected {1 << BITS}")
        return w.tolist(), float(z["threshold"])


def model_loaded() -> bool:
    """Whether the package ships the weights (``tools/train_person_model.py`` makes them)."""
    return _weights() is not None


def score(toks: list[str], prev: list[str], nxt: str, sentence_start: bool) -> float:
    """The model's margin for the run (positive: a person); -inf without weights."""
    wt = _weights()
    if wt is None:
        return float("-inf")
    w = wt[0]
    return sum(w[i] for i in feature_ids(toks, prev, nxt, sentence_start))


def is_person(toks: list[str], prev: list[str], nxt: str, sentence_start: bool) -> bool:
    """Whether the margin clears the threshold chosen in training for precision."""
    return _is_person(tuple(toks), tuple(prev), nxt, sentence_start)


@lru_cache(maxsize=65536)
def _is_person(toks: tuple[str, ...], prev: tuple[str, ...], nxt: str, sentence_start: bool) -> bool:
    # cached: a name is usually written many times in the same words
    wt = _weights()
    return wt is not None and score(list(toks), list(prev), nxt, sentence_start) > wt[1]
