"""People and aliases, without a statistical NER model.

Intelligence writing gives strong cues and this module reads them:

- the UK convention of the family name in capitals: ``Ahmed KARIMI``,
  ``Mohammed Ali AL-HASHIMI``;
- comma-inverted names: ``KARIMI, Ahmed``, ``Karimi, Ahmed``;
- sentence case ``Ahmed Karimi`` when a token is a known given or family name
  (``data/names.yml``), a title or role word precedes ("Mr", "suspect",
  "driver", "brother"), or a DOB/age/aka follows;
- lower-case chat (``tell karwan rasuli``): known given name followed by a known
  family name, or a known given name next to a chat cue ("tell", "ask", "thanks"
  before it, "said", "has" after it); a word no list knows only in the strongest
  frames ("tell X", "hi X", "X said" opening its clause) and never an everyday word;
- names in Arabic script (Arabic, Kurdish, Farsi, Pashto) after a cue, with a
  preposition written onto them, or followed by more names (see ``arabic_script``).

Values are "Given Family" in normal capitalisation (``KARIMI, Ahmed`` ->
``Ahmed Karimi``; ``AL-HASHIMI`` -> ``Al-Hashimi``; ``O'BRIEN`` -> ``O'Brien``).
Aliases follow "aka", "also known as", "nicknamed", "alias" or "goes by".
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from crosslink.extract import keywords
from crosslink.extract._base import Candidate, trie_regex, window_before
from crosslink.extract.places import load_places

__all__ = ["find", "nice_name", "latin_of"]

# Latin Extended-A/B and Additional (Vietnamese: NGUYỄN, Trần) hold both cases
# interleaved, so they sit in both classes; tokens are re-checked with str.isupper().
_EXT = "\u0100-\u024f\u1e00-\u1eff"
_UP = "A-ZÀ-ÖØ-Þ" + _EXT
_LO = "a-zß-öø-ÿ" + _EXT
# The letter runs and blanks are possessive (``++``, ``*+``: Python 3.11): what follows
# each (a hyphen or apostrophe, a blank, a comma, a look-ahead refusing a letter) can
# never match the character repeated, so giving characters back cannot lead to a
# match, and not trying saves a third of the scans' time on capitalised text.
CAP = rf"[{_UP}][{_LO}]++(?:[-'’][{_UP}{_LO}][{_LO}]++)*+"
CAPS = rf"(?:[{_UP}]')?[{_UP}]{{2,}}+(?:[-'’][{_UP}]{{2,}}+)*+"
_PART = r"(?:al|el|bin|ibn|abu|van|de|der|von|di|da|du|le|la)"
_SP = r"[ \t]++"

# Patterns start with one character class and check the left boundary right after
# it, so re skips ahead in C (see _base.trie_regex).
_B = r"(?<![\w'’-].)"
CAP0 = rf"[{_UP}]{_B}[{_LO}]++(?:[-'’][{_UP}{_LO}][{_LO}]++)*+"
CAPS0 = rf"[{_UP}]{_B}(?:'[{_UP}]{{2,}}+|[{_UP}]++)(?:[-'’][{_UP}]{{2,}}+)*+"
GIVEN_CAPS_RE = re.compile(
    rf"(?P<g>{CAP0}(?:{_SP}{CAP}){{0,2}}){_SP}(?P<s>{CAPS}(?:{_SP}{CAPS}){{0,2}})(?![\w'’-]|\.\w)"
)
INVERTED_RE = re.compile(
    rf"(?P<s>[{_UP}]{_B}(?:(?:'[{_UP}]{{2,}}+|[{_UP}]++)(?:[-'’][{_UP}]{{2,}}+)*+(?:{_SP}{CAPS})?"
    rf"|[{_LO}]++(?:[-'’][{_UP}{_LO}][{_LO}]++)*+)),[ \t]*+(?P<g>{CAP}(?:{_SP}{CAP}){{0,2}})(?![\w'’-])"
)
SURNAME_GIVEN_RE = re.compile(
    rf"(?P<s>{CAPS0}(?:{_SP}{CAPS}){{0,1}}){_SP}(?P<g>{CAP}(?:{_SP}{CAP}){{0,1}})(?![\w'’-])"
)
_PARTNER_CUE = re.compile(
    r"(?:\b(?:werd|wurde|nommée?|dénommée?|denommee?|surnommée?|genaamd|namens|named|called|der|die|le|la|subject|"
    r"suspect|nominal|llamado|llamada|chiamato|chiamata)[ \t]*:?[ \t]*)$",
    re.IGNORECASE,
)
_BIRTH_AFTER = re.compile(r"[ \t]*(?:\(|,?[ \t]*(?:geboren|geb\.|né|née|born|dob|b\.)(?![a-z]))", re.IGNORECASE)
KUNYA_RE = re.compile(rf"[AU](?<![\w'’-].)(?:(?<=A)bu|(?<=A)bou|(?<=U)mm?){_SP}{CAP}(?![\w'’-])")
RUN_RE = re.compile(rf"{CAP0}(?:{_SP}(?:{_PART}{_SP})?{CAP}){{1,3}}(?![\w'’-])")
# English and police ranks, then honorifics of the languages crosslink's users meet
# (Kurdish Kak/Mamosta, Albanian Zoti, German Herr, French M./Mme, Spanish Sr, Polish Pan...).
_TITLES = (
    "Mr Mrs Ms Miss Mx Dr Mister Madam Sheikh Haji Hajji Mullah DC DS PC DI DCI DSI Sgt Insp Cllr "
    "Kak Kaka Mamosta Xanim Khanum Sayyid Sayed Ustad Ustaz Zoti Zonja Herr Frau Monsieur Madame Mme "
    "Señor Senor Sr Sra Pan Pani Signor Sig Meneer Mevrouw Dhr Mevr"
).split()
TITLE_RE = re.compile(
    trie_regex(_TITLES, r"\w")
    + rf"\.?{_SP}(?P<n>(?:{CAP}|{CAPS})(?:{_SP}(?:{_PART}{_SP})?(?:{CAP}|{CAPS})){{0,3}})(?![\w'’-])"
)
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
    rf"|(?P<w>(?:{CAP}|{CAPS})(?:{_SP}(?:{CAP}|{CAPS})){{0,2}}))"
)
_ROLE_CUE = re.compile(
    r"(?:\b(?:named|called|name is|nominal|subject|suspect|male|female|man|woman|driver|pilot|organiser|"
    r"recruiter|facilitator|associate|brother|sister|cousin|uncle|aunt|nephew|wife|husband|son|daughter|"
    r"father|mother|partner|girlfriend|boyfriend|friend|boss|victim|witness|migrant|passenger|"
    r"contact|owner|tenant|landlord|agent|smuggler|courier|receptionist|skipper|captain|hawaladar|interpreter|"
    r"cashier|manager|employee|worker|fixer|guide|broker|accountant|neighbour|neighbor|keeper|"
    r"arrested|detained|identified as|believed to be)[ \t]*[:,]?[ \t]*)$"
)
_AFTER_CUE = re.compile(
    r"^[ \t]*(?:\([ \t]*(?:dob|d\.o\.b|born|b\.|aged?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[ \t]*(?:yrs|years|y/o))"
    r"|,[ \t]*(?:dob|aged?|born|\d{1,2}[ \t]*(?:yrs|years))|[ \t]*\(?(?:aka|a\.k\.a|also known as|alias)\b)",
    re.IGNORECASE,
)
_CHAT_CUE = re.compile(
    r"(?:\b(?:tell|told|ask|asked|call|called|ring|rang|phone|phoned|msg|message|messaged|text|texted|bro|"
    r"brother|sister|sis|cousin|uncle|mate|with|meet|met|see|saw|from|to|and|about|for|by|wait for|pay|paid|"
    r"send|sent|give|gave|speak to|spoke to|talk to|contact|contacted|thanks|thank you|thx|hi|hey|hello|"
    r"salam|slm|kak|kaka|haji|named|bra|brak|numaray|zhmaray|anh|ya)[ \t]+)$"
)

_CHAT_AFTER = re.compile(
    r"[ \t]+(?:has|have|had|said|says|told|asked|is|was|will|wants|needs|sent|knows|can|cant|can't|got|took|"
    r"takes|brings|called|rang|phoned|paid|owes|texted|msgd|messaged|replied|wrote|drives|driving|drove|"
    r"booked|bought|agreed|arrived|came|left)\b"
)

# Capitalised words that are never part of a person's name.
_STOP = frozenset(
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
_CAPS_STOP = frozenset(
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
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    raw = yaml.safe_load(resources.files("crosslink.extract").joinpath("data/names.yml").read_text("utf-8"))
    given, family, english = (_words(raw[k]) for k in ("given", "family", "english_words"))
    places, _ = load_places()
    return given, family, english, frozenset(places)


def _chat_words() -> list[str]:
    given, family, english, _ = _lists()
    return sorted(g for g in given if g not in english)


def _chat_right(low: str, end: int) -> bool:
    nxt = low[end : end + 1]
    return nxt == "" or (keywords.not_word(nxt) and nxt not in "'@-")


keywords.register("given_chat", _chat_words, keywords.word_lead, _chat_right)
keywords.register("alias_cue", _ALIAS_WORDS.split("|"))
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
_CHAT_NOT_NAMES = frozenset(
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


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def _person(out: list[Candidate], toks: list[tuple[int, int, str]], form: str, order: list[str] | None = None) -> None:
    if not toks:
        return
    value = nice_name(order if order is not None else [t[2] for t in toks])
    out.append(Candidate(toks[0][0], toks[-1][1], "person", value, {"form": form}))


@lru_cache(maxsize=65536)
def _given_caps(span: str, g_end: int, s_start: int) -> tuple[int, int, int, str] | None:
    """The "Given SURNAME" reading of one GIVEN_CAPS_RE match (``span``, its groups'
    offsets): ``(lone, start, end, value)`` relative to the span, or None. ``lone`` is
    0 for a full name, 1 for a surname alone (it needs a role word before it), 2 for
    a surname alone after a role word inside the span. A pure function of the span,
    so it is cached: the same name in the same spelling is read once."""
    given, family, _english, places = _lists()
    g = _tokens(span, 0, g_end)
    s = _tokens(span, s_start, len(span))
    role_in_span = span[:g_end].split()[-1] in ("Subject", "Suspect", "Driver", "Brother", "Cousin", "Uncle")
    while g and (g[0][2] in _STOP or g[0][2].lower() in places and g[0][2].lower() not in given):
        g.pop(0)
    named = bool(g)

    def stop(tok: str) -> bool:
        return tok in _CAPS_STOP and not (named and tok.lower() in family)

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
    if any(t[2] in _STOP for t in g):
        return None
    return (0, g[0][0], s[-1][1], nice_name([t[2] for t in g + s]))


@lru_cache(maxsize=65536)
def _sentence_run(span: str) -> tuple[int, int, str, bool] | None:
    """The name in one RUN_RE match (``span``): ``(start, end, value, known)`` relative
    to the span, or None. Stop words and places are trimmed from both ends; ``known``
    says a given or family name list vouches for it (else the caller looks for a cue
    around it). A pure function of the span, cached like :func:`_given_caps`."""
    given, family, _english, places = _lists()
    toks = _tokens(span, 0, len(span))
    while toks and (toks[0][2] in _STOP or (toks[0][2].lower() in places and toks[0][2].lower() not in given)):
        toks.pop(0)
    while toks and (toks[-1][2] in _STOP or toks[-1][2].lower() in places or toks[-1][2].islower()):
        toks.pop()
    if len(toks) < 2 or any(t[2] in _STOP for t in toks) or not toks[0][2][0].isupper():
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
    if tok in _CAPS_STOP:
        return low not in family
    return low in places and not (i > 0 and (low in given or low in family))


#: Albanian case endings (definite genitive/dative, accusative, ablative) on a name
_SQ_ENDINGS = ("it", "in", "ut", "un", "i")


def _chat_unknown(
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
            x in _CHAT_NOT_NAMES
            or x.capitalize() in _STOP
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


# A name of one word. A known given name (capitalised) stands alone as a person after a
# lower-case honorific or vocative ("ya Osman", "anh Duc", "kak Hiwa") or a naming word
# ("a man called Kawa"), as a field of a list or ledger line ("12/8 — Sarbast — 1500$",
# "Hemin mob 0748..."), or before a chat verb ("Almuiz wants"). Any capitalised word
# that is not a stop word or place is a name after the strongest frames: a person
# noun and "called"/"named", "gave the name", "his name is", and a role noun in
# apposition ("The agent, Kourosh, took ...").
keywords.register("honorific", "ya yaa anh chị chi kak kaka kako bra brak haji hajji mamosta bro brother cousin "
                  "uncle called named".split() + ["name is", "name was"], keywords.word_lead)
_ONE_NAME_AFTER = re.compile(rf"[ \t](?P<n>{CAP})(?![\w'’-])")
_FIELD_OPEN = ("—", "–", "|", '"', "“", "\n")
_FIELD_AFTER = re.compile(r"[ \t]*(?:[—–|\"”]|\n|$|(?:mob|mobile|tel|phone|no|number)\b)")
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
_ONE_NAME = re.compile(rf"[ \t]*,?[ \t]*(?P<n>{CAP})(?![\w'’-])")
_APPOS_AFTER = re.compile(r"[ \t]*[,)]")
keywords.register("name_cue1", ["called", "named", "name", "name of", "calling himself", "calling herself",
                                "agent", "smuggler", "driver", "organiser", "organizer", "facilitator", "skipper",
                                "captain", "pilot", "courier", "recruiter", "hawaladar", "fixer", "guide", "contact",
                                "boss", "cousin", "brother", "uncle", "associate", "name is", "name was"])
#: chat export lines "name: message" ("erion: ok", "khalid adam: call him"); the text
#: is scanned with a newline before it (a literal first: re skips ahead in C)
SPEAKER_RE = re.compile(r"\n(?P<n>[a-z][a-z'-]{1,14}(?: [a-z][a-z'-]{1,14})?):[ \t]")


def _single_names(text: str, kw: keywords.TextIndex, given: frozenset[str], english: frozenset[str],
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
        if low not in given or low in english or word in _STOP or low in places:
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
        if n in _STOP or n.lower() in places or n.lower() in english:
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
            if any(t in _CHAT_NOT_NAMES or t in english or t in places or t.capitalize() in _STOP for t in toks):
                continue
            # a label that opens two lines, or a known given name
            if len(ms) < 2 and toks[0] not in given:
                continue
            for m in ms:  # offsets in the text with the newline put before it
                out.append(Candidate(m.start("n") - 1, m.end("n") - 1, "person", nice_name(toks), {"form": "speaker"}))
    return out


def find(text: str, hint: str | None) -> list[Candidate]:
    """Person and alias candidates. O(len(text)) regex scans; the per-candidate checks are
    set look-ups on a handful of tokens."""
    given, family, english, places = _lists()
    out: list[Candidate] = []

    # Given SURNAME
    for m in GIVEN_CAPS_RE.finditer(text):
        base = m.start()
        hit = _given_caps(m.group(), m.end("g") - base, m.start("s") - base)
        if hit is None:
            continue
        lone, rs, re_, value = hit
        # "Subject KARIMI": a lone surname only after a role word
        if lone and not (lone == 2 or _ROLE_CUE.search(text[max(0, m.start("s") - 25) : m.start("s")])):
            continue
        out.append(Candidate(base + rs, base + re_, "person", value, {"form": "caps"}))

    # SURNAME Given (Continental partner reports: "KARIMI Ali geboren op ...")
    for m in SURNAME_GIVEN_RE.finditer(text):
        s = _tokens(text, m.start("s"), m.end("s"))
        g = _tokens(text, m.start("g"), m.end("g"))
        if not all(t[2].isupper() for t in s) or any(_not_surname(i, t[2], given, family, places) for i, t in enumerate(s)):
            continue
        while g and (g[-1][2] in _STOP or g[-1][2].lower() in places):
            g.pop()
        if not g or g[0][2] in _STOP:
            continue
        cue = _PARTNER_CUE.search(text[max(0, m.start() - 20) : m.start()]) is not None
        if g[0][2].lower() in given or cue or _BIRTH_AFTER.match(text, g[-1][1]):
            out.append(Candidate(m.start(), g[-1][1], "person", nice_name([t[2] for t in g + s]),
                                 {"form": "surname-first"}))

    # SURNAME, Given  /  Family, Given
    for m in INVERTED_RE.finditer(text):
        s = _tokens(text, m.start("s"), m.end("s"))
        g = _tokens(text, m.start("g"), m.end("g"))
        while g and (g[-1][2] in _STOP or g[-1][2].lower() in places):
            g.pop()
        if not g or any(t[2] in _STOP or t[2] in _CAPS_STOP for t in s):
            continue
        if any(t[2].lower() in places for t in s):
            continue
        caps = s[0][2].isupper()
        if not caps and not (g[0][2].lower() in given and s[-1][2].lower() in family):
            continue
        if caps and g[0][2].lower() not in given and s[0][2].lower() not in family:
            # "NCA, Kent": an unknown capitalised word after a comma is too weak alone
            if not _AFTER_CUE.match(text[m.end() : m.end() + 30]):
                continue
        out.append(
            Candidate(m.start(), g[-1][1], "person", nice_name([t[2] for t in g] + [t[2] for t in s]), {"form": "inverted"})
        )

    # Title + name
    for m in TITLE_RE.finditer(text):
        toks = _tokens(text, m.start("n"), m.end("n"))
        while toks and (toks[-1][2] in _STOP or toks[-1][2] in _CAPS_STOP or toks[-1][2].lower() in places
                        or toks[-1][2].islower()):
            toks.pop()
        if toks and not any(t[2] in _STOP for t in toks):
            _person(out, toks, "title")

    # Arabic kunya ("Abu Karam", "Umm Ali"): a name by itself, wherever it stands
    # (the scan needs "Abu", "Abou" or "Um": three substring tests in C skip it on most texts)
    for m in KUNYA_RE.finditer(text) if ("Abu" in text or "Abou" in text or "Um" in text) else ():
        toks = _tokens(text, m.start(), m.end())
        if toks[-1][2] not in _STOP and toks[-1][2].lower() not in places:
            _person(out, toks, "kunya")

    # Sentence case runs
    kw = keywords.index(text)
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
            evidence = bool(_ROLE_CUE.search(before)) or bool(_AFTER_CUE.match(text[end : end + 30]))
        if evidence:
            out.append(Candidate(start, end, "person", value, {"form": "sentence"}))

    # lower-case chat (given names from the shared keyword scan)
    for ws, we, _w in kw.hits("given_chat"):
        word = text[ws:we]
        if not word.islower():
            # a capitalised given name alone: opening a field ("— Sarbast —", a line,
            # a quote) and closing it, or opening a clause before a chat verb
            # ("..., Almuiz wants"); see _single_names for the other frames
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
            if not (word[:1].isupper() and word[1:].islower()) or word in _STOP or word.lower() in places:
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

    out.extend(_chat_unknown(text, kw, given, english, places))
    out.extend(_single_names(text, kw, given, english, places))
    out.extend(arabic_script(text, places))

    # aliases
    for _ks, ke, _kw in kw.hits("alias_cue"):
        m = ALIAS_TAIL.match(text, ke)  # type: ignore[assignment]
        if m is None:
            continue
        grp = "q" if m.group("q") else "w"
        raw = m.group(grp).strip()
        # a quoted alias is whatever the quotes hold ("saved as 'Mamosta'")
        if not raw or (grp == "w" and (raw in _STOP or raw in _CAPS_STOP)):
            continue
        a_start = m.start(grp) + (len(m.group(grp)) - len(m.group(grp).lstrip()))
        words = raw.split()
        while grp == "w" and words and (words[-1] in _STOP or words[-1] in _CAPS_STOP):
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


# ---------------------------------------------------------------------------
# Names in Arabic script (Arabic, Kurdish Sorani, Farsi, Pashto adverts and chat).
#
# A known given name in Arabic script starts a person; up to three more words complete
# it when they are names too: another known given name (a father's name, "أحمد كريم")
# or a family name ending in -i ("الهاشمي", "بارزانی"), and not a function word, a
# platform or a place. A given name alone needs a cue: a word before it ("with",
# "about", "to", "from", "Mr", "brother", "his name is", "ask"), a preposition written
# onto it ("لكاوه": to Kawa), or a word after it ("said"; Pashto and Farsi
# postpositions). The value keeps the script (the spelling in the source is the
# evidence); a Latin transliteration is in ``extra["latin"]`` (ICU through
# ``normality``, which followthemoney already needs) for display and for
# transliteration-aware resolution.

# Each name is written once; _ar_spellings adds its other spellings. Names that are
# also everyday words ("امید" hope, "ژیان" life, "باران" rain) are left out: after a
# cue word they would be read as people.
_AR_GIVEN = (
    # Arabic
    "محمد محمّد أحمد محمود مصطفى علي عمر عثمان خالد حسن حسين كريم يوسف إبراهيم عبدالله عبدالرحمن "
    "عبدالعزيز عبدالكريم عبدالقادر عبد سعيد سامي سمير رامي فادي جمال كمال طارق ماجد مجيد ناصر نبيل وليد "
    "هاني زياد زيد صالح سالم سليمان إسماعيل يونس عادل عماد فراس باسم بسام رشيد حميد جاسم قاسم هشام أيمن "
    "أنس بلال حمزة ياسر ياسين مراد نادر نزار فيصل فهد شادي رضا مهدي حيدر عباس جعفر منصور مازن وائل وسام "
    "أسامة أكرم أشرف أمجد أنور بشار بكر جلال حازم حاتم حسام خليل رائد رياض زكريا سامر سعد سلمان شريف صلاح "
    "ضياء طلال عاطف عامر عدنان عزيز علاء عمار غسان فؤاد فواز قصي لؤي ليث ماهر محسن مرتضى مروان معاذ مؤيد "
    "مهند نضال نعيم هيثم وسيم يحيى يزن يعقوب سجاد كاظم مصعب إدريس موسى عيسى هارون رحيم رحمن نور "
    "فاطمة مريم عائشة زينب سارة ليلى آمنة هدى رنا سلمى سميرة هبة دينا لينا منى نادية ياسمين خديجة زهراء "
    # Kurdish (Sorani)
    "کاوە ئازاد ڕێباز ريباز شوان هێمن دلشاد ئارام آرام سۆران سوران کاروان کارزان هاوکار هێوا ئاسۆ ڕێبوار "
    "ڕێبین سەنگەر سامان سەربەست شاهۆ هۆگر هەردی دیلان زانا زانیار بەختیار بێستون بریار گۆران نەوزاد ڕەوەند "
    "سیروان شۆڕش برایم کامەران ڕێکان سەردار سەرکەوت شێرکۆ کۆسرەت مەریوان نەباز پێشەوا ئاکام ئاوات بارزان "
    "بەهۆز دارا دلێر هەژار جوتیار کۆچەر لاوین میران نێچیرڤان ڕزگار سالار زمناکۆ دلدار تەوانا ژیوار زریان "
    "ئاری بەریڤان هێلین ڕۆژین شیلان تاڤگە ژیلا ژینۆ نازدار هانا "
    # Farsi, Dari and Pashto
    "علیرضا آرش بابک بهرام بهزاد بیژن داریوش داوود احسان فرهاد فرشاد فرزاد حمیدرضا هومن کامران کیوان "
    "کوروش مهران مهرداد میثم میلاد محمدرضا نیما پرویز پدرام پیمان پویا رامین سیامک سینا سروش وحید "
    "مینا نسرین پریسا رویا شیرین اجمل اسدالله بریالی حمیدالله حکمت جاوید لطیف مسعود میرویس نوید قیس "
    "شفیق شعیب سهیل زلمی ضیا گلاب ظریف ملالی پلوشه نجیب"
)
#: letters with other spellings on Arabic, Persian and Kurdish keyboards (and by
#: writers who drop the hamza): a word is also listed with each swapped throughout
_AR_LETTERS = (("ي", "ی"), ("ی", "ي"), ("ى", "ی"), ("ك", "ک"), ("ک", "ك"), ("ە", "ه"), ("ة", "ه"),
               ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ڕ", "ر"), ("ێ", "ی"), ("ۆ", "و"))


def _ar_spellings(words: str) -> list[str]:
    """The words with every combination of their letters' other spellings."""
    out: set[str] = set()
    for word in words.split():
        forms = {word}
        for a, b in _AR_LETTERS:
            forms |= {f.replace(a, b) for f in forms if a in f}
        out |= forms
    return sorted(out)


