"""Scoring triage against labelled posts (the format of the training and held-back sets).

- **referral**: a post is referred when its label is not ``benign``; precision,
  recall and F1 of that decision;
- **false referrals on hard benign kinds**: the share of benign posts of the hard
  kinds (``labels.yml``: every benign kind but ``other``) that were referred;
- **per-language recall**: referral recall within each language of the gold set;
- **selectors**: exact match on (type, value) per post, for the types the labelled
  format defines (phone, handle, url); e-mails triage also reads are not scored;
- **campaigns**: pairwise precision and recall of "same campaign" where the gold
  set names campaigns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from crosslink.online.indicators import load_labels
from crosslink.online.selectors import normalise_url
from crosslink.online.triage import Scored

__all__ = ["SCORED_SELECTOR_TYPES", "evaluate"]

SCORED_SELECTOR_TYPES = frozenset({"phone", "handle", "url"})


def _canonical(kind: str, value: str) -> str:
    """A gold selector in the form triage writes (module docstring of
    :mod:`crosslink.online.selectors`), so a set annotated as "@Name" or with a bare
    host scores the value, not the spelling: handles without ``@`` in lower case,
    links with their scheme and a lower-case host."""
    if kind == "handle":
        return value.lstrip("@").lower()
    if kind == "url":
        return normalise_url(value) or value
    return value


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def evaluate(gold: list[dict[str, Any]], scored: list[Scored]) -> dict[str, Any]:
    """Figures for ``scored`` against ``gold`` (matched by id)."""
    by_id = {s.id: s for s in scored}
    hard_kinds = set(load_labels()["hard_benign_kinds"])
    tp = fp = fn = 0
    hard_total = hard_referred = 0
    lang_tp: Counter[str] = Counter()
    lang_pos: Counter[str] = Counter()
    kind_referred: Counter[str] = Counter()
    kind_total: Counter[str] = Counter()
    label_ok = 0
    confusion: Counter[tuple[str, str]] = Counter()
    sel = Counter({"tp": 0, "fp": 0, "fn": 0})
    for g in gold:
        s = by_id[str(g["id"])]
        gold_ref = g["label"] != "benign"
        pred_ref = s.label != "benign"
        label_ok += s.label == g["label"]
        confusion[(g["label"], s.label)] += 1
        tp += gold_ref and pred_ref
        fp += (not gold_ref) and pred_ref
        fn += gold_ref and not pred_ref
        if gold_ref:
            lang_pos[g["lang"]] += 1
            lang_tp[g["lang"]] += pred_ref
        else:
            kind = str(g.get("kind") or "other")
            kind_total[kind] += 1
            kind_referred[kind] += pred_ref
            if kind in hard_kinds:
                hard_total += 1
                hard_referred += pred_ref
        want = {(x["type"], _canonical(x["type"], str(x["value"])))
                for x in g.get("selectors", []) if x["type"] in SCORED_SELECTOR_TYPES}
        got = {(x["type"], str(x["value"])) for x in s.selectors if x["type"] in SCORED_SELECTOR_TYPES}
        sel["tp"] += len(want & got)
        sel["fp"] += len(got - want)
        sel["fn"] += len(want - got)
    out: dict[str, Any] = {
        "posts": len(gold),
        "referral": _f1(tp, fp, fn),
        "label_accuracy": label_ok / len(gold) if gold else 1.0,
        "hard_benign_false_referral": hard_referred / hard_total if hard_total else 0.0,
        "hard_benign_posts": hard_total,
        "per_language_recall": {lang: lang_tp[lang] / n for lang, n in sorted(lang_pos.items())},
        "per_language_positives": dict(sorted(lang_pos.items())),
        "benign_kind_referred": {k: kind_referred[k] / n for k, n in sorted(kind_total.items())},
        "selectors": _f1(sel["tp"], sel["fp"], sel["fn"]),
        "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())},
    }
    campaigns = _campaigns(gold, by_id)
    if campaigns is not None:
        out["campaigns"] = campaigns
    return out


def _campaigns(gold: list[dict[str, Any]], by_id: dict[str, Scored]) -> dict[str, float] | None:
    """Pairwise precision/recall of campaign grouping among the gold posts."""
    if not any(g.get("campaign") for g in gold):
        return None
    ids = [str(g["id"]) for g in gold]
    gold_groups: dict[str, list[str]] = defaultdict(list)
    pred_groups: dict[str, list[str]] = defaultdict(list)
    for g in gold:
        if g.get("campaign"):
            gold_groups[str(g["campaign"])].append(str(g["id"]))
    for i in ids:
        c = by_id[i].campaign
        if c:
            pred_groups[c].append(i)
    gold_pairs = {frozenset(p) for m in gold_groups.values() for p in combinations(m, 2)}
    pred_pairs = {frozenset(p) for m in pred_groups.values() for p in combinations(m, 2)}
    both = len(gold_pairs & pred_pairs)
    return {
        "pair_precision": both / len(pred_pairs) if pred_pairs else 1.0,
        "pair_recall": both / len(gold_pairs) if gold_pairs else 1.0,
        "gold_pairs": len(gold_pairs),
        "predicted_pairs": len(pred_pairs),
    }
