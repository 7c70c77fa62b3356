"""Near-duplicate posts: one campaign re-posted with small changes.

Posters run many accounts and re-post the same advert with another phone number,
price, emoji, a word or a line moved, in capitals or without the accents. Each post
becomes a MinHash (``datasketch``) of the character 4-gram shingles of its
:func:`comparable` form: :func:`crosslink.online.model.model_text` (digits all ``0``,
links and handles as placeholders, so a changed number or account does not hide the
copy), lower-cased, without diacritics, punctuation or emoji. LSH banding proposes
candidate pairs, each is kept when its estimated Jaccard similarity passes the
threshold, and the kept pairs' connected components are the campaigns. A campaign's
id is derived from its smallest post id, so the same posts get the same id on every
run.

Cost: O(total characters x permutations) to hash the distinct texts (vectorised in
numpy by ``MinHash.bulk``; identical texts are grouped first without hashing), then
O(bands x distinct texts log distinct texts) for the banding and the check.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from crosslink.online.text import fold

__all__ = ["SHINGLE", "THRESHOLD", "comparable", "group_near_duplicates"]

SHINGLE = 4
NUM_PERM = 64
#: Jaccard similarity of 4-gram sets above which two posts are one campaign. Chosen on
#: the first held-back set's re-posted pairs (so figures on that set are tuned): its
#: 11 gold pairs lie at 0.48-0.77 in this form, and no two other posts in one language
#: above 0.25. At the old 0.6 on raw 5-grams (0.32-0.48 for the same pairs) none was found.
THRESHOLD = 0.4
#: each post is checked against this many neighbours of each LSH bucket
WINDOW = 4

_NOT_WORD = re.compile(r"[^\w\s]+")


def comparable(text: str) -> str:
    """The form campaigns compare: ``text`` as the model reads it (``model_text``),
    lower-cased and folded, punctuation and emoji dropped, spaces collapsed. Re-posts
    differ mostly in exactly these (``CHUYẾN MỚI 🛥️`` vs ``Chuyến mới``). O(len(text))."""
    return " ".join(_NOT_WORD.sub(" ", fold(text).lower()).split())


def _shingles(text: str) -> set[bytes]:
    t = " ".join(text.split())
    if len(t) <= SHINGLE:
        return {t.encode("utf-8")}
    return {t[i : i + SHINGLE].encode("utf-8") for i in range(len(t) - SHINGLE + 1)}


def group_near_duplicates(
    ids: Sequence[str], texts: Sequence[str], *, threshold: float = THRESHOLD
) -> list[str | None]:
    """A campaign id per post (``None`` when it has no near-duplicate).

    ``texts`` should be :func:`comparable` forms; ``threshold`` is the
    Jaccard similarity of shingle sets above which two posts are one campaign.
    """
    n = len(ids)
    if n == 0:
        return []
    # Identical texts (the commonest re-post) are one campaign without hashing: only
    # the distinct texts go through MinHash and LSH.
    first_of: dict[str, int] = {}
    first_index = np.empty(n, dtype=np.int64)
    for i, t in enumerate(texts):
        first_index[i] = first_of.setdefault(" ".join(t.split()), i)
    distinct = list(first_of.values())
    shingles = [_shingles(texts[i]) for i in distinct]
    # CRC-32 (C, deterministic) instead of datasketch's default SHA-1: a shingle
    # needs a well-spread 32-bit hash, not a cryptographic one, and it is 3x faster
    hashes = MinHash.bulk(shingles, num_perm=NUM_PERM, hashfunc=zlib.crc32)
    values = np.stack([h.hashvalues for h in hashes])
    a, b = _candidate_pairs(values)
    # LSH only proposes; each candidate is checked on its estimated Jaccard (the
    # share of equal hash values), all pairs in one numpy comparison.
    keep = (values[a] == values[b]).mean(axis=1) >= threshold
    m = len(distinct)
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (a[keep], b[keep])), shape=(m, m))
    _, component = connected_components(graph, directed=False)
    label = component[np.searchsorted(np.asarray(distinct), first_index)]
    members: dict[int, list[int]] = {}
    for i, c in enumerate(label.tolist()):
        members.setdefault(c, []).append(i)
    out: list[str | None] = [None] * n
    for group in members.values():
        if len(group) < 2:
            continue
        first = min(str(ids[i]) for i in group)
        gid = "g-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:10]
        for i in group:
            out[i] = gid
    return out


def _candidate_pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (rows of ``values``) that share at least one LSH band.

    The banding of MinHash LSH, done in numpy rather than with ``datasketch.MinHashLSH``,
    whose insert and query are a Python call per band per post (three quarters of the
    time at 10,000 posts). Each band's hash values become one key; posts are sorted by
    key and each is paired with the next ``WINDOW`` posts of its bucket. Within a big
    bucket (one campaign posted many times) that is enough: the check joins neighbours
    and the components join the rest, while all pairs would be quadratic. Cost
    O(bands x posts log posts). With bands of 2 rows a pair at Jaccard 0.4 shares a
    band with probability 1 - (1 - 0.4^2)^32 = 0.996.
    """
    rows_per_band = 2
    parts_a: list[np.ndarray] = []
    parts_b: list[np.ndarray] = []
    for start in range(0, NUM_PERM - rows_per_band + 1, rows_per_band):
        band = np.ascontiguousarray(values[:, start : start + rows_per_band])
        key = band.view(np.dtype((np.void, band.dtype.itemsize * rows_per_band))).ravel()
        _, bucket = np.unique(key, return_inverse=True)
        order = np.argsort(bucket, kind="stable")
        sorted_bucket = bucket[order]
        for w in range(1, WINDOW + 1):
            same = sorted_bucket[w:] == sorted_bucket[:-w]
            parts_a.append(order[:-w][same])
            parts_b.append(order[w:][same])
    if not parts_a:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    a, b = np.concatenate(parts_a), np.concatenate(parts_b)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pair = np.unique(lo.astype(np.int64) * len(values) + hi)
    return pair // len(values), pair % len(values)
