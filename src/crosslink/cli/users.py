"""``crosslink users add|list|disable``: accounts for the workbench service.

Thin: read the password from stdin or a prompt (never from the command line, where
it would sit in shell history and the process list), call
:mod:`crosslink.store.users`, print.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import (
    OutputFormat,
    PurposeOption,
    UserOption,
    WorkspaceOption,
    console,
    current_user,
    user_errors,
    workspace_path,
)
from crosslink.errors import InputError
from crosslink.store import Workspace
from crosslink.store.users import add_user, disable_user, list_users, roles

users_app = typer.Typer(help="Accounts for `crosslink serve`: add, list, disable.",
                        no_args_is_help=True)
app.add_typer(users_app, name="users", rich_help_panel="6. Service")


def _read_password() -> str:
    if not sys.stdin.isatty():  # piped: the first line is the password
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("password: none given on stdin")
        return line
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        raise InputError("password: the two entries differ")
    return str(first)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="One of: " + ", ".join(roles()) + ".")],
    compartment: Annotated[
        list[str] | None,
        typer.Option("--compartment", help="A compartment the user is cleared for "
                     "(repeat; '*' for every compartment). Default: none, so only "
                     "uncompartmented material."),
    ] = None,
    source_unit: Annotated[
        bool, typer.Option("--source-unit", help="Vetted for protected-source material "
                           "(only roles that may hold it).")
    ] = False,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Add an account; the password is read from stdin or prompted for."""
    with user_errors():
        password = _read_password()
        with Workspace.open(workspace_path(workspace)) as ws:
            session = ws.session(current_user(user), purpose or "account management")
            added = add_user(session, name, password, role,
                             compartments=compartment or [], source_unit=source_unit)
    console.print(f"Added {added.username} ({added.role}; compartments: "
                  f"{', '.join(added.compartments) or 'none'}"
                  f"{'; source unit' if added.source_unit else ''}).", highlight=False,
                  markup=False)


@users_app.command("list")
def list_(
    workspace: WorkspaceOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Every account, with its role, compartments and state."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        found = list_users(ws.con)
    if output != OutputFormat.table:
        print(json.dumps([u.as_dict() for u in found], ensure_ascii=False))
        return
    table = Table(title="Accounts", title_justify="left")
    for column in ("user", "role", "compartments", "source unit", "state"):
        table.add_column(column)
    for u in found:
        table.add_row(u.username, u.role, ", ".join(u.compartments) or "-",
                      "yes" if u.source_unit else "", "disabled" if u.disabled else "enabled")
    console.print(table)


@users_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="Login name.")],
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Disable an account and revoke its tokens (the account stays, for the audit trail)."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "account management")
        disable_user(session, name)
    console.print(f"Disabled {name}.", highlight=False, markup=False)
