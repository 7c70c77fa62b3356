"""Names the capital letters give away: the forms of reports and logs.

- ``Given SURNAME``, the UK convention (``Ahmed KARIMI``, ``Mohammed Ali AL-HASHIMI``),
  and a lone ``SURNAME`` after a role word ("Subject KARIMI");
- ``SURNAME Given`` of Continental partner reports ("KARIMI Ali geboren op ..."),
  with a known given name, a naming word before it or a birth after it;
- comma-inverted ``KARIMI, Ahmed`` / ``Karimi, Ahmed``;
- a title or honorific and a name (``Mr Karimi``, ``Kak Hiwa``, ``DC SMITH``);
- an Arabic kunya (``Abu Karam``, ``Umm Ali``);
- sentence case runs (``Ahmed Karimi``) that a name list vouches for, or with a
  role word before them or a DOB/age/aka after them.

Each form is one function returning its candidates; :func:`crosslink.extract.names.find`
calls them in this order.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosslink.extract import keywords
from crosslink.extract._base import Candidate, trie_regex, window_before
from crosslink.extract.names import model
from crosslink.extract.names.lexicon import (
    AFTER_CUE,
    CAP,
    CAP0,
    CAPS,
    CAPS0,
    CAPS_STOP,
    EDGE,
    LO,
    PART,
    ROLE_CUE,
    SP,
    STOP,
    UP,
    nice_name,
    person,
    tokens,
    word_lists,
)

__all__ = [
    "GIVEN_CAPS_RE", "INVERTED_RE", "KUNYA_RE", "RUN_RE", "SURNAME_GIVEN_RE", "TITLE_RE",
    "all_caps", "given_surname", "inverted", "kunya", "run_spans", "sentence_runs", "surname_given", "titled",
]

GIVEN_CAPS_RE = re.compile(
    rf"(?P<g>{CAP0}(?:{SP}{CAP}){{0,2}}){SP}(?P<s>{CAPS}(?:{SP}{CAPS}){{0,2}})(?![\w-]|['’](?!s(?!\w))|\.\w)"
)
INVERTED_RE = re.compile(
    rf"(?P<s>[{UP}]{EDGE}(?:(?:'[{UP}]{{2,}}+|[{UP}]++)(?:[-'’][{UP}]{{2,}}+)*+(?:{SP}{CAPS})?"
    rf"|[{LO}]++(?:[-'’][{UP}{LO}][{LO}]++)*+)),[ \t]*+(?P<g>{CAP}(?:{SP}{CAP}){{0,2}})(?![\w-]|['’](?!s(?!\w)))"
)
SURNAME_GIVEN_RE = re.compile(
    rf"(?P<s>{CAPS0}(?:{SP}{CAPS}){{0,1}}){SP}(?P<g>{CAP}(?:{SP}{CAP}){{0,1}})(?![\w-]|['’](?!s(?!\w)))"
)
_PARTNER_CUE = re.compile(
    r"(?:\b(?:werd|wurde|nommée?|dénommée?|denommee?|surnommée?|genaamd|namens|named|called|der|die|le|la|subject|"
    r"suspect|nominal|llamado|llamada|chiamato|chiamata)[ \t]*:?[ \t]*)$",
    re.IGNORECASE,
)
_BIRTH_AFTER = re.compile(r"[ \t]*(?:\(|,?[ \t]*(?:geboren|geb\.|né|née|born|dob|b\.)(?![a-z]))", re.IGNORECASE)
KUNYA_RE = re.compile(rf"[AU](?<![\w'’-].)(?:(?<=A)bu|(?<=A)bou|(?<=U)mm?){SP}{CAP}(?![\w-]|['’](?!s(?!\w)))")
RUN_RE = re.compile(rf"{CAP0}(?:{SP}(?:{PART}{SP})?(?:(?:al|el|ul)-)?{CAP}){{1,3}}(?![\w-]|['’](?!s(?!\w)))")
# English and police ranks, then honorifics of the languages crosslink's users meet
# (Kurdish Kak/Mamosta, Albanian Zoti, German Herr, French M./Mme, Spanish Sr, Polish Pan...).
_TITLES = (
    "Mr Mrs Ms Miss Mx Dr Mister Madam Sheikh Haji Hajji Mullah DC DS PC DI DCI DSI Sgt Insp Cllr "
    "Kak Kaka Mamosta Xanim Khanum Sayyid Sayed Ustad Ustaz Zoti Zonja Herr Frau Monsieur Madame Mme "
    "Señor Senor Sr Sra Pan Pani Signor Sig Meneer Mevrouw Dhr Mevr"
).split()
_TITLE_TAIL = rf"\.?{SP}(?P<n>(?:{CAP}|{CAPS})(?:{SP}(?:{PART}{SP})?(?:{CAP}|{CAPS})){{0,3}})(?![\w-]|['’](?!s(?!\w)))"
#: the whole-text form, kept as the reference of :func:`titled` (which anchors the
#: tail on the shared keyword scan's title hits instead: one regex scan less)
TITLE_RE = re.compile(trie_regex(_TITLES, r"\w") + _TITLE_TAIL)
TITLE_TAIL_RE = re.compile(_TITLE_TAIL)
_TITLE_SET = frozenset(_TITLES)
# case-insensitive in the scan (it reads the lower-cased text), case-checked in titled;
# kept out of TextIndex.known, so that a title word counts as no known word in chat
keywords.register("title", [t.lower() for t in _TITLES], keywords.not_word, known=False)


@lru_cache(maxsize=65536)
def _given_caps(span: str, g_end: int, s_start: int) -> tuple[int, int, int, str] | None:
    """The "Given SURNAME" reading of one GIVEN_CAPS_RE match (``span``, its groups'
    offsets): ``(lone, start, end, value)`` relative to the span, or None. ``lone`` is
    0 for a full name, 1 for a surname alone (it needs a role word before it), 2 for
    a surname alone after a role word inside the span. A pure function of the span,
    so it is cached: the same name in the same spelling is read once."""
    given, family, _english, places = word_lists()
    g = tokens(span, 0, g_end)
    s = tokens(span, s_start, len(span))
    role_in_span = span[:g_end].split()[-1] in ("Subject", "Suspect", "Driver", "Brother", "Cousin", "Uncle")
    while g and (g[0][2] in STOP or g[0][2].lower() in places and g[0][2].lower() not in given):
        g.pop(0)
    named = bool(g)

    def stop(tok: str) -> bool:
        return tok in CAPS_STOP and not (named and tok.lower() in family)

    # a trailing place is dropped ("KARIMI DOVER"), unless it is also a name part
    # after another surname token ("NGUYEN VAN": Van is a town and a Vietnamese name);
    # an abbreviation is no surname unless it is a family name after a given name
    # ("Van-Minh HO": HO is also the Home Office)
    while s and (
        stop(s[-1][2])
        or (s[-1][2].lower() in places and not (
            (len(s) > 1 and (s[-1][2].lower() in given or s[-1][2].lower() in family))
            # "Lee KENT": a family name after a known given name, though also a place
            or (len(s) == 1 and g and g[-1][2].lower() in given and s[0][2].lower() in family)))
    ):
        s.pop()
    if not s or stop(s[0][2]) or not all(t[2].isupper() for t in s):
        return None
    if not g:
        if s[0][2].lower() in places:
            return None
        return (2 if role_in_span else 1, s[0][0], s[-1][1], nice_name([t[2] for t in s]))
    if any(t[2] in STOP for t in g):
        return None
    return (0, g[0][0], s[-1][1], nice_name([t[2] for t in g + s]))


@lru_cache(maxsize=65536)
def _sentence_run(span: str) -> tuple[int, int, str, bool] | None:
    """The name in one RUN_RE match (``span``): ``(start, end, value, known)`` relative
    to the span, or None. Stop words and places are trimmed from both ends; ``known``
    says a given or family name list vouches for it (else the caller looks for a cue
    around it). A pure function of the span, cached like :func:`_given_caps`."""
    given, family, _english, places = word_lists()
    toks = tokens(span, 0, len(span))
    while toks and (toks[0][2] in STOP or (toks[0][2].lower() in places and toks[0][2].lower() not in given)):
        toks.pop(0)
    while toks and (toks[-1][2] in STOP or toks[-1][2].lower() in places or toks[-1][2].islower()):
        toks.pop()
    if len(toks) < 2 or any(t[2] in STOP for t in toks) or not toks[0][2][0].isupper():
        return None
    known = (toks[0][2].lower() in given or toks[-1][2].lower() in family
             # family name first, given name last (Vietnamese "Pham Van Hung")
             or (toks[0][2].lower() in family and toks[-1][2].lower() in given))
    return toks[0][0], toks[-1][1], nice_name([t[2] for t in toks]), known


def _not_surname(i: int, tok: str, given: frozenset[str], family: frozenset[str], places: frozenset[str]) -> bool:
    """Whether the ``i``-th token of a capitalised surname before a given name cannot
    be part of it: an abbreviation that is not a family name ("HO" is both), or a
    place that is not a name after the first token ("NGUYEN VAN Duc": Van is both)."""
    low = tok.lower()
    if tok in CAPS_STOP:
        return low not in family
    return low in places and not (i > 0 and (low in given or low in family))


def given_surname(text: str) -> list[Candidate]:
    """``Given SURNAME``, or a lone ``SURNAME`` after a role word ("Subject KARIMI")."""
    out: list[Candidate] = []
    for m in GIVEN_CAPS_RE.finditer(text):
        base = m.start()
        hit = _given_caps(m.group(), m.end("g") - base, m.start("s") - base)
        if hit is None:
            continue
        lone, rs, re_, value = hit
        # "Subject KARIMI": a lone surname only after a role word
        if lone and not (lone == 2 or ROLE_CUE.search(text[max(0, m.start("s") - 25) : m.start("s")])):
            continue
        out.append(Candidate(base + rs, base + re_, "person", value, {"form": "caps"}))
    return out


def surname_given(text: str, given: frozenset[str], family: frozenset[str], places: frozenset[str]) -> list[Candidate]:
    """``SURNAME Given`` (Continental partner reports: "KARIMI Ali geboren op ...")."""
    out: list[Candidate] = []
    for m in SURNAME_GIVEN_RE.finditer(text):
        s = tokens(text, m.start("s"), m.end("s"))
        g = tokens(text, m.start("g"), m.end("g"))
        if not all(t[2].isupper() for t in s) or any(_not_surname(i, t[2], given, family, places) for i, t in enumerate(s)):
            continue
        while g and (g[-1][2] in STOP or g[-1][2].lower() in places):
            g.pop()
        if not g or g[0][2] in STOP:
            continue
        cue = _PARTNER_CUE.search(text[max(0, m.start() - 20) : m.start()]) is not None
        if (g[0][2].lower() in given or cue or _BIRTH_AFTER.match(text, g[-1][1])
                or _model_vouches(text, m.start(), g[-1][1], [t[2] for t in g + s])):
            out.append(Candidate(m.start(), g[-1][1], "person", nice_name([t[2] for t in g + s]),
                                 {"form": "surname-first"}))
    return out


def inverted(text: str, given: frozenset[str], family: frozenset[str], places: frozenset[str]) -> list[Candidate]:
    """``SURNAME, Given`` and ``Family, Given``."""
    out: list[Candidate] = []
    for m in INVERTED_RE.finditer(text):
        s = tokens(text, m.start("s"), m.end("s"))
        g = tokens(text, m.start("g"), m.end("g"))
        while g and (g[-1][2] in STOP or g[-1][2].lower() in places):
            g.pop()
        if not g or any(t[2] in STOP or t[2] in CAPS_STOP for t in s):
            continue
        if any(t[2].lower() in places for t in s):
            continue
        caps = s[0][2].isupper()
        order = [t[2] for t in g] + [t[2] for t in s]
        # the model vouches for "Dlamini, Sipho" only where it cannot be a list of names
        # ("Sipho Dlamini, Mbaye Ndiaye"): one given name, no capitalised word before it
        if not caps and not (g[0][2].lower() in given and s[-1][2].lower() in family) \
                and not (len(g) == 1 and len(s) == 1 and not _CAP_BEFORE.search(text, max(0, m.start() - 30), m.start())
                         and _model_vouches(text, m.start(), g[-1][1], order)):
            continue
        if caps and g[0][2].lower() not in given and s[0][2].lower() not in family:
            # "NCA, Kent": an unknown capitalised word after a comma is too weak alone
            if not AFTER_CUE.match(text[m.end() : m.end() + 30]) and not _model_vouches(text, m.start(), g[-1][1], order):
                continue
        out.append(
            Candidate(m.start(), g[-1][1], "person", nice_name([t[2] for t in g] + [t[2] for t in s]), {"form": "inverted"})
        )
    return out


def titled(text: str, kw: keywords.TextIndex, places: frozenset[str]) -> list[Candidate]:
    """A title or honorific and a name ("Mr Karimi", "Kak Hiwa").

    What ``TITLE_RE.finditer`` finds: a match starts with a title word that has no word
    character before it and a '.' or blank after it, so the keyword scan has it as a
    ``title`` hit (title words are single words: hits cannot overlap); the case and the
    tail are checked here, and a hit inside the previous match is skipped.
    """
    out: list[Candidate] = []
    tail = TITLE_TAIL_RE.match
    last = 0
    for hs, he, _w in kw.hits("title"):
        if hs < last or text[hs:he] not in _TITLE_SET or (m := tail(text, he)) is None:
            continue
        last = m.end()
        toks = tokens(text, m.start("n"), m.end("n"))
        while toks and (toks[-1][2] in STOP or toks[-1][2] in CAPS_STOP or toks[-1][2].lower() in places
                        or toks[-1][2].islower()):
            toks.pop()
        if toks and not any(t[2] in STOP for t in toks):
            person(out, toks, "title")
    return out


def kunya(text: str, places: frozenset[str]) -> list[Candidate]:
    """An Arabic kunya ("Abu Karam", "Umm Ali"): a name by itself, wherever it stands."""
    out: list[Candidate] = []
    # the scan needs "Abu", "Abou" or "Um": three substring tests in C skip it on most texts
    for m in KUNYA_RE.finditer(text) if ("Abu" in text or "Abou" in text or "Um" in text) else ():
        toks = tokens(text, m.start(), m.end())
        if toks[-1][2] not in STOP and toks[-1][2].lower() not in places:
            person(out, toks, "kunya")
    return out


def given_set() -> frozenset[str]:
    """The lower-cased known given names."""
    return word_lists()[0]


def _model_vouches(text: str, start: int, end: int, order: list[str]) -> bool:
    """Whether the learned model (:mod:`.model`) reads the name tokens ``order`` (given
    names first, in sentence case) written at ``text[start:end]`` as a person."""
    if text[end : end + 1] == ":" or text[end : end + 2] == " :":
        return False  # a label ("Forename:"), not a name
    prev, nxt, ss = model.context(text, start, end)
    return model.is_person([_nice_token_case(t) for t in order], prev, nxt, ss)


_CAP_BEFORE = re.compile(rf"[{UP}][{LO}]+[ \t]+$")


def _nice_token_case(tok: str) -> str:
    return tok[:1] + tok[1:].lower() if tok.isupper() else tok


ALL_CAPS_RE = re.compile(rf"{CAPS0}(?:{SP}{CAPS}){{1,2}}(?![\w-]|['’](?!s(?!\w))|\.\w)")
#: a name all in capitals right before "(DOB", ", born", "(aged": read back from the label
_CAPS_BEFORE = re.compile(rf"(?P<n>{CAPS0}(?:{SP}{CAPS}){{1,2}})[ \t]*[(,][ \t]*$")
_CUE_GAP = re.compile(r"[ \t]*[:,-]?[ \t]*")
# Role words and field labels a name in capitals follows ("Subject: AHMED KARIMI",
# "Full name: SIPHO DLAMINI"): a category of the shared keyword scan, so that the
# capitals are only read where a cue stands (a scan of every capital costs a tenth
# of the extractor's time)
keywords.register("caps_name_cue", (
    "subject|suspect|nominal|name|names|full name|surname and forename|nom|naam|nombre|nome|emri|driver|passenger|"
    "male|female|arrested|detained|identified as|associate|named|called"
).split("|"), known=False)


def all_caps(text: str, kw: keywords.TextIndex, given: frozenset[str], family: frozenset[str],
             places: frozenset[str]) -> list[Candidate]:
    """A name written all in capitals ("SIPHO DLAMINI (DOB ...)", "Full name: AHMED KARIMI"):
    only after a role word or field label, or before a birth label, and with a name list
    or the model vouching for its words; given names first."""
    spans: list[tuple[int, int]] = []
    for _cs, ce, _cw in kw.hits("caps_name_cue"):
        m = ALL_CAPS_RE.match(text, _CUE_GAP.match(text, ce).end())  # type: ignore[union-attr]
        if m is not None:
            spans.append(m.span())
    for bs, _be, _bw in kw.hits("birth_year_cue"):
        b = _CAPS_BEFORE.search(text, max(0, bs - 50), bs)
        if b is not None:
            spans.append(b.span("n"))
    out: list[Candidate] = []
    for ms, me in sorted(set(spans)):
        toks = tokens(text, ms, me)
        while toks and (toks[-1][2] in CAPS_STOP or toks[-1][2].lower() in places):
            toks.pop()
        while toks and (toks[0][2] in CAPS_STOP or toks[0][2].lower() in places):
            toks.pop(0)
        if len(toks) < 2 or any(t[2] in CAPS_STOP for t in toks):
            continue
        start, end = toks[0][0], toks[-1][1]
        words = [t[2] for t in toks]
        w0, wl = words[0].lower(), words[-1].lower()
        if w0 in family and w0 not in given and wl in given:
            words = words[1:] + words[:1]  # "KARIMI AHMED": the family name first
        if any(w.lower() in given or w.lower() in family for w in words) or _model_vouches(text, start, end, words):
            out.append(Candidate(start, end, "person", nice_name(words), {"form": "all-caps"}))
    return out


_OPEN_QUOTES = frozenset("\"'“‘«")
_CLOSE_QUOTES = frozenset("\"'”’»")


def run_spans(text: str) -> list[tuple[int, int, list[str]]]:
    """Every sentence case run :func:`sentence_runs` reads, trimmed: ``(start, end, tokens)``
    (what ``tools/train_person_model.py`` labels and the model scores)."""
    out = []
    for m in RUN_RE.finditer(text):
        run = _sentence_run(m.group())
        if run is not None:
            rs, re_, _value, _known = run
            out.append((m.start() + rs, m.start() + re_, text[m.start() + rs : m.start() + re_].split()))
    return out


def sentence_runs(text: str, kw: keywords.TextIndex) -> list[Candidate]:
    """Sentence case runs ("Ahmed Karimi") a name list or a cue around them vouches for,
    or that the learned model (:mod:`.model`) scores as a person."""
    out: list[Candidate] = []
    place_hits = kw.hits("place")
    for m in RUN_RE.finditer(text):
        run = _sentence_run(m.group())
        if run is None:
            continue
        rs, re_, value, evidence = run
        start, end = m.start() + rs, m.start() + re_
        # a run that is a route place of several words ("Viet Nam") is that place
        place = place_hits.last_within(start, end)
        if place is not None and place[0] == start and place[1] == end:
            continue
        if not evidence:
            before = window_before(text, start, 30)
            evidence = bool(ROLE_CUE.search(before)) or bool(AFTER_CUE.match(text[end : end + 30]))
        form = "sentence"
        if not evidence and value.split(None, 1)[0] not in _TITLE_SET and text[end : end + 1] != ":":
            # (a run opening with a title is the titled form's: "Haji Rahmatullah" is Rahmatullah)
            prev, nxt, ss = model.context(text, start, end)
            evidence = model.is_person(text[start:end].split(), prev, nxt, ss)
            form = "model"
        if evidence and (words := text[start:end].split()) and len(words) >= 3 \
                and words[0].lower() not in given_set() and model.context(text, start, end)[2]:
            # "Later Kofi Asante Owusu": the word opening a sentence is dropped when the
            # model reads the rest as a name and the opener alone lowers the score
            prev, nxt, _ss = model.context(text, start, end)
            rest_start = start + len(words[0]) + (len(text[start + len(words[0]) : end])
                                                  - len(text[start + len(words[0]) : end].lstrip()))
            if model.score(words[1:], [words[0].lower()], nxt, False) > model.score(words, prev, nxt, True) \
                    and model.is_person(words[1:], [words[0].lower()], nxt, False):
                start = rest_start
                value = nice_name(words[1:])
        if evidence:
            # a name the model vouches for inside quotes is what someone is called, not
            # who they are: "for \"Wedi Abo\", who arranged the lorry"
            typ = "alias" if form == "model" and text[start - 1 : start] in _OPEN_QUOTES and \
                text[end : end + 1] in _CLOSE_QUOTES else "person"
            out.append(Candidate(start, end, typ, value if typ == "person" else text[start:end], {"form": form}))
    return out
