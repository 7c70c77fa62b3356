"""Train the person-run model shipped as ``src/crosslink/extract/data/person_model.npz``.

    .venv/bin/python tools/train_person_model.py [--translit DIR] [--seed 7]

Offline, from data that exists (nothing here is downloaded):

- the Latin side of the Wikidata person-name transliteration pairs (CC0 1.0; by default
  ``../shared/data/entity_resolution/name_transliteration`` beside the repository):
  real name tokens no hand-written list covers, put into report sentences;
- the simulator's name tables (given and family names per origin) and a scenario it
  generates, whose gold spans label the runs of its texts;
- the project's annotated corpus ``tests/extract/corpus.txt``. Never the held-out sets
  (``heldout*.txt``): they are evaluation sets.

Examples are the runs the extractor itself scores (:func:`crosslink.extract.names.capitals.
run_spans`), labelled positive when the run is exactly a gold person span, negative when it
touches none (a partial overlap is left out). Negatives come from the same texts
(places, businesses, vessels, headings, sentence openings) and from title-case pairs of
ordinary words. The features are :func:`crosslink.extract.names.model.feature_ids`, so
training and scoring cannot drift apart; the learner is scikit-learn's logistic
regression (a project dependency) on a sparse matrix of those ids. The threshold is
the lowest margin keeping precision >= 0.99 on a held-back fifth of the examples.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.extract.corpus import CORPUS, load_corpus  # noqa: E402

from crosslink.extract.names.capitals import run_spans  # noqa: E402
from crosslink.extract.names.model import BITS, context, feature_ids  # noqa: E402
from crosslink.simulate.names import _load as load_sim_yaml  # noqa: E402

#: the simulated scenario's texts and gold spans (made once in main)
SCENARIO: list[tuple[str, list[tuple[int, int, str]]]] = []
TERRITORIES: list[str] = []
STOPWORDS: list[str] = []
OUT = ROOT / "src" / "crosslink" / "extract" / "data" / "person_model.npz"
TRANSLIT = ROOT / ".." / "shared" / "data" / "entity_resolution" / "name_transliteration"

# Sentence frames of reports, logs, partner messages and chat; {P} a person, {N} a
# capitalised run that is not one, {L} a place. Written for this script: they carry
# no names, only the contexts names and non-names stand in.
FRAMES = [
    "{P} was seen at the address in {L} on Tuesday.",
    "Officers stopped a van driven by {P} near {L}.",
    "{P} is believed to arrange crossings from {L}.",
    "It is reported that {P} collects payments for the group.",
    "The source states that {P} and {P} share a flat in {L}.",
    "{P} met {P} outside {N} in {L}.",
    "A woman called {P} rang the number twice.",
    "Money was sent to {P} in {L} via a hawaladar.",
    "{P} told the interpreter he had paid 3000 euros.",
    "Enquiries show {P} rented the unit above {N}.",
    "According to {P}, the boat leaves from {L} tonight.",
    "{P} works at {N} on the high street.",
    "The lorry belongs to {N}, a haulier run by {P}.",
    "Later that day {P} drove to {L} with two passengers.",
    "{P} (aged 34) was arrested at {L}.",
    "Phone attributed to {P} was active in {L}.",
    "Both {P} and his cousin {P} were present.",
    "Meeting at {N} with {P} at 14:00.",
    "{P} and {P} travelled from {L} to {L} by coach.",
    "Surveillance saw {P} enter {N}.",
    "Intel suggests {P} now uses a new handset.",
    "Passenger list includes {P}, {P} and {P}.",
    "{P}, a known associate, paid the deposit.",
    "The flat is rented in the name of {P}.",
    "{P} sent the photos to the group on Telegram.",
    "ok so {P} will bring the money tomorrow",
    "I spoke to {P} yesterday about the trip",
    "{P} says the price is now 2500",
    "{N} reported a suspicious transaction on the account.",
    "Staff at {N} in {L} recognised the men.",
    "The vessel {N} was tracked off {L}.",
    "{N} confirmed the booking for six rooms.",
    "Visit to {N} in {L} produced no result.",
    "{N} is the trading name used for the invoices.",
    "CCTV from {N} shows the van arriving.",
    "Report from {N}: no further sightings.",
    "{N} was closed when officers arrived.",
    "Goods were collected from {N} at {L}.",
    "The group met at {N} before driving to {L}.",
    "{N}. {P} was not present.",
    "{P} later moved to {L} and opened {N}.",
    "Interview with {P} took place at {L}.",
    "Cash seized from {P} amounted to 4000 pounds.",
    "He was introduced to {P} by a friend in {L}.",
    "{P} owns the silver car seen at {N}.",
    "{N} war laut Zeugen am Abend geschlossen.",
    "{N} heeft de melding doorgestuurd.",
    "{N} di {L} ha trasmesso la nota.",
    "Selon {N}, le camion est reparti vers {L}.",
    "Informe de {N} sobre el vehículo.",
    "{N}: no trace of the vehicle.",
    "Subject seen near {N} and {N}.",
    "{N} {N} report attached.",
    "Der Fahrer wurde von {N} kontrolliert.",
    # contexts that say nothing (random words of the corpus and scenario, in any script):
    # a name must be recognisable by itself, and so must a non-name
    "{X} {X} {P} {X} {X}", "{X} {P} {X}", "{X} {X} {N} {X}", "{X} {N} {X} {X}",
    "12/8 — {P} — 1500 — {L}", "12/8 — {N} — 1500 — {L}", "Ask for {P} on WhatsApp +964 750 412 8836",
    "Send it to {P} by Bankak, account 3184729.", "{X} {X} {P} +44 7700 900123", "{P}: ok bro",
    "Contact {P} ({X}) on Telegram.", "{X}: {P}, {P}, {N}.", "{N} +44 7700 900123 {X}",
]

# Title-case business, vessel and heading words: the capitalised runs that are not people.
_NONNAME = """Golden Crown Star Royal Blue Ocean Sea Breeze Happy Nails Premier Quick Fix Best Fresh Food
Halal Meat Mini Mart Super Grill House Kings Queens Palace Garden Green Valley Sunrise Sunset Silver Moon
Lucky Express Phone Repair Mobile World Direct Global Trading Freight Cargo Parcel Logistics Motors Auto
Centre Spares Tyres Kebab Pizza Chicken Diner Coffee Lounge Bar Club Gym Fitness Beauty Salon Hair
Studio Print Copy Solutions Imports Exports Wholesale Retail Building Supplies Clean Care Homes Estates
Property Lettings Rentals Vehicle Movements Further Enquiries Financial Summary Risk Assessment Next
Steps Key Findings Background Source Details Current Position Red Black White Grey Dark Night Morning
Evening Harbour View Marina Point Channel Star Northern Light Sea Wolf Ocean Pearl Blue Horizon Atlantic
Spirit Liberty Bell Eagle Falcon Phoenix Dragon Tiger Lion Crown Jewel Diamond Emerald Ruby Sapphire
Victoria Albert Station Market Square Bridge Quay Wharf Dock Terminal Gate Depot Yard Warehouse Farm
Mill Lodge Inn Arms Tavern Castle Tower Hall Manor Court Park Gardens Cross Lane Hill Rise Grove Close""".split()


# Head nouns of organisations, services and premises in the languages of the reports,
# and the adjectives before them: "Guardia Civil", "Squadra Mobile", "Hellenic Coast
# Guard", "Happy Days Nursery" are capitalised runs that are not people.
_ORG_HEADS = """Police Polizei Polizia Policía Policia Politie Policja Poliisi Gendarmerie Guard Guardia Garde Coast
Coastguard Civil Mobile Squadra Brigade Brigada Nationale Nacional Nazionale Federal Bundespolizei Douane Aduana
Dogana Customs Immigration Frontex Europol Interpol Marechaussee Marine Carabinieri Finanza Nursery School College
University Academy Hospital Clinic Pharmacy Church Mosque Temple Masjid Society Association Foundation Trust
Charity Council Committee Ministry Agency Authority Directorate Department Squad Army Navy Tribunal Prison
Embassy Consulate Exchange Transfer Remittance Tours Travels Bakery Supermarket Garage Carwash Salon Barbers
Motel Hostel Lodge Camp Jungle Centre Bureau Office Procura Parquet Fiscalía Staatsanwaltschaft Prefecture
Préfecture Questura Mairie Gemeente Stadt Ayuntamiento Comune Court Gericht Tribunale Juzgado Rechtbank""".split()
_ADJECTIVES = """Hellenic Greek Italian Spanish French German Dutch Belgian Polish Romanian Albanian Turkish Kurdish
Iraqi Iranian Afghan British Royal Regional Provincial Municipal Metropolitan Central Federal National Local
General Special Civil Criminal Maritime Financial Serious Organised Organized International European Joint""".split()


def rigour_words() -> tuple[list[str], list[str]]:
    """Country and territory names in many languages, and multilingual stop words, from
    rigour (MIT licence; the FollowTheMoney toolkit already installed)."""
    from rigour import _core

    names: set[str] = set()
    for line in _core.territories_jsonl().splitlines():
        t = json.loads(line)
        for n in [t.get("name"), t.get("full_name"), *(t.get("names_strong") or []), *(t.get("names_weak") or [])]:
            if isinstance(n, str) and 1 < len(n.split()) <= 3 and n.replace(" ", "").isalpha():
                names.add(n)
    stops = sorted({w for w in _core.stopwords_list() if w.isalpha() and len(w) > 1})
    return sorted(names), stops


def vocabulary() -> list[str]:
    """Ordinary words of many languages: the extractor's own cue lists (labels, months,
    currencies, vehicle and boat words) and the words of the annotated corpus and a
    simulated scenario outside person spans. Title-cased, pairs and triples of them are
    what German nouns, headings and foreign organisation names look like."""
    from crosslink.extract import keywords

    words: set[str] = set()
    for name in ("label", "month", "number_label", "currency_word", "vehicle_cue", "boat", "name_cue1"):
        for w in keywords._CATEGORIES[name].words():
            words.update(t for t in w.split() if t.isalpha() and len(t) >= 3)
    for text, gold in [*corpus_texts(), *SCENARIO]:
        persons = [(s, e) for s, e, t in gold if t in ("person", "alias")]
        for m in re.finditer(r"[^\W\d_]{3,}", text):
            if not any(m.start() < e and s < m.end() for s, e in persons):
                words.add(m.group().lower())
    given, family = sim_names()
    known = {n.lower() for n in given + family}
    return sorted(words - known)


def translit_tokens(root: Path) -> list[str]:
    toks: set[str] = set()
    for f in sorted(root.glob("*.tsv")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                w = line.split("\t", 1)[0]
                if w.isalpha() and 3 <= len(w) <= 12:
                    toks.add(w)
    return sorted(toks)


def sim_names() -> tuple[list[str], list[str]]:
    raw = load_sim_yaml("names.yml")
    given: set[str] = set()
    family: set[str] = set()
    for origin in raw["origins"].values():
        for key, groups in origin.items():
            if not isinstance(groups, list) or not groups or not isinstance(groups[0], list):
                continue
            dest = family if key.startswith("family") else given if key.startswith("given") else None
            if dest is not None:
                dest.update(s for g in groups for s in g if isinstance(s, str))
    return sorted(given), sorted(family)


def places_list() -> list[str]:
    from crosslink.extract.places import load_places

    table, _ = load_places()
    return sorted({v.title() for v in table if v.replace(" ", "").isalpha()})


def synthetic(n: int, rng: random.Random, translit: list[str], given: list[str], family: list[str],
              places: list[str], vocab: list[str]) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """``n`` sentences with gold spans (start, end, type)."""
    for _ in range(n):
        frame = rng.choice(FRAMES)
        parts: list[str] = []
        gold: list[tuple[int, int, str]] = []
        pos = 0
        i = 0
        while i < len(frame):
            if frame.startswith("{X}", i):
                word = rng.choice(vocab)
                parts.append(word)
                pos += len(word)
                i += 3
            elif frame.startswith(("{P}", "{N}", "{L}"), i):
                slot = frame[i + 1]
                if slot == "P":
                    k = rng.choice((2, 2, 2, 3))
                    src = rng.random()
                    toks = []
                    for j in range(k):
                        if src < 0.6:
                            toks.append(rng.choice(translit).capitalize())
                        else:
                            toks.append(rng.choice(given if j == 0 else family))
                    value = " ".join(toks)
                    typ = "person"
                elif slot == "N":
                    u = rng.random()
                    if u < 0.35:
                        cap = rng.choice(vocab).capitalize()
                        head = rng.choice(_ORG_HEADS)
                        adj = rng.choice(_ADJECTIVES)
                        value = rng.choice((f"{cap} {head}", f"{head} {cap}", f"{adj} {head}", f"{adj} {cap} {head}",
                                            f"{head} {adj}", rng.choice(TERRITORIES)))
                    elif u < 0.5:
                        value = rng.choice(STOPWORDS).capitalize() + " " + rng.choice(vocab).capitalize()
                    elif u < 0.7:
                        value = " ".join(rng.choice(vocab).capitalize() for _ in range(rng.choice((2, 2, 3))))
                    elif u < 0.85:
                        value = " ".join(rng.choice(_NONNAME) for _ in range(rng.choice((2, 2, 3))))
                    else:
                        value = rng.choice(places) + " " + rng.choice(_NONNAME)
                    typ = "other"
                else:
                    value = rng.choice(places)
                    typ = "location"
                gold.append((pos, pos + len(value), typ))
                parts.append(value)
                pos += len(value)
                i += 3
            else:
                parts.append(frame[i])
                pos += 1
                i += 1
        yield "".join(parts), gold


def scenario_texts(n_people: int) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    import pyarrow.csv as pacsv

    from crosslink.simulate import simulate

    root = Path(tempfile.mkdtemp(prefix="crosslink-train-"))
    simulate(n_people, 3, root)
    spans: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    with (root / "truth" / "spans.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            s = json.loads(line)
            spans.setdefault((s["file"], s["record_id"]), []).append((s["start"], s["end"], s["type"]))
    for file in sorted({f for f, _ in spans}):
        path = root / file
        if path.suffix == ".jsonl":
            rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        else:
            rows = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False)).to_pylist()
        for r in rows:
            for v in r.values():
                key = (file, str(v))
                if key in spans:
                    yield str(r.get("text") or ""), spans.pop(key)
                    break


def corpus_texts() -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    for d in load_corpus(CORPUS):
        yield d.text, [(g.start, g.end, g.type) for g in d.gold]


def examples(texts: Iterator[tuple[str, list[tuple[int, int, str]]]]) -> Iterator[tuple[list[int], int]]:
    for text, gold in texts:
        persons = [(s, e) for s, e, t in gold if t in ("person", "alias")]
        for s, e, toks in run_spans(text):
            if (s, e) in persons:
                label = 1
            elif any(s < ge and gs < e for gs, ge in persons):
                continue
            else:
                label = 0
            prev, nxt, ss = context(text, s, e)
            yield feature_ids(toks, prev, nxt, ss), label


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--translit", type=Path, default=TRANSLIT)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--synthetic", type=int, default=80000)
    ap.add_argument("--people", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    translit = translit_tokens(args.translit)
    if not translit:
        print(f"no transliteration pairs under {args.translit}", file=sys.stderr)
        return 1
    given, family = sim_names()
    places = places_list()
    SCENARIO.extend(scenario_texts(args.people))
    territories, stopwords = rigour_words()
    TERRITORIES.extend(territories)
    STOPWORDS.extend(stopwords)
    vocab = vocabulary()
    data: list[tuple[list[int], int]] = []
    data.extend(examples(synthetic(args.synthetic, rng, translit, given, family, places, vocab)))
    data.extend(examples(iter(SCENARIO)))
    corpus = list(examples(corpus_texts()))
    data.extend(corpus * 20)  # the hand-annotated texts are few: weigh them up
    rng.shuffle(data)
    rows = np.repeat(np.arange(len(data)), [len(f) for f, _ in data])
    cols = np.fromiter((i for f, _ in data for i in f), dtype=np.int64)
    x = sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(data), 1 << BITS))
    y = np.array([lab for _, lab in data])
    cut = len(data) * 4 // 5
    clf = LogisticRegression(C=1.0, max_iter=400, solver="liblinear", fit_intercept=False, random_state=0)
    clf.fit(x[:cut], y[:cut])
    margin = x[cut:] @ clf.coef_[0]
    yt = y[cut:]
    order = np.argsort(-margin)
    tp = np.cumsum(yt[order])
    prec = tp / np.arange(1, len(order) + 1)
    ok = np.nonzero(prec >= 0.99)[0]
    threshold = float(margin[order[ok[-1]]]) if len(ok) else 0.0
    # the held-back examples are easier than text written by someone else: a margin of at
    # least 1 (a probability of 0.73) keeps the model from proposing coin tosses
    threshold = max(threshold, 1.0)
    pred = margin > threshold
    p = (pred & (yt == 1)).sum() / max(pred.sum(), 1)
    r = (pred & (yt == 1)).sum() / max((yt == 1).sum(), 1)
    print(f"examples {len(data)} (positive {int(y.sum())}), held-back fifth: P {p:.3f} R {r:.3f} "
          f"at threshold {threshold:.3f}")
    clf.fit(x, y)
    w = clf.coef_[0].astype(np.float16)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, w=w, threshold=np.float64(threshold))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
