"""Aliases: the names after "aka", "also known as", "nicknamed", "alias", "goes by",
"saved as" and their French, German, Dutch, Spanish and Italian equivalents.

An alias is the quoted text after the cue ("saved as 'Mamosta'", and every further
quoted alias of a list: "also known as 'KURDO' and 'Hama Rash'") or up to three
capitalised words. The cues come from the shared keyword scan (category ``alias_cue``).
"""

from __future__ import annotations

import re

from crosslink.extract import keywords
from crosslink.extract._base import Candidate
from crosslink.extract.names.lexicon import CAP, CAPS, CAPS_STOP, SP, STOP, nice_name

__all__ = ["ALIAS_TAIL", "find_aliases"]

_ALIAS_WORDS = (
    "aka|a.k.a|a.k.a.|also known as|known as|nicknamed|nickname|alias|goes by|street name|kunya|laqab|"
    "saved as|stored as|listed as|known only as|only known as|knew only as|knew him as|knew her as|know him as|"
    "know her as|known to him as|known to her as|known to them as|surnommé|surnommée|dit|genannt|bekend als|"
    "conocido como|detto"
)
_MORE_ALIAS = re.compile(
    r"[ \t]*(?:,|and|or|et|ou|und|oder|en|y|e|o)[ \t]*['\"‘“«][ \t]*(?P<q>[^'\"’”»\n]{1,40}?)[ \t]*['\"’”»]"
)
ALIAS_TAIL = re.compile(
    r"[ \t]*[:\-]?[ \t]*(?:the[ \t]+)?(?:['\"‘“«][ \t]*(?P<q>[^'\"’”»\n]{1,40}?)[ \t]*['\"’”»]"
    rf"|(?P<w>(?:{CAP}|{CAPS})(?:{SP}(?:{CAP}|{CAPS})){{0,2}}))"
)
keywords.register("alias_cue", _ALIAS_WORDS.split("|"))


def find_aliases(text: str, kw: keywords.TextIndex) -> list[Candidate]:
    """Alias candidates after the cues of ``kw``. O(cues) after the keyword scan."""
    out: list[Candidate] = []
    for _ks, ke, _kw in kw.hits("alias_cue"):
        m = ALIAS_TAIL.match(text, ke)
        if m is None:
            continue
        grp = "q" if m.group("q") else "w"
        raw = m.group(grp).strip()
        # a quoted alias is whatever the quotes hold ("saved as 'Mamosta'")
        if not raw or (grp == "w" and (raw in STOP or raw in CAPS_STOP)):
            continue
        a_start = m.start(grp) + (len(m.group(grp)) - len(m.group(grp).lstrip()))
        words = raw.split()
        while grp == "w" and words and (words[-1] in STOP or words[-1] in CAPS_STOP):
            words.pop()
        if not words:
            continue
        a_end = text.index(words[-1], a_start) + len(words[-1])
        value = nice_name(words) if raw.isupper() or raw.islower() else " ".join(words)
        out.append(Candidate(a_start, a_end, "alias", value))
        # more quoted aliases in the same list: "also known as 'KURDO' and 'Hama Rash'"
        pos = m.end()
        while grp == "q" and (more := _MORE_ALIAS.match(text, pos)) is not None:
            q = more.group("q").strip()
            if q:
                qs = text.index(q, more.start("q"))
                out.append(Candidate(qs, qs + len(q), "alias", nice_name(q.split()) if q.isupper() or q.islower() else q))
            pos = more.end()
    return out

