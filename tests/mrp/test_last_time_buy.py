"""Last-time buys in MRP: no planned buy order is released after the item's last-time-buy date.

as_of is 2026-11-23 (day 0). X is bought with lead time 10 (no offers: the item's own);
20 on hand, demand 50 on 2026-12-23 and 40 on 2027-01-22: net 30 and 40, planned L4L
orders released 2026-12-13 and 2027-01-12 without a last-time buy.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrp.engine import plan_mrp
from tests.mrp.builders import AS_OF, exceptions, factories, orders, pegged, plan

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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories(), st.data())
def test_no_buy_order_is_released_after_its_last_time_buy_date(ds, data):
    free = plan_mrp(ds)
    buy = ds.items.loc[ds.items["type"] == "buy", "item_id"].tolist()
    days = {i: data.draw(st.one_of(st.none(), st.integers(-10, 60)), label=i) for i in buy}
    dates = {i: pd.Timestamp(AS_OF) + pd.Timedelta(days=d) for i, d in days.items() if d is not None}
    ds.items["last_time_buy_date"] = pd.to_datetime(ds.items["item_id"].map(dates)).astype("datetime64[ns]")
    bound = plan_mrp(ds)
    as_of = pd.Timestamp(AS_OF)
    for item_id in buy:
        mine = bound.planned_orders.loc[bound.planned_orders["item_id"] == item_id]
        before = free.planned_orders.loc[free.planned_orders["item_id"] == item_id]
        if item_id in dates and dates[item_id] < as_of:
            assert mine.empty
            continue
        # Same orders, due dates and quantities; released no later than the date.
        assert mine[["order_id", "quantity", "due_date"]].values.tolist() == \
            before[["order_id", "quantity", "due_date"]].values.tolist()
        if item_id in dates:
            assert (mine["release_date"] <= dates[item_id]).all()
        records = bound.mrp_records.loc[bound.mrp_records["item_id"] == item_id]
        assert records["planned_releases"].sum() == pytest.approx(before["quantity"].sum())
        free_records = free.mrp_records.loc[free.mrp_records["item_id"] == item_id]
        on_hand = dict(zip(free_records["date"], free_records["projected_on_hand"]))
        assert all(on_hand.get(d, p) == pytest.approx(p) for d, p in zip(records["date"], records["projected_on_hand"]))
