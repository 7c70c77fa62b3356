"""Vehicle registration plates (UK, French SIV, Belgian, Dutch, German, Italian, Spanish,
Polish), partial plates, and vessels (IMO number with its check digit, MMSI, named boats).

A plate's value is upper-case without spaces or hyphens. Formats distinctive
enough to stand alone (UK current ``AB12 CDE``, hyphenated French/Belgian/Dutch,
German with a known district code) are accepted anywhere; weaker shapes (UK
prefix/suffix styles, unseparated foreign formats, Italian/Spanish/Polish, lower-case
chat) need a vehicle word nearby ("VRM", "reg", "van", "targa", "matrícula"...).
Right after a registration label ("VRM", "reg", "kenteken"), any plate-shaped token
with letters and digits is read as a plate even when no known format fits.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from functools import lru_cache

from stdnum import imo

from crosslink.extract import keywords, plate_forms
from crosslink.extract._base import Candidate, window_before

__all__ = ["find"]

_UK_CURRENT = r"[A-HJ-PR-Y][A-HJ-PR-Y][0-9]{2}[ ]?[A-HJ-PR-Z]{3}"
_UK_OLD = r"[A-HJ-PR-Y][0-9]{1,3}[ ]?[A-Z]{3}"
_UK_SUFFIX = r"[A-Z][A-Z]{2}[ ]?[0-9]{1,3}[ ]?[A-HJ-NPR-Y]"
_FR_SIV = r"[A-HJ-NP-TV-Z][A-HJ-NP-TV-Z]-[0-9]{3}-[A-HJ-NP-TV-Z]{2}"
_FR_SIV_LOOSE = r"[A-HJ-NP-TV-Z][A-HJ-NP-TV-Z][ ]?[0-9]{3}[ ]?[A-HJ-NP-TV-Z]{2}"
_BE = r"[1-9]-[A-Z]{3}-[0-9]{3}"
_BE_LOOSE = r"[1-9][ ]?[A-Z]{3}[ ]?[0-9]{3}"
_NL = [
    r"[A-Z][A-Z]-[0-9]{2}-[0-9]{2}", r"[0-9][0-9]-[0-9]{2}-[A-Z]{2}", r"[0-9][0-9]-[A-Z]{2}-[0-9]{2}",
    r"[A-Z][A-Z]-[0-9]{2}-[A-Z]{2}", r"[A-Z][A-Z]-[A-Z]{2}-[0-9]{2}", r"[0-9][0-9]-[A-Z]{2}-[A-Z]{2}",
    r"[0-9][0-9]-[A-Z]{3}-[0-9]", r"[0-9]-[A-Z]{3}-[0-9]{2}", r"[A-Z][A-Z]-[0-9]{3}-[A-Z]",
    r"[A-Z]-[0-9]{3}-[A-Z]{2}", r"[A-Z][A-Z]{2}-[0-9]{2}-[A-Z]", r"[A-Z]-[0-9]{2}-[A-Z]{3}",
    r"[0-9]-[A-Z]{2}-[0-9]{3}", r"[0-9][0-9]{2}-[A-Z]{2}-[0-9]",
]
# German: district code (1-3 letters), separator, 1-2 letters, 1-4 digits, optional E/H.
# A frequent district code makes it stand alone; other codes need context.
_DE = r"[A-ZÄÖÜ][A-ZÄÖÜ]{0,2}[- ][A-Z]{1,2}[ ]?[0-9]{1,4}[EH]?"
_DE_DISTRICTS = frozenset(
    "B M HH K F S D DO E DU HB H L DD N BO BI MS KA MZ WI A AC BN GE OB HA KR MG OS OL HD HN KI LU MA SB FR "
    "UL WÜ RE GT PB EN ME NE SU RS SG W BS GÖ CB ROS HRO PM LDS FFO SN ERZ Z C J EF MD HAL KS FD GI DA OF TR "
    "KO AB R REG PA IN RO TS LA AUR EMS LER CUX STD LG CE PE WOB HI NOH COE BOR ST WAF DN EU SI MK HSK SO UN "
    "WES KLE VIE NW".split()
)

# Romanian: a county code of one or two letters (B is Bucharest), two or three digits,
# three letters ("B 123 ABC", "CJ 12 XYZ"); weak, like the Polish ones.
_RO = r"[A-Z][A-Z]?[ ]?[0-9]{2,3}[ ]?[A-Z]{3}"
# Spanish (since 2000): four digits, three consonants ("1234 BCD"). Italian ("AB 123 CD")
# has the French SIV shape and is read by that pattern. Polish: a 2-3 letter district
# code, then 4-5 characters with digits ("WX 12345", "WPR 5612A"). All three are weak:
# the shapes are common enough in other numbers that they need a vehicle cue.
_ES = r"[0-9][0-9]{3}[ -]?[BCDFGHJKLMNPRSTVWXYZ]{3}"
_PL = [r"[A-Z][A-Z][ ]?[0-9]{5}", r"[A-Z][A-Z][ ]?[0-9]{4}[A-Z]", r"[A-Z][A-Z][ ]?[0-9]{3}[A-Z]{2}",
       r"[A-Z][A-Z][ ]?[0-9][A-Z][0-9]{3}", r"[A-Z][A-Z][ ]?[0-9][A-Z]{2}[0-9]{2}",
       r"[A-Z][A-Z]{2}[ ]?[0-9]{4,5}", r"[A-Z][A-Z]{2}[ ]?[0-9]{3,4}[A-Z]", r"[A-Z][A-Z]{2}[ ]?[0-9]{2,3}[A-Z]{2}"]

# (tag, pattern, strong): strong formats stand alone; weak ones need a vehicle cue.
_FORMATS = [("uk", _UK_CURRENT, True), ("fr", _FR_SIV, True), ("be", _BE, True)]
_FORMATS += [("nl", p, True) for p in _NL]
_FORMATS += [("de", _DE, True), ("uk", _UK_OLD, False), ("uk", _UK_SUFFIX, False), ("fr", _FR_SIV_LOOSE, False),
             ("be", _BE_LOOSE, False), ("es", _ES, False)]
_FORMATS += [("pl", p, False) for p in _PL]
_FORMATS += [("ro", _RO, False)]


def _first_class_regex(formats: list[tuple[str, str, bool]]) -> str:
    """One pattern starting with a single character class (see ``trie_regex`` for why):
    each format's first class becomes a lookbehind on the consumed first character."""
    digit_first: list[str] = []
    letter_first: list[str] = []
    for i, (tag, pat, strong) in enumerate(formats):
        first, rest = re.match(r"(\[[^\]]+\])(.*)", pat).groups()  # type: ignore[union-attr]
        branch = f"(?P<{'s' if strong else 'w'}{i}_{tag}>(?<={first}){rest})"
        (digit_first if first[1].isdigit() else letter_first).append(branch)
    # Every format has a digit within its first eight characters: the look-ahead
    # (the first digit, after letters, blanks or hyphens only) rejects most
    # capitalised words before the branches are tried. A format's first character is
    # a digit or a letter, so the branches are split on it (each half keeps the order
    # of the list, and the halves cannot both match): half of them are never tried.
    # A format that starts with a digit has a letter within its first eight
    # characters, after digits, blanks or hyphens only: that rejects phone and
    # account digits before the digit-first branches are tried.
    return (
        r"[A-Z0-9ÄÖÜ](?<![\w/-].)(?=[A-ZÄÖÜ -]{0,7}+\d)"
        r"(?:(?<=[0-9])(?=[0-9 -]{0,7}+[A-Z])(?:" + "|".join(digit_first) + r")"
        r"|(?<=[A-ZÄÖÜ])(?:" + "|".join(letter_first) + r"))"
        r"(?![\w]|-\w)"
    )


