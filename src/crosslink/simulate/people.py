"""Synthetic people and the noisy person records sources hold about them.

:func:`generate_people` draws a population (origin, sex, names from Zipf-weighted
variant groups, date of birth, phones, e-mail, passport, city) as columnar
arrays; :func:`person_record_table` turns a record -> person index into the
records sources wrote, with the noise of :mod:`crosslink.simulate.noise`;
:func:`person_records` is the one-call version the resolution benchmark uses.

Everything is vectorised; loops run over origins (ten) or over the few percent of
rows that get a transcription slip. Complexity O(people + records).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.simulate.names import NameTables, name_tables, places
from crosslink.simulate.noise import (
    DEFAULT_NOISE,
    NoiseRates,
    digit_slip,
    format_phones,
    noisy_dates,
    noisy_name,
    null_where,
    take_strings,
)

__all__ = [
    "People",
    "generate_people",
    "person_record_table",
    "person_records",
    "id_strings",
    "PERSON_SOURCES",
    "REFERENCE_DATE",
]

REFERENCE_DATE = np.datetime64("2024-06-30")
"""Ages are computed against this date, so output never depends on the clock."""

PERSON_SOURCES = (
    "kent_police",
    "met_police",
    "west_midlands_police",
    "nca",
    "home_office_ie",
    "border_force",
    "fr_paf",
    "be_federal_police",
    "nl_kmar",
    "de_bundespolizei",
)

_CLAIMED = {  # nationality a person may declare instead of their own
    "IQ": ("IR", "SY"),
    "IR": ("AF", "IQ"),
    "AF": ("IR", "PK"),
    "SY": ("IQ", "LB"),
    "SD": ("ER", "SS"),
    "ER": ("ET", "SD"),
    "AL": ("XK", "MK"),
    "VN": ("CN", "CN"),
    "GB": ("IE", "IE"),
    "RO": ("MD", "BG"),
}
_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "mail.ru")
_TRANSIT_CITIES = ("Calais", "Dunkirk", "Brussels", "Cologne", "Paris", "Athens", "Istanbul")
_UK_PHONE_SHARE = 0.55
_UK_MOBILE_PREFIXES = ("74", "75", "771", "772", "775", "78", "795")
# Large odd multiplier, coprime to 10**k: scrambles a counter into unique numbers.
_PHONE_MULT = 2654435761


def id_strings(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded number, vectorised (P00000042)."""
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


@dataclass
class People:
    """A population as parallel arrays (one entry per person)."""

    ids: pa.Array
    origin: np.ndarray  # int16 index into NameTables.origins
    male: np.ndarray
    given_group: np.ndarray
    family_group: np.ndarray
    given_spelling: np.ndarray  # base index of the spelling the person uses
    family_spelling: np.ndarray
    dob: np.ndarray  # datetime64[D]
    nationality: pa.Array
    city: np.ndarray  # index into City.spellings (canonical spelling)
    email: pa.Array  # null when the person has none
    passport: pa.Array  # null when the person holds none
    phone_start: np.ndarray  # first row of this person's phones in the phone arrays
    phone_count: np.ndarray
    phone_cc: pa.Array  # per phone
    phone_nsn: np.ndarray  # per phone, int64
    phone_owner: np.ndarray  # per phone

    @property
    def n(self) -> int:
        return int(len(self.origin))

    def full_name(self, tables: NameTables | None = None) -> pa.Array:
        """True name, "Given Family", in the person's own spelling."""
        t = tables or name_tables()
        return pc.binary_join_element_wise(
            take_strings(t, self.given_spelling), take_strings(t, self.family_spelling), " "
        )

    def canonical_name(self, tables: NameTables | None = None) -> pa.Array:
        """Name in each group's most common spelling: the key namesakes share."""
        t = tables or name_tables()
        return pc.binary_join_element_wise(
            take_strings(t, t.group_start[self.given_group]),
            take_strings(t, t.group_start[self.family_group]),
            " ",
        )


