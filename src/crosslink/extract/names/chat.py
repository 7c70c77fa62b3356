"""Names in lower-case chat (``tell karwan rasuli``, ``ok so karzan said``).

- a known given name followed by a known family name;
- a known given name next to a chat cue: "tell", "ask", "thanks" before it, "said",
  "has" after it (the given names come from the shared keyword scan, category
  ``given_chat``: the given names that are not everyday English words);
- the same scan's capitalised given name standing alone as a field of a list or
  ledger line ("12/8 — Sarbast — 1500$") or opening a clause before a chat verb;
- a word no list knows only in the strongest frames ("tell X", "hi X", "X said"
  opening its clause), and never a word of the guard lists below.
"""

from __future__ import annotations

import re

from crosslink.extract import keywords
from crosslink.extract._base import Candidate
from crosslink.extract.names.lexicon import STOP, nice_name, word_lists

__all__ = ["CHAT_NOT_NAMES", "known_given", "unknown_names"]

#: a cue word right before a known given name ("tell", "thanks", "with")
_CHAT_CUE = re.compile(
    r"(?:\b(?:tell|told|ask|asked|call|called|ring|rang|phone|phoned|msg|message|messaged|text|texted|bro|"
    r"brother|sister|sis|cousin|uncle|mate|with|meet|met|see|saw|from|to|and|about|for|by|wait for|pay|paid|"
    r"send|sent|give|gave|speak to|spoke to|talk to|contact|contacted|thanks|thank you|thx|hi|hey|hello|"
    r"salam|slm|kak|kaka|haji|named|bra|brak|numaray|zhmaray|anh|ya)[ \t]+)$"
)
#: a chat verb right after a known given name ("said", "has", "wants")
_CHAT_AFTER = re.compile(
    r"[ \t]+(?:has|have|had|said|says|told|asked|is|was|will|wants|needs|sent|knows|can|cant|can't|got|took|"
    r"takes|brings|called|rang|phoned|paid|owes|texted|msgd|messaged|replied|wrote|drives|driving|drove|"
    r"booked|bought|agreed|arrived|came|left)\b"
)


def _chat_words() -> list[str]:
    given, family, english, _ = word_lists()
    return sorted(g for g in given if g not in english)


def _chat_right(low: str, end: int) -> bool:
    nxt = low[end : end + 1]
    return nxt == "" or (keywords.not_word(nxt) and nxt not in "'@-")


keywords.register("given_chat", _chat_words, keywords.word_lead, _chat_right)
_FAMILY_AFTER = re.compile(r"[ \t]+(?P<f>[a-z][a-z'-]+)(?![\w'@-])")

# Lower-case chat names that no list knows, in the few frames where a bare word is
# all but always a person: "tell X", "ask X", "hi X", "thanks X", "kak X" before it,
# or "X said" / "X told" ... with X opening its clause ("ok so karzan said"). Only in
# a line that starts in lower case (chat; prose opens sentences with a capital). X
# is refused when it is a pronoun or another everyday word of such frames ("tell him",
# "the driver said", "ask around"), has the ending of an English noun or adjective
# ("crossings said", "payment said"), is a place, an ordinary word of the name lists,
# or any word the other extractors know (labels, vehicles, platforms, currencies...).
_CHAT_FRAME_BEFORE = (
    "tell", "ask", "hi", "hey", "hiya", "thanks", "thank you", "thx", "cheers", "salam", "slm", "kak", "kaka",
    "mamosta", "haji",
    # Kurdish "brother", "the number of" ("numaray hogr"), Albanian "the number of"
    "bra", "brak", "numaray", "zhmaray", "numrin e",
)
_CHAT_FRAME_AFTER = ("said", "says", "told", "asked", "reckons", "replied", "texted", "msgd", "messaged")
keywords.register("chat_frame", _CHAT_FRAME_BEFORE + _CHAT_FRAME_AFTER)
_CHAT_WORD = r"(?P<x>[a-zß-öø-ÿ][a-zß-öø-ÿ'-]{1,14}[a-zß-öø-ÿ])"
#: the word right after a frame word ("tell X")
_CHAT_NAME_AFTER = re.compile(r"[ \t]" + _CHAT_WORD + r"(?![\w@'-]|\.\w)")
#: the word right before a frame word, opening its clause ("ok so X said"); searched
#: in the window before the frame word, so ``$`` is the frame word's start
_CHAT_NAME_BEFORE = re.compile(
    r"(?:^|(?<=[\n.,;:!?(]))[ \t]*(?:(?:ok|okay|so|and|but|then|coz|cos|because|yes|yeah|no|lol)[ \t]+)*"
    + _CHAT_WORD
    + r"[ \t]$"
)
CHAT_NOT_NAMES = frozenset(
    """i me my mine you u ur your yours he him his she her hers it its we us our ours they them their theirs this
    that these those there here who whom whose what which where when why how whether if someone somebody anyone
    anybody everyone everybody nobody noone none all both each every one other others another people person guy
    guys man men woman women lady boy boys girl girls kid kids child children family friend friends mate mates
    bro bros brother brothers sister sisters sis cousin cousins uncle aunt auntie mum mom mam dad father mother
    son daughter wife husband boss bosses driver drivers captain pilot agent agents police cops cop officer
    officers guard guards smuggler smugglers passenger passengers customer customers client clients team group
    source sources intel report message text note post channel page site app ad advert doctor lawyer landlord
    neighbour the a an any some many much more most less few lots again also just only still even then now later
    today tomorrow tonight yesterday soon please pls plz thanks thx ok okay yes yeah yep no nope not never
    always sure maybe probably really actually literally basically finally apparently clearly obviously already
    definitely first last next around back away off out up down over about again right wrong well too very so
    and or but because coz cos if than as at by for from in into of on to with without all everyone mate habibi
    bruv bredrin fam lad lads dude sir madam mister bhai yaar kurd kurds arab arabs afghan afghans iraqi iraqis
    iranian iranians syrian syrians albanian albanians eritrean eritreans sudanese somali somalis turk turks
    vietnamese english british french german price money cash weather engine transfer phone news sea wind
    camp jungle map gps plan deal time rain storm tide forecast coastguard navy tunnel train house flat room
    everything nothing something anything""".split()
)
_NOUN_ENDINGS = ("ing", "ings", "ment", "ments", "ness", "tion", "tions", "sion", "sions", "ence", "ences", "ance",
                 "ances", "ity", "ities", "ies", "ous", "ful", "less", "able", "ible", "age", "ages", "ship", "ism",
                 "ist", "ists", "ure", "ures", "ery", "ory")

