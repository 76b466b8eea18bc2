"""Which demands a suggested line serves: the split by hand, and the same numbers whether the
requirement pegs come as categoricals (as MRP hands them over) or as plain text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.purchasing.aml import Part, split_pegs
from optimizer.purchasing.data import ItemProblem
from optimizer.purchasing import explain
from optimizer.purchasing.explain import _demands, line_demands
from tests.optimizer.purchasing.builders import day, settings

# Item X needs 60 on day 10 and 10 on day 20. Day 10's pegs add up to 100 (stock served the
# other 40), so each is scaled by 60/100; day 20's add up to its need. Line 0 covers 40 of day
# 10, line 1 the other 20 and all of day 20, and 5 beyond all requirements (need day -1).
# Line 2 buys item Z, whose need no demand is pegged to.
ITEMS = {"X": ItemProblem("X", np.array([10, 20]), np.array([60.0, 10.0]), ()),
         "Z": ItemProblem("Z", np.array([10]), np.array([5.0]), ())}
PAIRS = pd.DataFrame({"line": [0, 1, 1, 1, 2], "item_id": ["X", "X", "X", "X", "Z"], "need_day": [10, 10, 20, -1, 10],
                      "quantity": [40.0, 20.0, 10.0, 5.0, 5.0]})
PEGS = [("X", day(10), "D1", "C1", 50.0), ("X", day(10), "D2", "C2", 30.0), ("X", day(10), None, None, 20.0),
        ("X", day(20), "D1", "C1", 4.0), ("X", day(20), "D4", "C1", 6.0), ("Y", day(10), "D9", "C9", 7.0)]


def _pegs(categorical: bool) -> pd.DataFrame:
    frame = pd.DataFrame(PEGS, columns=["item_id", "date", "demand_id", "customer_id", "quantity"])
    if categorical:
        frame = frame.astype({"item_id": "category", "demand_id": "category", "customer_id": "category"})
    return frame


@pytest.mark.parametrize("categorical", [True, False])
@pytest.mark.parametrize("chunk", [1, 2_000_000])  # a line per chunk, or all lines in one
def test_a_line_serves_each_demand_its_share_of_the_need_days_it_covers(categorical, chunk, monkeypatch):
    monkeypatch.setattr(explain, "SERVED_CHUNK", chunk)
    served = line_demands(PAIRS.iloc[::-1], ITEMS, _pegs(categorical), settings())
    # Line 0: 40 of day 10 over 100 pegged: D1 50 × 0.4, D2 30 × 0.4, the peg of no demand 20 × 0.4.
    # Line 1: 20 of day 10 (× 0.2), then day 20 as pegged: D1 10 + 4, D4 6, D2 6, no demand 4.
    # Rows by line, then customer and demand as text ("" first).
    assert [(line, c, d, round(q, 9)) for line, c, d, q in served.itertuples(index=False)] == [
        (0, "", "", 8.0), (0, "C1", "D1", 20.0), (0, "C2", "D2", 12.0),
        (1, "", "", 4.0), (1, "C1", "D1", 14.0), (1, "C1", "D4", 6.0), (1, "C2", "D2", 6.0),
    ]


def test_a_line_lists_its_first_demands_and_customers_then_how_many_more():
    served = line_demands(PAIRS, ITEMS, _pegs(True), settings())
    wide = pd.DataFrame({"line": 2, "customer_id": ["C1"] * 4 + ["C2"] * 3,
                         "demand_id": [f"E{n}" for n in range(7)], "quantity": 1.0})
    demands, customers = _demands(pd.concat([served, wide], ignore_index=True))
    assert demands == {0: "(company)/ 8; C1/D1 20; C2/D2 12",
                       1: "(company)/ 4; C1/D1 14; C1/D4 6; C2/D2 6",
                       2: "C1/E0 1; C1/E1 1; C1/E2 1; C1/E3 1; C2/E4 1; +2 more"}
    assert customers == {0: "(company); C1; C2", 1: "(company); C1; C2", 2: "C1; C2"}


def test_split_pegs_renames_a_split_items_rows_by_customer_and_keeps_codes():
    parts = {"X": [Part("X\x1f1", "X", None, ("", "C2"), np.array([10]), np.array([1.0]), (), ()),
                   Part("X\x1f2", "X", frozenset({"M1"}), ("C1",), np.array([10]), np.array([1.0]), (), ())],
             "Y": [Part("Y", "Y", None, (), np.array([10]), np.array([1.0]), (), ())]}
    renamed = split_pegs(_pegs(True), parts)
    assert isinstance(renamed.item_id.dtype, pd.CategoricalDtype)
    # C1 accepts only M1: its rows go to part 2; C2 and the peg of no customer to the unrestricted part 1.
    assert renamed.item_id.astype(str).tolist() == ["X\x1f2", "X\x1f1", "X\x1f1", "X\x1f2", "X\x1f2", "Y"]
    assert renamed.drop(columns="item_id").equals(_pegs(True).drop(columns="item_id"))
