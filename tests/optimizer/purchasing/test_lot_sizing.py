"""The lot-sizing plan (the solver's warm start) on cases solved by hand."""

from __future__ import annotations

import numpy as np

from optimizer.purchasing.data import CostRates, ItemProblem, Offer
from optimizer.purchasing.heuristic import lot_sizing_lines


def _offer(supplier_id: str, breaks: list[tuple[float, float]], lead_time_days: int = 0, step: float = 1.0,
           stock_qty: float = 0.0, min_order_value: float = 0.0) -> Offer:
    return Offer(supplier_id, f"{supplier_id}-1", lead_time_days, 2, step, max(breaks[0][0], step),
                 tuple(b for b, _ in breaks), tuple(p for _, p in breaks), stock_qty, None, min_order_value)


def _plan(needs: dict[int, float], *offers: Offer, rates: CostRates, **kwargs) -> list[tuple[str, bool, int, float]]:
    item = ItemProblem("A", np.array(list(needs), dtype=np.int64), np.array(list(needs.values()), dtype=float), offers)
    found = lot_sizing_lines(item, rates, **kwargs)
    return None if found is None else [(l.offer.supplier_id, l.from_stock, l.order_day, l.quantity) for l in found]


def test_wagner_whitin_groups_the_requirements_where_holding_costs_less_than_an_order():
    # Holding 0.1 a unit-day, an order 12. Plans: one order 12 + 10 + 10 = 32; {0},{10,20} 24 + 5 = 29;
    # {0,10},{20} 24 + 10 = 34; three orders 36.
    rates = CostRates(holding_per_day=0.1, late_per_day=1.0, order_cost=12.0, horizon_days=30)
    assert _plan({0: 10, 10: 10, 20: 5}, _offer("S", [(1, 1.0)]), rates=rates) == [("S", False, 0, 10.0),
                                                                                    ("S", False, 10, 15.0)]


def test_shelf_stock_is_used_within_its_quantity_and_the_rest_waits_for_the_lead_time():
    # Need 10 on day 2 and 10 on day 20. From stock (2 days) there are only 10; the factory offer takes 10 days.
    rates = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=0.0, horizon_days=30)
    plan = _plan({2: 10, 20: 10}, _offer("D", [(1, 1.0)], lead_time_days=10, stock_qty=10), rates=rates)
    assert plan == [("D", True, 0, 10.0), ("D", False, 10, 10.0)]


def test_a_line_of_a_supplier_with_a_minimum_order_value_only_where_the_day_reaches_it():
    rates = CostRates(holding_per_day=0.001, late_per_day=1.0, order_cost=0.0, horizon_days=30)
    cheap = _offer("M", [(1, 1.0)], min_order_value=100.0)
    dear = _offer("D", [(1, 1.5)])
    assert _plan({5: 10}, cheap, dear, rates=rates) == [("M", False, 5, 10.0)]  # minimum order values ignored
    assert _plan({5: 10}, cheap, dear, rates=rates, placed={}) == [("D", False, 5, 10.0)]
    assert _plan({5: 10}, cheap, dear, rates=rates, placed={("M", 5): 95.0}) == [("M", False, 5, 10.0)]
