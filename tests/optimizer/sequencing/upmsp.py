"""Reader of the upmsp_sdst_small instances (Vallada & Ruiz 2011): unrelated parallel
machines with sequence-dependent setups, objective makespan (tests/data/upmsp_sdst_small/README.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from optimizer.sequencing.problem import Job, Line, Mode, ProblemData

BENCHMARKS = Path(__file__).resolve().parents[2] / "data" / "upmsp_sdst_small"


def read_instance(path: Path) -> ProblemData:
    """Machines become 24-hour lines, jobs get one mode per machine, setups the changeovers."""
    tokens = path.read_text().split()
    n, m = int(tokens[0]), int(tokens[1])
    pos = 4  # "n m x" then "m"
    times = np.zeros((n, m), dtype=np.int64)
    for j in range(n):
        for _ in range(m):
            machine, duration = int(tokens[pos]), int(tokens[pos + 1])
            times[j, machine] = duration
            pos += 2
    assert tokens[pos] == "SSD"
    pos += 1
    setups = []
    for _ in range(m):
        pos += 1  # "Mk"
        setups.append(np.array(tokens[pos: pos + n * n], dtype=np.int64).reshape(n, n))
        pos += n * n
    for matrix in setups:
        np.fill_diagonal(matrix, 0)
    jobs = tuple(Job(f"J{j}", f"J{j}", tuple(Mode(k, max(1, int(times[j, k])), 0, 0) for k in range(m)))
                 for j in range(n))
    return ProblemData(jobs, tuple(Line(f"M{k}") for k in range(m)), tuple(setups))


def published_optima() -> dict[str, int]:
    with open(BENCHMARKS / "optimal_makespan.csv", newline="") as f:
        return {row["instance"]: int(row["published_makespan"]) for row in csv.DictReader(f)}
