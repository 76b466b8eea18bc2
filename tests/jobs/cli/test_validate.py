"""``reelplan validate``: the report a planner sees, and the exit code a script checks."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from jobs.cli.validate import validate
from tests.connectors.dataset.helpers import INVALID, VALID


def _run(*args: str):
    # A fresh app holding only this command: the test does not depend on which other
    # commands are registered on the real one.
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command()(validate)
    return CliRunner().invoke(app, ["validate", *map(str, args)], env={"COLUMNS": "250"})


def test_a_valid_dataset_exits_zero():
    result = _run(VALID / "gateway")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    assert "as of 2026-11-23" in result.output


def test_errors_are_listed_and_exit_two():
    result = _run(INVALID / "many_defects", "--as-of", "2026-11-23")
    assert result.exit_code == 2
    assert "7 errors, 0 warnings" in result.output
    for text in ("bom.csv", "A -> B -> A", "2027-1-4", "demand.csv"):
        assert text in result.output


def test_warnings_are_shown_but_do_not_fail(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,type,lead_time_days\nA,buy,400\n", encoding="utf-8")
    result = _run(tmp_path, "--as-of", "2026-11-23", "--horizon-days", "100")
    assert result.exit_code == 0
    assert "lead_time_days" in result.output and "0 errors, 1 warning" in result.output


def test_a_missing_folder_is_bad_input():
    result = _run(VALID / "no_such_dataset")
    assert result.exit_code == 2
    assert "is not a folder" in result.output
