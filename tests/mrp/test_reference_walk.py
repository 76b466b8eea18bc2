"""The compiled walk against the plain reference walk (tests/mrp/reference_walk.py), and the
rules one at a time on two or three lots, quantities worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from connectors.dataset import read_dataset
from mrp import engine
from mrp.codes import FOQ, L4L, POQ
from mrp.dataset import Dataset
from mrp.walk import N_COUNTERS, N_EXPEDITES, _first_day_below, draw, draw_pool, expedite, offset_lead_time
from mrp.walk import (order_quantity, poq_shortfall, quantity_started, receive_open_orders, receive_reels,
                      restore_safety_stock)
from tests.mrp.builders import AS_OF, factories
from tests.mrp.reference_walk import ItemWalk, Lot, Requirement, Rows, peg, reference_walk

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
TABLES = ("planned_orders", "exceptions", "pegging", "mrp_records", "net_requirements", "requirement_pegs",
          "material")


def _same_plan_both_walks(ds: Dataset) -> None:
    for pegging in (True, False):
        compiled = engine.plan_mrp(ds, pegging=pegging)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(engine, "_walk", reference_walk)
            reference = engine.plan_mrp(ds, pegging=pegging)
        for name in TABLES:
            left, right = getattr(compiled, name), getattr(reference, name)
            if left is None:
                assert right is None, name
                continue
            pd.testing.assert_frame_equal(left, right, check_exact=True, obj=f"{name} (pegging={pegging})")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories())
def test_random_factories_plan_the_same_with_the_reference_walk(ds: Dataset):
    _same_plan_both_walks(ds)


@pytest.mark.parametrize("name", ["gateway", "ems_factory"])
def test_bundled_datasets_plan_the_same_with_the_reference_walk(name: str):
    ds, _ = read_dataset(SAMPLES / name, as_of=AS_OF)
    _same_plan_both_walks(ds)


def _reel(gid: int, qty: float, rank: int, pool: int = 0, day: int = 0) -> Lot:
    return Lot(gid, pool, day, qty, rank, True, False, day, qty)


def _open_order(gid: int, qty: float, day: int, rank: int, pool: int = 0) -> Lot:
    return Lot(gid, pool, day, qty, rank, False, True, day, qty)


def _requirement(qty: float, cust: int = 0, day: int = 0) -> Requirement:
    return Requirement(0, day, qty, cust, 100, -1, [[7, 0, qty]], 0, qty)


def _walk(lots: list[Lot], safety: float = 0.0, lead: int = 0, pools=(0,)) -> ItemWalk:
    return ItemWalk(lots, list(pools), safety, lead, True, True)


def test_rule_5_the_company_pool_is_drawn_down_to_safety_stock_only():
    walk = _walk([_reel(0, 50, 1)], safety=20)
    walk.receive(0)
    drawn = walk.draw(_requirement(40), 0, 40.0, 0, Rows())
    assert drawn == 30.0 and walk.balance[0] == 20.0


def test_rule_5_reels_are_drawn_by_id_before_receipts_by_arrival():
    rows = Rows()
    walk = _walk([_reel(0, 30, 2), _reel(1, 30, 1), _open_order(2, 100, 0, 3)])
    walk.receive(0)
    walk.draw(_requirement(70), 0, 70.0, 0, rows)
    # reel rank 1 (30), reel rank 2 (30), then 10 of the receipt
    assert [(lot, qty) for lot, _, _, qty in rows.pieces] == [(1, 30.0), (0, 30.0), (2, 10.0)]


def test_rule_6a_an_open_order_within_the_lead_time_is_pulled_in_whole():
    rows = Rows()
    walk = _walk([_open_order(0, 80, 5, 1), _open_order(1, 50, 9, 2)], lead=6)
    walk.receive(2)
    short = walk.expedite(0, 30.0, 2, rows)
    # the order due day 5 is within day 2 + 6 and covers 30 with 50 to spare; day 9 is beyond
    assert short == -50.0 and rows.expedites == [(0, 2)] and walk.balance[0] == 80.0
    assert [lot.gid for lot in walk.pending[0]] == [1]


@pytest.mark.parametrize("short, rule, lot_size, moq, multiple, counted, expected", [
    (30.0, FOQ, 50.0, 0.0, 0.0, True, 50.0),  # one lot of 50
    (70.0, FOQ, 50.0, 0.0, 0.0, True, 100.0),  # two lots
    (10.0, L4L, 0.0, 40.0, 25.0, True, 50.0),  # minimum 40, then a multiple of 25
    (12.5, L4L, 0.0, 0.0, 0.0, True, 13.0),  # counted: whole units, rounded up
    (12.5, L4L, 0.0, 0.0, 0.0, False, 12.5),  # measured: as is
])
def test_rule_6b_order_quantity(short, rule, lot_size, moq, multiple, counted, expected):
    assert order_quantity(short, 0.0, rule, lot_size, moq, multiple, counted) == expected


def test_rule_6b_poq_adds_the_later_shortfalls_of_the_period():
    assert order_quantity(20.0, 35.0, POQ, 0.0, 0.0, 0.0, True) == 55.0


@pytest.mark.parametrize("receipt, is_make, yield_pct, counted, expected", [
    (95.0, True, 95.0, True, 100.0),  # 95 / 0.95 is 100 up to floating-point noise: not 101
    (10.0, True, 80.0, True, 13.0),  # 12.5 started, rounded up
    (10.0, True, 80.0, False, 12.5),  # measured: as is
    (10.0, False, 80.0, True, 10.0),  # a buy item has no yield
])
def test_rule_6b_a_make_order_starts_its_receipt_divided_by_the_yield(receipt, is_make, yield_pct, counted, expected):
    assert quantity_started(receipt, is_make, yield_pct, counted) == expected


def test_rule_7_release_is_due_less_lead_time_and_a_late_release_arrives_a_lead_time_after_as_of():
    assert offset_lead_time(10, 4) == (6, 10)
    assert offset_lead_time(2, 5) == (-3, 5)  # released on as_of (day 0), so not before day 5


def test_rule_6_safety_stock_is_restored_on_as_of_only():
    assert restore_safety_stock(0, 30.0, 50.0) == 20.0
    assert restore_safety_stock(3, 30.0, 50.0) == 0.0
    assert restore_safety_stock(0, 60.0, 50.0) == 0.0


def test_rule_8_an_open_order_is_needed_when_the_balance_without_it_falls_below_the_floor():
    others = np.array([0], np.int64)  # a reel of 100 on day 0
    arrival, qty = np.array([0, 4]), np.array([100.0, 60.0])
    flow_day, flow_qty = np.array([3, 6]), np.array([80.0, 30.0])
    flows = np.array([0, 1], np.int64)
    none = np.zeros(0, np.int64)
    # 100, then 20 on day 3, then -10 on day 6
    assert _first_day_below(others, none, arrival, qty, flows, flow_day, flow_qty, 0.0) == 6
    # with 25 of safety stock the company pool is short already on day 3
    assert _first_day_below(others, none, arrival, qty, flows, flow_day, flow_qty, 25.0) == 3
    # an earlier open order of 60 on day 4 carries the pool past day 6
    assert _first_day_below(others, np.array([1], np.int64), arrival, qty, flows, flow_day, flow_qty, 0.0) == -1


def test_rule_9_a_draw_is_pegged_to_the_requirements_demands_first_come_first_served():
    req = Requirement(0, 0, 80.0, 0, 100, -1, [[0, 0, 30.0], [1, 0, 50.0]], 0, 30.0)
    pieces: list = []
    peg(req, 5, 60.0, pieces)
    assert pieces == [(5, 0, 0, 30.0), (5, 1, 0, 30.0)] and (req.pos, req.left) == (1, 20.0)
    peg(req, 6, 40.0, pieces)
    # 20 finishes demand 1; the 20 left over serves no demand
    assert pieces[2:] == [(6, 1, 0, 20.0), (6, -1, -1, 20.0)]


def _ints(*values) -> np.ndarray:
    return np.array(values, np.int64)


def test_rule_6_the_days_receipts_join_their_pools_and_draw_queues():
    # lot 0: an open order of 40 arriving on day 3 (id rank 2); lot 1: a reel of 25 on hand (id rank 1)
    balance = np.zeros(1)
    pend_head, pend_end = _ints(0), _ints(1)
    la_arr, la_qty, la_pool, la_key, la_rank = _ints(3, 0), np.array([40.0, 25.0]), _ints(0, 0), _ints(0, 0), _ints(2, 1)
    q = _ints(-1, -1)  # the pool's reels in q[0:1], its receipts in q[1:2]
    rq_head, rq_end, cq_head, cq_end = _ints(0), _ints(0), _ints(1), _ints(1)
    m_key = 7

    def day(d: int, reel_head: int) -> int:
        receive_open_orders(d, balance, _ints(0), 1, _ints(0), pend_head, pend_end, la_arr, la_qty, la_key, la_rank,
                            m_key, q, cq_head, cq_end, True)
        return receive_reels(d, balance, _ints(1), reel_head, 1, la_arr, la_qty, la_pool, la_key, la_rank, q, rq_head,
                             rq_end, True)

    reel_head = day(0, 0)
    assert reel_head == 1 and balance[0] == 25.0 and list(q) == [1, -1] and rq_end[0] == 1 and pend_head[0] == 0
    assert day(3, reel_head) == 1
    # the open order is received on its arrival day, keyed by arrival then id
    assert balance[0] == 65.0 and list(q) == [1, 0] and cq_end[0] == 2 and la_key[0] == 3 * m_key + 2


def test_rule_5_and_6_a_requirement_draws_its_customers_pool_then_the_company_pool_down_to_safety_stock():
    # customer 1 holds 10, the company 50 with 20 of safety stock: 10 + 30 of 45, short 5
    assert draw(1, 10.0, 50.0, 45.0, 20.0) == (10.0, 30.0)
    # a company requirement does not touch a customer's pool
    assert draw(0, 10.0, 50.0, 45.0, 20.0) == (0.0, 30.0)
    # a customer's pool is drawn down to zero; nothing is taken below the floor
    assert draw_pool(2, 15.0, 40.0, 20.0) == 15.0
    assert draw_pool(0, 20.0, 5.0, 20.0) == 0.0


def test_rule_6a_the_compiled_expedite_pulls_in_whole_orders_due_within_the_lead_time():
    # lot 0: 80 due day 5, lot 1: 50 due day 9; short 30 on day 2 with a lead time of 6
    balance = np.zeros(1)
    pend_head = _ints(0)
    la_arr, la_avail, la_exp = _ints(5, 9), _ints(5, 9), np.zeros(2, np.bool_)
    la_key, q, cq_head, cq_end = _ints(0, 0), _ints(-1, -1), _ints(0), _ints(0)
    e_lot, e_day, cnt = _ints(-1, -1), _ints(-1, -1), np.zeros(N_COUNTERS, np.int64)
    short = expedite(0, 30.0, 2, 6, balance, _ints(0, 1), pend_head, _ints(2), la_arr, np.array([80.0, 50.0]),
                     la_avail, la_exp, _ints(100, 101), la_key, _ints(1, 2), 5, q, cq_head, cq_end, e_lot, e_day, cnt,
                     True)
    # the order due day 5 covers 30 with 50 to spare and now arrives today; day 9 is beyond the lead time
    assert short == -50.0 and balance[0] == 80.0 and pend_head[0] == 1
    assert la_arr[0] == 2 and la_avail[0] == 2 and la_exp[0] and not la_exp[1]
    assert cnt[N_EXPEDITES] == 1 and (e_lot[0], e_day[0]) == (100, 2) and cq_end[0] == 1 and q[0] == 0


def test_rule_6b_the_poq_look_ahead_runs_the_same_receipts_draws_and_expedites():
    # Days 0, 2, 4, 10; requirements 30, 20, 25, 99 on them; a POQ period of 7 looks at days 2 and 4.
    # Lot 0: an open order of 10 due day 4; lot 1: a reel of 5 arriving day 2; lead time 3.
    days, day_start, day_end = _ints(0, 2, 4, 10), _ints(0, 1, 2, 3), _ints(1, 2, 3, 4)
    r_qty, r_cust, r_pri = np.array([30.0, 20.0, 25.0, 99.0]), _ints(0, 0, 0, 0), _ints(100, 100, 100, 100)
    balance, pend_head = np.array([-30.0]), _ints(0)
    ahead = poq_shortfall(0, 0, 7, days, day_start, day_end, r_qty, r_cust, r_pri, balance, 0.0, True, 3, _ints(0), 1,
                          _ints(0), pend_head, _ints(1), _ints(1), 0, 1, _ints(4, 2), np.array([10.0, 5.0]), _ints(0, 0),
                          np.zeros(1, np.bool_), _ints(0))
    # today's shortfall covered, the pool starts at 0. Day 2: the reel's 5 is drawn, 15 short; the open
    # order (due day 4, within 2 + 3) is pulled in and covers 10: 5 short. Day 4: 25 short. Day 10 is
    # past the period.
    assert ahead == 30.0
    # the walk's own balances and cursors are left as they were
    assert balance[0] == -30.0 and pend_head[0] == 0
