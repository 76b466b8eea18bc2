"""Same input, same plan: how far the stage gets is set by its work limit, not by the clock or the load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from connectors.dataset import read_dataset
from mrp.engine import plan_mrp
from optimizer.purchasing import PurchasingResult, optimize_purchasing
from optimizer.purchasing.budget import WORK_PER_SECOND
from tests.optimizer.purchasing.builders import offer, run

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data" / "ems_factory"


@pytest.fixture(scope="module")
def sample_inputs() -> dict:
    dataset, _ = read_dataset(SAMPLE, today=date(2026, 1, 1))
    mrp = plan_mrp(dataset, purchasing_inputs=True, sequencing_inputs=False)
    return {"requirements": mrp.net_requirements, "planned_orders": mrp.planned_orders[mrp.planned_orders["type"] == "buy"],
            "offers": dataset.supplier_offers, "suppliers": dataset.suppliers, "items": dataset.items,
            "settings": dataset.settings, "requirement_pegs": mrp.requirement_pegs}


def _plan(inputs: dict) -> PurchasingResult:
    # 3 s of work: the limit binds on the sample; the wall-clock safety net (600 s) does not.
    return optimize_purchasing(inputs["requirements"], inputs["planned_orders"], inputs["offers"], inputs["suppliers"],
                               inputs["items"], inputs["settings"], requirement_pegs=inputs["requirement_pegs"],
                               time_limit_s=600.0, work_limit=3 * WORK_PER_SECOND, workers=2)


@contextmanager
def _both_cores_busy() -> Iterator[None]:
    """Two processes spinning until the block ends: threads finish in another order, solvers run slower."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def test_the_sample_plans_byte_identically_on_an_idle_and_a_saturated_machine(sample_inputs):
    quiet = _plan(sample_inputs)
    with _both_cores_busy():
        loaded = _plan(sample_inputs)
    assert quiet.summary["stopped_by"] == "work_limit"
    assert loaded.summary["stopped_by"] == "work_limit"
    assert quiet.summary["work_used"] == loaded.summary["work_used"]
    assert quiet.suggestions.to_csv(index=False) == loaded.suggestions.to_csv(index=False)
    pd.testing.assert_frame_equal(quiet.exceptions, loaded.exceptions)
    pd.testing.assert_frame_equal(quiet.coverage, loaded.coverage)


def test_the_summary_says_when_the_wall_clock_cut_the_work_short():
    # Two items coupled by S's minimum order value form one exact block; its lot-sizing plan misses the
    # minimum, so only the MILP can plan it, and a time limit of a microsecond leaves it unsolved.
    needs = {"X": {20: 10}, "Y": {40: 10}}
    offers = [offer("S", "X", 5, [(1, 5.0)]), offer("S", "Y", 5, [(1, 5.0)]),
              offer("T", "X", 5, [(1, 8.0)]), offer("T", "Y", 5, [(1, 8.0)])]
    result = run(needs, *offers, min_order_value={"S": 100.0}, mrp_lead_time_days=5, time_limit_s=1e-6,
                 work_limit=1e12)
    assert result.summary["stopped_by"] == "wall_clock"
    assert result.summary["status"] == "fallback"
    assert result.summary["optimised_cost"] == pytest.approx(result.summary["mrp_cost"])
