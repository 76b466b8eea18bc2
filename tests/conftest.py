"""Session set-up shared by every test package."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Compile the MRP kernels once, in the main process, before any worker starts.

    numba caches compiled code on disk; on a fresh checkout the first plan compiles it
    (tens of seconds). Done here, the test workers all load it from the cache instead of
    each compiling it in the middle of a test that has a time limit.
    """
    if hasattr(config, "workerinput"):
        return
    from mrp.engine import plan_mrp
    from sample_data.generate import generate_dataset

    plan_mrp(generate_dataset(n_items=40, n_demands=40, levels=3, seed=1))
