"""Amounts of money, normalised to ``"<amount> <ISO 4217 code>"``.

"3k euros" -> "3000 EUR", "£2,500" -> "2500 GBP", "1.500,00 €" -> "1500 EUR",
"5 grand" -> "5000 GBP". A bare number is never money: a currency sign, code or
word must be attached. Tether (USDT) is not ISO 4217 but is how smuggling fees
are paid, so it is kept with its ticker.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from crosslink.extract import keywords
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
    "grand": "GBP", "btc": "BTC", "us dollars": "USD", "us dollar": "USD", "u.s. dollars": "USD", "tl": "TRY",
    # the currencies as written in the languages of the route: Kurdish and Farsi in Latin
    # letters (yoro, pond, dolar), Albanian (paund, dollarë, lekë), Turkish (avro, sterlin),
    # German, Italian, Polish, Vietnamese (bảng = pound, đồng, đô la), Tigrinya/Amharic
    "yoro": "EUR", "yuro": "EUR", "ewro": "EUR", "avro": "EUR", "pond": "GBP", "ponds": "GBP", "paund": "GBP",
    "pawnd": "GBP", "sterlin": "GBP", "pfund": "GBP", "sterline": "GBP", "funt": "GBP", "funtów": "GBP",
    "funty": "GBP", "dolar": "USD", "dolari": "USD", "dollarë": "USD", "dollare": "USD", "lekë": "ALL",
    "złotych": "PLN", "bảng": "GBP", "bảng anh": "GBP", "đồng": "VND", "đô": "USD", "đô la": "USD",
    "ዩሮ": "EUR", "ዶላር": "USD", "ፓውንድ": "GBP", "ናቕፋ": "ERN",
    # Arabic script (adverts): euro, dollar, pound (باوند is sterling; جنيه alone is
    # the Egyptian/Sudanese pound, so it is not listed), dinar, toman, lira
    "يورو": "EUR", "دولار": "USD", "باوند": "GBP", "استرليني": "GBP", "إسترليني": "GBP", "دينار": "IQD",
    "تومان": "IRR", "ليرة": "TRY",
}
_MULT = {"k": 1000, "K": 1000, "thousand": 1000, "grand": 1000, "m": 1_000_000, "M": 1_000_000,
         "mil": 1_000_000, "million": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
         # thousand / million in Turkish, Farsi and Kurdish, Albanian, Vietnamese
         "bin": 1000, "milyon": 1_000_000, "hezar": 1000, "hazar": 1000, "mijë": 1000, "mije": 1000,
         "nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000, "tỷ": 1_000_000_000}
#: a number word standing alone for the amount (Arabic "alf euro": a thousand euros)
_ALONE = {"alf": 1000, "alfain": 2000, "alfein": 2000}

# A bare number is never money, so the scan is anchored on currencies (signs by a
# regex, codes and words from the shared keyword scan): the number is read after a
# sign or code written before it, or back from a sign or word written after it.
_NUM = r"(?P<num>\d(?<![\w.,]\d)(?:\d{0,2}(?:[,. ]\d{3})+(?:[.,]\d{1,2})?|\d*(?:[.,]\d{1,2})?))"
_MULT_RE = (r"(?:[ \t]?(?P<mult>k|K|thousand|m|M|mil|million|mn|bn|billion|bin|milyon|hezar|hazar|mijë|mije|"
            r"nghìn|ngàn|triệu|tỷ)(?![A-Za-z]))?")
_WORD_ALT = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_SUFFIX = r"[ \t]?(?:(?P<sym3>[£€$₺])|(?P<word>(?i:" + _WORD_ALT.replace(r"\ ", r"[ \t]") + r"))(?![A-Za-z]))"
_END = r"(?![\w]|[.,]\d)"
#: the number after a currency sign or code (a currency after it is optional)
NUMBER_AFTER_RE = re.compile(_NUM + _MULT_RE + "(?:" + _SUFFIX + ")?" + _END)
#: the number (and multiplier) that ends right before a currency sign or word
NUMBER_BEFORE_RE = re.compile(_NUM + _MULT_RE + r"[ \t]?$")
ALONE_BEFORE_RE = re.compile(r"(?<![\w-])(?P<nw>(?i:" + "|".join(_ALONE) + r"))[ \t]$")
_SYMBOL_RE = re.compile(r"[£€$₺]")
_CODES = ("gbp", "eur", "usd", "usdt", "try", "iqd", "irr", "afn", "chf", "aed", "pln", "ron", "all", "vnd", "ern", "sdg",
          "tl")
keywords.register("currency_code", _CODES)
keywords.register("currency_word", list(_WORDS))
_BLANK_DIGIT = re.compile(r"[ \t]?(?=\d)")
_END_RE = re.compile(_END)


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


def _symbols(text: str) -> list[tuple[int, int, str]]:
    if "$" in text or "£" in text or "€" in text or "₺" in text:
        out = []
        for m in _SYMBOL_RE.finditer(text):
            s = m.start()
            if m.group() == "$" and text[s - 2 : s] == "US":
                out.append((s - 2, s + 1, "US$"))
            else:
                out.append((s, s + 1, m.group()))
        return out
    return []


def _prefixed(text: str, symbols: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(currency start, number start, ISO code) for each sign or code written before a number."""
    out = []
    for ss, se, sym in symbols:
        bm = _BLANK_DIGIT.match(text, se)
        if bm is not None:
            out.append((ss, bm.end(), _SYMBOLS[sym]))
    for cs, ce, code in keywords.index(text).hits("currency_code"):
        bm = _BLANK_DIGIT.match(text, ce)
        if bm is None:
            continue
        if text[cs:ce].isupper() or code not in ("try", "all", "ron", "tl"):
            out.append((cs, bm.end(), code.upper()))
    out.sort()
    return out


