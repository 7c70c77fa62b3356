"""The true world behind a scenario: groups, roles, links, assets, journeys.

Organised crime groups come in four shapes:

* ``boat`` - hierarchical Kurdish-Iraqi style small-boat network (organisers,
  recruiters/agents, boat and engine suppliers, hawaladars, safe houses, pilots);
* ``lorry`` - Albanian lorry network (many drivers, forgers, safe houses);
* ``vietnamese`` - Vietnamese network (recruiters, safe houses, drivers);
* ``chain`` - loose East-African facilitation chain (a path of brokers).

Groups connect through shared suppliers and money handlers who serve more than
one group. Migrants are assigned to the group that moves them, pay its money
handler and talk to one of its recruiters; they cross on dates drawn from a
weather-like seasonal curve. Migrants and witnesses are never suspects.

Everything is drawn with numpy from one Generator; O(people + links).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.model.statement import FACILITATOR_ROLES, PROTECTED_ROLES
from crosslink.simulate.names import name_tables
from crosslink.simulate.people import People, generate_people, id_strings

__all__ = [
    "ROLES",
    "SHAPES",
    "LINK_TYPES",
    "World",
    "Assets",
    "build_world",
    "FACILITATOR_ROLES",
    "NON_SUSPECT_ROLES",
    "IBAN_COUNTRIES",
]

# The truth's role vocabulary: the model's facilitation roles, then the people who
# are not suspects (indices below 9 are facilitators).
ROLES = (*FACILITATOR_ROLES, *PROTECTED_ROLES, "unknown")
R = {r: i for i, r in enumerate(ROLES)}
NON_SUSPECT_ROLES = PROTECTED_ROLES
SHAPES = ("boat", "lorry", "vietnamese", "chain")
SHAPE_SHARE = np.array([0.4, 0.25, 0.2, 0.15])
SHAPE_ORIGIN = ("kurdish_iraqi", "albanian", "vietnamese", "eritrean")
LINK_TYPES = ("associate", "family", "smuggled_by", "paid", "supplier", "membership")

# Role mix of members other than the organisers, per shape (order of ROLES[1:9]).
_ROLE_MIX = {
    "boat": [0.2, 0.12, 0.1, 0.1, 0.15, 0.05, 0.18, 0.1],
    "lorry": [0.15, 0.35, 0.0, 0.1, 0.15, 0.1, 0.0, 0.15],
    "vietnamese": [0.2, 0.2, 0.0, 0.15, 0.25, 0.1, 0.0, 0.1],
    "chain": [0.25, 0.15, 0.05, 0.2, 0.1, 0.05, 0.0, 0.2],
}
# Which groups migrants of each origin go to (weights over SHAPES).
_MIGRANT_SHAPE = {
    "kurdish_iraqi": [0.85, 0.15, 0.0, 0.0],
    "iranian": [0.85, 0.15, 0.0, 0.0],
    "afghan": [0.8, 0.2, 0.0, 0.0],
    "syrian": [0.75, 0.15, 0.0, 0.1],
    "sudanese": [0.4, 0.0, 0.0, 0.6],
    "eritrean": [0.3, 0.0, 0.0, 0.7],
    "albanian": [0.1, 0.9, 0.0, 0.0],
    "vietnamese": [0.0, 0.1, 0.9, 0.0],
    "british": [0.5, 0.5, 0.0, 0.0],
    "east_european": [0.3, 0.7, 0.0, 0.0],
}
_START = np.datetime64("2022-01-01")
_DAYS = int((np.datetime64("2024-06-30") - _START).astype(int))


@dataclass
class Assets:
    """Selectors and things owned by people (index into World.people)."""

    vehicle_plate: pa.Array
    vehicle_kind: pa.Array  # car, van, lorry, trailer
    vehicle_country: pa.Array
    vehicle_owner: np.ndarray
    vessel_name: pa.Array
    vessel_mmsi: pa.Array
    vessel_owner: np.ndarray
    iban: pa.Array
    iban_owner: np.ndarray
    wallet: pa.Array
    wallet_owner: np.ndarray
    handle: pa.Array
    handle_platform: pa.Array
    handle_owner: np.ndarray
    imei_body: np.ndarray  # per phone row: the 14-digit IMEI body of its handset

    def imei(self, rows: np.ndarray) -> pa.Array:
        """IMEIs (with their Luhn digit) of the handsets of phone rows. Computed on
        demand: only seized handsets are ever written. O(len(rows))."""
        body = self.imei_body[rows]
        return pa.array(body * 10 + _luhn_digit(body, 14)).cast(pa.string())


@dataclass
class World:
    """Ground truth of a scenario."""

    people: People
    role: np.ndarray  # int8 index into ROLES
    group: np.ndarray  # int32, -1 = none (migrants: the group that moves them)
    second_group: np.ndarray  # int32, -1 = none (shared suppliers)
    group_shape: np.ndarray  # int8 per group, index into SHAPES
    group_ids: pa.Array
    group_names: pa.Array
    link_src: np.ndarray  # person index
    link_dst: np.ndarray
    link_type: np.ndarray  # int8 index into LINK_TYPES
    crossing_day: np.ndarray  # per person, days since 2022-01-01, -1 for non-migrants
    route: np.ndarray  # per person, route index within their group's shape, -1
    fee_eur: np.ndarray  # per person (migrants), int
    assets: Assets
    e164_cache: pa.Array | None = field(default=None, repr=False)  # see records._all_e164

    @property
    def n(self) -> int:
        return self.people.n

    def members(self, group: int) -> np.ndarray:
        return np.flatnonzero((self.group == group) & (self.role < R["migrant"]))


def _seasonal_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Crossing days: summer peak, winter trough, and runs of good-weather days."""
    day = np.arange(_DAYS)
    season = 1.0 + 0.8 * np.sin(2 * np.pi * (day - 100) / 365.25)
    weather = rng.random(_DAYS) < (0.25 + 0.45 * (season / 1.8))  # calm enough to cross
    weight = season * weather
    weight = weight / weight.sum()
    return rng.choice(_DAYS, size=n, p=weight).astype(np.int32)