@dataclass(frozen=True)
class _Cities:
    spellings: pa.Array  # all spellings, groups contiguous
    start: np.ndarray  # per city
    size: np.ndarray
    names: tuple[str, ...]  # canonical per city
    origin_cities: tuple[np.ndarray, ...]  # per origin: city ids
    uk: np.ndarray
    transit: np.ndarray


def _cities(tables: NameTables) -> _Cities:
    pl = places()
    names: list[str] = []
    for o in tables.origins:
        names.extend(c for c in o.cities if c not in names)
    names.extend(c for c in pl.uk_cities if c not in names)
    names.extend(c for c in _TRANSIT_CITIES if c not in names)
    spellings: list[str] = []
    start, size = [], []
    for c in names:
        v = pl.spellings(c)
        start.append(len(spellings))
        size.append(len(v))
        spellings.extend(v)
    pos = {c: i for i, c in enumerate(names)}
    return _Cities(
        spellings=pa.array(spellings, type=pa.string()),
        start=np.asarray(start, np.int32),
        size=np.asarray(size, np.int32),
        names=tuple(names),
        origin_cities=tuple(np.asarray([pos[c] for c in o.cities], np.int32) for o in tables.origins),
        uk=np.asarray([pos[c] for c in pl.uk_cities], np.int32),
        transit=np.asarray([pos[c] for c in _TRANSIT_CITIES], np.int32),
    )


def _pattern_strings(rng: np.random.Generator, pattern: str, n: int) -> pa.Array:
    """Random IDs following a pattern (L letter, 9 digit, else literal), vectorised."""
    cols = np.empty((n, len(pattern)), dtype=np.uint8)
    for j, ch in enumerate(pattern):
        if ch == "L":
            cols[:, j] = rng.integers(65, 91, n, dtype=np.uint8)
        elif ch == "9":
            cols[:, j] = rng.integers(48, 58, n, dtype=np.uint8)
        else:
            cols[:, j] = ord(ch)
    raw = cols.view(f"S{len(pattern)}").ravel()
    return pa.array(raw, type=pa.binary(len(pattern))).cast(pa.string())


