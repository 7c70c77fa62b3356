"""Triage as a user relies on it: checked input, whole output, the shipped model's
figures on the tuning split, language and script, explanations."""

from __future__ import annotations

import json

import pytest

from crosslink.errors import InputError
from crosslink.online import evaluate, read_posts, triage, write_scored
from tests.online.conftest import DATA


def _write(path, lines):  # type: ignore[no-untyped-def]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "where"), [
    ('{"id": "a", "platform": "x"}', "row 2, column 'text'"),
    ('{"id": "a", "text": "hello"}', "row 2, column 'platform'"),
    ('{"id": "p1", "platform": "x", "text": "again"}', "row 2, column 'id': duplicate id 'p1'"),
    ('{"id": "a", "platform": "x", "text": 5}', "row 2, column 'text': must be a string"),
    ('not json', "row 2: not JSON"),
    ('[1, 2]', "row 2: each line must be a JSON object"),
])
def test_bad_posts_name_the_file_line_and_field(tmp_path, line, where):
    path = _write(tmp_path / "posts.jsonl", ['{"id": "p1", "platform": "x", "text": "hi"}', line])
    with pytest.raises(InputError) as err:
        read_posts(path)
    assert str(err.value) == f"{path}, {where}" or str(err.value).startswith(f"{path}, {where}")


def test_scored_output_is_written_whole_or_not_at_all(tmp_path, model):
    posts = [{"id": "p1", "platform": "telegram", "text": "Boat to UK tonight, 100% guaranteed, £1500. wa.me/447700900123"}]
    out = tmp_path / "scored.jsonl"
    out.write_text("previous run\n")

    def broken():  # type: ignore[no-untyped-def]
        yield from triage(posts, model=model)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_scored(broken(), out)
    assert out.read_text() == "previous run\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert write_scored(triage(posts, model=model), out) == 1
    line = json.loads(out.read_text())
    assert {"id", "label", "score", "indicators", "selectors"} <= set(line)
    assert line["label"] == "smuggling_advert" and line["id"] == "p1"
    assert {"type": "phone", "value": "+447700900123"} in line["selectors"]
    assert {"type": "url", "value": "https://wa.me/447700900123"} in line["selectors"]


POSTS = {
    # language: (an advert, a benign post using the same words)
    "en": ("Taxi to London every night, hidden in a lorry, £2500, 100% guaranteed. Message +44 7700 900111",
           "Warning: smugglers sell places in lorries to London. Do not pay them; call the helpline."),
    "fr": ("Passage en Angleterre en bateau cette semaine, 1500 euros, garanti 100%. WhatsApp +44 7700 900112",
           "Attention : des passeurs vendent des places sur des bateaux. Ne payez personne, appelez l'association."),
    "ar": ("رحلة بحرية إلى إيطاليا هذا الأسبوع، السعر ٢٠٠٠ يورو، مضمونة ١٠٠٪. واتساب ٠٠٤٤٧٧٠٠٩٠٠١١٣",
           "تحذير: المهربون يبيعون أماكن في القوارب. لا تدفعوا لأحد، اتصلوا بالمحامي مجاناً."),
}


def test_adverts_are_referred_and_explained_and_warnings_are_not(model):
    posts = []
    for lang, (advert, benign) in POSTS.items():
        posts += [{"id": f"{lang}-ad", "platform": "facebook", "text": advert},
                  {"id": f"{lang}-ok", "platform": "facebook", "text": benign}]
    got = {s.id: s for s in triage(posts, model=model)}
    for lang in POSTS:
        ad, ok = got[f"{lang}-ad"], got[f"{lang}-ok"]
        assert ad.label == "smuggling_advert", (lang, ad)
        assert ok.label == "benign", (lang, ok)
        assert ad.score > ok.score
        assert ad.lang == lang and ok.lang == lang
        assert {"crossing_offer", "price"} <= set(ad.indicators), (lang, ad.indicators)
        assert any(s["type"] == "phone" for s in ad.selectors)


def test_the_shipped_model_meets_the_issue_figures_on_the_tuning_split(model):
    """The dev split (every fourth template and filler of each bank, never trained on,
    but tuned on: the held-back set written by someone else is the real test)."""
    gold = [json.loads(line) for line in (DATA / "dev.jsonl").read_text("utf-8").splitlines()]
    scored = triage([{k: g[k] for k in ("id", "platform", "text")} for g in gold], model=model)
    figures = evaluate(gold, scored)
    assert figures["referral"]["f1"] >= 0.9
    assert figures["hard_benign_false_referral"] <= 0.10
    assert min(figures["per_language_recall"].values()) >= 0.8, figures["per_language_recall"]
    assert set(figures["per_language_recall"]) == {"en", "ar", "ar-Latn", "fa", "ps", "ckb", "ckb-Latn", "sq",
                                                    "tr", "vi", "fr", "ti", "am"}
    assert figures["selectors"]["f1"] >= 0.97
    languages = sum(s.lang == g["lang"] for s, g in zip(scored, gold, strict=True)) / len(gold)
    scripts = sum(s.script == g["script"] for s, g in zip(scored, gold, strict=True)) / len(gold)
    assert languages >= 0.95 and scripts >= 0.99


def test_a_post_quoting_an_advert_to_condemn_it_is_not_referred(model):
    advert = ("Truck trips Lille to UK every night, safe place behind the cargo, 100% guaranteed. "
              "Price 2000 euro. Contact WhatsApp 07700 900901.")
    posts = [
        {"id": "ad", "platform": "x", "text": advert},
        {"id": "marks", "platform": "x", "text": f'This advert is going round again: "{advert}" '
                                                   "They are selling death. Report the account."},
        {"id": "colon", "platform": "x", "text": f"Screenshot from a smuggler's page: {advert} "
                                                   "Last month their lorry was stopped at the port. "
                                                   "Share to warn others."},
    ]
    got = {s.id: s for s in triage(posts, model=model)}
    assert got["ad"].label == "smuggling_advert"
    assert got["marks"].label == "benign" and got["colon"].label == "benign"
    assert "condemnation" in got["colon"].indicators


def test_the_posters_own_words_are_found_around_a_quote_and_never_in_an_advert():
    from crosslink.online.model import quote_frame

    body = "Boat tonight from Calais, 6 places. Price 900 euro. WhatsApp +44 7700 900123."
    assert quote_frame(f"Screenshot from a smuggler's page: {body} Share to warn others.") == (
        "Screenshot from a smuggler's page Share to warn others.")
    assert quote_frame(f'They post this: "{body}" Report the account.') is not None
    # adverts open with colons too: a label, a greeting, one generic word
    for advert in (f"Contact: {body}", f"Price: {body}", f"Attention all brothers and sisters: {body}",
                   f"Boat to UK 100% guaranteed: {body}"):
        assert quote_frame(advert) is None, advert


def test_written_posts_are_stored_once_and_count_as_often_as_they_say():
    from crosslink.online.model import read_training_posts

    lines = [{"id": "t1", "text": "a", "label": "benign"},
             {"id": "w1", "text": "b", "label": "benign", "repeat": 2, "written": "set1"},
             {"id": "w2", "text": "c", "label": "benign", "repeat": 2, "written": "set1"}]
    raw = "\n".join(json.dumps(x) for x in lines).encode()
    assert [p["id"] for p in read_training_posts(raw)] == ["t1", "w1~0", "w2~0", "w1~1", "w2~1"]
