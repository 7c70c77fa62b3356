"""The shared keyword scan: word boundaries, longest labels, clause windows."""

from __future__ import annotations

from crosslink.extract import extract, keywords
from crosslink.extract.labels import NUMBER_LABELS


def test_words_only_hit_whole_words() -> None:
    ti = keywords.index("they travelled from Calais; allowances were paid in the Calaisian way")
    assert [w for _s, _e, w in ti.hits("place")] == ["calais"]
    # "all" (a currency code) is not found inside "allowances"
    assert not ti.hits("currency_code")


def test_a_word_can_start_and_end_the_text() -> None:
    assert [w for _s, _e, w in keywords.index("Calais").hits("place")] == ["calais"]
    assert [w for _s, _e, w in keywords.index("t.me/boat_man").hits("url_domain")] == ["t.me"]


def test_longest_label_wins_and_the_nearest_counts() -> None:
    text = "passport number 0791112345"
    assert NUMBER_LABELS.kind(text, text.index("0791")) == "passport"
    text = "IMSI 234150999999999, mobile 07911 123456"
    assert NUMBER_LABELS.kind(text, text.index("07911")) == "phone"


def test_label_in_an_earlier_sentence_does_not_count() -> None:
    text = "Passport seen. The van driver called 07911 123456"
    assert NUMBER_LABELS.kind(text, text.index("07911")) == "phone"
    text = "Passport seen. Then 07911 123456"
    assert NUMBER_LABELS.kind(text, text.index("07911")) is None


def test_tabs_and_mixed_case_do_not_hide_words() -> None:
    assert [m.value for m in extract("crossed from\tLOON PLAGE\tat night") if m.type == "location"] == ["Loon-Plage"]


def test_index_is_rebuilt_for_each_text() -> None:
    a = keywords.index("Dover")
    b = keywords.index("Calais")
    assert [w for *_, w in a.hits("place")] == ["dover"]
    assert [w for *_, w in b.hits("place")] == ["calais"]
