"""Name and place tables for the simulator, as numpy/Arrow lookup arrays.

The tables live as YAML beside this module (``data/names.yml``,
``data/places.yml``): synthetic common-name lists per origin, each name a
*variant group* of the Latin spellings it arrives under. Loading turns them into
flat arrays so that the generators can draw millions of names with integer
indexing instead of Python loops:

* every spelling of every group sits in one base list; a group is a
  ``(start, size)`` slice of it, its first spelling the most common one;
* derived spellings (``K`` typos per spelling, upper-case forms, initials) are
  precomputed once per spelling and appended, so record-level noise is a lookup.

Building is O(number of spellings) (a few thousand) and cached per process.
Typos are drawn from a fixed-seed generator: the tables are identical for every
scenario seed, which keeps output deterministic and the tables cacheable.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

__all__ = [
    "Origin",
    "NameTables",
    "Places",
    "name_tables",
    "places",
    "TYPOS_PER_SPELLING",
    "ascii_fold",
]

TYPOS_PER_SPELLING = 4
"""Distinct typo forms precomputed per spelling (a record draws one at random)."""

_TYPO_SEED = 20240611
_KEYBOARD_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh",
    "h": "gj", "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm",
    "o": "ip", "p": "o", "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi",
    "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip


def _load(name: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster start-up
    with resources.files("crosslink.simulate").joinpath("data", name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 (a safe loader)


def ascii_fold(text: str) -> str:
    """Strip diacritics (Nguyễn -> Nguyen, Đức -> Duc): how many systems store names."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _typo(word: str, rng: np.random.Generator) -> str:
    """One keyboard or transcription slip: delete, double, swap, or substitute a letter."""
    if len(word) < 3:
        return word + word[-1]
    kind = int(rng.integers(0, 4))
    pos = int(rng.integers(1, len(word) - 1))  # keep the first letter: typists rarely miss it
    if kind == 0:
        return word[:pos] + word[pos + 1 :]
    if kind == 1:
        return word[:pos] + word[pos] + word[pos:]
    if kind == 2:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    ch = word[pos]
    neighbours = _KEYBOARD_NEIGHBOURS.get(ch.lower(), "")
    if not neighbours:
        return word[:pos] + word[pos + 1 :]
    sub = neighbours[int(rng.integers(0, len(neighbours)))]
    return word[:pos] + (sub.upper() if ch.isupper() else sub) + word[pos + 1 :]


@dataclass(frozen=True)
class Origin:
    """One population of origin: its names, nationality, phones and passports."""

    key: str
    nationality: str
    share: float
    male_share: float
    phone_cc: str
    phone_len: int
    phone_prefix: str
    passport: str
    given_male: np.ndarray  # group ids, by rank
    given_male_p: np.ndarray
    given_female: np.ndarray
    given_female_p: np.ndarray
    family: np.ndarray
    family_p: np.ndarray
    cities: tuple[str, ...]


@dataclass(frozen=True)
class NameTables:
    """Flat arrays over every spelling of every name group.

    ``strings`` holds, in order: base spellings (``n_base``), then
    ``TYPOS_PER_SPELLING`` typos per base spelling, then the upper-case form of
    each of those, then the initial ("M.") of each base spelling. The index
    arrays map a base (or base+typo) index to its derived form.
    """

    origins: tuple[Origin, ...]
    group_start: np.ndarray  # int32 per group: first base index
    group_size: np.ndarray  # int32 per group
    n_base: int
    strings: pa.StringArray
    ascii_base: pa.StringArray  # ASCII-folded lower-case, no spaces/punctuation (emails)
    typo_idx: np.ndarray  # (n_base, K) -> strings index
    upper_idx: np.ndarray  # (n_base * (1 + K),) -> strings index
    initial_idx: np.ndarray  # (n_base,) -> strings index

    @property
    def n_groups(self) -> int:
        return int(len(self.group_start))

    def base(self, index: int) -> str:
        return str(self.strings[index].as_py())


