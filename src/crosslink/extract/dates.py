"""Dates of birth (ISO, UK day-month order), plus the dates, times, postcodes,
sort codes and reference numbers that must never be read as selectors.

A date is a ``dob`` when a birth label precedes it ("DOB", "d.o.b.", "born",
"date of birth", "b.") or when it sits in brackets right after a name
("Ahmed KARIMI (12/03/1990)"). Every other date is a blocker: it stops
``12.03.2024`` or ``01-02-2023`` being read as a phone or plate.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crosslink.extract import keywords, months
from crosslink.extract._base import Candidate, lowered, window_before

__all__ = ["find", "parse_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12, "janv": 1, "fév": 2, "fev": 2, "mars": 3, "avr": 4, "mai": 5,
    "juin": 6, "juil": 7, "aoû": 8, "aou": 8, "déc": 12,
}
#: month names of the partner reports (Dutch, German, French, Italian, Spanish), in full
_MONTH_NAMES = {
    **dict.fromkeys(("januari", "januar", "janvier", "gennaio", "enero"), 1),
    **dict.fromkeys(("februari", "februar", "février", "fevrier", "febbraio", "febrero"), 2),
    **dict.fromkeys(("maart", "märz", "marz", "maerz", "marzo"), 3),
    **dict.fromkeys(("avril", "aprile", "abril"), 4),
    **dict.fromkeys(("mei", "maggio", "mayo"), 5),
    **dict.fromkeys(("juni", "juin", "giugno", "junio"), 6),
    **dict.fromkeys(("juli", "juillet", "luglio", "julio"), 7),
    **dict.fromkeys(("augustus", "août", "aout", "agosto"), 8),
    **dict.fromkeys(("septembre", "settembre", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("oktober", "octobre", "ottobre", "octubre"), 10),
    **dict.fromkeys(("novembre", "noviembre"), 11),
    **dict.fromkeys(("dezember", "décembre", "decembre", "dicembre", "diciembre"), 12),
}


def _trie(words: list[str]) -> str:
    """A regex alternation of ``words`` nested by common prefix (``re`` tries one
    character per branch instead of every word in turn), longest match first."""
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def sub(node: dict[str, Any]) -> str:
        branches = [re.escape(k) + sub(v) for k, v in sorted(node.items()) if k]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return sub(tree)


_ENGLISH_MONTHS = ("jan january feb february mar march apr april may jun june jul july aug august sep sept "
                   "september oct october nov november dec december").split()
_MON = r"(?P<mon>" + _trie(_ENGLISH_MONTHS + list(_MONTH_NAMES)) + r")\.?"
# Everything that starts with a digit, in one scan that starts with one character
# class (re then skips ahead in C; see _base.trie_regex): dates first, then the
# look-alikes that must block selectors (ICCID, IP, crime refs, sort codes, times).
# After the first digit, every branch but the ICCID's has at most three more digits
# and then one of "-/.:)", the s/n/r/t of "1st".."4th" or the h of "0930h", or blanks
# and then one of "-/.)", the h of "0930 hrs", the o of "of" or a month's initial:
# the look-ahead tests that first, which turns away phone and account digits.
NUM_RE = re.compile(
    r"\d(?<![\w/.:-]\d)(?=\d{0,3}+(?:[-/.:)snrth]|[ \t]++(?:[-/.)hJFMASONDjfmasondo]|[EeGgLl][EeIiNnUu]))|(?<=8)9)(?:"
    r"(?P<date>(?P<d1>(?<=\d)\d?)[ \t]*(?P<sep>[/.-])[ \t]*(?P<m1>\d{1,2})[ \t]*(?P=sep)[ \t]*(?P<y1>\d{4}|\d{2})"
    r"(?![\w/]|[.-]\d))"
    r"|(?P<yr>(?<=[12])\d{3}(?=[ \t]*\)))"
    r"|(?P<my>(?<=\d)\d?/(?P<y5>\d{4})(?![\w/]|[.-]\d))"
    r"|(?P<iso>(?<=\d)\d{3}-(?P<m2>\d{2})-(?P<d2>\d{2})(?![\w/]|[.-]\d))"
    r"|(?P<text>(?P<d3>(?<=\d)\d?)(?:st|nd|rd|th|\.)?(?:[ \t]+(?:(?:of|de)[ \t]+)?(?i:" + _MON + r"),?[ \t]+(?:de[ \t]+)?"
    r"|-(?i:" + _MON.replace("?P<mon>", "?P<mon2>") + r")-)(?P<y3>\d{4}|\d{2})(?!\w))"
    r"|(?P<_iccid>(?<=8)9(?:[ \t]?\d){16,18}(?!\w))"
    r"|(?P<_ip>\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d))"
    r"|(?P<_crime_ref>\d{0,3}/\d{3,8}/\d{2,4}(?![\w/]))"
    r"|(?P<_sortcode>\d-\d{2}-\d{2}(?![\w-]))"
    r"|(?P<_time>\d?[:.][0-5]\d(?::[0-5]\d)?(?:[ \t]*(?:hrs|hours|am|pm|h))?(?![\w:]|\.\d)"
    r"|\d{3}[ \t]*(?:hrs|hours|h)\b)"
    r")"
)
MONTH_FIRST_RE = re.compile(
    r"[JFMASOND](?<![\w].)(?:(?<=J)(?:an|u)|(?<=F)eb|(?<=M)a|(?<=A)(?:pr|ug)|(?<=S)ep|(?<=O)ct|(?<=N)ov|(?<=D)ec)"
    r"[a-z]*\.?[ \t]+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(?P<y4>\d{4})(?!\w)"
)
keywords.register(
    "month",
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split(),
)
_DOB_CUE = re.compile(
    r"(?:\bdob|\bd\.o\.b\.?|date of birth|\bborn(?: on(?: the)?)?|\bb\.|\bbirth ?date|\bdate de naissance|\bgeb\.?|"
    r"\bgeboren(?: am| op)?|\bn[ée]e? le|\bn[ée]e? en)[ \t]*[:\-=]?[ \t]*(?:\(?[ \t]*)$"
)
#: Birth labels of Spanish, Italian, German, Dutch and Polish reports, and French,
#: Italian, Spanish with the birthplace between the word and the date ("né à Herat le",
#: "nato a Nyala il", "nacido en Orán el"); tried only when the window ends like one
#: of them (a separate regex keeps the common search above short)
_DOB_CUE_MORE = re.compile(
    r"(?:\bn[ée]e? à [^\s,;]+(?: [^\s,;]+)? le|\bnat[oa] a [^\s,;]+(?: [^\s,;]+)? il|\bnat[oa] il"
    r"|\bnacid[oa] en [^\s,;]+(?: [^\s,;]+)? el|\bnacid[oa] el|\bfecha de nacimiento|\bdata di nascita"
    r"|\bgeburtsdatum|\bgeboortedatum|\burodzon[ya])[ \t]*[:\-=]?[ \t]*$"
)
#: Birth labels of Romanian, Albanian, Turkish, Kurdish, Arabic, Farsi and Polish
#: reports ("născut la", "lindur më", "doğum tarihi", "rojbûn", "تاريخ الميلاد",
#: "تاریخ تولد"); tried only on dates the labels above did not claim
_DOB_CUE_INTL = re.compile(
    r"(?:\bn[ăa]scut[ăa]?(?: (?:la|pe|în|in))?|\bdata na[șşs]terii|\b[ie] lindur(?: (?:më|me|në|ne))?"
    r"|\blindur (?:më|me)|\bdat[ëe]lindja|\bdo[ğg]um tarihi|\bdo[ğg]umlu|\bd\. ?t\.|\brojb[ûu]n|\bjidayikb[ûu]n"
    r"|\bdayikb[ûu]n|\bdata urodzenia|\bur\.|تاريخ الميلاد|تاريخ الولادة|مواليد|ولد في|ولدت في|المولود في"
    r"|تاریخ تولد|متولد|لە دایکبوون|له دایکبوون|بەرواری لەدایکبوون)[ \t]*[:\-=]?[ \t]*(?:\(?[ \t]*)$"
)
# A year of birth alone after a birth label ("born in 1990", "DOB: 1990", "YOB 1990",
# "geboren 1988"): anchored on the labels in the shared keyword scan.
keywords.register("birth_year_cue", ["dob", "d.o.b", "d.o.b.", "yob", "year of birth", "born", "born in",
                                     "geboren", "geb.", "né en", "née en", "nato nel", "nata nel", "nacido en",
                                     "nacida en", "urodzony w", "urodzona w", "rojbûn", "doğumlu"],
                  keywords.not_word, lambda low, end: low[end : end + 1] in ("", " ", ":", "\t", "."), known=False)
BIRTH_YEAR = re.compile(r"[ \t]*[:.=-]?[ \t]*(?:(?:in|im|en|nel|w)[ \t]+)?(?P<y>(?:19|20)\d{2})(?![\w/:-]|[.,]\d|\.\w)")
_ROMAN = {r: i for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII".split(), 1)}
# The scan starts with the numeral's first letter (capital I, V or X are rarer than
# digits, and re skips ahead to them in C); the day before it is read back.
ROMAN_DATE_RE = re.compile(
    r"[IVX](?<=\d[ \t./-][IVX])(?P<r>(?<=X)(?:II|I)?|(?<=I)(?:X|V|II|I)?|(?<=V)(?:III|II|I)?)(?![A-Za-z])"
    r"[ \t]*[./-]?[ \t]*(?P<y>\d{4})(?![\w/]|[.-]\d)"
)
_DAY_BACK = re.compile(r"(?<![\w/.:-])\d{1,2}[ \t]*[./-]?[ \t]*$")
#: what _DOB_CUE_INTL's labels end with (a C-speed test before the regex)
_INTL_ENDS = ("la", "pe", "în", "in", "terii", "lindur", "më", "me", "në", "ne", "ja", "tarihi", "umlu", "t.",
              "bûn", "bun", "enia", "ur.", "الميلاد", "الولادة", "مواليد", "في", "تولد", "متولد", "دایکبوون")
_NAME_BEFORE = re.compile(r"(?P<w>[^\W\d_][\w'’-]+)[ \t]*\([ \t]*$")

# Letter-first look-alikes that are not selectors. They block overlapping candidates.
# Postcodes ("CT17 9BZ"), reference numbers ("AB-12/3456") and container numbers
# ("MSCU 123456 5") share one scan: at a given start at most one of them can match
# (a postcode has a digit second or third and a blank after at most four
# characters, a reference at least two letters and then digits up to a '-' or '/',
# a container four letters), and none can start inside another (inside them a
# blank, '-' or '/' is always followed by a digit), so one alternation finds what
# three separate scans found, for the price of one.
POSTCODE_REF_RE = re.compile(
    r"[A-Z](?<![\w-].)(?:"
    r"(?P<_postcode>[A-Z]?[0-9][A-Z0-9]?[ \t]++[0-9][A-Z]{2}(?![\w]))"
    r"|(?<!/.)(?:(?P<_crime_ref>[A-Z]{1,5}-?\d{2,4}[-/]\d{3,8}(?:[-/]\d{1,4})?(?![\w/]))"
    r"|(?P<_container>[A-Z]{2}[UJZ][ \t]?\d{6}[ \t-]?\d(?![\w]))))"
)
_LABEL_WORDS = (
    "imsi|iccid|passport|passport number|passport no|passport no.|crn|urn|pnc|pnc id|crime ref|crime reference|"
    "crime number|occurrence|occurrence number|occurrence no|ref|ref.|reference|reference number|ref no|ref no.|"
    "log|log number|log no|case number|case no|case ref|id card|id card number|ni number|national insurance|"
    "national insurance number|account|account number|account no|account no.|bank account|acc no|acc no.|"
    "acct no|a/c|a/c no|container|container number|container no|licence|licence number|license number|"
    "licence no|invoice|invoice no|booking|booking ref|flight|flight no"
).split("|")
keywords.register("number_label", _LABEL_WORDS)
_LABEL_TAIL = re.compile(r"[ \t]*[:#.]?[ \t]*(?P<v>[A-Z0-9][A-Z0-9/-]{3,30}[A-Z0-9])(?![\w])")

# Cheap pre-checks (str methods, C) that skip the two look-behind searches above on
# most dates; both are necessary conditions of their regex (which ends with ``$``,
# so it may also match before one final newline), so skipping never changes a result.
#: what _DOB_CUE's words end with, and what may follow them before the end
_DOB_CUE_ENDS = ("dob", "d.o.b", "b.", "birth", "born", " on", " the", "date", "naissance", "geb", "geboren",
                 " am", " op", " le", " en", " il", " el", "nacimiento", "nascita", "geburtsdatum",
                 "geboortedatum", "urodzony", "urodzona")
_MORE_ENDS = (" le", " il", " el", "nacimiento", "nascita", "geburtsdatum", "geboortedatum", "urodzony", "urodzona")
_CUE_TAIL = " \t\n:-=("


def _may_end_in_bracket(window: str) -> bool:
    """False when ``_NAME_BEFORE`` cannot match ``window`` (it ends with "(" and blanks)."""
    return window.rstrip(" \t\n").endswith("(")


def parse_date(day: int, month: int, year: int, today: date | None = None) -> date | None:
    """A real date, with two-digit years read as the most recent past year."""
    if year < 100:
        t = today or date.today()
        year += 2000 if 2000 + year <= t.year else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_of(m: re.Match[str]) -> date | None:
    # the branch of NUM_RE is its last group to close (MONTH_FIRST_RE ends with y4)
    kind = m.lastgroup
    if kind == "date":
        return parse_date(int(text_of(m, "d1")), int(m.group("m1")), int(m.group("y1")))
    if kind == "my":
        return parse_date(1, int(text_of(m, "my").split("/")[0]), int(m.group("y5")))
    if kind == "iso":
        return parse_date(int(m.group("d2")), int(m.group("m2")), int(m.group()[:4]))
    if kind == "text":
        mon = (m.group("mon") or m.group("mon2")).lower().rstrip(".")
        month = _MONTH_NAMES.get(mon) or _MONTHS.get(mon[:4]) or _MONTHS[mon[:3]]
        return parse_date(int(text_of(m, "d3")), month, int(m.group("y3")))
    return parse_date(int(m.group("d4")), _MONTHS[m.group()[:3].lower()], int(m.group("y4")))


def text_of(m: re.Match[str], group: str) -> str:
    """The group plus the first digit the pattern consumed before it."""
    return m.string[m.start() : m.end(group)]


def _date_candidate(text: str, m: re.Match[str], today: date) -> Candidate:
    return _classify(text, m.start(), m.end(), _date_of(m), today, month_only=m.lastgroup == "my")


def _classify(text: str, start: int, end: int, d: date | None, today: date, month_only: bool = False) -> Candidate:
    """The date ``d`` written at ``text[start:end]``: a ``dob`` after a birth label or in
    brackets after a name, else a ``_date`` blocker (``_number`` if no real date)."""
    if d is None:
        return Candidate(start, end, "_number", "")
    # the clause window is a suffix of the 30 characters before: when those do not
    # end like a birth label, neither does the window (and it is not computed)
    is_dob = (
        lowered(text)[max(0, start - 30) : start].rstrip(_CUE_TAIL).endswith(_DOB_CUE_ENDS)
        and (core := (before := window_before(text, start, 30)).rstrip(_CUE_TAIL)).endswith(_DOB_CUE_ENDS)
        # the longest cue word is 19 characters: the search starts 20 before its end
        and (_DOB_CUE.search(before, max(0, len(core) - 20)) is not None
             or (core.endswith(_MORE_ENDS) and _DOB_CUE_MORE.search(before) is not None))
    )
    if not is_dob:
        # the label ends right before the date, so no clause break can sit between
        low = lowered(text)
        is_dob = (low[max(0, start - 30) : start].rstrip(_CUE_TAIL).endswith(_INTL_ENDS)
                  and _DOB_CUE_INTL.search(low, max(0, start - 30), start) is not None)
    if not is_dob:
        raw_before = text[max(0, start - 40) : start]
        nb = _NAME_BEFORE.search(raw_before) if _may_end_in_bracket(raw_before) else None
        is_dob = nb is not None and nb.group("w")[0].isupper() and 5 <= today.year - d.year <= 100
    if is_dob and d <= today:
        # "(10/1996)": only the month is known
        return Candidate(start, end, "dob", d.isoformat()[:7] if month_only else d.isoformat())
    return Candidate(start, end, "_date", d.isoformat())


def find(text: str, hint: str | None) -> list[Candidate]:
    """DOB mentions and look-alike blockers. O(len(text)) regex scans."""
    out: list[Candidate] = []
    today = date.today()
    for m in NUM_RE.finditer(text):
        kind = m.lastgroup
        if kind == "yr":
            # "Fatmir LEKA (1978)": a year of birth in brackets after a name
            lo = max(0, m.start() - 40)
            nb = (_NAME_BEFORE.search(text, lo, m.start())
                  if _may_end_in_bracket(text[lo : m.start()]) else None)
            year = int(m.group())
            if nb is not None and nb.group("w")[0].isupper() and 5 <= today.year - year <= 100:
                out.append(Candidate(m.start(), m.end(), "dob", str(year)))
            continue
        if kind in ("date", "iso", "text", "my"):
            c = _date_candidate(text, m, today)
            # "3rd March 90" is a date of birth after a birth label; anything else with a
            # two-digit year after a month word is left alone ("on 3 May 50 euros were paid")
            if kind != "text" or c.type == "dob" or len(m.group("y3")) == 4:
                out.append(c)
        else:
            out.append(Candidate(m.start(), m.end(), kind or "_number", ""))
    # "March 3, 1985": anchored on the month names of the shared keyword scan
    kw = keywords.index(text)
    for ms, _me, _mw in kw.hits("month"):
        m = MONTH_FIRST_RE.match(text, ms)  # type: ignore[assignment]
        if m is not None:
            out.append(_date_candidate(text, m, today))
    # "12.III.1990", "3 XI 1988": Roman month numerals (Polish, Romanian, Italian, Albanian
    # documents); the scan starts with a digit class, so re skips ahead in C
    for m in ROMAN_DATE_RE.finditer(text):
        day = _DAY_BACK.search(text, max(0, m.start() - 6), m.start())
        if day is not None:
            d = parse_date(int(day.group().strip(" \t./-")), _ROMAN[text[m.start() : m.end("r")]], int(m.group("y")))
            out.append(_classify(text, day.start(), m.end(), d, today))
    for _bs, be, _bw in kw.hits("birth_year_cue"):
        ym = BIRTH_YEAR.match(text, be)
        if ym is not None and 5 <= today.year - int(ym.group("y")) <= 100:
            out.append(Candidate(ym.start("y"), ym.end("y"), "dob", ym.group("y")))
    # "7 lipca 1992", "15 Ağustos 1993", "۲۱ شهریور ۱۳۶۹": month names of other languages
    for ms, me, mw in kw.hits("month_intl"):
        dm = months.DAY_BEFORE.search(text, max(0, ms - 12), ms)
        ym = months.YEAR_AFTER.match(text, me) if dm is not None else None
        if dm is not None and ym is not None:
            d = months.to_date(mw, int(dm.group("d")), int(ym.group("y")))
            out.append(_classify(text, dm.start(), ym.end(), d, today))
    for m in POSTCODE_REF_RE.finditer(text):
        # the group names are the blocker types
        out.append(Candidate(m.start(), m.end(), m.lastgroup or "_crime_ref", ""))
    for _ls, le, _lw in kw.hits("number_label"):
        t = _LABEL_TAIL.match(text, le)
        if t is not None:
            out.append(Candidate(t.start("v"), t.end("v"), "_labelled", ""))
    return out
