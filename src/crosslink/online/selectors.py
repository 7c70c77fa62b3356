"""Phones, handles and links in a post, in the forms a platform and the network use.

Values (what the referral, the network and the scorer compare):

- ``phone``: E.164. Arabic-Indic, Persian, full-width and keycap digits are read
  (:func:`crosslink.online.text.normalise`); a ``wa.me`` link gives the phone too.
- ``handle``: the user name without ``@``, lower-case, with the platform when the
  post or link says it.
- ``url``: with its scheme (``https://`` added when the post has none), host in
  lower case, trailing punctuation removed; the path is kept as written.

Phones and handles are read by :mod:`crosslink.extract` (the same readers the
intelligence pipeline uses, so a number in an advert has the same value as in a
seized handset); this module adds what adverts need beyond reports: links, the
names of platforms in other scripts ("تلگرام: safar_uk"), North-American numbers
written without +1, and international numbers that are possible but not valid.

**Possible but not valid.** ``phonenumbers`` calls a number *valid* only when its
range is allocated. Reserved ranges (Ofcom's 07700 900xxx for drama) and ranges
allocated after the metadata was published are *possible* (right length for the
country) but not valid. Triage keeps such a number when it is written in
international form (``+``/``00`` or a ``wa.me`` link), where the digits can only be
a phone, and marks it ``valid: false`` so the analyst sees it: dropping the contact
number of an advert because a table does not list its range loses the lead. A
national-format number (no country code) must be valid for the hint region (GB by
default), or one of the reserved drama ranges, because bare digit runs in posts are
as often prices, dates or counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers

from crosslink.extract import handles as handle_reader
from crosslink.extract import phones as phone_reader
from crosslink.extract._base import OCR_DIGITS
from crosslink.online.text import normalise

__all__ = ["Selector", "find_selectors", "normalise_url"]


@dataclass(frozen=True, slots=True)
class Selector:
    type: str  # phone | handle | url | email
    value: str
    platform: str | None = None
    valid: bool = True

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "value": self.value}
        if self.platform:
            out["platform"] = self.platform
        if not self.valid:
            out["valid"] = False
        return out


# Top-level domains a bare "name.tld" link may end in (without a scheme or www. a
# dotted word is only a link when its last label is one of these: "U.K." and
# "hotel.London" are not links).
_TLDS = (
    "com|org|net|info|biz|io|me|co|uk|fr|tr|al|de|nl|be|it|es|gr|ru|ir|af|iq|sy|eg|ly|ma|tn|dz|"
    "er|et|vn|eu|us|ca|au|app|online|site|xyz|top|shop|travel|agency|ws|tv|ly|link|page|example|test|"
    # link-in-bio and shortener hosts (linktr.ee, goo.gl, beacons.ai, lnk.bio) and more
    # country and generic domains adverts use
    # (not ones that are short words in the posts' languages: Albanian "sa", "jo"...)
    "ee|gl|ai|bio|gg|cc|pk|pl|ro|dk|ie|rs|mk|ae|qa|lb|sd|ng|"
    "club|live|store|pro|cloud|website|space|tech|news|world|life"
)
URL_RE = re.compile(
    r"(?<![\w@.\-/])"
    r"(?P<url>(?:(?P<scheme>https?)://)?(?P<host>(?:[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?\.)+"
    r"(?P<tld>[a-z]{2,24}))(?P<path>[/?#][^\s<>\"'«»“”،؛።፣፤]*)?)",
    re.IGNORECASE,
)
_BARE_TLD = re.compile(rf"(?:{_TLDS})", re.IGNORECASE)
# trailing punctuation, Latin, Arabic (، ؛ ؟) and Ethiopic (። ፣ ፤ ፥ ፦ ፧)
_TRAILING = ".,;:!?)]}'\"»”’…،؛؟።፣፤፥፦፧"
_URL_HANDLE_HOSTS = {
    "t.me": "telegram", "telegram.me": "telegram", "instagram.com": "instagram",
    "facebook.com": "facebook", "fb.com": "facebook", "m.facebook.com": "facebook",
    "tiktok.com": "tiktok", "twitter.com": "twitter", "x.com": "twitter", "youtube.com": "youtube",
    "snapchat.com": "snapchat",
}
_PATH_NOT_USER = frozenset({
    "p", "reel", "reels", "groups", "share", "watch", "joinchat", "s", "c", "video", "explore",
    "pages", "profile.php", "hashtag", "search", "home", "login", "status", "add", "channel",
    "stories", "events", "story.php", "permalink.php", "photo.php", "shorts", "live",
})

# Platform names in the scripts of the posts, then ":" or a space and a Latin user
# name ("تلگرام: safar_uk", "ቴሌግራም @safar_uk"). Latin names are read by
# crosslink.extract.handles already.
_PLATFORM_NAMES = {
    "telegram": "تێلێگرام|ټیلیګرام|تلگرام|تلغرام|تيليجرام|تيليغرام|تليجرام|تليغرام|تێلێگرام|تیلیگرام|ټیلیګرام|ቴሌግራም|telegrami|telegramê|telgram",
    "instagram": "انسټاګرام|انستغرام|انستقرام|انستا|اینستاگرام|اینستا|ئینستاگرام|ኢንስታግራም|instagrami",
    "snapchat": "سناب شات|سناپ چات|سنپ چټ|سنپ چت|اسنپ چت|سناب|سناپ|ስናፕቻት",
    "tiktok": "تيك توك|تيكتوك|تیک تاک|تیکتاک|تیکتۆک|ቲክቶክ",
    "facebook": "فيسبوك|فیسبوک|فەیسبووک|ፌስቡክ",
    "signal": "سيجنال|سیگنال",
}
# Latin names too: crosslink.extract.handles does not take "Snapchat king_boat." at
# the end of a sentence. Without a ':' the user name must look like one (has '_',
# a digit or an inner '.'), so "Telegram or WhatsApp" is not a handle.
_LATIN_PLATFORMS = {
    "telegram": "telegram|télégram|telegrami|tele|tg", "instagram": "instagram|insta|ig", "snapchat": "snapchat|snap",
    "tiktok": "tiktok|tik tok", "facebook": "facebook|fb", "signal": "signal",
}
_PLATFORM_RE = re.compile(
    "(?<![\\w@/.])(?P<word>" + "|".join(sorted((w for t in (_PLATFORM_NAMES, _LATIN_PLATFORMS) for ws in t.values()
                                            for w in ws.split("|")), key=len, reverse=True))
    + r")(?:\s*(?P<colon>[:：])\s*|\s+)(?P<at>@?)(?P<user>[A-Za-z_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])(?![\w@/])",
    re.IGNORECASE,
)
# a short-link host followed by its path: the start of a link, never a user name
_LINK_HOST = re.compile(r"(?:wa\.me|t\.me|telegram\.me|m\.me|vm\.tiktok\.com)/", re.IGNORECASE)
_HANDLE_LIKE = re.compile(r"[_\d]|\.\w")
_PLATFORM_OF = {w: p for table in (_PLATFORM_NAMES, _LATIN_PLATFORMS) for p, words in table.items()
                for w in words.split("|")}

# International numbers (+ or 00, then up to 15 digits in groups), to catch the
# possible-but-not-valid ones crosslink.extract.phones leaves out.
# Ofcom's drama range: reserved, so not valid to phonenumbers, but a phone all the same
_DRAMA = re.compile(r"^\+447700900\d{3}$")
_INTL_RE = re.compile(r"(?<![\w+])(?:\+|00)[ \t]?[1-9](?:[ \t.\-]?\(?\d\)?){6,14}(?!\d)")
# North-American numbers written without +1: (212) 555-0147, 212-555-0147, 212.555.0147
_NANP_RE = re.compile(r"(?<![\d+])(?:\(\s?[2-9]\d\d\s?\)\s?|[2-9]\d\d[\-. ])[2-9]\d\d[\-. ]\d{4}(?!\d)")


def normalise_url(raw: str) -> str | None:
    """The scored form of a link: scheme, lower-case host, no trailing punctuation."""
    raw = raw.rstrip(_TRAILING)
    m = URL_RE.fullmatch(raw)
    if m is None:
        return None
    scheme = (m.group("scheme") or "https").lower()
    host = m.group("host").lower()
    path = (m.group("path") or "").rstrip(_TRAILING)
    return f"{scheme}://{host}{path}"


def _urls(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, Selector, Selector | None]]:
    """Links, each with the handle its path names on a profile site. ``taken`` are the
    spans of handles and e-mails: a bare "safar.uk" inside one is not a link."""
    out: list[tuple[int, Selector, Selector | None]] = []
    for m in URL_RE.finditer(text):
        host = m.group("host").lower()
        if m.group("scheme") is None and not host.startswith("www."):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            bare = host.removeprefix("m.")
            if bare not in _URL_HANDLE_HOSTS and bare != "wa.me" and not _BARE_TLD.fullmatch(m.group("tld")):
                continue
            if "." not in m.group("url").rstrip(_TRAILING):
                continue
        value = normalise_url(m.group("url"))
        if value is None:
            continue
        handle = None
        site = host.removeprefix("www.")
        platform = _URL_HANDLE_HOSTS.get(site)
        path = (m.group("path") or "").rstrip(_TRAILING)
        if platform and path.startswith("/"):
            user = path[1:].split("/", 1)[0].split("?", 1)[0].lstrip("@").rstrip(".")
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.]{1,63}", user) and user.lower() not in _PATH_NOT_USER:
                handle = Selector("handle", user.lower(), platform)
        out.append((m.start(), Selector("url", value, platform), handle))
    return out


def _possible_international(text: str, seen: set[str]) -> list[Selector]:
    out = []
    for m in _INTL_RE.finditer(text):
        digits = re.sub(r"[^\d]", "", m.group())
        raw = "+" + (digits[2:] if m.group().startswith("00") else digits)
        try:
            num = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            continue
        e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        if e164 in seen or not phonenumbers.is_possible_number(num):
            continue
        seen.add(e164)
        out.append(Selector("phone", e164, valid=phonenumbers.is_valid_number(num) or bool(_DRAMA.match(e164))))
    return out


def _nanp(text: str, seen: set[str]) -> list[Selector]:
    out = []
    for m in _NANP_RE.finditer(text):
        try:
            num = phonenumbers.parse(m.group(), "US")
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(num):
            continue
        e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in seen:
            seen.add(e164)
            out.append(Selector("phone", e164))
    return out


def find_selectors(text: str, country_hint: str | None = None, *, normalised: bool = False) -> list[Selector]:
    """Every phone, handle, link and e-mail in ``text``, each value once, in order of
    first appearance. The text is :func:`~crosslink.online.text.normalise`-d first
    (Arabic-Indic and Persian digits read as digits) unless the caller says it already
    is. O(len(text)) scans plus one ``phonenumbers`` parse per phone-shaped run
    (cached by the extract readers)."""
    if not normalised:
        text = normalise(text)
    found: list[tuple[int, Selector]] = []
    seen: set[tuple[str, str]] = set()

    def add(at: int, sel: Selector) -> None:
        key = (sel.type, sel.value)
        if key not in seen:
            seen.add(key)
            found.append((at, sel))

    for c in phone_reader.find(text, country_hint):
        add(c.start, Selector("phone", c.value))
    # The intelligence reader drops a number after a label that says it is something
    # else ("visa", "passport", "account"): right for logs, wrong for adverts whose
    # handles are "visa_travel" or that sell passports next to the contact number.
    region = (country_hint or "GB").upper()
    for m in phone_reader.PHONE_RE.finditer(text):
        raw = re.sub(r"[^\d+]", "", m.group().translate(OCR_DIGITS))
        value = phone_reader.normalise_phone(raw, region) if len(raw) >= 7 else None
        if value is not None:
            add(m.start(), Selector("phone", value))
    taken: list[tuple[int, int]] = []
    for c in handle_reader.find(text, country_hint):
        if c.type == "phone":
            add(c.start, Selector("phone", c.value))
        elif c.type == "handle":
            if _LINK_HOST.match(text, c.start):
                continue  # "Viber: wa.me/4477..." is a link (read below), not a user "wa.me"
            add(c.start, Selector("handle", c.value, c.extra.get("platform")))
            if not c.extra.get("url"):
                taken.append((c.start, c.end))
        elif c.type == "email":
            add(c.start, Selector("email", c.value))
            taken.append((c.start, c.end))
    pos = 0
    while (pm := _PLATFORM_RE.search(text, pos)) is not None:
        user = pm.group("user")
        # "Telegram tele: safar_uk": when the word after a platform name is not a
        # user name, it may be the next label, so the search resumes there
        pos = pm.start("user") if not (pm.group("colon") or pm.group("at") or _HANDLE_LIKE.search(user)) else pm.end()
        if pos != pm.end():
            continue
        add(pm.start("user"), Selector("handle", user.lower(), _PLATFORM_OF[pm.group("word").lower().replace("i\u0307", "i")]))
        taken.append((pm.start("user"), pm.end("user")))
    for at, url, handle in _urls(text, taken):
        add(at, url)
        if handle is not None:
            add(at, handle)
    phones = {s.value for _, s in found if s.type == "phone"}
    for sel in _possible_international(text, phones) + _nanp(text, phones):
        add(len(text), sel)
    found.sort(key=lambda pair: pair[0])
    # a handle already known with its platform is not repeated without one
    platforms = {s.value: s.platform for _, s in found if s.type == "handle" and s.platform}
    out: list[Selector] = []
    for _, sel in found:
        if sel.type == "handle" and sel.platform is None and sel.value in platforms:
            sel = Selector("handle", sel.value, platforms[sel.value])
        out.append(sel)
    # the same handle with two platforms stays twice only if both were said
    uniq: dict[tuple[str, str], Selector] = {}
    for sel in out:
        uniq.setdefault((sel.type, sel.value), sel)
    return list(uniq.values())
