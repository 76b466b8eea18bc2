"""Rule 1: forecast consumption, past-due orders, expired forecast, the horizon."""

from mrp.demand import consume_forecast
from mrp.exceptions import ExceptionLog

from tests.mrp.builders import dataset

ITEMS = """
item_id,type
A,buy
"""


def independent(demand_csv: str, **settings) -> tuple[dict[str, tuple[int, float]], ExceptionLog]:
    ds = dataset(settings, items=ITEMS, demand=demand_csv)
    log = ExceptionLog()
    result = consume_forecast(ds.demand, ds.settings, log)
    return {d: (day, qty) for d, day, qty in zip(result["demand_id"], result["day"].tolist(),
                                                result["quantity"].tolist())}, log


def logged(log: ExceptionLog) -> list[tuple[str, str, int, float]]:
    """(type, ref_id, day, quantity) of every message, single rows first, then the columns."""
    rows = [(r[0], r[2], r[3], r[4]) for r in log.rows]
    for c in log.columns:
        rows += zip(c["type"].tolist(), c["ref_id"].tolist(), c["day"].tolist(), c["quantity"].tolist())
    return rows


def test_an_order_consumes_backwards_first_its_own_date_included():
    # day 8 = Dec 1, day 17 = Dec 10, day 27 = Dec 20
    demand, _ = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        F1,C,A,2026-12-01,100,forecast
        F2,C,A,2026-12-10,100,forecast
        F3,C,A,2026-12-20,100,forecast
        O1,C,A,2026-12-10,150,order
    """)
    # O1 takes F2 (same date) whole, then 50 of F1; F3 lies forward and is untouched.
    assert demand == {"F1": (8, 50.0), "O1": (17, 150.0), "F3": (27, 100.0)}


def test_then_forwards_earliest_first():
    demand, _ = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        F0,C,A,2026-11-25,100,forecast
        F4,C,A,2026-12-05,100,forecast
        F5,C,A,2026-12-03,100,forecast
        O2,C,A,2026-12-01,250,order
    """)
    # backwards: F0 100; forwards: F5 (Dec 3) 100, then 50 of F4 (Dec 5).
    assert demand == {"O2": (8, 250.0), "F4": (12, 50.0)}


def test_window_ends_are_included_and_nothing_beyond():
    # O on 2027-01-02 (day 40); back window starts 2026-12-03 (day 10), forward ends 2027-02-01 (day 70)
    demand, _ = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        FB_OUT,C,A,2026-12-02,10,forecast
        FB_IN,C,A,2026-12-03,10,forecast
        FF_IN,C,A,2027-02-01,10,forecast
        FF_OUT,C,A,2027-02-02,10,forecast
        O,C,A,2027-01-02,100,order
    """)
    assert demand == {"FB_OUT": (9, 10.0), "O": (40, 100.0), "FF_OUT": (71, 10.0)}


def test_same_date_forecasts_go_by_priority_then_id():
    demand, _ = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind,priority
        FB,C,A,2026-12-10,100,forecast,1
        FA,C,A,2026-12-10,100,forecast,2
        O,C,A,2026-12-10,60,order,100
    """)
    assert demand == {"FB": (17, 40.0), "FA": (17, 100.0), "O": (17, 60.0)}


def test_orders_consume_in_date_order_and_only_their_own_customers_forecast():
    demand, _ = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        F,C,A,2026-12-10,100,forecast
        G,D,A,2026-12-10,100,forecast
        O_LATE,C,A,2026-12-12,80,order
        O_EARLY,C,A,2026-12-08,50,order
    """)
    # O_EARLY (Dec 8) looks backwards first (nothing), then forwards: 50 of F; O_LATE takes the other 50.
    assert demand == {"G": (17, 100.0), "O_EARLY": (15, 50.0), "O_LATE": (19, 80.0)}


def test_past_due_orders_move_to_as_of_and_expired_forecast_is_dropped():
    demand, log = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        FOLD,C,A,2026-11-01,100,forecast
        FOLD2,C,A,2026-11-10,100,forecast
        OPAST,C,A,2026-11-20,30,order
    """)
    # consumption on original dates: OPAST takes 30 of FOLD2; both forecasts have expired.
    assert demand == {"OPAST": (0, 30.0)}
    assert logged(log) == [("past_due", "OPAST", -3, 30.0)]


def test_demand_beyond_the_horizon_is_dropped_and_reported():
    demand, log = independent("""
        demand_id,customer_id,item_id,due_date,quantity,kind
        IN,C,A,2026-12-03,5,order
        EDGE,C,A,2026-12-13,5,order
        OUT,C,A,2026-12-14,7,order
    """, horizon_days=20)
    assert demand == {"IN": (10, 5.0), "EDGE": (20, 5.0)}
    assert logged(log) == [("beyond_horizon", "OUT", 21, 7.0)]
