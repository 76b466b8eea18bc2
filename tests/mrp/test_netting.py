"""Rules 4–6: supply pools, safety stock, expedites, lot sizing.

as_of is 2026-11-23 (day 0); Dec 1 is day 8.
"""

import pytest

from tests.mrp.builders import exceptions, orders, pegged, plan


def test_consigned_reels_serve_only_their_customer_and_buying_is_pooled():
    result = plan(
        items="""
            item_id,type
            X,buy
        """,
        inventory="""
            reel_id,item_id,quantity,owner
            R1,X,100,C1
            R2,X,50,company
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C2,X,2026-12-01,80
            D2,C1,X,2026-12-02,120
        """,
    )
    # D1 (C2) cannot touch C1's reel: company 50, then 30 bought; D2 uses its own 100, then 20 bought.
    assert orders(result, "X") == [("", 30.0, "2026-12-01", "2026-12-01"), ("", 20.0, "2026-12-02", "2026-12-02")]
    assert pegged(result, "X") == {("D1", "R2"): 50, ("D1", "PL-X-0001"): 30, ("D2", "R1"): 100,
                                   ("D2", "PL-X-0002"): 20}


def test_building_is_per_customer_and_components_carry_the_customer():
    result = plan(
        items="""
            item_id,type,lead_time_days
            M,make,2
            X,buy,0
        """,
        bom="""
            parent_id,child_id,qty_per
            M,X,2
        """,
        inventory="""
            reel_id,item_id,quantity
            FG1,M,3
        """,
        work_orders="""
            wo_id,item_id,quantity_open,start_date,due_date,status,customer_id
            W1,M,4,2026-11-20,2026-12-01,released,C1
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C1,M,2026-12-01,10
            D2,C2,M,2026-12-01,5
        """,
    )
    # D1: C1's work order 4, company stock 3, 3 built for C1; D2: 5 built for C2.
    assert orders(result, "M") == [("C1", 3.0, "2026-11-29", "2026-12-01"), ("C2", 5.0, "2026-11-29", "2026-12-01")]
    assert orders(result, "X") == [("", 16.0, "2026-11-29", "2026-11-29")]
    assert pegged(result, "X") == {("D1", "PL-X-0001"): 6, ("D2", "PL-X-0001"): 10}


def test_company_stock_is_drawn_only_down_to_safety_stock():
    result = plan(
        items="""
            item_id,type,lead_time_days,safety_stock
            Y,buy,5,20
        """,
        inventory="""
            reel_id,item_id,quantity
            R1,Y,50
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,Y,2026-12-03,40
            D2,C,Y,2026-12-13,30
        """,
    )
    assert orders(result, "Y") == [("", 10.0, "2026-11-28", "2026-12-03"), ("", 30.0, "2026-12-08", "2026-12-13")]


def test_safety_stock_is_restored_on_as_of_only():
    result = plan(
        items="""
            item_id,type,lead_time_days,safety_stock
            Z,buy,3,20
        """,
        inventory="""
            reel_id,item_id,quantity
            R1,Z,5
        """,
    )
    assert orders(result, "Z") == [("", 15.0, "2026-11-23", "2026-11-23")]
    assert exceptions(result, "late_release") == [("Z", "PL-Z-0001", "2026-11-20", 15.0)]


def test_open_orders_within_lead_time_are_expedited_before_anything_is_planned():
    result = plan(
        items="""
            item_id,type,lead_time_days
            P,buy,10
        """,
        purchase_orders="""
            po_id,item_id,quantity_open,due_date
            PO1,P,100,2026-12-01
            PO2,P,50,2026-12-23
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,P,2026-11-28,60
            D2,C,P,2026-12-05,30
        """,
    )
    # Nov 28 lacks 60: PO1 (due Dec 1, within 10 days) comes in whole; its 40 left serve D2. PO2 is never needed.
    assert orders(result, "P") == []
    assert exceptions(result, "expedite") == [("P", "PO1/1", "2026-11-28", 100.0)]
    assert exceptions(result, "cancel") == [("P", "PO2/1", "2026-12-23", 50.0)]
    assert exceptions(result, "defer") == []


