"""The cheap pre-checks that skip regex work must never change a result: each is a
necessary condition of the regex it guards, checked here on every cue form and on
random windows, and end to end on the dates and names they gate."""

from __future__ import annotations

import random

import pytest

from crosslink.extract import extract
from crosslink.extract.accounts import _nth_alnum_end
from crosslink.extract.dates import (
    _CUE_TAIL,
    _DOB_CUE,
    _DOB_CUE_ENDS,
    _NAME_BEFORE,
    _may_end_in_bracket,
)

CUES = ["dob", "d.o.b", "d.o.b.", "date of birth", "born", "born on", "b.", "birth date", "birthdate",
        "date de naissance", "geb", "geb.", "geboren", "geboren am", "geboren op", "née le", "ne le", "né en"]
TAILS = ["", " ", ":", ": ", " - ", "=", " (", ": (", " \t( ", "\n", ": (\n"]


@pytest.mark.parametrize("cue", CUES)
def test_every_dob_cue_passes_the_pre_check(cue: str) -> None:
    for tail in TAILS:
        window = "subject " + cue + tail
        if _DOB_CUE.search(window) is not None:
            assert window.rstrip(_CUE_TAIL).endswith(_DOB_CUE_ENDS), window


@pytest.mark.parametrize("cue", ["DOB", "D.O.B.", "Date of birth", "born", "geb.", "née le"])
def test_dob_after_each_cue_form(cue: str) -> None:
    ms = extract(f"Ahmed KARIMI, {cue}: 12/03/1990, was stopped.")
    assert ("dob", "1990-03-12") in {(m.type, m.value) for m in ms}


def test_pre_checks_are_necessary_conditions_on_random_windows() -> None:
    rng = random.Random(7)
    alphabet = "dobirthngelé.( :=-\t\nAK"
    for _ in range(5000):
        w = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        if _DOB_CUE.search(w) is not None:
            assert w.rstrip(_CUE_TAIL).endswith(_DOB_CUE_ENDS), w
        if _NAME_BEFORE.search(w) is not None:
            assert _may_end_in_bracket(w), w


def test_year_of_birth_in_brackets_after_a_name() -> None:
    ms = extract("Fatmir LEKA (1978) was seen.\nAgim HOXHA (\n12/03/1980) too.")
    got = {(m.type, m.value) for m in ms}
    assert ("dob", "1978") in got
    assert ("dob", "1980-03-12") in got


def test_kunya_still_found_and_absent_text_is_skipped() -> None:
    assert "Abu Karam" in {m.value for m in extract("Contact Abu Karam on WhatsApp") if m.type == "person"}
    assert "Umm Ali" in {m.value for m in extract("Ask Umm Ali for the price") if m.type == "person"}


def test_nth_alnum_end() -> None:
    assert _nth_alnum_end("GB82 WEST 1234", 4) == 4
    assert _nth_alnum_end("GB82 WEST 1234", 5) == 6
    assert _nth_alnum_end("ab\t\ncd", 3) == 5
    with pytest.raises(IndexError):
        _nth_alnum_end("ab cd", 5)


def _titled_by_regex(text: str) -> list[tuple[int, int, str]]:
    """The whole-text TITLE_RE scan that :func:`titled` replaced, as the reference."""
    from crosslink.extract._base import Candidate
    from crosslink.extract.names.capitals import _TITLES, TITLE_RE
    from crosslink.extract.names.lexicon import CAPS_STOP, STOP, person, tokens, word_lists

    assert _TITLES
    places = word_lists()[3]
    out: list[Candidate] = []
    for m in TITLE_RE.finditer(text):
        toks = tokens(text, m.start("n"), m.end("n"))
        while toks and (toks[-1][2] in STOP or toks[-1][2] in CAPS_STOP or toks[-1][2].lower() in places
                        or toks[-1][2].islower()):
            toks.pop()
        if toks and not any(t[2] in STOP for t in toks):
            person(out, toks, "title")
    return [(c.start, c.end, c.value) for c in out]


def test_titles_from_the_keyword_scan_match_the_title_regex() -> None:
    from crosslink.extract import keywords
    from crosslink.extract.names.capitals import _TITLES, titled
    from crosslink.extract.names.lexicon import word_lists

    places = word_lists()[3]
    fixed = [
        "Mr Karimi met Mrs. Hiwa AHMED and DC SMITH, DCI Jones, Dr Al Hassan at Dover.",
        "Mr Dr Karimi; xMr Karimi; Mr\tKarimi; MR KARIMI; mr karimi; Mr. Mrs Ali; Señor Garcia, Sra Lopez",
        "Kak Hiwa, Kaka Rebwar, Mamosta Ali, Herr Müller, Frau Schmidt, Mme Dupont, Pan Kowalski, Pani Nowak",
        "Mr Ahmed Karimi Mrs Ali (Mr_Karimi) 3Mr Ali Mr.Ali Mr  Ali Sig Rossi, Sig. Rossi Pc Ali PC ALI",
        "pan Kowalski said: Mrs Van Der Berg, Mr de la Cruz, Mx Taylor; Madam Chen! Mister Brown?",
    ]
    rng = random.Random(7)
    words = (_TITLES + ["Karimi", "AHMED", "Ali", "van", "de", "Dover", "The", "and", "x", "Van-Minh", "O'BRIEN",
                        "mr", "MR", "ms", "Msa"])
    seps = [" ", "  ", "\t", ". ", ", ", "\n", "", "-", ".", "_", "(", ")"]
    for _ in range(400):
        fixed.append("".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(2, 12))))
    for text in fixed:
        got = [(c.start, c.end, c.value) for c in titled(text, keywords.index(text), places)]
        assert got == _titled_by_regex(text), text


def test_title_words_do_not_count_as_known_words() -> None:
    from crosslink.extract import keywords

    text = "tell pan we go"
    kw = keywords.index(text)
    assert kw.hits("title")
    assert not kw.known(5, 8)
