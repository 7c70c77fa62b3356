"""DOCX and PDF report text (files made at test time), and unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosslink.errors import InputError
from crosslink.extract import extract
from crosslink.ingest.documents import read_document_text


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF 1.4: one Helvetica text line per string, xref offsets computed."""
    objects: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    font = 3 + 2 * n_pages
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Partner report 7: Ahmed KARIMI uses 07911 123456.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Vehicle"
    table.cell(0, 1).text = "AB12 CDE"
    table.cell(1, 0).text = "Seen at"
    table.cell(1, 1).text = "Dunkerque"
    doc.add_paragraph("End of report.")
    path = tmp_path / "report.docx"
    doc.save(str(path))

    text = read_document_text(path)
    assert text.index("Partner report 7") < text.index("Vehicle\tAB12 CDE") < text.index("End of report.")
    assert "Seen at\tDunkerque" in text
    found = {(m.type, m.value) for m in extract(text)}
    assert {("person", "Ahmed Karimi"), ("phone", "+447911123456"), ("location", "Dunkirk")} <= found
    # offsets refer to the returned text, which is the same on every read
    assert read_document_text(path) == text


def test_pdf_text_of_every_page(tmp_path: Path) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(_pdf([["Witness statement", "Subject KARIMI rang 07922 654321"], ["Page two: paid 3k euros"]]))
    text = read_document_text(path)
    assert "Witness statement" in text
    assert text.index("07922 654321") < text.index("Page two")
    assert "\n\n" in text  # pages are separated by a blank line
    found = {(m.type, m.value) for m in extract(text)}
    assert {("phone", "+447922654321"), ("money", "3000 EUR")} <= found


def test_pdf_without_text_layer_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([[]]))
    with pytest.raises(InputError, match="no text layer") as err:
        read_document_text(path)
    assert err.value.file == str(path)


@pytest.mark.parametrize("name", ["broken.docx", "broken.pdf"])
def test_damaged_files_name_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not a document at all")
    with pytest.raises(InputError) as err:
        read_document_text(path)
    assert err.value.file == str(path)
    assert "not a readable" in err.value.reason


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not a readable DOCX"):
        read_document_text(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .docx"):
        read_document_text(old)
    with pytest.raises(InputError, match="no such file"):
        read_document_text(tmp_path / "missing.pdf")
    other = tmp_path / "notes.odt"
    other.write_bytes(b"x")
    with pytest.raises(InputError, match="not a document"):
        read_document_text(other)


def test_a_docx_report_is_ingested_with_its_mentions(tmp_path):
    """A DOCX partner report goes in as one graded report; its selectors become statements."""
    from docx import Document

    from crosslink.ingest import ReportOptions, ingest_file
    from crosslink.store import Workspace

    path = tmp_path / "partner.docx"
    document = Document()
    document.add_paragraph("Subject Karwan AZIZ (14/06/1988) uses +447911123456.")
    document.save(str(path))
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        result = ingest_file(ws.session(), path, None, ReportOptions(grading="B2", handling="H1", grading_scheme="europol-4x4"))
        assert result.reports == 1 and result.mentions >= 2
        rows = ws.con.sql("SELECT value FROM statements WHERE prop = 'phoneMentioned'").fetchall()
        assert rows == [("+447911123456",)]
        assert ws.con.sql("SELECT grading_scheme, handling_code FROM reports").fetchall() == [("europol-4x4", "H1")]