def generate_people(
    rng: np.random.Generator,
    n: int,
    *,
    origin_share: np.ndarray | None = None,
    id_prefix: str = "P",
    id_offset: int = 0,
    age_shape: float = 2.2,
    age_scale: float = 6.0,
    age_min: float = 15.0,
    phone_salt: int | None = None,
) -> People:
    """Draw ``n`` people. O(n).

    Ages are ``age_min`` + Gamma(shape, scale) years before :data:`REFERENCE_DATE`
    (migrants are mostly young adults). Each person has 1-3 phones (SIM churn):
    55% UK mobiles, the rest from their country of origin; numbers are unique by
    construction (a scrambled counter per country prefix). Populations drawn in
    several calls (ids from ``id_offset``) share numbering when they share
    ``phone_salt``: each call's counters then start at ``3 * id_offset`` past a
    common base, so their numbers never collide.
    """
    tables = name_tables()
    origins = tables.origins
    share = origin_share if origin_share is not None else np.array([o.share for o in origins])
    share = share / share.sum()
    origin = rng.choice(len(origins), size=n, p=share).astype(np.int16)
    male = np.empty(n, dtype=bool)
    given_group = np.empty(n, dtype=np.int32)
    family_group = np.empty(n, dtype=np.int32)
    cities = _cities(tables)
    city = np.empty(n, dtype=np.int32)
    passports: list[pa.Array] = []
    passport_rows: list[np.ndarray] = []
    for k, o in enumerate(origins):
        rows = np.flatnonzero(origin == k)
        m = len(rows)
        if m == 0:
            continue
        is_m = rng.random(m) < o.male_share
        male[rows] = is_m
        g = np.empty(m, dtype=np.int32)
        g[is_m] = rng.choice(o.given_male, size=int(is_m.sum()), p=o.given_male_p)
        g[~is_m] = rng.choice(o.given_female, size=int((~is_m).sum()), p=o.given_female_p)
        given_group[rows] = g
        family_group[rows] = rng.choice(o.family, size=m, p=o.family_p)
        where = rng.random(m)
        pick_uk = cities.uk[rng.integers(0, len(cities.uk), m)]
        pick_home = o_c = cities.origin_cities[k]
        pick_home = o_c[rng.integers(0, len(o_c), m)]
        pick_tr = cities.transit[rng.integers(0, len(cities.transit), m)]
        city[rows] = np.where(where < 0.5, pick_uk, np.where(where < 0.8, pick_home, pick_tr))
        passports.append(_pattern_strings(rng, o.passport, m))
        passport_rows.append(rows)

    given_spelling = _own_spelling(rng, tables, given_group)
    family_spelling = _own_spelling(rng, tables, family_group)
    age_days = (age_min + rng.gamma(age_shape, age_scale, n)) * 365.25
    dob = REFERENCE_DATE - np.minimum(age_days, 80 * 365.25).astype("timedelta64[D]")

    nat_codes = pa.array([o.nationality for o in origins], type=pa.string())
    nationality = nat_codes.take(pa.array(origin.astype(np.int32)))

    # Passport: one per person drawn per origin, then scattered back to person order.
    order = np.concatenate(passport_rows) if passport_rows else np.zeros(0, np.int64)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    passport = pa.concat_arrays(passports).take(pa.array(inverse)) if n else pa.array([], pa.string())
    passport = null_where(passport, rng.random(n) >= 0.45)

    email = _emails(rng, tables, given_spelling, family_spelling)

    # Phones: 1-3 per person (SIM churn), unique numbers per country prefix.
    count = 1 + (rng.random(n) < 0.35).astype(np.int8) + (rng.random(n) < 0.10).astype(np.int8)
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(count[:-1], out=start[1:])
    owner = np.repeat(np.arange(n), count)
    n_ph = len(owner)
    uk = rng.random(n_ph) < _UK_PHONE_SHARE
    ph_origin = origin[owner].astype(np.int32)
    cc_list = [o.phone_cc for o in origins] + ["44"]
    prefixes = [(o.phone_prefix,) for o in origins] + [_UK_MOBILE_PREFIXES]
    length = [o.phone_len for o in origins] + [10]
    country = np.where(uk, len(origins), ph_origin)
    nsn = np.zeros(n_ph, dtype=np.int64)
    offsets = rng.integers(0, 10**6, len(cc_list))
    # One numbering space per (country code, prefix, length): British-origin people
    # and UK mobiles both issue +44 78... numbers, so they share one counter.
    spaces: dict[tuple[str, str, int], tuple[int, list[np.ndarray]]] = {}
    for c in range(len(cc_list)):
        rows = np.flatnonzero(country == c)
        if len(rows) == 0:
            continue
        options = prefixes[c]
        which = rng.integers(0, len(options), len(rows))
        for j, pre in enumerate(options):
            modulus = 10 ** (length[c] - len(pre))
            drawn = int(rng.integers(0, modulus)) + int(offsets[c])  # drawn always: same stream
            key = (cc_list[c], pre, length[c])
            spaces.setdefault(key, (drawn, []))[1].append(rows[which == j])
    for (cc_code, pre, size), (drawn, parts) in spaces.items():
        modulus = 10 ** (size - len(pre))
        salted = int(hashlib.sha256(f"{phone_salt}:{cc_code}:{pre}".encode()).hexdigest()[:12], 16)
        base = drawn if phone_salt is None else salted
        sub = np.concatenate(parts)
        counter = np.arange(len(sub), dtype=np.int64) + base % modulus + id_offset * 3
        scrambled = (counter % modulus) * (_PHONE_MULT % modulus) % modulus
        nsn[sub] = int(pre) * modulus + scrambled
    phone_cc = pa.array(cc_list, type=pa.string()).take(pa.array(country))

    return People(
        ids=id_strings(id_prefix, np.arange(id_offset, id_offset + n), 8),
        origin=origin,
        male=male,
        given_group=given_group,
        family_group=family_group,
        given_spelling=given_spelling,
        family_spelling=family_spelling,
        dob=dob.astype("datetime64[D]"),
        nationality=nationality,
        city=city,
        email=email,
        passport=passport,
        phone_start=start,
        phone_count=count,
        phone_cc=phone_cc,
        phone_nsn=nsn,
        phone_owner=owner,
    )


