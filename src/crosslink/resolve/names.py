"""Transliteration-aware name keys.

The same smuggler appears as ``Mohammed KARIMI``, ``Muhammad Kareemi`` and
``Mehmet Karimi``: spellings of one Arabic name through English, French or
Turkish conventions. String distance alone scores such pairs poorly and, worse,
scores ``Karimi``/``Rahimi`` well. We therefore compare *keys*:

1. ``clean``: script-transliterated to ASCII (rigour), lower case, punctuation
   and name particles (``al-``, ``el``, ``bin`` ...) removed;
2. ``token key``: each token mapped through a table of known variant groups
   (shipped: ``data/name_variants.csv``, hand-made; optionally extended with
   groups learnt from a transliteration corpus, see :func:`learn_variant_groups`),
   then reduced to a phonetic code (Metaphone via jellyfish) so that vowel
   spellings (``ee``/``i``, ``ou``/``u``) and doubled consonants collapse;
3. ``name key``: token keys concatenated per name part (so compound names split
   differently still agree); the full-name key sorts the parts' keys, so given and
   family name order does not matter.

Every function here works on *distinct* values: callers collect distinct names
with SQL, key them here, and join the keys back (O(distinct names)).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jellyfish
from rigour.text import ascii_text

__all__ = [
    "VariantTable",
    "clean_name",
    "learn_variant_groups",
    "load_variant_table",
    "name_key",
    "token_key",
]

# Particles that are spelt, joined or dropped inconsistently across sources.
_PARTICLES = frozenset(
    {"al", "el", "ul", "ad", "ud", "ash", "bin", "ibn", "ben", "bint", "van", "von",
     "der", "den", "de", "da", "di", "du", "le", "la", "mr", "mrs", "ms", "miss", "dr"}
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_JOINED_PARTICLE = re.compile(r"^(al|el)-")

VariantTable = Mapping[str, str]


def load_variant_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The shipped variant groups (variant -> canonical spelling), plus ``extra``.

    Loaded once per call; the table is small (hundreds of rows).
    """
    table: dict[str, str] = {}
    source = resources.files("crosslink.resolve").joinpath("data/name_variants.csv")
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            canonical = row["canonical"].strip()
            table[canonical] = canonical
            for variant in row["variants"].split():
                table[_NON_ALNUM.sub("", variant.lower())] = canonical
    if extra:
        for variant, canonical in extra.items():
            table.setdefault(variant, canonical)
    return table


def learn_variant_groups(paths: Iterable[Path], min_count: int = 1) -> dict[str, str]:
    """Learn Latin spelling variants from a transliteration corpus.

    Each line is ``latin <TAB> target-script characters <TAB> count`` (the
    Wikidata transliteration pairs). Latin tokens that share one target-script
    spelling are variants of one name (``hichem`` and ``hisham`` are both
    ``ه ش ا م``). Each group maps to its most frequent member. Groups are kept only
    where the members also share their first letter, which drops most noise from
    translated rather than transliterated labels. O(lines).
    """
    by_target: dict[str, dict[str, int]] = defaultdict(dict)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 2:
                    continue
                latin = _NON_ALNUM.sub("", ascii_text(parts[0]).lower())
                count = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
                if not latin or count < min_count:
                    continue
                target = parts[1].replace(" ", "")
                counts = by_target[target]
                counts[latin] = counts.get(latin, 0) + count
    table: dict[str, str] = {}
    for counts in by_target.values():
        if len(counts) < 2:
            continue
        canonical = max(counts, key=lambda k: (counts[k], k))
        for latin in counts:
            if latin[0] == canonical[0] and latin not in table:
                table[latin] = canonical
    return table


def clean_name(value: str | None) -> str | None:
    """ASCII, lower case, particles removed, single spaces. ``None`` if nothing is left."""
    if value is None:
        return None
    text = ascii_text(unicodedata.normalize("NFC", value)).lower()
    tokens = []
    for raw in text.replace("'", "").split():
        raw = _JOINED_PARTICLE.sub("", raw)
        for token in _NON_ALNUM.split(raw):
            if token and token not in _PARTICLES:
                tokens.append(token)
    return " ".join(tokens) or None


@lru_cache(maxsize=500_000)
def _phonetic(token: str) -> str:
    if token.isdigit():
        return token
    return jellyfish.metaphone(token) or token


def token_key(token: str, variants: VariantTable) -> str:
    """Phonetic key of one clean token after mapping it to its variant group.

    A particle written joined to a known name (``alahmad``, ``elhassan``) is
    dropped as :func:`clean_name` drops a separate one, so ``Alahmad`` and
    ``Al-Ahmad`` and ``Ahmad`` share a key.
    """
    if token not in variants and token[:2] in ("al", "el") and token[2:] in variants:
        token = token[2:]
    return _phonetic(variants.get(token, token))


def name_key(clean: str | None, variants: VariantTable) -> str | None:
    """Key of one cleaned name part: its token keys concatenated in order.

    Concatenation (not a space-joined list) makes ``Tesfa Mariam`` and
    ``Tesfamariam`` one key: sources split compound names differently.
    """
    if not clean:
        return None
    return "".join(token_key(t, variants) for t in clean.split()) or None