# Strong formats are scanned over the whole text; weak ones only in the 50 characters
# after a vehicle word (they need one), which keeps the whole-text scan short.
PLATE_RE = re.compile(_first_class_regex([f for f in _FORMATS if f[2]]))
PLATE_WEAK_RE = re.compile(_first_class_regex([f for f in _FORMATS if not f[2]]))
_LOWER_DIGIT = re.compile(r"\d(?<=[a-z]\d)|[a-z](?<=\d[a-z])")
_LOWER_SEP_DIGIT = re.compile(r"\d(?<=[a-z][- ]\d)")
_SKIP = re.compile(r"[ \t:#.]*(?:(?:no|number|is|was|reg)[ \t:.]*)?")
PLATE_RE_I = re.compile(_first_class_regex(_FORMATS), re.IGNORECASE)

_CUE_WORDS = (
    "vrm vrn reg reg. registration registered plate plates index numberplate number plate vehicle car van "
    "lorry hgv truck trailer tractor unit anpr transit sprinter vito crafter caddy golf passat bmw audi "
    "mercedes merc vw volkswagen ford vauxhall toyota peugeot renault citroen citroën skoda seat kia hyundai "
    "nissan fiat iveco scania daf volvo taxi minibus kenteken immatriculation immatriculé immatriculée "
    "kennzeichen plaque "
    # French, German, Dutch, Italian, Spanish, Polish vehicle words
    "voiture camionnette fourgon camion véhicule vehicule fahrzeug lkw pkw transporter bestelbus vrachtwagen "
    "auto targa targato targata furgone furgoncino camion autocarro veicolo matrícula matricula coche furgoneta "
    "camión vehículo rejestracja rejestracyjny rejestracyjne ciągnik ciagnik samochód samochod ciężarówka "
    "ciezarowka naczepa bus lorry"
).split()
keywords.register("vehicle_cue", _CUE_WORDS)

