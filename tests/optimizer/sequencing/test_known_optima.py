"""The circuit core against published optima: makespan on upmsp_sdst_small instances
(unrelated machines, sequence-dependent setups; tests/data/upmsp_sdst_small)."""

from __future__ import annotations

import pytest

from optimizer.sequencing.greedy import greedy_schedule
from optimizer.sequencing.model import solve
from optimizer.sequencing.timetable import timetable

from .upmsp import BENCHMARKS, published_optima, read_instance

INSTANCES = ["I_6_2_S_1-9_1.txt", "I_8_3_S_1-49_4.txt", "I_10_2_S_1-124_3.txt"]


@pytest.mark.parametrize("name", INSTANCES)
def test_makespan_matches_the_published_optimum(name):
    data = read_instance(BENCHMARKS / name)
    result = solve(data, greedy_schedule(data)[0], deterministic_time=20.0, wall_time=60.0, num_workers=2, makespan=True)
    assert result.status == "OPTIMAL"
    assert timetable(data, result.sequences).makespan == published_optima()[name]
