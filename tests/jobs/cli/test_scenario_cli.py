"""``reelplan scenario`` on a SQLite store, in this process: create (checked), list, show,
run (stored, not published), compare, delete; bad input is one message and exit 2."""

from __future__ import annotations

import json
import sys

import pytest
from sqlmodel import select

from connectors.store import open_store, read_snapshot
from connectors.store.models import PlanningRun
from connectors.store.plans import current_run_id, load_plan_table
from jobs.cli import main, state
from tests.connectors.store.fixtures import SMALL


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["reelplan", *map(str, args)])
    monkeypatch.setattr(state, "debug", False)
    with pytest.raises(SystemExit) as stopped:
        main()
    out = capsys.readouterr()
    return stopped.value.code or 0, out.out, out.err


@pytest.fixture
def db(monkeypatch, capsys, tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _main(monkeypatch, capsys, "import", SMALL, "--db", url)[0] == 0
    assert _main(monkeypatch, capsys, "run-now", "--db", url, "--as-of", "2026-11-23", "--skip-optimize",
                 "--skip-schedule")[0] == 0
    return url


def test_a_scenario_from_creation_to_comparison_leaves_the_published_plan(monkeypatch, capsys, db):
    code, out, _ = _main(monkeypatch, capsys, "scenario", "create", "beta_double", "--db", db,
                         "--change", "scale_demand:factor=2,customer=BETA", "--description", "BETA doubles")
    assert code == 0 and "beta_double stored with 1 change(s)" in " ".join(out.split())
    code, out, _ = _main(monkeypatch, capsys, "scenario", "list", "--db", db, "--json")
    [listed] = json.loads(out)
    assert (listed["name"], listed["changes"], listed["last_run"]) == \
        ("beta_double", [{"kind": "scale_demand", "factor": 2, "customer": "BETA"}], None)
    code, out, _ = _main(monkeypatch, capsys, "scenario", "run", "beta_double", "--db", db, "--as-of", "2026-11-23",
                         "--skip-optimize", "--skip-schedule", "--json")
    [outcome] = json.loads(out)
    assert code == 0 and outcome["status"] == "finished"
    engine = open_store(db)
    with read_snapshot(engine) as session:
        published = current_run_id(session)
        runs = session.exec(select(PlanningRun).order_by(PlanningRun.id)).all()
        gross = {run.id: load_plan_table(session, "mrp_records", run.id).query("item_id == 'GW1'")["gross"].sum()
                 for run in runs}
    engine.dispose()
    assert [(r.id, r.status, r.scenario) for r in runs] == [(published, "published", ""),
                                                             (outcome["run_id"], "finished", "beta_double")]
    # GW1: ACME's order SO-1 200 consumes 200 of its forecast FC-1 500 (16 days later), BETA's FC-2
    # 300 stays: 200 + 300 + 300 = 800; with BETA doubled, 200 + 300 + 600 = 1100.
    assert (gross[published], gross[outcome["run_id"]]) == (800, 1100)

    code, out, _ = _main(monkeypatch, capsys, "scenario", "compare", "published", "beta_double", "--db", db, "--json")
    compared = json.loads(out)
    assert [s["name"] for s in compared["sides"]] == ["published", "beta_double"]
    changed = {c["item_id"]: c["quantities"] for c in compared["buy_changes"]}
    assert "BOARD" in changed and changed["BOARD"][1] > changed["BOARD"][0]
    code, out, _ = _main(monkeypatch, capsys, "scenario", "compare", "published", "beta_double", "--db", db)
    assert code == 0 and "Items whose buy changed most" in out and "BOARD" in out
    assert _main(monkeypatch, capsys, "scenario", "delete", "beta_double", "--db", db)[0] == 0
    code, _, err = _main(monkeypatch, capsys, "scenario", "show", "beta_double", "--db", db)
    assert code == 2 and "no scenario 'beta_double'; the store has none" in err


def test_bad_changes_and_unknown_scenarios_are_one_message_and_exit_2(monkeypatch, capsys, db):
    code, _, err = _main(monkeypatch, capsys, "scenario", "create", "x", "--db", db,
                         "--change", "scale_demand:factor=2,customer=NOPE",
                         "--change", "line_down:line=L9,from=2026-12-02,to=2026-12-01")
    assert code == 2
    assert "change 1 (scale_demand): unknown customer 'NOPE'; the dataset has ACME, BETA" in err
    assert "change 2 (line_down): unknown SMT line 'L9'" in err and "from 2026-12-02 is after to 2026-12-01" in err
    code, _, err = _main(monkeypatch, capsys, "scenario", "create", "x", "--db", db, "--change", "scale_demand:2")
    assert code == 2 and "'2' is not key=value" in err
    code, _, err = _main(monkeypatch, capsys, "scenario", "run", "ghost", "--db", db)
    assert code == 2 and "no scenario 'ghost'" in err
    code, _, err = _main(monkeypatch, capsys, "scenario", "compare", "published", "ghost", "--db", db)
    assert code == 2 and "no scenario 'ghost'" in err
    code, out, _ = _main(monkeypatch, capsys, "scenario", "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_changes_from_a_toml_file(monkeypatch, capsys, db, tmp_path):
    changes = tmp_path / "changes.toml"
    changes.write_text('[[change]]\nkind = "lead_time"\nsupplier = "ARROW"\nadd_days = 14\n\n'
                       '[[change]]\nkind = "add_demand"\nitem = "GW1"\ncustomer = "GAMMA"\nquantity = 50\n'
                       'due = 2027-01-20\n', encoding="utf-8")
    code, _, err = _main(monkeypatch, capsys, "scenario", "create", "from_file", "--db", db, "--file", changes)
    assert code == 0, err
    code, out, _ = _main(monkeypatch, capsys, "scenario", "show", "from_file", "--db", db, "--json")
    assert json.loads(out)["changes"] == [
        {"kind": "lead_time", "supplier": "ARROW", "add_days": 14},
        {"kind": "add_demand", "item": "GW1", "customer": "GAMMA", "quantity": 50, "due": "2027-01-20",
         "id": "SCENARIO-1"}]
    (tmp_path / "bad.toml").write_text("x = 1\n", encoding="utf-8")
    code, _, err = _main(monkeypatch, capsys, "scenario", "create", "bad", "--db", db, "--file", tmp_path / "bad.toml")
    assert code == 2 and "has no [[change]] tables" in err
