"""One plan everywhere: the published plan, ``reelplan export-plan`` and ``reelplan plan --out``
from the store are the same plan, decisions included."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import jobs.cli.plan  # noqa: F401  (registers the commands)
import jobs.cli.runs  # noqa: F401
import jobs.cli.store  # noqa: F401
from connectors.store import open_store, read_snapshot, write_session
from connectors.store.plans import load_plan
from jobs import decisions
from jobs.cli import app
from tests.connectors.store.fixtures import SMALL

AS_OF = "2026-11-23"
PLAN_FILES = ("planned_orders.csv", "purchase_suggestions.csv", "schedule.csv", "exceptions.csv", "pegging.csv",
              "mrp_records.csv", "capacity_load.csv", "liability.csv")


def _reelplan(*args):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250", "REELPLAN_TIMEZONE": "UTC"})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _reelplan("import", SMALL, "--db", url)
    _reelplan("run-now", "--db", url, "--as-of", AS_OF, "--optimize-time-limit", "5", "--schedule-time-limit", "5")
    return url


def test_export_plan_writes_the_published_plan_as_plan_out_from_the_store_does(db, tmp_path):
    exported, planned = tmp_path / "exported", tmp_path / "planned"
    shown = _reelplan("export-plan", "--out", exported, "--db", db)
    assert f"Wrote the plan of run 1 to {exported}" in " ".join(shown.output.split())
    _reelplan("plan", "--out", planned, "--db", db, "--as-of", AS_OF, "--optimize-time-limit", "5",
              "--schedule-time-limit", "5")
    for name in PLAN_FILES:
        assert (exported / name).read_text() == (planned / name).read_text(), name
    suggestions = pd.read_csv(exported / "purchase_suggestions.csv")
    assert {"reason", "days_late", "alternative", "unauthorised_value"} <= set(suggestions.columns)
    assert "clear_to_build" in pd.read_csv(exported / "schedule.csv").columns
    assert (exported / "purchase_suggestions.xlsx").stat().st_size > 0 and (exported / "schedule_gantt.svg").exists()


def test_plan_out_from_the_store_honours_an_approval_as_the_next_run_does(db, tmp_path):
    engine = open_store(db)
    with read_snapshot(engine) as session:
        first = load_plan(session)
    line = first.purchase_suggestions.iloc[0]
    with write_session(engine) as session:
        decision = decisions.approve_suggestion(session, line["suggestion_id"])
    engine.dispose()
    out = tmp_path / "planned"
    _reelplan("plan", "--out", out, "--db", db, "--as-of", AS_OF, "--skip-schedule", "--optimize-time-limit", "5")
    again = pd.read_csv(out / "purchase_suggestions.csv")
    same = (again["item_id"] == line["item_id"]) & (again["quantity"] == line["quantity"]) & (
        pd.to_datetime(again["order_date"]) == line["order_date"])
    assert not same.any()  # the need is covered by the approved order, not planned again
    pegged = pd.read_csv(out / "pegging.csv")
    assert f"{decision.po_id}/1" in set(pegged["supply_id"])  # the approved order (line 1) serves demand
    # lines the published plan also has keep its ids; none reuses the approved line's id
    assert line["suggestion_id"] not in set(again["suggestion_id"])


def test_export_plan_of_a_run_without_a_stored_plan_says_so(db):
    result = CliRunner().invoke(app, ["export-plan", "7", "--out", "x", "--db", db])
    assert result.exit_code == 1 and "Run 7 has no stored plan (there is no such run)" in result.output
