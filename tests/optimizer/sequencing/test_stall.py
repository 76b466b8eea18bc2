"""LNS stops when it stalls: the stall rule on hand-made histories, and on a search."""

from __future__ import annotations

from optimizer.sequencing import sequence_jobs
from optimizer.sequencing.lns import stalled
from optimizer.sequencing.model import SolverSettings

from .helpers import SETTINGS, random_instance
from .reference import check_schedule

FLAT = (1000, 2, 400, 0)  # tardiness, jobs moved, changeover, off-preference


def test_a_search_whose_last_steps_gained_nothing_has_stalled():
    assert stalled([FLAT] * 4, 3, 0.0)
    assert not stalled([FLAT] * 3, 3, 0.0)  # fewer steps than the window: too early to say
    assert not stalled([FLAT] * 10, None, 0.0)  # no stall rule


def test_a_gain_within_the_threshold_is_a_stall_and_one_beyond_it_is_not():
    # 1000 -> 995 minutes over the window is 0.5 % of the tardiness
    assert stalled([FLAT, FLAT, (997, 2, 400, 0), (995, 2, 400, 0)], 3, 0.005)
    assert not stalled([FLAT, FLAT, (997, 2, 400, 0), (994, 2, 400, 0)], 3, 0.005)
    # only the steps inside the window count: the big gain before it is over
    assert stalled([(5000, 2, 400, 0), FLAT, FLAT, FLAT, FLAT], 3, 0.005)


def test_each_of_tardiness_moved_jobs_and_changeover_counts_but_off_preference_does_not():
    assert not stalled([FLAT, FLAT, (1000, 1, 400, 0)], 2, 0.005)  # one job fewer moved of 2
    assert not stalled([FLAT, FLAT, (1000, 2, 390, 0)], 2, 0.005)  # 2.5 % less changeover
    assert stalled([(0, 0, 400, 3), (0, 0, 400, 3), (0, 0, 400, 0)], 2, 0.0)  # no tardiness to win
    assert not stalled([(0, 0, 400, 0), (0, 0, 400, 0), (0, 0, 399, 0)], 2, 0.0)


def test_without_the_stall_rule_the_search_runs_to_its_work_limit_and_with_it_stops_earlier():
    jobs, lines = random_instance(30, 3, seed=11, pin_share=0.1)
    settings = {"time_limit_s": 900.0, "deterministic_share": 0.004, "full_model_arcs": 0}  # 3.6 units
    full = sequence_jobs(jobs, lines, SETTINGS, solver_settings=SolverSettings(**settings, stall_steps=None))
    short = sequence_jobs(jobs, lines, SETTINGS, solver_settings=SolverSettings(**settings, stall_steps=5))
    for result in (full, short):
        check_schedule(result, jobs, lines, SETTINGS)
    assert full.summary["stop_reason"] == full.summary["stopped_by"] == "work_limit"
    assert full.summary["cut"].startswith("sequencing stopped at its work limit; ")
    assert short.summary["stop_reason"] == "stalled" and short.summary["stopped_by"] is None
    assert short.summary["lns_steps"] < full.summary["lns_steps"]
    # the same steps in the same order: the stalled search is the full one cut short, never better
    assert (short.summary["total_tardiness_minutes"], short.summary["total_changeover_minutes"]) >= (
        full.summary["total_tardiness_minutes"], full.summary["total_changeover_minutes"])
