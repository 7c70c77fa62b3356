"""Accounts: argon2id passwords, roles as data, tokens that expire, audited changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.store import Workspace
from crosslink.store.users import (
    add_user,
    authenticate,
    disable_user,
    issue_token,
    list_users,
    permissions,
    revoke_token,
    roles,
    user_for_token,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "ws.duckdb") as workspace:
        yield workspace


def test_password_is_stored_as_argon2id_and_checked(ws):
    add_user(ws.session("admin", "setup"), "alice", PASSWORD, "analyst", compartments=["OP-A"])
    stored = ws.con.execute("SELECT password_hash FROM users").fetchall()[0][0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(ws.con, "alice", PASSWORD).clearance.compartments == frozenset({"OP-A"})
    assert authenticate(ws.con, "alice", "wrong password!") is None
    assert authenticate(ws.con, "nobody", PASSWORD) is None


def test_roles_are_data_and_unknown_roles_or_unvetted_source_unit_are_refused(ws):
    assert "audit" in permissions("auditor") and "view" not in permissions("auditor")
    assert set(roles()) >= {"analyst", "investigator", "source-unit-handler", "supervisor",
                            "partner-liaison", "auditor"}
    session = ws.session("admin", "setup")
    with pytest.raises(InputError, match="choose one of"):
        add_user(session, "x", PASSWORD, "wizard")
    with pytest.raises(InputError, match="may not hold source-unit"):
        add_user(session, "x", PASSWORD, "analyst", source_unit=True)
    with pytest.raises(InputError, match="at least"):
        add_user(session, "x", "short", "analyst")
    handler = add_user(session, "h", PASSWORD, "source-unit-handler", source_unit=True,
                       compartments=["*"])
    assert handler.clearance.source_unit and handler.clearance.compartments is None


def test_disabling_refuses_login_and_revokes_tokens_and_both_are_audited(ws):
    session = ws.session("admin", "vetting")
    user = add_user(session, "alice", PASSWORD, "analyst")
    token, _ = issue_token(ws.con, user)
    assert user_for_token(ws.con, token).username == "alice"
    disable_user(session, "alice")
    assert user_for_token(ws.con, token) is None
    assert authenticate(ws.con, "alice", PASSWORD) is None
    assert list_users(ws.con)[0].disabled
    log = ws.con.execute("SELECT username, action, object, detail FROM audit_log ORDER BY seq").fetchall()
    assert [(u, a, o) for u, a, o, _ in log] == [("admin", "alteration", "user:alice")] * 2
    assert PASSWORD not in " ".join(str(d) for *_, d in log)


def test_tokens_expire_and_logout_revokes(ws):
    user = add_user(ws.session("admin", "setup"), "alice", PASSWORD, "analyst")
    old, _ = issue_token(ws.con, user, ttl=timedelta(seconds=-1))
    assert user_for_token(ws.con, old) is None
    token, _ = issue_token(ws.con, user)
    assert ws.con.execute("SELECT count(*) FROM service_tokens WHERE token_sha256 = ?",
                          [token]).fetchall()[0][0] == 0  # only the hash is stored
    assert revoke_token(ws.con, token) and user_for_token(ws.con, token) is None


def test_cli_reads_the_password_from_stdin_never_argv(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    runner = CliRunner()
    out = runner.invoke(app, ["users", "add", "alice", "--role", "analyst", "--compartment",
                              "OP-A", "-w", str(path)], input=PASSWORD + "\n")
    assert out.exit_code == 0, out.output
    bad = runner.invoke(app, ["users", "add", "bob", "--role", "analyst", "--source-unit",
                              "-w", str(path)], input=PASSWORD + "\n")
    assert bad.exit_code == 1 and "source-unit" in bad.output
    listed = runner.invoke(app, ["users", "list", "-w", str(path), "--format", "json"])
    assert '"alice"' in listed.output and "bob" not in listed.output
    assert runner.invoke(app, ["users", "disable", "alice", "-w", str(path)]).exit_code == 0
    with Workspace.open(path) as ws:
        assert authenticate(ws.con, "alice", PASSWORD) is None


def test_a_named_account_gets_a_session_with_its_own_clearance(ws):
    from crosslink.errors import CrosslinkError

    add_user(ws.session("admin", "setup"), "kes", PASSWORD, "analyst", compartments=["OP-KESTREL"])
    session = ws.user_session("kes", "briefing")
    assert session.user == "kes" and session.clearance.compartments == frozenset({"OP-KESTREL"})
    disable_user(ws.session("admin", "vetting"), "kes")
    with pytest.raises(CrosslinkError, match="no such enabled account"):
        ws.user_session("kes")
