"""NCNR liability through the whole pipeline: one suggested line half inside the window, a PO inside it."""

from __future__ import annotations

import csv

from connectors.dataset import write_plan
from jobs.pipeline import run_plan
from tests.mrp.builders import dataset

# as_of 2026-11-23; ACME authorises 30 days of forecast: up to 2026-12-23.
TABLES = dict(
    items="""
        item_id,type,lead_time_days
        MCU,buy,7
    """,
    demand="""
        demand_id,customer_id,item_id,due_date,quantity,kind
        F1,ACME,MCU,2026-12-14,100,forecast
        F2,ACME,MCU,2027-01-25,100,forecast
    """,
    purchase_orders="""
        po_id,line,item_id,supplier_id,quantity_open,due_date,unit_price
        PO1,1,MCU,S1,50,2026-12-01,1.5
    """,
    supplier_offers="""
        supplier_id,item_id,mpn,lead_time_days,min_order_qty,order_multiple,break_qty,unit_price,ncnr
        S1,MCU,MPN-A,7,200,200,0,2.0,true
    """,
    customers="""
        customer_id,name,material_authorisation_days
        ACME,Acme Corp,30
    """,
)


def test_a_line_half_inside_the_window_is_half_exposure(tmp_path):
    plan = run_plan(dataset(**TABLES), schedule=False)
    # PO1 (50, NCNR: S1's offer is) serves F1. The rest, F1 50 and F2 100, is one line of the
    # offer's minimum 200 (a second line would cost 400 more, holding 100 units six weeks
    # costs about 6): 50 for F1 inside the window, 100 for F2 beyond it, 50 surplus (unlisted).
    [line] = plan.purchase_suggestions.itertuples(index=False)
    assert (line.quantity, line.unit_price, line.unauthorised_value) == (200.0, 2.0, 200.0)
    rows = sorted(map(tuple, plan.liability.values.tolist()))
    assert rows == [
        ("ACME", "MCU", "po", "PO1/1", 50.0, 75.0, True, True),
        ("ACME", "MCU", "suggestion", line.suggestion_id, 50.0, 100.0, True, True),
        ("ACME", "MCU", "suggestion", line.suggestion_id, 100.0, 200.0, True, False),
    ]
    assert plan.summary["liability"] == {"exposure_value": 200.0, "by_customer": {
        "ACME": {"exposure_quantity": 100.0, "exposure_value": 200.0, "authorised_ncnr_value": 175.0}}}
    write_plan(plan, tmp_path / "plan")
    with open(tmp_path / "plan" / "liability.csv", newline="", encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert [(r["source"], r["quantity"], r["value"], r["ncnr"], r["authorised"]) for r in written] == [
        ("po", "50", "75", "true", "true"), ("suggestion", "100", "200", "true", "false"),
        ("suggestion", "50", "100", "true", "true")]


def test_without_customers_and_ncnr_offers_the_table_is_empty_and_nothing_is_exposed():
    tables = {**TABLES, "supplier_offers": TABLES["supplier_offers"].replace(",true", ",false")}
    del tables["customers"]
    plan = run_plan(dataset(**tables), schedule=False)
    assert plan.liability.empty and list(plan.purchase_suggestions.unauthorised_value) == [0.0]
    assert plan.summary["liability"] == {"exposure_value": 0.0, "by_customer": {}}
