"""The comparison's rules on a plan written by hand: late and short demand lines, buys and spend."""

from __future__ import annotations

import pandas as pd

from jobs.compare import Side, bought, compare_plans, late_demands, short_demands, spend_by_month
from mrp.plan import Plan


def _plan(quantity: float = 100.0) -> Plan:
    return Plan(
        exceptions=pd.DataFrame({"type": ["past_due", "late_release", "no_offer", "expedite"],
                                 "item_id": ["FG", "SUB", "CHIP", "FG"], "ref_id": ["D1", "PO-SUB-1", "", "X"],
                                 "date": pd.to_datetime(["2026-11-20"] * 4), "quantity": [1.0] * 4,
                                 "message": [""] * 4}),
        pegging=pd.DataFrame({"demand_id": ["D2", "D3", "D4", ""], "item_id": ["SUB", "CHIP", "FG", "CHIP"],
                              "supply_type": ["planned"] * 4, "supply_id": ["PO-SUB-1", "B1", "JOB-4", "B1"],
                              "quantity": [1.0] * 4, "level": [1, 2, 0, 2]}),
        schedule=pd.DataFrame({"job_id": ["JOB-4", "JOB-5"], "tardiness_minutes": [30.0, 0.0]}),
        purchase_suggestions=pd.DataFrame({
            "item_id": ["CHIP", "RES"], "quantity": [quantity, 50.0], "days_late": [3, 0],
            "demands": ["ACME/D5 40; BETA/D6 60; +2 more", "ACME/D1 50"], "extended_price": [10.0, 5.0],
            "order_date": pd.to_datetime(["2026-11-30", "2026-12-01"])}),
    )


def test_late_demands_follow_each_rule_and_short_ones_need_a_short_item():
    # D1 past due; D2 served by a late release; D4 by a tardy job; D5, D6 named by a late suggestion
    assert late_demands(_plan()) == {"D1", "D2", "D4", "D5", "D6"}
    assert short_demands(_plan()) == {"D3"}  # pegged to CHIP (no_offer); "" is surplus


def test_buys_spend_and_the_items_whose_buy_changed_most():
    assert bought(_plan()).to_dict() == {"CHIP": 100.0, "RES": 50.0}
    assert spend_by_month(_plan()).to_dict() == {"2026-11": 10.0, "2026-12": 5.0}
    customers = {f"D{n}": "ACME" if n % 2 else "BETA" for n in range(1, 7)}
    result = compare_plans([Side("published", 1, _plan(100.0), customers), Side("more", 2, _plan(160.0), customers)])
    assert result["buy_changes"] == [{"item_id": "CHIP", "quantities": [100, 160], "change": 60}]
    assert result["late_demands"] == {"ACME": [2, 2], "BETA": [3, 3]}  # ACME: D1, D5; BETA: D2, D4, D6
    assert result["short_demands"] == {"ACME": [1, 1]}