def build_world(rng: np.random.Generator, n_people: int) -> World:
    """Draw the world for ``n_people`` people. O(n_people)."""
    if n_people < 50:
        raise ValueError("a scenario needs at least 50 people")
    tables = name_tables()
    origin_keys = [o.key for o in tables.origins]

    # Groups and facilitators: about 4% of people, in groups of ~25 (lognormal).
    n_fac_target = max(24, int(n_people * 0.04))
    n_groups = max(4, round(n_fac_target / 25))
    shape = np.concatenate(
        [np.arange(4), rng.choice(4, size=n_groups - 4, p=SHAPE_SHARE)]
    ).astype(np.int8)
    sizes = np.maximum(5, rng.lognormal(np.log(n_fac_target / n_groups), 0.5, n_groups)).astype(
        np.int64
    )
    n_fac = int(sizes.sum())
    fac_group = np.repeat(np.arange(n_groups, dtype=np.int32), sizes)
    fac_shape = shape[fac_group]
    first_of_group = np.r_[0, np.cumsum(sizes)[:-1]]
    pos_in_group = np.arange(n_fac) - first_of_group[fac_group]
    fac_role = np.empty(n_fac, dtype=np.int8)
    for s, name in enumerate(SHAPES):
        rows = np.flatnonzero(fac_shape == s)
        mix = np.asarray(_ROLE_MIX[name])
        fac_role[rows] = 1 + rng.choice(8, size=len(rows), p=mix / mix.sum())
    n_org = np.where(sizes >= 20, 2, 1)
    fac_role[pos_in_group < n_org[fac_group]] = R["organiser"]

    # Origins: the group's, except drivers who are often British or East European.
    idx = {k: i for i, k in enumerate(origin_keys)}
    fac_origin = np.asarray([idx[SHAPE_ORIGIN[s]] for s in fac_shape], dtype=np.int16)
    chain = fac_shape == SHAPES.index("chain")
    fac_origin[chain & (rng.random(n_fac) < 0.5)] = idx["sudanese"]
    driver = (fac_role == R["driver"]) & (rng.random(n_fac) < 0.5)
    fac_origin[driver] = np.where(rng.random(int(driver.sum())) < 0.5, idx["british"], idx["east_european"])
    boat_kurd = (fac_shape == 0) & (rng.random(n_fac) < 0.2)
    fac_origin[boat_kurd] = idx["iranian"]

    n_rest = n_people - n_fac
    if n_rest < 10:
        raise ValueError("too few people for the groups drawn; raise --people")
    n_witness = max(1, int(n_rest * 0.04))
    n_unknown = max(1, int(n_rest * 0.02))
    n_mig = n_rest - n_witness - n_unknown

    # One population draw keeps ids contiguous: facilitators first, then the rest.
    # Both draws share phone numbering (a common salt), so no number is issued twice.
    salt = int(rng.integers(0, 2**40))
    fac_people = generate_people(
        rng, n_fac, id_offset=0, age_shape=4.0, age_scale=4.0, age_min=20, phone_salt=salt
    )
    rest_people = generate_people(rng, n_rest, id_offset=n_fac, phone_salt=salt)
    # Facilitators take their group's origin: redraw names per origin block.
    _assign_origin(rng, fac_people, fac_origin)
    people = _concat_people(fac_people, rest_people)
    n = people.n

    role = np.empty(n, dtype=np.int8)
    role[:n_fac] = fac_role
    rest_role = np.full(n_rest, R["migrant"], dtype=np.int8)
    rest_role[n_mig : n_mig + n_witness] = R["witness"]
    rest_role[n_mig + n_witness :] = R["unknown"]
    victims = (rest_role == R["migrant"]) & (rng.random(n_rest) < 0.05)  # exploited on arrival
    rest_role[victims] = R["victim"]
    role[n_fac:] = rest_role

    group = np.full(n, -1, dtype=np.int32)
    group[:n_fac] = fac_group
    # Migrants to groups by origin affinity and group size.
    mig = np.flatnonzero((role == R["migrant"]) | (role == R["victim"]))
    mig_origin = people.origin[mig]
    for k, key in enumerate(origin_keys):
        rows = mig[mig_origin == k]
        if len(rows) == 0:
            continue
        w = np.asarray(_MIGRANT_SHAPE[key])[shape] * sizes
        if w.sum() == 0:
            w = sizes.astype(np.float64)
        group[rows] = rng.choice(n_groups, size=len(rows), p=w / w.sum())

    # Shared suppliers / money handlers serving a second group.
    second = np.full(n, -1, dtype=np.int32)
    shared = np.flatnonzero(
        np.isin(role[:n_fac], [R["boat_supplier"], R["money_handler"], R["forger"]])
        & (rng.random(n_fac) < 0.3)
    )
    other = rng.integers(0, n_groups - 1, len(shared))
    second[shared] = np.where(other >= group[shared], other + 1, other)

    links = _links(rng, role, group, second, fac_group, first_of_group, sizes, n_fac, mig)
    crossing = np.full(n, -1, dtype=np.int32)
    crossing[mig] = _seasonal_days(rng, len(mig))
    route = np.full(n, -1, dtype=np.int32)
    route[mig] = rng.integers(0, 100, len(mig))  # reduced modulo routes of the shape
    fee = np.zeros(n, dtype=np.int64)
    fee[mig] = (rng.choice([2500, 3000, 3500, 4000, 5000, 6000, 8000, 12000], len(mig)))
    fee[mig[shape[group[mig]] == SHAPES.index("vietnamese")]] *= 3

    gids = id_strings("G", np.arange(n_groups), 4)
    gnames = pc.binary_join_element_wise(
        pa.array([f"{SHAPES[s]} network" for s in shape], type=pa.string()), gids, " "
    )
    assets = _assets(rng, people, role, n_fac)
    return World(
        people=people,
        role=role,
        group=group,
        second_group=second,
        group_shape=shape,
        group_ids=gids,
        group_names=gnames,
        link_src=links[0],
        link_dst=links[1],
        link_type=links[2],
        crossing_day=crossing,
        route=route,
        fee_eur=fee,
        assets=assets,
    )