def _rank_weights(n: int, zipf: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** zipf
    return w / w.sum()


@cache
def name_tables() -> NameTables:
    """Load ``data/names.yml`` into lookup arrays (cached; O(spellings))."""
    raw = _load("names.yml")
    place_raw = _load("places.yml")
    base: list[str] = []
    starts: list[int] = []
    sizes: list[int] = []

    def add_groups(groups: list[list[str]]) -> np.ndarray:
        ids = []
        for group in groups:
            ids.append(len(starts))
            starts.append(len(base))
            sizes.append(len(group))
            base.extend(str(s) for s in group)
        return np.asarray(ids, dtype=np.int32)

    origins = []
    for key, spec in raw["origins"].items():
        gm = add_groups(spec["given_male"])
        gf = add_groups(spec["given_female"])
        fam = add_groups(spec["family"])
        origins.append(
            Origin(
                key=key,
                nationality=spec["nationality"],
                share=float(spec["share"]),
                male_share=float(spec["male_share"]),
                phone_cc=str(spec["phone_cc"]),
                phone_len=int(spec["phone_len"]),
                phone_prefix=str(spec["phone_prefix"]),
                passport=str(spec["passport"]),
                given_male=gm,
                given_male_p=_rank_weights(len(gm), float(spec["zipf_given"])),
                given_female=gf,
                given_female_p=_rank_weights(len(gf), float(spec["zipf_given"])),
                family=fam,
                family_p=_rank_weights(len(fam), float(spec["zipf_family"])),
                cities=tuple(place_raw["origin_cities"][key]),
            )
        )

    n_base = len(base)
    k = TYPOS_PER_SPELLING
    rng = np.random.default_rng(_TYPO_SEED)
    typos = [_typo(s, rng) for s in base for _ in range(k)]
    level0 = base + typos
    uppers = [s.upper() for s in level0]
    initials = [s[0] + "." for s in base]
    strings = pa.array(level0 + uppers + initials, type=pa.string())
    n0 = len(level0)
    typo_idx = (n_base + np.arange(n_base * k, dtype=np.int32)).reshape(n_base, k)
    upper_idx = n0 + np.arange(n0, dtype=np.int32)
    initial_idx = 2 * n0 + np.arange(n_base, dtype=np.int32)
    ascii_base = pa.array(
        ["".join(ch for ch in ascii_fold(s).lower() if ch.isalnum()) for s in base],
        type=pa.string(),
    )
    total = sum(o.share for o in origins)
    origins = [
        Origin(**{**o.__dict__, "share": o.share / total})  # normalise shares
        for o in origins
    ]
    return NameTables(
        origins=tuple(origins),
        group_start=np.asarray(starts, dtype=np.int32),
        group_size=np.asarray(sizes, dtype=np.int32),
        n_base=n_base,
        strings=strings,
        ascii_base=ascii_base,
        typo_idx=typo_idx,
        upper_idx=upper_idx,
        initial_idx=initial_idx,
    )


@dataclass(frozen=True)
class Places:
    """Places, routes, ANPR cameras and cell sites (see ``data/places.yml``)."""

    uk_cities: tuple[str, ...]
    variants: dict[str, tuple[str, ...]]  # canonical -> spellings (canonical first)
    routes: dict[str, tuple[tuple[str, ...], ...]]
    anpr_sites: tuple[tuple[str, str], ...]
    cell_sites: tuple[tuple[str, str], ...]
    local: dict[str, dict[str, str]]  # language -> canonical -> spelling in that language

    def spellings(self, canonical: str) -> tuple[str, ...]:
        return self.variants.get(canonical, (canonical,))

    def localised(self, canonical: str, lang: str) -> str:
        """How a report in ``lang`` writes ``canonical`` (Dunkirk -> Dunkerque in French)."""
        return self.local.get(lang, {}).get(canonical, canonical)


@cache
def places() -> Places:
    raw = _load("places.yml")
    return Places(
        uk_cities=tuple(raw["uk_cities"]),
        variants={k: tuple(v) for k, v in raw["variants"].items()},
        routes={k: tuple(tuple(r) for r in v) for k, v in raw["routes"].items()},
        anpr_sites=tuple((a, b) for a, b in raw["anpr_sites"]),
        cell_sites=tuple((a, b) for a, b in raw["cell_sites"]),
        local={lang: {str(k): str(v) for k, v in m.items()} for lang, m in raw.get("local", {}).items()},
    )
