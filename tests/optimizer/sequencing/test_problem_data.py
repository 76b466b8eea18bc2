"""The solver data's own checks."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.sequencing.problem import Job, Line, Mode, ProblemData


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
