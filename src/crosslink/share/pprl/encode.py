"""Keyed record-level Bloom filters (cryptographic long-term keys, CLKs) for hit/no-hit.

Written here with hashlib/hmac and numpy: ``clkhash`` 0.18 (the maintained CLK encoder,
last release 2023) pins ``cryptography<41`` and ``mypy_extensions<1``, which would
downgrade packages this project uses, so it cannot be installed beside them.

The scheme follows Schnell et al. (2011) and the hardenings Christen et al. survey
("Privacy-preserving record linkage", 2020):

- each field (first name, middle name, surname, date of birth) is cut into tokens:
  padded character bigrams of the ASCII-folded, lower-cased name; year, month and day
  of a date;
- each token sets ``k`` bits chosen by HMAC-SHA256 under a key derived from the secret
  and the field's own salt, so the same bigram in two fields sets unrelated bits and
  nobody without the secret can compute a position;
- all fields go into one filter of ``bits`` bits (record level: a frequent name alone
  never gives a frequent filter);
- hardening: ``balance`` (the filter and its complement, concatenated and permuted by a
  keyed permutation: every encoding has exactly half its bits set, so the Hamming weight
  says nothing about name length) or ``xor-fold`` (the two halves XORed together).

Token positions are computed once per distinct token, and filters are set with numpy
fancy indexing: O(records x tokens x k) array writes, no Python loop over bits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from crosslink.errors import InputError

__all__ = [
    "FIELDS",
    "FORMAT",
    "Encoded",
    "Encoder",
    "field_tokens",
    "load_encodings",
    "load_key",
    "pseudonym",
    "write_encodings",
]

FORMAT = "crosslink-pprl/1"
#: field -> number of bits each token sets (surnames and dates discriminate most).
FIELDS: dict[str, int] = {"first_name": 12, "middle_name": 6, "last_name": 14, "birth": 20}
_LETTERS = re.compile(r"[^a-z ]+")
MIN_KEY_BYTES = 16
_CHUNK = 8192


def load_key(path: Path) -> bytes:
    """The shared secret: a file's bytes (hex text is used as written). At least 16 bytes."""
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise InputError(f"cannot read key: {exc.strerror}", file=str(path)) from None
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"key is {len(key)} bytes: use at least {MIN_KEY_BYTES} random bytes "
            "(`crosslink pprl keygen` writes one)", file=str(path),
        )
    return key


def _fold(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_LETTERS.sub(" ", ascii_.lower()).split())


def field_tokens(field: str, value: str | None) -> list[str]:
    """The tokens of one field's value (bigrams of a name; year/month/day of a date)."""
    if value is None or not str(value).strip():
        return []
    return list(_tokens(field, str(value)))


@lru_cache(maxsize=200_000)
def _tokens(field: str, value: str) -> tuple[str, ...]:
    # Names repeat across records: each distinct value is cut once.
    if field == "birth":
        parts = re.findall(r"\d+", value)
        return tuple(f"{tag}{p}" for tag, p in zip(("y", "m", "d"), parts, strict=False))
    name = _fold(value)
    if not name:
        return ()
    padded = f"_{name}_"
    return tuple(sorted({padded[i:i + 2] for i in range(len(padded) - 1)}))


