"""Purchasing optimiser at scale: generated buy items x 3 offers x 52 weeks.

Run: ``.venv/bin/python -m tests.benchmarks.bench_purchasing [--items 500 5000] [--time-limit 300] [--workers 2]``.
Prints, per size: plan cost optimised and plain MRP, saving, bound and gap, blocks by
status, and wall-clock time. Goal (issue #4): 5,000 items to <= 0.5 % gap within 5
minutes on 2 cores.

Each item has a distributor offer (short lead time, shelf stock, price breaks at 1/100/1000),
a manufacturer offer (full reels: MOQ and multiple of a reel, 13-26 weeks, breaks at 1/5/10
reels, a minimum order value per manufacturer that couples its items) and a broker offer
(3 days, 2.5x price, small allocation cap). Requirements are weekly, a third of weeks empty.
The plain MRP plan is L4L with the manufacturer's lead time (the cheapest offer at its MOQ).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings, empty_table
from optimizer.purchasing import optimize_purchasing

AS_OF = dt.date(2026, 1, 5)
WEEKS = 52
DISTRIBUTORS = ("DIST-A", "DIST-B", "DIST-C")
MANUFACTURERS = ("MFR-1", "MFR-2", "MFR-3", "MFR-4", "MFR-5", "MFR-6")
BROKERS = ("BRK-X", "BRK-Y")


def generate(n_items: int, seed: int = 7, min_order_values: bool = True) -> dict[str, pd.DataFrame]:
    """A seeded dataset: items, suppliers, supplier_offers, requirements, planned_orders."""
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(AS_OF)
    item_ids = [f"C{n:05d}" for n in range(n_items)]
    offers, requirements, planned = [], [], []
    for item_id in item_ids:
        price = float(np.round(rng.lognormal(-2.5, 1.2), 4)) + 0.001
        weekly = max(1.0, float(np.round(rng.lognormal(5.0, 1.0))))
        reel = float(rng.choice([1000, 2500, 3000, 4000, 5000, 10000]))
        mfr_lead = int(rng.integers(13, 27)) * 7
        dist, mfr, brk = rng.choice(DISTRIBUTORS), rng.choice(MANUFACTURERS), rng.choice(BROKERS)
        stock = float(rng.choice([0, 1, 2, 5]) * weekly)
        for brk_qty, factor in ((1, 1.35), (100, 1.2), (1000, 1.1)):
            offers.append((dist, item_id, f"{item_id}-D", "", int(rng.integers(1, 3)) * 7, 0.0, 1.0, brk_qty,
                           round(price * factor, 5), stock if stock > 0 else np.nan, 2, np.nan))
        for n_reels, factor in ((1, 1.0), (5, 0.92), (10, 0.85)):
            offers.append((mfr, item_id, f"{item_id}-M", "", mfr_lead, reel, reel, reel * n_reels,
                           round(price * factor, 5), np.nan, 2, np.nan))
        offers.append((brk, item_id, f"{item_id}-B", "", 3, 0.0, 1.0, 1.0, round(price * 2.5, 5),
                       float(2 * weekly), 3, float(4 * weekly)))
        for week in range(WEEKS):
            if rng.random() < 1 / 3:
                continue
            qty = float(max(1.0, np.round(weekly * rng.uniform(0.5, 1.5))))
            due = as_of + pd.Timedelta(days=7 * week + 3)
            release = max(due - pd.Timedelta(days=mfr_lead), as_of)
            requirements.append((item_id, due, qty))
            planned.append((f"PO-{item_id}-{week:02d}", item_id, qty, release, due))
    offer_table = empty_table("supplier_offers")
    offer_frame = pd.DataFrame(offers, columns=offer_table.columns).astype(offer_table.dtypes.to_dict())
    suppliers = pd.DataFrame({
        "supplier_id": [*DISTRIBUTORS, *MANUFACTURERS, *BROKERS],
        "name": "", "on_time_pct": np.nan,
        "min_order_value": [0.0] * len(DISTRIBUTORS) + [1500.0] * len(MANUFACTURERS) + [250.0] * len(BROKERS),
    })
    if not min_order_values:
        suppliers["min_order_value"] = 0.0
    items = pd.DataFrame({"item_id": item_ids, "type": "buy", "uom": "pcs"})
    return {
        "items": items,
        "suppliers": suppliers,
        "supplier_offers": offer_frame,
        "requirements": pd.DataFrame(requirements, columns=["item_id", "date", "quantity"]),
        "planned_orders": pd.DataFrame(planned, columns=["order_id", "item_id", "quantity", "release_date", "due_date"]),
    }


def run(n_items: int, time_limit_s: float, workers: int, mip_gap: float, min_order_values: bool = True) -> None:
    data = generate(n_items, min_order_values=min_order_values)
    started = time.monotonic()
    result = optimize_purchasing(data["requirements"], data["planned_orders"], data["supplier_offers"],
                                 data["suppliers"], data["items"], PlanSettings(as_of=AS_OF),
                                 time_limit_s=time_limit_s, workers=workers, mip_gap=mip_gap)
    seconds = time.monotonic() - started
    s = result.summary
    statuses = pd.Series([b["status"] for b in s["blocks"]]).value_counts().to_dict()
    gap = "n/a" if s["gap"] is None else f"{100 * s['gap']:.3f} %"
    print(f"{n_items} items x 3 offers x {WEEKS} weeks, time limit {time_limit_s:g} s, {workers} workers, "
          f"mip_gap {mip_gap:g}, minimum order values {'on' if min_order_values else 'off'}")
    print(f"  optimised cost {s['optimised_cost']:,.2f}   plain MRP {s['mrp_cost']:,.2f}   "
          f"saving {s['saving']:,.2f} ({s['saving_pct']:.2f} %)")
    bound = "n/a" if s["lower_bound"] is None else f"{s['lower_bound']:,.2f}"
    print(f"  lower bound {bound}   gap {gap}   status {s['status']}   "
          f"stopped by {s['stopped_by']}   work used {s['work_used']:,}   blocks {statuses}")
    print(f"  lines {s['lines']}   shortage {s['shortage_qty']:g}   fallback groups {s['fallback_groups']}   "
          f"fallback items {len(s['fallback_items'])}   min-order-value short days {s['min_order_value_short_days']}")
    print(f"  solve {s['solve_seconds']:.1f} s   total {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--time-limit", type=float, default=240.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mip-gap", type=float, default=1e-3)
    parser.add_argument("--no-min-order-value", action="store_true", help="suppliers without minimum order values")
    args = parser.parse_args()
    for n in args.items:
        run(n, args.time_limit, args.workers, args.mip_gap, not args.no_min_order_value)


if __name__ == "__main__":
    main()
