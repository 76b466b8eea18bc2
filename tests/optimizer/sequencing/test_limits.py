"""The work limit bounds every part of sequencing, and the summary says what it cut."""

from __future__ import annotations

import re

from optimizer.sequencing import sequence_jobs
from optimizer.sequencing.sequencer import GREEDY_SHARE, GREEDY_WORK_PER_UNIT

from .helpers import SETTINGS, random_instance
from .reference import check_schedule


def test_a_tiny_work_limit_appends_the_rest_in_due_order_and_says_so():
    jobs, lines = random_instance(40, 3, seed=7)
    limit = 0.001  # the greedy may do 0.5 × 0.001 × 100 000 = 50 steps of work
    result = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=60, work_limit=limit)
    check_schedule(result, jobs, lines, SETTINGS)
    summary = result.summary
    assert summary["stopped_by"] == "work_limit"
    assert GREEDY_SHARE * limit * GREEDY_WORK_PER_UNIT <= summary["greedy_work"] < 200  # stops after the step that crossed it
    appended = int(re.search(r"(\d+) of 40 jobs were appended in due-date order", summary["cut"]).group(1))
    assert 30 <= appended < 40
    assert summary["cut"].startswith("sequencing stopped at its work limit; ")
    again = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=60, work_limit=limit)
    assert again.schedule.to_csv() == result.schedule.to_csv()


def test_a_solved_small_instance_is_not_cut():
    jobs, lines = random_instance(6, 2, seed=1)
    summary = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=30).summary
    assert summary["status"] == "OPTIMAL" and summary["stopped_by"] is None and summary["cut"] is None
    assert 0 < summary["work_spent"] <= summary["work_limit"] == 3.0