#: cue words that label the plate itself (the next token is the registration)
_PLATE_LABELS = frozenset({"vrm", "vrn", "reg", "reg.", "registration", "plate", "plates", "index", "numberplate",
                           "number plate", "kenteken", "immatriculation", "immatriculé", "immatriculée",
                           "kennzeichen", "plaque", "targa", "targato", "targata", "matrícula", "matricula",
                           "rejestracja"})
_GENERIC_PLATE = re.compile(r"[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4}){1,2}(?![\w]|-\w)")

# Partial plates: '?', '*', '_' or '#' for unknown characters, or a labelled fragment.
PARTIAL_RE = re.compile(
    r"(?<![\w?*#])(?=[A-Z0-9?*_#]*[A-Z0-9][A-Z0-9?*_#]*[A-Z0-9])(?=[A-Z0-9 ]*[?*_#])"
    r"[A-Z0-9?*_#]{2,4}(?:[ -]?[A-Z0-9?*_#]{1,4})?(?![\w?*#])"
)
_UNKNOWN_MARK = re.compile(r"[?*#_]")
PARTIAL_LABEL_RE = re.compile(
    r"(?i:partial(?:ly)?(?: (?:vrm|vrn|plate|reg(?:istration)?|index|number ?plate))?(?: (?:number|no\.?))?)"
    r"[: ]+(?i:(?P<pos>beginning|starting|ending|containing|including|begins|starts|ends)(?: (?:with|in))? )?"
    r"['\"‘“]?(?P<frag>[A-Z0-9][A-Z0-9 ]{0,6}[A-Z0-9]|[A-Z0-9])['\"’”]?(?![\w?*#])"
)
_LABEL_WORDS = frozenset({"VRM", "VRN", "PLATE", "REG", "INDEX", "NUMBER", "NO", "OF"})
#: "a registration ending 417-QP", "plate starting with KX6": after a plate word
PARTIAL_AFTER_CUE_RE = re.compile(
    r"[ \t]+(?P<pos>beginning|starting|ending|begins|starts|ends)(?:[ \t]+(?:with|in))?[ \t]+['\"‘“]?"
    r"(?P<frag>(?=[A-Z-]*[0-9])[A-Z0-9][A-Z0-9 -]{0,6}[A-Z0-9]|[A-Z0-9])['\"’”]?(?![\w?*#-])"
)
_PARTIAL_CUES = frozenset({"registration", "plate", "plates", "reg", "index", "vrm", "vrn", "number plate",
                           "numberplate", "immatriculation", "plaque", "kenteken", "kennzeichen", "targa",
                           "matrícula", "matricula"})
_POS = {"beginning": "start", "starting": "start", "begins": "start", "starts": "start",
        "ending": "end", "ends": "end", "containing": "any", "including": "any"}

# Run on the lower-cased text: a literal first makes re skip ahead in C.
IMO_RE = re.compile(r"imo(?<![a-z]....)(?:[ \t]*(?:number|no\.?|#))?[ \t]*[:.]?[ \t]*(?P<n>\d{7})(?!\d)")
MMSI_RE = re.compile(r"mmsi(?<![a-z].....)(?:[ \t]*(?:number|no\.?|#))?[ \t]*[:.]?[ \t]*(?P<n>\d{9})(?!\d)")