def _assign_origin(rng: np.random.Generator, people: People, origin: np.ndarray) -> None:
    """Redraw names and nationality for people whose origin changes (vectorised per origin)."""
    tables = name_tables()
    for k, o in enumerate(tables.origins):
        rows = np.flatnonzero(origin == k)
        if len(rows) == 0:
            continue
        people.given_group[rows] = rng.choice(o.given_male, size=len(rows), p=o.given_male_p)
        people.family_group[rows] = rng.choice(o.family, size=len(rows), p=o.family_p)
        people.male[rows] = True
    people.origin[:] = origin
    off_g = np.minimum(rng.geometric(0.55, len(origin)) - 1, tables.group_size[people.given_group] - 1)
    off_f = np.minimum(rng.geometric(0.55, len(origin)) - 1, tables.group_size[people.family_group] - 1)
    people.given_spelling[:] = tables.group_start[people.given_group] + off_g
    people.family_spelling[:] = tables.group_start[people.family_group] + off_f
    nat = pa.array([o.nationality for o in tables.origins], type=pa.string())
    people.nationality = nat.take(pa.array(origin.astype(np.int32)))


def _concat_people(a: People, b: People) -> People:
    shift = len(a.phone_owner)
    return People(
        ids=pa.concat_arrays([a.ids, b.ids]),
        origin=np.concatenate([a.origin, b.origin]),
        male=np.concatenate([a.male, b.male]),
        given_group=np.concatenate([a.given_group, b.given_group]),
        family_group=np.concatenate([a.family_group, b.family_group]),
        given_spelling=np.concatenate([a.given_spelling, b.given_spelling]),
        family_spelling=np.concatenate([a.family_spelling, b.family_spelling]),
        dob=np.concatenate([a.dob, b.dob]),
        nationality=pa.concat_arrays([a.nationality, b.nationality]),
        city=np.concatenate([a.city, b.city]),
        email=pa.concat_arrays([a.email, b.email]),
        passport=pa.concat_arrays([a.passport, b.passport]),
        phone_start=np.concatenate([a.phone_start, b.phone_start + shift]),
        phone_count=np.concatenate([a.phone_count, b.phone_count]),
        phone_cc=pa.concat_arrays([a.phone_cc, b.phone_cc]),
        phone_nsn=np.concatenate([a.phone_nsn, b.phone_nsn]),
        phone_owner=np.concatenate([a.phone_owner, b.phone_owner + a.n]),
    )


