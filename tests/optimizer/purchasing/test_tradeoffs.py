"""Each trade-off of the plan cost on a case small enough to solve by hand.

Defaults: holding_rate 0.25 a year, late_penalty 1.0 (a unit's price per day late),
order_cost 0, horizon 365 days; days count from as_of.
"""

from __future__ import annotations

import pytest

from tests.optimizer.purchasing.builders import lines, offer, run

HOLD = 0.25 / 365  # holding per unit of price per day


def test_buys_ahead_to_reach_a_price_break_when_holding_is_cheap():
    # 2 x 500 at 1.00 = 1000; 1000 at 0.90 on day 10 = 900 + 500 units held 30 days.
    result = run({"A": {10: 500, 40: 500}}, offer("S", "A", 0, [(1, 1.00), (1000, 0.90)]))
    assert lines(result) == [("A", "S", 1000.0, 10, False)]
    assert result.summary["optimised_cost"] == pytest.approx(900 + 500 * 0.90 * HOLD * 30)
    assert result.summary["mrp_cost"] == pytest.approx(1000.0)
    assert "price break 1000" in result.suggestions.reason[0]
    assert "buys ahead" in result.suggestions.reason[0]


def test_buys_each_need_alone_when_holding_outweighs_the_break():
    # At 10 a year, holding 500 units for 30 days costs 500 * 0.9 * 10 * 30 / 365 = 369.86 > 100 saved.
    result = run({"A": {10: 500, 40: 500}}, offer("S", "A", 0, [(1, 1.00), (1000, 0.90)]), holding_rate=10.0)
    assert lines(result) == [("A", "S", 500.0, 10, False), ("A", "S", 500.0, 40, False)]
    assert result.summary["optimised_cost"] == pytest.approx(1000.0)


def test_rounds_up_to_the_order_multiple_and_holds_the_rest_to_the_horizon_end():
    result = run({"A": {5: 130}}, offer("S", "A", 0, [(1, 2.0)], min_order_qty=100, order_multiple=50))
    assert lines(result) == [("A", "S", 150.0, 5, False)]
    surplus_holding = 20 * 2.0 * 0.25 * (365 - 5) / 365
    assert result.summary["optimised_cost"] == pytest.approx(300 + surplus_holding)
    assert "order multiple (reel) 50" in result.suggestions.reason[0]
    assert result.suggestions.surplus_qty[0] == pytest.approx(20)


def test_rounds_up_to_the_minimum_order_quantity():
    result = run({"A": {5: 30}}, offer("S", "A", 0, [(1, 2.0)], min_order_qty=100, order_multiple=50))
    assert lines(result) == [("A", "S", 100.0, 5, False)]
    assert "minimum order 100" in result.suggestions.reason[0]


def test_expensive_broker_stock_beats_a_week_late_when_lateness_is_dear():
    # Manufacturer: 100 x (1.00 + 7 days x 1.00) = 800; broker stock ordered day 1, in on day 3: 100 x 5 = 500.
    result = run({"A": {3: 100}}, offer("M", "A", 10, [(1, 1.0)]),
                 offer("B", "A", 30, [(1, 5.0)], stock_qty=100, stock_lead_time_days=2))
    assert lines(result) == [("A", "B", 100.0, 1, True)]
    assert result.summary["optimised_cost"] == pytest.approx(500.0)
    assert "M A-M: 100 at 1, lead 10 d, costs +300.00" in result.suggestions.alternative[0]


def test_late_is_chosen_when_the_penalty_is_low():
    # late_penalty 0.1: 100 x (1.00 + 0.1 x 7) = 170 < 500 from the broker.
    result = run({"A": {3: 100}}, offer("M", "A", 10, [(1, 1.0)]),
                 offer("B", "A", 30, [(1, 5.0)], stock_qty=100, stock_lead_time_days=2), late_penalty=0.1)
    assert lines(result) == [("A", "M", 100.0, 0, False)]
    assert result.summary["optimised_cost"] == pytest.approx(170.0)
    assert result.suggestions.days_late[0] == 7
    assert result.coverage.receipt_date[0] > result.coverage.need_date[0]


def test_allocation_cap_forces_a_second_supplier():
    result = run({"A": {20: 1000}}, offer("A1", "A", 5, [(1, 1.0)], max_qty=600), offer("B1", "A", 5, [(1, 1.5)]))
    assert lines(result) == [("A", "A1", 600.0, 15, False), ("A", "B1", 400.0, 15, False)]
    assert result.summary["optimised_cost"] == pytest.approx(600 + 400 * 1.5)


def test_quantity_beyond_every_cap_is_a_shortage_left_out_of_costs():
    result = run({"A": {20: 1000}}, offer("A1", "A", 5, [(1, 1.0)], max_qty=600))
    assert lines(result) == [("A", "A1", 600.0, 15, False)]
    shortage = result.exceptions[result.exceptions.type == "shortage"]
    assert shortage.quantity.tolist() == [400.0]
    assert result.summary["optimised_cost"] == pytest.approx(600.0)


def test_minimum_order_value_pulls_two_items_onto_one_order_day():
    # S sells X and Y at 5.00 (minimum order value 100), T at 8.00. Alone each order is worth 50;
    # together on day 15 they reach 100, Y then held 20 days: 10 x 5 x 20 days of holding.
    result = run({"X": {20: 10}, "Y": {40: 10}},
                 offer("S", "X", 5, [(1, 5.0)]), offer("S", "Y", 5, [(1, 5.0)]),
                 offer("T", "X", 5, [(1, 8.0)]), offer("T", "Y", 5, [(1, 8.0)]),
                 min_order_value={"S": 100.0}, mrp_lead_time_days=5)
    assert lines(result) == [("X", "S", 10.0, 15, False), ("Y", "S", 10.0, 15, False)]
    assert result.summary["optimised_cost"] == pytest.approx(100 + 10 * 5.0 * HOLD * 20)
    assert result.summary["min_order_value_short_days"] == 0
    assert result.summary["mrp_min_order_value_short_days"] == 2


def test_item_without_offer_is_reported_no_offer():
    result = run({"A": {5: 10}, "Z": {7: 3}}, offer("S", "A", 0, [(1, 1.0)]))
    no_offer = result.exceptions[result.exceptions.type == "no_offer"]
    assert no_offer.item_id.tolist() == ["Z"] and no_offer.quantity.tolist() == [3.0]
