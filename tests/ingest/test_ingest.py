import json

import pytest
from openpyxl import Workbook

from crosslink.errors import InputError
from crosslink.ingest import ReportOptions, ingest_file, load_mapping

from .conftest import GOOD_ROWS, HEADER, counts, write


def test_csv_rows_become_graded_reports_and_statements(tmp_path, workspace, mapping_file):
    path = write(tmp_path, "intel.csv", HEADER + GOOD_ROWS)
    result = ingest_file(workspace.session("t", "test"), path, load_mapping(mapping_file))
    assert (result.rows, result.reports, result.entities) == (2, 2, 2)
    gradings = workspace.con.sql("SELECT grading_scheme, grading, handling_code FROM reports ORDER BY grading").fetchall()
    assert gradings == [("uk-3x5x2", "1B", "P"), ("uk-3x5x2", "2C", "C")]
    phone = workspace.con.sql("SELECT value, original_value FROM statements WHERE prop = 'phone' AND reason IS NULL").fetchall()
    assert phone == [("+447911123456", "07911 123456")]


def test_values_that_do_not_clean_are_kept_with_a_reason(tmp_path, workspace, mapping_file):
    path = write(tmp_path, "intel.csv", HEADER + GOOD_ROWS)
    result = ingest_file(workspace.session(), path, load_mapping(mapping_file))
    assert result.uncleaned == {"Person.birthDate": 1, "Person.phone": 1}
    kept = dict(workspace.con.sql("SELECT prop, value FROM statements WHERE reason IS NOT NULL").fetchall())
    assert kept == {"birthDate": "not known", "phone": "12345"}


def test_reingesting_the_same_file_adds_nothing(tmp_path, workspace, mapping_file):
    path = write(tmp_path, "intel.csv", HEADER + GOOD_ROWS)
    session = workspace.session()
    ingest_file(session, path, load_mapping(mapping_file))
    before = counts(workspace)[:2]
    again = ingest_file(session, path, load_mapping(mapping_file))
    assert again.skipped and counts(workspace)[:2] == before


def test_overlapping_files_do_not_duplicate_statements(tmp_path, workspace, mapping_file):
    session = workspace.session()
    ingest_file(session, write(tmp_path, "a.csv", HEADER + GOOD_ROWS), load_mapping(mapping_file))
    before = counts(workspace)[1]
    # Same content, different file bytes (a trailing newline): statements are content ids.
    result = ingest_file(session, write(tmp_path, "b.csv", HEADER + GOOD_ROWS + "\n"), load_mapping(mapping_file))
    assert result.new_statements == 0 and counts(workspace)[1] == before


@pytest.mark.parametrize(
    ("content", "row", "column", "message"),
    [
        (HEADER.replace(",phone", ",mobile") + GOOD_ROWS, 1, "phone", "needs column 'phone'"),
        (HEADER + GOOD_ROWS.replace("2C,C", "9Z,C"), 3, "grading", "cannot read grading|invalid"),
        (HEADER + GOOD_ROWS.replace("2C,C", "2C,Q"), 3, "handling", "invalid handling code"),
        (HEADER + GOOD_ROWS.replace("2C,C", ",C"), 3, "grading", "grading is empty"),
        (HEADER + GOOD_ROWS + "R3,2024-01-04,1B,P,N3,too,many,fields,here,x,y\n", 4, None, "malformed row"),
        (HEADER, 2, None, "no records"),
    ],
)
def test_bad_input_names_file_row_and_column_and_changes_nothing(
    tmp_path, workspace, mapping_file, content, row, column, message
):
    path = write(tmp_path, "bad.csv", content)
    before = counts(workspace)
    with pytest.raises(InputError, match=message) as info:
        ingest_file(workspace.session(), path, load_mapping(mapping_file))
    error = info.value
    assert error.file == str(path) and error.row == row and error.column == column
    assert counts(workspace) == before


def test_wrong_encoding_names_the_row(tmp_path, workspace, mapping_file):
    content = (HEADER + GOOD_ROWS).encode("utf-8").replace(b"RASHID", "RÄSHID".encode("latin-1"))
    path = write(tmp_path, "latin.csv", content)
    with pytest.raises(InputError, match="UTF-8") as info:
        ingest_file(workspace.session(), path, load_mapping(mapping_file))
    assert info.value.row == 3
    assert counts(workspace)[1] == 0


def test_latin1_is_read_when_the_mapping_says_so(tmp_path, workspace):
    content = (HEADER + GOOD_ROWS).replace("RASHID", "RÄSHID").encode("latin-1")
    path = write(tmp_path, "latin.csv", content)
    mapping = write(tmp_path, "latin.yml", (tmp_path / "x").as_posix() and _mapping_with("csv: {encoding: latin-1}"))
    ingest_file(workspace.session(), path, load_mapping(mapping))
    names = {r[0] for r in workspace.con.sql("SELECT value FROM statements WHERE prop = 'name'").fetchall()}
    assert "Dilan RÄSHID" in names


