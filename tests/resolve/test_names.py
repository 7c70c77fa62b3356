"""Transliteration-aware name keys: spellings of one name agree, different names do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosslink.resolve.names import clean_name, learn_variant_groups, load_variant_table, name_key


@pytest.fixture(scope="module")
def variants() -> dict[str, str]:
    return load_variant_table()


def key(text: str, variants: dict[str, str]) -> str | None:
    return name_key(clean_name(text), variants)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammed", "Muhammad"),
        ("Mohammed", "Mehmet"),  # Turkish spelling: needs the variant table
        ("KARIMI", "Kareemi"),
        ("Hussein", "Hossein"),
        ("Youssef", "Yusuf"),
        ("Tesfa Mariam", "TESFAMARIAM"),  # compound names split differently
        ("al-Hassan", "Hassan"),  # particle
        ("Nguyễn", "Nguyen"),  # diacritics
        ("Олександр", "Aleksandr"),  # Cyrillic, then variant group
    ],
)
def test_spelling_variants_share_a_key(a: str, b: str, variants: dict[str, str]) -> None:
    assert key(a, variants) == key(b, variants)


@pytest.mark.parametrize(("a", "b"), [("Karimi", "Rahimi"), ("Ahmed", "Mohammed"), ("Ali", "Alan")])
def test_different_names_keep_different_keys(a: str, b: str, variants: dict[str, str]) -> None:
    assert key(a, variants) != key(b, variants)


def test_clean_name_handles_empty_and_punctuation() -> None:
    assert clean_name(None) is None
    assert clean_name("  ") is None
    assert clean_name("O'Brien-Smith, Dr") == "obrien smith"


def test_variant_groups_are_learnt_from_a_transliteration_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "pairs.tsv"
    corpus.write_text(
        "hisham\tه ش ا م\t9\nhichem\tه ش ا م\t3\nomar\tع م ر\t5\nwalter\tو ل ت ر\t2\n",
        encoding="utf-8",
    )
    learnt = learn_variant_groups([corpus])
    assert learnt == {"hisham": "hisham", "hichem": "hisham"}
    table = load_variant_table(learnt)
    assert name_key("hichem", table) == name_key("hisham", table)


@pytest.mark.shared
def test_learning_from_shared_wikidata_pairs(shared_data: Path) -> None:
    files = sorted((shared_data / "entity_resolution" / "name_transliteration").glob("wd_arabic_16.tsv"))
    learnt = learn_variant_groups(files)
    assert len(learnt) > 100
    # learnt groups map each variant to a member of its own group
    assert all(v[0] == c[0] for v, c in learnt.items())
