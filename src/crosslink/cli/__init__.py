"""The ``crosslink`` command line: one Typer app, one module of commands per stage."""

from __future__ import annotations

import importlib

from crosslink.cli.app import app

__all__ = ["app", "main"]

# Importing a command module registers its commands; --help lists the panels in
# this order, which is the order of the work (ingest, extract, resolve, analyse).
for _module in ("workspace", "extract", "resolve", "review", "network", "online", "simulate", "demo", "users", "serve"):
    importlib.import_module(f"crosslink.cli.{_module}")


def main() -> None:
    app()
