"""The MRP code runs as plain Python with ``NUMBA_DISABLE_JIT=1`` (the way to step through the
walk in a debugger, docs/mrp.md): the rule tests on small datasets pass that way too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL_TESTS = ["tests/mrp/test_netting.py", "tests/mrp/test_worked_example.py", "tests/mrp/test_explode.py",
               "tests/mrp/test_explode_pegs.py", "tests/mrp/test_demand.py"]


def test_the_rule_tests_pass_with_numba_disabled():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:xdist",
                          *SMALL_TESTS], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
