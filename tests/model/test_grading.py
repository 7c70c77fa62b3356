import pytest

from crosslink.model import GradingError, parse_grading, parse_handling, parse_marking


@pytest.mark.parametrize(
    ("text", "scheme", "source", "info", "handling"),
    [
        ("1B", "uk-3x5x2", "1", "B", None),
        ("1/B/C", "uk-3x5x2", "1", "B", "C"),
        ("1-b-p", "uk-3x5x2", "1", "B", "P"),
        ("B35", "uk-5x5x5", "B", "3", "5"),
        ("A2 H1", "europol-4x4", "A", "2", "H1"),
        ("X3", "europol-4x4", "X", "3", None),
        ("B2P", "uk-5x5x5", "B", "2", "P"),
    ],
)
def test_written_forms_parse_to_their_scheme(text, scheme, source, info, handling):
    grading, code = parse_marking(text)
    assert (grading.scheme, grading.source, grading.info) == (scheme, source, info)
    assert (code.code if code else None) == handling


def test_explicit_scheme_decides_ambiguous_letter_digit():
    assert parse_grading("B2", "europol-4x4").scheme == "europol-4x4"
    assert parse_grading("B2", "admiralty").scheme == "admiralty"
    assert parse_grading("B2").scheme == "uk-5x5x5"


@pytest.mark.parametrize("text", ["4B", "1F", "B9", "D2 H1", "Z", "", "1BX", "B2 H7"])
def test_invalid_gradings_are_rejected_with_the_allowed_values(text):
    with pytest.raises(GradingError) as info:
        parse_marking(text)
    assert str(info.value)


def test_europol_has_no_source_d():
    with pytest.raises(GradingError, match="A/B/C/X"):
        parse_grading("D2", "europol-4x4")


def test_scheme_must_match_written_order():
    with pytest.raises(GradingError, match="digit then letter"):
        parse_grading("B2", "uk-3x5x2")


def test_grading_alone_refuses_a_handling_code():
    with pytest.raises(GradingError, match="handling code"):
        parse_grading("1BP")


def test_comparisons_stay_within_a_scheme():
    best, worse = parse_grading("1A"), parse_grading("2C")
    assert best.at_least(worse) and not worse.at_least(best)
    assert parse_grading("A1", "europol-4x4").at_least(parse_grading("B2", "europol-4x4"))
    assert not best.at_least(parse_grading("A1", "europol-4x4"))


def test_handling_conditions_are_kept():
    code = parse_handling("C: A2 S2")
    assert code.code == "C" and code.conditions == "A2 S2" and code.family == "uk-3x5x2"
    assert parse_handling("h2").family == "europol"
    with pytest.raises(GradingError):
        parse_handling("Q")
