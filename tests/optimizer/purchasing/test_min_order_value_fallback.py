"""A minimum order value one item cannot meet costs only that item its saving.

Nine items are offered by M (minimum order value 1000), so they form one coupled group
solved in two steps. Eight of them buy ahead from distributor D to reach its price break;
H can only be bought from M, at most 10 units worth 10, so no plan of H meets M's minimum:
H keeps its plain MRP line (its order day is reported short) and the eight keep their savings.
"""

from __future__ import annotations

import pytest

from tests.optimizer.purchasing.builders import lines, offer, run

HOLD = 0.25 / 365
OTHERS = [f"X{n}" for n in range(8)]


def test_an_item_that_cannot_meet_the_minimum_falls_back_alone():
    needs = {item: {10: 500, 40: 500} for item in OTHERS} | {"H": {20: 10}}
    offers = [offer("D", item, 0, [(1, 1.0), (1000, 0.9)]) for item in OTHERS]
    offers += [offer("M", item, 0, [(1, 2.0)]) for item in OTHERS]
    offers.append(offer("M", "H", 0, [(1, 1.0)], max_qty=10))
    result = run(needs, *offers, min_order_value={"M": 1000.0})

    assert lines(result) == [("H", "M", 10.0, 20, False)] + [(item, "D", 1000.0, 10, False) for item in OTHERS]
    each = 900 + 500 * 0.9 * HOLD * 30  # 1000 at the break on day 10, half of it held 30 days
    assert result.summary["optimised_cost"] == pytest.approx(8 * each + 10)
    assert result.summary["mrp_cost"] == pytest.approx(8 * 1000 + 10)
    assert result.summary["fallback_items"] == ["H"]
    assert result.summary["status"] == "fallback"
    assert result.summary["min_order_value_short_days"] == 1
