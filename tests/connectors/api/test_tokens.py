"""Tokens: created and revoked from the command line, stored hashed, refused once revoked."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from connectors.api.auth import TOKEN_PREFIX, Role, authenticate, create_token, hash_token, revoke_tokens
from connectors.api.models import ApiToken
from connectors.store import open_store, read_snapshot, write_session
from jobs.cli import _register, app
from tests.connectors.api.conftest import auth, make_client


def test_only_the_hash_of_a_secret_is_stored(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with write_session(engine) as session:
        token, secret = create_token(session, role=Role.BUYER, name="anna")
    with read_snapshot(engine) as session:
        [stored] = session.exec(select(ApiToken)).all()
        assert secret.startswith(TOKEN_PREFIX) and len(secret) == 3 + 43
        assert stored.token_hash == hash_token(secret) and secret not in stored.model_dump_json()
        assert authenticate(session, secret).role == Role.BUYER
        assert authenticate(session, secret + "x") is None
    engine.dispose()


def test_a_revoked_token_is_refused_and_stays_listed(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with write_session(engine) as session:
        _, secret = create_token(session, role="erp", name="odoo-prod")
    client = make_client(engine)
    assert client.get("/api/v1/runs", headers=auth(secret)).status_code == 200
    with write_session(engine) as session:
        assert [t.name for t in revoke_tokens(session, "odoo-prod")] == ["odoo-prod"]
        assert revoke_tokens(session, "odoo-prod") == []  # nothing active left to revoke
    response = client.get("/api/v1/runs", headers=auth(secret))
    assert response.status_code == 401 and response.json() == {"detail": "unknown or revoked token"}
    engine.dispose()


def test_the_cli_creates_lists_and_revokes(tmp_path: Path) -> None:
    _register()
    db = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    created = runner.invoke(app, ["token", "create", "--role", "planner", "--name", "line-lead", "--db", db])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith(TOKEN_PREFIX)
    listed = runner.invoke(app, ["token", "list", "--db", db])
    assert "line-lead" in listed.output and "planner" in listed.output and secret not in listed.output
    assert runner.invoke(app, ["token", "revoke", "1", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["token", "revoke", "1", "--db", db]).exit_code == 1
    bad_role = runner.invoke(app, ["token", "create", "--role", "boss", "--name", "x", "--db", db])
    assert bad_role.exit_code == 2
