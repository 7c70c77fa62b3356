"""Bank accounts (IBAN), crypto wallets (BTC, TRON/USDT, Ethereum) and handset IMEIs.

Only checksum-valid values are accepted: IBAN mod-97 (python-stdnum), IMEI
Luhn (python-stdnum), Bitcoin base58check and bech32 (python-stdnum), bech32m
and TRON base58check (own code below: python-stdnum's ``bitcoin`` module only
knows the bech32 constant of witness version 0, so taproot ``bc1p`` addresses
fail there, and it has no TRON module; both are a few lines on top of its
base58/bech32 helpers). Ethereum addresses (and ERC-20 USDT, which uses them)
written in mixed case must pass their EIP-55 checksum (Keccak-256 from
pycryptodome; ``hashlib``'s sha3_256 is the standardised SHA-3, a different
padding); all-lower or all-upper addresses carry no checksum and are accepted
on their shape. Their value is lower-case hex, so both spellings link.

Handsets: a 15-digit IMEI must pass Luhn; OCR letters (O for 0, l/I for 1) are
read as digits only after an IMEI label. A 16-digit IMEISV (after an "IMEISV"
label) has no check digit: its value is the IMEI it gives (TAC and serial, plus
the Luhn digit), so it links to the same handset written as an IMEI.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from stdnum import bitcoin, iban, imei, luhn

from crosslink.extract import keywords
from crosslink.extract._base import OCR_DIGITS, Candidate
from crosslink.extract.labels import NOT_AN_ACCOUNT, NUMBER_LABELS

__all__ = ["find", "valid_btc", "valid_tron", "valid_eth"]

# Two letters, two check digits, then 11-30 alphanumerics in optional groups,
# possibly broken across a line. Check digits may carry OCR noise (O/l).
# Groups may be split by up to three blanks, a hyphen or a dot, and a blank may stand
# between the country code and the check digits ("GB 82 WEST-1234 ..."): stdnum's
# check decides, so the looser shape costs no precision.
_IBAN = (r"([A-Z](?<![A-Za-z0-9].)[A-Z][ \t]?[0-9Ol]{2})"
         r"((?:[ \t.-]{0,3}(?:\r?\n[ \t]*)?[A-Z0-9]){11,32})(?![a-z0-9])")
IBAN_RE = re.compile(_IBAN)
#: lower-case IBANs of chat ("gb82 west 1234 ..."), read only where the text says "iban"
IBAN_RE_I = re.compile(_IBAN.replace("(?![a-z0-9])", "(?![A-Za-z0-9])"), re.IGNORECASE)
#: words after which a lower-case IBAN is looked for ("iban gb82 west ...", "acc de89 ...")
_IBAN_WORDS = ("iban", "account", "acct", "acc", "a/c", "konto", "compte", "cuenta", "conto", "rekening",
               "ايبان", "آیبان", "حساب")
keywords.register("iban_word", _IBAN_WORDS, keywords.not_word, lambda low, end: not low[end : end + 1].isalpha(),
                  known=False)
_LOWER_HEAD = re.compile(r"[a-z](?<![A-Za-z0-9].)[a-z][ \t]?[0-9]{2}")
_IBAN_SEPS = str.maketrans("", "", " \t\r\n-.")
# Each pattern starts with one character class, lookbehind after it: re then skips in C.
# Base58 Bitcoin (1..., 3...), bech32 (bc1...) and TRON (T...) addresses are one scan:
# their first characters differ and each is a whole alphanumeric token, so no two
# can start at the same place or inside one another, and one alternation finds
# what three scans found. The group that matched is the kind.
WALLET_RE = re.compile(
    r"[13bBT](?<![A-Za-z0-9].)(?:"
    r"(?P<btc>(?<=[13])[1-9A-HJ-NP-Za-km-z]{25,34})"
    r"|(?P<bech32>(?<=b)c1[02-9ac-hj-np-z]{8,87}|(?<=B)C1[02-9AC-HJ-NP-Z]{8,87})"
    r"|(?P<tron>(?<=T)[1-9A-HJ-NP-Za-km-z]{33}))(?![A-Za-z0-9])"
)
IMEI_RE = re.compile(r"\d(?<![\w+/.-]\d)[\dOlI](?:[ -]?[\dOlI]){12,14}(?![\w/]|[.,-]\d)")
ETH_RE = re.compile(r"0(?<![\w]0)x[0-9a-fA-F]{40}(?![0-9A-Za-z])")

# GSMA reporting-body identifiers seen as the first two IMEI digits. An unlabelled
# 15-digit Luhn-valid number is an IMEI only with one of these (IMSIs start with an
# MCC such as 234 or 208; one in ten random numbers passes Luhn).
_RBI = frozenset({"01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99"})
_BECH32M_CONST = 0x2BC830A3


@lru_cache(maxsize=16384)
def valid_btc(addr: str) -> str | None:
    """Normalised Bitcoin address (bech32 lower-cased) if its checksum holds."""
    if addr[:3].lower() == "bc1":
        addr = addr.lower()
        if bitcoin.is_valid(addr):
            return addr
        # bech32m (BIP 350) for witness versions 1..16
        try:
            data = [bitcoin._bech32_alphabet.index(c) for c in addr[3:]]
        except ValueError:
            return None
        if data and 1 <= data[0] <= 16:
            hrp = [ord(c) >> 5 for c in "bc"] + [0] + [ord(c) & 31 for c in "bc"]
            if bitcoin.bech32_checksum(hrp + data) == _BECH32M_CONST:
                return addr
        return None
    return addr if bitcoin.is_valid(addr) else None


@lru_cache(maxsize=16384)
def valid_tron(addr: str) -> str | None:
    """TRON address if base58check holds and the version byte is 0x41."""
    try:
        raw = bitcoin.b58decode(addr)
    except ValueError:
        return None
    if len(raw) != 25 or raw[0] != 0x41:
        return None
    if hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] != raw[-4:]:
        return None
    return addr


# letters to their mod-97 numbers (A=10 ... Z=35)
_MOD97 = {ord(c): str(i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=10)}


@lru_cache(maxsize=16384)
def _iban_length(head: str, chars: str) -> int:
    """Length of the longest prefix of ``chars`` that completes ``head`` to a valid
    IBAN, or 0. The greedy regex may run into following capitals, hence prefixes.
    A mod-97 test on integers screens each length; python-stdnum confirms
    (country format and length). Cached: the same account is checked once."""
    tail = head.translate(_MOD97)
    for n in range(len(chars), 10, -1):
        if int(chars[:n].translate(_MOD97) + tail) % 97 == 1 and iban.is_valid(head + chars[:n]):
            return n
    return 0


@lru_cache(maxsize=16384)
def valid_eth(addr: str) -> str | None:
    """Lower-case Ethereum address if ``addr`` ("0x" + 40 hex) passes EIP-55 (or has no case to check)."""
    body = addr[2:]
    if body.islower() or body.isupper() or body.isdigit():
        return "0x" + body.lower()
    from Crypto.Hash import keccak

    digest = keccak.new(digest_bits=256, data=body.lower().encode("ascii")).hexdigest()
    for c, h in zip(body, digest, strict=False):
        if c.isalpha() and c.isupper() != (int(h, 16) >= 8):
            return None
    return "0x" + body.lower()


def _nth_alnum_end(body: str, n: int) -> int:
    """Offset just past the ``n``-th alphanumeric character of ``body`` (n >= 1):
    stops there instead of listing every position. O(n + blanks before it)."""
    k = 0
    for i, c in enumerate(body):
        if c.isalnum():
            k += 1
            if k == n:
                return i + 1
    raise IndexError(n)


def _ibans(text: str) -> list[Candidate]:
    out = []
    matches = list(IBAN_RE.finditer(text))
    done = 0
    for _ws, we, _w in keywords.index(text).hits("iban_word"):
        # only the 80 characters after each account word, and only with a lower-case "gb82"
        start, end = max(we, done), min(len(text), we + 80)
        if start < end and _LOWER_HEAD.search(text, start, end) is not None:
            matches += [m for m in IBAN_RE_I.finditer(text, start, end) if not m.group().isupper()]
            done = end
    for m in matches:
        head = m.group(1).replace(" ", "").replace("\t", "").upper()
        head = head[:2] + head[2:].replace("O", "0").replace("L", "1")
        body = m.group(2).upper()
        chars = body.translate(_IBAN_SEPS)
        n = _iban_length(head, chars)
        if not n and ("O" in chars or "I" in chars):
            # OCR: letter O for zero, I for one in a group that holds digits ("2O3O");
            # a group of letters ("BARC") is a bank code and stays as it is
            fixed = "".join(g.translate(OCR_DIGITS) if any(c.isdigit() for c in g) else g for g in body.split())
            if len(fixed) == len(chars) and fixed != chars:
                n = _iban_length(head, fixed)
                chars = fixed if n else chars
        if not n:
            continue
        kind = NUMBER_LABELS.kind(text, m.start())
        if kind in ("crime_ref", "passport", "container"):
            continue
        # the span ends at the n-th alphanumeric of the body (the n-th character
        # when the body has no blanks)
        end = n if len(chars) == len(body) else _nth_alnum_end(body, n)
        out.append(Candidate(m.start(), m.start(2) + end, "iban", head + chars[:n]))
    return out


@lru_cache(maxsize=16384)
def _luhn_imei(digits: str) -> bool:
    return imei.is_valid(digits)


def _crypto(text: str) -> list[Candidate]:
    out = []
    for m in WALLET_RE.finditer(text):
        s = m.group()
        kind = "tron" if m.lastgroup == "tron" else "btc"
        val = valid_tron(s) if kind == "tron" else valid_btc(s)
        if val is not None:
            out.append(Candidate(m.start(), m.end(), "crypto", val, {"chain": kind}))
    if "0x" in text:
        for m in ETH_RE.finditer(text):
            val = valid_eth(m.group())
            if val is not None:
                out.append(Candidate(m.start(), m.end(), "crypto", val, {"chain": "eth"}))
    return out


def _imeis(text: str) -> list[Candidate]:
    out = []
    for m in IMEI_RE.finditer(text):
        raw = m.group()
        if " " in raw or "-" in raw:
            raw = raw.replace(" ", "").replace("-", "")
        n = len(raw)
        if n != 15 and n != 16:
            continue
        ocr = 0 if raw.isdigit() else n - sum(map(str.isdigit, raw))
        if ocr > 2:
            continue
        kind = NUMBER_LABELS.kind(text, m.start())
        if kind in NOT_AN_ACCOUNT or (ocr and kind != "imei"):
            continue
        digits = raw.translate(OCR_DIGITS)
        if len(digits) == 16:
            # IMEISV: TAC + serial + software version, no check digit
            if not (NUMBER_LABELS.word(text, m.start()) or "").startswith("imeisv"):
                continue
            body = digits[:14]
            out.append(Candidate(m.start(), m.end(), "imei", body + luhn.calc_check_digit(body),
                                 {"labelled": True, "imeisv": digits}))
            continue
        if kind != "imei" and digits[:2] not in _RBI:
            continue
        if not _luhn_imei(digits):
            continue
        out.append(Candidate(m.start(), m.end(), "imei", digits, {"labelled": kind == "imei"}))
    return out


def find(text: str, hint: str | None) -> list[Candidate]:
    """IBAN, wallet and IMEI candidates. O(len(text)) scans; validators run per candidate."""
    return _ibans(text) + _crypto(text) + _imeis(text)
