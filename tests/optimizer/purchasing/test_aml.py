"""Customers' approved manufacturer lists: a need is bought only with an MPN its customers accept.

Offers S1 (MPN M1, 1.00 a unit) and S2 (MPN M2, 1.20), lead 5; needs ordered to arrive on their
day cost only their price (no holding, order_cost 0).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.purchasing.aml import prorate
from tests.optimizer.purchasing.builders import lines, offer, run

OFFERS = (offer("S1", "X", 5, [(1, 1.0)], mpn="M1"), offer("S2", "X", 5, [(1, 1.2)], mpn="M2"))


def test_two_customers_with_different_lists_split_the_requirement():
    # Day 10: 100, 60 for C1 (accepts only M2) and 40 for C2 (accepts only M1): C1's 60 from S2 at
    # 1.20 = 72, C2's 40 from S1 at 1.00 = 40. Plain MRP's order of 100 is shared the same way: 112 too.
    result = run({"X": {10: 100}}, *OFFERS, mrp_lead_time_days=5, pegs={"X": {10: {"C1": 60, "C2": 40}}},
                 approved=[("C1", "X", "M2"), ("C2", "X", "M1")])
    assert lines(result) == [("X", "S1", 40.0, 5, False), ("X", "S2", 60.0, 5, False)]
    assert result.summary["optimised_cost"] == pytest.approx(112.0)
    assert result.summary["mrp_cost"] == pytest.approx(112.0)
    s = result.suggestions.set_index("mpn")
    assert s.at["M2", "reason"].startswith("AML: customer C1 accepts only MPN M2")
    assert s.at["M1", "reason"].startswith("AML: customer C2 accepts only MPN M1")
    assert s.at["M2", "customers"] == "C1" and s.at["M1", "customers"] == "C2"
    assert result.exceptions.empty
    cover = result.coverage
    assert list(cover.item_id) == ["X"] and cover.quantity.sum() == pytest.approx(100.0)


def test_without_approved_rows_the_cheapest_offer_buys_it_all():
    result = run({"X": {10: 100}}, *OFFERS, mrp_lead_time_days=5, pegs={"X": {10: {"C1": 60, "C2": 40}}})
    assert lines(result) == [("X", "S1", 100.0, 5, False)]
    assert "AML" not in result.suggestions.reason.iloc[0]


def test_a_customer_without_rows_and_one_with_rows_each_get_their_part():
    # C2 has no rows (any MPN): its 70 from the cheaper S1; C1's 30 only from M2.
    result = run({"X": {10: 100}}, *OFFERS, mrp_lead_time_days=5, pegs={"X": {10: {"C1": 30, "C2": 70}}},
                 approved=[("C1", "X", "M2")])
    assert lines(result) == [("X", "S1", 70.0, 5, False), ("X", "S2", 30.0, 5, False)]
    assert result.summary["optimised_cost"] == pytest.approx(70.0 + 36.0)


def test_a_need_no_approved_offer_can_cover_is_short_and_reported():
    # C1 accepts only M9, which nobody offers: its 30 is not bought with M1 or M2.
    result = run({"X": {10: 100}}, *OFFERS, mrp_lead_time_days=5, pegs={"X": {10: {"C1": 30, "C2": 70}}},
                 approved=[("C1", "X", "M9")])
    assert lines(result) == [("X", "S1", 70.0, 5, False)]
    kinds = result.exceptions.set_index("type")
    assert kinds.at["no_approved_offer", "quantity"] == 30.0
    message = kinds.at["no_approved_offer", "message"]
    assert "C1" in message and "M9" in message and "S1 M1" in message and "S2 M2" in message
    assert kinds.at["shortage", "quantity"] == 30.0
    assert result.summary["shortage_qty"] == 30.0


def test_counted_parts_are_whole_units_with_the_largest_remainder_first():
    assert prorate(10, [1, 2], True) == [3.0, 7.0]
    assert prorate(1, [1, 1], True) == [1.0, 0.0]
    assert prorate(1, [1, 3], False) == [0.25, 0.75]


CUSTOMERS = ("C1", "C2", "C3")
MPNS = ("M1", "M2", "M3")


@st.composite
def instances(draw):
    offers = [offer(f"S{k}", "X", draw(st.integers(0, 6)), [(1, draw(st.sampled_from([1.0, 1.5, 2.0])))],
                    mpn=MPNS[k], order_multiple=draw(st.sampled_from([1.0, 5.0]))) for k in range(3)]
    days = draw(st.lists(st.integers(3, 30), min_size=1, max_size=3, unique=True))
    pegs = {d: {c: float(draw(st.integers(1, 20))) for c in draw(st.lists(st.sampled_from(CUSTOMERS), min_size=1,
                                                                          max_size=3, unique=True))} for d in days}
    approved = draw(st.lists(st.tuples(st.sampled_from(CUSTOMERS), st.just("X"), st.sampled_from((*MPNS, "M9"))), unique=True,
                             max_size=5))
    return offers, pegs, approved


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_no_line_uses_an_mpn_a_customer_it_serves_has_not_approved(instance):
    offers, pegs, approved = instance
    needs = {d: sum(by.values()) for d, by in pegs.items()}
    result = run({"X": needs}, *offers, pegs={"X": pegs}, approved=approved, work_limit=50_000)
    accepted: dict[str, set[str]] = {}
    for customer, _, mpn in approved:
        accepted.setdefault(customer, set()).add(mpn)
    for mpn, customers in zip(result.suggestions.mpn, result.suggestions.customers):
        for customer in filter(None, customers.split("; ")):
            assert customer not in accepted or mpn in accepted[customer]
    bought = result.suggestions.quantity.sum()
    short = result.exceptions.loc[result.exceptions.type == "shortage", "quantity"].sum()
    assert bought + short >= sum(needs.values()) - 1e-6
    blocked = sum(q for by in pegs.values() for c, q in by.items() if c in accepted and not accepted[c] & set(MPNS))
    assert short == pytest.approx(blocked)