def _mapping_with(extra: str) -> str:
    from .conftest import MAPPING

    return MAPPING + extra + "\n"


def test_empty_file_is_rejected(tmp_path, workspace, mapping_file):
    with pytest.raises(InputError, match="empty"):
        ingest_file(workspace.session(), write(tmp_path, "empty.csv", ""), load_mapping(mapping_file))


def test_missing_grading_says_where_to_give_it(tmp_path, workspace):
    mapping = write(tmp_path, "m.yml", """
entities:
  p: {schema: Person, keys: [id], properties: {name: {column: name}}}
""")
    path = write(tmp_path, "p.csv", "id,name\n1,Ali\n")
    with pytest.raises(InputError, match="--grading"):
        ingest_file(workspace.session(), path, load_mapping(mapping))
    result = ingest_file(workspace.session(), path, load_mapping(mapping),
                         ReportOptions(grading="B2", handling="H1", grading_scheme="europol-4x4"))
    assert result.statements == 1
    assert workspace.con.sql("SELECT grading_scheme, handling_code FROM reports").fetchall() == [("europol-4x4", "H1")]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("entities:\n  p: {schema: Persn, keys: [id]}\n", "unknown FtM schema"),
        ("entities:\n  p: {schema: Person, keys: [id], properties: {colour: {column: c}}}\n", "no property 'colour'"),
        ("entities:\n  p: {schema: Person, keys: [id], properties: {name: {entity: q}}}\n", "not an entity reference"),
        ("entities:\n  p: {schema: Person}\n", "keys"),
        ("report: {grade: 1B}\nentities:\n  p: {schema: Person, keys: [id]}\n", "unknown field"),
        ("entities: [oops\n", "not valid YAML"),
    ],
)
def test_bad_mappings_fail_before_reading_data(tmp_path, mapping, message):
    with pytest.raises(InputError, match=message):
        load_mapping(write(tmp_path, "bad.yml", mapping))


def test_xlsx_json_and_jsonl_go_through_the_same_mapping(tmp_path, workspace, mapping_file):
    rows = [line.split(",") for line in GOOD_ROWS.strip().splitlines()]
    header = HEADER.strip().split(",")
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "intel.xlsx")
    records = [dict(zip(header, row, strict=True)) for row in rows]
    write(tmp_path, "intel.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    write(tmp_path, "intel.json", json.dumps(records))
    session = workspace.session()
    mapping = load_mapping(mapping_file)
    results = [ingest_file(session, tmp_path / name, mapping) for name in ("intel.xlsx", "intel.jsonl", "intel.json")]
    assert [r.statements for r in results] == [6, 6, 6]
    # All three files state the same facts: three reports per fact, one entity per nominal.
    assert workspace.con.sql("SELECT count(DISTINCT entity_id) FROM statements").fetchall()[0][0] == 2


def test_ftm_stream_needs_no_mapping(tmp_path, workspace):
    lines = [
        {"id": "o1", "schema": "Organization", "properties": {"name": ["Channel Marine"], "phone": ["+447537123456"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Arben Osmani"], "birthDate": ["1981-13-45"]}},
    ]
    path = write(tmp_path, "x.ftm", "\n".join(json.dumps(line) for line in lines) + "\n")
    result = ingest_file(workspace.session(), path, None, ReportOptions(grading="2B", handling="P"))
    assert (result.entities, result.statements) == (2, 4)
    assert result.uncleaned == {"Person.birthDate": 1}


def test_ftm_stream_with_unknown_schema_names_the_line(tmp_path, workspace):
    path = write(tmp_path, "x.ftm", '{"id": "a", "schema": "Person", "properties": {}}\n{"id": "b", "schema": "Dragon", "properties": {}}\n')
    with pytest.raises(InputError, match="Dragon") as info:
        ingest_file(workspace.session(), path, None, ReportOptions(grading="2B", handling="P"))
    assert info.value.row == 2


def test_ingest_is_audited_as_collection(tmp_path, workspace, mapping_file):
    ingest_file(workspace.session("officer1", "OP-KESTREL"), write(tmp_path, "i.csv", HEADER + GOOD_ROWS), load_mapping(mapping_file))
    row = workspace.con.sql("SELECT username, action, purpose FROM audit_log").fetchall()
    assert row == [("officer1", "collection", "OP-KESTREL")]


def test_whitespace_in_text_values_is_folded(tmp_path, workspace):
    mapping = write(tmp_path, "m.yml", """
entities:
  p: {schema: Person, keys: [id], properties: {name: {column: name}, alias: {column: aliases, split: ";"}}}
""")
    path = write(tmp_path, "p.csv", 'id,name,aliases\n1,"Karwan  \tAZIZ","Kaka; Abu  Karam"\n')
    ingest_file(workspace.session(), path, load_mapping(mapping), ReportOptions(grading="2B", handling="P"))
    values = {r[0] for r in workspace.con.sql("SELECT value FROM statements").fetchall()}
    assert values == {"Karwan AZIZ", "Kaka", "Abu Karam"}
