"""A generated factory plans like a running one (issue #13): few late releases, lot rules a
planner sets, a plausible number of SMT jobs per line and week, and lines loaded but not
overloaded in the first four weeks.

The SMT figures are recomputed here from the dataset's own tables and MRP's planned orders
(the board orders released in the first four weeks plus the open board work orders, their
placements against the lines' placements per hour and hours per day), not read from the
generator's sizing or the sequencer.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mrp.engine import plan_mrp
from sample_data.generate import generate_dataset

WINDOW_DAYS = 28


@pytest.fixture(scope="module", params=[(500, 800, 4, 7), (600, 1000, 3, 1)], ids=["500x800-L4", "600x1000-L3"])
def planned(request):
    n_items, n_demands, levels, seed = request.param
    ds = generate_dataset(n_items, n_demands, levels=levels, seed=seed)
    return ds, plan_mrp(ds, purchasing_inputs=False, sequencing_inputs=False, pegging=False)


def _board_work(ds, planned_orders: pd.DataFrame) -> pd.DataFrame:
    """Board orders released in the window and the open board work orders, with placements."""
    end = pd.Timestamp(ds.settings.as_of) + pd.Timedelta(days=WINDOW_DAYS)
    boards = ds.smt_process[["item_id", "placements_per_board"]]
    orders = planned_orders[planned_orders["item_id"].isin(boards["item_id"])
                            & (planned_orders["release_date"] < end)][["item_id", "quantity"]]
    work_orders = ds.work_orders[ds.work_orders["item_id"].isin(boards["item_id"])]
    jobs = pd.concat([orders, work_orders.rename(columns={"quantity_open": "quantity"})[["item_id", "quantity"]]])
    return jobs.merge(boards, on="item_id")


def test_late_releases_concern_only_a_few_percent_of_items(planned):
    ds, mrp = planned
    late = mrp.exceptions.loc[mrp.exceptions["type"] == "late_release", "item_id"].nunique()
    assert late / len(ds.items) < 0.06


def test_lot_rules_are_mixed_as_a_planner_sets_them(planned):
    ds, _ = planned
    items = ds.items
    buy = items[items["type"] == "buy"]
    boards = items[items["item_id"].isin(ds.smt_process["item_id"])]
    assert set(items["lot_rule"]) == {"L4L", "FOQ", "POQ"}
    assert (buy["lot_rule"] == "L4L").mean() < 0.3  # most bought parts on POQ or FOQ
    assert buy.loc[buy["lot_rule"] == "POQ", "lot_period_days"].isin([14, 28, 56]).all()
    l4l_without_multiple = (buy["lot_rule"] == "L4L") & buy["order_multiple"].isna()
    assert l4l_without_multiple.mean() < 0.1  # lot-for-lot mostly on reels
    assert boards["lot_rule"].isin(["POQ", "FOQ"]).all()
    assert boards.loc[boards["lot_rule"] == "POQ", "lot_period_days"].isin([7, 14]).all()
    foq = items[items["lot_rule"] == "FOQ"]
    assert (foq["lot_size"] > 0).all()


def test_a_plausible_number_of_jobs_per_line_and_week(planned):
    ds, mrp = planned
    jobs = _board_work(ds, mrp.planned_orders)
    per_line_week = len(jobs) / (len(ds.smt_lines) * WINDOW_DAYS / 7)
    assert 4 <= per_line_week <= 30
    # Weekly lots: no board is started more than twice a week on average.
    per_board_week = jobs.groupby("item_id").size() / (WINDOW_DAYS / 7)
    assert per_board_week.max() <= 2.5


def test_smt_lines_are_loaded_but_not_overloaded_in_the_first_four_weeks(planned):
    ds, mrp = planned
    jobs = _board_work(ds, mrp.planned_orders)
    placements = float((jobs["quantity"] * jobs["placements_per_board"]).sum())
    lines = ds.smt_lines
    capacity = float((lines["placements_per_hour"] * lines["hours_per_day"]).sum()) * WINDOW_DAYS
    assert 0.5 <= placements / capacity <= 0.95


def test_open_supply_covers_the_near_term(planned):
    ds, mrp = planned
    buy = ds.items.loc[ds.items["type"] == "buy", "item_id"]
    stocked = ds.inventory[(ds.inventory["status"] == "available") & ds.inventory["item_id"].isin(buy)]
    assert stocked["item_id"].nunique() > 0.8 * len(buy)
    assert not ds.purchase_orders.empty
    assert (ds.purchase_orders["due_date"] >= pd.Timestamp(ds.settings.as_of)).all()
    # Each PO line is on an offer of its supplier for its item.
    offers = ds.supplier_offers[["supplier_id", "item_id"]].drop_duplicates()
    on_offer = ds.purchase_orders.merge(offers, on=["supplier_id", "item_id"], how="left", indicator=True)
    assert (on_offer["_merge"] == "both").all()
