"""The walk's output arrays: one pass sized for the whole level, or chunks where the system
refuses that much address space — the plan is the same either way."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrp import engine
from mrp.engine import plan_mrp
from sample_data.generate import generate_dataset

TABLES = ("planned_orders", "exceptions", "pegging", "mrp_records", "net_requirements", "requirement_pegs",
          "material")


def test_a_refused_allocation_falls_back_to_chunks_with_the_same_plan(monkeypatch):
    ds = generate_dataset(n_items=300, n_demands=400, levels=4, seed=2)
    whole = plan_mrp(ds)
    allocate = engine._buffers
    refused = []

    def address_space_of_a_small_machine(n: int, **kinds: str) -> dict[str, np.ndarray]:
        if n > 3 * engine.CHUNK_ROWS:
            refused.append(n)
            raise MemoryError(f"cannot allocate {n} rows")
        return allocate(n, **kinds)

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2000)
    monkeypatch.setattr(engine, "_buffers", address_space_of_a_small_machine)
    chunked = plan_mrp(ds)
    assert refused, "the whole-level allocation was never refused: the fallback did not run"
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name), check_exact=True, obj=name)
