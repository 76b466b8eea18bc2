"""Time reading, checking and writing a large synthetic dataset folder.

Run: .venv/bin/python -m tests.benchmarks.bench_dataset_read [N_ASSEMBLIES]
Prints the sizes and seconds per step; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from connectors.dataset import read_dataset, validate_dataset, write_dataset


def make_folder(path: Path, assemblies: int, seed: int = 7) -> None:
    """Assemblies of 60 components each, drawn from a pool of parts, with reels and offers."""
    rng = np.random.default_rng(seed)
    parts = assemblies * 4
    items = pd.DataFrame({
        "item_id": [f"A{i:06d}" for i in range(assemblies)] + [f"P{i:06d}" for i in range(parts)],
        "type": ["make"] * assemblies + ["buy"] * parts,
        "lead_time_days": rng.integers(1, 90, assemblies + parts),
        "order_multiple": [""] * assemblies + list(rng.choice([1000, 2500, 5000], parts)),
    })
    children = rng.integers(0, parts, (assemblies, 60))
    bom = pd.DataFrame({
        "parent_id": np.repeat(items["item_id"][:assemblies].to_numpy(), 60),
        "child_id": [f"P{c:06d}" for c in children.ravel()],
        "qty_per": rng.choice([1, 2, 4, 0.5], assemblies * 60),
    })
    reels = pd.DataFrame({
        "reel_id": [f"R{i:07d}" for i in range(parts * 3)],
        "item_id": [f"P{i % parts:06d}" for i in range(parts * 3)],
        "quantity": rng.integers(0, 5000, parts * 3),
    })
    offers = pd.DataFrame({
        "supplier_id": "S1",
        "item_id": np.repeat([f"P{i:06d}" for i in range(parts)], 3),
        "lead_time_days": np.repeat(rng.integers(5, 90, parts), 3),
        "break_qty": np.tile([0, 1000, 10000], parts),
        "unit_price": np.tile([0.03, 0.02, 0.01], parts),
    })
    demand = pd.DataFrame({
        "demand_id": [f"D{i:06d}" for i in range(assemblies * 4)],
        "customer_id": "ACME",
        "item_id": [f"A{i % assemblies:06d}" for i in range(assemblies * 4)],
        "due_date": (pd.Timestamp("2027-01-01") + pd.to_timedelta(rng.integers(0, 300, assemblies * 4), "D")).strftime("%Y-%m-%d"),
        "quantity": rng.integers(10, 1000, assemblies * 4),
    })
    for name, frame in {"items": items, "bom": bom, "inventory": reels, "supplier_offers": offers, "demand": demand}.items():
        frame.to_csv(path / f"{name}.csv", index=False)
    (path / "settings.toml").write_text("as_of = 2026-11-23\n", encoding="utf-8")


def main(assemblies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_folder(folder, assemblies)
        t0 = time.perf_counter()
        ds, warnings = read_dataset(folder)
        t1 = time.perf_counter()
        validate_dataset(ds)
        t2 = time.perf_counter()
        write_dataset(ds, Path(tmp) / "out")
        t3 = time.perf_counter()
    sizes = ", ".join(f"{len(ds.table(n))} {n}" for n in ("items", "bom", "inventory", "supplier_offers", "demand"))
    print(f"{sizes}; {len(warnings)} warnings")
    print(f"read+check {t1 - t0:.2f} s, checks alone {t2 - t1:.2f} s, write {t3 - t2:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
