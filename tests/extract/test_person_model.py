"""The learned person-run model (crosslink.extract.names.model): it proposes names no
list holds and no cue word announces; the rules and its threshold keep other
capitalised runs out."""

from __future__ import annotations

from importlib import resources

import pytest

from crosslink.extract import extract
from crosslink.extract.names import model
from crosslink.extract.names.lexicon import word_lists


def people(text: str) -> list[tuple[str, str]]:
    return [(m.value, str(m.extra.get("form"))) for m in extract(text) if m.type == "person"]


def test_weights_ship_in_the_package_and_are_small() -> None:
    res = resources.files("crosslink.extract").joinpath("data/person_model.npz")
    assert res.is_file() and len(res.read_bytes()) < 2_000_000
    assert model.model_loaded()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Payment was sent by Mbaye Ndiaye on Friday.", "Mbaye Ndiaye"),
        ("The flat was rented by Chukwuemeka Okonkwo last year.", "Chukwuemeka Okonkwo"),
        ("Officers later spoke to Teodor Vasilescu at the depot.", "Teodor Vasilescu"),
        ("Money went to Sipho Dlamini through a hawala.", "Sipho Dlamini"),
        ("Ravshan Tursunov drove the lorry to the coast.", "Ravshan Tursunov"),
        ("It is believed Ferenc Horvath arranged the transport.", "Ferenc Horvath"),
    ],
)
def test_names_no_list_holds_without_a_cue_are_found_by_the_model(text: str, name: str) -> None:
    given, family, _english, _places = word_lists()
    # the point of the test: neither word is in a list, and no role word or DOB is near
    assert not any(t.lower() in given or t.lower() in family for t in name.split())
    assert people(text) == [(name, "model")]


@pytest.mark.parametrize(
    "text",
    [
        "Reports from Guardia Civil indicate a second boat.",
        "Hellenic Coast Guard report via liaison: a speedboat.",
        "Informativa della Squadra Mobile di Imperia.",
        "Staff at Happy Days Nursery saw the van.",
        "The Costa Brava Cafe was closed.",
        "Goods were collected from Golden Crown Kebabs in Dover.",
    ],
)
def test_organisations_and_premises_are_not_people(text: str) -> None:
    assert people(text) == []


def test_a_run_opening_with_a_title_is_left_to_the_titled_form() -> None:
    # the model must not swallow the honorific: the name is Rahmatullah
    assert people("He paid $8k in total to Haji Rahmatullah, a hawaladar.") == [("Rahmatullah", "title")]


def test_features_are_the_same_for_training_and_scoring() -> None:
    text = "Officers met Sipho Dlamini at the port."
    prev, nxt, ss = model.context(text, 13, 26)
    assert (prev, nxt, ss) == (["officers", "met"], "at", False)
    ids = model.feature_ids(["Sipho", "Dlamini"], prev, nxt, ss)
    assert ids == model.feature_ids(["Sipho", "Dlamini"], prev, nxt, ss)
    assert len(ids) == len(model.features(["Sipho", "Dlamini"], prev, nxt, ss))
    assert all(0 <= i < 1 << model.BITS for i in ids)


def test_a_name_the_model_finds_inside_quotes_is_an_alias() -> None:
    ms = extract('There he was given the number for "Wedi Abo", who arranged the lorry.')
    assert [(m.type, m.value) for m in ms if m.type in ("person", "alias")] == [("alias", "Wedi Abo")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("HAWRAMI Zhilwan drove the van to Calais.", "Zhilwan Hawrami"),  # SURNAME Given, no list, no cue
        ("Police stopped DLAMINI Sipho near Dover.", "Sipho Dlamini"),
        ("Dlamini, Sipho was arrested.", "Sipho Dlamini"),  # comma-inverted
        ("DLAMINI, Sipho was arrested.", "Sipho Dlamini"),
        ("Sipho Dlamini's brother drove.", "Sipho Dlamini"),  # possessive
        ("Ahmed KARIMI's car was seen.", "Ahmed Karimi"),
    ],
)
def test_other_forms_of_names_no_list_holds(text: str, name: str) -> None:
    assert [v for v, _ in people(text)] == [name]


@pytest.mark.parametrize("text", ["NCA, Kent and Essex", "DOVER, Kent", "Calais, France", "BORDER FORCE Officers"])
def test_other_forms_leave_places_and_agencies_alone(text: str) -> None:
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Later Kofi Asante Owusu met them.", "Kofi Asante Owusu"),
        ("Separately Ahmed Karimi Rasuli paid.", "Ahmed Karimi Rasuli"),
        ("Meanwhile Hemin Qadir Baban left.", "Hemin Qadir Baban"),
        ("Nguyen Van Hung drove.", "Nguyen Van Hung"),  # the first word is the family name: kept
        ("Sipho Mandla Dlamini drove.", "Sipho Mandla Dlamini"),
    ],
)
def test_a_word_opening_the_sentence_is_trimmed_from_a_name(text: str, name: str) -> None:
    assert [v for v, _ in people(text)] == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Full name: SIPHO DLAMINI", "Sipho Dlamini"),
        ("SIPHO DLAMINI (DOB 12/03/1990) was stopped", "Sipho Dlamini"),
        ("Subject: MBAYE NDIAYE, aged 30", "Mbaye Ndiaye"),
        ("suspect KARIMI AHMED", "Ahmed Karimi"),
    ],
)
def test_names_all_in_capitals_with_a_cue(text: str, name: str) -> None:
    assert [v for v, _ in people(text)] == [name]


@pytest.mark.parametrize(
    "text",
    ["URGENT INTELLIGENCE REPORT", "OFFICIAL SENSITIVE KENT POLICE", "driver BORDER FORCE said",
     "Surname: DLAMINI Forename: Sipho", "Suspects: Sipho Dlamini, Mbaye Ndiaye"],
)
def test_capitals_and_lists_that_are_not_one_name(text: str) -> None:
    assert all(v in ("Sipho Dlamini", "Mbaye Ndiaye") for v, _ in people(text))


def test_training_labels_runs_as_the_extractor_reads_them() -> None:
    # tools/train_person_model.py labels exactly the runs sentence_runs scores: a run that is a
    # gold person is positive, one touching none negative, a partial overlap left out
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "train_person_model.py"
    spec = importlib.util.spec_from_file_location("train_person_model", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    text = "Officers met Sipho Dlamini at Sunrise Valley Farm. Mbaye Ndiaye Road was closed."
    s = text.index("Sipho")
    gold = [(s, s + len("Sipho Dlamini"), "person"), (text.index("Mbaye"), text.index("Mbaye") + 5, "person")]
    labels = [label for _ids, label in tool.examples(iter([(text, gold)]))]
    assert labels == [1, 0]  # "Sipho Dlamini" positive, "Sunrise Valley Farm" negative, "Mbaye Ndiaye" left out