def _links(
    rng: np.random.Generator,
    role: np.ndarray,
    group: np.ndarray,
    second: np.ndarray,
    fac_group: np.ndarray,
    first_of_group: np.ndarray,
    sizes: np.ndarray,
    n_fac: int,
    mig: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True links: hierarchy/chain inside groups, cross-group supply, migrant links."""
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    typ: list[np.ndarray] = []
    fac = np.arange(n_fac)
    pos = fac - first_of_group[fac_group]
    size = sizes[fac_group]
    # Hierarchy: member i reports to a member with a smaller position (preferential to the top).
    boss_pos = np.floor(pos * rng.random(n_fac) ** 2).astype(np.int64)
    has_boss = pos > 0
    src.append(fac[has_boss])
    dst.append((first_of_group[fac_group] + boss_pos)[has_boss])
    typ.append(np.zeros(int(has_boss.sum()), np.int8))
    # Extra ties inside groups (density grows with group size ~ 1.5 per member).
    extra = rng.random(n_fac) < 0.75
    other = first_of_group[fac_group] + rng.integers(0, 1 << 30, n_fac) % size
    keep = extra & (other != fac)
    src.append(fac[keep])
    dst.append(other[keep])
    typ.append(np.where(rng.random(int(keep.sum())) < 0.1, 1, 0).astype(np.int8))
    # Cross-group suppliers link to the other group's first organiser.
    sh = np.flatnonzero(second[:n_fac] >= 0)
    src.append(sh)
    dst.append(first_of_group[second[sh]])
    typ.append(np.full(len(sh), LINK_TYPES.index("supplier"), np.int8))
    # Migrants: smuggled by a recruiter (or any member) of their group; paid a money handler.
    g = group[mig]
    recruiter = _member_with_role(rng, role, fac_group, first_of_group, sizes, g, R["recruiter"])
    handler = _member_with_role(rng, role, fac_group, first_of_group, sizes, g, R["money_handler"])
    src.extend([mig, mig])
    dst.extend([recruiter, handler])
    typ.extend(
        [
            np.full(len(mig), LINK_TYPES.index("smuggled_by"), np.int8),
            np.full(len(mig), LINK_TYPES.index("paid"), np.int8),
        ]
    )
    return np.concatenate(src), np.concatenate(dst), np.concatenate(typ)


def _member_with_role(
    rng: np.random.Generator,
    role: np.ndarray,
    fac_group: np.ndarray,
    first_of_group: np.ndarray,
    sizes: np.ndarray,
    groups: np.ndarray,
    wanted: int,
) -> np.ndarray:
    """For each entry of ``groups``, a random member with role ``wanted`` (else any member).

    Vectorised through a sorted (group, role) index: O(members + queries log members).
    """
    n_fac = len(fac_group)
    has = role[:n_fac] == wanted
    members = np.flatnonzero(has)
    counts = np.bincount(fac_group[members], minlength=len(sizes))
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    c = counts[groups]
    pick_any = first_of_group[groups] + (rng.random(len(groups)) * sizes[groups]).astype(np.int64)
    r = (rng.random(len(groups)) * np.maximum(c, 1)).astype(np.int64)
    pick_role = members[np.minimum(starts[groups] + r, max(len(members) - 1, 0))] if len(members) else pick_any
    return np.where(c > 0, pick_role, pick_any)


# --- assets ---------------------------------------------------------------------------

_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BOAT_NAMES = (
    "Sea Eagle", "Blue Star", "Freedom", "Hope", "Dolphin", "Liberty", "Amira",
    "Nour", "Aurora", "Morning Star", "Zephyr", "Kestrel",
)  # fmt: skip


def _base58check(payload: bytes) -> str:
    """Base58Check (Bitcoin P2PKH, TRON): written out because no dependency we ship has it."""
    check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(payload + check, "big")
    out = ""
    while num:
        num, rem = divmod(num, 58)
        out = _B58[rem] + out
    pad = len(payload + check) - len((payload + check).lstrip(b"\0"))
    return "1" * pad + out


_LUHN_DOUBLE = np.asarray([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], np.int64)



def _luhn_digit(body: np.ndarray, width: int) -> np.ndarray:
    """Luhn check digit of each ``width``-digit number, vectorised (O(n * width)).

    Same algorithm as ``stdnum.luhn.calc_check_digit``, which works on one string
    at a time; the tests cross-check the two. Digits are peeled off six at a time
    into int32 chunks (int64 division is several times slower), and doubled digits
    come from a lookup table.
    """
    total = np.zeros(len(body), dtype=np.int64)
    rest = np.asarray(body, dtype=np.int64)
    i = 0
    while i < width:
        k = min(6, width - i)
        chunk = (rest % 10**k).astype(np.int32)
        rest = rest // 10**k
        for j in range(k):
            d = chunk % 10
            chunk //= 10
            # the rightmost body digit is doubled (the check digit goes after it)
            total += _LUHN_DOUBLE[d] if (i + j) % 2 == 0 else d
        i += k
    return (10 - total % 10) % 10


def _iban_check(bban: np.ndarray, length: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """ISO 7064 mod 97-10 check digits of many IBANs at once (O(n * 22)).

    Same result as ``stdnum.iban.calc_check_digits`` (the tests cross-check),
    vectorised because a million calls to it take seconds.
    """
    n = len(bban)
    rem = np.zeros(n, dtype=np.int64)

    def feed(col: np.ndarray, active: np.ndarray) -> None:
        col = col.astype(np.int64)
        letter = col >= 65
        val = np.where(letter, col - 55, col - 48)
        new = np.where(letter, (rem * 100 + val) % 97, (rem * 10 + val) % 97)
        rem[:] = np.where(active, new, rem)

    for j in range(bban.shape[1]):
        feed(bban[:, j], j < length)
    for j in range(2):
        feed(cc[:, j], np.ones(n, bool))
    feed(np.full(n, 48), np.ones(n, bool))
    feed(np.full(n, 48), np.ones(n, bool))
    return 98 - rem


IBAN_COUNTRIES = ("GB", "DE", "NL", "FR", "BE", "IT", "TR")
_IBAN_SHARE = (0.4, 0.15, 0.08, 0.12, 0.08, 0.07, 0.10)
_BBAN_LEN = {"GB": 18, "DE": 18, "NL": 14, "FR": 23, "BE": 12, "IT": 23, "TR": 22}
_GB_BANKS = b"NWBKBARCLOYDHBUKMONZ"
_NL_BANKS = b"INGBABNARABOKNABBUNQ"
_BE_BANKS = b"001068096310363630735751973063"  # Belgian bank codes (public registry)
# CIN (Italian BBAN check letter): values of the characters in odd positions.
_CIN_ODD = np.asarray([1, 0, 5, 7, 9, 13, 15, 17, 19, 21], np.int64)


def _number(cols: np.ndarray) -> np.ndarray:
    """ASCII digit columns -> int64 (at most 18 digits). O(n x width)."""
    out = np.zeros(len(cols), np.int64)
    for j in range(cols.shape[1]):
        out = out * 10 + (cols[:, j].astype(np.int64) - 48)
    return out


def _two_digits(x: np.ndarray) -> np.ndarray:
    return np.stack([48 + x // 10, 48 + x % 10], axis=1).astype(np.uint8)


def _ibans(rng: np.random.Generator, n: int) -> pa.Array:
    """IBANs of seven countries with valid check digits, vectorised. O(n x 27).

    Besides the ISO 7064 mod-97 check digits, the national checks are computed:
    the French RIB key, the Belgian mod-97 pair and the Italian CIN letter, so that
    national validators accept them too (python-stdnum checks the Belgian one).
    """
    country = np.asarray(IBAN_COUNTRIES)[rng.choice(len(IBAN_COUNTRIES), n, p=_IBAN_SHARE)]
    digits = _digits(rng, n, 23)
    bban = np.zeros((n, 23), dtype=np.uint8)  # right-padded with NUL, trimmed below
    gb, de, nl, fr, be, it, tr = (country == c for c in IBAN_COUNTRIES)
    banks = np.frombuffer(_GB_BANKS, np.uint8).reshape(5, 4)[rng.integers(0, 5, n)]
    bban[gb, :4], bban[gb, 4:18] = banks[gb], digits[gb, :14]
    bban[de, :18] = digits[de, :18]
    nl_banks = np.frombuffer(_NL_BANKS, np.uint8).reshape(5, 4)[rng.integers(0, 5, n)]
    bban[nl, :4], bban[nl, 4:14] = nl_banks[nl], digits[nl, :10]
    # FR: bank(5) branch(5) account(11) RIB key(2) = 97 - (89 bank + 15 branch + 3 account) mod 97
    f = digits[fr]
    key = 97 - (89 * _number(f[:, :5]) + 15 * _number(f[:, 5:10]) + 3 * _number(f[:, 10:21])) % 97
    bban[fr, :21], bban[fr, 21:23] = f[:, :21], _two_digits(key)
    # BE: bank(3) account(7) check(2) = first ten digits mod 97 (97 for 0)
    b = digits[be]
    b[:, :3] = np.frombuffer(_BE_BANKS, np.uint8).reshape(-1, 3)[rng.integers(0, len(_BE_BANKS) // 3, len(b))]
    rem = _number(b[:, :10]) % 97
    bban[be, :10], bban[be, 10:12] = b[:, :10], _two_digits(np.where(rem == 0, 97, rem))
    # IT: CIN letter, ABI(5) CAB(5) account(12); CIN from odd/even position values
    i = digits[it, :22]
    val = i.astype(np.int64) - 48
    odd = _CIN_ODD[val[:, 0::2]].sum(axis=1)  # 1st, 3rd, ... characters
    even = val[:, 1::2].sum(axis=1)
    bban[it, 0], bban[it, 1:23] = (65 + (odd + even) % 26).astype(np.uint8), i
    # TR: bank(5), reserved 0, account(16)
    t = digits[tr]
    bban[tr, :5], bban[tr, 5], bban[tr, 6:22] = t[:, :5], 48, t[:, 6:22]
    length = np.zeros(n, np.int64)
    for c, mask in zip(IBAN_COUNTRIES, (gb, de, nl, fr, be, it, tr), strict=True):
        length[mask] = _BBAN_LEN[c]
    cc = np.frombuffer("".join(country.tolist()).encode(), np.uint8).reshape(n, 2) if n else np.zeros((0, 2), np.uint8)
    full = np.concatenate([cc, _two_digits(_iban_check(bban, length, cc)), bban], axis=1)
    raw = pa.array(np.ascontiguousarray(full).view("S27").ravel(), type=pa.binary(27)).cast(pa.string())
    return pc.utf8_rtrim(raw, characters="\x00")


def _letters(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return _LETTERS[rng.integers(0, len(_LETTERS), (n, k))]


def _digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(48, 58, (n, k), dtype=np.uint8)


def _join_cols(*cols: np.ndarray | bytes) -> pa.Array:
    n = next(len(c) for c in cols if isinstance(c, np.ndarray))
    parts = [
        c if isinstance(c, np.ndarray) else np.tile(np.frombuffer(c, np.uint8), (n, 1)) for c in cols
    ]
    arr = np.ascontiguousarray(np.concatenate(parts, axis=1))
    return pa.array(arr.view(f"S{arr.shape[1]}").ravel(), type=pa.binary(arr.shape[1])).cast(pa.string())


def _plates(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """Registration numbers per country code: GB 'AB12CDE', FR 'AB-123-CD', BE '1-ABC-234',
    NL 'AB-123-C', DE 'K-AB1234' (written with spaces/hyphens as issued)."""
    n = len(country)
    gb = _join_cols(_letters(rng, n, 2), _digits(rng, n, 2), b" ", _letters(rng, n, 3))
    fr = _join_cols(_letters(rng, n, 2), b"-", _digits(rng, n, 3), b"-", _letters(rng, n, 2))
    be = _join_cols(b"1-", _letters(rng, n, 3), b"-", _digits(rng, n, 3))
    nl = _join_cols(_letters(rng, n, 2), b"-", _digits(rng, n, 3), b"-", _letters(rng, n, 1))
    de = _join_cols(b"K ", _letters(rng, n, 2), b" ", _digits(rng, n, 4))
    out = gb
    for code, arr in (("FR", fr), ("BE", be), ("NL", nl), ("DE", de)):
        out = pc.if_else(pa.array(country == code), arr, out)
    return out


def _assets(rng: np.random.Generator, people: People, role: np.ndarray, n_fac: int) -> Assets:
    """Vehicles for drivers, boats for suppliers, IBANs, wallets, handles, handsets."""
    fac_roles = role[:n_fac]
    drivers = np.flatnonzero(fac_roles == R["driver"])
    organisers = np.flatnonzero(fac_roles == R["organiser"])
    v_owner = np.concatenate([np.repeat(drivers, 2), organisers])
    nv = len(v_owner)
    v_country = np.asarray(["GB", "FR", "BE", "NL", "DE"])[rng.choice(5, nv, p=[0.5, 0.15, 0.1, 0.1, 0.15])]
    kinds = np.asarray(["car", "van", "lorry", "trailer"])
    v_kind = kinds[rng.choice(4, nv, p=[0.35, 0.3, 0.2, 0.15])]
    v_kind[nv - len(organisers) :] = "car"

    suppliers = np.flatnonzero(fac_roles == R["boat_supplier"])
    ns = len(suppliers)
    boat_names = np.asarray(_BOAT_NAMES)[rng.integers(0, len(_BOAT_NAMES), ns)]
    mmsi = rng.integers(0, 10**6, ns)
    mid = np.asarray(["235", "227", "205", "211"])[rng.integers(0, 4, ns)]
    mmsi_s = [f"{m}{x:06d}" for m, x in zip(mid.tolist(), mmsi.tolist(), strict=True)]

    # IBANs: money handlers (2 each), organisers (1), 10% of migrants.
    handlers = np.flatnonzero(fac_roles == R["money_handler"])
    mig = n_fac + np.flatnonzero(rng.random(people.n - n_fac) < 0.1)
    i_owner = np.concatenate([np.repeat(handlers, 2), organisers, mig])
    ibans_arr = _ibans(rng, len(i_owner))
    # Wallets: money handlers and organisers; TRON (USDT) 70%, Bitcoin P2PKH 30%.
    w_owner = np.concatenate([handlers, organisers])
    nw = len(w_owner)
    payload = rng.integers(0, 256, (nw, 20), dtype=np.uint8)
    tron = rng.random(nw) < 0.7
    wallets = [
        _base58check((b"\x41" if t else b"\x00") + bytes(p))
        for t, p in zip(tron.tolist(), payload, strict=True)
    ]

    # Handles: recruiters (1-2), organisers (1).
    recruiters = np.flatnonzero(fac_roles == R["recruiter"])
    h_owner = np.concatenate([recruiters, recruiters[rng.random(len(recruiters)) < 0.5], organisers])
    nh = len(h_owner)
    tables = name_tables()
    given = tables.ascii_base.take(pa.array(people.given_spelling[h_owner]))
    suffix = pa.array(rng.integers(1, 999, nh)).cast(pa.string())
    tag = pa.array(np.asarray(["uk", "travel", "smart", "trip", "vip", "safe"])[rng.integers(0, 6, nh)])
    handle = pc.binary_join_element_wise(given, tag, suffix, "_")
    platform = pa.array(np.asarray(["tiktok", "facebook", "telegram", "instagram"])[rng.integers(0, 4, nh)])

    # Handsets: one IMEI per phone row (churn: a new SIM often goes into the same handset).
    n_ph = len(people.phone_owner)
    tac = np.asarray([35209900, 35332011, 86769304, 35875810, 35414510])[rng.integers(0, 5, n_ph)]
    body = tac.astype(np.int64) * 10**6 + rng.integers(0, 10**6, n_ph)
    return Assets(
        vehicle_plate=_plates(rng, v_country),
        vehicle_kind=pa.array(v_kind),
        vehicle_country=pa.array(v_country),
        vehicle_owner=v_owner,
        vessel_name=pa.array(boat_names),
        vessel_mmsi=pa.array(mmsi_s, type=pa.string()),
        vessel_owner=suppliers,
        iban=ibans_arr,
        iban_owner=i_owner,
        wallet=pa.array(wallets, type=pa.string()),
        wallet_owner=w_owner,
        handle=handle,
        handle_platform=platform,
        handle_owner=h_owner,
        imei_body=body,
    )
