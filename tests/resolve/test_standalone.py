"""`crosslink dedupe` and `crosslink link` on spreadsheets made at test time."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app

FIRST = ["Mohammed", "Ahmad", "Hussein", "Yusuf", "Omar", "Karim", "Ali", "Hassan",
         "Ibrahim", "Mustafa", "Tesfaye", "Arben", "Dmitri", "Reza", "Jamal", "Khalid"]
LAST = ["Karimi", "Rahimi", "Haidari", "Ahmadi", "Berisha", "Nguyen", "Tesfamariam",
        "Hosseini", "Mohammadi", "Abdullah", "Krasniqi", "Ivanov", "Saleh", "Osman"]
SPELL = {"Mohammed": "Muhammad", "Karimi": "Kareemi", "Hussein": "Hossein", "Yusuf": "Youssef",
         "Ahmad": "Ahmed", "Hosseini": "Husseini", "Tesfamariam": "Tesfa Mariam"}


def _people(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        people.append({
            "first": rng.choice(FIRST), "last": rng.choice(LAST),
            "dob": f"{rng.randint(1970, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "phone": f"07{rng.randint(100000000, 999999999)}", "pid": f"P{i}",
        })
    return people


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def spreadsheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """300 people, each twice: once as recorded, once respelt with the date re-formatted
    (day-month order, or swapped day and month) and sometimes no phone."""
    rng = random.Random(1)
    rows, truth = [], {}
    for k, p in enumerate(_people(300, 7)):
        y, m, d = p["dob"].split("-")
        rows.append([f"a{k}", p["first"], p["last"], f"{d}/{m}/{y}", p["phone"]])
        truth[f"a{k}"] = p["pid"]
        dob2 = f"{y}-{d}-{m}" if rng.random() < 0.2 and int(d) <= 12 else p["dob"]
        phone2 = p["phone"] if rng.random() < 0.5 else ""
        rows.append([f"b{k}", SPELL.get(p["first"], p["first"]).upper(),
                     SPELL.get(p["last"], p["last"]), dob2, phone2])
        truth[f"b{k}"] = p["pid"]
    rng.shuffle(rows)
    path = tmp_path_factory.mktemp("dedupe") / "nominals.csv"
    _write(path, ["Ref", "Forename", "Surname", "DOB", "Mobile"], rows)
    return path, truth


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_dedupe_writes_one_cluster_per_row_and_finds_respelt_people(
    spreadsheet: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, truth = spreadsheet
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, ["dedupe", str(path), "--id", "Ref", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert list(rows[0]) == ["record_id", "cluster_id"]
    assert sorted(r["record_id"] for r in rows) == sorted(truth)
    cluster = {r["record_id"]: r["cluster_id"] for r in rows}
    together = sum(cluster[f"a{k}"] == cluster[f"b{k}"] for k in range(300))
    assert together >= 285  # respelt names and swapped dates still resolve
    # never merge two different people (many share a full name here)
    by_cluster: dict[str, set[str]] = {}
    for rid, cid in cluster.items():
        by_cluster.setdefault(cid, set()).add(truth[rid])
    assert all(len(people) == 1 for people in by_cluster.values())


def test_dedupe_reports_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    _write(path, ["id", "surname"], [["1", "Karimi"], ["1", "Rahimi"]])
    result = CliRunner().invoke(app, ["dedupe", str(path), "--id", "id", "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "duplicate id" in message and "row 3" in message
    result = CliRunner().invoke(
        app, ["dedupe", str(path), "--id", "id", "--out", "o.csv", "--map", "surname=shoe"]
    )
    assert result.exit_code == 1


def test_link_finds_people_in_both_files(tmp_path: Path) -> None:
    people = _people(200, 11)
    left, right = tmp_path / "force_a.csv", tmp_path / "force_b.csv"
    _write(left, ["nominal_id", "first_name", "last_name", "date_of_birth", "notes"],
           [[f"L{k}", p["first"], p["last"], p["dob"], "x"] for k, p in enumerate(people)])
    # right: the first 120 people again (respelt, with phone), plus 80 strangers
    strangers = _people(80, 99)
    rows = [[f"R{k}", f"{SPELL.get(p['last'], p['last'])} {SPELL.get(p['first'], p['first'])}",
             p["dob"].replace("-", ""), p["phone"]] for k, p in enumerate(people[:120])]
    rows += [[f"S{k}", f"{p['last']} {p['first']}", p["dob"].replace("-", ""), p["phone"]]
             for k, p in enumerate(strangers)]
    # names arrive "SURNAME Forename" in one column: mapped explicitly
    _write(right, ["id", "subject", "born", "tel"], rows)
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, [
        "link", str(left), str(right), "--left-id", "nominal_id", "--right-id", "id",
        "--out", str(out), "--map", "subject=name", "--ignore", "notes",
    ])
    assert result.exit_code == 0, result.output
    pairs = _read(out)
    assert list(pairs[0]) == ["left_id", "right_id", "match_probability"]
    found = {(p["left_id"], p["right_id"]) for p in pairs}
    true = {(f"L{k}", f"R{k}") for k in range(120)}
    assert len(found & true) >= 100
    assert len(found - true) <= 3


def test_link_is_one_to_one_unless_many_to_many(tmp_path: Path) -> None:
    """Each source lists a person once: a left record keeps only its best match.

    The right file lists every fifth person twice, the second time without the
    phone. Both copies score as matches; one-to-one keeps the copy with the phone
    (the better match) and links no record twice; ``--many-to-many`` keeps both.
    """
    people = _people(300, 5)
    left, right = tmp_path / "a.csv", tmp_path / "b.csv"
    _write(left, ["id", "first_name", "last_name", "date_of_birth", "phone"],
           [[f"L{k}", p["first"], p["last"], p["dob"], p["phone"]] for k, p in enumerate(people)])
    rows = []
    for k, p in enumerate(people):
        rows.append([f"R{k}", p["first"], p["last"], p["dob"], p["phone"]])
        if k % 5 == 0:
            rows.append([f"X{k}", p["first"], p["last"], p["dob"], ""])
    _write(right, ["id", "first_name", "last_name", "date_of_birth", "phone"], rows)

    def run(*extra: str) -> list[tuple[str, str]]:
        out = tmp_path / "pairs.csv"
        result = CliRunner().invoke(app, [
            "link", str(left), str(right), "--left-id", "id", "--right-id", "id",
            "--out", str(out), *extra,
        ])
        assert result.exit_code == 0, result.output
        return [(p["left_id"], p["right_id"]) for p in _read(out)]

    one = run()
    assert len({a for a, _ in one}) == len(one) and len({b for _, b in one}) == len(one)
    assert sum(b == "R" + a[1:] for a, b in one) >= 295
    assert not [b for _, b in one if b.startswith("X")]
    many = set(run("--many-to-many"))
    assert {(f"L{k}", f"X{k}") for k in range(0, 300, 5)} <= many


def _near_miss(dob: str, kind: int) -> str:
    """The date of birth as a second source mistypes it."""
    y, m, d = (int(x) for x in dob.split("-"))
    if kind == 0:  # last digit of the year mistyped
        y = y - y % 10 + (y % 10 + 3) % 10
    elif kind == 1:  # off by one year (an age worked back)
        y += 1
    elif kind == 2:  # a digit of the day mistyped (same month)
        d = d + 1 if d < 28 else d - 1
    elif kind == 3:  # a digit of the month mistyped
        m = m + 1 if m < 12 else m - 1
    elif kind == 4 and d <= 12 and d != m:  # day and month swapped
        m, d = d, m
    else:  # two keying slips: the day's digits transposed and the month off by one
        d = int(f"{d:02d}"[::-1]) if 1 <= int(f"{d:02d}"[::-1]) <= 28 else d + 1
        m = m + 1 if m < 12 else m - 1
    return f"{y:04d}-{m:02d}-{d:02d}"


def test_dedupe_merges_near_miss_dates_of_birth(tmp_path: Path) -> None:
    """A second source mistypes dates of birth (a year digit, a year off by one, a
    day or month digit, a swap, two slips). Near misses are graded levels whose
    weights EM learns (here from the pairs that share a phone), not vetoes: with
    the phone, every pair merges; without it, a name plus a year near miss still
    does. Namesakes (full names shared by several people here) stay apart."""
    rows, truth = [], {}
    for k, p in enumerate(_people(300, 21)):
        rows.append([f"a{k}", p["first"], p["last"], p["dob"], p["phone"]])
        phone = p["phone"] if (k // 6) % 2 == 0 else ""
        rows.append([f"b{k}", SPELL.get(p["first"], p["first"]), p["last"],
                     _near_miss(p["dob"], k % 6), phone])
        truth[f"a{k}"] = truth[f"b{k}"] = p["pid"]
    path = tmp_path / "near.csv"
    _write(path, ["id", "first_name", "last_name", "date_of_birth", "phone"], rows)
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, ["dedupe", str(path), "--id", "id", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cluster = {r["record_id"]: r["cluster_id"] for r in _read(out)}

    def merged(kinds: tuple[int, ...], with_phone: bool) -> float:
        ks = [k for k in range(300) if k % 6 in kinds and ((k // 6) % 2 == 0) == with_phone]
        return sum(cluster[f"a{k}"] == cluster[f"b{k}"] for k in ks) / len(ks)

    assert merged((0, 1, 2, 3, 4, 5), with_phone=True) >= 0.95
    assert merged((0, 1), with_phone=False) >= 0.8  # year digit or off by one
    assert merged((0, 1, 2, 3, 4, 5), with_phone=False) >= 0.5
    by_cluster: dict[str, set[str]] = {}
    for rid, cid in cluster.items():
        by_cluster.setdefault(cid, set()).add(truth[rid])
    assert sum(len(people) > 1 for people in by_cluster.values()) <= 2
