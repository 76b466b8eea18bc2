"""Classic MRP (``pegging=False``): the plan a planner acts on, without the pegging.

Without pegging the walk draws and orders exactly as with it — pegging only records whom
each draw serves — so the planned orders, MRP records, messages, net requirements and SMT
draws must equal the pegged run's, value for value and row for row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from connectors.dataset import read_dataset
from mrp.dataset import Dataset
from mrp.engine import plan_mrp
from sample_data.generate import generate_dataset
from tests.mrp.test_properties import factories

ROOT = Path(__file__).parents[2]
SAME = ("planned_orders", "exceptions", "mrp_records", "net_requirements", "material")


def assert_same_plan(ds: Dataset) -> None:
    pegged = plan_mrp(ds)
    classic = plan_mrp(ds, pegging=False)
    for name in SAME:
        pd.testing.assert_frame_equal(getattr(classic, name), getattr(pegged, name), check_exact=True, obj=name)
    assert classic.pegging is None
    assert classic.requirement_pegs.empty
    assert len(pegged.pegging) > 0 or pegged.planned_orders.empty


@pytest.mark.parametrize("folder", ["sample_data/gateway", "sample_data/ems_factory"])
def test_classic_mrp_plans_the_bundled_datasets_as_the_pegged_run_does(folder):
    ds, _ = read_dataset(ROOT / folder, today=date(2026, 11, 23))
    assert_same_plan(ds)


def test_classic_mrp_plans_a_generated_five_level_factory_as_the_pegged_run_does():
    assert_same_plan(generate_dataset(n_items=600, n_demands=800, levels=5, seed=5))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories())
def test_classic_mrp_equals_the_pegged_run_on_random_factories(ds: Dataset):
    assert_same_plan(ds)
