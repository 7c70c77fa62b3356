"""Helpers shared by command modules: workspace option, errors, output formats."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from crosslink.errors import CrosslinkError

console = Console()
err_console = Console(stderr=True)

WORKSPACE_ENV = "CROSSLINK_WORKSPACE"
DEFAULT_WORKSPACE = Path("crosslink.duckdb")

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help=f"Workspace file. Default: ${WORKSPACE_ENV}, else ./{DEFAULT_WORKSPACE}.",
        show_default=False,
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option("--user", help="Who is acting (recorded in the audit log). Default: $USER."),
]
PurposeOption = Annotated[
    str | None,
    typer.Option("--purpose", help="Why (recorded in the audit log, DPA 2018 s.62)."),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


#: ``--format`` for commands that print a table for people or JSON for scripts.
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table (for people) or json (for scripts).")]


def print_json(value: object) -> None:
    """``value`` as indented JSON on stdout (dates and other values as their text)."""
    print(json.dumps(value, default=str, ensure_ascii=False, indent=1))


def workspace_path(option: Path | None) -> Path:
    """Resolve the workspace: option, then $CROSSLINK_WORKSPACE, then ./crosslink.duckdb."""
    if option is not None:
        return option
    env = os.environ.get(WORKSPACE_ENV)
    if env:
        return Path(env)
    return DEFAULT_WORKSPACE


def current_user(option: str | None) -> str:
    return option or os.environ.get("CROSSLINK_USER") or os.environ.get("USER") or "local"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CrosslinkError into a one-line message and exit code 1."""
    try:
        yield
    except CrosslinkError as exc:
        # soft_wrap: one line however long (the terminal wraps it; scripts can grep it)
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None


