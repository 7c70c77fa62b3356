"""Names of one word, and the speaker labels of chat exports.

A known given name (capitalised) stands alone as a person after a lower-case
honorific or vocative ("ya Osman", "anh Duc", "kak Hiwa") or a naming word ("a man
called Kawa"); in a list or ledger field, or before a chat verb, it is read by
:func:`crosslink.extract.names.chat.known_given`. Any capitalised word that is not a
stop word or place is a name after the strongest frames: a person noun and
"called"/"named", "gave the name", "his name is", and a role noun in apposition
("The agent, Kourosh, took ..."). A chat export's "name: message" label is a person
when it opens two lines or starts with a known given name.
"""

from __future__ import annotations

import re

from crosslink.extract import keywords
from crosslink.extract._base import Candidate
from crosslink.extract.names.chat import CHAT_NOT_NAMES
from crosslink.extract.names.lexicon import CAP, STOP, nice_name

__all__ = ["SPEAKER_RE", "single_names"]

keywords.register("honorific", "ya yaa anh chị chi kak kaka kako bra brak haji hajji mamosta bro brother cousin "
                  "uncle called named".split() + ["name is", "name was"], keywords.word_lead)
_ONE_NAME_AFTER = re.compile(rf"[ \t](?P<n>{CAP})(?![\w-]|['’](?!s(?!\w)))")
_NAME_CUE1 = (
    r"(?:(?:man|woman|guy|person|someone|somebody|boy|girl|minor|male|female|lady|child|youth|teenager|"
    r"driver|smuggler|agent)[ \t]+(?:who[ \t]+)?(?:called|named|calling[ \t]+himself|calling[ \t]+herself)"
    r"|(?:gave|gives|give|giving|under)[ \t]+(?:the|his|her|a)[ \t]+name(?:[ \t]+of)?"
    r"|(?:his|her|whose)[ \t]+name[ \t]+(?:is|was)"
    r"|(?:the|a|an|his|her|their)[ \t]+(?:agent|smuggler|driver|organiser|organizer|facilitator|skipper|"
    r"captain|pilot|courier|recruiter|hawaladar|fixer|guide|contact|boss|cousin|brother|uncle|associate)[ \t]*,)"
)
_NAME_CUE1_RE = re.compile(_NAME_CUE1 + r"[ \t]*$", re.IGNORECASE)
_NAMING_WORDS = frozenset({"called", "named", "name", "name of", "calling himself", "calling herself", "name is",
                           "name was"})
_ONE_NAME = re.compile(rf"[ \t]*,?[ \t]*(?P<n>{CAP})(?![\w-]|['’](?!s(?!\w)))")
_APPOS_AFTER = re.compile(r"[ \t]*[,)]")
keywords.register("name_cue1", ["called", "named", "name", "name of", "calling himself", "calling herself",
                                "agent", "smuggler", "driver", "organiser", "organizer", "facilitator", "skipper",
                                "captain", "pilot", "courier", "recruiter", "hawaladar", "fixer", "guide", "contact",
                                "boss", "cousin", "brother", "uncle", "associate", "name is", "name was"])
#: chat export lines "name: message" ("erion: ok", "khalid adam: call him"); the text
#: is scanned with a newline before it (a literal first: re skips ahead in C)
SPEAKER_RE = re.compile(r"\n(?P<n>[a-z][a-z'-]{1,14}(?: [a-z][a-z'-]{1,14})?):[ \t]")


def single_names(text: str, kw: keywords.TextIndex, given: frozenset[str], english: frozenset[str],
                  places: frozenset[str]) -> list[Candidate]:
    """One-word names (see above). O(hits) after the keyword scan."""
    out: list[Candidate] = []
    # a lower-case honorific or vocative, or "called", "named", "name is", before a
    # known given name
    for hs, he, _hw in kw.hits("honorific"):
        if not text[he + 1 : he + 2].isupper():
            continue
        hm = _ONE_NAME_AFTER.match(text, he)
        if hm is None or not text[hs:he].islower():
            continue
        word = hm.group("n")
        low = word.lower()
        if low not in given or low in english or word in STOP or low in places:
            continue
        e = hm.end("n")
        if text[e : e + 1] == " " and text[e + 1 : e + 2].isupper():
            continue
        out.append(Candidate(hm.start("n"), e, "person", word, {"form": "single"}))
    for _cs, ce, cw in kw.hits("name_cue1"):
        # a naming word, or a role noun with the comma of an apposition (tested first)
        if cw not in _NAMING_WORDS and text[ce : ce + 1] != ",":
            continue
        m = _ONE_NAME.match(text, ce)
        if m is None:
            continue
        n = m.group("n")
        if n in STOP or n.lower() in places or n.lower() in english:
            continue
        e = m.end("n")
        if text[e : e + 1] == " " and text[e + 1 : e + 2].isupper():
            continue
        # the cue ends right before the name (a role noun with its comma: apposition,
        # which must close after the name: "The agent, Kourosh, took")
        if _NAME_CUE1_RE.search(text, max(0, ce - 40), m.start("n")) is None:
            continue
        if "," in text[ce : m.start("n")] and _APPOS_AFTER.match(text, e) is None:
            continue
        out.append(Candidate(m.start("n"), e, "person", nice_name([n]), {"form": "single"}))
    if ":" in text:
        speakers: dict[str, list[re.Match[str]]] = {}
        for m in SPEAKER_RE.finditer("\n" + text):
            speakers.setdefault(m.group("n"), []).append(m)
        for name, ms in speakers.items():
            toks = name.split()
            if any(t in CHAT_NOT_NAMES or t in english or t in places or t.capitalize() in STOP for t in toks):
                continue
            # a label that opens two lines, or a known given name
            if len(ms) < 2 and toks[0] not in given:
                continue
            for m in ms:  # offsets in the text with the newline put before it
                out.append(Candidate(m.start("n") - 1, m.end("n") - 1, "person", nice_name(toks), {"form": "speaker"}))
    return out

