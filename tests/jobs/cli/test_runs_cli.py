"""``reelplan run-now``, ``runs`` and ``decisions``: thin commands over the run and decision
functions; what matters here is what they print and how they exit."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

import jobs.cli.runs  # noqa: F401  (registers the commands)
import jobs.cli.store  # noqa: F401
import jobs.runs
from connectors.store import open_store, write_session
from connectors.store.lock import exclusive_lock
from connectors.store.models import BomLine
from jobs.cli import app
from tests.connectors.store.fixtures import SMALL
from tests.jobs.planners import BlockingPlanner, RecordingPlanner, decision_plan, failing_planner


def _reelplan(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250", "REELPLAN_TIMEZONE": "UTC"})


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _reelplan("import", SMALL, "--db", url).exit_code == 0
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: RecordingPlanner(decision_plan()))
    return url


def test_run_now_publishes_and_runs_list_it(db):
    result = _reelplan("run-now", "--db", db, "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "Run 1 published (as of 2026-11-23)" in result.output
    # The stand-in planner does no stage of its own: reading and publishing are shown.
    shown_stages = [line.split(" · ")[0].rsplit(" in ", 1)[0] for line in result.output.splitlines()
                    if line.startswith("[")]
    assert shown_stages == ["[1/5] read started", "[1/5] read done", "[5/5] publish started", "[5/5] publish done"]

    listed = _reelplan("runs", "--db", db)
    assert "1*" in listed.output and "published" in listed.output and "3 suggestions" not in listed.output
    shown = _reelplan("runs", "show", "1", "--db", db)
    assert "Changes since nothing (first plan): suggestions 2 new" in shown.output
    assert "budget: 30 min; seconds used/share: read " in shown.output and "publish " in shown.output


def test_run_now_is_refused_while_another_run_holds_the_lock(db):
    engine = open_store(db)
    with exclusive_lock(engine, "planning"):
        result = _reelplan("run-now", "--db", db)
    engine.dispose()
    assert result.exit_code == 3
    assert "Refused: A planning run is already in progress" in result.output


def test_a_failed_run_exits_one_and_bad_stored_data_two(db, monkeypatch):
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: failing_planner)
    failed = _reelplan("run-now", "--db", db)
    assert failed.exit_code == 1
    assert "Run 1 failed at plan: purchasing" in failed.output and "published plan is unchanged" in failed.output

    engine = open_store(db)
    with write_session(engine) as session:
        session.connection().execute(insert(BomLine.__table__), [{"row_no": 99, "parent_id": "PCB1",
                                                                   "child_id": "NOPE", "qty_per": 1.0}])
    engine.dispose()
    assert _reelplan("run-now", "--db", db).exit_code == 2


def test_a_buyer_approves_and_rejects_from_the_command_line(db):
    assert _reelplan("run-now", "--db", db, "--as-of", "2026-11-23").exit_code == 0
    approved = _reelplan("decisions", "approve", "PS00001", "--quantity", "10000", "--by", "ann", "--db", db)
    assert approved.exit_code == 0, approved.output
    assert "RP-00001 line 1 (sent) 10000 from ARROW STM32F4" in approved.output
    assert _reelplan("decisions", "reject", "PS00002", "--db", db).exit_code == 0
    refused = _reelplan("decisions", "approve", "PS00002", "--quantity", "-1", "--db", db)
    assert refused.exit_code == 1 and "already" not in refused.output

    listed = _reelplan("decisions", "list", "--db", db)
    assert "approved" in listed.output and "rejected" in listed.output


def test_a_planner_pins_and_freezes_from_the_command_line(db):
    assert _reelplan("run-now", "--db", db, "--as-of", "2026-11-23").exit_code == 0
    pinned = _reelplan("decisions", "pin", "P7", "--line", "SMT2", "--start", "2026-12-01T07:30", "--db", db)
    assert pinned.exit_code == 0 and "Pinned P7 to SMT2 at 2026-12-01 07:30" in pinned.output
    frozen = _reelplan("decisions", "freeze", "24", "--db", db)
    assert "Froze 1 job(s): WO-1" in frozen.output  # P7's explicit pin wins over the freeze
    assert "Removed 1 pin(s) of WO-1" in _reelplan("decisions", "unpin", "WO-1", "--db", db).output


def test_runs_shows_the_running_stage_and_how_long_it_has_run(db, monkeypatch):
    slow = BlockingPlanner(decision_plan())
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: slow)
    going = threading.Thread(target=lambda: _reelplan("run-now", "--db", db, "--as-of", "2026-11-23"))
    going.start()
    try:
        assert slow.started.wait(30)
        listed = _reelplan("runs", "--db", db)
        assert listed.exit_code == 0, listed.output
        assert re.search(r"running · plan: mrp for \d+ s", listed.output), listed.output
    finally:
        slow.release.set()
        going.join(30)


@pytest.mark.parametrize("args, message", [
    (("edit", "PS00001", "--quantity", "5000.5"), "MCU is counted in pcs: give whole units, e.g. 5000 or 5001, not 5000.5."),
    (("edit", "PS00001", "--quantity", "7350"), "give 5000 or 7500."),
    (("edit", "PS00001", "--due-date", "2020-01-01"), "give 2026-11-23 or later"),
    (("edit", "PS00001", "--supplier", "NOPE"), "NOPE has no offer for MCU; offers for MCU: ARROW MPN 'STM32F4'."),
    (("pin", "P7", "--line", "SMT1", "--start", "2027-04-20"), "needs a date and a time of day"),
])
def test_a_refused_decision_says_which_rule_and_what_would_be_accepted(db, args, message):
    assert _reelplan("run-now", "--db", db, "--as-of", "2026-11-23").exit_code == 0
    refused = _reelplan("decisions", *args, "--db", db)
    assert refused.exit_code == 1
    assert message in " ".join(refused.output.split())
    assert "Traceback" not in refused.output


def test_an_edit_whose_line_has_gone_is_listed_by_runs_show_and_decisions_list(db, monkeypatch):
    assert _reelplan("run-now", "--db", db, "--as-of", "2026-11-23").exit_code == 0
    assert _reelplan("decisions", "edit", "PS00002", "--quantity", "10000", "--db", db).exit_code == 0
    plan = decision_plan()
    plan.purchase_suggestions = plan.purchase_suggestions.iloc[:1]
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: RecordingPlanner(plan))
    assert _reelplan("run-now", "--db", db, "--as-of", "2026-11-23").exit_code == 0
    for shown in (_reelplan("runs", "show", "2", "--db", db), _reelplan("decisions", "list", "--db", db)):
        assert "Edits whose line has gone" in shown.output and "PS00002" in shown.output
