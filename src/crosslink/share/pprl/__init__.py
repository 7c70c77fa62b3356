"""Privacy-preserving hit/no-hit matching between two agencies (FIU.net Ma3tch style).

Both parties agree a secret key out of band. Each encodes its people
(:func:`encode_workspace`: only what the disclosure policy releases to the other party,
audited as a disclosure) and sends the encodings; each matches the other's encodings
against its own (:func:`match_workspace`, audited as a combination) and learns only the
hits and their scores. Names and dates never leave in the clear.

Limits worth knowing: a party holding the key can test guessed names against the other's
encodings (a dictionary attack), so the key must be shared only between the two data
holders for one exchange; the encodings resist the frequency attack
(``bench/bench_share.py`` measures it), not a key holder.
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from typing import Any

from crosslink.errors import InputError
from crosslink.share.policy import Policy
from crosslink.share.pprl.encode import (
    Encoded,
    Encoder,
    load_encodings,
    load_key,
    pseudonym,
    write_encodings,
)
from crosslink.share.pprl.match import Hits, match
from crosslink.store.session import Session

__all__ = [
    "DEFAULT_THRESHOLD",
    "Encoded",
    "Encoder",
    "Hits",
    "encode_workspace",
    "keygen",
    "load_encodings",
    "load_key",
    "match",
    "match_workspace",
    "people",
    "write_encodings",
]

#: Dice threshold per hardening: a balanced encoding has half its bits set, so two
#: unrelated people already agree on about half of them and the cut sits higher.
DEFAULT_THRESHOLD = {"balance": 0.9, "xor-fold": 0.8, "none": 0.8}


def keygen(path: Path) -> None:
    """Write a new 32-byte secret as hex (share it with the other party out of band)."""
    if path.exists():
        raise InputError("a key file is already there: not overwriting it", file=str(path))
    path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    path.chmod(0o600)


def people(session: Session, *, released_to: str | None = None, policy: Policy | None = None
           ) -> tuple[list[str], list[dict[str, Any]]]:
    """Person entities with first/middle/last name and birth date, one record each.

    With ``released_to``, only statements the policy releases to that recipient count.
    Names given whole (``name``) are split into first and last where no parts are given.
    """
    con = session.con
    if released_to is not None:
        from crosslink.share.export import plan

        released = plan(session, released_to, policy=policy).released
        con.register("_pprl_source", released)
        source = "_pprl_source"
    else:
        source = "visible_statements"
    try:
        rows = con.execute(
            f"""
            SELECT entity_id,
                   min(value) FILTER (WHERE prop = 'firstName') AS first_name,
                   min(value) FILTER (WHERE prop = 'middleName') AS middle_name,
                   min(value) FILTER (WHERE prop = 'lastName') AS last_name,
                   min(value) FILTER (WHERE prop = 'name') AS name,
                   min(value) FILTER (WHERE prop = 'birthDate') AS birth
            FROM {source} WHERE schema = 'Person'
            GROUP BY entity_id ORDER BY entity_id
            """  # noqa: S608  (source is one of two fixed relation names)
        ).fetchall()
    finally:
        if released_to is not None:
            con.unregister("_pprl_source")
    ids: list[str] = []
    records: list[dict[str, Any]] = []
    for eid, first, middle, last, name, birth in rows:
        if not (first or last) and name:
            parts = name.split()
            first, last = parts[0], parts[-1] if len(parts) > 1 else None
            middle = middle or (" ".join(parts[1:-1]) or None)
        if not (first or last):
            continue
        ids.append(eid)
        records.append({"first_name": first, "middle_name": middle, "last_name": last, "birth": birth})
    return ids, records


def encode_workspace(
    session: Session, key: bytes, out: Path, *, to: str, party: str, hardening: str = "balance",
    policy: Policy | None = None,
) -> Encoded:
    """Encode the people the policy releases to ``to``, write them, and audit the disclosure."""
    ids, records = people(session, released_to=to, policy=policy)
    if not ids:
        raise InputError(f"no person may go to {to}: nothing to encode")
    encoder = Encoder(key, hardening=hardening)  # type: ignore[arg-type]
    encoded = encoder.encode(ids, records)
    with session.transaction():
        write_encodings(encoded, out, party=party)
        session.audit("disclosure", f"pprl encodings {to}", recipient=to, file=out.name,
                      records=len(ids), hardening=hardening, justification="hit/no-hit matching (PPRL)")
    return encoded


def match_workspace(
    session: Session, key: bytes, theirs_path: Path, out: Path, *, threshold: float | None = None,
    with_entity_ids: bool = False,
) -> int:
    """Match their encodings against every visible person here; write only hits. Returns the hit count.

    HITS.csv holds ``their_id``, ``our_id`` (our pseudonym, as our own encodings would
    carry it) and ``score``; ``our_entity_id`` only with ``with_entity_ids`` (for local
    follow-up, not for sending back).
    """
    party, theirs = load_encodings(theirs_path)
    ids, records = people(session)
    if not ids:
        raise InputError("no people in this workspace to match against")
    base_bits = theirs.bits // 2 if theirs.hardening == "balance" else theirs.bits * 2 if theirs.hardening == "xor-fold" else theirs.bits
    ours = Encoder(key, bits=base_bits, hardening=theirs.hardening).encode(ids, records, pseudonymise=False)  # type: ignore[arg-type]
    cut = threshold if threshold is not None else DEFAULT_THRESHOLD.get(theirs.hardening, 0.8)
    hits = match(ours, theirs, threshold=cut)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["their_id", "our_id", "score", *(["our_entity_id"] if with_entity_ids else [])])
        for a, b, s in zip(hits.ours.tolist(), hits.theirs.tolist(), hits.score.tolist(), strict=True):
            row = [theirs.ids[b], pseudonym(key, ids[a]), f"{s:.4f}"]
            writer.writerow(row + ([ids[a]] if with_entity_ids else []))
    session.audit("combination", f"pprl match {party or theirs_path.name}", theirs=len(theirs.ids),
                  ours=len(ids), hits=len(hits.score), threshold=cut, candidates=hits.candidates)
    return len(hits.score)
