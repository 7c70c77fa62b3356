"""E-mail addresses, social/messaging handles and profile URLs.

Values link across spellings: ``https://t.me/Boat_Man``, ``t.me/boat_man``,
"Telegram: @boat_man" and "@boat_man" are all ``boat_man`` (the lower-cased
username, as FtM's ``UserAccount.username``); the platform, when the text or URL
says it, is in ``extra["platform"]`` (``UserAccount.service``). ``wa.me/<digits>`` links are WhatsApp numbers and are read
as phones. E-mails are lower-cased; "name [at] mail [dot] com" obfuscation is
undone.
"""

from __future__ import annotations

import re

from crosslink.extract._base import Candidate, lowered, trie_regex, window_before
from crosslink.extract.phones import normalise_phone

__all__ = ["find"]

EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])"
)
OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![\w.])(?P<local>[A-Za-z0-9][\w.+-]{0,63})[ \t]*[\[(\{][ \t]*at[ \t]*[\])\}][ \t]*"
    r"(?P<dom>[A-Za-z0-9-]+(?:[ \t]*[\[(\{][ \t]*dot[ \t]*[\])\}][ \t]*[A-Za-z0-9-]+)+)",
    re.IGNORECASE,
)
_DOMAINS = {
    "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram", "instagram.com": "instagram",
    "instagr.am": "instagram", "facebook.com": "facebook", "fb.com": "facebook", "m.facebook.com": "facebook",
    "tiktok.com": "tiktok", "twitter.com": "twitter", "x.com": "twitter", "snapchat.com/add": "snapchat",
    "youtube.com": "youtube", "wa.me": "whatsapp", "api.whatsapp.com/send?phone=": "whatsapp",
    "vk.com": "vk", "linkedin.com/in": "linkedin",
}
URL_RE = re.compile(
    r"(?<![\w.@/])(?:https?://)?(?:www\.)?(?P<dom>"
    + "|".join(re.escape(d) for d in sorted(_DOMAINS, key=len, reverse=True))
    + r")/?(?P<user>@?[A-Za-z0-9_][A-Za-z0-9_.+]{1,63})",
    re.IGNORECASE,
)
AT_RE = re.compile(r"(?<![\w.@/])@(?P<user>[A-Za-z_][A-Za-z0-9_.]{2,31})")
LABEL_RE = re.compile(
    r"(?<![\w])(?P<plat>snap(?:chat)?|sc|insta(?:gram)?|ig|telegram|tg|tik ?tok|facebook|fb|signal|"
    r"viber|wickr(?: me)?|threema|twitter|kik|skype|wechat)"
    r"(?:[ \t]+(?:id|name|handle|user(?:name)?|account|acc))?[ \t]*(?:[:=]|-(?!\w))[ \t]*(?P<user>@?[A-Za-z_][A-Za-z0-9_.]{2,31})",
    re.IGNORECASE,
)
_PLAT = {
    "snap": "snapchat", "snapchat": "snapchat", "sc": "snapchat", "insta": "instagram", "instagram": "instagram",
    "ig": "instagram", "telegram": "telegram", "tg": "telegram", "tiktok": "tiktok", "tik tok": "tiktok",
    "facebook": "facebook", "fb": "facebook", "signal": "signal", "viber": "viber", "wickr": "wickr",
    "wickr me": "wickr", "threema": "threema", "twitter": "twitter", "kik": "kik", "skype": "skype",
    "line": "line", "wechat": "wechat", "imo": "imo",
}
_PLATFORM_NEAR = re.compile(
    r"(?<![a-z])(snap(?:chat)?|insta(?:gram)?|ig|telegram|tg|tik ?tok|facebook|fb|twitter|signal|kik)(?![a-z])"
)
_PLATFORM_ANY = re.compile(trie_regex(list(_PLAT), r"[a-z]") + r"(?![a-z])")
_ON_PLATFORM = re.compile(
    r"[ \t]+(?:on|via|from|\()[ \t]*(snap(?:chat)?|insta(?:gram)?|ig|telegram|tg|tik ?tok|facebook|fb|twitter|signal|kik)(?![a-z])"
)
# URL path words that are pages, not users
_NOT_USERS = frozenset({"p", "reel", "reels", "groups", "share", "watch", "joinchat", "s", "c", "video", "explore",
                        "pages", "profile.php", "hashtag", "search", "home", "login", "status"})


def find(text: str, hint: str | None) -> list[Candidate]:
    """E-mail, handle and profile-URL candidates. O(len(text)) regex scans."""
    out: list[Candidate] = []
    low = lowered(text)
    has_at = "@" in text
    for m in EMAIL_RE.finditer(text) if has_at else ():
        out.append(Candidate(m.start(), m.end(), "email", m.group().lower()))
    obfuscated = "at]" in low or "at)" in low or "at}" in low
    for m in OBFUSCATED_EMAIL_RE.finditer(text) if obfuscated else ():
        dom = re.sub(r"[ \t]*[\[(\{][ \t]*dot[ \t]*[\])\}][ \t]*", ".", m.group("dom"), flags=re.IGNORECASE)
        out.append(Candidate(m.start(), m.end(), "email", f"{m.group('local')}@{dom}".lower(), {"obfuscated": True}))
    for m in URL_RE.finditer(text) if "/" in text else ():
        plat = _DOMAINS[m.group("dom").lower()]
        user = m.group("user").rstrip(".").lstrip("@")
        end = m.start("user") + len(m.group("user").rstrip("."))
        if plat == "whatsapp":
            val = normalise_phone("+" + user, (hint or "GB").upper()) if user.isdigit() else None
            if val is not None:
                out.append(Candidate(m.start("user"), end, "phone", val, {"via": "wa.me"}, boost=2))
            continue
        if user.lower() in _NOT_USERS:
            continue
        out.append(Candidate(m.start(), end, "handle", user.lower(), {"platform": plat, "url": True}))
    for m in LABEL_RE.finditer(text) if _PLATFORM_ANY.search(low) else ():
        plat = _PLAT[re.sub(r"\s+", " ", m.group("plat").lower())]
        raw = m.group("user").rstrip(".")
        s = m.start("user")
        out.append(Candidate(s, s + len(raw), "handle", raw.lstrip("@").lower(), {"platform": plat}, boost=1))
    for m in AT_RE.finditer(text) if has_at else ():
        user = m.group("user").rstrip(".")
        near = _PLATFORM_NEAR.findall(window_before(text, m.start(), 30))
        if not near:
            # "@boat_man on Telegram"
            after = _ON_PLATFORM.match(low, m.start() + 1 + len(user))
            near = [after.group(1)] if after else []
        plat = _PLAT.get(near[-1].replace("  ", " ")) if near else None
        value = user.lower()
        out.append(Candidate(m.start(), m.start() + 1 + len(user), "handle", value, {"platform": plat} if plat else {}))
    return out
