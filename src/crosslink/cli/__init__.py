"""The ``crosslink`` command line: one Typer app, one module of commands per stage."""

from __future__ import annotations

from crosslink.cli import (  # noqa: F401  (importing registers the commands)
    demo,
    extract,
    network,
    resolve,
    review,
    simulate,
    workspace,
)
from crosslink.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
