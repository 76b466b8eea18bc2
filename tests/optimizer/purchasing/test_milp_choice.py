"""Which blocks the MILP is given: the largest possible gain first, none that cannot gain
MIN_MILP_GAIN of the plan's seed cost (figures worked out by hand below)."""

import math

import numpy as np

from optimizer.purchasing.blocks import MIN_MILP_GAIN, _Batch, _worth_solving
from optimizer.purchasing.budget import Budget
from optimizer.purchasing.data import ItemProblem


def _item(item_id: str) -> ItemProblem:
    # one need day, no offers: the MILP's estimated columns are 0 and its costing
    # (one line) 4 × (1 price × 3 × (1 need day + 1 line + 1) + 1 need day) = 40 units
    return ItemProblem(item_id, np.array([10]), np.array([5.0]), ())


SEEDS = {"A": 1_000_000.0, "B": 50.0, "C": 5_000.0, "D": 50.0, "E": 40.0}
BOUNDS = [990_000.0, -math.inf, -math.inf, -math.inf, 39.9]
VALID = {"A": True, "B": True, "C": True, "D": False, "E": True}
BATCHES = [_Batch(f"B{n}", [_item(i)], False, [], VALID[i]) for n, i in enumerate(SEEDS)]


def test_min_milp_gain_is_a_ten_thousandth_of_the_plan():
    assert MIN_MILP_GAIN == 1e-4


def test_blocks_that_cannot_gain_a_ten_thousandth_of_the_plan_are_left_as_they_are():
    # plan seed cost 1,005,140: a block must be able to gain 100.514.
    # A can gain 10,000 (seed − bound); B, without a bound, at most its seed, 50: left;
    # C at most 5,000; D has no plan of its own; E can gain 0.1 (0.25 % of its seed, above mip_gap): left.
    chosen = _worth_solving(BATCHES, SEEDS, BOUNDS, 1e-4, Budget(None, None), math.inf)
    assert chosen == [0, 2, 3]


def test_the_largest_possible_gain_goes_first_when_the_work_is_short():
    # each block's MILP is booked 40 units: 80 buys two blocks, D (no plan of its own) and then A
    # (10,000 against C's 5,000)
    budget = Budget(None, None)
    chosen = _worth_solving(BATCHES, SEEDS, BOUNDS, 1e-4, budget, 80.0)
    assert chosen == [0, 3]
    assert budget.used == 80.0