def _own_spelling(rng: np.random.Generator, tables: NameTables, group: np.ndarray) -> np.ndarray:
    """The spelling a person uses: the first of the group about half the time."""
    offset = np.minimum(rng.geometric(0.55, len(group)) - 1, tables.group_size[group] - 1)
    return (tables.group_start[group] + offset).astype(np.int32)


def _emails(
    rng: np.random.Generator, tables: NameTables, given: np.ndarray, family: np.ndarray
) -> pa.Array:
    """E-mail addresses for the half of people who have one (null for the others).

    All random draws are made for every person, in a fixed order, but the strings
    are built only for the people who have an address. O(n).
    """
    n = len(given)
    num = rng.integers(1, 99, n)
    year = rng.integers(70, 100, n)
    style = rng.integers(0, 3, n)
    domain_idx = rng.integers(0, len(_EMAIL_DOMAINS), n)
    has = np.flatnonzero(rng.random(n) < 0.5)
    g = tables.ascii_base.take(pa.array(given[has]))
    f = tables.ascii_base.take(pa.array(family[has]))
    num_s = pa.array(num[has]).cast(pa.string())
    year_s = pa.array(year[has]).cast(pa.string())
    st = style[has]
    local = pc.binary_join_element_wise(g, ".", f, "")
    local = pc.if_else(pa.array(st == 1), pc.binary_join_element_wise(g, f, num_s, ""), local)
    local = pc.if_else(pa.array(st == 2), pc.binary_join_element_wise(f, "_", g, year_s, ""), local)
    domain = pa.array(_EMAIL_DOMAINS, type=pa.string()).take(pa.array(domain_idx[has]))
    # A mailbox belongs to one person: the second "ahmed.karimi@gmail.com" a provider
    # hands out gets digits, so namesakes never share an address.
    codes = pc.dictionary_encode(pc.binary_join_element_wise(local, domain, "@")).indices.to_numpy()
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
    rank = np.empty(len(codes), np.int64)
    rank[order] = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    suffix = pa.array(np.where(rank > 0, rank * 100 + num[has] % 100, -1))
    suffix_s = pc.if_else(pc.greater(suffix, 0), pc.cast(suffix, pa.string()), "")
    local = pc.binary_join_element_wise(local, suffix_s, "")
    built = pc.binary_join_element_wise(local, domain, "@")
    where = np.full(n, -1, np.int64)
    where[has] = np.arange(len(has))
    return built.take(pa.array(where, mask=where < 0))


