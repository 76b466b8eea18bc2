"""The plan cost of lines of one unit price, costed without a program, equals the program's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.purchasing.cost import Line, _evaluate_batch, evaluate
from optimizer.purchasing.data import CostRates, ItemProblem, Offer

RATES = CostRates(holding_per_day=0.3 / 365, late_per_day=0.2, order_cost=1.5, horizon_days=120)
OFFER = Offer("S", "M", 7, 2, 1.0, 1.0, (1.0,), (2.5,), 0.0, None, 0.0)


@settings(max_examples=60, deadline=None)
@given(needs=st.dictionaries(st.integers(0, 120), st.integers(1, 50), min_size=1, max_size=6),
       lines=st.lists(st.tuples(st.integers(0, 113), st.integers(1, 80)), min_size=1, max_size=6))
def test_one_price_chain_costs_what_the_program_costs(needs, lines):
    days = sorted(needs)
    item = ItemProblem("X", np.array(days), np.array([float(needs[d]) for d in days]), (OFFER,))
    bought = [Line("X", OFFER, False, day, float(q)) for day, q in lines]
    direct = evaluate([item], bought, RATES)
    costs, pairs, shortage = {}, [], []
    _evaluate_batch([item], bought, {"X": list(range(len(bought)))}, RATES, costs, pairs, shortage)
    assert direct.costs["X"].total == pytest.approx(costs["X"].total, rel=1e-9, abs=1e-6)
    assert direct.shortage.quantity.sum() == pytest.approx(sum(q for *_, q in shortage))
