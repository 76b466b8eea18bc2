"""Rejected lines: no line of that offer on that order day, the need covered the next-best way."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.optimizer.purchasing.builders import day, lines, offer, run

HOLDING_PER_DAY = 0.25 / 365  # default holding_rate, per unit of price and day


def rejections(*rows: tuple[str, str, int]) -> pd.DataFrame:
    """(item, supplier, order day) rejected; quantity is present and ignored, as in the pipeline."""
    return pd.DataFrame({"item_id": [r[0] for r in rows], "supplier_id": [r[1] for r in rows],
                         "mpn": [f"{r[0]}-{r[1]}" for r in rows], "quantity": 999.0,
                         "order_date": pd.to_datetime([day(r[2]) for r in rows]).astype("datetime64[ns]")})


OFFERS = (offer("A", "X", 5, [(1, 1.0)]), offer("B", "X", 5, [(1, 1.5)]))


def test_without_rejections_the_cheaper_offer_is_bought_on_time():
    result = run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5)
    assert lines(result) == [("X", "A", 100.0, 0, False)]
    assert result.summary["optimised_cost"] == pytest.approx(100.0)


def test_rejecting_the_cheaper_line_of_an_urgent_need_buys_the_other_offer():
    # Need 100 on day 5, both lead 5: only day 0 is on time. A on day 1 would be 1 day late at
    # late_penalty 1.0 a day: 100 + 100 = 200 > B on day 0: 150. Plain MRP (unconstrained) costs 100.
    result = run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5, rejected=rejections(("X", "A", 0)))
    assert lines(result) == [("X", "B", 100.0, 0, False)]
    assert result.summary["optimised_cost"] == pytest.approx(150.0)
    assert result.summary["mrp_cost"] == pytest.approx(100.0)
    assert result.summary["shortage_qty"] == 0.0


def test_rejecting_a_date_moves_the_line_to_the_nearest_cheaper_date():
    # Need 100 on day 20: A ordered on day 15 arrives on time; rejected, A on day 14 arrives a day
    # early: 100 + 100·0.25/365 (B on day 15 would cost 150, A on day 16 a day late 200).
    result = run({"X": {20: 100}}, *OFFERS, mrp_lead_time_days=5, rejected=rejections(("X", "A", 15)))
    assert lines(result) == [("X", "A", 100.0, 14, False)]
    assert result.summary["optimised_cost"] == pytest.approx(100.0 + 100.0 * HOLDING_PER_DAY)


def test_the_fallback_plan_never_suggests_a_rejected_line():
    # work_limit 0: nothing is optimised, the plain MRP lines are suggested — re-planned without
    # the rejected one. The unconstrained plain MRP plan (A on day 0) is still what mrp_cost reports.
    result = run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5, rejected=rejections(("X", "A", 0)), work_limit=0)
    assert result.summary["stopped_by"] == "work_limit"
    assert lines(result) == [("X", "B", 100.0, 0, False)]
    assert result.summary["optimised_cost"] == pytest.approx(150.0)
    assert result.summary["mrp_cost"] == pytest.approx(100.0)


def test_with_the_only_offer_rejected_on_time_the_need_is_served_late_and_reported():
    # A alone, rejected on day 0: A on day 1 arrives a day late (100 + 100·1.0).
    result = run({"X": {5: 100}}, OFFERS[0], mrp_lead_time_days=5, rejected=rejections(("X", "A", 0)))
    assert lines(result) == [("X", "A", 100.0, 1, False)]
    row = result.suggestions.iloc[0]
    assert (row.days_late, row.late_qty) == (1, 100.0)
    assert result.summary["optimised_cost"] == pytest.approx(200.0)


def test_a_rejection_dated_before_as_of_or_of_another_offer_changes_nothing():
    plain = run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5)
    other = run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5,
                rejected=rejections(("X", "B", 0), ("X", "A", -3)))
    pd.testing.assert_frame_equal(plain.suggestions, other.suggestions)


def test_a_rejections_table_without_order_date_is_refused_with_the_columns_expected():
    bad = rejections(("X", "A", 0)).drop(columns="order_date")
    with pytest.raises(ValueError, match="lack the column.s. order_date; expected item_id, supplier_id, mpn, order_date"):
        run({"X": {5: 100}}, *OFFERS, mrp_lead_time_days=5, rejected=bad)
