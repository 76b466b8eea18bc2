"""Stability: the previous plan's lines and starts are kept unless tardiness gains by a move.

Default line: 1000 placements a minute, 24 h a day, changeover 20 min + 2 per new feeder.
Default job: one hour, due in ten days, material on hand.
"""

from __future__ import annotations

import pandas as pd

from optimizer.sequencing import sequence_jobs

from .helpers import SETTINGS, at, day, jobs_table, lines_table, random_instance
from .reference import check_schedule

LINE = lines_table({"line_id": "L1"})


def previous(*rows: tuple[str, str, pd.Timestamp, str, pd.Timestamp]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["job_id", "item_id", "due", "line_id", "start"])


def run(jobs, lines, prior=None):
    result = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=10, previous=prior)
    check_schedule(result, jobs, lines, SETTINGS)
    return result


def starts(result) -> dict[str, pd.Timestamp]:
    return dict(zip(result.schedule["job_id"], result.schedule["start"]))


def test_without_a_previous_plan_the_tie_goes_to_the_first_job():
    jobs = jobs_table({"job_id": "A", "item_id": "P"}, {"job_id": "B", "item_id": "Q"})
    assert starts(run(jobs, LINE)) == {"A": at(0, 6), "B": at(0, 7, 20)}  # 1 h, 20 min changeover, 1 h


def test_the_previous_order_is_kept_when_it_costs_no_tardiness():
    jobs = jobs_table({"job_id": "A", "item_id": "P"}, {"job_id": "B", "item_id": "Q"})
    prior = previous(("B", "Q", day(10), "L1", at(0, 6)), ("A", "P", day(10), "L1", at(0, 7, 20)))
    result = run(jobs, LINE, prior)
    assert starts(result) == {"B": at(0, 6), "A": at(0, 7, 20)}
    assert result.summary["moved_jobs"] == 0 and result.summary["previous_jobs"] == 2


def test_a_planned_order_with_a_new_id_is_found_by_item_and_due_date():
    jobs = jobs_table({"job_id": "PO-9", "item_id": "P"}, {"job_id": "PO-8", "item_id": "Q"})
    prior = previous(("PO-2", "Q", day(10), "L1", at(0, 6)), ("PO-1", "P", day(10), "L1", at(0, 7, 20)))
    assert starts(run(jobs, LINE, prior)) == {"PO-8": at(0, 6), "PO-9": at(0, 7, 20)}


def test_tardiness_wins_over_stability():
    jobs = jobs_table({"job_id": "A", "item_id": "P", "due_date": day(0)}, {"job_id": "B", "item_id": "Q"})
    # previous: B first, so A ends 08:20, 140 min after its due time; A first ends 07:00 (60 min)
    prior = previous(("B", "Q", day(10), "L1", at(0, 6)), ("A", "P", day(0), "L1", at(0, 7, 20)))
    result = run(jobs, LINE, prior)
    assert starts(result) == {"A": at(0, 6), "B": at(0, 7, 20)}
    assert result.summary["total_tardiness_minutes"] == 60 and result.summary["moved_jobs"] == 2


def test_the_same_input_with_its_own_schedule_as_previous_keeps_every_job():
    jobs, lines = random_instance(10, 2, seed=4)
    first = run(jobs, lines)
    assert first.summary["status"] == "OPTIMAL"
    prior = first.schedule[["job_id", "item_id", "due", "line_id", "start"]]
    again = run(jobs.sample(frac=1.0, random_state=3), lines, prior)
    pd.testing.assert_frame_equal(again.schedule, first.schedule)
    assert again.summary["moved_jobs"] == 0


def test_frozen_work_orders_that_did_not_move_raise_no_pin_conflict():
    # a freeze pins a work order to the date of its start; two on one day used to collide at shift start
    jobs = jobs_table({"job_id": "W1", "item_id": "P", "pinned": True, "line_id": "L1", "start_date": day(1)},
                      {"job_id": "W2", "item_id": "Q", "pinned": True, "line_id": "L1", "start_date": day(1)})
    without = run(jobs, LINE)
    assert list(without.exceptions["type"]) == ["pin_conflict"]
    prior = previous(("W1", "P", day(10), "L1", at(1, 6)), ("W2", "Q", day(10), "L1", at(1, 7, 20)))
    result = sequence_jobs(jobs, LINE, SETTINGS, time_limit_s=10, previous=prior)  # the pins keep their times
    assert starts(result) == {"W1": at(1, 6), "W2": at(1, 7, 20)}
    assert result.exceptions.empty
