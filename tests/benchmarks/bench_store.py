"""Store figures on a generated dataset: import (read + check + bulk insert), load, export, and
one planning run through the store, on SQLite and (when reachable) PostgreSQL.

    .venv/bin/python -m tests.benchmarks.bench_store [--items 30000] [--demands 20000] [--run]

``--run`` also times a planning run (MRP; add ``--optimize``/``--schedule`` for the solvers).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


from connectors.dataset import read_dataset, write_dataset
from connectors.store import export_dataset, import_dataset, load_dataset, open_store, read_snapshot, write_session
from jobs.runs import RunOptions, execute_run
from mrp.dataset import TABLES
from sample_data.generate import generate_dataset
from tests.benchmarks.postgres import bench_database



def _timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"  {label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def _bench(url: str, folder: Path, args: argparse.Namespace) -> None:
    engine = open_store(url)
    dataset, _ = _timed("read + check CSV folder", lambda: read_dataset(folder))

    def insert_all() -> None:
        with write_session(engine) as session:
            import_dataset(session, dataset)

    _timed("bulk insert (one transaction)", insert_all)
    _timed("insert again (replaces all rows)", insert_all)

    def load():
        with read_snapshot(engine) as session:
            return load_dataset(session)

    _timed("load_dataset", load)
    with tempfile.TemporaryDirectory() as out:
        def export() -> None:
            with read_snapshot(engine) as session:
                export_dataset(session, Path(out))

        _timed("export to CSV folder", export)
    if args.run:
        options = RunOptions(optimize=args.optimize, schedule=args.schedule, optimize_time_limit_s=60.0,
                             schedule_time_limit_s=30.0)
        run = _timed("planning run (execute_run)", lambda: execute_run(
            engine, as_of=dataset.settings.as_of, options=options))
        print("  stages:", ", ".join(f"{k} {v:.2f}" for k, v in run.stage_seconds.items()))
        print("  outputs:", run.counts.get("outputs"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30000)
    parser.add_argument("--demands", type=int, default=20000)
    parser.add_argument("--run", action="store_true")
    parser.add_argument("--optimize", action="store_true")
    parser.add_argument("--schedule", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    dataset = generate_dataset(args.items, args.demands, levels=3, seed=1)
    rows = {name: len(dataset.table(name)) for name in TABLES}
    print(f"generated in {time.perf_counter() - started:.1f} s: {rows} ({sum(rows.values())} rows)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dataset"
        write_dataset(dataset, folder)
        print("SQLite (file)")
        _bench(f"sqlite:///{Path(tmp) / 'store.db'}", folder, args)
        with bench_database() as url:
            if url is not None:
                print("PostgreSQL 127.0.0.1")
                _bench(url, folder, args)


if __name__ == "__main__":
    main()
