"""Time generating (and writing) a large synthetic dataset with ``generate_dataset``.

Run: .venv/bin/python -m tests.benchmarks.bench_generate [N_ITEMS] [N_DEMANDS] [LEVELS]
Prints the table sizes and seconds per step; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from connectors.dataset import write_dataset
from mrp.dataset import TABLES
from sample_data.generate import generate_dataset


def main(n_items: int = 30_000, n_demands: int = 150_000, levels: int = 5) -> None:
    started = time.perf_counter()
    ds = generate_dataset(n_items, n_demands, levels=levels, seed=1)
    generated = time.perf_counter()
    print(f"generate_dataset({n_items}, {n_demands}, levels={levels}): {generated - started:.2f} s")
    for name in TABLES:
        print(f"  {name:16} {len(ds.table(name)):>8} rows")
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(ds, Path(folder))
        print(f"write_dataset: {time.perf_counter() - generated:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
