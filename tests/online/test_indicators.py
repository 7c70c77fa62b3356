"""Indicators: what explains a decision, in every language, typed with or without diacritics."""

from __future__ import annotations

from importlib import resources

import yaml

from crosslink.online.indicators import indicator_set, load_labels


def fired(text: str) -> set[str]:
    ind = indicator_set()
    return {name for name, n in zip(ind.names, ind.hits(text), strict=True) if n}


def test_terms_match_with_and_without_diacritics_but_short_ones_do_not_collide():
    assert {"crossing_offer", "guarantee"} <= fired("Traversée vers l'Angleterre, garanti à 100 %")
    assert {"crossing_offer", "guarantee"} <= fired("Traversee vers l'Angleterre, garanti a 100 %")
    assert "guarantee" in fired("xe tai sang anh, dam bao den noi")  # "đảm bảo" typed without marks
    # "đô" (dollars) must not make Dover a price once its marks are gone
    assert "price" not in fired("ferry tickets Calais - Dover")


def test_arabic_script_and_ethiopic_terms_match_behind_attached_prefixes():
    assert "news_report" in fired("وقالت الشرطة إن القارب غرق")  # الشرطة inside وقالت ... والشرطة
    assert "news_report" in fired("اعتقلت والشرطة")
    assert "documents" in fired("የፓስፖርት ቅጂ ይላኩ")


def test_every_indicator_has_terms_in_every_language_and_a_known_label():
    spec_langs = set(load_labels()["languages"])
    ind = indicator_set()
    labels = set(load_labels()["labels"])
    assert {i.supports for i in ind.indicators} <= labels
    spec = yaml.safe_load(resources.files("crosslink.online").joinpath("data", "indicators.yml").read_text("utf-8"))
    for name, body in spec["indicators"].items():
        assert spec_langs <= set(body), (name, sorted(spec_langs - set(body)))
