"""MRP at scale: time and peak memory on generated factories.

Run: ``.venv/bin/python -m tests.benchmarks.bench_mrp [--sizes 3000,30000,150000]``.
Each size runs in its own process so that peak memory (max RSS) is its own. The machine
is shared: compare CPU seconds (``mrp cpu s``) rather than wall time.
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


def run_one(n_items: int, n_demands: int, levels: int, seed: int) -> dict:
    from mrp.engine import plan_mrp
    from sample_data.generate import generate_dataset

    started = time.perf_counter()
    ds = generate_dataset(n_items=n_items, n_demands=n_demands, levels=levels, seed=seed)
    generated = time.perf_counter()
    cpu_started = time.process_time()
    result = plan_mrp(ds)
    planned = time.perf_counter()
    cpu = time.process_time() - cpu_started
    return {
        "items": n_items, "demands": n_demands, "levels": levels,
        "generate_s": round(generated - started, 2), "mrp_s": round(planned - generated, 2),
        "mrp_cpu_s": round(cpu, 2),
        "planned_orders": len(result.planned_orders), "pegging_rows": len(result.pegging),
        "exceptions": len(result.exceptions),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000,30000,150000")
    parser.add_argument("--levels", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        items, demands = (int(x) for x in args.one.split(","))
        print(json.dumps(run_one(items, demands, args.levels, args.seed)))
        return
    print(f"{'demands':>8} {'items':>6} {'generate s':>10} {'mrp s':>8} {'mrp cpu s':>9} {'planned':>9} {'pegging':>9} "
          f"{'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        items, demands = SIZES.get(size, (size, size))
        out = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_mrp", "--one", f"{items},{demands}",
                              "--levels", str(args.levels), "--seed", str(args.seed)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['demands']:>8} {r['items']:>6} {r['generate_s']:>10} {r['mrp_s']:>8} {r['mrp_cpu_s']:>9} "
              f"{r['planned_orders']:>9} "
              f"{r['pegging_rows']:>9} {r['peak_rss_mb']:>8}", flush=True)


if __name__ == "__main__":
    main()
