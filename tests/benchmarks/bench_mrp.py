"""MRP at scale: time and peak memory per stage on generated factories.

Run: ``.venv/bin/python -m tests.benchmarks.bench_mrp [--sizes 3000,30000,150000] [--classic]``.
By default MRP computes everything a full nightly run needs (pegging, the optimiser's net
requirements, the SMT draws); ``--classic`` plans classic MRP as
``reelplan plan --no-pegging --skip-optimize --skip-schedule`` does (planned orders, records,
messages), the like-for-like comparison with other planners' classic mode.
Each size runs in its own process so that peak memory (max RSS) is its own. Stages:
``prepare`` (forecast consumption, supply, codes), ``walk`` (netting, all levels and the
optimiser's L4L re-walk), ``explode`` (component requirements) and ``tables`` (the output
frames with ids, dates and messages); ``peak`` is the process's max RSS when the stage
ended (the first run also pays numba's compilation unless the cache is warm, so a warm-up
plan on a tiny factory runs first).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

# (items, demand lines) per size; 5 BOM levels throughout.
SIZES = {3000: (3000, 3000), 30000: (30000, 30000), 150000: (30000, 150000)}
STAGES = ("prepare", "walk", "explode", "tables")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(n_items: int, n_demands: int, levels: int, seed: int, classic: bool = False) -> dict:
    from mrp import engine, tables
    from sample_data.generate import generate_dataset

    engine.plan_mrp(generate_dataset(n_items=200, n_demands=200, levels=levels, seed=seed))
    seconds = dict.fromkeys(STAGES, 0.0)
    peak = dict.fromkeys(STAGES, 0.0)

    def timed(stage, fn):
        def wrapper(*args, **kwargs):
            if not peak["prepare"]:
                peak["prepare"] = _peak_mb()
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[stage] += time.perf_counter() - started
                peak[stage] = _peak_mb()
        return wrapper

    engine._walk = timed("walk", engine._walk)
    engine.explode_level = timed("explode", engine.explode_level)
    engine.tables.build = timed("tables", tables.build)
    started = time.perf_counter()
    ds = generate_dataset(n_items=n_items, n_demands=n_demands, levels=levels, seed=seed)
    generated = time.perf_counter()
    cpu_started = time.process_time()
    options = {"pegging": False, "purchasing_inputs": False, "sequencing_inputs": False} if classic else {}
    result = engine.plan_mrp(ds, **options)
    planned = time.perf_counter()
    seconds["prepare"] = planned - generated - sum(seconds[s] for s in STAGES[1:])
    return {
        "items": n_items, "demands": n_demands, "levels": levels,
        "generate_s": round(generated - started, 2), "mrp_s": round(planned - generated, 2),
        "mrp_cpu_s": round(time.process_time() - cpu_started, 2),
        "stage_s": {k: round(v, 2) for k, v in seconds.items()},
        "stage_peak_mb": {k: round(v) for k, v in peak.items()},
        "planned_orders": len(result.planned_orders),
        "pegging_rows": len(result.pegging) if result.pegging is not None else 0,
        "exceptions": len(result.exceptions), "peak_rss_mb": round(_peak_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000,30000,150000")
    parser.add_argument("--levels", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--classic", action="store_true", help="classic MRP: no pegging, no optimiser or SMT inputs")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        items, demands = (int(x) for x in args.one.split(","))
        print(json.dumps(run_one(items, demands, args.levels, args.seed, args.classic)))
        return
    print(f"{'demands':>8} {'items':>6} {'mrp s':>7} {'cpu s':>7} "
          + " ".join(f"{s + ' s':>10}" for s in STAGES)
          + f" {'planned':>9} {'pegging':>10} {'peak MB':>8}  peak MB after each stage")
    for size in (int(s) for s in args.sizes.split(",")):
        items, demands = SIZES.get(size, (size, size))
        out = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_mrp", "--one", f"{items},{demands}",
                              "--levels", str(args.levels), "--seed", str(args.seed)]
                             + (["--classic"] if args.classic else []),
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['demands']:>8} {r['items']:>6} {r['mrp_s']:>7} {r['mrp_cpu_s']:>7} "
              + " ".join(f"{r['stage_s'][s]:>10}" for s in STAGES)
              + f" {r['planned_orders']:>9} {r['pegging_rows']:>10} {r['peak_rss_mb']:>8}  "
              + " / ".join(str(r["stage_peak_mb"][s]) for s in STAGES), flush=True)


if __name__ == "__main__":
    main()
