"""Free-text sources: force intelligence logs, partner reports, online adverts.

Reports are assembled column-wise with :class:`~crosslink.simulate.text.TextColumns`:
every sentence is a piece (an Arrow array with one entry per report, null where
the report leaves the sentence out), so a whole file of reports and its gold
spans come from a few Arrow kernels, with no Python code per report. The only
Python loops run over distinct values (names, route places, groups) or over the
few percent of selectors that get OCR damage. O(reports).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import iban as stdnum_iban

from crosslink.simulate.names import places
from crosslink.simulate.people import id_strings
from crosslink.simulate.records import (
    FORCES,
    PARTNERS,
    Sink,
    _first_of,
    prepare_mentions,
    shape_places,
)
from crosslink.simulate.text import (
    SpanTable,
    TextColumns,
    display_names,
    european_dates,
    uk_dates,
    where,
)
from crosslink.simulate.world import LINK_TYPES, ROLES, World

__all__ = ["write_intel", "write_partner", "write_adverts", "ocr_damage", "OCR_RATE"]

_R = {r: i for i, r in enumerate(ROLES)}
_ACTIVITY = {
    "organiser": "is believed to organise small boat and lorry crossings",
    "recruiter": "is recruiting migrants for crossings and acts as an agent",
    "driver": "is transporting migrants",
    "boat_supplier": "is supplying boats and engines",
    "money_handler": "is operating as a hawaladar, holding payments for crossings",
    "safe_house": "is running a safe house for migrants awaiting crossing",
    "forger": "is supplying false identity documents",
    "pilot": "has piloted small boats",
    "facilitator": "is facilitating the movement of migrants",
    "migrant": "reports having paid for a crossing",
    "victim": "reports being held and forced to work to repay a debt",
    "witness": "has provided an account of a crossing",
    "unknown": "was encountered",
}
_GRADES = np.asarray(["1A", "1B", "2B", "2C", "3C", "2A", "3D", "1C", "2D", "3E"])
_GRADE_P = np.asarray([0.05, 0.15, 0.25, 0.2, 0.1, 0.08, 0.07, 0.04, 0.04, 0.02])
_DAYS = 910
_START = np.datetime64("2022-01-01")

OCR_RATE = 0.04
"""Share of intelligence logs and partner reports that reached the source as a scan
(OCR'd): their phones, IBANs and MMSIs carry O-for-0 / l-for-1 confusions."""


def _lit(text: str, mask: np.ndarray) -> pa.Array:
    """``text`` where ``mask``, null elsewhere (an optional literal piece)."""
    return where(mask, pa.repeat(pa.scalar(text, pa.string()), len(mask)))


def _dates(rng: np.random.Generator, n: int) -> pa.Array:
    day = rng.integers(0, _DAYS, n)
    return pa.array(_START + day.astype("timedelta64[D]")).cast(pa.string())


@dataclass(frozen=True)
class _Routes:
    """Every group's route flattened: canonical places, and per group where it starts,
    its length and the index (within it) of its last continental place, i.e. the
    last leg before the UK. Index ``len(places) - 1`` is Calais, the fallback for
    people without a group."""

    places: tuple[str, ...]
    start: np.ndarray
    length: np.ndarray
    last_continental: np.ndarray

    def pick(self, group: np.ndarray, back: np.ndarray, *, continental: bool = False) -> np.ndarray:
        """Index of the place ``back`` legs before the end of each group's route (``back``
        = 1 is the last place; with ``continental`` counting from the last place before
        the UK), clipped to the route; the fallback for ``group < 0``. O(n)."""
        g = np.maximum(group, 0)
        end = self.last_continental[g] + 1 if continental else self.length[g]
        pos = self.start[g] + np.clip(end - back, 0, self.length[g] - 1)
        return np.where(group >= 0, pos, len(self.places) - 1)

    def written(self, lang: str | None) -> pa.Array:
        pl = places()
        return pa.array([pl.localised(c, lang) if lang else c for c in self.places], pa.string())


def _routes(world: World) -> _Routes:
    """O(groups x route length): a loop over groups, not people."""
    uk = set(places().uk_cities)
    flat: list[str] = []
    start, length, last = [], [], []
    for g in range(len(world.group_shape)):
        r = shape_places(world, g)
        start.append(len(flat))
        length.append(len(r))
        last.append(max(i for i, c in enumerate(r) if c not in uk))
        flat.extend(r)
    flat.append("Calais")
    return _Routes(tuple(flat), np.asarray(start, np.int64), np.asarray(length, np.int64), np.asarray(last, np.int64))


def ocr_damage(
    rng: np.random.Generator, written: pa.Array, mask: np.ndarray, *, hits: int, skip: int = 0
) -> tuple[pa.Array, np.ndarray]:
    """OCR confusions in selectors: 1 to ``hits`` digits 0 -> "O" and 1 -> "l" per
    value, never in the first ``skip`` characters. Returns (text, which rows changed).

    A Python loop over the masked rows only (a few percent): Arrow has no kernel
    for a random substitution per row. O(masked rows x length).
    """
    rows = np.flatnonzero(mask & pc.is_valid(written).to_numpy(zero_copy_only=False))
    changed = np.zeros(len(written), bool)
    if len(rows) == 0:
        return written, changed
    values = written.take(pa.array(rows)).to_pylist()
    draws = rng.random((len(rows), hits))
    count = rng.integers(1, hits + 1, len(rows))
    out: list[str] = []
    for k, v in enumerate(values):
        chars = list(v)
        candidates = [i for i in range(skip, len(chars)) if chars[i] in "01"]
        for u in draws[k, : count[k]]:
            if not candidates:
                break
            i = candidates.pop(int(u * len(candidates)))
            chars[i] = "O" if chars[i] == "0" else "l"
        new = "".join(chars)
        changed[rows[k]] = new != v
        out.append(new)
    return pc.replace_with_mask(written, pa.array(changed), pa.array(
        [o for o, r in zip(out, rows.tolist(), strict=True) if changed[r]], pa.string()
    )), changed


def _split_write(
    sink: Sink,
    rel: str,
    rows: np.ndarray,
    columns: dict[str, pa.Array],
    record_ids: pa.Array,
    spans: tuple[SpanTable, SpanTable],
    *,
    csv: bool,
) -> None:
    """Write the batch rows ``rows`` to one file, with their spans renumbered."""
    take = pa.array(rows)
    cols = {k: v.take(take) for k, v in columns.items()}
    if csv:
        sink.csv(rel, pa.table(cols))
    else:
        sink.jsonl(rel, cols)
    n = len(next(iter(columns.values())))
    inv = np.full(n, -1, np.int64)
    inv[rows] = np.arange(len(rows))
    parts = []
    for table in spans:
        keep = inv[table.row] >= 0
        k = pa.array(keep)
        parts.append(
            SpanTable(
                inv[table.row[keep]], table.start[keep], table.end[keep], table.type.filter(k),
                table.value.filter(k), table.entity.filter(k), table.written.filter(k),
            )  # fmt: skip
        )
    sink.spans(record_ids, rel, parts[0], parts[1])


def _per_source_ids(source: np.ndarray, k: int, prefix: str, width: int) -> tuple[np.ndarray, pa.Array]:
    rows = np.flatnonzero(source == k)
    return rows, id_strings(prefix, np.arange(1, len(rows) + 1), width)


def _uk_name(given: pa.Array, family: pa.Array) -> pa.Array:
    """UK style: Given SURNAME."""
    return pc.utf8_trim_whitespace(
        pc.binary_join_element_wise(pc.fill_null(given, ""), pc.fill_null(pc.utf8_upper(family), ""), " ")
    )


def _partner_name(given: pa.Array, family: pa.Array) -> pa.Array:
    """Continental style: SURNAME Given."""
    return pc.utf8_trim_whitespace(
        pc.binary_join_element_wise(pc.fill_null(pc.utf8_upper(family), ""), pc.fill_null(given, ""), " ")
    )


def _associates(rng: np.random.Generator, world: World, subjects: np.ndarray) -> np.ndarray:
    """A random true associate of each subject (-1 if none): for facilitators another
    facilitator they are tied to (associate, family, supplier links), for migrants
    and others the recruiter who smuggled them. A CSR index over the facilitator
    ties only (a few percent of links): O(ties log ties + links + subjects)."""
    lt = world.link_type
    ties = (lt == LINK_TYPES.index("associate")) | (lt == LINK_TYPES.index("family")) | (
        lt == LINK_TYPES.index("supplier")
    )
    s = np.concatenate([world.link_src[ties], world.link_dst[ties]])
    d = np.concatenate([world.link_dst[ties], world.link_src[ties]])
    order = np.argsort(s, kind="stable")
    s, d = s[order], d[order]
    indptr = np.zeros(world.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=world.n), out=indptr[1:])
    deg = indptr[subjects + 1] - indptr[subjects]
    pick = np.minimum(indptr[subjects] + (rng.random(len(subjects)) * deg).astype(np.int64), max(len(d) - 1, 0))
    out = np.where(deg > 0, d[pick] if len(d) else -1, -1)
    smuggled = lt == LINK_TYPES.index("smuggled_by")
    recruiter = np.full(world.n, -1, np.int64)
    recruiter[world.link_src[smuggled]] = world.link_dst[smuggled]
    return np.where(out >= 0, out, recruiter[subjects])


