"""The scans rewritten for speed find exactly what their plain forms found.

Each rewrite is meant to change no result: possessive quantifiers where nothing
after a repeat can match what it repeats, look-ahead gates that are necessary
conditions of every branch they guard, alternations merged where no two branches
can match at one place or inside one another, and a clause test asked only where
there is a label. Each is checked here against the plain (slower) form it replaced,
on the annotated texts, on random mixtures of their tokens, and on random strings
of the characters these patterns care about.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosslink.extract import accounts, dates, keywords, names, phones, vehicles
from crosslink.extract._base import window_start

from .corpus import CORPUS, HELDOUT_SETS, load_corpus

_TEXTS = [d.text for path in (CORPUS, *HELDOUT_SETS) for d in load_corpus(Path(path))]


def _mixtures(n: int = 400, seed: int = 5) -> Iterator[str]:
    """Random mixtures of the annotated texts' tokens and lines, some in one case."""
    rng = random.Random(seed)
    toks = [t for text in _TEXTS for t in re.findall(r"\S+\s*", text)]
    lines = [line for text in _TEXTS for line in text.splitlines(keepends=True)]
    for _ in range(n):
        if rng.random() < 0.5:
            s = "".join(rng.choice(toks) for _ in range(rng.randint(3, 40)))
        else:
            s = "".join(rng.choice(lines) for _ in range(rng.randint(1, 4)))
        r = rng.random()
        yield s.lower() if r < 0.15 else s.upper() if r < 0.3 else s


def _noise(n: int = 3000, seed: int = 9) -> Iterator[str]:
    """Random strings over digits, capitals, separators and the letters of dates and plates."""
    rng = random.Random(seed)
    alphabet = (
        "0123456789" * 3 + "ABCDEGHKMSTUVWXYZOlI" + "abcdhnorst" + " \t\n-/.:,()'+@#?*_" + "ÄÖÜ"
    )
    for _ in range(n):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))


TEXTS = [*_TEXTS, *_mixtures(), "\n\n".join(_TEXTS)]
NOISE = list(_noise())


def _plain(pattern: str) -> str:
    """The pattern with its possessive quantifiers made greedy again."""
    return pattern.replace("++", "+").replace("*+", "*").replace("}+", "}")


def _spans(rx: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in rx.finditer(text)]


def _same(new: re.Pattern[str], old: re.Pattern[str], texts: list[str]) -> None:
    for text in texts:
        assert _spans(new, text) == _spans(old, text), text


@pytest.mark.parametrize(
    "rx",
    [
        names.GIVEN_CAPS_RE,
        names.SURNAME_GIVEN_RE,
        names.INVERTED_RE,
        names.RUN_RE,
        names.TITLE_RE,
        names.KUNYA_RE,
        names.ALIAS_TAIL,
    ],
    ids=["given_caps", "surname_given", "inverted", "run", "title", "kunya", "alias_tail"],
)
def test_possessive_repeats_change_no_match(rx: re.Pattern[str]) -> None:
    plain = re.compile(_plain(rx.pattern), rx.flags)
    assert plain.pattern != rx.pattern
    _same(rx, plain, TEXTS + NOISE)


def test_phone_scan_finds_what_it_found_before() -> None:
    g = r"[0-9OolI]*[0-9][0-9OolI]*"
    sep = r"(?:[ \t]*[-.\u2010-\u2015][ \t]*|[ \t]*\)[ \t]*|[ \t]*\([ \t]*|[ \t]{1,3}|[ \t]*\r?\n[ \t]*)"
    old = re.compile(
        r"[+(\dO](?<![\w+/@.\-:£$€].)(?:(?<=\d)[0-9OolI]*|(?<=O)(?=\d)[0-9OolI]*|(?<=[+(])[ \t]?\+?"
        + g
        + r")(?:"
        + sep
        + g
        + r"){0,7}(?![\w@]|[/:]\d|[.,]\d)"
    )
    _same(
        phones.PHONE_RE,
        old,
        TEXTS + NOISE + ["07911 )( 123456", "+44 (0)7911\n 123 456", "0 \t\n 1"],
    )


def test_keywords_start_with_a_letter_or_digit() -> None:
    # TextIndex.before relies on it: a hit never starts on a blank or a clause break
    keywords.index("warm up")
    for cat in keywords._CATEGORIES.values():
        for word in cat.words():
            assert word[:1].isalnum(), (cat.name, word)


