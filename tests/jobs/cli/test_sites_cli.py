"""``--site`` on the commands, ``reelplan sites`` and ``run-now --all-sites``: what they print
and how they exit; an unknown site is one line listing the known ones, exit 2, nothing done."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

import jobs.cli.runs  # noqa: F401  (registers the commands)
import jobs.cli.sites  # noqa: F401
import jobs.cli.store  # noqa: F401
import jobs.runs
from connectors.store import open_store, read_snapshot
from connectors.store.models import PlanningRun
from connectors.store.plans import current_run_id
from jobs.cli import app
from tests.connectors.store.fixtures import SMALL
from tests.jobs.planners import RecordingPlanner, decision_plan
from tests.jobs.cli.in_process import run_main

AS_OF = "2026-11-23"


def _reelplan(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250", "REELPLAN_TIMEZONE": "UTC"})


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A store holding the small dataset twice: in the default site and in site ``plant-2``."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _reelplan("import", SMALL, "--db", url).exit_code == 0
    imported = _reelplan("import", SMALL, "--db", url, "--site", "plant-2")
    assert imported.exit_code == 0 and "(site plant-2)" in imported.output
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: RecordingPlanner(decision_plan()))
    return url


def test_run_now_all_sites_plans_every_site_with_its_own_run(db):
    result = _reelplan("run-now", "--db", db, "--as-of", AS_OF, "--all-sites")
    assert result.exit_code == 0, result.output
    assert "default: run 1 published (as of 2026-11-23)" in result.output
    assert "plant-2: run 2 published (as of 2026-11-23)" in result.output
    assert "[plant-2] [1/5] read started" in result.output
    engine = open_store(db)
    with read_snapshot(engine) as session:
        assert (current_run_id(session), current_run_id(session, "plant-2")) == (1, 2)
        assert session.get(PlanningRun, 2).site == "plant-2"
    engine.dispose()

    listed = _reelplan("sites", "--db", db)
    rows = {line.split()[1]: line for line in listed.output.splitlines() if line.startswith("│ ")}
    assert "published" in rows["default"] and "run 1" in rows["default"]
    assert "published" in rows["plant-2"] and "run 2" in rows["plant-2"]
    runs = _reelplan("runs", "--db", db, "--site", "plant-2")
    assert "Planning runs of site plant-2" in runs.output and "2*" in runs.output and "1*" not in runs.output


def test_decisions_act_on_the_published_plan_of_the_site_given(db):
    assert _reelplan("run-now", "--db", db, "--as-of", AS_OF, "--site", "plant-2").exit_code == 0
    refused = _reelplan("decisions", "approve", "PS00001", "--db", db)
    assert refused.exit_code == 1 and "No plan is published yet; run `reelplan run-now` first." in refused.output
    approved = _reelplan("decisions", "approve", "PS00001", "--db", db, "--site", "plant-2", "--by", "ann")
    assert approved.exit_code == 0, approved.output
    assert "RP-00001 line 1 (sent)" in approved.output
    listed = _reelplan("decisions", "list", "--db", db, "--site", "plant-2")
    assert "approved" in listed.output and "RP-00001" in listed.output
    shown = _reelplan("runs", "show", "1", "--db", db)
    assert shown.exit_code == 1 and "Run 1 is a run of site 'plant-2', not 'default'; give --site plant-2" in shown.output


@pytest.mark.parametrize("command", [("runs",), ("run-now",), ("decisions", "list"), ("export-plan",), ("export", "x"),
                                     ("plan",), ("runs", "show", "1")])
def test_an_unknown_site_is_one_line_listing_the_known_sites(db, monkeypatch, capsys, tmp_path, command):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(monkeypatch, capsys, *command, "--db", db, "--site", "plant-9")
    assert code == 2, out + err
    assert err.strip() == ("error: The store has no site 'plant-9'; its sites: default, plant-2. A site is added by "
                           "importing its dataset: reelplan import DIR --site plant-9.")
    engine = open_store(db)
    with read_snapshot(engine) as session:
        assert session.get(PlanningRun, 1) is None
    engine.dispose()


def test_a_bad_site_name_is_refused_before_the_import(db, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "import", SMALL, "--db", db, "--site", "plant 3")
    assert code == 2
    assert err.strip().startswith("error: 'plant 3' is not a site name; give 1 to 40 letters, digits, '_' or '-'")