_BOAT = (r"(?:vessel|boat|ship|yacht|trawler|fishing boat|fishing vessel|RIB|rib|dinghy|"
         r"speedboat|cruiser|launch|catamaran|tug|ferry|freighter|tanker)")
_NAME_Q = r"['\"‘“](?P<q>[A-Z0-9][^'\"’”\n]{1,38})['\"’”]"
_NAME_W = r"(?P<w>[A-Z][A-Za-z0-9'-]*(?:[ \t]+(?:[A-Z][A-Za-z0-9'-]*|of|de|la|du|the|[IVX]+)){0,3})"
# A boat word (English or a partner language's) then a capitalised name then its IMO or
# MMSI in brackets: "the cargo ship Yasemin K (IMO 9570709)", "le chalutier
# Sainte-Odile (MMSI ...)", "de vissersboot Marieke (MMSI ...)".
_BOAT_WORDS_MORE = ("chalutier bateau navire vedette cargo vissersboot boot schip kotter trawler kutter schiff "
                    "frachter peschereccio nave barca motoscafo pesquero barco buque tekne gemi yat").split()
VESSEL_NAME_ID_RE = re.compile(
    r"[ \t]+(?P<n>[A-Z][A-Za-z0-9'-]*(?:[ \t]+(?:[A-Z][A-Za-z0-9'-]*|of|de|la|du|the|[IVX]+|[0-9]+)){0,3})"
    r"[ \t]*[(,][ \t]*(?:IMO|MMSI)\b"
)
VESSEL_NAME_RE = re.compile(
    r"(?:\b(?P<pfx>MV|M/V|MY|M/Y|FV|F/V|SV|S/Y|MT|RHIB)\.?[ \t]+(?:" + _NAME_Q + "|" + _NAME_W + r")"
    r"|\b" + _BOAT + r"(?:[ \t]+(?:named|called|registered as|by the name(?: of)?))?[ \t]*(?:[:,][ \t]*)?" + _NAME_Q.replace("?P<q>", "?P<q2>")
    + r"|\b" + _BOAT + r"[ \t]+(?:named|called)[ \t]+" + _NAME_W.replace("?P<w>", "?P<w2>") + ")"
)
keywords.register(
    "boat",
    "vessel boat ship yacht trawler rib rhib dinghy speedboat cruiser launch catamaran tug ferry "
    "freighter tanker mv m/v my m/y fv f/v sv s/y mt".split() + _BOAT_WORDS_MORE,
)
keywords.register("vessel_label", ["imo", "mmsi"])
_DE_SPLIT = re.compile(r"[- ]")
_BLANK_OR_HYPHEN = re.compile(r"[\s-]")
#: ship-type prefixes that start a name after a boat word ("Vessel MV Atlantic Star"):
#: the prefix pattern of VESSEL_NAME_RE reads those
_PREFIXES = frozenset({"MV", "MY", "FV", "SV", "MT", "RHIB", "RIB"})
_NAME_STOP = frozenset({"The", "A", "An", "And", "On", "In", "At", "To", "From", "With", "Was", "Is", "Which", "That"})


@lru_cache(maxsize=16384)
def _plate_value(s: str, name: str, cue: bool) -> tuple[str, str] | None:
    """``(value, country)`` of a plate-shaped match ``s`` of the format group ``name``,
    or None when its format needs a vehicle cue (``cue`` says whether there is one).
    A pure function of its arguments, so it is cached."""
    country = name.split("_", 1)[1]
    strong = name.startswith("s")
    if country == "de":
        district = _DE_SPLIT.split(s, maxsplit=1)[0].upper()
        strong = district in _DE_DISTRICTS
        if not strong and "-" not in s:
            return None
    if not strong and not (cue and s.isupper()):
        return None
    if not s.isupper() and not cue:
        return None
    return _BLANK_OR_HYPHEN.sub("", s).upper(), country


