from pathlib import Path

import pytest

from crosslink.store import Workspace

MAPPING = """
dataset: test_intel
report:
  id: {column: ref}
  originator: Test Constabulary
  originator_kind: force
  grading: {column: grading}
  handling: {column: handling}
  reported_at: {column: date}
entities:
  person:
    schema: Person
    keys: [nominal]
    properties:
      name: {columns: [forename, surname], join: " "}
      birthDate: {column: dob, format: "%d/%m/%Y"}
      phone: {column: phone, country: GB}
"""

HEADER = "ref,date,grading,handling,nominal,forename,surname,dob,phone\n"
GOOD_ROWS = (
    "R1,2024-01-02,1B,P,N1,Karwan,AZIZ,14/06/1988,07911 123456\n"
    "R2,2024-01-03,2C,C,N2,Dilan,RASHID,not known,12345\n"
)


@pytest.fixture
def workspace(tmp_path: Path):
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        yield ws


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "intel.yml"
    path.write_text(MAPPING)
    return path


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def counts(ws: Workspace) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        ws.con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # noqa: S608
        for t in ("reports", "statements", "ingests", "audit_log")
    )
