"""Last-time buys in purchasing: one line on or before the date covers every later need.

One offer S1 (lead 5, 1.00 a unit, order multiple 25), so MRP's lead time of X is 5. The
last-time-buy date is day 10: needs after day 10 + 5 = 15 would be ordered after it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.optimizer.purchasing.builders import day, lines, offer, run

HOLDING_PER_DAY = 0.25 / 365
S1 = offer("S1", "X", 5, [(1, 1.0)], order_multiple=25)


def test_one_line_by_the_date_covers_the_three_later_needs():
    # Needs 10 (day 8), 30 (day 20), 40 (day 30), 50 (day 40). The last three (120) are bought in one
    # line of 125 ordered on day 10, arriving day 15: held 5, 15 and 25 days, and 5 units to the
    # horizon end (365 days, from day 15: 350 days). Day 8's 10 is bought as 25 on day 3, 15 held to
    # the horizon end (357 days).
    result = run({"X": {8: 10, 20: 30, 30: 40, 40: 50}}, S1, mrp_lead_time_days=5, last_time_buy={"X": 10})
    assert lines(result) == [("X", "S1", 25.0, 3, False), ("X", "S1", 125.0, 10, False)]
    ltb_cost = 125 + HOLDING_PER_DAY * (30 * 5 + 40 * 15 + 50 * 25 + 5 * 350)
    first_cost = 25 + HOLDING_PER_DAY * 15 * 357
    assert result.summary["optimised_cost"] == pytest.approx(ltb_cost + first_cost)
    assert result.summary["mrp_cost"] == pytest.approx(ltb_cost + first_cost)
    ltb = result.exceptions.loc[result.exceptions.type == "last_time_buy"]
    assert list(ltb.quantity) == [125.0] and list(ltb.date) == [day(10)]
    assert "value 125.00" in ltb.message.iloc[0] and "3 need date(s)" in ltb.message.iloc[0]
    line = result.suggestions.loc[result.suggestions.quantity == 125.0]
    assert ltb.ref_id.iloc[0] == line.suggestion_id.iloc[0]
    assert line.reason.iloc[0].startswith("last-time buy by")


def test_an_item_without_a_date_is_bought_as_usual():
    result = run({"X": {8: 10, 20: 30, 30: 40, 40: 50}}, S1, mrp_lead_time_days=5)
    assert max(d for *_, d, _ in lines(result)) > 10
    assert "last_time_buy" not in set(result.exceptions.type)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs=st.dictionaries(st.integers(1, 60), st.integers(1, 40), min_size=1, max_size=5),
       last_day=st.integers(0, 40), lead=st.integers(0, 10), multiple=st.sampled_from([1, 10]))
def test_no_line_is_ordered_after_its_last_time_buy_date(needs, last_day, lead, multiple):
    offers = offer("S1", "X", lead, [(1, 1.0), (50, 0.9)], order_multiple=multiple)
    result = run({"X": needs}, offers, mrp_lead_time_days=lead, last_time_buy={"X": last_day}, work_limit=50_000)
    assert all(d <= last_day for *_, d, _ in lines(result))
    later = sum(q for d, q in needs.items() if d > last_day + lead)
    ltb = result.exceptions.loc[result.exceptions.type == "last_time_buy"]
    assert len(ltb) == (1 if later else 0)
    if later:
        assert ltb.quantity.iloc[0] >= later
    assert result.suggestions.quantity.sum() >= sum(needs.values())