@lru_cache(maxsize=16384)
def _money_value(num: str, mult: str | None, cur: str) -> str | None:
    """``"<amount> <code>"`` for a written number, or None. Cached: fees repeat."""
    value = parse_amount(num, mult)
    if value is None or value <= 0:
        return None
    return f"{_fmt(value)} {cur}"


def _amount(num: str, mult: str | None, start: int, end: int, cur: str) -> Candidate | None:
    value = _money_value(num, mult, cur)
    return None if value is None else Candidate(start, end, "money", value)


def find(text: str, hint: str | None) -> list[Candidate]:
    """Money candidates: O(len(text)) scans for currencies (signs, codes, words), then
    one anchored regex match per currency for the number next to it."""
    out: list[Candidate] = []
    taken = set()
    symbols = _symbols(text)
    for cs, ns, cur in _prefixed(text, symbols):
        m = NUMBER_AFTER_RE.match(text, ns)
        if m is None or ns in taken:
            continue
        taken.add(ns)
        c = _amount(m.group("num"), m.group("mult"), cs, m.end(), cur)
        if c is not None:
            out.append(c)
    suffixes: list[tuple[int, int, str | None, str | None]] = [(s, e, sym, None) for s, e, sym in symbols if sym != "US$"]
    suffixes += [(s, e, None, w) for s, e, w in keywords.index(text).hits("currency_word")]
    for cs, ce, sym, word in suffixes:
        m = NUMBER_BEFORE_RE.search(text, max(0, cs - 40), cs)
        if m is None:
            a = ALONE_BEFORE_RE.search(text, max(0, cs - 8), cs) if word is not None else None
            if a is not None and word is not None and a.start() not in taken and _END_RE.match(text, ce) is not None:
                taken.add(a.start())
                out.append(Candidate(a.start(), ce, "money", f"{_ALONE[a.group('nw').lower()]} {_WORDS[word]}"))
            continue
        if m.start() in taken or _END_RE.match(text, ce) is None:
            continue
        mult = m.group("mult")
        if sym is not None:
            cur = _SYMBOLS[sym]
        else:
            if word in ("try", "all", "ron", "dong", "tl") and not text[cs:ce].isupper():
                continue
            if word == "grand":
                mult = mult or "grand"
            cur = _WORDS[word]  # type: ignore[index]
        taken.add(m.start())
        c = _amount(m.group("num"), mult, m.start(), ce, cur)
        if c is not None:
            out.append(c)
    return out
