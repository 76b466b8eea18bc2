"""The deterministic work limit, not the wall clock, ends sequencing: a run on a machine
whose cores are saturated gives the same schedule, byte for byte, as a run without load."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import sample_data
from connectors.dataset import read_dataset
from mrp.engine import plan_mrp
from mrp.smt import smt_jobs
from optimizer.sequencing import sequence_jobs

SAMPLE = Path(sample_data.__file__).parent / "ems_factory"
BURNERS = 2  # both cores of the test machines
WORK_LIMIT = 0.3  # deterministic units: a quick solve that the limit, not the clock, ends


@pytest.fixture(scope="module")
def factory():
    """The sample factory's SMT jobs, all in the detailed window (73 jobs on 3 lines)."""
    ds, _ = read_dataset(SAMPLE)
    settings = replace(ds.settings, schedule_horizon_days=ds.settings.horizon_days)
    return smt_jobs(ds, plan_mrp(ds, purchasing_inputs=False)), ds.smt_lines, settings


def sequenced(factory):
    jobs, lines, settings = factory
    result = sequence_jobs(jobs, lines, settings, time_limit_s=120.0, work_limit=WORK_LIMIT)
    assert result.summary["stopped_by"] != "wall_clock"
    return result


def test_the_schedule_does_not_depend_on_the_machine_load(factory):
    quiet = sequenced(factory)
    assert quiet.summary["jobs"] > 50 and quiet.summary["stopped_by"] == "work_limit"
    assert quiet.summary["work_spent"] <= WORK_LIMIT + 0.05  # one step may overrun by its own minimum
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BURNERS)]
    try:
        loaded = sequenced(factory)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert loaded.schedule.to_csv(index=False) == quiet.schedule.to_csv(index=False)
    assert loaded.capacity_load.to_csv(index=False) == quiet.capacity_load.to_csv(index=False)
    assert loaded.summary["cut"] == quiet.summary["cut"]
    assert quiet.summary["cut"].startswith("sequencing stopped at its work limit; ")
