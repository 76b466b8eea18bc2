"""Whole schedules: optimal on tiny instances (against exhaustive enumeration), feasible on
random ones (hypothesis), reproducible, never worse than the greedy schedule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.sequencing import sequence_jobs
from optimizer.sequencing.build import build_problem
from optimizer.sequencing.greedy import greedy_schedule
from optimizer.sequencing.model import STALL_STEPS, SolverSettings
from optimizer.sequencing.sequencer import SequencingResult

from .helpers import SETTINGS, day, jobs_table, lines_table, random_instance
from .reference import best_by_enumeration, check_schedule

FEEDERS = tuple("abcdefgh")


def tiny_instance(seed: int, num_jobs: int, num_lines: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jobs of 30–300 minutes over 8–24 h lines, random feeders, due dates, late material,
    a line list now and then and at most one pin."""
    rng = np.random.default_rng(seed)
    lines = lines_table(*({
        "line_id": f"L{k + 1}",
        "placements_per_hour": float(rng.choice([30000, 60000])),
        "feeder_slots": int(rng.choice([3, 6])),
        "hours_per_day": float(rng.choice([8, 16, 24])),
        "changeover_base_minutes": float(rng.choice([10, 25])),
        "minutes_per_feeder_change": float(rng.choice([0.5, 3])),
    } for k in range(num_lines)))
    rows = []
    for j in range(num_jobs):
        item = f"I{int(rng.integers(0, max(2, num_jobs - 2)))}"
        rows.append({
            "job_id": f"J{j}", "item_id": item,
            "quantity": float(rng.integers(1, 11) * 50), "placements_per_board": float(rng.choice([60, 180, 300])),
            "feeders": tuple(sorted(set(rng.choice(FEEDERS, int(rng.integers(1, 5)), replace=False)))),
            "due_date": day(int(rng.integers(-1, 3))),
            "ready_date": pd.NaT if rng.random() < 0.1 else day(int(rng.integers(0, 3))),
            "line_ids": ("L1",) if rng.random() < 0.2 else (),
        })
    # a job's feeders follow its item, as the spec has it
    by_item = {}
    for row in rows:
        row["feeders"] = by_item.setdefault(row["item_id"], row["feeders"])
    if rng.random() < 0.4:
        rows[0].update(pinned=True, line_id="L2", item_id="PIN", start_date=day(int(rng.integers(0, 2))), feeders=("a",))
    return jobs_table(*rows), lines


def sequenced(jobs, lines, **kw) -> SequencingResult:
    result = sequence_jobs(jobs, lines, SETTINGS, solver_settings=SolverSettings(**{"time_limit_s": 20.0, **kw}))
    check_schedule(result, jobs, lines, SETTINGS)
    return result


@pytest.mark.parametrize("seed", range(8))
def test_tiny_instances_are_solved_to_the_enumerated_optimum(seed):
    jobs, lines = tiny_instance(seed, num_jobs=5 + seed % 3)
    result = sequenced(jobs, lines)
    assert result.summary["status"] == "OPTIMAL"
    expected = best_by_enumeration(jobs[~jobs["job_id"].isin(result.exceptions["ref_id"])], lines, SETTINGS)
    assert (result.summary["total_tardiness_minutes"], result.summary["total_changeover_minutes"]) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), num_jobs=st.integers(1, 9), num_lines=st.integers(1, 3))
def test_random_schedules_keep_every_rule(seed, num_jobs, num_lines):
    jobs, lines = tiny_instance(seed, num_jobs, num_lines)
    if num_lines == 1:
        jobs = jobs.assign(line_id="", pinned=False)
    result = sequenced(jobs, lines, time_limit_s=2.0)
    for _, on_line in result.schedule.groupby("line_id"):
        on_line = on_line.sort_values("start")
        assert (on_line["end"].iloc[:-1].to_numpy() <= on_line["setup_start"].iloc[1:].to_numpy()).all()


def test_the_same_input_gives_the_same_schedule():
    jobs, lines = random_instance(12, 2, seed=5, pin_share=0.2)
    first = sequenced(jobs, lines)
    again = sequenced(jobs.sample(frac=1.0, random_state=3), lines.iloc[::-1])
    pd.testing.assert_frame_equal(first.schedule, again.schedule)


class TestLargeNeighbourhoodSearch:
    """Instances above ``full_model_arcs`` go through LNS; forced here on small ones."""

    def test_lns_keeps_every_rule_and_beats_or_matches_greedy(self):
        jobs, lines = random_instance(30, 3, seed=11, pin_share=0.1)
        result = sequenced(jobs, lines, time_limit_s=900.0, deterministic_share=0.05, full_model_arcs=0)
        summary = result.summary
        # the search stalls long before its 45 units: it ends by itself, nothing is cut
        assert summary["lns_steps"] > STALL_STEPS and summary["stop_reason"] == "stalled"
        assert summary["stopped_by"] is None and summary["cut"] is None
        assert summary["work_spent"] < summary["work_limit"]
        assert (summary["total_tardiness_minutes"], summary["total_changeover_minutes"]) <= (
            summary["greedy_tardiness_minutes"], summary["greedy_changeover_minutes"])

    def test_lns_is_reproducible(self):
        jobs, lines = random_instance(20, 2, seed=4)
        kw = {"time_limit_s": 60.0, "deterministic_share": 0.02, "full_model_arcs": 0}
        pd.testing.assert_frame_equal(sequenced(jobs, lines, **kw).schedule, sequenced(jobs, lines, **kw).schedule)


@pytest.mark.parametrize("seed", range(2))
def test_greedy_schedules_are_feasible_fallbacks(seed):
    jobs, lines = random_instance(25, 3, seed=seed, pin_share=0.15)
    data = build_problem(jobs, lines, SETTINGS).data
    greedy, _ = greedy_schedule(data)
    result = sequenced(jobs, lines, time_limit_s=1.0)
    assert result.summary["greedy_tardiness_minutes"] == greedy.total_tardiness_minutes
    assert (result.summary["total_tardiness_minutes"], result.summary["total_changeover_minutes"]) <= (
        greedy.total_tardiness_minutes, greedy.total_changeover_minutes)


def test_no_jobs_gives_an_empty_schedule():
    jobs = jobs_table({"job_id": "A", "feeders": tuple("abc")})
    result = sequenced(jobs, lines_table({"line_id": "L1", "feeder_slots": 2}))
    assert result.schedule.empty and result.summary["status"] == "NO_JOBS"
    assert result.summary["total_tardiness_minutes"] == 0
