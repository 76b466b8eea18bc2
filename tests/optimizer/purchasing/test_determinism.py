"""Same input, same plan: what is solved, and how far, is set by work budgets, not by the clock."""

from __future__ import annotations

import pandas as pd
import pytest

from mrp.dataset import PlanSettings
from optimizer.purchasing import optimize_purchasing
from tests.benchmarks.bench_purchasing import AS_OF, generate
from tests.optimizer.purchasing.builders import offer, run


def _plan() -> tuple[pd.DataFrame, dict]:
    data = generate(10, seed=3)
    result = optimize_purchasing(data["requirements"], data["planned_orders"], data["supplier_offers"],
                                 data["suppliers"], data["items"], PlanSettings(as_of=AS_OF), time_limit_s=8.0,
                                 workers=2)
    return result.suggestions, result.summary


def test_two_runs_on_the_same_input_give_identical_suggestions():
    first, summary = _plan()
    second, _ = _plan()
    assert not summary["stopped_by_wall_clock"]
    assert summary["saving"] > 0
    pd.testing.assert_frame_equal(first, second)


def test_the_summary_says_when_the_wall_clock_cut_the_work_short():
    # Two items coupled by S's minimum order value form one exact block; its lot-sizing plan misses the
    # minimum, so only the MILP can plan it, and a time limit of a microsecond leaves it unsolved.
    needs = {"X": {20: 10}, "Y": {40: 10}}
    offers = [offer("S", "X", 5, [(1, 5.0)]), offer("S", "Y", 5, [(1, 5.0)]),
              offer("T", "X", 5, [(1, 8.0)]), offer("T", "Y", 5, [(1, 8.0)])]
    result = run(needs, *offers, min_order_value={"S": 100.0}, mrp_lead_time_days=5, time_limit_s=1e-6)
    assert result.summary["stopped_by_wall_clock"]
    assert result.summary["status"] == "fallback"
    assert result.summary["optimised_cost"] == pytest.approx(result.summary["mrp_cost"])
