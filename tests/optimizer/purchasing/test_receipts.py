"""The receipts recursion (optimizer/purchasing/receipts.py): a valid lower bound, and a plan.

(a) On the exhaustive-search instances the bound never exceeds the true optimum (also with a
coarse Q grid, the rounding relaxation); (b) hand-computed cases where the bound is the
optimum; (c) its plan, costed by ``cost.evaluate``, is a plan: it covers the needs, costs at
least the bound (and the exhaustive optimum, among plans of two lines), and ``evaluate``'s cost
of its lines equals their matching cost found by enumeration.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from optimizer.purchasing.cost import evaluate
from optimizer.purchasing.data import CostRates, ItemProblem, Offer, build_offers
from optimizer.purchasing.receipts import receipt_bound
from tests.optimizer.purchasing.builders import offer, offers_table, suppliers_table
from tests.optimizer.purchasing.test_exhaustive import HORIZON_DAYS, _brute_force, _instance


def _problem(inst: dict) -> tuple[ItemProblem, CostRates]:
    table = offers_table(*[offer(o["supplier"], "A", o["lead"], o["breaks"], min_order_qty=o["moq"],
                                 order_multiple=o["step"], stock_qty=o["stock"], stock_lead_time_days=2)
                           for o in inst["offers"]])
    items = pd.DataFrame({"item_id": ["A"], "type": "buy", "uom": "pcs"})
    offers = build_offers(table, suppliers_table(table), items)["A"]
    days = sorted(inst["needs"])
    item = ItemProblem("A", np.array(days, dtype=np.int64), np.array([float(inst["needs"][d]) for d in days]), offers)
    rates = CostRates(inst["holding_rate"] / 365.0, inst["late_penalty"], inst["order_cost"], HORIZON_DAYS)
    return item, rates


def _matching_cost(item: ItemProblem, lines, rates: CostRates) -> float:
    """Least-cost matching by enumeration (tiny cases: two needs, up to three lines)."""
    (d1, d2), (n1, n2) = item.need_days.tolist(), [int(q) for q in item.need_qty]
    best = math.inf
    splits = [range(n1 + 1)] * len(lines) + [range(n2 + 1)] * len(lines)
    for split in itertools.product(*splits):
        first, second = split[:len(lines)], split[len(lines):]
        if sum(first) != n1 or sum(second) != n2:
            continue
        if any(a + b > l.quantity + 1e-9 for a, b, l in zip(first, second, lines)):
            continue
        cost = 0.0
        for a, b, l in zip(first, second, lines):
            p = l.unit_price
            cost += a * rates.unit_cost(p, l.arrival_day, d1) + b * rates.unit_cost(p, l.arrival_day, d2)
            cost += (l.quantity - a - b) * rates.surplus_cost(p, l.arrival_day)
        best = min(best, cost)
    return best + sum(l.quantity * l.unit_price + rates.order_cost for l in lines)


@pytest.mark.parametrize("seed", range(120))
def test_bound_never_exceeds_the_exhaustive_optimum(seed):
    inst = _instance(seed)
    item, rates = _problem(inst)
    optimum = _brute_force(inst)
    exact = receipt_bound(item, rates)
    assert exact.exact
    assert exact.bound <= optimum + 1e-9
    coarse = receipt_bound(item, rates, max_states=3)  # Q on a coarse grid: the rounding relaxation
    assert coarse.bound <= optimum + 1e-9
    pruned = receipt_bound(item, rates, upper=optimum)  # pruning by a plan's cost changes nothing
    assert pruned.bound == pytest.approx(exact.bound, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_plan_is_a_plan_costed_exactly(seed):
    inst = _instance(seed)
    item, rates = _problem(inst)
    found = receipt_bound(item, rates)
    if found.lines is None:  # its lines exceed a cap
        return
    lines = list(found.lines)
    assert sum(l.quantity for l in lines) >= item.total_need - 1e-9
    assert all(l.order_day >= 0 for l in lines)
    cost = evaluate([item], lines, rates).costs["A"].total
    assert cost >= found.bound - 1e-9
    if len(lines) <= 2:  # the exhaustive search's plans (it tries up to two lines)
        assert cost >= _brute_force(inst) - 1e-6
    if len(lines) <= 3:
        assert cost == pytest.approx(_matching_cost(item, lines, rates), rel=1e-9, abs=1e-9)


def _offer(price, *, lead=0, step=1.0, min_qty=1.0, breaks=None, stock=0.0, stock_lead=0) -> Offer:
    breaks = breaks or [(1.0, price)]
    return Offer("S", "M", lead, stock_lead, step, min_qty, tuple(b for b, _ in breaks), tuple(p for _, p in breaks),
                 stock, None, 0.0)


def _item(needs: dict[int, float], *offers: Offer) -> ItemProblem:
    days = sorted(needs)
    return ItemProblem("A", np.array(days, dtype=np.int64), np.array([needs[d] for d in days], dtype=float), offers)


RATES = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=1.0, horizon_days=100)


def test_one_line_on_the_need_day():
    # 10 units at 2 arriving on day 5, one order: 21
    found = receipt_bound(_item({5: 10.0}, _offer(2.0)), RATES)
    assert found.bound == pytest.approx(21.0, rel=1e-8)
    assert [(l.order_day, l.quantity) for l in found.lines] == [(5, 10.0)]


def test_price_break_bought_with_surplus_held_to_the_horizon():
    # 10 units: at 2 each 20 + 1 order; 20 units at 1.2 each 24 + 1 + 10 surplus · 1.2 · 0.001 · 100 days = 26.2
    # -> 21; with the break at 0.9: 18 + 1 + 10 · 0.9 · 0.1 = 19.9
    dear = _item({0: 10.0}, _offer(2.0, breaks=[(1.0, 2.0), (20.0, 1.2)]))
    assert receipt_bound(dear, RATES).bound == pytest.approx(21.0, rel=1e-8)
    cheap = _item({0: 10.0}, _offer(2.0, breaks=[(1.0, 2.0), (20.0, 0.9)]))
    found = receipt_bound(cheap, RATES)
    assert found.bound == pytest.approx(19.9, rel=1e-8)
    assert [l.quantity for l in found.lines] == [20.0]


def test_buying_ahead_when_holding_costs_less_than_an_order():
    # needs 10 on day 0 and 10 on day 50, price 1: one line of 20 holds 10 units 50 days (0.5) + 1 order
    rates = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=5.0, horizon_days=100)
    found = receipt_bound(_item({0: 10.0, 50: 10.0}, _offer(1.0)), rates)
    assert found.bound == pytest.approx(25.5, rel=1e-8)
    cheap_orders = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=0.1, horizon_days=100)
    assert receipt_bound(_item({0: 10.0, 50: 10.0}, _offer(1.0)), cheap_orders).bound == pytest.approx(20.2, rel=1e-8)


def test_lateness_before_the_earliest_arrival():
    # 5 units needed on day 0, lead time 10: 10 days late at 1.0 · price per day = 50, + 5 + 1
    found = receipt_bound(_item({0: 5.0}, _offer(1.0, lead=10)), RATES)
    assert found.bound == pytest.approx(56.0, rel=1e-8)
    # shelf stock arriving on day 2 (caps relaxed in the bound): 2 days late = 10, + 6
    stocked = _item({0: 5.0}, _offer(1.0, lead=10, stock=5.0, stock_lead=2))
    found = receipt_bound(stocked, RATES)
    assert found.bound == pytest.approx(16.0, rel=1e-8)
    assert [(l.from_stock, l.order_day) for l in found.lines] == [(True, 0)]


def test_reels_on_their_grid():
    # 2,500 needed, reels of 1,000 at 0.1: 3 reels = 300 + 1 order + 500 surplus · 0.1 · 0.001 · 100 days = 306
    reel = _offer(0.1, step=1000.0, min_qty=1000.0)
    found = receipt_bound(_item({0: 2500.0}, reel), RATES)
    assert found.bound == pytest.approx(306.0, rel=1e-8)
    assert [l.quantity for l in found.lines] == [3000.0]


def test_too_large_to_trace_gives_the_bound_only(monkeypatch):
    import optimizer.purchasing.receipts as receipts

    item = _item({0: 10.0, 50: 10.0}, _offer(1.0))
    full = receipt_bound(item, RATES)
    monkeypatch.setattr(receipts, "MAX_SAVED", 4)
    small = receipt_bound(item, RATES)
    assert small.bound == pytest.approx(full.bound, rel=1e-12)
    assert full.lines is not None and small.lines is None


def test_plan_meeting_minimum_order_values_with_the_placed_value():
    from optimizer.purchasing.receipts import receipt_plan

    rates = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=0.1, horizon_days=100)
    offer_ = Offer("S", "M", 0, 0, 1.0, 1.0, (1.0,), (1.0,), 0.0, None, 30.0)
    item = _item({0: 10.0, 50: 10.0}, offer_)
    assert [l.quantity for l in receipt_bound(item, rates).lines] == [10.0, 10.0]  # the bound ignores the minimum
    alone = receipt_plan(item, rates, {})
    assert all(l.quantity * l.unit_price >= 30.0 - 1e-9 for l in alone)
    helped = receipt_plan(item, rates, {("S", 0): 25.0, ("S", 50): 25.0})  # other items' lines on both days
    assert [(l.order_day, l.quantity) for l in helped] == [(0, 10.0), (50, 10.0)]