def pseudonym(key: bytes, record_id: str) -> str:
    """The record's id as it leaves: keyed, so only the owner can map a hit back."""
    return hmac.new(key, b"record-id\x1f" + record_id.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


@dataclass
class Encoded:
    """Encodings: pseudonymous ids and packed filters (one row of uint64 words each)."""

    ids: list[str]
    words: np.ndarray  # (n, bits // 64) uint64
    bits: int
    hardening: str

    @property
    def popcount(self) -> np.ndarray:
        return np.bitwise_count(self.words).sum(axis=1, dtype=np.int32)


class Encoder:
    """CLK encoder for one shared secret and one set of parameters."""

    def __init__(self, key: bytes, *, bits: int = 1024,
                 hardening: Literal["balance", "xor-fold", "none"] = "balance",
                 fields: dict[str, int] | None = None) -> None:
        if bits % 128:
            raise InputError("bits must be a multiple of 128")
        self.key = key
        self.bits = bits
        self.hardening = hardening
        self.fields = dict(fields or FIELDS)
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        seed = int.from_bytes(hmac.new(key, b"permutation", hashlib.sha256).digest()[:8], "little")
        self._permutation = np.random.default_rng(seed).permutation(2 * bits)

    def _positions(self, field: str, token: str) -> np.ndarray:
        cached = self._cache.get((field, token))
        if cached is not None:
            return cached
        # A per-field salt in the key: the same bigram in two fields sets unrelated bits.
        field_key = hmac.new(self.key, b"field\x1f" + field.encode(), hashlib.sha256).digest()
        k = self.fields[field]
        out: list[int] = []
        counter = 0
        while len(out) < k:
            digest = hmac.new(field_key, f"{counter}\x1f{token}".encode(), hashlib.sha256).digest()
            out.extend(int.from_bytes(digest[i:i + 4], "little") % self.bits for i in range(0, 32, 4))
            counter += 1
        positions = np.asarray(out[:k], dtype=np.int64)
        self._cache[(field, token)] = positions
        return positions

    def _value_positions(self, field: str, value: object) -> np.ndarray:
        """Every bit one field value sets (cached: names repeat across records)."""
        text = None if value is None else str(value)
        key = (field, "\x00" + (text or ""))
        cached = self._cache.get(key)
        if cached is None:
            tokens = field_tokens(field, text)
            cached = (np.concatenate([self._positions(field, t) for t in tokens]) if tokens
                      else np.zeros(0, dtype=np.int64))
            if len(self._cache) < 2_000_000:
                self._cache[key] = cached
        return cached

    def encode(self, ids: Sequence[str], records: Iterable[dict[str, Any]], *, pseudonymise: bool = True) -> Encoded:
        """Encode records (dicts with any of :data:`FIELDS`) in order; ids become keyed pseudonyms."""
        chunks: list[np.ndarray] = []
        batch: list[np.ndarray] = []
        for record in records:
            parts = [self._value_positions(f, record.get(f)) for f in self.fields]
            batch.append(np.concatenate(parts))
            if len(batch) == _CHUNK:
                chunks.append(self._pack(batch))
                batch = []
        if batch or not chunks:
            chunks.append(self._pack(batch))
        words = np.concatenate(chunks)
        width = self.bits * 2 if self.hardening == "balance" else self.bits // 2 if self.hardening == "xor-fold" else self.bits
        out_ids = [pseudonym(self.key, i) for i in ids] if pseudonymise else list(ids)
        return Encoded(out_ids, words, width, self.hardening)

    def _pack(self, rows: list[np.ndarray]) -> np.ndarray:
        """Set each row's positions, harden, pack into uint64 words (bounded memory per chunk)."""
        n = len(rows)
        dense = np.zeros((n, self.bits), dtype=bool)
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=n)
        if n and lengths.sum():
            dense[np.repeat(np.arange(n), lengths), np.concatenate(rows)] = True
        if self.hardening == "balance":
            dense = np.concatenate([dense, ~dense], axis=1)[:, self._permutation]
        elif self.hardening == "xor-fold":
            half = self.bits // 2
            dense = dense[:, :half] ^ dense[:, half:]
        packed = np.packbits(dense, axis=1, bitorder="little")
        return np.ascontiguousarray(packed).view(np.uint64)


def write_encodings(encoded: Encoded, path: Path, *, party: str) -> None:
    """Write encodings as JSON: parameters, then one id and base64 filter per record."""
    raw = encoded.words.view(np.uint8)
    data = {
        "format": FORMAT, "party": party, "bits": encoded.bits, "hardening": encoded.hardening,
        "records": [
            {"id": rid, "clk": base64.b64encode(raw[i].tobytes()).decode("ascii")}
            for i, rid in enumerate(encoded.ids)
        ],
    }
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def load_encodings(path: Path) -> tuple[str, Encoded]:
    """Read encodings written by :func:`write_encodings`; errors name the file and record."""
    label = str(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=label) from None
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=label) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"not {FORMAT} encodings", file=label)
    bits = int(data["bits"])
    size = bits // 8
    records = data.get("records") or []
    buf = np.zeros((len(records), size), dtype=np.uint8)
    ids: list[str] = []
    for i, rec in enumerate(records):
        try:
            raw = base64.b64decode(rec["clk"], validate=True)
        except (KeyError, ValueError, TypeError):
            raise InputError("bad clk", file=label, row=i + 1, column="clk") from None
        if len(raw) != size:
            raise InputError(f"clk has {len(raw) * 8} bits, not {bits}", file=label, row=i + 1, column="clk")
        buf[i] = np.frombuffer(raw, dtype=np.uint8)
        ids.append(str(rec.get("id")))
    return str(data.get("party") or ""), Encoded(ids, buf.view(np.uint64), bits, str(data.get("hardening")))
