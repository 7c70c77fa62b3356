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

from crosslink.extract import keywords
from crosslink.extract._base import Candidate, window_before
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
# Anchored on the domain (from the shared keyword scan); the optional scheme and
# "www." before it are read back, the user name is read after it.
keywords.register("url_domain", sorted(_DOMAINS), lambda c: c == "" or (keywords.not_word(c) and c not in "@-"))
URL_USER = re.compile(r"/?(?P<user>@?[A-Za-z0-9_][A-Za-z0-9_.+]{1,63})")
_SCHEME_RE = re.compile(r"(?:https?://)?(?:www\.)?$")
AT_RE = re.compile(r"(?<![\w.@/])@(?P<user>[A-Za-z_][A-Za-z0-9_.]{2,31})")
# e-mails are found from their '@' (str.find is C-fast), reading the local part back
_LOCAL_BACK = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}$")
_DOMAIN = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])")
_OBF_GATE = re.compile(r"[\[({][ \t]*at[ \t]*[\])}]")
_PLATFORM_WORDS = (
    "snap|snapchat|sc|insta|instagram|ig|telegram|tg|tiktok|tik tok|facebook|fb|signal|viber|wickr|"
    "wickr me|threema|twitter|kik|skype|wechat|discord|youtube|"
    # the platforms in Arabic script (Arabic, Kurdish, Farsi chat): Snapchat, Instagram,
    # Telegram, TikTok, Facebook
    "سناب|سناب شات|سنابشات|انستا|انستغرام|انستقرام|اینستا|اینستاگرام|تلغرام|تلگرام|تيك توك|تیک تاک|فيسبوك|فیسبوک"
).split("|")
keywords.register("platform", _PLATFORM_WORDS, keywords.not_word)
LABEL_TAIL = re.compile(
    r"(?:[ \t]+(?:id|name|handle|user(?:name)?|account|acc))?[ \t]*(?:[:=]|-(?!\w))[ \t]*"
    # (Snapchat names may hold a hyphen: "SC: kurd-taxi" is one name, not "kurd")
    r"(?P<user>@?[A-Za-z_](?:[A-Za-z0-9_.]|-(?=[A-Za-z0-9_])){2,31})",
    re.IGNORECASE,
)
# "Snapchat kw_travels": without ':' only a token that cannot be an ordinary word
# (it has '_', an inner '.', or a digit) is read as the user name
# (also after a few connecting words: "his tiktok is smuggler_king", "on insta as dilan.uk",
# "snap name kurd_taxi", quoted or in brackets, and before a full stop ending the sentence)
LABEL_TAIL_BARE = re.compile(
    r"(?:[ \t]+(?i:is|was|as|called|named|account|acc|handle|name|user(?:name)?|id|profile|page|add|me)(?![\w]))"
    r"{0,3}(?:[ \t]+[(\"'“‘]?|[ \t]*[(\"'“‘])"
    r"(?P<user>@?[A-Za-z_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])(?![\w@/:-]|\.\w)"
)
_HANDLE_LIKE = re.compile(r"[_\d]|\.\w")
# "kurd_taxi on snap", "dilan.uk (insta)": a handle-like token before the platform word
HANDLE_BEFORE = re.compile(
    r"(?<![\w@./:+-])(?P<user>[A-Za-z_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])[ \t]+(?:on|via|\(|at)[ \t]*$"
)
_PLAT = {
    "snap": "snapchat", "snapchat": "snapchat", "sc": "snapchat", "insta": "instagram", "instagram": "instagram",
    "ig": "instagram", "telegram": "telegram", "tg": "telegram", "tiktok": "tiktok", "tik tok": "tiktok",
    "facebook": "facebook", "fb": "facebook", "signal": "signal", "viber": "viber", "wickr": "wickr",
    "wickr me": "wickr", "threema": "threema", "twitter": "twitter", "kik": "kik", "skype": "skype",
    "line": "line", "wechat": "wechat", "imo": "imo", "discord": "discord", "youtube": "youtube",
    **dict.fromkeys(("سناب", "سناب شات", "سنابشات"), "snapchat"),
    **dict.fromkeys(("انستا", "انستغرام", "انستقرام", "اینستا", "اینستاگرام"), "instagram"),
    **dict.fromkeys(("تلغرام", "تلگرام"), "telegram"), **dict.fromkeys(("تيك توك", "تیک تاک"), "tiktok"),
    **dict.fromkeys(("فيسبوك", "فیسبوک"), "facebook"),
}
_PLATFORM_NEAR = re.compile(
    r"(?<![a-z])(snap(?:chat)?|insta(?:gram)?|ig|telegram|tg|tik ?tok|facebook|fb|twitter|signal|kik)(?![a-z])"
)
_ON_PLATFORM = re.compile(
    r"[ \t]+(?:on|via|from|\()[ \t]*(snap(?:chat)?|insta(?:gram)?|ig|telegram|tg|tik ?tok|facebook|fb|twitter|signal|kik)(?![a-z])"
)
# URL path words that are pages, not users
_NOT_USERS = frozenset({"p", "reel", "reels", "groups", "share", "watch", "joinchat", "s", "c", "video", "explore",
                        "pages", "profile.php", "hashtag", "search", "home", "login", "status"})


