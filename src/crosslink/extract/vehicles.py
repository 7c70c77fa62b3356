"""Vehicle registration plates (UK, French SIV, Belgian, Dutch, German), partial
plates, and vessels (IMO number with its check digit, MMSI, named boats).

A plate's value is upper-case without spaces or hyphens. Formats distinctive
enough to stand alone (UK current ``AB12 CDE``, hyphenated French/Belgian/Dutch,
German with a known district code) are accepted anywhere; weaker shapes (UK
prefix/suffix styles, unseparated foreign formats, lower-case chat) need a
vehicle word nearby ("VRM", "reg", "van", "ANPR"...).
"""

from __future__ import annotations

import re

from stdnum import imo

from crosslink.extract._base import Candidate, window_before

__all__ = ["find"]

_UK_CURRENT = r"[A-HJ-PR-Y][A-HJ-PR-Y][0-9]{2}[ ]?[A-HJ-PR-Z]{3}"
_UK_OLD = r"[A-HJ-PR-Y][0-9]{1,3}[ ]?[A-Z]{3}|[A-Z]{3}[ ]?[0-9]{1,3}[ ]?[A-HJ-NPR-Y]"
_FR_SIV = r"[A-HJ-NP-TV-Z]{2}-[0-9]{3}-[A-HJ-NP-TV-Z]{2}"
_FR_SIV_LOOSE = r"[A-HJ-NP-TV-Z]{2}[ ]?[0-9]{3}[ ]?[A-HJ-NP-TV-Z]{2}"
_BE = r"[1-9]-[A-Z]{3}-[0-9]{3}"
_BE_LOOSE = r"[1-9][ ]?[A-Z]{3}[ ]?[0-9]{3}"
_NL = "|".join(
    [
        r"[A-Z]{2}-[0-9]{2}-[0-9]{2}", r"[0-9]{2}-[0-9]{2}-[A-Z]{2}", r"[0-9]{2}-[A-Z]{2}-[0-9]{2}",
        r"[A-Z]{2}-[0-9]{2}-[A-Z]{2}", r"[A-Z]{2}-[A-Z]{2}-[0-9]{2}", r"[0-9]{2}-[A-Z]{2}-[A-Z]{2}",
        r"[0-9]{2}-[A-Z]{3}-[0-9]", r"[0-9]-[A-Z]{3}-[0-9]{2}", r"[A-Z]{2}-[0-9]{3}-[A-Z]",
        r"[A-Z]-[0-9]{3}-[A-Z]{2}", r"[A-Z]{3}-[0-9]{2}-[A-Z]", r"[A-Z]-[0-9]{2}-[A-Z]{3}",
        r"[0-9]-[A-Z]{2}-[0-9]{3}", r"[0-9]{3}-[A-Z]{2}-[0-9]",
    ]
)
# Frequent German district codes (Unterscheidungszeichen); others need context.
_DE_DISTRICTS = (
    "B|M|HH|K|F|S|D|DO|E|DU|HB|H|L|DD|N|BO|BI|MS|KA|MZ|WI|A|AC|BN|GE|OB|HA|KR|MG|OS|"
    "OL|HD|HN|KI|LU|MA|SB|FR|UL|WÜ|RE|GT|PB|EN|ME|NE|SU|RS|SG|W|BS|GÖ|CB|ROS|HRO|PM|LDS|"
    "FFO|SN|ERZ|Z|C|J|EF|MD|HAL|KS|FD|GI|DA|OF|TR|KO|AB|R|REG|PA|IN|RO|TS|LA|AUR|EMS|LER|"
    "CUX|STD|LG|CE|PE|WOB|HI|NOH|COE|BOR|ST|WAF|DN|EU|SI|MK|HSK|SO|UN|WES|KLE|VIE|NW"
)
_DE = r"(?:" + _DE_DISTRICTS + r")[- ][A-Z]{1,2}[ ]?[0-9]{1,4}[EH]?"
_DE_LOOSE = r"[A-ZÄÖÜ]{1,3}-[A-Z]{1,2}[ ]?[0-9]{1,4}[EH]?"

