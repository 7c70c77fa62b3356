"""Route places, normalised to one canonical English name across languages.

``Dunkerque``, ``Duinkerke`` and ``دنكيرك`` are all ``Dunkirk``. The variant table
is ``data/places.yml`` (crosslink's own). Places that are also common words or
given names (``Jordan``, ``Deal``, ``Nice``, ``Van``) are read as places only
when capitalised and right after a place cue ("in", "to", "from", "via"...), so
"Jordan SMITH" is a person and "travelled to Jordan" a place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from crosslink.extract import keywords
from crosslink.extract._base import Candidate, lowered

__all__ = ["find", "canonical_place", "load_places"]

# lower-case forms that are ordinary words in English, German or French
_LOWER_WORDS = frozenset({"kale", "hull", "stoke", "essen", "long", "van", "deal", "sale", "nice", "bath", "rye",
                          "reading", "kos", "oran", "amman", "alger", "bari", "leeds", "berck", "chad", "niger",
                          "holland", "turkey", "chine", "inde", "roma", "gent", "gand", "halab", "patra"})
_CUE = re.compile(
    r"(?:\b(?:in|to|from|via|near|at|towards|through|into|outside|around|reached|left|crossed|leaving|"
    r"reach|visit(?:ed)?|travel(?:led)? to|arrived in|based in|lives in|living in|of)[ \t]+(?:the[ \t]+)?)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def load_places() -> tuple[dict[str, str], frozenset[str]]:
    """(lower-cased variant -> canonical, lower-cased ambiguous variants). Cached."""
    raw = yaml.safe_load(resources.files("crosslink.extract").joinpath("data/places.yml").read_text("utf-8"))
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for canon, spec in raw.items():
        if isinstance(spec, dict):
            variants = list(spec.get("variants") or [])
            amb = bool(spec.get("ambiguous"))
        else:
            variants = list(spec or [])
            amb = False
        for v in [canon, *variants]:
            table[lowered(v)] = canon
            if amb:
                ambiguous.add(lowered(v))
    return table, frozenset(ambiguous)


def _words() -> list[str]:
    table, _ = load_places()
    words = {" ".join(v.split()) for v in table} | {" ".join(v.replace("-", " ").split()) for v in table}
    return sorted(words)


def _right(low: str, end: int) -> bool:
    # (?![\w]|-\w): not inside a longer word or a hyphenated compound
    nxt = low[end : end + 1]
    if nxt == "-":
        return keywords.not_word(low[end + 1 : end + 2])
    return keywords.not_word(nxt)


keywords.register("place", _words, keywords.word_lead, _right)

#: Arabic-script one-letter words written onto the next: "and", "in/by", "to/for"
#: ("وبروكسل": and Brussels)
_AR_JOINED = "وبل"


def _ar_words() -> list[str]:
    return [w for w in _words() if w[:1] and "\u0600" <= w[0] <= "\u06ff"]


def _not_arabic(ch: str) -> bool:
    return not ("\u0600" <= ch <= "\u06ff")


# (the word must end before one of keywords.END_CHARS, none of them an Arabic letter)
keywords.register("place_ar_joined", _ar_words, lambda ch: ch != "" and ch in _AR_JOINED)
#: what may join two places of one list ("from Jordan and Chad", "Kent, Essex")
_LIST_JOIN = re.compile(r"[ \t]*(?:,|and|or|et|ou|und|oder|en|of|e|o|y|dhe|ose|و)?[ \t]*")


def canonical_place(name: str) -> str | None:
    """Canonical English name of a route place written in any known variant."""
    table, _ = load_places()
    return table.get(" ".join(name.split()).lower())


def find(text: str, hint: str | None) -> list[Candidate]:
    """Place candidates from the shared keyword scan (:mod:`crosslink.extract.keywords`);
    O(hits) after it."""
    table, ambiguous = load_places()
    out: list[Candidate] = []
    kw = keywords.index(text)
    for start, end, key in kw.hits("place"):
        s = text[start:end]
        canon = table.get(key) or table.get(key.replace(" ", "-"))
        if canon is None:
            continue
        if s.islower() and (key in _LOWER_WORDS or len(key) < 4):
            continue
        if key in ambiguous:
            # after a place cue, or listed right after a place that was ("from Jordan and Chad")
            if not s[:1].isupper() or (
                _CUE.search(text[max(0, start - 30) : start]) is None
                and not (out and _LIST_JOIN.fullmatch(text, out[-1].end, start) is not None)
            ):
                continue
        elif len(s) <= 3 and not s.isupper() and not s[:1].isupper():
            continue
        out.append(Candidate(start, end, "location", canon))
    for start, end, key in kw.hits("place_ar_joined"):
        # the one-letter word starts its word ("وبروكسل"), and the whole is not a place itself
        if (start < 2 or _not_arabic(text[start - 2])) and table.get(key) is not None:
            out.append(Candidate(start, end, "location", table[key]))
    return out
