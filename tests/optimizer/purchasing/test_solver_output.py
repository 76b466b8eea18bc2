"""Solving prints nothing: HiGHS is silenced by its options, and the process's stdout is left alone."""

import numpy as np

from optimizer.purchasing.solver import MatrixBuilder, solve


def test_solving_a_program_writes_nothing_to_stdout_or_stderr(capfd):
    builder = MatrixBuilder()
    cols = builder.add_cols(np.array([1.0, 2.0]), 0.0, 10.0, integer=True)
    builder.add_coefs(builder.add_rows(3.0, np.inf, 1)[0], cols, 1.0)  # x + y >= 3
    outcome = solve(builder.build(), 10.0, 0.0)
    assert outcome.status == "optimal" and outcome.objective == 3.0
    assert capfd.readouterr() == ("", "")