def _damaged_ibans(
    rng: np.random.Generator, written: pa.Array, mask: np.ndarray
) -> tuple[pa.Array, np.ndarray]:
    """OCR damage in the account part of IBANs (after the check digits), kept only
    where the result fails the mod-97 check (python-stdnum), so it is never gold.
    O(masked rows)."""
    damaged, changed = ocr_damage(rng, written, mask, hits=2, skip=4)
    rows = np.flatnonzero(changed)
    if len(rows):
        still_valid = np.asarray(
            [stdnum_iban.is_valid(v) for v in damaged.take(pa.array(rows)).to_pylist()], bool
        )
        if still_valid.any():
            revert = np.zeros(len(written), bool)
            revert[rows[still_valid]] = True
            damaged = pc.if_else(pa.array(revert), written, damaged)
            changed &= ~revert
    return damaged, changed


def write_intel(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """UK intelligence logs: ~2 per facilitator, 1% of others; 3x5x2 grading, P/C
    handling, 10% protected source; 4% OCR'd from paper (see :data:`OCR_RATE`)."""
    fac = np.flatnonzero(world.role < _R["migrant"])
    others = np.flatnonzero(world.role >= _R["migrant"])
    subjects = np.concatenate(
        [np.repeat(fac, rng.geometric(1 / 2, len(fac))), others[rng.random(len(others)) < 0.01]]
    )
    subjects = subjects[rng.permutation(len(subjects))]
    n = len(subjects)
    if n == 0:
        return
    assoc = _associates(rng, world, subjects)
    ms = prepare_mentions(rng, world, subjects)
    ma = prepare_mentions(rng, world, np.maximum(assoc, 0))
    a = world.assets
    ids = world.people.ids
    ent = ids.take(pa.array(subjects))
    grade = pa.array(_GRADES[rng.choice(len(_GRADES), n, p=_GRADE_P)])
    handling_c = rng.random(n) >= 0.85
    protected = rng.random(n) < 0.1
    force = rng.integers(0, len(FORCES), n)
    dates = _dates(rng, n)
    place_back = rng.integers(1, 9, n)
    with_dob = rng.random(n) < 0.7
    show = rng.random((n, 5)) < np.array([0.8, 0.5, 0.5, 0.4, 0.7])
    scanned = rng.random(n) < OCR_RATE
    role = world.role[subjects]
    group = world.group[subjects]
    routes = _routes(world)

    doc = TextColumns(n)
    doc.add(uk_dates(dates)).add(": intelligence indicates that ")
    doc.mention(_uk_name(ms.given, ms.family), "person", display_names(ms.given, ms.family), ent)
    has_dob = with_dob & pc.is_valid(ms.dob).to_numpy(zero_copy_only=False)
    doc.add(_lit(" (", has_dob)).mention(where(has_dob, uk_dates(ms.dob)), "dob", ms.dob, ent).add(_lit(")", has_dob))
    activity = pa.array([" " + _ACTIVITY[r] for r in ROLES], pa.string())
    doc.add(activity.take(pa.array(role.astype(np.int32))))
    in_group = group >= 0
    loc = pa.array(routes.places, pa.string()).take(pa.array(routes.pick(group, place_back)))
    doc.add(_lit(" from ", in_group)).mention(where(in_group, loc), "location", loc)
    doc.add(". ")
    surname = pc.utf8_upper(pc.coalesce(ms.family, ms.given, pa.scalar("SUBJECT")))

    def sentence(mask: np.ndarray, lead: str) -> None:
        doc.add(where(mask, pc.binary_join_element_wise(surname, lead, "")))

    # phone: OCR'd reports confuse 0/O and 1/l; a standard OCR repair undoes it, so it stays gold
    m = show[:, 0]
    phone_w, _ = ocr_damage(rng, ms.phone_written, m & scanned, hits=2, skip=3)
    sentence(m, " uses mobile ")
    doc.mention(where(m, phone_w), "phone", ms.phone_e164, ent).add(_lit(". ", m))

    veh = _first_of(a.vehicle_owner, world.n)[subjects]
    m = show[:, 1] & (veh >= 0)
    plate = a.vehicle_plate.take(pa.array(np.maximum(veh, 0)))
    plate_value = pc.replace_substring(pc.replace_substring(plate, " ", ""), "-", "")
    sentence(m, " has been seen driving VRM ")
    doc.mention(where(m, plate), "plate", plate_value, id_strings("V", np.maximum(veh, 0), 7)).add(_lit(". ", m))

    iban = _first_of(a.iban_owner, world.n)[subjects]
    wal = _first_of(a.wallet_owner, world.n)[subjects]
    by_wallet = (wal >= 0) & ((iban < 0) | (rng.random(n) < 0.35))  # USDT as often as banks
    m_iban = show[:, 2] & (iban >= 0) & ~by_wallet
    m_wal = show[:, 2] & by_wallet
    iban_true = a.iban.take(pa.array(np.maximum(iban, 0))) if len(a.iban) else pa.nulls(n, pa.string())
    iban_w, iban_bad = _damaged_ibans(rng, iban_true, m_iban & scanned)
    doc.add(_lit("Payments are received into account ", m_iban))
    doc.mention(where(m_iban, iban_w), "iban", iban_true, ent, damaged=iban_bad).add(_lit(". ", m_iban))
    wallet = a.wallet.take(pa.array(np.maximum(wal, 0))) if len(a.wallet) else pa.nulls(n, pa.string())
    tron = pc.starts_with(wallet, "T")  # TRON addresses hold USDT; the others are Bitcoin
    label = pc.if_else(tron, "Funds are moved through USDT wallet ", "Funds are moved through Bitcoin wallet ")
    doc.add(where(m_wal, label))
    doc.mention(where(m_wal, wallet), "crypto", wallet, ent).add(_lit(". ", m_wal))

    # boat suppliers: the vessel by name and MMSI (OCR'd MMSIs lose their 9 digits: not gold)
    ves = _first_of(a.vessel_owner, world.n)[subjects]
    m = show[:, 4] & (ves >= 0) & (role == _R["boat_supplier"])
    vid = id_strings("VS", np.maximum(ves, 0), 6)
    vname = a.vessel_name.take(pa.array(np.maximum(ves, 0))) if len(a.vessel_name) else pa.nulls(n, pa.string())
    mmsi = a.vessel_mmsi.take(pa.array(np.maximum(ves, 0))) if len(a.vessel_mmsi) else pa.nulls(n, pa.string())
    mmsi_w, mmsi_bad = ocr_damage(rng, mmsi, m & scanned, hits=1)
    sentence(m, ' has supplied the boat "')
    doc.mention(where(m, vname), "vessel_name", pc.utf8_upper(vname), vid).add(_lit('" (MMSI ', m))
    doc.mention(where(m, mmsi_w), "vessel", mmsi, vid, damaged=mmsi_bad).add(_lit(") used for crossings. ", m))

    q = np.maximum(assoc, 0)
    m = show[:, 3] & (assoc >= 0)
    ent_q = ids.take(pa.array(q))
    sentence(m, " is associated with ")
    doc.mention(where(m, _uk_name(ma.given, ma.family)), "person", display_names(ma.given, ma.family), ent_q)
    doc.add(_lit(" who uses ", m)).mention(where(m, ma.phone_written), "phone", ma.phone_e164, ent_q).add(_lit(".", m))

    text = pc.utf8_rtrim_whitespace(doc.text())
    spans = doc.spans()
    originator = pa.array([name for _, name, _ in FORCES], pa.string()).take(pa.array(force))
    conditions = "Not to be disseminated beyond UK law enforcement without originator consent"
    columns = {
        "date": dates,
        "originator": originator,
        "grading": grade,
        "handling": pa.array(np.where(handling_c, "C", "P")),
        "handling_conditions": pc.fill_null(_lit(conditions, handling_c), ""),
        "protected_source": pa.array(np.where(protected, "true", "false")),
        "text": text,
    }
    for k, (code, _name, _kind) in enumerate(FORCES):
        rows, ref = _per_source_ids(force, k, f"{code.upper()}-IR-", 7)
        cols = {"report_ref": _scatter(ref, rows, n), **columns}
        _split_write(sink, f"records/intel_{code}.csv", rows, cols, ref, spans, csv=True)


def _scatter(values: pa.Array, rows: np.ndarray, n: int) -> pa.Array:
    """A length-``n`` array holding ``values`` at ``rows`` (null elsewhere). O(n)."""
    idx = np.full(n, -1, np.int64)
    idx[rows] = np.arange(len(rows))
    return values.take(pa.array(idx, mask=idx < 0))


_PARTNER_PIECES = {  # before date, before name, before DOB, before place, before phone, end
    "fr": ("Le ", ", le nommé ", " né le ", None, ". Il utilise le numéro ", "."),
    "nl": ("Op ", " werd ", " geboren op ", " gezien in ", ". Betrokkene gebruikt telefoonnummer ", "."),
    "de": ("Am ", " wurde ", " geb. ", " in ", " kontrolliert. Er nutzt die Rufnummer ", "."),
}
_FR_ACTIVITY = {
    "organiser": " organiserait des passages en small boat depuis ",
    "recruiter": " recruterait des migrants pour des passages depuis ",
    "driver": " transporterait des migrants depuis ",
    "boat_supplier": " fournirait des bateaux et des moteurs à ",
    "money_handler": " collecterait les paiements des passages à ",
    "safe_house": " hébergerait des migrants en attente de passage à ",
    "forger": " fournirait de faux documents d'identité à ",
    "pilot": " aurait piloté des small boats depuis ",
}
_LANGS = ("fr", "nl", "de")


def write_partner(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Partner reports in French, Dutch and German styles (Belgian ones in French or
    Dutch): SURNAME Given order, local date formats, place names in the report's
    language (Dunkerque, Keulen, Köln), Europol 4x4 grading and H0-H3 handling."""
    fac = np.flatnonzero(world.role < _R["migrant"])
    subjects = fac[rng.random(len(fac)) < 0.8]
    subjects = subjects[rng.permutation(len(subjects))]
    n = len(subjects)
    if n == 0:
        return
    ms = prepare_mentions(rng, world, subjects)
    ent = world.people.ids.take(pa.array(subjects))
    partner = rng.integers(0, len(PARTNERS), n)
    lang_of = {"fr": 0, "nl": 1, "de": 2}
    lang = np.asarray([lang_of[p[2]] for p in PARTNERS])[partner]
    belgian = np.asarray([p[0] == "be" for p in PARTNERS])[partner]
    lang[belgian & (rng.random(n) < 0.5)] = lang_of["fr"]
    dates = _dates(rng, n)
    src = np.asarray(["A", "B", "C", "X"])[rng.choice(4, n, p=[0.2, 0.5, 0.2, 0.1])]
    info = rng.choice(4, n, p=[0.2, 0.45, 0.25, 0.1]) + 1
    hcode = np.asarray(["H0", "H1", "H2", "H3"])[rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])]
    scanned = rng.random(n) < OCR_RATE
    back = rng.integers(1, 4, n)  # one of the last continental legs
    routes = _routes(world)
    place = routes.pick(world.group[subjects], back, continental=True)
    lang_a = pa.array(lang)

    def per_lang(options: tuple[str, str, str]) -> pa.Array:
        return pa.array(list(options), pa.string()).take(lang_a)

    def piece(i: int) -> pa.Array:
        return per_lang(tuple(_PARTNER_PIECES[code][i] or "" for code in _LANGS))  # type: ignore[arg-type]

    is_de = lang == lang_of["de"]
    written_date = pc.if_else(pa.array(is_de), european_dates(dates), uk_dates(dates))
    doc = TextColumns(n)
    doc.add(piece(0)).add(written_date).add(piece(1))
    doc.mention(_partner_name(ms.given, ms.family), "person", display_names(ms.given, ms.family), ent)
    full_dob = pc.fill_null(pc.equal(pc.utf8_length(ms.dob), 10), False).to_numpy(zero_copy_only=False)
    dob_w = pc.if_else(pa.array(is_de), european_dates(ms.dob), uk_dates(ms.dob))
    doc.add(where(full_dob, piece(2))).mention(where(full_dob, dob_w), "dob", ms.dob, ent)
    fr_act = pa.array([_FR_ACTIVITY.get(r, " faciliterait des passages depuis ") for r in ROLES], pa.string())
    doc.add(pc.if_else(pa.array(lang == lang_of["fr"]), fr_act.take(pa.array(world.role[subjects].astype(np.int32))), piece(3)))
    canon = pa.array(routes.places, pa.string()).take(pa.array(place))
    written_place = canon
    for code in _LANGS:
        local = routes.written(code).take(pa.array(place))
        written_place = pc.if_else(pa.array(lang == lang_of[code]), local, written_place)
    doc.mention(written_place, "location", canon)
    phone_w, _ = ocr_damage(rng, ms.phone_written, scanned, hits=2, skip=3)
    doc.add(piece(4)).mention(phone_w, "phone", ms.phone_e164, ent).add(piece(5))
    spans = doc.spans()
    columns = {
        "partner": pa.array([name for _, name, _ in PARTNERS], pa.string()).take(pa.array(partner)),
        "date": dates,
        "grading": pc.binary_join_element_wise(pa.array(src), pa.array(info).cast(pa.string()), ""),
        "handling": pa.array(hcode),
        "language": per_lang(_LANGS),
        "text": doc.text(),
    }
    for k, (code, _name, _lang) in enumerate(PARTNERS):
        rows, ref = _per_source_ids(partner, k, f"{code.upper()}-", 7)
        cols = {"id": _scatter(ref, rows, n), **columns}
        _split_write(sink, f"records/partner_{code}.jsonl", rows, cols, ref, spans, csv=False)


_ADVERTS = {  # pieces around: place, price, handle, phone
    "en": ("Safe trip to UK from ", ". Good price ", ". Contact ", " or WhatsApp ", ""),
    "fr": ("Passage garanti vers l'Angleterre depuis ", ". Prix ", ". Contactez ", " ou WhatsApp ", ""),
    "ar": ("رحلة آمنة إلى بريطانيا من ", " السعر ", " تواصل ", " واتساب ", ""),
    "ckb": ("gashtî bê metirsî bo Berîtanya le ", ". nrx ", ". peywendî ", " WhatsApp ", ""),
    "sq": ("Udhetim i sigurt per Angli nga ", ". Cmimi ", ". Kontakto ", " ose WhatsApp ", ""),
}


def write_adverts(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Online adverts offering crossings, posted by recruiters' accounts, in English,
    French, Arabic, Kurdish Sorani and Albanian (transliterated)."""
    a = world.assets
    owners = a.handle_owner
    k = rng.poisson(3, len(owners))
    h = np.repeat(np.arange(len(owners)), k)
    h = h[rng.permutation(len(h))]
    n = len(h)
    if n == 0:
        return
    person = owners[h]
    ms = prepare_mentions(rng, world, person)
    ent = world.people.ids.take(pa.array(person))
    langs = tuple(_ADVERTS)
    lang = rng.integers(0, len(langs), n)
    lang_a = pa.array(lang)
    price = rng.integers(20, 90, n) * 100
    cur = rng.integers(0, 3, n)
    dates = _dates(rng, n)
    routes = _routes(world)
    place = routes.pick(world.group[person], np.ones(n, np.int64), continental=True)
    canon = pa.array(routes.places, pa.string()).take(pa.array(place))
    written_place = pc.if_else(
        pa.array(lang == langs.index("fr")), routes.written("fr").take(pa.array(place)), canon
    )
    price_s = pa.array(price).cast(pa.string())
    sym = pa.array(["€", "£", "$"], pa.string()).take(pa.array(cur))
    code = pa.array(["EUR", "GBP", "USD"], pa.string()).take(pa.array(cur))
    handle = a.handle.take(pa.array(h))

    def piece(i: int) -> pa.Array:
        return pa.array([_ADVERTS[c][i] for c in langs], pa.string()).take(lang_a)

    doc = TextColumns(n)
    doc.add(piece(0)).mention(written_place, "location", canon)
    doc.add(piece(1)).mention(
        pc.binary_join_element_wise(sym, price_s, ""), "money", pc.binary_join_element_wise(price_s, code, " ")
    )
    doc.add(piece(2)).mention(pc.binary_join_element_wise("@", handle, ""), "handle", handle, ent)
    doc.add(piece(3)).mention(ms.phone_e164, "phone", ms.phone_e164, ent).add(piece(4))
    ids = id_strings("AD-", np.arange(n), 7)
    cols = {
        "id": ids,
        "platform": a.handle_platform.take(pa.array(h)),
        "handle": handle,
        "posted_at": dates,
        "language": pa.array(list(langs), pa.string()).take(lang_a),
        "text": doc.text(),
    }
    _split_write(sink, "records/adverts.jsonl", np.arange(n), cols, ids, doc.spans(), csv=False)
