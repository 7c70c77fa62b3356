"""Hit/no-hit matching of two parties' encodings: Dice similarity, blocked by Hamming LSH.

Blocking uses only the encodings (no extra blocking key leaves either party): ``bands``
times, ``rows`` bit positions are drawn from a seed both parties know, and two encodings
whose bits agree on all of them in any band are compared (locality-sensitive hashing for
Hamming distance; a pair agreeing on a fraction p of bits meets in a band with
probability p^rows). Candidate pairs are joined by sorting band keys with numpy, scored
by Dice on the packed words (``np.bitwise_count``), and only pairs at or above the
threshold survive; each record then keeps its best partner (greedy one-to-one). The cost
is O(n log n) per band plus O(candidates x words); nothing loops over pairs in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosslink.share.pprl.encode import Encoded

__all__ = ["Hits", "dice", "match"]


@dataclass
class Hits:
    ours: np.ndarray  # row indices into our encodings
    theirs: np.ndarray  # row indices into theirs
    score: np.ndarray
    candidates: int


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dice coefficient of packed rows a[i] and b[i]: 2|a&b| / (|a|+|b|)."""
    both = np.bitwise_count(a & b).sum(axis=1, dtype=np.int32)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int32) + np.bitwise_count(b).sum(axis=1, dtype=np.int32)
    return np.divide(2.0 * both, total, out=np.zeros(len(both)), where=total > 0)


def _band_keys(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The bits at ``positions`` of every row, as one integer key per row."""
    word, bit = positions // 64, (positions % 64).astype(np.uint64)
    picked = (words[:, word] >> bit) & np.uint64(1)
    weights = np.left_shift(np.uint64(1), np.arange(len(positions), dtype=np.uint64))
    return (picked * weights).sum(axis=1, dtype=np.uint64)


def _pairs_with_equal_keys(ka: np.ndarray, kb: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with ka[i] == kb[j], by sorting; keys shared by more than ``limit`` pairs are skipped
    (a block that large holds near-empty or near-identical encodings and would swamp the run)."""
    oa, ob = np.argsort(ka, kind="stable"), np.argsort(kb, kind="stable")
    sa, sb = ka[oa], kb[ob]
    ua, start_a, count_a = np.unique(sa, return_index=True, return_counts=True)
    lo, hi = np.searchsorted(sb, ua, "left"), np.searchsorted(sb, ua, "right")
    count_b = hi - lo
    sizes = count_a * count_b
    keep = (count_b > 0) & (sizes <= limit)
    if not keep.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    start_a, count_a, lo, count_b, sizes = start_a[keep], count_a[keep], lo[keep], count_b[keep], sizes[keep]
    total = int(sizes.sum())
    group = np.repeat(np.arange(len(sizes)), sizes)
    offset = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    ia = start_a[group] + offset // count_b[group]
    ib = lo[group] + offset % count_b[group]
    return oa[ia], ob[ib]


def match(
    ours: Encoded, theirs: Encoded, *, threshold: float = 0.8, bands: int = 40, rows: int = 26,
    seed: int = 20240, max_block: int = 200_000,
) -> Hits:
    """Pairs scoring at least ``threshold``, one-to-one, best first."""
    if ours.bits != theirs.bits or ours.hardening != theirs.hardening:
        from crosslink.errors import InputError

        raise InputError(
            f"encodings differ: {ours.bits} bits {ours.hardening} vs {theirs.bits} bits {theirs.hardening}; "
            "both parties must encode with the same parameters"
        )
    rng = np.random.default_rng(seed)
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    candidates = 0
    for _ in range(bands):
        positions = rng.choice(ours.bits, size=rows, replace=False)
        ia, ib = _pairs_with_equal_keys(_band_keys(ours.words, positions), _band_keys(theirs.words, positions),
                                        max_block)
        candidates += len(ia)
        for start in range(0, len(ia), 1_000_000):  # bounded memory per batch of pairs
            a, b = ia[start:start + 1_000_000], ib[start:start + 1_000_000]
            score = dice(ours.words[a], theirs.words[b])
            keep = score >= threshold
            found_a.append(a[keep])
            found_b.append(b[keep])
            found_s.append(score[keep])
    if not found_a:
        return Hits(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), candidates)
    a, b, s = np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_s)
    code = a * len(theirs.ids) + b
    code, first = np.unique(code, return_index=True)
    a, b, s = a[first], b[first], s[first]
    # Greedy one-to-one: best score first; each record keeps its first (best) partner.
    order = np.lexsort((b, a, -s))
    a, b, s = a[order], b[order], s[order]
    taken_a = np.zeros(len(ours.ids), bool)
    taken_b = np.zeros(len(theirs.ids), bool)
    keep = np.zeros(len(a), bool)
    for i in range(len(a)):  # over surviving hits only (few), not over candidate pairs
        if not taken_a[a[i]] and not taken_b[b[i]]:
            taken_a[a[i]] = taken_b[b[i]] = keep[i] = True
    return Hits(a[keep], b[keep], s[keep], candidates)