def _plate(text: str, m: re.Match[str], cue: bool) -> Candidate | None:
    hit = _plate_value(text[m.start() : m.end()], m.lastgroup or "", cue)
    if hit is None:
        return None
    return Candidate(m.start(), m.end(), "plate", hit[0], {"format": hit[1]}, boost=1 if cue else 0)


_PLATE_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, non-nested ``spans``. O(log n)."""
    i = bisect_left(spans, (start, start))
    return (i < len(spans) and spans[i][0] < end) or (i > 0 and spans[i - 1][1] > start)


def _plates(text: str) -> list[Candidate]:
    out = []
    pos = 0
    search = PLATE_RE.search
    kw = keywords.index(text)
    while (m := search(text, pos)) is not None:
        cue = kw.before("vehicle_cue", m.start(), 50) is not None
        c = _plate(text, m, cue)
        if c is not None:
            out.append(c)
            pos = m.end()
        else:
            # a rejected shape ("VRM AB12") must not hide a plate starting inside it
            pos = m.start() + 1
    strong_starts = {c.start for c in out}
    size = len(text)
    done = 0
    for cs, ce, _cw in kw.hits("vehicle_cue"):
        # a weak plate must start within 50 characters after the cue's start; it is
        # at most 10 characters long, and its right boundary looks 2 further
        pos, endpos = max(ce, done), min(size, cs + 50 + 13)
        while (m := PLATE_WEAK_RE.search(text, pos, endpos)) is not None and m.start() <= cs + 50:
            if m.end() + 2 > endpos and endpos < size:
                break
            c = _plate(text, m, kw.before("vehicle_cue", m.start(), 50) is not None)
            if c is not None and c.start not in strong_starts:
                out.append(c)
                pos = m.end()
            else:
                pos = m.start() + 1
        done = max(done, pos)
    # Right after a registration label ("VRM", "reg", "kenteken"...), any plate-shaped
    # token is a plate even if no known format fits: a misrecorded or unusual plate
    # ("VRM ZA57 CVM") is still what the writer says it is.
    found = {c.start for c in out}
    for _cs, ce, cw in kw.hits("vehicle_cue"):
        if cw not in _PLATE_LABELS:
            continue
        p = _SKIP.match(text, ce).end()  # type: ignore[union-attr]
        gm = _GENERIC_PLATE.match(text, p)
        if gm is None or p in found:
            continue
        raw = gm.group()
        value = _BLANK_OR_HYPHEN.sub("", raw).upper()
        if not (5 <= len(value) <= 8) or value.isalpha() or value.isdigit() or not raw.isupper():
            continue
        out.append(Candidate(p, gm.end(), "plate", value, {"format": "labelled"}))
        found.add(p)
    # blanks or hyphens in unusual places ("AB1 2CDE", "CJ-12-ABC"), Turkish plates and
    # plates after a nationality word or country code: see plate_forms
    cue_starts = {cs for cs, _ce, _cw in kw.hits("vehicle_cue")}
    spans = sorted((c.start, c.end) for c in out)
    ends_at = {c.start: c.end for c in out}
    for _cs, ce, _cw in [*kw.hits("vehicle_cue"), *kw.hits("plate_nation")]:
        p = _SKIP.match(text, ce).end()  # type: ignore[union-attr]
        if text[p : p + 1] not in _PLATE_FIRST:
            continue  # most vehicle words are followed by an ordinary word ("van was")
        loose = plate_forms.after(text, p)
        longer = loose is not None and p in ends_at and ends_at[p] < loose[1]
        if loose is not None and (loose[0] != p or longer) and (p in found or p in strong_starts):
            # "car FR AB 123 CD": the code and the plate after it, not a German "FR AB 123";
            # "reg A B 1 2 C D E": the whole plate, not its first characters
            out = [c for c in out if c.start != p]
            spans = [sp for sp in spans if sp[0] != p]
            found.discard(p)
            strong_starts.discard(p)
        elif p in found or p in strong_starts:
            continue
        if loose is not None and loose[0] in cue_starts:
            continue  # the next token is itself a vehicle word ("Transit VRM AB12 CDE")
        if loose is not None and not _overlaps(spans, loose[0], loose[1]):
            insort(spans, (loose[0], loose[1]))
            out.append(Candidate(loose[0], loose[1], "plate", loose[2], {"format": loose[3]}, boost=1))
            found.add(loose[0])
    # lower-case plates in chat only right after a vehicle word (and only when the
    # text has a lower-case letter next to a digit at all: a cheap C-speed gate)
    if _LOWER_DIGIT.search(text) is not None or _LOWER_SEP_DIGIT.search(text) is not None:
        for _cs, ce, _cw in kw.hits("vehicle_cue"):
            p = _SKIP.match(text, ce).end()  # type: ignore[union-attr]
            m2 = PLATE_RE_I.match(text, p, min(len(text), p + 12))
            if m2 is not None and not text[m2.start() : m2.end()].isupper():
                c = _plate(text, m2, True)
                if c is not None:
                    out.append(c)
    return out


def _partials(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    kw = keywords.index(text)
    for _cs, ce, cw in kw.hits("vehicle_cue"):
        if (
            cw in _PARTIAL_CUES
            and text[ce + 1 : ce + 2] in ("b", "s", "e")
            and (pm2 := PARTIAL_AFTER_CUE_RE.match(text, ce)) is not None
        ):
            frag = re.sub(r"[\s-]", "", pm2.group("frag"))
            value = frag + "*" if _POS[pm2.group("pos")] == "start" else "*" + frag
            out.append(Candidate(pm2.start("frag"), pm2.end("frag"), "plate_partial", value, boost=1))
    if "partial" not in kw.low and not any(c in text for c in "?*_#"):
        return out
    for m in PARTIAL_LABEL_RE.finditer(text):
        frag = re.sub(r"[\s-]", "", m.group("frag")).upper()
        if frag in _LABEL_WORDS:
            continue
        where = _POS.get((m.group("pos") or "").lower(), "any" if len(frag) < 5 else "")
        value = {"start": frag + "*", "end": "*" + frag, "any": "*" + frag + "*", "": frag}[where]
        out.append(Candidate(m.start("frag"), m.end("frag"), "plate_partial", value, boost=1))
    pos = 0
    for mark in _UNKNOWN_MARK.finditer(text):
        if mark.start() < pos:
            continue
        lo, hi = max(pos, mark.start() - 9), min(len(text), mark.end() + 9)
        pm: re.Match[str] | None
        while (pm := PARTIAL_RE.search(text, lo, hi)) is not None:
            # "VRM AB1? CDE": the label word is not part of the plate
            if re.split(r"[ -]", pm.group(), maxsplit=1)[0] not in _LABEL_WORDS:
                break
            lo = pm.start() + 1
        if pm is None:
            continue
        m = pm
        pos = m.end()
        if kw.before("vehicle_cue", m.start(), 50) is None and "partial" not in window_before(text, m.start(), 50):
            continue
        value = re.sub(r"[\s-]", "", m.group()).upper()
        value = re.sub(r"[*_#]", "?", value)
        out.append(Candidate(m.start(), m.end(), "plate_partial", value))
    return out


_valid_imo = lru_cache(maxsize=4096)(imo.is_valid)


def _vessels(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    kw = keywords.index(text)
    low = kw.low
    if not kw.hits("vessel_label") and not kw.hits("boat"):
        return out
    for m in IMO_RE.finditer(low):
        n = m.group("n")
        if _valid_imo(n):
            out.append(Candidate(m.start("n"), m.end("n"), "vessel", n, {"scheme": "imo"}))
    for m in MMSI_RE.finditer(low):
        n = m.group("n")
        # ship station MMSIs start with a maritime identification digit 2-7
        if n[0] in "234567":
            out.append(Candidate(m.start("n"), m.end("n"), "vessel", n, {"scheme": "mmsi"}))
    last = 0
    for b_start, b_end, _bw in kw.hits("boat"):
        if b_start < last:
            continue
        # (a capital after one blank, tested first: most boat words are followed by others)
        nm = VESSEL_NAME_ID_RE.match(text, b_end) if text[b_end + 1 : b_end + 2].isupper() else None
        if nm is not None and nm.group("n").split()[0] not in _NAME_STOP | _PREFIXES:
            last = nm.end("n")
            out.append(Candidate(nm.start("n"), nm.end("n"), "vessel_name", " ".join(nm.group("n").upper().split())))
            continue
        m = VESSEL_NAME_RE.match(text, b_start)  # type: ignore[assignment]
        if m is None:
            continue
        last = m.end()
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