_STRONG = [("uk", _UK_CURRENT), ("fr", _FR_SIV), ("be", _BE), ("nl", _NL), ("de", _DE)]
_WEAK = [("uk", _UK_OLD), ("fr", _FR_SIV_LOOSE), ("be", _BE_LOOSE), ("de", _DE_LOOSE)]


def _alt(items: list[tuple[str, str]], tag: str) -> str:
    return "|".join(f"(?P<{tag}{i}_{c}>{p})" for i, (c, p) in enumerate(items))


PLATE_RE = re.compile(
    r"(?<![\w/-])(?:" + _alt(_STRONG, "s") + "|" + _alt(_WEAK, "w") + r")(?![\w]|-\w)", re.IGNORECASE
)
_PLATE_NAMES = [n for n in PLATE_RE.groupindex]

VEHICLE_CUE = re.compile(
    r"(?<![a-z])(?:vrm|vrn|reg(?:istration|istered|\.)?|plates?|index|number ?plate|vehicle|car|van|"
    r"lorry|hgv|truck|trailer|tractor(?: unit)?|anpr|transit|sprinter|vito|crafter|caddy|golf|passat|"
    r"bmw|audi|mercedes|merc|vw|volkswagen|ford|vauxhall|toyota|peugeot|renault|citro[eë]n|skoda|"
    r"seat|kia|hyundai|nissan|fiat|iveco|scania|daf|volvo|man|taxi|minibus|"
    r"kenteken|immatricul\w*|kennzeichen|plaque)(?![a-z])"
)

# Partial plates: '?', '*', '_' or '#' for unknown characters, or a labelled fragment.
PARTIAL_RE = re.compile(
    r"(?<![\w?*#])(?=[A-Z0-9?*_#]*[A-Z0-9][A-Z0-9?*_#]*[A-Z0-9])(?=[A-Z0-9 ]*[?*_#])"
    r"[A-Z0-9?*_#]{2,4}(?:[ -]?[A-Z0-9?*_#]{1,4})?(?![\w?*#])"
)
PARTIAL_LABEL_RE = re.compile(
    r"(?i:partial(?:ly)?(?: (?:vrm|vrn|plate|reg(?:istration)?|index|number ?plate))?(?: (?:number|no\.?))?)"
    r"[: ]+(?i:(?P<pos>beginning|starting|ending|containing|including|begins|starts|ends)(?: (?:with|in))? )?"
    r"['\"‘“]?(?P<frag>[A-Z0-9][A-Z0-9 ]{0,6}[A-Z0-9]|[A-Z0-9])['\"’”]?(?![\w?*#])"
)
_POS = {"beginning": "start", "starting": "start", "begins": "start", "starts": "start",
        "ending": "end", "ends": "end", "containing": "any", "including": "any"}

IMO_RE = re.compile(r"(?i:\bIMO)(?:[ \t]*(?i:number|no\.?|#))?[ \t]*[:.]?[ \t]*(?P<n>\d{7})(?!\d)")
MMSI_RE = re.compile(r"(?i:\bMMSI)(?:[ \t]*(?i:number|no\.?|#))?[ \t]*[:.]?[ \t]*(?P<n>\d{9})(?!\d)")

_BOAT = (r"(?:vessel|boat|ship|yacht|trawler|fishing boat|fishing vessel|RIB|rib|dinghy|"
         r"speedboat|cruiser|launch|catamaran|tug|ferry|freighter|tanker)")
