"""Eight what-if scenarios of a generated factory: embedded one after another vs a local Dask cluster.

    .venv/bin/python -m tests.benchmarks.bench_scenarios [--items 30000] [--demands N] [--workers 2]
        [--levels 5] [--seed 1] [--budget-minutes 2] [--skip-optimize] [--optimize-time-limit S]

It generates a factory (``reelplan generate``), imports it into a fresh PostgreSQL database
(``postgresql+psycopg://postgres@127.0.0.1:5432/<new>``, dropped at the end), stores eight
scenarios (demand up and down, a customer's forecast up, a supplier slipping, prices up,
a supplier gone, a line down, a shorter horizon; each also sets ``budget_minutes``, which
bounds every run's solvers by their deterministic work limits), then plans the eight

1. embedded: ``reelplan scenario run S1 ... S8`` in one process, one after another;
2. on a cluster of ``--workers`` ``dask worker`` processes (one thread each) on this
   machine: the same command with ``--scheduler``.

It prints each command's wall seconds and peak RSS (``os.wait4``), each worker's peak RSS
(``VmHWM`` of ``/proc/<pid>/status``), the runs' outcomes, and the load average before and
after. On demand only, never in CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from connectors.store import import_folder, open_store, read_snapshot
from connectors.store.dataset_io import load_dataset
from jobs.scenario_runs import create_scenario
from tests.benchmarks.bench_nightly import PG_ADMIN, PG_URL, REELPLAN, run_command
from tests.jobs.cluster import local_cluster


def scenarios(dataset) -> dict[str, list[dict]]:
    """Eight questions about a generated factory, named from its own customers, suppliers and lines."""
    customer = sorted(set(dataset.demand["customer_id"]))[0]
    suppliers = dataset.supplier_offers["supplier_id"].value_counts().index.tolist()
    line = sorted(dataset.smt_lines["line_id"])[0]
    as_of = dataset.settings.as_of
    week = [(as_of.toordinal() + d) for d in (1, 7)]
    first, last = (type(as_of).fromordinal(d).isoformat() for d in week)
    return {
        "demand_up": [{"kind": "scale_demand", "factor": 1.2}],
        "demand_down": [{"kind": "scale_demand", "factor": 0.8}],
        "customer_forecast_up": [{"kind": "scale_demand", "factor": 1.3, "customer": customer,
                                  "demand_kind": "forecast"}],
        "supplier_slips": [{"kind": "lead_time", "supplier": suppliers[0], "add_days": 28}],
        "prices_up": [{"kind": "price", "supplier": suppliers[0], "factor": 1.1}],
        "supplier_gone": [{"kind": "remove_supplier", "supplier": suppliers[-1]}],
        "line_down": [{"kind": "line_down", "line": line, "from": first, "to": last}],
        "short_horizon": [{"kind": "setting", "horizon_days": 180}],
    }


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a live process (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30000)
    parser.add_argument("--demands", type=int, default=None, help="demand lines (default: as many as items)")
    parser.add_argument("--levels", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget-minutes", type=float, default=2.0,
                        help="run budget of every scenario (a setting change); its solvers' work follows from it")
    parser.add_argument("--skip-optimize", action="store_true", help="leave out purchasing in every run")
    parser.add_argument("--optimize-time-limit", type=float, default=None)
    args = parser.parse_args()
    name = f"reelplan_bench_scenarios_{uuid.uuid4().hex[:8]}"
    url = PG_URL.format(name=name)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="bench_scenarios_") as tmp:
            folder = Path(tmp) / "factory"
            made = run_command([REELPLAN, "generate", str(folder), "--items", str(args.items), "--demands",
                                str(args.demands or args.items), "--levels", str(args.levels), "--seed",
                                str(args.seed)], Path(tmp) / "generate.log")
            if made.exit_status:
                sys.exit(f"generate failed: {(Path(tmp) / 'generate.log').read_text()[-2000:]}")
            engine = open_store(url)
            import_folder(engine, folder)
            with read_snapshot(engine) as session:
                questions = scenarios(load_dataset(session))
            for scenario, changes in questions.items():
                create_scenario(engine, scenario, [*changes, {"kind": "setting", "budget_minutes": args.budget_minutes}])
            engine.dispose()
            options = ["--skip-optimize"] if args.skip_optimize else []
            if args.optimize_time_limit:
                options += ["--optimize-time-limit", str(args.optimize_time_limit)]
            command = [REELPLAN, "scenario", "run", *questions, "--db", url, "--as-of",
                       _as_of(folder), *options]
            load_before = os.getloadavg()[0]
            embedded = run_command(command, Path(tmp) / "embedded.log")
            with local_cluster(args.workers, logs=Path(tmp) / "cluster.log") as cluster:
                started = time.perf_counter()
                clustered = run_command([*command, "--scheduler", cluster.address], Path(tmp) / "cluster_run.log")
                workers = [peak_rss_mb(pid) for pid in sorted(cluster.worker_pids())]
                cluster_s = time.perf_counter() - started
            load_after = os.getloadavg()[0]
            print(f"factory: {args.items:,} items, {args.demands or args.items:,} demand lines, levels {args.levels}, "
                  f"seed {args.seed}; 8 scenarios{' without purchasing' if args.skip_optimize else ''}, "
                  f"budget {args.budget_minutes:g} min each; "
                  f"{os.cpu_count()} CPUs; load average {load_before:.2f} before, {load_after:.2f} after")
            print(f"embedded, one after another: exit {embedded.exit_status}, {embedded.seconds:.1f} s wall, "
                  f"peak RSS {embedded.peak_rss_mb:.0f} MiB")
            print(f"Dask cluster, {args.workers} workers: exit {clustered.exit_status}, {cluster_s:.1f} s wall, "
                  f"submitting process peak RSS {clustered.peak_rss_mb:.0f} MiB, worker peak RSS "
                  + ", ".join(f"{mb:.0f} MiB" for mb in workers))
            for label, run in (("embedded", embedded), ("cluster", clustered)):
                if run.exit_status:
                    print(f"--- {label} log ---\n{run.log.read_text()[-3000:]}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_of(folder: Path) -> str:
    import tomllib

    return str(tomllib.loads((folder / "settings.toml").read_text())["as_of"])


if __name__ == "__main__":
    main()
