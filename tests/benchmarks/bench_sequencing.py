"""SMT sequencing at scale, and the circuit core on upmsp_sdst_small known optima.

Run: ``.venv/bin/python -m tests.benchmarks.bench_sequencing [--sizes 50x3,200x4,500x6]
[--time-limit 60] [--upmsp-sample 40]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time

from optimizer.sequencing import sequence_jobs
from optimizer.sequencing.greedy import greedy_schedule
from optimizer.sequencing.model import SolverSettings, solve
from optimizer.sequencing.timetable import timetable
from tests.optimizer.sequencing.helpers import SETTINGS, random_instance
from tests.optimizer.sequencing.upmsp import BENCHMARKS, published_optima, read_instance


def bench_workloads(sizes: list[tuple[int, int]], time_limit_s: float) -> None:
    print(f"{'jobs':>5} {'lines':>5} {'greedy T':>9} {'greedy C':>9} {'final T':>8} {'final C':>8} "
          f"{'T bound':>8} {'method':>10} {'steps':>6} {'dtime':>6} {'wall s':>7} {'stop':>10}")
    for num_jobs, num_lines in sizes:
        jobs, lines = random_instance(num_jobs, num_lines, seed=2025, pin_share=0.02)
        s = sequence_jobs(jobs, lines, SETTINGS, time_limit_s=time_limit_s).summary
        print(f"{num_jobs:>5} {num_lines:>5} {s['greedy_tardiness_minutes']:>9} {s['greedy_changeover_minutes']:>9} "
              f"{s['total_tardiness_minutes']:>8} {s['total_changeover_minutes']:>8} {s['tardiness_bound_minutes']:>8} "
              f"{s['method']:>10} {s.get('lns_steps', '-'):>6} {s['deterministic_time']:>6} {s['solve_seconds']:>7} "
              f"{s['stop_reason']!s:>10}", flush=True)


def bench_upmsp(sample: int) -> None:
    if sample <= 0:
        return
    if not BENCHMARKS.exists():
        print("upmsp_sdst_small not found; skipped")
        return
    optima = published_optima()
    names = sorted(optima)[:: max(1, len(optima) // sample)]
    matched = optimal = 0
    worst = 0.0
    began = time.perf_counter()
    for name in names:
        data = read_instance(BENCHMARKS / name)
        result = solve(data, greedy_schedule(data)[0], deterministic_time=20.0, wall_time=60.0, num_workers=2,
                       makespan=True)
        makespan = timetable(data, result.sequences).makespan
        matched += makespan == optima[name]
        optimal += result.status == "OPTIMAL"
        worst = max(worst, (makespan - optima[name]) / optima[name])
        if makespan != optima[name]:
            print(f"  {name}: {makespan} ({result.status}) vs published {optima[name]}")
    print(f"upmsp_sdst_small: {len(names)} instances, {matched} at the published makespan, {optimal} proven optimal, "
          f"worst excess {worst:.1%}, {time.perf_counter() - began:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50x3,200x4,500x6")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--upmsp-sample", type=int, default=40)
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",") if size]
    bench_workloads(sizes, args.time_limit)
    bench_upmsp(args.upmsp_sample)


if __name__ == "__main__":
    main()
