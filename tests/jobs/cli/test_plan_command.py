"""``reelplan plan``: the command of the dataset format, end to end through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from jobs.cli import _register, app

DATA = Path(__file__).parents[2] / "data"
SAMPLE = Path(__file__).parents[3] / "sample_data" / "ems_factory"
MRP_FILES = {"planned_orders.csv", "exceptions.csv", "pegging.csv", "mrp_records.csv", "summary.json"}


def reelplan(*args: str):
    _register()
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "200"})


def test_mrp_only_writes_the_mrp_files_and_matches_the_worked_example(tmp_path):
    out = tmp_path / "plan"
    result = reelplan("plan", DATA / "valid" / "gateway", "--out", out, "--skip-optimize", "--skip-schedule")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == MRP_FILES
    got = pd.read_csv(out / "planned_orders.csv", keep_default_na=False, dtype=str)
    want = pd.read_csv(DATA / "valid" / "gateway" / "expected_planned_orders.csv", keep_default_na=False, dtype=str)
    key = ["item_id", "customer_id", "due_date"]
    cols = [*key, "type", "quantity", "release_date"]
    pd.testing.assert_frame_equal(got[cols].sort_values(key).reset_index(drop=True),
                                  want[cols].sort_values(key).reset_index(drop=True))


def test_bad_input_exits_two_lists_the_defect_and_writes_nothing(tmp_path):
    out = tmp_path / "plan"
    result = reelplan("plan", DATA / "invalid" / "bom_cycle", "--out", out)
    assert result.exit_code == 2
    assert "bom.csv" in result.output
    assert not out.exists()


def test_as_of_and_horizon_flags_win_over_settings(tmp_path):
    out = tmp_path / "plan"
    result = reelplan("plan", DATA / "valid" / "gateway", "--out", out, "--skip-optimize", "--skip-schedule",
                      "--as-of", "2026-12-01", "--horizon-days", "40")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["as_of"] == "2026-12-01" and summary["horizon_days"] == 40
    exceptions = pd.read_csv(out / "exceptions.csv", keep_default_na=False)
    # Jan 6 lies 36 days after Dec 1, Feb 1 beyond 40 days: only F2's remainder is dropped.
    assert list(exceptions.loc[exceptions["type"] == "beyond_horizon", "ref_id"]) == ["F2"]


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "plan"
    result = reelplan("plan", SAMPLE, "--out", out, "--optimize-time-limit", "10", "--schedule-time-limit", "5")
    assert result.exit_code == 0, result.output
    return out


def test_the_sample_factory_gets_every_plan_file(sample_plan):
    names = {p.name for p in sample_plan.iterdir()}
    assert MRP_FILES | {"purchase_suggestions.csv", "purchase_suggestions.xlsx", "schedule.csv",
                        "schedule_gantt.svg"} <= names
    summary = json.loads((sample_plan / "summary.json").read_text())
    assert set(summary["stage_seconds"]) == {"mrp", "purchasing", "sequencing"}
    assert summary["costs"]["optimised_cost"] <= summary["costs"]["mrp_cost"] + 1e-6


def test_the_same_input_gives_the_same_plan_byte_for_byte(tmp_path):
    # Purchasing is left out: a MILP stopped by its time limit may stop elsewhere on another run
    # (docs/purchasing.md); MRP and the sequencer's deterministic work budget repeat exactly.
    outs = []
    for name in ("first", "second"):
        out = tmp_path / name
        result = reelplan("plan", SAMPLE, "--out", out, "--skip-optimize", "--schedule-time-limit", "5")
        assert result.exit_code == 0, result.output
        outs.append(out)
    first, second = outs
    for file in sorted(first.iterdir()):
        if file.suffix in (".csv", ".svg"):
            assert file.read_bytes() == (second / file.name).read_bytes(), file.name
    plan_figures = lambda s: {k: s[k] for k in ("as_of", "horizon_days", "counts", "schedule")}  # noqa: E731
    assert plan_figures(json.loads((first / "summary.json").read_text())) == plan_figures(
        json.loads((second / "summary.json").read_text()))


def test_without_a_dataset_folder_the_store_is_planned(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert reelplan("import", DATA / "valid" / "gateway", "--db", db).exit_code == 0
    out = tmp_path / "plan"
    result = reelplan("plan", "--db", db, "--out", out, "--skip-optimize", "--skip-schedule")
    assert result.exit_code == 0, result.output
    planned = pd.read_csv(out / "planned_orders.csv", keep_default_na=False)
    assert len(planned) == 12 and planned["quantity"].sum() == 500 + 1500 + 2000 + 511 + 1531 + 2041 + 50000 + 5000 \
        + 36220 + 41229
