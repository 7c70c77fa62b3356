"""Record-level noise: how one true value turns into what a source wrote down.

Every function here is vectorised over records (numpy/Arrow); none loops over
rows. The rates are the documented targets of ``docs/simulator.md`` and the
statistics command measures them back from the truth files.

Complexity: O(records) for every function.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.simulate.names import TYPOS_PER_SPELLING, NameTables

__all__ = [
    "NoiseRates",
    "DEFAULT_NOISE",
    "noisy_name",
    "noisy_dates",
    "format_phones",
    "null_where",
    "digit_slip",
]


@dataclass(frozen=True)
class NoiseRates:
    """Per-record probabilities of each kind of corruption (see docs/simulator.md)."""

    name_translit: float = 0.20  # another spelling of the same name group
    name_typo: float = 0.03  # keyboard / transcription slip
    name_upper: float = 0.10  # SURNAME written in capitals (UK style)
    given_initial: float = 0.02  # given name reduced to an initial
    given_missing: float = 0.02
    family_missing: float = 0.01
    name_order_swap: float = 0.05  # given and family name in each other's column
    dob_missing: float = 0.10
    dob_day_month_swap: float = 0.04  # only where day <= 12 and day != month
    dob_year_only: float = 0.04
    dob_year_month: float = 0.02
    dob_jan_first: float = 0.03  # unknown DOB recorded as 1 January (common practice)
    dob_year_slip: float = 0.02  # year off by one
    nationality_missing: float = 0.10
    nationality_claimed: float = 0.03  # declares a neighbouring nationality
    phone_missing: float = 0.35
    email_missing: float = 0.30  # on top of people who have no e-mail
    email_typo: float = 0.01
    passport_missing: float = 0.55  # on top of people who hold no passport
    passport_slip: float = 0.02
    city_missing: float = 0.20

    def scaled(self, factor: float) -> NoiseRates:
        """Every rate multiplied by ``factor`` (capped at 1): one knob for how
        dirty the records are, so a benchmark can sweep difficulty without
        choosing which kinds of noise to spare."""
        if factor < 0:
            raise ValueError(f"noise factor must be >= 0, got {factor}")
        return replace(self, **{f.name: min(1.0, getattr(self, f.name) * factor) for f in fields(self)})


DEFAULT_NOISE = NoiseRates()


def null_where(array: pa.Array, mask: np.ndarray) -> pa.Array:
    """Set ``array`` to null where ``mask`` is true (O(n))."""
    return pc.if_else(pa.array(mask), pa.nulls(len(array), type=array.type), array)


def noisy_name(
    rng: np.random.Generator,
    tables: NameTables,
    group: np.ndarray,
    own_spelling: np.ndarray,
    *,
    translit: float,
    typo: float,
    upper: float,
    initial: float = 0.0,
    missing: float = 0.0,
) -> np.ndarray:
    """Index into ``tables.strings`` of the spelling each record carries (-1 = missing).

    ``group`` is each record's true name group and ``own_spelling`` the base
    index of the spelling the person normally uses. A record takes another
    spelling of the group with probability ``translit``, then a typo, then
    capitals; an initial replaces the whole name.
    """
    n = len(group)
    start = tables.group_start[group]
    size = tables.group_size[group]
    idx = own_spelling.astype(np.int32, copy=True)
    other = rng.random(n) < translit
    idx[other] = start[other] + (rng.random(int(other.sum())) * size[other]).astype(np.int32)
    slip = rng.random(n) < typo
    idx[slip] = tables.typo_idx[idx[slip], rng.integers(0, TYPOS_PER_SPELLING, int(slip.sum()))]
    caps = rng.random(n) < upper
    idx[caps] = tables.upper_idx[idx[caps]]
    if initial > 0:
        ini = rng.random(n) < initial
        idx[ini] = tables.initial_idx[own_spelling[ini]]
    if missing > 0:
        idx[rng.random(n) < missing] = -1
    return idx


def take_strings(tables: NameTables, idx: np.ndarray) -> pa.Array:
    """Strings for name indices (-1 -> null)."""
    return tables.strings.take(pa.array(idx, mask=idx < 0))


def noisy_dates(
    rng: np.random.Generator, true_dates: np.ndarray, rates: NoiseRates
) -> tuple[pa.Array, np.ndarray]:
    """ISO date strings as sources write them, plus a code per record of what happened.

    Codes: 0 exact, 1 day-month swap, 2 year-only, 3 year-month, 4 1 January,
    5 year slip, 6 missing. Day-month swaps only happen where they give a valid,
    different date (day <= 12), as in real data.
    """
    n = len(true_dates)
    d = true_dates.astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years).astype(np.int64) + 1
    day = (d - months).astype(np.int64) + 1
    code = np.zeros(n, dtype=np.int8)
    u = rng.random(n)
    edges = np.cumsum(
        [
            rates.dob_day_month_swap,
            rates.dob_year_only,
            rates.dob_year_month,
            rates.dob_jan_first,
            rates.dob_year_slip,
            rates.dob_missing,
        ]
    )
    kind = np.searchsorted(edges, u, side="right") + 1  # 1..6, 7 = exact
    kind[kind == 7] = 0
    swappable = (day <= 12) & (day != month)
    kind[(kind == 1) & ~swappable] = 0
    code[:] = kind
    out = d.copy()
    sw = code == 1
    out[sw] = _ymd(year[sw], day[sw], month[sw])
    jan = code == 4
    out[jan] = _ymd(year[jan], np.ones(int(jan.sum()), np.int64), np.ones(int(jan.sum()), np.int64))
    slip = code == 5
    delta = np.where(rng.random(int(slip.sum())) < 0.5, -1, 1)
    out[slip] = _ymd(year[slip] + delta, np.minimum(month[slip], 12), np.minimum(day[slip], 28))
    text = pa.array(out).cast(pa.string())
    text = pc.if_else(pa.array(code == 2), pc.utf8_slice_codeunits(text, 0, 4), text)
    text = pc.if_else(pa.array(code == 3), pc.utf8_slice_codeunits(text, 0, 7), text)
    return null_where(text, code == 6), code


def _ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    base = (year - 1970).astype("datetime64[Y]")
    return (base.astype("datetime64[M]") + (month - 1)).astype("datetime64[D]") + (day - 1)


def format_phones(
    rng: np.random.Generator, cc: pa.Array, nsn: np.ndarray, *, international_only: bool = False
) -> tuple[pa.Array, pa.Array]:
    """(as written, E.164) for each phone: +CC, 00CC, spaced, or UK national 07... form.

    ``cc`` is the country calling code per phone (string), ``nsn`` the national
    significant number (int64). National form is used only for +44 numbers,
    where UK sources write it that way and the country is implied.

    Each style is built only for the rows that use it, then the pieces are put back
    in row order with one ``take`` (cheaper than building every style for every
    row and choosing with ``if_else``). O(n).
    """
    n = len(nsn)
    nsn_s = pa.array(nsn).cast(pa.string())
    e164 = pc.binary_join_element_wise("+", cc, nsn_s, "")
    style = rng.integers(0, 4, n)
    uk = pc.equal(cc, "44").to_numpy(zero_copy_only=False)
    if international_only:
        style[style == 3] = 0
    style[(style == 3) & ~uk] = 0  # national form only for UK numbers
    pieces: list[pa.Array] = []
    order: list[np.ndarray] = []
    for k in range(4):
        rows = np.flatnonzero(style == k)
        if len(rows) == 0:
            continue
        idx = pa.array(rows)
        if k == 0:
            piece = e164.take(idx)
        else:
            c, d = cc.take(idx), nsn_s.take(idx)
            if k == 1:
                piece = pc.binary_join_element_wise("00", c, d, "")
            elif k == 2:
                piece = pc.binary_join_element_wise(
                    "+", c, " ", pc.utf8_slice_codeunits(d, 0, 3), " ", pc.utf8_slice_codeunits(d, 3, 20), ""
                )
            else:
                piece = pc.binary_join_element_wise(
                    "0", pc.utf8_slice_codeunits(d, 0, 4), " ", pc.utf8_slice_codeunits(d, 4, 20), ""
                )
        pieces.append(piece)
        order.append(rows)
    if not pieces:
        return e164, e164
    position = np.empty(n, np.int64)
    position[np.concatenate(order)] = np.arange(n)
    written = pa.concat_arrays(pieces).take(pa.array(position))
    return written, e164


def digit_slip(rng: np.random.Generator, values: pa.Array, mask: np.ndarray) -> pa.Array:
    """Change one character of the masked values (a transcription error in an ID).

    Loops in Python over the masked rows only (a few percent), since Arrow has
    no per-row random substitution kernel. O(masked rows).
    """
    if not mask.any():
        return values
    rows = np.flatnonzero(mask)
    py = values.take(pa.array(rows)).to_pylist()
    positions = rng.random(len(rows))
    digits = rng.integers(0, 10, len(rows))
    for i, (pos_f, digit) in enumerate(zip(positions.tolist(), digits.tolist(), strict=True)):
        v = py[i]
        if not v:
            continue
        pos = int(pos_f * len(v))
        ch = v[pos]
        new = str((int(ch) + 1 + digit % 9) % 10) if ch.isdigit() else ("0" if ch == "O" else "ABCDEFGHJK"[digit])
        py[i] = v[:pos] + new + v[pos + 1 :]
    return pc.replace_with_mask(values, pa.array(mask), pa.array(py, type=pa.string()))
