"""The nightly run end to end, as a user runs it: generate, import, run-now, on fresh stores.

    .venv/bin/python -m tests.benchmarks.bench_nightly [--sizes 3000/3000,30000/30000,30000/150000]
        [--db sqlite|postgres|both] [--levels 5] [--seed 1] [--optimize-time-limit S] [--schedule-time-limit S]

For each size (items/demand lines) it writes a generated factory, then for each store a
fresh SQLite file or a fresh PostgreSQL database (``postgresql+psycopg://postgres@127.0.0.1:5432/<new>``,
created and dropped here) and runs ``reelplan import`` and ``reelplan run-now`` (MRP,
purchasing, SMT sequencing, publish), each as a subprocess of this script. It prints one
table row per size and store: the run's seconds per stage (from the run record in the
store), each command's wall seconds and peak RSS (``os.wait4``), rows published, the
purchasing gap and saving, which limit ended purchasing and how many items it planned, the
schedule's tardiness, the exit statuses, and the machine's load average before and after. On demand only, never in CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from connectors.store import open_store, read_snapshot
from connectors.store.runs import list_runs

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
DEFAULT_SIZES = "3000/3000,30000/30000,30000/150000"
REELPLAN = str(Path(sys.executable).with_name("reelplan"))
AS_OF = date(2026, 11, 23)


@dataclass
class Command:
    """One finished subprocess: exit status, wall seconds, peak resident memory."""

    exit_status: int
    seconds: float
    peak_rss_mb: float
    log: Path


@dataclass
class Row:
    size: str
    db: str
    commands: dict[str, Command] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0


def run_command(args: list[str], log: Path) -> Command:
    """Run ``args`` with output to ``log``; its own resource usage from ``os.wait4``."""
    started = time.perf_counter()
    with log.open("wb") as out:
        pid = os.posix_spawn(args[0], args, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
    return Command(os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss / 1024, log)


def latest_run(url: str) -> dict[str, Any]:
    """The newest run's record in the store: stage seconds, counts, costs and summary."""
    engine = open_store(url)
    try:
        with read_snapshot(engine) as session:
            runs = list_runs(session, limit=1)
            if not runs:
                return {}
            run = runs[0]
            return {"id": run.id, "status": run.status, "stage_seconds": dict(run.stage_seconds),
                    "counts": dict(run.counts), "costs": dict(run.costs), "summary": dict(run.summary)}
    finally:
        engine.dispose()


def bench_store(row: Row, url: str, folder: Path, work: Path, args: argparse.Namespace) -> None:
    row.load_before = os.getloadavg()[0]
    tag = f"{row.size.replace('/', 'x')}-{row.db}"
    row.commands["import"] = run_command([REELPLAN, "import", str(folder), "--db", url], work / f"import-{tag}.log")
    if row.commands["import"].exit_status == 0:
        run_now = [REELPLAN, "run-now", "--db", url, "--as-of", AS_OF.isoformat()]
        if args.optimize_time_limit:
            run_now += ["--optimize-time-limit", str(args.optimize_time_limit)]
        if args.schedule_time_limit:
            run_now += ["--schedule-time-limit", str(args.schedule_time_limit)]
        row.commands["run-now"] = run_command(run_now, work / f"run-now-{tag}.log")
        row.run = latest_run(url)
    row.load_after = os.getloadavg()[0]


def fresh_postgres() -> str:
    name = f"reelplan_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_postgres(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_table(rows: list[Row]) -> None:
    header = ("size", "db", "import s", "import MB", "run s", "run MB", "stages (s)", "rows published",
              "gap", "saving", "purchasing stop", "tardiness min", "sequencing stop", "exit", "load before/after")
    lines = [header]
    for row in rows:
        imp, run = row.commands.get("import"), row.commands.get("run-now")
        purchasing = row.run.get("summary", {}).get("purchasing", {})
        schedule = row.run.get("summary", {}).get("schedule", {})
        sequencing = row.run.get("summary", {}).get("sequencing", {})
        outputs = row.run.get("counts", {}).get("outputs", {})
        lines.append((
            row.size, row.db,
            f"{imp.seconds:.1f}" if imp else "-", f"{imp.peak_rss_mb:.0f}" if imp else "-",
            f"{run.seconds:.1f}" if run else "-", f"{run.peak_rss_mb:.0f}" if run else "-",
            " ".join(f"{k} {v:.1f}" for k, v in row.run.get("stage_seconds", {}).items()) or "-",
            f"{sum(outputs.values()):,}" if outputs else "-",
            f"{purchasing['gap']:.4%}" if purchasing.get("gap") is not None else "-",
            f"{purchasing['saving']:,.0f} ({purchasing.get('saving_pct', 0):.1f} %)" if "saving" in purchasing else "-",
            _purchasing_stop(purchasing),
            f"{schedule['total_tardiness_minutes']:,}" if "total_tardiness_minutes" in schedule else "-",
            f"{sequencing.get('stop_reason')} ({sequencing.get('lns_steps')} steps)" if sequencing else "-",
            "/".join(str(c.exit_status) for c in row.commands.values()),
            f"{row.load_before:.1f}/{row.load_after:.1f}",
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths)))
    for row in rows:
        outputs = row.run.get("counts", {}).get("outputs", {})
        if outputs:
            print(f"{row.size} {row.db} run {row.run['id']} {row.run['status']}: "
                  + ", ".join(f"{k} {v:,}" for k, v in outputs.items()))


def _purchasing_stop(purchasing: dict[str, Any]) -> str:
    """Which limit ended purchasing (``done`` when none did) and how many items it planned."""
    if "items" not in purchasing:
        return "-"
    items = purchasing["items"]
    planned = items - len(purchasing.get("fallback_items", ()))
    return f"{purchasing.get('stopped_by') or 'done'} ({planned:,}/{items:,} items)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="items/demands, comma separated")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--levels", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--optimize-time-limit", type=float, default=None)
    parser.add_argument("--schedule-time-limit", type=float, default=None)
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in size.split("/")) for size in args.sizes.split(",")]
    stores = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_nightly_") as tmp:
        work = Path(tmp)
        for n_items, n_demands in sizes:
            size = f"{n_items}/{n_demands}"
            folder = work / f"factory-{n_items}x{n_demands}"
            generated = run_command([REELPLAN, "generate", str(folder), "--items", str(n_items), "--demands",
                                     str(n_demands), "--levels", str(args.levels), "--seed", str(args.seed)],
                                    work / f"generate-{n_items}x{n_demands}.log")
            print(f"{size}: generated in {generated.seconds:.1f} s (exit {generated.exit_status})", flush=True)
            if generated.exit_status != 0:
                print(generated.log.read_text())
                continue
            for db in stores:
                row = Row(size, db)
                if db == "sqlite":
                    bench_store(row, f"sqlite:///{work / f'store-{n_items}x{n_demands}.db'}", folder, work, args)
                else:
                    name = fresh_postgres()
                    try:
                        bench_store(row, PG_URL.format(name=name), folder, work, args)
                    finally:
                        drop_postgres(name)
                rows.append(row)
                for label, command in row.commands.items():
                    if command.exit_status != 0:
                        print(f"{size} {db} {label} failed:\n{command.log.read_text()[-2000:]}")
                print_table([row])
                print(flush=True)
    print("All runs:")
    print_table(rows)


if __name__ == "__main__":
    main()