def test_phone_groups_split_the_same() -> None:
    plain = re.compile(r"[0-9OolI]*[0-9][0-9OolI]*")
    for text in TEXTS + NOISE:
        assert [m.span() for m in phones._GROUP_RE.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_number_gate_changes_no_match() -> None:
    gate = r"(?=\d{0,3}+(?:[-/.:)snrth]|[ \t]++(?:[-/.)hJFMASONDjfmasondo]|[EeGgLl][EeIiNnUu]))|(?<=8)9)"
    assert gate in dates.NUM_RE.pattern
    plain = re.compile(dates.NUM_RE.pattern.replace(gate, ""))
    _same(dates.NUM_RE, plain, TEXTS + NOISE)
    # the gate's letters: dates with month names and ordinals, times with "h"
    for text in [
        "3rd of March 2020",
        "1 jan 2020",
        "21st Sept, 1999",
        "2nd May 2001",
        "0930 hrs",
        "1430h",
        "12 / 03 / 2024",
        "(1978 )",
        "4th July 1990",
        "11 NOV 2011",
        "89 44100030000000001",
        # month names of partner reports: "enero", "gennaio", "giugno", "luglio"
        "3 enero 2020",
        "5 gennaio 2021",
        "6 giugno 1999",
        "7 luglio 2001",
        "27 de junio de 1996",
        "29-Feb-1992",
    ]:
        assert _spans(dates.NUM_RE, text) == _spans(plain, text), text
        assert dates.NUM_RE.search(text) is not None, text


def _old_plate_regex(formats: list[tuple[str, str, bool]]) -> str:
    # the builder before the branches were split on their first character
    branches = []
    for i, (tag, pat, strong) in enumerate(formats):
        first, rest = re.match(r"(\[[^\]]+\])(.*)", pat).groups()  # type: ignore[union-attr]
        branches.append(f"(?P<{'s' if strong else 'w'}{i}_{tag}>(?<={first}){rest})")
    return (
        r"[A-Z0-9ÄÖÜ](?<![\w/-].)(?=[A-ZÄÖÜ0-9 -]{0,7}\d)(?:"
        + "|".join(branches)
        + r")(?![\w]|-\w)"
    )


@pytest.mark.parametrize("strong", [True, False, None])
def test_plate_scan_split_and_gated_finds_the_same(strong: bool | None) -> None:
    formats = [f for f in vehicles._FORMATS if strong is None or f[2] is strong]
    flags = re.IGNORECASE if strong is None else 0
    new = {True: vehicles.PLATE_RE, False: vehicles.PLATE_WEAK_RE, None: vehicles.PLATE_RE_I}[
        strong
    ]
    _same(new, re.compile(_old_plate_regex(formats), flags), TEXTS + NOISE)


def _examples(pattern: str) -> list[str]:
    """The shortest and the longest string of a plate format, each class read as its first character."""
    out = []
    for longest in (False, True):
        s = ""
        for cls, lit, q in re.findall(
            r"(\[[^\]]+\]|\\.)?([^\[\\{?])?(\{\d+(?:,\d+)?\}|\?)?", pattern
        ):
            unit = cls[1] if cls.startswith("[") else cls[1:] if cls else lit
            if cls and lit:
                s += unit
                unit, q = lit, ""
            if q == "?":
                n = 1 if longest else 0
            elif q:
                lo, _, hi = q[1:-1].partition(",")
                n = int(hi or lo) if longest else int(lo)
            else:
                n = 1
            s += unit * n
        out.append(s)
    return out


@pytest.mark.parametrize(
    "fmt", vehicles._FORMATS, ids=[f"{f[0]}:{f[1]}" for f in vehicles._FORMATS]
)
def test_every_plate_format_passes_the_gates(fmt: tuple[str, str, bool]) -> None:
    rx = vehicles.PLATE_RE if fmt[2] else vehicles.PLATE_WEAK_RE
    for example in _examples(fmt[1]):
        assert re.fullmatch(fmt[1], example), (fmt, example)
        m = rx.search(f"seen {example} today")
        assert m is not None and m.group() == example, (fmt, example)


def test_postcodes_and_references_share_one_scan() -> None:
    postcode = re.compile(r"[A-Z](?<![\w-].)[A-Z]?[0-9][A-Z0-9]?[ \t]+[0-9][A-Z]{2}(?![\w])")
    ref = re.compile(
        r"[A-Z](?<![\w/-].)(?:[A-Z]{1,5}-?\d{2,4}[-/]\d{3,8}(?:[-/]\d{1,4})?(?![\w/])"
        r"|(?P<box>[A-Z]{2}[UJZ][ \t]?\d{6}[ \t-]?\d(?![\w])))"
    )
    for text in TEXTS + NOISE + ["CT17 9BZ", "AB-12/3456", "MSCU 123456 5", "E1 6AN/AB12/345"]:
        old = sorted(
            [(m.span(), "_postcode") for m in postcode.finditer(text)]
            + [
                (m.span(), "_container" if m.group("box") else "_crime_ref")
                for m in ref.finditer(text)
            ]
        )
        assert sorted(_spans(dates.POSTCODE_REF_RE, text)) == old, text


def test_wallets_share_one_scan() -> None:
    old = [
        (re.compile(r"[13](?<![A-Za-z0-9].)[1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])"), "btc"),
        (
            re.compile(
                r"[bB](?<![A-Za-z0-9].)(?:(?<=b)c1[02-9ac-hj-np-z]{8,87}|(?<=B)C1[02-9AC-HJ-NP-Z]{8,87})"
                r"(?![A-Za-z0-9])"
            ),
            "bech32",
        ),
        (re.compile(r"T(?<![A-Za-z0-9]T)[1-9A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])"), "tron"),
    ]
    for text in TEXTS:
        want = sorted((m.span(), kind) for rx, kind in old for m in rx.finditer(text))
        assert sorted(_spans(accounts.WALLET_RE, text)) == want, text


def test_label_before_a_position_is_the_clause_windows_last() -> None:
    rng = random.Random(3)
    for text in TEXTS:
        ti = keywords.index(text)
        hits = ti.hits("label").spans
        for pos in [rng.randrange(len(text) + 1) for _ in range(30)] + [e for _s, e, _w in hits]:
            for width in (40, 50):
                lo = window_start(text, pos, width)
                inside = [h for h in hits if h[0] >= lo and h[1] <= pos]
                assert ti.before("label", pos, width) == (inside[-1] if inside else None), (
                    text,
                    pos,
                )
