"""The shared keyword scan: word boundaries, longest labels, clause windows."""

from __future__ import annotations

import random

import pytest

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


def _all_hits(text: str) -> dict[str, list[tuple[int, int, str]]]:
    keywords._LAST.clear()
    ti = keywords.index(text)
    return {name: list(ti.hits(name)) for name in keywords._CATEGORIES}


def test_cached_boundary_verdicts_change_no_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan caches each word's boundary verdicts by the character before and the
    two after; with the cache off (every test called) the hits are the same."""
    from tests.extract.corpus import CORPUS, HELDOUT_SETS, load_corpus

    rng = random.Random(11)
    docs = [d.text for path in (CORPUS, *HELDOUT_SETS) for d in load_corpus(path)]
    glue = [" ", "", "-", "'", "@", ".", "\t", "\n", "é", "ل", "_", "1", "x"]
    texts = ["\n".join(docs)]
    for _ in range(60):
        words = " ".join(rng.sample(docs, 2)).split(" ")
        texts.append("".join(w + rng.choice(glue) for w in words))
    keywords._automaton()
    cached = [_all_hits(t) for t in texts]
    monkeypatch.setattr(keywords, "_MAX_VERDICTS", 0)
    for v in keywords._VERDICTS:
        v.clear()
    assert [_all_hits(t) for t in texts] == cached


def test_right_boundaries_look_two_characters_ahead_at_most() -> None:
    """What the verdict cache relies on (see keywords.register)."""
    rng = random.Random(3)
    chars = "ab -'@.\t\né_1ل,"
    for cat in keywords._CATEGORIES.values():
        if cat.right is None:
            continue
        for _ in range(300):
            ctx = "".join(rng.choice(chars) for _ in range(rng.randrange(3)))
            before = "".join(rng.choice(chars) for _ in range(3))
            after = "".join(rng.choice(chars) for _ in range(3)) if len(ctx) == 2 else ""
            assert cat.right(before + ctx + after, len(before)) == cat.right(ctx, 0), (cat.name, ctx)
