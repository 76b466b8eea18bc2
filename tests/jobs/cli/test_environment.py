"""Environment errors: a store that cannot be opened is one line with the fix and exit 2,
before any work; ``--debug`` shows tracebacks, which are otherwise never shown."""

from __future__ import annotations

import sys

import pytest

import jobs.cli.plan
from connectors.store import StoreUnavailable
from jobs.cli import main, state
from tests.connectors.store.fixtures import SMALL, _pg_url, postgres_database  # noqa: F401
from tests.jobs.cli.in_process import run_main


@pytest.mark.parametrize("command", [("runs",), ("run-now",), ("decisions", "list"), ("import", SMALL), ("plan",)])
def test_a_sqlite_store_in_a_missing_folder_is_one_line_with_the_fix(monkeypatch, capsys, tmp_path, command):
    folder = tmp_path / "no" / "such"
    code, out, err = run_main(monkeypatch, capsys, *command, "--db", f"sqlite:///{folder}/plan.db")
    assert code == 2
    assert err.strip() == (f"error: The folder {folder} of the SQLite store does not exist; create it "
                           f"(mkdir -p {folder}) or give another --db.")
    assert not (tmp_path / "no").exists()


def test_an_unknown_kind_of_database_is_named_with_the_urls_accepted(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "runs", "--db", "mysqlx://factory/plan")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "Unknown kind of database 'mysqlx'" in err and "postgresql+psycopg://" in err


@pytest.mark.parametrize("url, message", [
    ("mysql://factory/plan", "reelplan stores on SQLite or PostgreSQL, not 'mysql'"),
    ("not a url", "'not a url' is not a database URL"),
])
def test_another_kind_of_database_or_no_url_is_named(monkeypatch, capsys, url, message):
    code, _, err = run_main(monkeypatch, capsys, "runs", "--db", url)
    assert code == 2 and message in err and "postgresql+psycopg://" in err


def test_a_refused_port_says_nothing_answers_there(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "runs", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/reelplan")
    assert code == 2
    assert err.strip() == ("error: Nothing answers at 127.0.0.1:1 (connection refused); start PostgreSQL there or "
                           "give the right host and port in --db.")


@pytest.mark.postgres
def test_a_missing_postgresql_database_says_how_to_create_it(monkeypatch, capsys, postgres_database):  # noqa: F811
    url = _pg_url("reelplan_no_such_database")
    code, _, err = run_main(monkeypatch, capsys, "runs", "--db", url)
    assert code == 2
    assert "has no database 'reelplan_no_such_database'; create it (createdb -h 127.0.0.1" in err


def test_debug_shows_the_traceback_of_an_environment_error(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "argv", ["reelplan", "--debug", "runs", "--db", f"sqlite:///{tmp_path}/x/y.db"])
    with pytest.raises(StoreUnavailable):
        main()
    state.debug = False


def test_a_planning_failure_is_one_line_and_debug_shows_its_traceback(monkeypatch, capsys, tmp_path):
    def explode(*_args, **_kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(jobs.cli.plan, "run_plan", explode)
    code, out, _ = run_main(monkeypatch, capsys, "plan", SMALL, "--out", tmp_path / "out")
    assert code == 1
    assert "planning failed: RuntimeError: solver exploded" in " ".join(out.split())
    assert "--debug" in out and "Traceback" not in out
    monkeypatch.setattr(sys, "argv", ["reelplan", "--debug", "plan", str(SMALL), "--out", str(tmp_path / "out")])
    with pytest.raises(RuntimeError, match="solver exploded"):
        main()
    state.debug = False