def find(text: str, hint: str | None) -> list[Candidate]:
    """E-mail, handle and profile-URL candidates. O(len(text)) regex scans."""
    out: list[Candidate] = []
    kw = keywords.index(text)
    low = kw.low
    ats = []
    at = text.find("@")
    while at >= 0:
        ats.append(at)
        at = text.find("@", at + 1)
    emails_at = set()
    for at in ats:
        dm = _DOMAIN.match(text, at)
        lm = _LOCAL_BACK.search(text, max(0, at - 64), at) if dm is not None else None
        if dm is not None and lm is not None:
            emails_at.add(at)
            out.append(Candidate(lm.start(), dm.end(), "email", text[lm.start() : dm.end()].lower()))
    obf: list[re.Match[str]] = []
    for g in _OBF_GATE.finditer(low):
        om = OBFUSCATED_EMAIL_RE.search(text, max(0, g.start() - 65), min(len(text), g.end() + 120))
        if om is not None and (not obf or om.start() >= obf[-1].end()):
            obf.append(om)
    for m in obf:
        dom = re.sub(r"[ \t]*[\[(\{][ \t]*dot[ \t]*[\])\}][ \t]*", ".", m.group("dom"), flags=re.IGNORECASE)
        out.append(Candidate(m.start(), m.end(), "email", f"{m.group('local')}@{dom}".lower(), {"obfuscated": True}))
    for d_start, d_end, dom in kw.hits("url_domain"):
        m = URL_USER.match(low, d_end)  # type: ignore[assignment]
        if m is None:
            continue
        plat = _DOMAINS[dom]
        pre = _SCHEME_RE.search(low, max(0, d_start - 12), d_start)
        start = pre.start() if pre is not None else d_start
        raw_user = text[m.start("user") : m.end("user")]
        user = raw_user.rstrip(".").lstrip("@")
        end = m.start("user") + len(raw_user.rstrip("."))
        if plat == "whatsapp":
            val = normalise_phone("+" + user, (hint or "GB").upper()) if user.isdigit() else None
            if val is not None:
                out.append(Candidate(m.start("user"), end, "phone", val, {"via": "wa.me"}, boost=2))
            continue
        if user.lower() in _NOT_USERS:
            continue
        out.append(Candidate(start, end, "handle", user.lower(), {"platform": plat, "url": True}))
    for ks, ke, word in kw.hits("platform"):
        b = (HANDLE_BEFORE.search(text, max(0, ks - 40), ks)
             if low[max(0, ks - 6) : ks].rstrip(" \t").endswith((" on", " via", "(", " at")) else None)
        if b is not None and _HANDLE_LIKE.search(b.group("user")) is not None and not b.group("user").isdigit():
            raw = b.group("user").rstrip(".")
            out.append(Candidate(b.start("user"), b.start("user") + len(raw), "handle", raw.lower(),
                                 {"platform": _PLAT[word]}))
        m = LABEL_TAIL.match(text, ke)  # type: ignore[assignment]
        if m is None:
            m = LABEL_TAIL_BARE.match(text, ke)
            if m is None or _HANDLE_LIKE.search(m.group("user")) is None:
                continue
        plat = _PLAT[word]
        raw = m.group("user").rstrip(".")
        s = m.start("user")
        out.append(Candidate(s, s + len(raw), "handle", raw.lstrip("@").lower(), {"platform": plat}, boost=1))
    for at in ats:
        if at in emails_at:
            continue
        m = AT_RE.match(text, at)  # type: ignore[assignment]
        if m is None or (at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_.@/")):
            continue
        user = m.group("user").rstrip(".")
        near = _PLATFORM_NEAR.findall(window_before(text, m.start(), 30))
        if not near:
            # "@boat_man on Telegram"
            after = _ON_PLATFORM.match(low, m.start() + 1 + len(user))
            near = [after.group(1)] if after else []
        at_plat = _PLAT.get(near[-1].replace("  ", " ")) if near else None
        value = user.lower()
        out.append(Candidate(m.start(), m.start() + 1 + len(user), "handle", value, {"platform": at_plat} if at_plat else {}))
    return out
