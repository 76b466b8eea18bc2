"""The Gantt picture and the solver data's own checks."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.sequencing import render_gantt, sequence_jobs
from optimizer.sequencing.problem import Job, Line, Mode, ProblemData

from .helpers import SETTINGS, day, jobs_table, lines_table


def test_gantt_is_svg_marks_late_jobs_and_changeovers_and_is_reproducible():
    jobs = jobs_table({"job_id": "LATE-1", "feeders": ("a",), "due_date": day(0)},
                      {"job_id": "OK-2", "feeders": ("b",), "ready_date": None})
    lines = lines_table({"line_id": "L1", "hours_per_day": 8})
    result = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=5)
    svg = render_gantt(result.schedule, lines, SETTINGS)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    text = svg.decode()
    for label in ("LATE-1", "OK-2", "late job", "changeover", "not clear to build", "off shift"):
        assert label in text
    assert "#e45756" in text  # the late colour is drawn
    assert render_gantt(result.schedule, lines, SETTINGS) == svg


def test_solver_data_reports_every_problem_at_once():
    jobs = (Job("A", "X", (Mode(0, 0, -1, 0),)), Job("A", "X", ()))
    with pytest.raises(ValueError) as raised:
        ProblemData(jobs, (Line("L1"),), (np.zeros((2, 2), dtype=np.int64),))
    message = str(raised.value)
    for part in ("duplicate job ids", "duration 0", "release -1", "has no line"):
        assert part in message


def test_a_line_works_at_most_a_day():
    with pytest.raises(ValueError):
        Line("L1", minutes_per_day=1441)
