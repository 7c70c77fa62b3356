"""Free-text sources: force intelligence logs, partner reports, online adverts.

Per-report Python loops (text has no vectorised form), fed by vectorised draws
of who is mentioned and how their names, dates and phones are written. The
number of reports is proportional to facilitators (about 3 each) plus 2% of
migrants, so this stays a small share of a scenario's records. O(reports).
"""

from __future__ import annotations

import numpy as np

from crosslink.simulate.names import places
from crosslink.simulate.records import (
    FORCES,
    PARTNERS,
    Sink,
    _first_of,
    person_span,
    prepare_mentions,
    shape_places,
)
from crosslink.simulate.text import SpanText, uk_date
from crosslink.simulate.world import ROLES, World

__all__ = ["write_intel", "write_partner", "write_adverts"]

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


def _neighbours(world: World) -> tuple[np.ndarray, np.ndarray]:
    """CSR adjacency over true links (both directions). O(links log links)."""
    s = np.concatenate([world.link_src, world.link_dst])
    d = np.concatenate([world.link_dst, world.link_src])
    order = np.argsort(s, kind="stable")
    s, d = s[order], d[order]
    indptr = np.zeros(world.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=world.n), out=indptr[1:])
    return indptr, d


def write_intel(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """UK intelligence logs: ~2 per facilitator, 1% of others; 3x5x2 grading, P/C
    handling, 10% protected source."""
    fac = np.flatnonzero(world.role < _R["migrant"])
    others = np.flatnonzero(world.role >= _R["migrant"])
    subjects = np.concatenate(
        [np.repeat(fac, rng.geometric(1 / 2, len(fac))), others[rng.random(len(others)) < 0.01]]
    )
    subjects = subjects[rng.permutation(len(subjects))]
    n = len(subjects)
    indptr, nbr = _neighbours(world)
    deg = indptr[subjects + 1] - indptr[subjects]
    assoc = np.where(deg > 0, nbr[np.minimum(indptr[subjects] + (rng.random(n) * deg).astype(np.int64), len(nbr) - 1)], -1)
    ms = prepare_mentions(rng, world, subjects)
    ma = prepare_mentions(rng, world, np.maximum(assoc, 0))
    a = world.assets
    veh = _first_of(a.vehicle_owner, world.n)
    iban = _first_of(a.iban_owner, world.n)
    wal = _first_of(a.wallet_owner, world.n)
    plates = a.vehicle_plate.to_pylist()
    ibans = a.iban.to_pylist()
    wallets = a.wallet.to_pylist()
    ids = world.people.ids.to_pylist()
    grade = _GRADES[rng.choice(len(_GRADES), n, p=_GRADE_P)].tolist()
    handling = np.where(rng.random(n) < 0.85, "P", "C").tolist()
    protected = (rng.random(n) < 0.1).tolist()
    force = rng.integers(0, len(FORCES), n).tolist()
    day = rng.integers(0, 910, n)
    dates = (np.datetime64("2022-01-01") + day.astype("timedelta64[D]")).astype(str).tolist()
    place_pick = rng.integers(0, 8, n).tolist()
    with_dob = (rng.random(n) < 0.7).tolist()
    show = rng.random((n, 4)) < np.array([0.8, 0.5, 0.5, 0.4])
    counters = [0] * len(FORCES)
    roles = world.role.tolist()
    groups = world.group.tolist()
    for i in range(n):
        p = int(subjects[i])
        doc = SpanText()
        doc.add(f"{uk_date(dates[i])}: intelligence indicates that ")
        person_span(doc, ms.given[i], ms.family[i], ids[p])
        dob = ms.dob[i]
        if with_dob[i] and dob:
            doc.add(" (").mention(uk_date(dob), "dob", dob, ids[p]).add(")")
        doc.add(f" {_ACTIVITY[ROLES[roles[p]]]}")
        g = groups[p]
        if g >= 0:
            route = shape_places(world, g)
            loc = route[min(place_pick[i], len(route) - 1)]
            doc.add(" from ").mention(loc, "location", loc)
        doc.add(". ")
        surname = (ms.family[i] or ms.given[i] or "SUBJECT").upper()
        if show[i, 0]:
            doc.add(f"{surname} uses mobile ").mention(ms.phone_written[i], "phone", ms.phone_e164[i], ids[p]).add(". ")
        if show[i, 1] and veh[p] >= 0:
            pl = plates[veh[p]]
            doc.add(f"{surname} has been seen driving VRM ").mention(pl, "plate", pl.replace(" ", "").replace("-", ""), f"V{veh[p]:07d}").add(". ")
        if show[i, 2] and iban[p] >= 0:
            doc.add("Payments are received into account ").mention(ibans[iban[p]], "iban", ibans[iban[p]], ids[p]).add(". ")
        elif show[i, 2] and wal[p] >= 0:
            doc.add("Funds are moved through USDT wallet ").mention(wallets[wal[p]], "crypto", wallets[wal[p]], ids[p]).add(". ")
        q = int(assoc[i])
        if show[i, 3] and q >= 0:
            doc.add(f"{surname} is associated with ")
            person_span(doc, ma.given[i], ma.family[i], ids[q])
            doc.add(" who uses ").mention(ma.phone_written[i], "phone", ma.phone_e164[i], ids[q]).add(".")
        code, _name, _kind = FORCES[force[i]]
        counters[force[i]] += 1
        ref = f"{code.upper()}-IR-{counters[force[i]]:07d}"
        rel = f"records/intel_{code}.csv"
        text = doc.text
        sink.rows(rel, {
            "report_ref": ref,
            "date": dates[i],
            "originator": FORCES[force[i]][1],
            "grading": grade[i],
            "handling": handling[i],
            "handling_conditions": "" if handling[i] == "P" else "Not to be disseminated beyond UK law enforcement without originator consent",
            "protected_source": "true" if protected[i] else "false",
            "text": text,
        })
        sink.spans(ref, rel, doc.spans)


_FR_ACT = "organiserait des passages en small boat depuis"
_PARTNER_TEMPLATES = {
    "fr": ("Le {date}, le nommé ", " né le ", " {act} ", ". Il utilise le numéro ", "."),
    "nl": ("Op {date} werd ", " geboren op ", " gezien in ", ". Betrokkene gebruikt telefoonnummer ", "."),
    "de": ("Am {date} wurde ", " geb. ", " in ", " kontrolliert. Er nutzt die Rufnummer ", "."),
}


def write_partner(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Partner reports in French, Dutch and German styles: SURNAME Given order,
    Europol 4x4 grading (A-X / 1-4) and H0-H3 handling codes."""
    fac = np.flatnonzero(world.role < _R["migrant"])
    subjects = fac[rng.random(len(fac)) < 0.8]
    subjects = subjects[rng.permutation(len(subjects))]
    n = len(subjects)
    ms = prepare_mentions(rng, world, subjects)
    ids = world.people.ids.to_pylist()
    partner = rng.integers(0, len(PARTNERS), n).tolist()
    day = rng.integers(0, 910, n)
    dates = (np.datetime64("2022-01-01") + day.astype("timedelta64[D]")).astype(str).tolist()
    src = np.asarray(["A", "B", "C", "X"])[rng.choice(4, n, p=[0.2, 0.5, 0.2, 0.1])].tolist()
    info = rng.choice(4, n, p=[0.2, 0.45, 0.25, 0.1]) + 1
    hcode = np.asarray(["H0", "H1", "H2", "H3"])[rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])].tolist()
    groups = world.group.tolist()
    counters = [0] * len(PARTNERS)
    for i in range(n):
        p = int(subjects[i])
        code, name, lang = PARTNERS[partner[i]]
        t = _PARTNER_TEMPLATES[lang]
        date_written = ".".join(reversed(dates[i].split("-"))) if lang == "de" else uk_date(dates[i])
        doc = SpanText()
        doc.add(t[0].format(date=date_written))
        person_span(doc, ms.given[i], ms.family[i], ids[p], order="partner")
        dob = ms.dob[i]
        if dob and len(dob) == 10:
            written = ".".join(reversed(dob.split("-"))) if lang == "de" else uk_date(dob)
            doc.add(t[1]).mention(written, "dob", dob, ids[p])
        route = shape_places(world, groups[p]) if groups[p] >= 0 else ("Calais",)
        canon = route[min(len(route) - 2, max(0, len(route) - 3))] if len(route) > 2 else route[0]
        spell = places().spellings(canon)
        written_loc = spell[min(1, len(spell) - 1)] if lang != "fr" or len(spell) < 2 else spell[1]
        doc.add(t[2].format(act=_FR_ACT)).mention(written_loc, "location", canon)
        doc.add(t[3]).mention(ms.phone_written[i], "phone", ms.phone_e164[i], ids[p]).add(t[4])
        counters[partner[i]] += 1
        ref = f"{code.upper()}-{counters[partner[i]]:07d}"
        rel = f"records/partner_{code}.jsonl"
        sink.jsonl(rel, {
            "id": ref,
            "partner": name,
            "date": dates[i],
            "grading": f"{src[i]}{int(info[i])}",
            "handling": hcode[i],
            "language": lang,
            "text": doc.text,
        })
        sink.spans(ref, rel, doc.spans)


_ADVERTS = {
    "en": "Safe trip to UK {place}. Good price {price}. Contact {handle} or WhatsApp {phone}",
    "fr": "Passage garanti vers l'Angleterre depuis {place}. Prix {price}. Contactez {handle} ou WhatsApp {phone}",
    "ar": "رحلة آمنة إلى بريطانيا من {place} السعر {price} تواصل {handle} واتساب {phone}",
    "ckb": "gashtî bê metirsî bo Berîtanya le {place}. nrx {price}. peywendî {handle} WhatsApp {phone}",
    "sq": "Udhetim i sigurt per Angli nga {place}. Cmimi {price}. Kontakto {handle} ose WhatsApp {phone}",
}


def write_adverts(rng: np.random.Generator, world: World, sink: Sink) -> None:
    """Online adverts offering crossings, posted by recruiters' accounts."""
    a = world.assets
    owners = a.handle_owner
    k = rng.poisson(3, len(owners))
    h = np.repeat(np.arange(len(owners)), k)
    h = h[rng.permutation(len(h))]
    n = len(h)
    person = owners[h]
    ms = prepare_mentions(rng, world, person)
    handles = a.handle.to_pylist()
    platforms = a.handle_platform.to_pylist()
    ids = world.people.ids.to_pylist()
    langs = list(_ADVERTS)
    lang = rng.integers(0, len(langs), n).tolist()
    price = (rng.integers(20, 90, n) * 100).tolist()
    cur = np.asarray(["EUR", "GBP", "USD"])[rng.integers(0, 3, n)].tolist()
    day = rng.integers(0, 910, n)
    dates = (np.datetime64("2022-01-01") + day.astype("timedelta64[D]")).astype(str).tolist()
    groups = world.group.tolist()
    sym = {"EUR": "€", "GBP": "£", "USD": "$"}
    for i in range(n):
        p = int(person[i])
        route = shape_places(world, groups[p]) if groups[p] >= 0 else ("Calais",)
        place = route[-2]
        template = _ADVERTS[langs[lang[i]]]
        doc = SpanText()
        values = {
            "place": (place, "location", place, None),
            "price": (f"{sym[cur[i]]}{price[i]}", "money", f"{price[i]} {cur[i]}", None),
            "handle": ("@" + handles[h[i]], "handle", handles[h[i]], ids[p]),
            "phone": (ms.phone_e164[i], "phone", ms.phone_e164[i], ids[p]),
        }
        rest = template
        while "{" in rest:
            pre, _, tail = rest.partition("{")
            key, _, rest = tail.partition("}")
            doc.add(pre)
            written, type_, value, ent = values[key]
            doc.mention(written, type_, value, ent)
        doc.add(rest)
        ref = f"AD-{i:07d}"
        sink.jsonl("records/adverts.jsonl", {
            "id": ref,
            "platform": platforms[h[i]],
            "handle": handles[h[i]],
            "posted_at": dates[i],
            "language": langs[lang[i]],
            "text": doc.text,
        })
        sink.spans(ref, "records/adverts.jsonl", doc.spans)

