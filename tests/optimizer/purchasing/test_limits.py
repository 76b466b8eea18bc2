"""The stage at its limits: an item plain MRP does not buy (issue #13), the work limit, the summary."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.purchasing.cost import evaluate
from optimizer.purchasing.data import CostRates, ItemProblem
from tests.optimizer.purchasing.builders import l4l_orders, lines, offer, requirements, run

RATES = CostRates(holding_per_day=0.25 / 365, late_per_day=1.0, order_cost=0.0, horizon_days=365)


def test_costing_an_item_without_lines_leaves_its_need_short_at_no_cost():
    # issue #13: evaluate() of an item with requirements and no line crashed in add_chains
    # ("cannot reshape array of size 0 into shape (0,newaxis)").
    item = ItemProblem("Y", np.array([30, 40]), np.array([10.0, 5.0]), ())
    evaluation = evaluate([item], [], RATES)
    assert evaluation.costs["Y"].total == 0.0
    assert sorted(zip(evaluation.shortage.need_day, evaluation.shortage.quantity)) == [(30, 10.0), (40, 5.0)]


def test_an_item_plain_mrp_does_not_buy_is_bought_by_the_optimiser():
    # X: 10 on day 20 at 2.0 (plain MRP orders it on day 15, lead 5); Y: 10 on day 30 at 3.0, and no
    # planned order. Plain MRP costs X only (Y is short, out of all costs): 20. The optimised plan
    # buys both on time: 20 + 30 = 50, and leaves nothing short, which outranks its higher cost.
    needs = {"X": {20: 10}, "Y": {30: 10}}
    orders = l4l_orders(requirements({"X": {20: 10}}), 5)
    result = run(needs, offer("S", "X", 5, [(1, 2.0)]), offer("S", "Y", 5, [(1, 3.0)]), planned_orders=orders)
    assert lines(result) == [("X", "S", 10.0, 15, False), ("Y", "S", 10.0, 25, False)]
    assert result.summary["mrp_cost"] == pytest.approx(20.0)
    assert result.summary["optimised_cost"] == pytest.approx(50.0)
    assert result.summary["shortage_qty"] == 0.0
    assert result.exceptions.empty


# A reel of 1,000 at 0.10 a unit (100 a reel) against 200 a week for 5 weeks: plain MRP (lead 5,
# one order a week) buys 5 reels (500, 800 surplus each held to the horizon); the optimiser buys one.
WEEKLY = {"X": {7 * k + 7: 200 for k in range(5)}}
REEL = offer("S", "X", 5, [(1, 0.1)], min_order_qty=1000, order_multiple=1000)


def test_without_limits_nothing_is_cut():
    result = run(WEEKLY, REEL, mrp_lead_time_days=5, time_limit_s=None)
    assert result.summary["stopped_by"] is None and result.summary["cut"] is None
    assert lines(result) == [("X", "S", 1000.0, 2, False)]


def test_a_work_limit_of_zero_returns_the_plain_mrp_lines_and_says_so():
    result = run(WEEKLY, REEL, mrp_lead_time_days=5, work_limit=0)
    summary = result.summary
    assert summary["stopped_by"] == "work_limit"
    assert summary["status"] == "fallback"
    assert summary["optimised_cost"] == pytest.approx(summary["mrp_cost"])
    assert summary["cut"] == ("purchasing stopped at its work limit after planning 0 of 1 items; the other 1 use "
                              "the plain MRP lines, so the saving is understated")
    assert [l[2] for l in lines(result)] == [1000.0] * 5


def test_a_time_limit_already_past_stops_on_the_wall_clock_and_still_returns_a_plan():
    result = run(WEEKLY, REEL, mrp_lead_time_days=5, time_limit_s=1e-9, work_limit=1e12)
    assert result.summary["stopped_by"] == "wall_clock"
    assert result.summary["cut"].startswith("purchasing stopped at its time limit (wall clock)")
    assert len(result.suggestions) == 5
