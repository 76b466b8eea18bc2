"""The detailed window and the rough-cut capacity load, computed by hand.

AS_OF is Monday 2025-03-03, shift_start 06:00. With ``horizon_days = 20`` the planning
horizon is [03-03, 03-23): the weeks of 03-03 and 03-10 have 7 days, the week of 03-17
has 6 (17–22). L1 places 60 000 an hour, L2 30 000; both work 8 h a day, so 56 h in a
full week and 48 h in the week of 03-17. A default job (1000 boards × 60 placements) is
1 h on L1 and 2 h on L2.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from optimizer.sequencing import sequence_jobs
from optimizer.sequencing.capacity import in_detailed_window

from .helpers import SETTINGS, at, day, jobs_table, lines_table

WINDOW = replace(SETTINGS, schedule_horizon_days=7, horizon_days=20)
LINES = lines_table({"line_id": "L1", "placements_per_hour": 60000, "hours_per_day": 8},
                    {"line_id": "L2", "placements_per_hour": 30000, "hours_per_day": 8})


def later(job_id: str, due: int, **kw) -> dict:
    """A job after the window: due on ``due`` and material not known to be ready."""
    return {"job_id": job_id, "due_date": day(due), "ready_date": None, **kw}


def test_the_window_holds_jobs_due_or_ready_in_it_and_every_pinned_or_released_job():
    jobs = jobs_table(
        {"job_id": "DUE", "due_date": day(6), "ready_date": None},     # due on the window's last day
        {"job_id": "READY", "due_date": day(40), "ready_date": day(6)},  # material ready in the window
        later("AFTER", 7),                                              # due the day after the window
        later("READY-LATE", 40, ready_date=day(7)),
        later("PINNED", 40, pinned=True, line_id="L1", start_date=day(30)),
        later("PIN-NO-LINE", 40, pinned=True, line_id=""),               # pinned without a line: not pinned
        later("RELEASED", 40, released=True),
    )
    jobs["released"] = jobs["released"].fillna(False).astype(bool)
    inside = dict(zip(jobs["job_id"], in_detailed_window(jobs, WINDOW)))
    assert inside == {"DUE": True, "READY": True, "AFTER": False, "READY-LATE": False, "PINNED": True,
                      "PIN-NO-LINE": False, "RELEASED": True}


def test_later_jobs_go_to_the_preferred_line_else_the_freest_and_overloads_are_reported():
    jobs = jobs_table(
        {"job_id": "A", "due_date": day(2), "line_ids": ("L1",)},         # detailed: 1 h on L1, Mon 03-03
        later("B", 8, line_id="L2", quantity=40000),                     # 80 h on its preferred L2, week 03-10
        later("C", 9, quantity=6000),                                    # L1 has 56 h free, L2 none: L1, 6 h
        later("D", 9, line_ids=("L2",)),                                 # only L2: 2 h
        later("E", 15),                                                  # 48 h free on both: L1 (first id)
        later("F", 30),                                                  # after the horizon: L1, 1 h
        later("G", 9, line_ids=("L9",)),                                 # no line
    )
    result = sequence_jobs(jobs, LINES, WINDOW, time_limit_s=10)
    assert list(result.schedule["job_id"]) == ["A"]
    assert result.summary["rough_cut_jobs"] == 5 and result.summary["no_line_jobs"] == 1
    load = result.capacity_load
    assert list(load.columns) == ["line_id", "week_start", "load_hours", "available_hours", "utilisation_pct"]
    rows = [(r.line_id, r.week_start.date().isoformat(), r.load_hours, r.available_hours) for r in load.itertuples()]
    assert rows == [
        ("L1", "2025-03-03", 1.0, 56.0), ("L1", "2025-03-10", 6.0, 56.0), ("L1", "2025-03-17", 1.0, 48.0),
        ("L1", "2025-03-31", 1.0, 0.0),
        ("L2", "2025-03-03", 0.0, 56.0), ("L2", "2025-03-10", 82.0, 56.0), ("L2", "2025-03-17", 0.0, 48.0),
    ]
    assert load.set_index(["line_id", "week_start"]).loc[("L2", day(7)), "utilisation_pct"] == 146.4
    assert np.isnan(load.set_index(["line_id", "week_start"]).loc[("L1", day(28)), "utilisation_pct"])
    over = result.exceptions[result.exceptions["type"] == "overloaded_line_week"]
    assert [(r.ref_id, r.date, r.quantity) for r in over.itertuples()] == [("L1", day(28), 1.0), ("L2", day(7), 26.0)]
    assert "line L2 is loaded with 82.0 h in the week of 2025-03-10 but works 56.0 h" in over["message"].iloc[1]
    assert "outside the planning horizon" in over["message"].iloc[0]
    no_line = result.exceptions[result.exceptions["type"] == "no_line"]
    assert list(no_line["ref_id"]) == ["G"]


def test_a_detailed_job_across_monday_shift_start_is_split_between_the_weeks():
    lines = lines_table({"line_id": "L3"})  # 24 h a day: its days run from 06:00 to 06:00
    jobs = jobs_table({"job_id": "P", "quantity": 4000, "pinned": True, "line_id": "L3",
                       "start_date": at(7, 4)})  # Monday 03-10 04:00, 4 h: 2 h before 06:00, 2 h after
    result = sequence_jobs(jobs, lines, WINDOW, time_limit_s=10)
    assert result.schedule["start"].iloc[0] == at(7, 4)
    load = result.capacity_load.set_index("week_start")["load_hours"]
    assert load[day(0)] == 2.0 and load[day(7)] == 2.0


def test_without_jobs_after_the_window_the_load_is_the_schedule_and_nothing_is_overloaded():
    jobs = jobs_table({"job_id": "A"}, {"job_id": "B", "due_date": day(1)})
    result = sequence_jobs(jobs, LINES, replace(SETTINGS, horizon_days=7), time_limit_s=10)
    assert result.summary["rough_cut_jobs"] == 0
    hours = result.capacity_load.groupby("line_id")["load_hours"].sum()
    by_line = result.schedule.groupby("line_id").apply(
        lambda s: ((s["end"] - s["setup_start"]).dt.total_seconds() / 3600).sum(), include_groups=False)
    pd.testing.assert_series_equal(hours[by_line.index], by_line, check_names=False)
    assert not (result.exceptions["type"] == "overloaded_line_week").any()
