"""Session set-up shared by every test package."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Compile the MRP kernels and the purchasing kernels (receipts recursion, lot-sizing plan, plan
    costing) once, in the main process, before any worker starts.

    numba caches compiled code on disk; on a fresh checkout the first plan compiles it
    (tens of seconds). Done here, the test workers all load it from the cache instead of
    each compiling it in the middle of a test that has a time limit.
    """
    if hasattr(config, "workerinput"):
        return
    from mrp.engine import plan_mrp
    from sample_data.generate import generate_dataset

    plan_mrp(generate_dataset(n_items=40, n_demands=40, levels=3, seed=1))

    import numpy as np

    from optimizer.purchasing.data import CostRates, ItemProblem, Offer
    from optimizer.purchasing.cost import evaluate
    from optimizer.purchasing.heuristic import lot_sizing_lines
    from optimizer.purchasing.receipts import receipt_bound

    reel = Offer("S", "M", 0, 0, 10.0, 10.0, (10.0, 50.0), (1.0, 0.9), 0.0, None, 0.0)
    item, rates = ItemProblem("A", np.array([1, 5]), np.array([7.0, 4.0]), (reel,)), CostRates(0.001, 1.0, 1.0, 20)
    receipt_bound(item, rates)
    evaluate([item], lot_sizing_lines(item, rates), rates)
