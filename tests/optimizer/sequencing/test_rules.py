"""Each sequencing rule of the spec alone, on two or three jobs, with hand-computed times.

Default line: 1000 placements a minute, 24 h a day, changeover 20 min + 2 per new feeder.
Default job: 60 000 placements (one hour), due in ten days, material on hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.sequencing import sequence_jobs

from .helpers import SETTINGS, at, day, jobs_table, lines_table
from .reference import check_schedule


def run(jobs: pd.DataFrame, lines: pd.DataFrame):
    result = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=10)
    check_schedule(result, jobs, lines, SETTINGS)
    return result


def row(result, job_id: str) -> dict:
    return result.schedule.set_index("job_id").loc[job_id].to_dict()


class TestDuration:
    def test_a_job_takes_its_placements_at_the_line_rate(self):
        result = run(jobs_table({"job_id": "A", "quantity": 250, "placements_per_board": 300}),
                     lines_table({"line_id": "L1", "placements_per_hour": 45000}))
        # 250 × 300 / 45 000 h = 100 min
        assert row(result, "A")["start"] == at(0, 6)
        assert row(result, "A")["end"] == at(0, 7, 40)

    def test_a_part_minute_rounds_up(self):
        result = run(jobs_table({"job_id": "A", "quantity": 1001}), lines_table({"line_id": "L1"}))
        assert row(result, "A")["end"] == at(0, 7, 1)  # 60.06 min


class TestChangeover:
    def test_no_changeover_before_a_lines_first_job(self):
        result = run(jobs_table({"job_id": "A", "feeders": ("c1", "c2")}), lines_table({"line_id": "L1"}))
        assert row(result, "A")["changeover_minutes"] == 0
        assert row(result, "A")["setup_start"] == row(result, "A")["start"] == at(0, 6)

    def test_changeover_counts_the_feeders_the_next_job_adds(self):
        jobs = jobs_table({"job_id": "A", "feeders": ("a", "b", "c")}, {"job_id": "B", "feeders": ("b", "c", "d", "e")})
        result = run(jobs, lines_table({"line_id": "L1"}))
        # A then B: 20 + 2 × |{d, e}| = 24; B then A: 20 + 2 × |{a}| = 22 — the solver picks B first
        assert row(result, "B")["start"] == at(0, 6)
        assert row(result, "A")["changeover_minutes"] == 22
        assert row(result, "A")["setup_start"] == at(0, 7)
        assert row(result, "A")["start"] == at(0, 7, 22)
        assert result.summary["total_changeover_minutes"] == 22

    def test_jobs_of_the_same_item_need_no_changeover(self):
        jobs = jobs_table({"job_id": "A1", "item_id": "X", "feeders": ("a", "b")},
                          {"job_id": "A2", "item_id": "X", "feeders": ("a", "b")})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert result.summary["total_changeover_minutes"] == 0
        assert sorted(result.schedule["end"]) == [at(0, 7), at(0, 8)]

    def test_changeovers_are_avoided_by_grouping_items(self):
        jobs = jobs_table(*({"job_id": f"{item}{k}", "item_id": item, "feeders": (item,)} for item in "XY" for k in (1, 2)))
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert result.summary["total_changeover_minutes"] == 22  # one switch X↔Y


class TestEligibility:
    def test_a_job_runs_only_on_lines_with_enough_feeder_slots(self):
        jobs = jobs_table({"job_id": "A", "feeders": tuple("abcde")})
        lines = lines_table({"line_id": "L1", "feeder_slots": 4}, {"line_id": "L2", "feeder_slots": 5})
        assert row(run(jobs, lines), "A")["line_id"] == "L2"

    def test_a_job_runs_only_on_its_listed_lines(self):
        jobs = jobs_table({"job_id": "A", "line_ids": ("L2",)}, {"job_id": "B", "line_ids": ("L2",)})
        lines = lines_table({"line_id": "L1"}, {"line_id": "L2"})
        assert set(run(jobs, lines).schedule["line_id"]) == {"L2"}

    def test_jobs_share_the_lines_they_may_use(self):
        jobs = jobs_table({"job_id": "A", "due_date": day(0)}, {"job_id": "B", "due_date": day(0)})
        result = run(jobs, lines_table({"line_id": "L1"}, {"line_id": "L2"}))
        assert sorted(result.schedule["line_id"]) == ["L1", "L2"]
        assert result.summary["total_tardiness_minutes"] == 120  # both start at once, an hour late each

    def test_a_job_no_line_can_run_is_reported_and_left_out(self):
        jobs = jobs_table({"job_id": "A", "feeders": tuple("abcde"), "due_date": day(3), "quantity": 7},
                          {"job_id": "B", "line_ids": ("L9",)}, {"job_id": "C"})
        result = run(jobs, lines_table({"line_id": "L1", "feeder_slots": 4}))
        assert list(result.schedule["job_id"]) == ["C"]
        exceptions = result.exceptions.set_index("ref_id")
        assert list(exceptions["type"]) == ["no_line", "no_line"]
        assert exceptions.loc["A", "date"] == day(3)
        assert exceptions.loc["A", "quantity"] == 7
        assert "5 feeders" in exceptions.loc["A", "message"]
        assert "L9" in exceptions.loc["B", "message"]
        assert result.summary["no_line_jobs"] == 2 and result.summary["jobs"] == 1


class TestRelease:
    def test_a_job_waits_for_its_material(self):
        jobs = jobs_table({"job_id": "A", "ready_date": day(2)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "A")["start"] == at(2, 6)
        assert row(result, "A")["clear_to_build"]

    def test_material_ready_in_the_past_counts_from_as_of(self):
        result = run(jobs_table({"job_id": "A", "ready_date": day(-5)}), lines_table({"line_id": "L1"}))
        assert row(result, "A")["start"] == at(0, 6)
        assert row(result, "A")["clear_to_build"]

    def test_unknown_material_is_scheduled_but_not_clear_to_build(self):
        result = run(jobs_table({"job_id": "A", "ready_date": pd.NaT}), lines_table({"line_id": "L1"}))
        assert row(result, "A")["start"] == at(0, 6)
        assert not row(result, "A")["clear_to_build"]
        assert result.summary["jobs_not_clear_to_build"] == 1

    def test_another_job_uses_the_line_while_one_waits(self):
        jobs = jobs_table({"job_id": "A", "ready_date": day(1), "due_date": day(1)}, {"job_id": "B", "due_date": day(5)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "B")["start"] == at(0, 6)
        assert row(result, "A")["start"] == at(1, 6)


class TestShifts:
    def test_a_job_stops_at_the_shift_end_and_continues_next_shift(self):
        jobs = jobs_table({"job_id": "A", "quantity": 10000})  # 600 working minutes
        result = run(jobs, lines_table({"line_id": "L1", "hours_per_day": 8}))
        assert row(result, "A")["start"] == at(0, 6)
        assert row(result, "A")["end"] == at(1, 8)  # 480 min on day 0, 120 on day 1

    def test_a_job_ending_at_the_shift_end_ends_that_day(self):
        result = run(jobs_table({"job_id": "A", "quantity": 8000}), lines_table({"line_id": "L1", "hours_per_day": 8}))
        assert row(result, "A")["end"] == at(0, 14)

    def test_a_changeover_pauses_over_the_night_too(self):
        jobs = jobs_table({"job_id": "A", "quantity": 478, "placements_per_board": 1000, "feeders": ("a",),
                           "due_date": day(0)},
                          {"job_id": "B", "feeders": ("b",), "due_date": day(20)})
        result = run(jobs, lines_table({"line_id": "L1", "hours_per_day": 8}))
        # A ends at 13:58; B's 22 min changeover: 2 min today, 20 min tomorrow
        assert row(result, "B")["setup_start"] == at(0, 13, 58)
        assert row(result, "B")["start"] == at(1, 6, 20)

    def test_tardiness_counts_working_minutes_from_the_due_shift_start(self):
        jobs = jobs_table({"job_id": "A", "quantity": 10000, "due_date": day(1)})
        result = run(jobs, lines_table({"line_id": "L1", "hours_per_day": 8}))
        assert row(result, "A")["due"] == at(1, 6)
        assert row(result, "A")["tardiness_minutes"] == 120

    def test_tardiness_of_a_job_due_before_as_of_counts_the_missed_shifts(self):
        jobs = jobs_table({"job_id": "A", "due_date": day(-1)})
        result = run(jobs, lines_table({"line_id": "L1", "hours_per_day": 8}))
        assert row(result, "A")["tardiness_minutes"] == 480 + 60


class TestPins:
    def test_a_pinned_job_keeps_its_line_and_start(self):
        jobs = jobs_table({"job_id": "A", "pinned": True, "line_id": "L2", "start_date": day(1)})
        result = run(jobs, lines_table({"line_id": "L1"}, {"line_id": "L2"}))
        assert row(result, "A")["line_id"] == "L2"
        assert row(result, "A")["start"] == at(1, 6)

    def test_a_planner_pins_a_time_of_day(self):
        # a 16 h line works 06:00-22:00: 10:30 is kept; 04:00 waits for the shift; 23:00 goes to the next one
        for pinned, expected in ((at(1, 10, 30), at(1, 10, 30)), (at(1, 4), at(1, 6)), (at(1, 23), at(2, 6))):
            jobs = jobs_table({"job_id": "A", "pinned": True, "line_id": "L1", "start_date": pinned})
            assert row(run(jobs, lines_table({"line_id": "L1", "hours_per_day": 16.0})), "A")["start"] == expected
        # a 24 h line is never off shift
        jobs = jobs_table({"job_id": "A", "pinned": True, "line_id": "L1", "start_date": at(1, 4)})
        assert row(run(jobs, lines_table({"line_id": "L1"})), "A")["start"] == at(1, 4)

    def test_a_pin_overrides_missing_material_but_not_clear_to_build(self):
        jobs = jobs_table({"job_id": "A", "pinned": True, "line_id": "L1", "start_date": day(0), "ready_date": day(3)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "A")["start"] == at(0, 6)
        assert not row(result, "A")["clear_to_build"]

    def test_other_jobs_fit_around_a_pin(self):
        jobs = jobs_table({"job_id": "P", "pinned": True, "line_id": "L1", "start_date": day(1), "item_id": "X"},
                          {"job_id": "A", "item_id": "X", "due_date": day(1)},
                          {"job_id": "B", "item_id": "X", "due_date": day(3)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "A")["start"] == at(0, 6)
        assert row(result, "P")["start"] == at(1, 6)

    def test_an_unpinned_line_id_is_only_a_preference(self):
        jobs = jobs_table({"job_id": "A", "line_id": "L2", "due_date": day(0)},
                          {"job_id": "B", "line_id": "L2", "due_date": day(0)})
        result = run(jobs, lines_table({"line_id": "L1"}, {"line_id": "L2"}))
        assert sorted(result.schedule["line_id"]) == ["L1", "L2"]  # sharing beats the preference
        alone = run(jobs.iloc[:1], lines_table({"line_id": "L1"}, {"line_id": "L2"}))
        assert row(alone, "A")["line_id"] == "L2"

    def test_overlapping_pins_keep_their_order_and_are_reported(self):
        jobs = jobs_table({"job_id": "P1", "pinned": True, "line_id": "L1", "start_date": day(0)},
                          {"job_id": "P2", "pinned": True, "line_id": "L1", "start_date": day(0)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "P1")["start"] == at(0, 6)
        assert row(result, "P2")["start"] == at(0, 7, 20)  # after P1 and a 20 min changeover
        assert list(result.exceptions["type"]) == ["pin_conflict"]


class TestObjective:
    def test_tardiness_comes_before_changeover(self):
        # X1 and X2 share an item; Y is due first. Grouping X saves a changeover but makes Y late.
        jobs = jobs_table({"job_id": "X1", "item_id": "X", "feeders": ("x",), "due_date": day(1)},
                          {"job_id": "Y", "item_id": "Y", "feeders": ("y",), "due_date": day(0), "ready_date": day(0)},
                          {"job_id": "X2", "item_id": "X", "feeders": ("x",), "due_date": day(1)})
        result = run(jobs, lines_table({"line_id": "L1"}))
        assert row(result, "Y")["start"] == at(0, 6)
        assert result.summary["total_tardiness_minutes"] == 60  # Y alone is an hour late at best
        assert result.summary["total_changeover_minutes"] == 22

    @pytest.mark.parametrize("hours", [8.0, 24.0])
    def test_summary_reports_solver_and_greedy(self, hours):
        jobs = jobs_table({"job_id": "A", "feeders": ("a",)}, {"job_id": "B", "feeders": ("b",)})
        summary = run(jobs, lines_table({"line_id": "L1", "hours_per_day": hours})).summary
        assert summary["status"] == "OPTIMAL"
        assert summary["method"] == "cp-sat"
        assert summary["greedy_changeover_minutes"] == 22
        assert summary["tardiness_bound_minutes"] == 0 and summary["tardiness_gap"] == 0.0
