"""Text of word-processor and PDF reports (``.docx`` with python-docx, ``.pdf`` with pypdf).

Partner reports and witness statements often arrive as DOCX or PDF. Ingest reads
their text here and runs extraction on it like a plain-text report, so mention
offsets refer to the string :func:`read_document_text` returns (the same file
always gives the same string).

Layout of the returned text:

- DOCX: body paragraphs and tables in document order, one paragraph per line;
  a table row is one line with cells separated by a tab; a blank line between a
  table and the text around it. Headers and footers are left out (letterhead and
  protective markings, not intelligence).
- PDF: each page's text layer (pypdf's ``extract_text``), pages separated by a
  blank line. A PDF without a text layer (a scan) is an error, not an empty
  report: it needs OCR first, and silently ingesting nothing would lose it.

Old binary ``.doc`` files, encrypted PDFs (other than those with an empty user
password), damaged files and anything else unreadable raise
:class:`crosslink.errors.InputError` naming the file. Complexity: O(size of the
document).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from crosslink.errors import InputError

__all__ = ["DOCUMENT_SUFFIXES", "read_document_text"]

#: File suffixes :func:`read_document_text` reads.
DOCUMENT_SUFFIXES = frozenset({".docx", ".pdf"})


def read_document_text(path: Path) -> str:
    """The text of a ``.docx`` or ``.pdf`` file; see the module docstring for its layout."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if suffix == ".docx":
        return _docx_text(path)
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix == ".doc":
        raise InputError("old binary Word .doc files are not read; save it as .docx", file=str(path))
    raise InputError(f"not a document crosslink reads ({', '.join(sorted(DOCUMENT_SUFFIXES))})", file=str(path))


def _docx_text(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable DOCX file ({type(exc).__name__}: {exc})", file=str(path)) from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = ["\t".join(" ".join(cell.text.split()) for cell in row.cells) for row in item.rows]
            blocks.append("\n" + "\n".join(rows) + "\n")
        else:
            blocks.append(item.text)
    return "\n".join(blocks).strip("\n")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            # many "encrypted" PDFs only restrict printing and open with an empty password
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError:
        raise InputError("PDF is password-protected; decrypt it first", file=str(path)) from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"not a readable PDF file ({type(exc).__name__}: {exc})", file=str(path)) from None
    text = "\n\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise InputError(
            f"PDF has no text layer ({len(pages)} page(s), probably scanned images); run OCR first",
            file=str(path),
        )
    return text
