"""Last-time buys in MRP: no planned buy order is released after the item's last-time-buy date.

as_of is 2026-11-23 (day 0). X is bought with lead time 10 (no offers: the item's own);
20 on hand, demand 50 on 2026-12-23 and 40 on 2027-01-22: net 30 and 40, planned L4L
orders released 2026-12-13 and 2027-01-12 without a last-time buy.
"""

from __future__ import annotations

from tests.mrp.builders import exceptions, orders, pegged, plan

DEMAND = """
    demand_id,customer_id,item_id,due_date,quantity
    D1,C1,X,2026-12-23,50
    D2,C1,X,2027-01-22,40
"""
INVENTORY = """
    reel_id,item_id,quantity
    R1,X,20
"""


def _plan(last_time_buy: str):
    return plan(items=f"""
        item_id,type,lead_time_days,last_time_buy_date
        X,buy,10,{last_time_buy}
    """, demand=DEMAND, inventory=INVENTORY)


def records(result, item_id):
    frame = result.mrp_records[result.mrp_records["item_id"] == item_id]
    return {d.date().isoformat(): (r, p) for d, r, p in
            zip(frame["date"], frame["planned_releases"], frame["projected_on_hand"])}


def test_orders_released_after_the_date_are_released_on_it():
    result = _plan("2026-12-01")
    assert orders(result, "X") == [("", 30.0, "2026-12-01", "2026-12-23"), ("", 40.0, "2026-12-01", "2027-01-22")]
    grid = records(result, "X")
    assert grid["2026-12-01"] == (70.0, 20.0)
    assert "2026-12-13" not in grid and "2027-01-12" not in grid
    assert grid["2026-12-23"][1] == 0.0 and grid["2027-01-22"][1] == 0.0
    assert exceptions(result, "no_supply_after_eol") == []


def test_a_date_after_every_release_changes_nothing():
    assert orders(_plan("2027-02-01"), "X") == orders(_plan(""), "X") == [
        ("", 30.0, "2026-12-13", "2026-12-23"), ("", 40.0, "2027-01-12", "2027-01-22")]


def test_a_passed_date_leaves_what_stock_does_not_cover_short():
    result = _plan("2026-11-01")
    assert orders(result, "X") == []
    assert exceptions(result, "no_supply_after_eol") == [("X", "", "2026-12-23", 30.0), ("X", "", "2027-01-22", 40.0)]
    assert pegged(result, "X") == {("D1", "R1"): 20.0}
    grid = records(result, "X")
    assert grid["2026-12-23"][1] == -30.0 and grid["2027-01-22"][1] == -70.0
    assert result.net_requirements.empty or "X" not in set(result.net_requirements["item_id"])
