"""The Gantt charts: fixed windows, readable labels, late jobs and due marks, same bytes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pandas as pd

from connectors.gantt import LATE, LATE_EDGE, gantt_pictures, render_gantt
from mrp.dataset import PlanSettings

SETTINGS = PlanSettings(as_of=date(2025, 3, 3), shift_start=time(6, 0), schedule_horizon_days=28)
LINES = pd.DataFrame({"line_id": ["L1", "L2"], "hours_per_day": [16.0, 24.0]})


def at(days: int, hour: int, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(SETTINGS.as_of) + pd.Timedelta(days=days, hours=hour, minutes=minute)


def schedule(*rows: dict) -> pd.DataFrame:
    defaults = {"quantity": 100.0, "changeover_minutes": 0, "tardiness_minutes": 0, "clear_to_build": True}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    return frame.astype({"changeover_minutes": "int64", "tardiness_minutes": "int64"})


SCHEDULE = schedule(
    {"job_id": "J-LONG", "item_id": "PCBA-LONG", "line_id": "L1", "setup_start": at(0, 6), "start": at(0, 6),
     "end": at(0, 20), "due": at(5, 6)},
    {"job_id": "J-LATE", "item_id": "PCBA-LATE", "line_id": "L2", "setup_start": at(1, 6), "start": at(1, 6, 40),
     "end": at(1, 23), "due": at(1, 6), "changeover_minutes": 40, "tardiness_minutes": 1020},
    {"job_id": "J-FAR", "item_id": "PCBA-FAR", "line_id": "L1", "setup_start": at(20, 6), "start": at(20, 6),
     "end": at(20, 21), "due": at(22, 6), "clear_to_build": False},
)


def test_the_plan_folder_gets_the_detailed_window_and_the_next_two_weeks():
    pictures = gantt_pictures(SCHEDULE, LINES, SETTINGS)
    assert sorted(pictures) == ["schedule_gantt.svg", "schedule_gantt_14d.svg"]
    window, near = (pictures[k].decode() for k in ("schedule_gantt.svg", "schedule_gantt_14d.svg"))
    assert "28 days from Mon 03 Mar 2025 06:00" in window and "14 days from Mon 03 Mar 2025 06:00" in near
    assert "PCBA-FAR" in window and "PCBA-FAR" not in near  # day 20 is outside the 14-day chart
    assert "3 jobs, 1 late (17.0 h late in total)" in window and "2 jobs, 1 late" in near


def test_labels_name_the_item_and_job_late_jobs_are_red_and_outlined():
    svg = render_gantt(SCHEDULE, LINES, SETTINGS, days=14).decode()
    for label in ("PCBA-LONG", "J-LONG", "PCBA-LATE", "late job", "changeover", "not clear to build", "off shift",
                  "due (missed)"):
        assert label in svg, label
    assert LATE in svg and LATE_EDGE in svg


def test_a_label_that_does_not_fit_is_left_out():
    crowded = schedule(*({"job_id": f"J{k}", "item_id": f"PCBA-SHORT-{k}", "line_id": "L2",
                          "setup_start": at(0, 6, 2 * k), "start": at(0, 6, 2 * k), "end": at(0, 6, 2 * k + 2),
                          "due": at(5, 6)} for k in range(5)))
    svg = render_gantt(crowded, LINES, SETTINGS, days=14).decode()
    assert "PCBA-SHORT-0" not in svg and "J0" not in svg  # 2 minutes, the next job right after
    assert "PCBA-SHORT-4" in svg  # the last one is labelled beside its bar, where the line is free


def test_the_same_schedule_gives_the_same_bytes_and_a_png_renders():
    assert render_gantt(SCHEDULE, LINES, SETTINGS) == render_gantt(SCHEDULE, LINES, SETTINGS)
    other = replace(SETTINGS, schedule_horizon_days=7)
    assert gantt_pictures(SCHEDULE, LINES, other)["schedule_gantt.svg"] != gantt_pictures(
        SCHEDULE, LINES, SETTINGS)["schedule_gantt.svg"]
    assert render_gantt(SCHEDULE, LINES, SETTINGS, image_format="png").startswith(b"\x89PNG")
