"""Amounts of money, normalised to ``"<amount> <ISO 4217 code>"``.

"3k euros" -> "3000 EUR", "£2,500" -> "2500 GBP", "1.500,00 €" -> "1500 EUR",
"5 grand" -> "5000 GBP". A bare number is never money: a currency sign, code or
word must be attached. Tether (USDT) is not ISO 4217 but is how smuggling fees
are paid, so it is kept with its ticker.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crosslink.extract._base import Candidate

__all__ = ["find", "parse_amount"]

_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "US$": "USD", "₺": "TRY"}
_WORDS = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "sterling": "GBP", "gbp": "GBP", "dollar": "USD", "dollars": "USD", "usd": "USD", "usdt": "USDT",
    "tether": "USDT", "lira": "TRY", "liras": "TRY", "try": "TRY", "lek": "ALL", "leke": "ALL",
    "dinar": "IQD", "dinars": "IQD", "iqd": "IQD", "toman": "IRR", "tomans": "IRR", "rial": "IRR",
    "rials": "IRR", "irr": "IRR", "afghani": "AFN", "afghanis": "AFN", "afn": "AFN", "chf": "CHF",
    "francs": "CHF", "dong": "VND", "vnd": "VND", "nakfa": "ERN", "ern": "ERN", "sdg": "SDG",
    "aed": "AED", "dirham": "AED", "dirhams": "AED", "pln": "PLN", "zloty": "PLN", "ron": "RON",
    "grand": "GBP", "btc": "BTC",
}
_MULT = {"k": 1000, "K": 1000, "thousand": 1000, "grand": 1000, "m": 1_000_000, "M": 1_000_000,
         "mil": 1_000_000, "million": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}

# The number starts with one character class (re then skips ahead in C); the
# currency is a suffix in the pattern or a prefix read back from the text before it.
_NUM = r"(?P<num>\d(?<![\w.,]\d)(?:\d{0,2}(?:[,. ]\d{3})+(?:[.,]\d{1,2})?|\d*(?:[.,]\d{1,2})?))"
_MULT_RE = r"(?:[ \t]?(?P<mult>k|K|thousand|m|M|mil|million|mn|bn|billion)(?![A-Za-z]))?"
_WORD_ALT = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
MONEY_RE = re.compile(
    _NUM + _MULT_RE
    + r"(?:[ \t]?(?:(?P<sym3>[£€$₺])|(?P<word>(?i:" + _WORD_ALT + r"))(?![A-Za-z])))?(?![\w]|[.,]\d)"
)
_PREFIX_RE = re.compile(
    r"(?:(?P<sym>US\$|[£€$₺])|(?<![A-Za-z])(?P<code>(?i:gbp|eur|usd|usdt|try|iqd|irr|afn|chf|aed|pln|ron|all|vnd|ern|sdg)))[ \t]?$"
)


def parse_amount(num: str, mult: str | None = None) -> Decimal | None:
    """Decimal value of a written amount, deciding thousands vs decimal separators.

    Both ``,`` and ``.`` present: the last is the decimal mark. One kind present and
    followed by exactly three digits (possibly repeated): thousands. Else decimal.
    """
    s = num.replace(" ", "")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        if len(parts) > 2 or (len(parts[-1]) == 3 and not mult):
            s = "".join(parts)
        else:
            s = parts[0] + "." + parts[1] if len(parts) == 2 else s
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    if mult:
        value *= _MULT[mult]
    return value


def _fmt(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def find(text: str, hint: str | None) -> list[Candidate]:
    """Money candidates. One O(len(text)) regex scan."""
    out = []
    for m in _scan(text):
        g = m.groupdict()
        num, mult = g["num"], g["mult"]
        start = m.start()
        cur = None
        pre = _PREFIX_RE.search(text, max(0, start - 5), start)
        if pre is not None:
            if pre.group("sym"):
                cur = _SYMBOLS[pre.group("sym")]
            elif pre.group("code").isupper() or pre.group("code").lower() not in ("try", "all", "ron"):
                cur = pre.group("code").upper()
            if cur is not None:
                start = pre.start()
        if cur is None:
            if g["sym3"]:
                cur = _SYMBOLS[g["sym3"]]
            elif g["word"]:
                word = g["word"].lower()
                if word in ("try", "all", "ron", "dong") and not g["word"].isupper():
                    continue
                if word == "grand":
                    mult = mult or "grand"
                cur = _WORDS[word]
            else:
                continue
        end = m.end()
        if pre is not None and start == pre.start() and not (g["sym3"] or g["word"]):
            end = m.end()
        value = parse_amount(num, mult)
        if value is None or value <= 0:
            continue
        out.append(Candidate(start, end, "money", f"{_fmt(value)} {cur}"))
    return out


def _scan(text: str) -> list[re.Match[str]]:
    return list(MONEY_RE.finditer(text))