_AR_NAMES = frozenset(_ar_spellings(_AR_GIVEN))
#: cue words after a name: "said" (Arabic, Kurdish, Farsi), Pashto postpositions
#: "to" / "with" ("زلمي ته" to Zalmai), the Farsi object marker ("آرش را" Arash)
_AR_AFTER_WORDS = "قال قالت يقول بيقول وتی گوتی دەڵێ دەڵێت گفت میگه ته سره را"
_AR_STOP = frozenset(
    _ar_spellings(
        # platforms, contact words, prepositions, pronouns, prices, currencies, places
        "واتساب واتس تلغرام تيليجرام تلیگرام سناب انستغرام فيسبوك رقم رقمه هاتف موبايل على في من إلى الى "
        "عبر مع عن السعر سعر و أو او هو هي أن ان الذي التي كل بعد قبل عند يورو دولار جنيه باوند دينار تومان "
        "ليرة رحلة آمنة امنة بريطانيا لندن فرنسا تواصل اتصل واتصل للتواصل اسأل واسأل كلم شكرا اليوم غدا هنا "
        # Kurdish and Farsi: number, contact, price, trip, for, from, to, with, and, that, this
        "ژمارە پەیوەندی نرخ گەشت بۆ لە بە لەگەڵ کە ئەو شماره تماس قیمت سفر به با از برای که این "
        + _AR_AFTER_WORDS
    )
)


