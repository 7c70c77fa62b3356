"""The one Typer application every command module registers on.

Command modules live beside this file, one per stage, and stay thin: parse
options, call one function of the stage, print the result.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="crosslink",
    help="Investigate organised immigration crime: ingest graded intelligence, "
    "extract selectors, resolve entities, analyse networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
