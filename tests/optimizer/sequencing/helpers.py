"""Building blocks of sequencing tests: tables with defaults, and seeded random factories."""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings

AS_OF = date(2025, 3, 3)  # a Monday
SETTINGS = PlanSettings(as_of=AS_OF, shift_start=time(6, 0))


def day(offset: int) -> pd.Timestamp:
    """The date ``offset`` days after AS_OF."""
    return pd.Timestamp(AS_OF) + pd.Timedelta(days=offset)


def at(offset_days: int, hour: int = 6, minute: int = 0) -> pd.Timestamp:
    """A wall-clock time ``offset_days`` after AS_OF."""
    return day(offset_days) + pd.Timedelta(hours=hour, minutes=minute)


def lines_table(*rows: dict) -> pd.DataFrame:
    """smt_lines rows; defaults: 60 000 placements/h (1000/min), 100 slots, 24 h a day,
    changeover 20 + 2 per new feeder."""
    defaults = {"placements_per_hour": 60000.0, "feeder_slots": 100, "hours_per_day": 24.0,
                "changeover_base_minutes": 20.0, "minutes_per_feeder_change": 2.0}
    return pd.DataFrame([{**defaults, **row} for row in rows])


def jobs_table(*rows: dict) -> pd.DataFrame:
    """Job rows; defaults: 1000 boards of 60 placements (60 000 placements: one hour on a
    default line), due in 10 days, material on hand, no feeders, any line, not pinned."""
    defaults = {"quantity": 1000.0, "due_date": day(10), "ready_date": day(0), "feeders": (), "line_ids": (),
                "placements_per_board": 60.0, "pinned": False, "line_id": "", "start_date": pd.NaT}
    frame = pd.DataFrame([{**defaults, "item_id": row.get("item_id", row["job_id"]), **row} for row in rows])
    for column in ("due_date", "ready_date", "start_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["feeders"] = [tuple(sorted(f)) for f in frame["feeders"]]
    frame["line_ids"] = [tuple(ids) for ids in frame["line_ids"]]
    return frame


def random_instance(
    num_jobs: int,
    num_lines: int,
    seed: int,
    *,
    hours_per_day: float = 16.0,
    num_items: int | None = None,
    pin_share: float = 0.0,
    due_days: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An SMT workload with realistic feeder overlap.

    Components: 60 common passives shared by most boards, 6 product families of 40 parts
    each, and parts unique to an item. A board uses 20–45 feeders: half common, a third
    from its family, the rest its own. Lines differ in speed (30–60 k placements/h) and
    slots (70–120); about one item in ten runs only on some lines. Jobs repeat items (two
    or three per item); due dates spread over the time the work needs; one job in eight
    waits for material.
    """
    rng = np.random.default_rng(seed)
    lines = lines_table(*({
        "line_id": f"L{k + 1}",
        "placements_per_hour": float(rng.choice([30000, 40000, 50000, 60000])),
        "feeder_slots": int(rng.choice([70, 90, 120])),
        "hours_per_day": hours_per_day,
        "changeover_base_minutes": float(rng.choice([15, 20, 25])),
        "minutes_per_feeder_change": 1.5,
    } for k in range(num_lines)))
    common = [f"C{k:03d}" for k in range(60)]
    families = [[f"F{f}-{k:02d}" for k in range(40)] for f in range(6)]
    num_items = num_items or max(1, num_jobs * 2 // 5)
    items = []
    for it in range(num_items):
        count = int(rng.integers(20, 46))
        family = families[int(rng.integers(0, len(families)))]
        n_common, n_family = count // 2, count // 3
        feeders = set(rng.choice(common, n_common, replace=False)) | set(rng.choice(family, n_family, replace=False))
        feeders |= {f"U{it}-{k}" for k in range(count - n_common - n_family)}
        restricted = rng.random() < 0.1 and num_lines > 1
        allowed = tuple(sorted(rng.choice(lines["line_id"], size=max(1, num_lines // 2), replace=False))) if restricted else ()
        items.append((f"PCBA-{it:03d}", tuple(sorted(str(f) for f in feeders)), float(rng.integers(80, 600)), allowed))
    hours = []
    rows = []
    for j in range(num_jobs):
        item_id, feeders, placements, allowed = items[int(rng.integers(0, num_items))]
        quantity = float(rng.choice([50, 100, 200, 250, 500, 1000]))
        hours.append(quantity * placements / 45000)
        rows.append({"job_id": f"J{j:04d}", "item_id": item_id, "quantity": quantity, "feeders": feeders,
                     "line_ids": allowed, "placements_per_board": placements})
    span = due_days or max(2, int(sum(hours) / num_lines / hours_per_day * 1.1) + 1)
    for row in rows:
        row["due_date"] = day(int(rng.integers(1, span + 1)))
        row["ready_date"] = day(int(rng.integers(1, span // 2 + 2))) if rng.random() < 0.125 else day(0)
    pinned = rng.choice(num_jobs, size=int(num_jobs * pin_share), replace=False) if pin_share else []
    for j in pinned:
        rows[j].update(pinned=True, line_id=str(rng.choice(lines["line_id"])), start_date=day(int(rng.integers(0, span))))
    jobs = jobs_table(*rows)
    return jobs, lines