def test_an_open_order_needed_a_week_or_more_after_its_due_date_is_deferred():
    result = plan(
        items="""
            item_id,type,lead_time_days
            Q,buy,2
        """,
        purchase_orders="""
            po_id,line,item_id,quantity_open,due_date
            PO1,1,Q,100,2026-11-26
            PO1,2,Q,10,2026-12-10
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,Q,2026-12-13,100
            D2,C,Q,2026-12-14,10
        """,
    )
    # PO1/1 (due Nov 26) is first needed Dec 13: defer. PO1/2 (due Dec 10) is needed Dec 14, 4 days later: fine.
    assert exceptions(result, "defer") == [("Q", "PO1/1", "2026-12-13", 100.0)]
    assert exceptions(result, "cancel") == []


@pytest.mark.parametrize(
    ("lot_columns", "lot_values", "expected"),
    [
        ("lot_rule", "L4L", 30.0),
        ("lot_rule,lot_size", "FOQ,100", 100.0),
        ("lot_rule,lot_size,min_order_qty", "FOQ,100,250", 250.0),
        ("lot_rule,lot_size,min_order_qty,order_multiple", "FOQ,100,250,40", 280.0),
        ("lot_rule,order_multiple", "L4L,7", 35.0),
    ],
)
def test_lot_size_then_minimum_then_multiple(lot_columns, lot_values, expected):
    result = plan(
        items=f"""
            item_id,type,{lot_columns}
            F,buy,{lot_values}
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,F,2026-12-01,30
        """,
    )
    assert [q for _, q, _, _ in orders(result, "F")] == [expected]


def test_period_order_quantity_covers_the_period_after_receipts():
    result = plan(
        items="""
            item_id,type,lead_time_days,lot_rule,lot_period_days
            R,buy,3,POQ,10
        """,
        purchase_orders="""
            po_id,item_id,quantity_open,due_date
            PO1,R,25,2026-12-08
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D10,C,R,2026-12-03,50
            D15,C,R,2026-12-08,30
            D19,C,R,2026-12-12,20
            D20,C,R,2026-12-13,40
        """,
    )
    # Dec 3 lacks 50; [Dec 3, Dec 13) also lacks 30-25 on Dec 8 and 20 on Dec 12: one order of 75. Dec 13: 40.
    assert orders(result, "R") == [("", 75.0, "2026-11-30", "2026-12-03"), ("", 40.0, "2026-12-10", "2026-12-13")]


def test_reels_on_hold_short_or_out_of_floor_life():
    result = plan(
        items="""
            item_id,type,min_usable_qty
            S,buy,100
        """,
        inventory="""
            reel_id,item_id,quantity,status,floor_life_hours_left
            A,S,500,available,
            B,S,50,available,
            C,S,300,quarantine,
            D,S,200,available,0
            E,S,100,hold,
            F,S,100,available,12.5
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,S,2026-11-23,700
            D2,C,S,2026-11-28,150
        """,
    )
    # day 0: A 500 + F 100, 100 short; D is baked and on hand Nov 24, serving D2.
    assert orders(result, "S") == [("", 100.0, "2026-11-23", "2026-11-23")]
    assert exceptions(result, "stranded_stock") == [("S", "B", "2026-11-23", 50.0)]
    assert exceptions(result, "needs_bake") == [("S", "D", "2026-11-24", 200.0)]
    assert pegged(result, "S") == {("D1", "A"): 500, ("D1", "F"): 100, ("D1", "PL-S-0001"): 100, ("D2", "D"): 150,
                                   ("", "D"): 50}


def test_reels_are_drawn_by_reel_id_as_text_before_receipts():
    result = plan(
        items="""
            item_id,type
            T,buy
        """,
        inventory="""
            reel_id,item_id,quantity
            R2,T,10
            R10,T,10
        """,
        purchase_orders="""
            po_id,item_id,quantity_open,due_date
            PO1,T,10,2026-11-23
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,C,T,2026-11-25,15
        """,
    )
    assert pegged(result, "T") == {("D1", "R10"): 10, ("D1", "R2"): 5, ("", "R2"): 5, ("", "PO1/1"): 10}
    assert exceptions(result, "cancel") == [("T", "PO1/1", "2026-11-23", 10.0)]
