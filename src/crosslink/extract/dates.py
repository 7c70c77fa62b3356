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

from crosslink.extract._base import Candidate, window_before

__all__ = ["find", "parse_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12, "janv": 1, "fév": 2, "fev": 2, "mars": 3, "avr": 4, "mai": 5,
    "juin": 6, "juil": 7, "aoû": 8, "aou": 8, "déc": 12,
}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<d1>\d{1,2})[ \t]*(?P<sep>[/.-])[ \t]*(?P<m1>\d{1,2})[ \t]*(?P=sep)[ \t]*(?P<y1>\d{4}|\d{2})"
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"
    r"|(?P<d3>\d{1,2})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?" + _MON + r",?[ \t]+(?P<y3>\d{4})"
    r"|" + _MON.replace("mon>", "mon4>") + r"[ \t]+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(?P<y4>\d{4})"
    r")(?![\w/]|[.-]\d)",
    re.IGNORECASE,
)
_DOB_CUE = re.compile(
    r"(?:\bdob|\bd\.o\.b\.?|date of birth|\bborn(?: on)?|\bb\.|\bbirth ?date|\bdate de naissance|\bgeb\.?|"
    r"\bgeboren(?: am)?|\bn[ée]e? le)[ \t]*[:\-=]?[ \t]*(?:\(?[ \t]*)$"
)
_NAME_BEFORE = re.compile(r"(?:[A-Z][A-Za-z'-]+|[A-Z]{2,})[ \t]*\([ \t]*$")

# Look-alikes that are not selectors. They block overlapping candidates.
TIME_RE = re.compile(r"(?<![\w.:])(?:[01]?\d|2[0-3])[:.][0-5]\d(?::[0-5]\d)?(?:[ \t]*(?:hrs|hours|am|pm|h))?(?![\w:]|\.\d)"
                     r"|(?<![\w.:])(?:[01]\d|2[0-3])[0-5]\d[ \t]*(?:hrs|hours|h)\b", re.IGNORECASE)
POSTCODE_RE = re.compile(r"(?<![\w-])[A-Z]{1,2}[0-9][A-Z0-9]?[ \t]+[0-9][A-Z]{2}(?![\w])")
SORTCODE_RE = re.compile(r"(?<![\w-])\d{2}-\d{2}-\d{2}(?![\w-])")
CRIME_REF_RE = re.compile(r"(?<![\w/])\d{1,4}/\d{3,8}/\d{2,4}(?![\w/])"
                          r"|(?<![\w/-])[A-Z]{2,6}-?\d{2,4}[-/]\d{3,8}(?:[-/]\d{1,4})?(?![\w/])")
CONTAINER_RE = re.compile(r"(?<![\w])[A-Z]{3}[UJZ][ \t]?\d{6}[ \t-]?\d(?![\w])")
ICCID_RE = re.compile(r"(?<![\w])89(?:[ \t]?\d){16,18}(?![\w])")
IP_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
LABELLED_RE = re.compile(
    r"(?i:\b(?:imsi|iccid|passport(?: (?:number|no\.?))?|crn|urn|pnc(?: id)?|crime (?:ref(?:erence)?|number)|"
    r"occurrence(?: (?:number|no\.?))?|ref(?:erence)?(?: (?:number|no\.?))?|log(?: (?:number|no\.?))?|"
    r"case (?:number|no\.?|ref)|id card(?: (?:number|no\.?))?|ni number|national insurance(?: number)?|"
    r"(?:bank )?account(?: (?:number|no\.?))?|acc(?:t)?(?: no\.?)|a/c(?: no\.?)?|container(?: (?:number|no\.?))?|"
    r"licen[cs]e(?: (?:number|no\.?))?|invoice(?: no\.?)?|booking(?: ref)?|flight(?: no\.?)?))"
    r"[ \t]*[:#.]?[ \t]*(?P<v>[A-Z0-9][A-Z0-9/-]{3,30}[A-Z0-9])"
)


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
    g = m.groupdict()
    if g["d1"]:
        return parse_date(int(g["d1"]), int(g["m1"]), int(g["y1"]))
    if g["y2"]:
        return parse_date(int(g["d2"]), int(g["m2"]), int(g["y2"]))
    if g["d3"]:
        return parse_date(int(g["d3"]), _MONTHS[g["mon"].lower()[:3]], int(g["y3"]))
    return parse_date(int(g["d4"]), _MONTHS[g["mon4"].lower()[:3]], int(g["y4"]))


def find(text: str, hint: str | None) -> list[Candidate]:
    """DOB mentions and look-alike blockers. O(len(text)) regex scans."""
    out: list[Candidate] = []
    today = date.today()
    for m in DATE_RE.finditer(text):
        d = _date_of(m)
        if d is None:
            out.append(Candidate(m.start(), m.end(), "_number", ""))
            continue
        before = window_before(text, m.start(), 30)
        raw_before = text[max(0, m.start() - 40) : m.start()]
        is_dob = _DOB_CUE.search(before) is not None or (
            _NAME_BEFORE.search(raw_before) is not None and 5 <= today.year - d.year <= 100
        )
        if is_dob and d <= today:
            out.append(Candidate(m.start(), m.end(), "dob", d.isoformat()))
        else:
            out.append(Candidate(m.start(), m.end(), "_date", d.isoformat()))
    for rx, kind in ((TIME_RE, "_time"), (POSTCODE_RE, "_postcode"), (SORTCODE_RE, "_sortcode"),
                     (CRIME_REF_RE, "_crime_ref"), (CONTAINER_RE, "_container"), (ICCID_RE, "_iccid"),
                     (IP_RE, "_ip")):
        for m in rx.finditer(text):
            out.append(Candidate(m.start(), m.end(), kind, ""))
    for m in LABELLED_RE.finditer(text):
        out.append(Candidate(m.start("v"), m.end("v"), "_labelled", ""))
    return out
