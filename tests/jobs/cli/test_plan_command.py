"""``reelplan plan``: the command of the dataset format, end to end through the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pulp
from pulp.apis.coin_api import pulp_cbc_path
import pytest
from typer.testing import CliRunner

from connectors.dataset import read_dataset
from jobs.cli import _register, app
from mrp.engine import plan_mrp

DATA = Path(__file__).parents[2] / "data"
SAMPLE = Path(__file__).parents[3] / "sample_data" / "ems_factory"
MRP_FILES = {"planned_orders.csv", "exceptions.csv", "pegging.csv", "mrp_records.csv", "liability.csv", "summary.json"}


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


def test_each_stage_is_shown_as_it_starts_and_ends(tmp_path):
    result = reelplan("plan", DATA / "valid" / "gateway", "--out", tmp_path / "plan", "--skip-optimize",
                      "--skip-schedule")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    assert [line.split(" · ")[0].rsplit(" in ", 1)[0] for line in lines] == [
        "[1/3] read started", "[1/3] read done", "[2/3] mrp started", "[2/3] mrp done",
        "[3/3] write started", "[3/3] write done"]
    assert all(line.endswith("of budget left") for line in lines)
    assert "planned orders)" in lines[3]


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
def sample_without_aml(tmp_path_factory) -> Path:
    """The sample factory without its customers' approved MPN lists: with them, a unit of one
    line may serve only the needs of the customers that accept its MPN, which the
    transportation LP below does not model."""
    data = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(SAMPLE, data)
    (data / "approved_mpns.csv").unlink()
    return data


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory, sample_without_aml) -> Path:
    out = tmp_path_factory.mktemp("sample") / "plan"
    result = reelplan("plan", sample_without_aml, "--out", out, "--optimize-time-limit", "10",
                      "--schedule-time-limit", "5")
    assert result.exit_code == 0, result.output
    return out


def test_the_sample_factory_gets_every_plan_file(sample_plan):
    names = {p.name for p in sample_plan.iterdir()}
    assert MRP_FILES | {"purchase_suggestions.csv", "purchase_suggestions.xlsx", "schedule.csv",
                        "schedule_gantt.svg"} <= names
    summary = json.loads((sample_plan / "summary.json").read_text())
    assert set(summary["stage_seconds"]) == {"read", "mrp", "purchasing", "sequencing"}
    run = summary["run"]
    # The default budget of 30 minutes: 5 % read, 15 % MRP; the solvers' shares are the flags' 10 s and 5 s.
    assert run["budget_minutes"] == 30
    assert {name: stage["share_seconds"] for name, stage in run["stages"].items()} == {
        "read": 90.0, "mrp": 270.0, "purchasing": 10.0, "sequencing": 5.0}
    assert summary["costs"]["optimised_cost"] <= summary["costs"]["mrp_cost"] + 1e-6


def test_the_samples_optimised_cost_is_recomputed_from_its_suggestions_alone(sample_plan, sample_without_aml):
    # Independent of the optimiser: prices looked up in supplier_offers.csv, the needs from
    # MRP's net requirements less the shortages the plan reports, and the least-cost matching
    # of units to needs as one transportation LP (CBC); surplus is held to the horizon end.
    ds = read_dataset(sample_without_aml)[0]
    settings = {"as_of": pd.Timestamp(ds.settings.as_of), "horizon": ds.settings.horizon_days,
                "hold": ds.settings.holding_rate / 365, "late": ds.settings.late_penalty}
    suggestions = pd.read_csv(sample_plan / "purchase_suggestions.csv", keep_default_na=False,
                              parse_dates=["receipt_date"])
    offers = pd.read_csv(SAMPLE / "supplier_offers.csv").sort_values("break_qty")
    exceptions = pd.read_csv(sample_plan / "exceptions.csv", keep_default_na=False, parse_dates=["date"])
    short = exceptions[exceptions["type"] == "shortage"].groupby(["item_id", "date"])["quantity"].sum()
    needs = plan_mrp(ds).net_requirements.set_index(["item_id", "date"])["quantity"]
    needs = needs.sub(short, fill_value=0.0)
    problem = pulp.LpProblem("plan_cost", pulp.LpMinimize)
    terms, into_need = [], {}
    for s in suggestions.itertuples():
        rows = offers[(offers.item_id == s.item_id) & (offers.supplier_id == s.supplier_id) & (offers.mpn == s.mpn)]
        price = rows.loc[rows.break_qty <= s.quantity, "unit_price"].iloc[-1]
        terms.append(s.quantity * price + ds.settings.order_cost)
        arrival = (s.receipt_date - settings["as_of"]).days
        flows = []
        for (item, date), _ in needs.loc[[s.item_id]].items():
            day = (date - settings["as_of"]).days
            x = problem.add_variable(f"x_{s.suggestion_id}_{day}", 0)
            per_unit = settings["hold"] * (day - arrival) if arrival <= day else settings["late"] * (arrival - day)
            terms.append(price * per_unit * x)
            flows.append(x)
            into_need.setdefault((item, date), []).append(x)
        surplus = problem.add_variable(f"s_{s.suggestion_id}", 0)
        terms.append(price * settings["hold"] * max(settings["horizon"] - arrival, 0) * surplus)
        problem += pulp.lpSum(flows) + surplus == s.quantity
    no_offer = set(exceptions.loc[exceptions["type"] == "no_offer", "item_id"])
    for key, quantity in needs.items():
        if key[0] in no_offer:  # nothing can be bought: out of all costs
            assert key not in into_need
        elif quantity > 1e-9:
            problem += pulp.lpSum(into_need[key]) == quantity
    problem += pulp.lpSum(terms)
    problem.solve(pulp.COIN_CMD(path=pulp_cbc_path, msg=False))
    assert pulp.LpStatus[problem.status] == "Optimal"
    summary = json.loads((sample_plan / "summary.json").read_text())
    assert summary["costs"]["optimised_cost"] == pytest.approx(pulp.value(problem.objective), rel=1e-6)


def test_the_same_plan_byte_for_byte_on_an_idle_and_on_a_saturated_machine(tmp_path):
    # Every stage on, each solver ended by its deterministic work limit (derived from the
    # budget's shares), never by the clock: a run while two busy processes take both cores
    # writes the same files as a run without them.
    data = tmp_path / "sample"
    shutil.copytree(SAMPLE, data)
    with (data / "settings.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[run]\nbudget_minutes = 4\n")
    first, second = tmp_path / "quiet", tmp_path / "loaded"
    assert reelplan("plan", data, "--out", first).exit_code == 0
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        result = reelplan("plan", data, "--out", second)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in first.iterdir() if p.name != "summary.json")
    assert files == sorted(p.name for p in second.iterdir() if p.name != "summary.json")
    assert {"purchase_suggestions.csv", "schedule.csv", "capacity_load.csv", "pegging.csv"} <= set(files)
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    summaries = [json.loads((out / "summary.json").read_text()) for out in (first, second)]
    assert [s["run"]["wall_clock_fired"] for s in summaries] == [[], []]
    plan_figures = lambda s: {k: s[k] for k in ("as_of", "horizon_days", "counts", "costs", "schedule")}  # noqa: E731
    assert plan_figures(summaries[0]) == plan_figures(summaries[1])


def test_without_a_dataset_folder_the_store_is_planned(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert reelplan("import", DATA / "valid" / "gateway", "--db", db).exit_code == 0
    out = tmp_path / "plan"
    result = reelplan("plan", "--db", db, "--out", out, "--skip-optimize", "--skip-schedule")
    assert result.exit_code == 0, result.output
    planned = pd.read_csv(out / "planned_orders.csv", keep_default_na=False)
    assert len(planned) == 12 and planned["quantity"].sum() == 500 + 1500 + 2000 + 511 + 1531 + 2041 + 50000 + 5000 \
        + 36220 + 41229


def test_no_pegging_writes_the_same_plan_without_pegging_csv(tmp_path):
    pegged, classic = tmp_path / "pegged", tmp_path / "classic"
    for out, extra in ((pegged, ()), (classic, ("--no-pegging",))):
        result = reelplan("plan", DATA / "valid" / "gateway", "--out", out, "--skip-optimize", "--skip-schedule",
                          *extra)
        assert result.exit_code == 0, result.output
    assert {p.name for p in classic.iterdir()} == MRP_FILES - {"pegging.csv", "liability.csv"}  # no pegging, no liability
    for name in ("planned_orders.csv", "exceptions.csv", "mrp_records.csv"):
        assert (classic / name).read_bytes() == (pegged / name).read_bytes(), name
    assert json.loads((classic / "summary.json").read_text())["pegging"] is False
    assert json.loads((pegged / "summary.json").read_text())["pegging"] is True


def test_parquet_tables_hold_what_the_csv_tables_hold(tmp_path):
    import pyarrow.parquet as pq

    args = (DATA / "valid" / "gateway", "--skip-optimize", "--skip-schedule")
    assert reelplan("plan", *args, "--out", tmp_path / "csv").exit_code == 0
    result = reelplan("plan", *args, "--out", tmp_path / "pq", "--format", "parquet")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "pq").iterdir()} == {f.replace(".csv", ".parquet") for f in MRP_FILES}
    for name in ("planned_orders", "pegging", "mrp_records", "exceptions"):
        text = pd.read_csv(tmp_path / "csv" / f"{name}.csv", keep_default_na=False, dtype=str)
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        assert table.column_names == list(text.columns) and table.num_rows == len(text)
    csv_pegging = pd.read_csv(tmp_path / "csv" / "pegging.csv", keep_default_na=False, dtype={"demand_id": str})
    parquet_pegging = pq.read_table(tmp_path / "pq" / "pegging.parquet").to_pandas()
    parquet_pegging["demand_id"] = parquet_pegging["demand_id"].astype(str).where(parquet_pegging["demand_id"].notna(), "")
    assert parquet_pegging.groupby("demand_id", observed=True)["quantity"].sum().to_dict() == pytest.approx(
        csv_pegging.groupby("demand_id")["quantity"].sum().to_dict())


def test_an_unusable_plan_folder_stops_the_command_before_reading_anything(tmp_path):
    (tmp_path / "plan").write_text("a file", encoding="utf-8")
    result = reelplan("plan", DATA / "invalid" / "bom_cycle", "--out", tmp_path / "plan")
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output and "bom.csv" not in result.output  # the dataset was not read
    assert (tmp_path / "plan").read_text(encoding="utf-8") == "a file"


def test_an_unknown_format_is_refused(tmp_path):
    result = reelplan("plan", DATA / "valid" / "gateway", "--out", tmp_path / "plan", "--format", "xlsx")
    assert result.exit_code == 2 and not (tmp_path / "plan").exists()
