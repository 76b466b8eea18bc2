"""What-if change kinds: each one's outcome on a small dataset computed by hand, the precise
errors of changes that do not apply, and plans of scenarios checked by hand."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.pipeline import LINE_DOWN_PREFIX, line_down_blocks, run_plan
from jobs.scenarios import (
    CHANGE_KINDS, ScenarioError, apply_changes, check_changes, parse_change_text, parse_changes, read_changes_toml,
)
from tests.mrp.builders import dataset

ITEMS = """
item_id,type,lead_time_days
FG,make,0
C,buy,0
"""
BOM = """
parent_id,child_id,qty_per
FG,C,2
"""
DEMAND = """
demand_id,customer_id,item_id,due_date,quantity,kind
D1,ACME,FG,2026-12-07,100,order
D2,BETA,FG,2026-12-14,50,order
D3,ACME,FG,2026-12-21,40,forecast
"""
SUPPLIERS = """
supplier_id,name
S1,One
S2,Two
"""
OFFERS = """
supplier_id,item_id,lead_time_days,break_qty,unit_price,stock_qty
S1,C,10,0,2.0,500
S1,C,10,1000,1.5,500
S2,C,20,0,1.8,
"""
LINES = """
line_id,placements_per_hour,feeder_slots,hours_per_day
L1,3600,10,8
"""


def small():
    return dataset(items=ITEMS, bom=BOM, demand=DEMAND, suppliers=SUPPLIERS, supplier_offers=OFFERS,
                   smt_lines=LINES)


def changed(*texts: str):
    ds = small()
    changes = parse_changes([parse_change_text(t) for t in texts])
    assert check_changes(changes, ds) == []
    return apply_changes(ds, changes)


def quantities(ds) -> dict[str, float]:
    return dict(zip(ds.demand["demand_id"], ds.demand["quantity"]))


def test_scale_demand_of_one_customer_multiplies_only_its_lines():
    assert quantities(changed("scale_demand:factor=1.3,customer=ACME").dataset) == {"D1": 130, "D2": 50, "D3": 52}


def test_scale_demand_filters_by_kind_and_due_dates():
    assert quantities(changed("scale_demand:factor=2,demand_kind=forecast").dataset) == {"D1": 100, "D2": 50, "D3": 80}
    assert quantities(changed("scale_demand:factor=0.5,from=2026-12-10,to=2026-12-14").dataset) == \
        {"D1": 100, "D2": 25, "D3": 40}


def test_the_dataset_given_is_not_changed():
    ds = small()
    apply_changes(ds, parse_changes([parse_change_text("scale_demand:factor=3")]))
    assert quantities(ds) == {"D1": 100, "D2": 50, "D3": 40}


def test_add_and_remove_demand_lines():
    added = changed("add_demand:item=FG,customer=GAMMA,quantity=7,due=2026-12-01").dataset.demand
    row = added[added["demand_id"] == "SCENARIO-1"].iloc[0]
    assert (row["customer_id"], row["quantity"], row["due_date"], row["kind"], row["priority"]) == \
        ("GAMMA", 7, pd.Timestamp("2026-12-01"), "order", 100)
    assert list(changed("remove_demand:customer=ACME").dataset.demand["demand_id"]) == ["D2"]
    assert list(changed("remove_demand:id=D2").dataset.demand["demand_id"]) == ["D1", "D3"]


def test_offer_changes_touch_only_the_suppliers_offers():
    offers = changed("lead_time:supplier=S1,add_days=28").dataset.supplier_offers
    assert list(offers["lead_time_days"]) == [38, 38, 20]
    offers = changed("lead_time:supplier=S2,days=5").dataset.supplier_offers
    assert list(offers["lead_time_days"]) == [10, 10, 5]
    offers = changed("price:supplier=S1,item=C,factor=1.1").dataset.supplier_offers
    assert list(offers["unit_price"]) == pytest.approx([2.2, 1.65, 1.8])
    offers = changed("stock:supplier=S2,qty=0").dataset.supplier_offers
    assert list(offers["stock_qty"].fillna(-1)) == [500, 500, 0]
    assert list(changed("remove_supplier:supplier=S1").dataset.supplier_offers["supplier_id"]) == ["S2"]


def test_line_down_and_settings():
    inputs = changed("line_down:line=L1,from=2026-11-25,to=2026-11-26", "setting:horizon_days=90,budget_minutes=2")
    assert inputs.downtime.to_dict("records") == [
        {"line_id": "L1", "start": pd.Timestamp("2026-11-25"), "end": pd.Timestamp("2026-11-26")}]
    assert (inputs.dataset.settings.horizon_days, inputs.dataset.settings.budget_minutes) == (90, 2.0)


def test_a_line_down_for_two_days_blocks_every_working_minute_of_them():
    inputs = changed("line_down:line=L1,from=2026-11-25,to=2026-11-26")
    block = line_down_blocks(inputs.downtime, inputs.dataset).iloc[0]
    # 2 days x 8 hours x 60 minutes at 3600 placements per hour = 60 per minute
    blocked_minutes = block["quantity"] * block["placements_per_board"] / 3600 * 60
    assert blocked_minutes == 2 * 8 * 60
    assert (block["line_id"], block["start_date"], bool(block["pinned"])) == ("L1", pd.Timestamp("2026-11-25"), True)
    assert block["job_id"].startswith(LINE_DOWN_PREFIX)


def test_demand_times_1_3_for_a_customer_gives_the_gross_requirement_computed_by_hand():
    """ACME's order D1 100 -> 130 and forecast D3 40 -> 52, BETA's 50 unchanged. D3 is due
    within 30 days of ACME's order D1, which consumes it (forecast consumption): FG's gross is
    130 + 50 = 180 (150 before), and C, 2 per FG with no stock, needs 360 (300 before)."""
    def gross(ds) -> pd.Series:
        return run_plan(ds, optimize=False, schedule=False, documents=False).mrp_records.groupby("item_id")["gross"].sum()

    before = gross(small())
    after = gross(changed("scale_demand:factor=1.3,customer=ACME").dataset)
    assert (before["FG"], before["C"]) == (pytest.approx(150), pytest.approx(300))
    assert (after["FG"], after["C"]) == (pytest.approx(180), pytest.approx(360))
    only_forecast = gross(changed("scale_demand:factor=4,demand_kind=forecast").dataset)
    assert only_forecast["FG"] == pytest.approx(100 + 50 + (160 - 100))  # ACME's forecast 160 less its order 100


@pytest.mark.parametrize(("texts", "expected"), [
    (["scale_demand:factor=0"], "change 1 (scale_demand): factor='0' must be above 0"),
    (["scale_demand:factor=x"], "factor='x' is not a number"),
    (["scale_demand:customer=ACME"], "change 1 (scale_demand): factor is missing"),
    (["frobnicate:x=1"], "change 1: unknown kind 'frobnicate'; known kinds: scale_demand"),
    (["scale_demand:factor=2,colour=red"], "unknown parameter 'colour'; accepted: factor, customer"),
    (["line_down:line=L1,from=2026-13-01,to=2026-12-01"], "from='2026-13-01' is not a date; write YYYY-MM-DD"),
    (["scale_demand:factor=2,demand_kind=maybe"], "demand_kind='maybe' is not one of order, forecast"),
    (["stock:supplier=S1,qty=-1"], "qty='-1' must be 0 or more"),
])
def test_bad_values_are_reported_with_what_is_accepted(texts, expected):
    with pytest.raises(ScenarioError, match=re.escape(expected)):
        parse_changes([parse_change_text(t) for t in texts])


@pytest.mark.parametrize(("text", "expected"), [
    ("scale_demand:factor=2,customer=NOPE", "change 1 (scale_demand): unknown customer 'NOPE'; the dataset has ACME, BETA"),
    ("scale_demand:factor=2,item=X9", "unknown item 'X9'"),
    ("lead_time:supplier=S9,days=3", "unknown supplier 'S9'; the dataset has S1, S2"),
    ("line_down:line=L7,from=2026-12-01,to=2026-12-02", "unknown SMT line 'L7'; the dataset has L1"),
    ("line_down:line=L1,from=2026-12-05,to=2026-12-01", "from 2026-12-05 is after to 2026-12-01"),
    ("remove_demand:", "give at least one of id, customer"),
    ("lead_time:supplier=S1", "give exactly one of days"),
    ("price:supplier=S2,item=FG,factor=2", "supplier 'S2' offers no 'FG'"),
    ("add_demand:item=FG,customer=ACME,quantity=1,due=2026-12-01,id=D1", "demand 'D1' exists already"),
    ("setting:horizon_days=0", "horizon_days must be above 0"),
])
def test_changes_that_do_not_fit_the_data_are_reported_before_planning(text, expected):
    problems = check_changes(parse_changes([parse_change_text(text)]), small())
    assert any(expected in p for p in problems), problems


def test_a_toml_file_of_changes():
    changes = read_changes_toml('[[change]]\nkind = "scale_demand"\nfactor = 1.3\ncustomer = "ACME"\n'
                                '[[change]]\nkind = "line_down"\nline = "L1"\nfrom = 2026-12-01\nto = 2026-12-02\n')
    assert parse_changes(changes) == [
        {"kind": "scale_demand", "factor": 1.3, "customer": "ACME"},
        {"kind": "line_down", "line": "L1", "from": "2026-12-01", "to": "2026-12-02"}]
    with pytest.raises(ScenarioError, match="no \\[\\[change\\]\\] tables"):
        read_changes_toml("x = 1")


@settings(max_examples=30, deadline=None)
@given(factor=st.floats(0.01, 10), customer=st.sampled_from(["ACME", "BETA"]))
def test_scaling_a_customer_changes_its_total_by_the_factor_and_no_one_elses(factor, customer):
    before = small().demand
    after = changed(f"scale_demand:factor={factor!r},customer={customer}").dataset.demand
    mine = before["customer_id"] == customer
    assert after.loc[mine, "quantity"].sum() == pytest.approx(before.loc[mine, "quantity"].sum() * factor)
    assert list(after.loc[~mine, "quantity"]) == list(before.loc[~mine, "quantity"])


def test_every_change_kind_has_a_rule_as_docstring():
    assert all(kind.apply.__doc__ and kind.apply.__name__ == kind.name for kind in CHANGE_KINDS.values())