def _ar_alternation(words: str) -> str:
    return "|".join(re.escape(w) for w in sorted(_ar_spellings(words), key=len, reverse=True))


_AR_CUE = re.compile(
    # with, about, to, from, Mr, brother, his name is, haji, sheikh, ask, talk to (Arabic);
    # to, from, with, Mr, teacher, haji, his name (Kurdish); to, with, from, Mr, sir (Farsi)
    r"(?<![\u0600-\u06ff])(?:"
    + _ar_alternation(
        "مع عن إلى الى من السيد الأخ أخوي اسمه اسمو كاك كاكا كاكه الحاج الشيخ اسأل واسأل كلم وكلم "
        "بە لە بۆ لەگەڵ کاکە مامۆستا حاجی ناوی به با از آقای آقا جناب اسمش له"
    )
    + r")[ \t]+$"
)
_AR_AFTER = re.compile(r"[ \t]+(?:" + _ar_alternation(_AR_AFTER_WORDS) + r")(?![\u0600-\u06ff])")
_AR_WORD_AFTER = re.compile(r"[ \t]+([\u0621-\u064a\u0671-\u06d3\u06d5]+)")
#: prepositions written onto the next word: to/for, with/by, and
_AR_JOINED = "لبو"


def _ar_name_part(word: str) -> bool:
    """Whether ``word`` can continue a name in Arabic script (see above)."""
    return word in _AR_NAMES or (len(word) >= 5 and word[-1] in "يی" and word not in _AR_STOP)


