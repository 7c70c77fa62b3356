"""Compare what crosslink found with a simulated scenario's truth (evaluation only).

- Resolution: pairwise precision, recall and F1 of the canonical clusters over the
  person records the truth identifies, and cluster counts.
- Groups: normalised mutual information between the network's communities and the
  true groups, over the facilitators both know.

Pair counts come from contingency counts (sum of n choose 2 per cell), so this is
O(records), never O(pairs).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from crosslink.ingest import load_mapping
from crosslink.model.report import make_id
from crosslink.network import Network, nmi
from crosslink.store.session import Session

__all__ = ["evaluate"]


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def _truth_people(scenario: Path) -> dict[str, str]:
    """Workspace entity id -> true person id, for records keyed by their record id."""
    keyed: dict[str, tuple[str, str] | None] = {}
    out: dict[str, str] = {}
    with (scenario / "truth" / "records.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["field"] != "person":
                continue
            stem = Path(row["file"]).stem
            if stem not in keyed:
                mapping_path = scenario / "mappings" / f"{stem}.yml"
                keyed[stem] = None
                if mapping_path.is_file():
                    mapping = load_mapping(mapping_path)
                    for entity in mapping.entities:
                        if entity.schema == "Person" and len(entity.keys) == 1:
                            keyed[stem] = (mapping.dataset, entity.keys[0])
                            break
            spec = keyed[stem]
            if spec is not None:
                out[make_id(spec[0], "Person", row["record_id"])] = row["entity_id"]
    return out


def evaluate(session: Session, scenario: Path, net: Network, analysis: dict[str, Any]) -> dict[str, Any]:
    truth = _truth_people(scenario)
    canonical = dict(session.con.sql("SELECT entity_id, canonical_id FROM canonical").fetchall())
    present = {
        r[0] for r in session.con.sql(
            "SELECT DISTINCT entity_id FROM visible_statements WHERE schema = 'Person'"
        ).fetchall()
    }
    records = [e for e in truth if e in present]
    predicted = Counter(canonical.get(e, e) for e in records)
    true = Counter(truth[e] for e in records)
    both = Counter((canonical.get(e, e), truth[e]) for e in records)
    tp, pred_pairs, true_pairs = _pairs(both), _pairs(predicted), _pairs(true)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    # Groups: each network person node takes the true id most of its records have.
    groups: dict[str, str] = {}
    roles: dict[str, str] = {}
    with (scenario / "truth" / "entities.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["schema"] == "Person":
                groups[row["entity_id"]] = row["group"]
                roles[row["entity_id"]] = row["role"]
    votes: dict[str, Counter[str]] = {}
    for entity in records:
        votes.setdefault(canonical.get(entity, entity), Counter())[truth[entity]] += 1
    community_of = {m: c["id"] for c in analysis["communities"] for m in c["members"]}
    found, expected = [], []
    for node, counter in votes.items():
        person = counter.most_common(1)[0][0]
        if node in community_of and groups.get(person) and roles.get(person) not in ("migrant", "victim", "witness"):
            found.append(community_of[node])
            expected.append(groups[person])
    group_nmi = nmi(np.unique(found, return_inverse=True)[1], np.unique(expected, return_inverse=True)[1]) if found else 0.0
    figures = [
        ("person records with known truth", f"{len(records):,}"),
        ("true people among them", f"{len(true):,}"),
        ("resolved clusters", f"{len(predicted):,}"),
        ("pairwise precision", f"{precision:.3f}"),
        ("pairwise recall", f"{recall:.3f}"),
        ("pairwise F1", f"{f1:.3f}"),
        ("facilitators placed in communities", f"{len(found):,}"),
        ("group recovery (NMI, communities vs true groups)", f"{group_nmi:.3f}"),
    ]
    return {
        "note": (
            "The demo's data are simulated, so the truth is known. These figures score the "
            "resolution and group finding against it. They are not intelligence."
        ),
        "figures": figures,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "group_nmi": float(group_nmi),
    }
