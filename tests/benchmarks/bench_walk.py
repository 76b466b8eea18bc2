"""The compiled walk alone, on the calls a plan makes: CPU time of ``mrp.walk.net_level``.

A whole plan's time is mostly the stages around the walk, and on a shared machine its wall
time swings by more than the walk's differences; this check times the walk's own calls.

``capture DIR --items 30000 --demands 30000`` plans a generated factory once and stores the
arguments of every ``net_level`` call (before the call: the walk writes into some of them).
``run DIR [--root CHECKOUT]`` replays them in this process with the ``mrp.walk`` of
``CHECKOUT`` (default: this one), each call on fresh copies, and prints the CPU time of all
calls (``time.process_time``), the best of ``--repeat`` rounds after one untimed round that
compiles. Run base and new checkouts alternately, each in its own process.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np


def _plain(value):
    """A walk record as (record name, fields), nested; output buffers as (dtype, length) only."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return ("record", type(value).__name__, [_plain(v) for v in value])
    return value


def capture(folder: Path, n_items: int, n_demands: int, levels: int, seed: int) -> None:
    from mrp import engine
    from sample_data.generate import generate_dataset

    calls = []
    net_level = engine.net_level

    def recording(*args):
        out = args[7]
        shapes = ("record", "Outputs", [[(c.dtype.str, len(c)) for c in table] for table in out[:-1]])
        stored = [_plain(a) for a in args]
        stored[7] = shapes
        calls.append(pickle.dumps(stored, protocol=5))
        return net_level(*args)

    engine.net_level = recording
    engine.plan_mrp(generate_dataset(n_items=n_items, n_demands=n_demands, levels=levels, seed=seed))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calls.pkl").write_bytes(pickle.dumps(calls, protocol=5))
    print(json.dumps({"calls": len(calls), "mb": round(sum(map(len, calls)) / 2**20)}))


def _arguments(stored, walk):
    """A call's arguments rebuilt as ``walk``'s records, with fresh output buffers."""
    def build(value):
        if isinstance(value, tuple) and len(value) == 3 and value[0] == "record":
            return getattr(walk, value[1])(*(build(v) for v in value[2]))
        return value
    tables = [getattr(walk, cls)(*(np.empty(n, np.dtype(dt)) for dt, n in cols))
              for cls, cols in zip(("Planned", "Pieces", "Material", "Expedites", "Net", "Outflow", "Actions"),
                                   stored[7][2])]
    args = [build(a) for a in stored[:7]] + [walk.Outputs(*tables, np.zeros(walk.N_COUNTERS, np.int64))]
    return args + [build(a) for a in stored[8:]]


def run(folder: Path, root: str | None, repeat: int) -> None:
    if root:
        sys.path.insert(0, root)
    from mrp import walk

    calls = pickle.loads((folder / "calls.pkl").read_bytes())
    best = None
    best_call = [float("inf")] * len(calls)
    for round_ in range(repeat + 1):
        spent = []
        for blob in calls:
            args = _arguments(pickle.loads(blob), walk)
            started = time.process_time()
            walk.net_level(*args)
            spent.append(time.process_time() - started)
        if round_:
            best = min(best or sum(spent), sum(spent))
            best_call = [min(b, s) for b, s in zip(best_call, spent)]
    print(json.dumps({"walk": walk.__file__, "best_cpu_s": round(best, 3),
                      "best_per_call": [round(s, 3) for s in best_call]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("folder", type=Path)
    cap.add_argument("--items", type=int, default=30000)
    cap.add_argument("--demands", type=int, default=30000)
    cap.add_argument("--levels", type=int, default=5)
    cap.add_argument("--seed", type=int, default=1)
    rerun = sub.add_parser("run")
    rerun.add_argument("folder", type=Path)
    rerun.add_argument("--root", help="a checkout whose mrp.walk to run")
    rerun.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.folder, args.items, args.demands, args.levels, args.seed)
    else:
        run(args.folder, args.root, args.repeat)


if __name__ == "__main__":
    main()
