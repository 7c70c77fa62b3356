"""What every name form shares: letter classes, stop words, name lists, capitalisation.

The regex pieces here are spliced into the patterns of :mod:`.capitals`,
:mod:`.single` and :mod:`.aliases`; the stop words and :func:`word_lists` are the
guards every form checks its tokens against; :func:`nice_name` makes every value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from crosslink.extract._base import Candidate
from crosslink.extract.places import load_places

__all__ = [
    "AFTER_CUE", "CAP", "CAP0", "CAPS", "CAPS0", "CAPS_STOP", "EDGE", "LO", "PART", "ROLE_CUE", "SP", "STOP", "UP",
    "nice_name", "person", "tokens", "word_lists",
]

# Latin Extended-A/B and Additional (Vietnamese: NGUYỄN, Trần) hold both cases
# interleaved, so they sit in both classes; tokens are re-checked with str.isupper().
_EXT = "\u0100-\u024f\u1e00-\u1eff"
UP = "A-ZÀ-ÖØ-Þ" + _EXT
LO = "a-zß-öø-ÿ" + _EXT
# The letter runs and blanks are possessive (``++``, ``*+``: Python 3.11): what follows
# each (a hyphen or apostrophe, a blank, a comma, a look-ahead refusing a letter) can
# never match the character repeated, so giving characters back cannot lead to a
# match, and not trying saves a third of the scans' time on capitalised text.
CAP = rf"[{UP}][{LO}]++(?:[-'’][{UP}{LO}][{LO}]++)*+"
CAPS = rf"(?:[{UP}]')?[{UP}]{{2,}}+(?:[-'’][{UP}]{{2,}}+)*+"
PART = r"(?:al|el|bin|ibn|abu|van|de|der|von|di|da|du|le|la)"
SP = r"[ \t]++"

# Patterns start with one character class and check the left boundary right after
# it, so re skips ahead in C (see _base.trie_regex).
EDGE = r"(?<![\w'’-].)"
CAP0 = rf"[{UP}]{EDGE}[{LO}]++(?:[-'’][{UP}{LO}][{LO}]++)*+"
CAPS0 = rf"[{UP}]{EDGE}(?:'[{UP}]{{2,}}+|[{UP}]++)(?:[-'’][{UP}]{{2,}}+)*+"

#: a role or relation word right before a name ("suspect", "driver", "brother")
ROLE_CUE = re.compile(
    r"(?:\b(?:named|called|name is|nominal|subject|suspect|male|female|man|woman|driver|pilot|organiser|"
    r"recruiter|facilitator|associate|brother|sister|cousin|uncle|aunt|nephew|wife|husband|son|daughter|"
    r"father|mother|partner|girlfriend|boyfriend|friend|boss|victim|witness|migrant|passenger|"
    r"contact|owner|tenant|landlord|agent|smuggler|courier|receptionist|skipper|captain|hawaladar|interpreter|"
    r"cashier|manager|employee|worker|fixer|guide|broker|accountant|neighbour|neighbor|keeper|"
    r"arrested|detained|identified as|believed to be)[ \t]*[:,]?[ \t]*)$"
)
#: a date of birth, an age or an alias right after a name
AFTER_CUE = re.compile(
    r"^[ \t]*(?:\([ \t]*(?:dob|d\.o\.b|born|b\.|aged?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[ \t]*(?:yrs|years|y/o))"
    r"|,[ \t]*(?:dob|aged?|born|\d{1,2}[ \t]*(?:yrs|years))|[ \t]*\(?(?:aka|a\.k\.a|also known as|alias)\b)",
    re.IGNORECASE,
)

# Capitalised words that are never part of a person's name.
STOP = frozenset(
    """The A An This That These Those He She They We You I It His Her Their Our My Your On In At For From To By
    With And But Or Of After Before During When While Where Who What Which Why How If Then There Here Also
    Not No Yes All Any Some Each Every Both Other Another Such Only Just Very Mr Mrs Ms Miss Dr Sir
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Today Yesterday Tomorrow Tonight Morning Evening Night
    Intelligence Report Subject Suspect Police Officer Officers Team Road Street Lane Avenue Way Drive Close
    Port Station Services Service Ltd Limited Hotel Court Crown Border Force Agency National Crime Home Office
    Unit North South East West Northern Southern Eastern Western Central Upper Lower Great Little New Old
    Saint St Bank Group Company Transport Logistics Haulage Motors Cars Travel Express International
    Security Centre Center Office Department Ministry Government Council County District Region City Town
    Village Airport Harbour Harbor Beach Bay Island Park Square Bridge Market Shop Store Restaurant Cafe
    Barber Barbers Kebab Pizza Car Wash Hand Wash Facebook Instagram Telegram WhatsApp Whatsapp Snapchat
    TikTok Signal Viber Google Apple Samsung Nokia Huawei Iphone iPhone Western Union MoneyGram Hawala
    Toyota Ford Vauxhall Mercedes Audi Bmw Volkswagen Renault Peugeot Citroen Transit Sprinter Vito
    Intel Source Handler Operation Op Case Exhibit Interview Statement Note Notes Log Entry Update Summary
    Information Grading Handling Assessment Action Actions Risk Threat Vessel Boat Dinghy Lorry Truck
    Trailer Driver Passenger Reference Ref Crime Occurrence Job Invoice Flight Booking Passengers Migrants Migrant People Persons Person Male Female Unknown Believed
    Kurdish Iraqi Iranian Afghan Albanian Vietnamese Eritrean Sudanese Syrian Turkish French Belgian Dutch
    German British English Arabic Farsi Pashto Dari Sorani Kurmanji Tigrinya Somali Polish Romanian
    Islam Muslim Allah God Eid Ramadan Christmas Easter Brother Sister Cousin Uncle Aunt Boss
    Sergeant Inspector Constable Detective Chief Superintendent Agent Agents Contact Contacts Account
    Please Thanks Thank Hello Hi Ok Okay Yeah Sorry Call Text Send Tell Ask Pay Paid Money Cash
    Kak Kaka Mamosta Xanim Khanum Zoti Zonja Herr Frau Monsieur Madame Mme Señor Senor Sr Sra Pan Pani Signor
    Sig Meneer Mevrouw Nominal Der Die Das Beschuldigte Beschuldigter Verdächtige Verdächtiger Fahrer Zeuge
    Les Détenu Détenue Conducteur Passeur Suspecté Témoin Detenido Detenida Conductor Sospechoso Testigo
    Kierowca Podejrzany Zatrzymany Świadek Il Lo Arrestato Indagato Autista Testimone Verdachte Bestuurder
    Getuige Kontakto Kontakt Contactez Contacto Contattare Udhetim Udhëtim Çmimi Cmimi Am Im Vom Zum Zur Beim
    Het Een Bij Schipper Skipper Kapitein Kapitän Kapitan Capitaine Capitano Capitán Captain Beifahrer
    Bijrijder Passagier Passager Passagère Pasajero Passeggero Dénommé Dénommée Nommé Nommée Vorgangsnummer
    Aktenzeichen Tagebuchnummer Geschäftszeichen Dossiernummer Zaaknummer Receptionist""".split()
)
# Words in capitals that are never a surname: abbreviations, makes, shouted words.
CAPS_STOP = frozenset(
    """NCA UK EU USA US GBP EUR USD BTC USDT TRX ID NI PNC CRN URN NB PS AKA VW BMW DAF MAN IVECO SCANIA VOLVO
    FORD ETA ETD AM PM GMT BST UTC CET SIM GPS WA TG IG FB SMS MMS MV FV MY SV IBAN BIC SWIFT PO OK TV DNA
    II III IV DC DS DI DCI DCS DSI PC PCSO SGT INSP LTD PLC GMBH SA SARL BV NV SRL OCC HO IE EG ETC NA ALL
    NEW OLD CRIME POLICE BORDER FORCE AGENCY ROAD STREET LANE PORT HOTEL TEAM UNIT NOT AND THE OF IN ON TO FOR
    WITH FROM BY AT IS WAS ARE BE URGENT NOTE OFFICIAL SENSITIVE SECRET RESTRICTED INTELLIGENCE REPORT SUBJECT
    SUMMARY UPDATE NFA TBC ASAP RIB RHIB HGV LGV VRM VRN ANPR DOB IMEI IMSI ICCID MMSI IMO CCTV OCG OIC CPS SIO
    CHIS UKBF BF HMRC IOM UNHCR IRC OSCT TOEX NPCC CT ROCU SOCA SIS FBI DEA OFAC FIU SAR DAML ATM POS GBH ABH
    IT OR IF NO YES BUT AS AN A I MOB TEL FAX EMAIL CAR HGVS KENT ESSEX OPS OP ACTION RISK THREAT DPA GDPR
    SOP MO NFI TBA TBD INFO RE FW FWD CC BCC VIA APPROX EST MIN MAX PER PCS KG KM MPH HRS NFA DVLA PNR API
    CAD CRIS PDF DOCX CSV XLSX JPG PNG MP4 URL WWW HTTP HTTPS LOL OMG WTF BRO PLS THX MSG DM VIP CEO CFO HR IT PA""".split()
)


def _words(spec: str | dict[str, str]) -> frozenset[str]:
    """Lower-cased words of a list, or of a mapping of lists by group."""
    text = " ".join(spec.values()) if isinstance(spec, dict) else spec
    return frozenset(w.lower() for w in text.split())


@lru_cache(maxsize=1)
def word_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """``(given, family, english, places)``: lower-cased known given and family names
    (``data/names.yml``), the everyday English words among them, and the place names."""
    raw = yaml.safe_load(resources.files("crosslink.extract").joinpath("data/names.yml").read_text("utf-8"))
    given, family, english = (_words(raw[k]) for k in ("given", "family", "english_words"))
    places, _ = load_places()
    return given, family, english, frozenset(places)


@lru_cache(maxsize=65536)
def _nice_token(tok: str) -> str:
    if tok.lower() in ("al", "el", "bin", "ibn", "abu", "van", "de", "der", "von", "di", "da", "du", "le", "la") and tok.islower():
        return tok
    out = []
    for part in re.split(r"([-'’])", tok):
        if part in ("-", "'", "’") or not part:
            out.append(part)
        elif len(part) > 3 and part[:2].lower() == "mc":
            out.append("Mc" + part[2:].capitalize())
        else:
            out.append(part[:1].upper() + part[1:].lower() if (part.isupper() or part.islower()) else part)
    return "".join(out)


def nice_name(tokens: list[str]) -> str:
    """Normal capitalisation of name tokens ("AL-HASHIMI" -> "Al-Hashimi")."""
    return " ".join(_nice_token(t) for t in tokens)


_TOKEN = re.compile(r"\S+")


def tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The blank-separated tokens of ``text[start:end]``: ``(start, end, token)``."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def person(out: list[Candidate], toks: list[tuple[int, int, str]], form: str, order: list[str] | None = None) -> None:
    """Append the person spanning ``toks`` (its value from ``order`` when given)."""
    if not toks:
        return
    value = nice_name(order if order is not None else [t[2] for t in toks])
    out.append(Candidate(toks[0][0], toks[-1][1], "person", value, {"form": form}))
