"""Record writers: what each source hands over, plus the truth rows behind it.

Each writer draws its rows from the :class:`~crosslink.simulate.world.World`
with numpy, writes them in chunks (so memory stays flat at a million people),
and appends ``(record_id, file, entity_id, field)`` rows to the truth writer.
Everything is vectorised; free-text files are assembled column-wise too (see
:mod:`crosslink.simulate.text` and :mod:`crosslink.simulate.reports`).
Complexity O(records) per writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crosslink.simulate.names import name_tables, places
from crosslink.simulate.noise import (
    DEFAULT_NOISE,
    format_phones,
    noisy_dates,
    noisy_name,
    null_where,
    take_strings,
)
from crosslink.simulate.people import id_strings, person_record_table, record_counts
from crosslink.simulate.text import SpanTable, jsonl_lines, lines_bytes
from crosslink.simulate.world import LINK_TYPES, NON_SUSPECT_ROLES, ROLES, SHAPES, World

__all__ = [
    "Sink",
    "FORCES",
    "PARTNERS",
    "NOMINAL_SOURCES",
    "SHARED_TRUTH",
    "part_path",
    "FIRST_PART",
    "quoting",
    "write_nominals",
    "write_calls",
    "write_transfers",
    "write_anpr",
    "write_seized_contacts",
]

CHUNK = 250_000
FORCES = (
    ("kent", "Kent Police", "force"),
    ("met", "Metropolitan Police Service", "force"),
    ("nca", "National Crime Agency", "agency"),
)
NOMINAL_SOURCES = FORCES + (("bf", "Border Force", "agency"),)
PARTNERS = (
    ("fr", "Police aux frontières (OLTIM)", "fr"),
    ("be", "Federal Judicial Police Belgium", "nl"),
    ("nl", "Koninklijke Marechaussee", "nl"),
    ("de", "Bundespolizei", "de"),
)
_START = np.datetime64("2022-01-01")
_ROLE_IDX = {r: i for i, r in enumerate(ROLES)}
_NON_SUSPECT = np.asarray([_ROLE_IDX[r] for r in NON_SUSPECT_ROLES])


SHARED_TRUTH = ("truth/records.csv", "truth/spans.jsonl", "truth/damaged.jsonl")
"""Truth files every writer appends to. A writer running in its own process (see
:func:`crosslink.simulate.scenario.simulate`) writes them as headerless parts that
are concatenated in a fixed order afterwards."""


FIRST_PART = "00"
UNQUOTED = ("truth/records.csv", "records/calls.csv")
"""Files whose values are ids, numbers and codes that never hold a comma, quote or
line break: written without quotes (a third cheaper; Arrow raises if a value would
need them)."""


def quoting(rel: str) -> str:
    return "none" if rel in UNQUOTED else "needed"


def part_path(out: Path, part: str, rel: str) -> Path:
    return out / ".parts" / f"{part}-{Path(rel).name}"


class Sink:
    """Open output files of one scenario and count what was written to each.

    With ``part``, the :data:`SHARED_TRUTH` files go to ``out/.parts/<part>-<name>``
    without a CSV header, so several sinks can write one scenario at once.
    """

    def __init__(self, out: Path, part: str | None = None) -> None:
        self.out = out
        self.part = part
        for sub in ("records", "mappings", "truth", *((".parts",) if part else ())):
            (out / sub).mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, int] = {}
        self._writers: dict[str, pacsv.CSVWriter] = {}
        self._handles: dict[str, IO[bytes]] = {}
        self.truth_rows = 0

    def _path(self, rel: str) -> Path:
        return part_path(self.out, self.part, rel) if self.part and rel in SHARED_TRUTH else self.out / rel

    def csv(self, rel: str, table: pa.Table) -> None:
        """Append a table to ``out/rel`` (header once). O(rows)."""
        w = self._writers.get(rel)
        if w is None:
            # parts carry no header, except the first writer's (the merge renames it)
            header = not (self.part and rel in SHARED_TRUTH) or self.part == FIRST_PART
            options = pacsv.WriteOptions(include_header=header, quoting_style=quoting(rel))
            w = pacsv.CSVWriter(str(self._path(rel)), table.schema, write_options=options)
            self._writers[rel] = w
        w.write_table(table)
        if rel.startswith("records/"):
            self.counts[rel] = self.counts.get(rel, 0) + table.num_rows

    def binary(self, rel: str) -> IO[bytes]:
        h = self._handles.get(rel)
        if h is None:
            h = open(self._path(rel), "wb")  # noqa: SIM115
            self._handles[rel] = h
        return h

    def jsonl(self, rel: str, columns: dict[str, pa.Array]) -> None:
        """Append rows as JSON lines (keys in column order), vectorised. O(rows)."""
        n = len(next(iter(columns.values())))
        self.binary(rel).write(lines_bytes(jsonl_lines(columns)))
        if rel.startswith("records/"):
            self.counts[rel] = self.counts.get(rel, 0) + n

    def truth(self, record_id: pa.Array, file: str, entity: pa.Array, field: str | pa.Array) -> None:
        n = len(record_id)
        f = pa.repeat(pa.scalar(field, pa.string()), n) if isinstance(field, str) else field
        t = pa.table(
            {
                "record_id": record_id,
                "file": pa.repeat(pa.scalar(file, pa.string()), n),
                "entity_id": entity,
                "field": f,
            }
        )
        if entity.null_count:  # a filter copies every string: only when needed
            t = t.filter(pc.is_valid(t.column("entity_id")))
        self.truth_rows += t.num_rows
        self.csv("truth/records.csv", t)

    def spans(self, record_ids: pa.Array, file: str, gold: SpanTable, damaged: SpanTable) -> None:
        """Gold spans of a batch of text records (``record_ids`` per row), the entities
        they mention (truth rows ``mention:<type>``), and the OCR-damaged selectors
        that are not gold (``truth/damaged.jsonl``). Vectorised, O(spans)."""
        for table, rel, field in ((gold, "truth/spans.jsonl", "mention:"), (damaged, "truth/damaged.jsonl", "damaged:")):
            if len(table) == 0:
                continue
            rid = record_ids.take(pa.array(table.row))
            m = len(table)
            cols: dict[str, pa.Array] = {
                "record_id": rid,
                "file": pa.repeat(pa.scalar(file, pa.string()), m),
                "type": table.type,
                "start": pa.array(table.start),
                "end": pa.array(table.end),
                "value": table.value,
            }
            if rel == "truth/damaged.jsonl":
                cols["written"] = table.written
            self.binary(rel).write(lines_bytes(jsonl_lines(cols)))
            self.truth(rid, file, table.entity, pc.binary_join_element_wise(field, table.type, ""))

    def close(self) -> None:
        for w in self._writers.values():
            w.close()
        for h in self._handles.values():
            h.close()


def _chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(n, start + CHUNK))


def _iso_times(day: np.ndarray, seconds: np.ndarray) -> pa.Array:
    t = _START.astype("datetime64[s]") + day.astype("timedelta64[D]") + seconds.astype(
        "timedelta64[s]"
    )
    return pc.replace_substring(pa.array(t).cast(pa.string()), " ", "T")


def _phone_row(rng: np.random.Generator, world: World, person: np.ndarray) -> np.ndarray:
    p = world.people
    return p.phone_start[person] + (rng.random(len(person)) * p.phone_count[person]).astype(
        np.int64
    )


def _e164(world: World, rows: np.ndarray) -> pa.Array:
    """E.164 strings of phone rows: a take from the per-phone array built once per
    process (:func:`_all_e164`). O(len(rows))."""
    return _all_e164(world).take(pa.array(rows))


def _all_e164(world: World) -> pa.Array:
    """Every phone of the world in E.164, built once per world and process. O(phones)."""
    if world.e164_cache is None:
        p = world.people
        world.e164_cache = pc.binary_join_element_wise(
            "+", p.phone_cc, pa.array(p.phone_nsn).cast(pa.string()), ""
        )
    return world.e164_cache


def _first_of(owner: np.ndarray, n: int) -> np.ndarray:
    """Per person, the index of their first asset (-1 if none). O(assets)."""
    first = np.full(n, -1, dtype=np.int64)
    first[owner[::-1]] = np.arange(len(owner))[::-1]
    return first


# --- nominals ------------------------------------------------------------------------------


def write_nominals(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Structured person records per force: facilitators are known to several forces
    (mean 2.5 records each), Border Force holds arriving migrants, witnesses and
    unrelated namesakes appear once."""
    role = world.role
    n = world.n
    fac = role < _ROLE_IDX["migrant"]
    counts = np.where(fac, record_counts(rng, n, 2.5), 1 + (rng.random(n) < 0.15))
    person = np.repeat(np.arange(n), counts)
    person = person[rng.permutation(len(person))]
    source = np.where(
        fac[person],
        rng.integers(0, len(FORCES), len(person)),
        np.where(rng.random(len(person)) < 0.8, len(FORCES), rng.integers(0, len(FORCES), len(person))),
    )
    recorded_role = pa.array(np.where(np.isin(role[person], _NON_SUSPECT), role[person], -1))
    labels = pa.array(list(ROLES) + ["suspect"], pa.string())
    recorded_role = labels.take(pc.if_else(pc.equal(recorded_role, -1), len(ROLES), recorded_role))
    for k, (code, _name, _kind) in enumerate(NOMINAL_SOURCES):
        rows = np.flatnonzero(source == k)
        for sl in _chunks(len(rows)):
            sub = rows[sl]
            ids = id_strings(f"NOM-{code.upper()}-", sl.start + np.arange(len(sub)), 7)
            t = person_record_table(
                rng, world.people, person[sub], record_ids=ids, sources=pa.nulls(len(sub), pa.string())
            )
            report = id_strings(f"{code.upper()}/NOM/", (sl.start + np.arange(len(sub))) // 20, 6)
            out = pa.table(
                {
                    "record_id": ids,
                    "report_ref": report,
                    "forename": t.column("first_name"),
                    "surname": t.column("last_name"),
                    "dob": t.column("birth_date"),
                    "nationality": t.column("nationality"),
                    "phone": t.column("phone"),
                    "email": t.column("email"),
                    "passport": t.column("passport_number"),
                    "city": t.column("city"),
                    "role": recorded_role.take(pa.array(sub)),
                }
            )
            rel = f"records/nominals_{code}.csv"
            sink.csv(rel, out)
            sink.truth(ids, rel, t.column("true_id"), "person")


# --- calls -----------------------------------------------------------------------------------


def write_calls(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Call records: ~6 calls per facilitator tie, ~2 per migrant-recruiter tie, near
    the crossing date; the caller's cell site follows the group's route."""
    lt = world.link_type
    fac_tie = lt <= LINK_TYPES.index("family")
    fac_tie |= lt == LINK_TYPES.index("supplier")
    mig_tie = lt == LINK_TYPES.index("smuggled_by")
    per = np.where(fac_tie, rng.poisson(6, len(lt)), np.where(mig_tie, rng.poisson(2, len(lt)), 0))
    link = np.repeat(np.arange(len(lt)), per)
    link = link[rng.permutation(len(link))]
    sites = places().cell_sites
    site_ids = pa.array([s for s, _ in sites], pa.string())
    n = len(link)
    for sl in _chunks(n):
        li = link[sl]
        m = len(li)
        flip = rng.random(m) < 0.5
        a = np.where(flip, world.link_dst[li], world.link_src[li])
        b = np.where(flip, world.link_src[li], world.link_dst[li])
        ra, rb = _phone_row(rng, world, a), _phone_row(rng, world, b)
        cross = np.maximum(world.crossing_day[world.link_src[li]], world.crossing_day[world.link_dst[li]])
        day = np.where(cross >= 0, np.maximum(cross - rng.integers(0, 30, m), 0), rng.integers(0, 910, m))
        secs = rng.integers(6 * 3600, 24 * 3600, m)
        ids = id_strings("CALL-", sl.start + np.arange(m), 9)
        out = pa.table(
            {
                "call_id": ids,
                "a_number": _e164(world, ra),
                "b_number": _e164(world, rb),
                "start": _iso_times(day, secs),
                "duration_s": pa.array(np.maximum(1, rng.lognormal(4.2, 1.0, m)).astype(np.int64)),
                "cell_site": site_ids.take(pa.array((a * 7 + rng.integers(0, 2, m)) % len(sites))),
            }
        )
        rel = "records/calls.csv"
        sink.csv(rel, out)
        p = world.people.ids
        sink.truth(ids, rel, p.take(pa.array(a)), "caller")
        sink.truth(ids, rel, p.take(pa.array(b)), "receiver")


# --- transfers -------------------------------------------------------------------------------


def write_transfers(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Money transfers: each migrant pays the group's money handler (hawala 60%, bank
    25%, crypto 15%) before crossing; handlers pass money on to organisers."""
    lt = world.link_type
    paid = np.flatnonzero(lt == LINK_TYPES.index("paid"))
    fac_links = np.flatnonzero(lt == 0)
    upstream = fac_links[world.role[world.link_src[fac_links]] == _ROLE_IDX["money_handler"]]
    upstream = np.repeat(upstream, rng.poisson(5, len(upstream)))
    links = np.concatenate([paid, upstream])
    n = len(links)
    a = world.assets
    iban_of = _first_of(a.iban_owner, world.n)
    wallet_of = _first_of(a.wallet_owner, world.n)
    p = world.people
    for sl in _chunks(n):
        li = links[sl]
        m = len(li)
        s, r = world.link_src[li], world.link_dst[li]
        method = rng.choice(3, m, p=[0.6, 0.25, 0.15])
        method[iban_of[r] < 0] = np.where(method[iban_of[r] < 0] == 1, 0, method[iban_of[r] < 0])
        method[(method == 2) & (wallet_of[r] < 0)] = 0
        cross = world.crossing_day[s]
        day = np.where(cross >= 0, np.maximum(cross - rng.integers(1, 21, m), 0), rng.integers(0, 910, m))
        amount = np.where(cross >= 0, world.fee_eur[s], rng.integers(5, 60, m) * 1000)
        currency = np.where(rng.random(m) < 0.5, "EUR", np.where(rng.random(m) < 0.6, "GBP", "USD"))
        names_s = _noisy_full_names(rng, world, s)
        names_r = _noisy_full_names(rng, world, r)
        acct_s = pc.if_else(
            pa.array((method == 1) & (iban_of[s] >= 0)), a.iban.take(pa.array(np.maximum(iban_of[s], 0))), pa.nulls(m, pa.string())
        )
        acct_r = pc.if_else(
            pa.array(method == 1),
            a.iban.take(pa.array(np.maximum(iban_of[r], 0))),
            pc.if_else(pa.array(method == 2), a.wallet.take(pa.array(np.maximum(wallet_of[r], 0))), pa.nulls(m, pa.string())),
        )
        ids = id_strings("TRF-", sl.start + np.arange(m), 9)
        srow = _phone_row(rng, world, s)
        phone_s, _ = format_phones(rng, p.phone_cc.take(pa.array(srow)), p.phone_nsn[srow])
        out = pa.table(
            {
                "transfer_id": ids,
                "date": pa.array(_START + day.astype("timedelta64[D]")).cast(pa.string()),  # ISO; strftime is 20x slower
                "method": pa.array(np.asarray(["hawala", "bank", "crypto"])[method]),
                "sender_name": names_s,
                "sender_phone": null_where(phone_s, rng.random(m) < 0.3),
                "sender_account": acct_s,
                "receiver_name": names_r,
                "receiver_account": acct_r,
                "amount": pa.array(amount),
                "currency": pa.array(currency),
            }
        )
        rel = "records/transfers.csv"
        sink.csv(rel, out)
        sink.truth(ids, rel, p.ids.take(pa.array(s)), "sender")
        sink.truth(ids, rel, p.ids.take(pa.array(r)), "receiver")


def _noisy_full_names(rng: np.random.Generator, world: World, person: np.ndarray) -> pa.Array:
    t = name_tables()
    p = world.people
    g = noisy_name(rng, t, p.given_group[person], p.given_spelling[person], translit=0.2, typo=0.03, upper=0.0)
    f = noisy_name(rng, t, p.family_group[person], p.family_spelling[person], translit=0.2, typo=0.03, upper=0.3)
    return pc.binary_join_element_wise(take_strings(t, g), take_strings(t, f), " ")


# --- ANPR ------------------------------------------------------------------------------------


def write_anpr(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """ANPR reads: ~15 per network vehicle (UK sites, near crossings), background
    traffic of unrelated plates, and 2% misreads (one character)."""
    a = world.assets
    nv = len(a.vehicle_plate)
    veh = np.repeat(np.arange(nv), rng.poisson(15, nv))
    n_bg = max(10, world.n // 5)
    from crosslink.simulate.world import _plates

    bg_plates = _plates(rng, np.full(max(1, n_bg // 3), "GB"))
    n = len(veh) + n_bg
    kind = np.concatenate([veh, -1 - rng.integers(0, len(bg_plates), n_bg)])
    kind = kind[rng.permutation(n)]
    sites = places().anpr_sites
    cams = pa.array([c for c, _ in sites], pa.string())
    site_names = pa.array([s for _, s in sites], pa.string())
    for sl in _chunks(n):
        k = kind[sl]
        m = len(k)
        own = k >= 0
        plate = pc.if_else(
            pa.array(own), a.vehicle_plate.take(pa.array(np.maximum(k, 0))), bg_plates.take(pa.array(np.maximum(-1 - k, 0)))
        )
        plate = pc.replace_substring(plate, " ", "")
        plate = pc.replace_substring(plate, "-", "")
        mis = rng.random(m) < 0.02
        plate = pc.if_else(pa.array(mis), pc.replace_substring(plate, "O", "0"), plate)
        plate = pc.if_else(pa.array(mis), pc.replace_substring(plate, "I", "1"), plate)
        site = rng.integers(0, len(sites), m)
        ids = id_strings("ANPR-", sl.start + np.arange(m), 9)
        day = rng.integers(0, 910, m)
        out = pa.table(
            {
                "read_id": ids,
                "plate": plate,
                "camera": cams.take(pa.array(site)),
                "site": site_names.take(pa.array(site)),
                "time": _iso_times(day, rng.integers(0, 86400, m)),
            }
        )
        rel = "records/anpr.csv"
        sink.csv(rel, out)
        vid = id_strings("V", np.maximum(k, 0), 7)
        sink.truth(ids, rel, null_where(vid, ~own), "vehicle")


# --- seized contacts -------------------------------------------------------------------------


def write_seized_contacts(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Contact lists from seized phones of arrested facilitators (30%): their ties,
    saved under nicknames, given names or kinship terms ("Kaka Rebwar")."""
    fac = np.flatnonzero(world.role < _ROLE_IDX["migrant"])
    seized = fac[rng.random(len(fac)) < 0.3]
    is_seized = np.zeros(world.n, bool)
    is_seized[seized] = True
    src, dst = world.link_src, world.link_dst
    owner = np.concatenate([src[is_seized[src]], dst[is_seized[dst]]])
    contact = np.concatenate([dst[is_seized[src]], src[is_seized[dst]]])
    order = np.argsort(owner, kind="stable")
    owner, contact = owner[order], contact[order]
    m = len(owner)
    if m == 0:
        return
    t = name_tables()
    p = world.people
    given = take_strings(t, noisy_name(rng, t, p.given_group[contact], p.given_spelling[contact], translit=0.3, typo=0.02, upper=0.0))
    family = take_strings(t, p.family_spelling[contact])
    style = rng.integers(0, 4, m)
    name = given
    name = pc.if_else(pa.array(style == 1), pc.binary_join_element_wise("Kaka", given, " "), name)
    name = pc.if_else(pa.array(style == 2), pc.binary_join_element_wise(given, family, " "), name)
    name = pc.if_else(pa.array(style == 3), pc.binary_join_element_wise(given, pa.array(np.asarray(["UK", "Calais", "Hawala", "Boat", "Taxi", "Dunkirk"])[rng.integers(0, 6, m)]), " "), name)
    dev_row = world.people.phone_start[owner]
    con_row = _phone_row(rng, world, contact)
    written, _ = format_phones(rng, p.phone_cc.take(pa.array(con_row)), p.phone_nsn[con_row])
    ids = id_strings("CON-", np.arange(m), 8)
    # The exhibit record names the person the handset was seized from, as written
    # at arrest (with the usual noise), so the owner resolves to a real person.
    owners, first = np.unique(owner, return_inverse=True)
    seized_from = person_record_table(
        rng, p, owners, record_ids=id_strings("EXH/", owners, 7), sources=pa.nulls(len(owners), pa.string())
    )
    at = pa.array(first)
    out = pa.table(
        {
            "contact_id": ids,
            "exhibit_ref": id_strings("EXH/", owner, 7),
            "seized_from_forename": seized_from.column("first_name").take(at),
            "seized_from_surname": seized_from.column("last_name").take(at),
            "seized_from_dob": seized_from.column("birth_date").take(at),
            "device_imei": world.assets.imei(dev_row),
            "device_number": _e164(world, dev_row),
            "contact_name": name,
            "contact_number": written,
        }
    )
    rel = "records/seized_contacts.csv"
    sink.csv(rel, out)
    sink.truth(ids, rel, p.ids.take(pa.array(owner)), "device_owner")
    sink.truth(ids, rel, p.ids.take(pa.array(contact)), "contact")


@dataclass
class Mentions:
    """How the people mentioned in text reports are written (one entry per mention)."""

    given: pa.Array
    family: pa.Array
    dob: pa.Array  # ISO, partial ISO or null
    phone_written: pa.Array
    phone_e164: pa.Array


def prepare_mentions(rng: np.random.Generator, world: World, person: np.ndarray) -> Mentions:
    """Noisy names, dates of birth and phones of the people a batch of reports mentions.

    Vectorised with the record-level noise of :mod:`crosslink.simulate.noise`. O(n).
    """
    t = name_tables()
    p = world.people
    r = DEFAULT_NOISE
    g = noisy_name(rng, t, p.given_group[person], p.given_spelling[person], translit=r.name_translit, typo=r.name_typo, upper=0.0)
    f = noisy_name(rng, t, p.family_group[person], p.family_spelling[person], translit=r.name_translit, typo=r.name_typo, upper=0.0)
    dob, _ = noisy_dates(rng, p.dob[person], r)
    rows = _phone_row(rng, world, person)
    written, e164 = format_phones(rng, p.phone_cc.take(pa.array(rows)), p.phone_nsn[rows])
    return Mentions(
        given=take_strings(t, g), family=take_strings(t, f), dob=dob, phone_written=written, phone_e164=e164
    )


def shape_places(world: World, group: int) -> tuple[str, ...]:
    """The route (canonical place names) a group's journeys follow."""
    shape = SHAPES[int(world.group_shape[group])]
    routes = places().routes[shape]
    return routes[group % len(routes)]