def _not_arabic(ch: str) -> bool:
    return not ("\u0600" <= ch <= "\u06ff")


def _ar_right(low: str, end: int) -> bool:
    return _not_arabic(low[end : end + 1])


keywords.register("given_ar", sorted(_AR_NAMES), _not_arabic, _ar_right)
# the same names right after a one-letter preposition ("لكاوه"); the letter's own
# left boundary is checked in arabic_script
keywords.register("given_ar_joined", sorted(_AR_NAMES), lambda ch: ch != "" and ch in _AR_JOINED, _ar_right)


@lru_cache(maxsize=4096)
def latin_of(name: str) -> str:
    """Latin transliteration of a name in another script ("أحمد كريم" -> "Ahmd Krym")."""
    from normality import ascii_text

    return nice_name((ascii_text(name) or "").split())


def arabic_script(text: str, places: frozenset[str]) -> list[Candidate]:
    """Person candidates for names written in Arabic script. O(hits) after the keyword scan."""
    out: list[Candidate] = []
    ti = keywords.index(text)
    hits = [(s, e, False) for s, e, _w in ti.hits("given_ar")]
    for s, e, _w in ti.hits("given_ar_joined"):
        # the preposition starts its word, and with it the word is not a name itself
        # ("وليد" is Walid, not "and Lid")
        if (s < 2 or _not_arabic(text[s - 2])) and text[s - 1 : e] not in _AR_NAMES:
            hits.append((s, e, True))
    hits.sort()
    last = 0
    for s, e, joined in hits:
        if s < last:
            continue  # a name inside the previous one ("محمد علي حسن")
        end = e
        for _ in range(3):
            m = _AR_WORD_AFTER.match(text, end)
            if m is None or not _ar_name_part(m.group(1)) or m.group(1) in places:
                break
            end = m.end()
        if (
            end == e
            and not joined
            and _AR_CUE.search(text, max(0, s - 14), s) is None
            and _AR_AFTER.match(text, e) is None
        ):
            continue
        name = " ".join(text[s:end].split())
        out.append(Candidate(s, end, "person", name, {"form": "arabic-script", "latin": latin_of(name)}))
        last = end
    return out