def person_record_table(
    rng: np.random.Generator,
    people: People,
    person: np.ndarray,
    *,
    record_ids: pa.Array,
    sources: pa.Array,
    rates: NoiseRates = DEFAULT_NOISE,
) -> pa.Table:
    """The person records sources hold: one row per entry of ``person`` (an index).

    Columns: record_id, true_id, first_name, last_name, birth_date, nationality,
    phone, email, passport_number, city, source. O(records).
    """
    tables = name_tables()
    n = len(person)
    first = noisy_name(
        rng,
        tables,
        people.given_group[person],
        people.given_spelling[person],
        translit=rates.name_translit,
        typo=rates.name_typo,
        upper=0.0,
        initial=rates.given_initial,
        missing=rates.given_missing,
    )
    last = noisy_name(
        rng,
        tables,
        people.family_group[person],
        people.family_spelling[person],
        translit=rates.name_translit,
        typo=rates.name_typo,
        upper=rates.name_upper,
        missing=rates.family_missing,
    )
    swap = rng.random(n) < rates.name_order_swap
    first[swap], last[swap] = last[swap], first[swap].copy()
    dob, _ = noisy_dates(rng, people.dob[person], rates)

    take = pa.array(person)
    nat = people.nationality.take(take)
    claimed = rng.random(n) < rates.nationality_claimed
    if claimed.any():
        alt_codes = pa.array(
            [c for o in name_tables().origins for c in _CLAIMED[o.nationality]], type=pa.string()
        )
        alt = alt_codes.take(pa.array(people.origin[person] * 2 + rng.integers(0, 2, n)))
        nat = pc.if_else(pa.array(claimed), alt, nat)
    nat = null_where(nat, rng.random(n) < rates.nationality_missing)

    phone_row = people.phone_start[person] + (rng.random(n) * people.phone_count[person]).astype(
        np.int64
    )
    written, _ = format_phones(rng, people.phone_cc.take(pa.array(phone_row)), people.phone_nsn[phone_row])
    phone = null_where(written, rng.random(n) < rates.phone_missing)

    email = people.email.take(take)
    email = pc.if_else(
        pa.array(rng.random(n) < rates.email_typo),
        pc.replace_substring(email, ".", "", max_replacements=1),
        email,
    )
    email = null_where(email, rng.random(n) < rates.email_missing)

    passport = people.passport.take(take)
    passport = digit_slip(rng, passport, rng.random(n) < rates.passport_slip)
    passport = null_where(passport, rng.random(n) < rates.passport_missing)

    cities = _cities(tables)
    cid = people.city[person]
    spelling = cities.start[cid] + (
        (rng.random(n) < 0.3) * (rng.random(n) * cities.size[cid]).astype(np.int32)
    )
    city = null_where(cities.spellings.take(pa.array(spelling)), rng.random(n) < rates.city_missing)

    return pa.table(
        {
            "record_id": record_ids,
            "true_id": people.ids.take(take),
            "first_name": take_strings(tables, first),
            "last_name": take_strings(tables, last),
            "birth_date": dob,
            "nationality": nat,
            "phone": phone,
            "email": email,
            "passport_number": passport,
            "city": city,
            "source": sources,
        }
    )


def record_counts(rng: np.random.Generator, n: int, mean: float) -> np.ndarray:
    """Records each person gets: geometric with the given mean (>= 1), so most
    people appear once or twice and a few appear many times, as in real holdings."""
    if mean < 1.0:
        raise ValueError(f"records_per_person must be >= 1, got {mean}")
    return rng.geometric(1.0 / mean, n).astype(np.int64)


def person_records(
    n_people: int, seed: int, *, records_per_person: float = 2.0, noise: NoiseRates = DEFAULT_NOISE
) -> pa.Table:
    """Noisy person records with ground truth, for entity-resolution benchmarks.

    Deterministic for a seed. Columns: record_id, true_id, first_name, last_name,
    birth_date (ISO, partial ISO or null), nationality (ISO alpha-2), phone,
    email, passport_number, city, source. Records are shuffled so one person's
    records are not adjacent. ``noise`` sets the corruption rates (for example
    ``DEFAULT_NOISE.scaled(0.5)`` for cleaner records). O(n_people * records_per_person), vectorised.
    """
    rng = np.random.default_rng(seed)
    people = generate_people(rng, n_people)
    counts = record_counts(rng, n_people, records_per_person)
    person = np.repeat(np.arange(n_people), counts)
    person = person[rng.permutation(len(person))]
    n = len(person)
    src = pa.array(PERSON_SOURCES, type=pa.string()).take(
        pa.array(rng.integers(0, len(PERSON_SOURCES), n))
    )
    return person_record_table(
        rng, people, person, record_ids=id_strings("R", np.arange(n), 9), sources=src, rates=noise
    )