# A capitalised given name alone is a field of a list or ledger line when one of these
# opens it ("— Sarbast —", a line, a quote) and one of _FIELD_AFTER closes it.
_FIELD_OPEN = ("—", "–", "|", '"', "“", "\n")
_FIELD_AFTER = re.compile(r"[ \t]*(?:[—–|\"”]|\n|$|(?:mob|mobile|tel|phone|no|number)\b)")

#: Albanian case endings (definite genitive/dative, accusative, ablative) on a name
_SQ_ENDINGS = ("it", "in", "ut", "un", "i")


def unknown_names(
    text: str, kw: keywords.TextIndex, given: frozenset[str], english: frozenset[str], places: frozenset[str]
) -> list[Candidate]:
    """Chat names no list knows, from the frames above. O(frame words) after the keyword scan."""
    out: list[Candidate] = []
    for fs, fe, frame in kw.hits("chat_frame"):
        if not text[fs:fe].islower():
            continue
        if frame in _CHAT_FRAME_BEFORE:
            m = _CHAT_NAME_AFTER.match(text, fe)
        else:
            m = _CHAT_NAME_BEFORE.search(text, max(0, fs - 40), fs)
        if m is None:
            continue
        xs, xe = m.span("x")
        x = m.group("x")
        stem = next((x[: -len(e)] for e in _SQ_ENDINGS if x.endswith(e) and x[: -len(e)] in given), None)
        if stem is not None and stem not in english:
            out.append(Candidate(xs, xe, "person", nice_name([stem]), {"form": "chat"}))
            continue
        if (
            x in CHAT_NOT_NAMES
            or x.capitalize() in STOP
            or x.endswith(_NOUN_ENDINGS)
            or (len(x) > 5 and x.endswith("ly"))
            or x in given
            or x in english
            or x in places
            or kw.known(xs, xe)
        ):
            continue
        line = text[text.rfind("\n", 0, xs) + 1 : xs + 1]
        first = next((c for c in line if c.isalpha()), "")
        if first.islower():
            out.append(Candidate(xs, xe, "person", nice_name([x]), {"form": "chat"}))
    return out



def known_given(
    text: str, kw: keywords.TextIndex, family: frozenset[str], english: frozenset[str], places: frozenset[str]
) -> list[Candidate]:
    """Known given names of the ``given_chat`` scan: lower-case chat spellings (with a
    family name after them, or a chat cue around them), and a capitalised one standing
    alone in a field or before a chat verb. O(hits) after the keyword scan."""
    out: list[Candidate] = []
    for ws, we, _w in kw.hits("given_chat"):
        word = text[ws:we]
        if not word.islower():
            # a capitalised given name alone: opening a field ("— Sarbast —", a line,
            # a quote) and closing it, or opening a clause before a chat verb
            # ("..., Almuiz wants"); see names.single for the other frames
            p1 = text[ws - 1] if ws else "\n"
            if p1 == " ":
                p2 = text[ws - 2] if ws > 1 else "\n"
                if p2 in ".,":
                    field = False
                elif p2 in _FIELD_OPEN:
                    field = True
                else:
                    continue
            elif p1 in _FIELD_OPEN:
                field = True
            else:
                continue
            if not (word[:1].isupper() and word[1:].islower()) or word in STOP or word.lower() in places:
                continue
            if text[we : we + 1] == " " and text[we + 1 : we + 2].isupper():
                continue  # more names follow: the run scans read them
            if (_FIELD_AFTER if field else _CHAT_AFTER).match(text, we) is not None:
                out.append(Candidate(ws, we, "person", word, {"form": "single"}))
            continue
        # lower-case chat spellings
        if ws > 0 and text[ws - 1] in "'@.-":
            continue
        fm = _FAMILY_AFTER.match(text, we)
        fam = fm.group("f") if fm is not None else None
        if fam and fam in family and fam not in english:
            out.append(Candidate(ws, fm.end(), "person", nice_name([word, fam]), {"form": "chat"}))  # type: ignore[union-attr]
        elif _CHAT_CUE.search(text[max(0, ws - 15) : ws].lower()) or _CHAT_AFTER.match(text, we):
            out.append(Candidate(ws, we, "person", nice_name([word]), {"form": "chat"}))
    return out