_NAME_Q = r"['\"‘“](?P<q>[A-Z0-9][^'\"’”\n]{1,38})['\"’”]"
_NAME_W = r"(?P<w>[A-Z][A-Za-z0-9'-]*(?:[ \t]+(?:[A-Z][A-Za-z0-9'-]*|of|de|la|du|the|[IVX]+)){0,3})"
VESSEL_NAME_RE = re.compile(
    r"(?:\b(?P<pfx>MV|M/V|MY|M/Y|FV|F/V|SV|S/Y|MT|RHIB)\.?[ \t]+(?:" + _NAME_Q + "|" + _NAME_W + r")"
    r"|\b" + _BOAT + r"(?:[ \t]+(?:named|called|registered as|by the name(?: of)?))?[ \t]*(?:[:,][ \t]*)?" + _NAME_Q.replace("?P<q>", "?P<q2>")
    + r"|\b" + _BOAT + r"[ \t]+(?:named|called)[ \t]+" + _NAME_W.replace("?P<w>", "?P<w2>") + ")"
)
_NAME_STOP = frozenset({"The", "A", "An", "And", "On", "In", "At", "To", "From", "With", "Was", "Is", "Which", "That"})


def _plates(text: str) -> list[Candidate]:
    out = []
    for m in PLATE_RE.finditer(text):
        name = m.lastgroup or ""
        country = name.split("_", 1)[1]
        s = m.group()
        strong = name.startswith("s")
        cue = VEHICLE_CUE.search(window_before(text, m.start(), 50)) is not None
        if not strong and not (cue and s.isupper()):
            continue
        if not s.isupper() and not cue:
            continue
        value = re.sub(r"[\s-]", "", s).upper()
        out.append(Candidate(m.start(), m.end(), "plate", value, {"format": country}, boost=1 if cue else 0))
    return out


def _partials(text: str) -> list[Candidate]:
    out = []
    for m in PARTIAL_LABEL_RE.finditer(text):
        frag = re.sub(r"[\s-]", "", m.group("frag")).upper()
        pos = _POS.get((m.group("pos") or "").lower(), "any" if len(frag) < 5 else "")
        value = {"start": frag + "*", "end": "*" + frag, "any": "*" + frag + "*", "": frag}[pos]
        out.append(Candidate(m.start("frag"), m.end("frag"), "plate_partial", value, boost=1))
    for m in PARTIAL_RE.finditer(text):
        if VEHICLE_CUE.search(window_before(text, m.start(), 50)) is None and "partial" not in window_before(
            text, m.start(), 50
        ):
            continue
        value = re.sub(r"[\s-]", "", m.group()).upper()
        value = re.sub(r"[*_#]", "?", value)
        out.append(Candidate(m.start(), m.end(), "plate_partial", value))
    return out


def _vessels(text: str) -> list[Candidate]:
    out = []
    for m in IMO_RE.finditer(text):
        n = m.group("n")
        if imo.is_valid(n):
            out.append(Candidate(m.start("n"), m.end("n"), "vessel", n, {"scheme": "imo"}))
    for m in MMSI_RE.finditer(text):
        n = m.group("n")
        # ship station MMSIs start with a maritime identification digit 2-7
        if n[0] in "234567":
            out.append(Candidate(m.start("n"), m.end("n"), "vessel", n, {"scheme": "mmsi"}))
    for m in VESSEL_NAME_RE.finditer(text):
        for g in ("q", "w", "q2", "w2"):
            if m.group(g):
                s, e = m.start(g), m.end(g)
                name = m.group(g).rstrip(" .,'-")
                words = name.split()
                while words and words[-1] in _NAME_STOP:
                    words.pop()
                if not words or words[0] in _NAME_STOP:
                    break
                name = " ".join(words)
                e = s + len(m.group(g)[: len(m.group(g).rstrip(" .,'-"))])
                # trim to the kept words
                e = text.index(words[-1], s) + len(words[-1])
                out.append(Candidate(s, e, "vessel_name", " ".join(name.upper().split())))
                break
    return out


def find(text: str, hint: str | None) -> list[Candidate]:
    """Plate, partial plate and vessel candidates. O(len(text)) regex scans."""
    return _plates(text) + _partials(text) + _vessels(text)
