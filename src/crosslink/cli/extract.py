"""``crosslink extract``: selectors, names, dates, money and places in free text."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import console, user_errors
from crosslink.errors import InputError
from crosslink.extract import extract as extract_text
from crosslink.ingest.documents import DOCUMENT_SUFFIXES, read_document_text


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", file=path)
    if p.suffix.lower() in DOCUMENT_SUFFIXES:
        return read_document_text(p)
    try:
        return p.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from None


@app.command("extract", rich_help_panel="2. Extraction")
def extract_command(
    files: Annotated[
        list[str], typer.Argument(help="Text files (UTF-8), .docx or .pdf reports; '-' reads standard input.")
    ],
    country_hint: Annotated[
        str | None,
        typer.Option("--country-hint", help="ISO country for national-format phone numbers (default GB)."),
    ] = None,
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="jsonl (one mention per line) or table.")] = (
        ExtractFormat.jsonl
    ),
) -> None:
    """Selectors, names, dates, money, places and handles in text, with exact offsets.

    Prints every phone, e-mail, IBAN, wallet, IMEI, plate, vessel, person, alias,
    date of birth, other dates (events), amount, place and handle, one JSON object per
    mention.
    """
    with user_errors():
        if country_hint is not None and (len(country_hint) != 2 or not country_hint.isalpha()):
            raise InputError(f"--country-hint must be a two-letter ISO code, not {country_hint!r}")
        for path in files:
            text = _read(path)
            mentions = extract_text(text, country_hint.upper() if country_hint else None, events=True)
            if fmt is ExtractFormat.jsonl:
                out = sys.stdout
                for m in mentions:
                    row = {"type": m.type, "text": m.text, "start": m.start, "end": m.end, "value": m.value}
                    if len(files) > 1:
                        row = {"file": path, **row}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                table = Table(title=path if len(files) > 1 else None)
                for col in ("type", "text", "start", "end", "value"):
                    table.add_column(col, justify="right" if col in ("start", "end") else "left")
                for m in mentions:
                    table.add_row(m.type, m.text.replace("\n", "⏎"), str(m.start), str(m.end), m.value)
                console.print(table)
