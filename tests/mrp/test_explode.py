"""Rule 3 (gross requirements of components), yield and rule 7 (offsetting)."""

from tests.mrp.builders import exceptions, orders, plan


def test_each_bom_line_is_rounded_on_its_own_then_lines_add_up():
    result = plan(
        items="""
            item_id,type,attrition_pct,setup_loss_qty
            P,make,0,0
            C,buy,2,25
        """,
        bom="""
            parent_id,child_id,qty_per,attrition_pct,setup_loss_qty
            P,C,1,,
            P,C,3,0,0
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,K,P,2026-12-01,101
        """,
    )
    # line 1: ceil(101 x 1 x 1.02) = 104, + 25 setup loss = 129; line 2: 303 exactly.
    assert orders(result, "C") == [("", 432.0, "2026-12-01", "2026-12-01")]


def test_decimal_units_are_not_rounded():
    result = plan(
        items="""
            item_id,type,uom
            P,make,pcs
            PASTE,buy,kg
        """,
        bom="""
            parent_id,child_id,qty_per
            P,PASTE,0.013
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,K,P,2026-12-01,101
        """,
    )
    [(_, qty, _, _)] = orders(result, "PASTE")
    assert abs(qty - 1.313) < 1e-9


def test_bom_lines_apply_to_orders_released_within_their_validity():
    result = plan(
        items="""
            item_id,type,lead_time_days
            P,make,2
            OLD,buy,0
            NEW,buy,0
        """,
        bom="""
            parent_id,child_id,qty_per,valid_from,valid_to
            P,OLD,1,,2026-12-05
            P,NEW,1,2026-12-05,
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,K,P,2026-12-06,10
            D2,K,P,2026-12-07,20
        """,
    )
    # released Dec 4 (before the change): OLD; released Dec 5 (valid_to is exclusive): NEW.
    assert orders(result, "OLD") == [("", 10.0, "2026-12-04", "2026-12-04")]
    assert orders(result, "NEW") == [("", 20.0, "2026-12-05", "2026-12-05")]


def test_yield_raises_what_is_started_and_components_follow_the_started_quantity():
    result = plan(
        items="""
            item_id,type,yield_pct
            P,make,95
            C,buy,100
        """,
        bom="""
            parent_id,child_id,qty_per
            P,C,2
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            D1,K,P,2026-12-01,100
        """,
    )
    # ceil(100 / 0.95) = 106 started; 212 components.
    assert orders(result, "P") == [("K", 106.0, "2026-12-01", "2026-12-01")]
    assert orders(result, "C") == [("", 212.0, "2026-12-01", "2026-12-01")]


def test_planned_work_orders_need_components_on_their_start_and_released_ones_do_not():
    result = plan(
        items="""
            item_id,type
            P,make
            C,buy
        """,
        bom="""
            parent_id,child_id,qty_per
            P,C,3
        """,
        work_orders="""
            wo_id,item_id,quantity_open,start_date,due_date,status
            W1,P,10,2026-11-01,2026-12-01,planned
            W2,P,10,2026-12-02,2026-12-04,planned
            W3,P,10,2026-11-20,2026-11-30,released
        """,
    )
    # W1 started before as_of: its components are needed today.
    assert orders(result, "C") == [("", 30.0, "2026-11-23", "2026-11-23"), ("", 30.0, "2026-12-02", "2026-12-02")]


def test_buy_lead_time_comes_from_the_cheapest_offer_at_its_minimum_ties_to_the_shorter():
    result = plan(
        items="""
            item_id,type,lead_time_days
            A,buy,5
            B,buy,5
        """,
        suppliers="""
            supplier_id
            S1
            S2
            S3
        """,
        supplier_offers="""
            supplier_id,item_id,mpn,lead_time_days,min_order_qty,break_qty,unit_price
            S1,A,A-1,30,0,1,1.00
            S1,A,A-1,30,0,1000,0.80
            S2,A,A-2,60,1000,1,0.85
            S2,B,B-2,60,1000,1,0.85
            S3,B,B-3,20,0,1000,0.85
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            DA,K,A,2027-03-01,10
            DB,K,B,2027-03-01,10
        """,
    )
    # A: S1 pays 1.00 at its entry quantity (1), S2 0.85 at 1,000 -> 60 days. B: 0.85 both -> shorter, 20 days.
    assert orders(result, "A") == [("", 10.0, "2026-12-31", "2027-03-01")]
    assert orders(result, "B") == [("", 10.0, "2027-02-09", "2027-03-01")]
    assert exceptions(result, "no_offer") == []


def test_a_buy_item_no_supplier_offers_is_reported():
    result = plan(
        items="""
            item_id,type,lead_time_days
            A,buy,5
            B,buy,5
        """,
        suppliers="""
            supplier_id
            S1
        """,
        supplier_offers="""
            supplier_id,item_id,mpn,lead_time_days,break_qty,unit_price
            S1,A,A-1,30,1,1.00
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity
            DB,K,B,2027-03-01,10
        """,
    )
    assert exceptions(result, "no_offer") == [("B", "B", "2027-03-01", 10.0)]
