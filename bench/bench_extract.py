"""Free-text extraction benchmark: per-type precision / recall / F1, decoy rate, throughput.

    .venv/bin/python bench/bench_extract.py                     # annotated corpus
    .venv/bin/python bench/bench_extract.py --scenario DIR      # + simulator gold spans
    .venv/bin/python bench/bench_extract.py --simulate 2000     # make a scenario in a temp dir first

Scores are exact (type, value) matches per document (a value found twice in one
document counts once). The annotated corpus is ``tests/extract/corpus.txt``
(synthetic texts covering every hard case of issue 4, written with the code);
``tests/extract/heldout.txt`` is a second set written before the extractor was run
on it, reported separately; a scenario's gold is
``DIR/truth/spans.jsonl`` (``{"record_id","file","type","start","end","value"}``
per line) over the ``text`` of each record in ``DIR/<file>`` (CSV or JSONL).
Throughput is CPU time of one process (MB of text per second per core) on two
texts: the corpus repeated (selector-dense) and the corpus mixed 1:4 with plain
narrative (closer to a real intelligence log); with a scenario, also on the
simulator's texts as they are (dense, and every value different, so the caches
of per-value validation, which a repeated corpus flatters, do not help).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.extract.corpus import CORPUS, HELDOUT_SETS, load_corpus, score_mentions  # noqa: E402

from crosslink.extract import MENTION_TYPES, extract  # noqa: E402

TARGETS = {t: 0.97 for t in ("phone", "email", "iban", "crypto", "imei", "plate", "vessel")}
TARGETS.update({t: 0.90 for t in ("person", "dob", "money", "location", "handle")})

NARRATIVE = (
    "Officers attended the address following a report from a member of the public. The occupants "
    "were spoken to and gave accounts that were inconsistent with each other. Enquiries are continuing "
    "and the information has been shared with the relevant teams for further development. It is "
    "assessed that the group is active and that further crossings are likely when the weather allows. "
)

Doc = tuple[str, str, str | None, set[tuple[str, str]]]


def score(docs: list[Doc]) -> dict[str, tuple[int, int, int]]:
    return score_mentions((text, hint, gold) for _id, text, hint, gold in docs)


def print_scores(title: str, scores: dict[str, tuple[int, int, int]], only: set[str] | None = None) -> bool:
    print(f"\n{title}")
    print(f"{'type':<14}{'gold':>6}{'found':>7}{'prec':>8}{'recall':>8}{'F1':>8}{'target':>8}")
    ok = True
    for t in MENTION_TYPES:
        if t not in scores or (only is not None and t not in only):
            continue
        tp, fp, fn = scores[t]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        target = TARGETS.get(t)
        flag = "" if target is None else ("  ok" if f >= target else "  MISS")
        ok &= target is None or f >= target
        tgt = f"{target:.2f}" if target else "-"
        print(f"{t:<14}{tp + fn:>6}{tp + fp:>7}{p:>8.3f}{r:>8.3f}{f:>8.3f}{tgt:>8}{flag}")
    return ok


def corpus_docs(path: Path = CORPUS) -> tuple[list[Doc], int, int]:
    docs: list[Doc] = []
    decoys = hit = 0
    for d in load_corpus(path):
        docs.append((d.id, d.text, d.hint, {(g.type, g.value) for g in d.gold}))
        ms = extract(d.text, d.hint)
        for x in d.decoys:
            decoys += 1
            hit += any(m.start < x.end and x.start < m.end for m in ms)
    return docs, decoys, hit


def _records(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False,
                                                                      column_types={}))
    return [{k: str(v) for k, v in row.items()} for row in table.to_pylist()]


def scenario_docs(root: Path) -> list[Doc]:
    gold: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    with (root / "truth" / "spans.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            s = json.loads(line)
            gold[(s["file"], s["record_id"])].add((s["type"], s["value"]))
    docs: list[Doc] = []
    for file in sorted({f for f, _ in gold}):
        rows = _records(root / file)
        if not rows:
            continue
        wanted = {r for f, r in gold if f == file}
        id_col = next((c for c in rows[0] if any(str(r.get(c)) in wanted for r in rows[:50])), None)
        if id_col is None:
            print(f"warning: no id column in {file} matches the gold record ids", file=sys.stderr)
            continue
        for r in rows:
            rid = str(r[id_col])
            if (file, rid) in gold:
                docs.append((rid, str(r.get("text") or ""), None, gold[(file, rid)]))
    return docs


def name_swap_docs(febrl: Path) -> list[Doc]:
    """Five copies of the held-out documents with each person mention written exactly as its value
    ("Given Family", sentence case) replaced by a FEBRL given name and surname that no
    name list holds; gold is the person mentions only."""
    import random

    from crosslink.extract.names.lexicon import nice_name, word_lists

    given, family, _english, places = word_lists()
    table = pacsv.read_csv(febrl, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    cols = {c.strip(): c for c in table.column_names}
    pairs = sorted({(g.strip().capitalize(), f.strip().capitalize())
                    for g, f in zip(table[cols["given_name"]].to_pylist(), table[cols["surname"]].to_pylist(),
                                    strict=True)
                    if g.strip().isalpha() and f.strip().isalpha() and len(g.strip()) > 2 and len(f.strip()) > 2
                    and not ({g.strip().lower(), f.strip().lower()} & (given | family | places))})
    rng = random.Random(14)
    docs: list[Doc] = []
    for d in [d for _ in range(5) for p in HELDOUT_SETS for d in load_corpus(p)]:
        people = [g for g in d.gold if g.type == "person" and d.text[g.start : g.end] == g.value
                  and len(g.value.split()) == 2]
        if not people:
            continue
        text, gold = d.text, set()
        for g in sorted(people, key=lambda g: -g.start):
            new = " ".join(rng.choice(pairs))
            text = text[: g.start] + new + text[g.end :]
            gold.add(("person", nice_name(new.split())))
        others = {(g.type, g.value) for g in d.gold if g.type == "person" and g not in people}
        docs.append((d.id, text, d.hint, gold | others))
    return docs


def throughput(text: str, repeat: int = 1) -> float:
    extract("warm up 07911 123456 Ahmed KARIMI in Dunkerque")
    t0 = time.process_time()
    for _ in range(repeat):
        extract(text)
    dt = time.process_time() - t0
    return len(text.encode("utf-8")) * repeat / 1e6 / dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", type=Path, help="simulator scenario directory (with truth/spans.jsonl)")
    ap.add_argument("--simulate", type=int, metavar="N", help="simulate a scenario of N people first")
    ap.add_argument("--mb", type=float, default=1.0, help="MB of text for the throughput runs")
    args = ap.parse_args()

    docs, decoys, hit = corpus_docs()
    ok = print_scores(f"annotated corpus: {len(docs)} documents, {sum(len(d[3]) for d in docs)} gold mentions",
                      score(docs))
    rate = hit / decoys if decoys else 0.0
    print(f"decoys extracted: {hit}/{decoys} = {rate:.1%} (target <= 2%)")
    ok &= rate <= 0.02

    # written before the extractor was run on them: how the code generalises (reported,
    # and held to the same targets, but kept apart from the corpus it was tuned on;
    # see each file's header for its first-run scores and what was fixed since)
    for path in HELDOUT_SETS:
        hdocs, hdecoys, hhit = corpus_docs(path)
        ok &= print_scores(f"held-out {path.name}: {len(hdocs)} documents, "
                           f"{sum(len(d[3]) for d in hdocs)} gold mentions", score(hdocs))
        hrate = hhit / hdecoys if hdecoys else 0.0
        print(f"decoys extracted: {hhit}/{hdecoys} = {hrate:.1%} (target <= 2%)")
        ok &= hrate <= 0.02

    # the learned person model (issue 14) against the rules alone, on every set: what it
    # adds in recall and what it costs in precision, side by side
    print("\nperson mentions, rules alone vs rules + learned model (names/model.py)")
    print(f"{'set':<16}{'rules P':>9}{'R':>7}{'F1':>7}{'+model P':>10}{'R':>7}{'F1':>7}{'F1 ratio':>10}")
    from crosslink.extract.names import model as person_model

    for path in (CORPUS, *HELDOUT_SETS):
        pdocs, _, _ = corpus_docs(path)
        row = []
        for on in (False, True):
            saved = person_model.is_person
            if not on:
                person_model.is_person = lambda *a: False  # type: ignore[assignment]
            try:
                tp, fp, fn = score(pdocs).get("person", (0, 0, 0))
            finally:
                person_model.is_person = saved
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            row.append((p, r, 2 * p * r / (p + r) if p + r else 0.0))
        (p0, r0, f0), (p1, r1, f1) = row
        print(f"{path.name:<16}{p0:>9.3f}{r0:>7.3f}{f0:>7.3f}{p1:>10.3f}{r1:>7.3f}{f1:>7.3f}{f1 / f0 if f0 else 0:>10.3f}")

    # The same held-out texts with every person written "Given Family" replaced by a name
    # of the FEBRL data sets that neither name list holds: how the rules and the model do
    # on names nobody wrote a list for, in contexts written by someone else.
    febrl = ROOT / ".." / "shared" / "data" / "entity_resolution" / "febrl" / "dataset1.csv"
    if febrl.is_file():
        swapped = name_swap_docs(febrl)
        print(f"\nheld-out texts, people renamed from FEBRL (no list holds them): {len(swapped)} documents, "
              f"{sum(len(d[3]) for d in swapped)} people")
        print(f"{'':<16}{'rules P':>9}{'R':>7}{'F1':>7}{'+model P':>10}{'R':>7}{'F1':>7}{'F1 ratio':>10}")
        row = []
        for on in (False, True):
            saved = person_model.is_person
            if not on:
                person_model.is_person = lambda *a: False  # type: ignore[assignment]
            try:
                tp, fp, fn = score(swapped).get("person", (0, 0, 0))
            finally:
                person_model.is_person = saved
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            row.append((p, r, 2 * p * r / (p + r) if p + r else 0.0))
        (p0, r0, f0), (p1, r1, f1) = row
        print(f"{'renamed':<16}{p0:>9.3f}{r0:>7.3f}{f0:>7.3f}{p1:>10.3f}{r1:>7.3f}{f1:>7.3f}{f1 / f0 if f0 else 0:>10.3f}")

    scenario = args.scenario
    if args.simulate:
        from crosslink.simulate import simulate

        scenario = Path(tempfile.mkdtemp(prefix="crosslink-scenario-"))
        simulate(args.simulate, 7, scenario)
    sim_text = ""
    if scenario is not None:
        sdocs = scenario_docs(scenario)
        sc = score(sdocs)
        ok &= print_scores(f"simulator gold ({scenario.name}): {len(sdocs)} texts, "
                           f"{sum(len(d[3]) for d in sdocs)} gold mentions", sc)
        sim_text = "\n\n".join(d[1] for d in sdocs)

    corpus_text = "\n\n".join(d[1] for d in docs)
    target = int(args.mb * 1e6)
    dense = (corpus_text + "\n\n") * (target // (len(corpus_text) + 2) + 1)
    mixed_unit = "\n\n".join(d[1] + "\n" + NARRATIVE * 4 for d in docs)
    mixed = (mixed_unit + "\n\n") * (target // (len(mixed_unit) + 2) + 1)
    d_rate = throughput(dense[:target])
    m_rate = throughput(mixed[:target])
    print(f"\nthroughput (CPU time, one core): selector-dense {d_rate:.2f} MB/s, "
          f"narrative mix {m_rate:.2f} MB/s (target >= 2 MB/s)")
    # what the learned person model costs: the same dense text with the model switched off
    saved = person_model.is_person
    person_model.is_person = lambda *a: False  # type: ignore[assignment]
    try:
        off = throughput(dense[:target] + " ")
    finally:
        person_model.is_person = saved
    print(f"selector-dense without the person model: {off:.2f} MB/s (with it: {d_rate / off:.2f}x)")
    if sim_text:
        # every value different (no repetition for the per-value caches to exploit)
        s_rate = throughput(sim_text)
        print(f"simulator texts, not repeated ({len(sim_text.encode('utf-8')) / 1e6:.2f} MB): {s_rate:.2f} MB/s")
    ok &= m_rate >= 2.0 and d_rate >= 2.0
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
