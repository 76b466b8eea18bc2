"""Buy page figures: how long the store takes to answer one page of purchase suggestions (and
the supplier totals shown above it) for each filter and sort, on a generated 30,000-item
dataset with a published plan of ``--lines-per-item`` suggestion lines per bought item and one
pegging row per demand, on SQLite and (when reachable) PostgreSQL.

    .venv/bin/python -m tests.benchmarks.bench_web [--items 30000] [--demands 20000] [--lines-per-item 4]

The plan is made up (the solver is not run): the reads do not depend on how the lines were
chosen, only on how many there are. Target: every page under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from connectors.store import import_dataset, open_store, read_snapshot, write_session
from connectors.store.plans import publish_plan
from connectors.store.runs import start_run, utc_now
from connectors.web import queries
from connectors.web.queries import SuggestionFilter
from mrp.dataset import Dataset
from mrp.plan import Plan
from sample_data.generate import generate_dataset
from tests.benchmarks.postgres import bench_database

REASONS = ("net requirement", "price break 5000: 0.01 instead of 0.012 a unit",
           "minimum order 2500; buys ahead: 3 need dates 2027-01-04 to 2027-02-01", "order multiple (reel) 4000")


def made_up_plan(dataset: Dataset, lines_per_item: int) -> Plan:
    """Suggestion lines for every bought item from its offers, and pegging of every demand to a bought item."""
    rng = np.random.default_rng(1)
    offers = dataset.supplier_offers.drop_duplicates(["item_id", "supplier_id", "mpn"])
    offers = offers.loc[offers.index.repeat(lines_per_item)].reset_index(drop=True)
    n = len(offers)
    as_of = pd.Timestamp(dataset.settings.as_of)
    receipt = as_of + pd.to_timedelta(rng.integers(5, 365, n), unit="D")
    quantity = rng.integers(1, 500, n).astype(float) * 10
    price = rng.uniform(0.001, 5.0, n).round(4)
    suggestions = pd.DataFrame({
        "suggestion_id": [f"PS{i:07d}" for i in range(n)], "item_id": offers.item_id.astype(object),
        "supplier_id": offers.supplier_id.astype(object), "mpn": offers.mpn.astype(object), "quantity": quantity,
        "order_date": receipt - pd.Timedelta(days=14), "receipt_date": receipt, "unit_price": price,
        "extended_price": quantity * price, "from_stock": False,
        "reason": [REASONS[i % len(REASONS)] for i in range(n)],
    })
    bought = offers.item_id.unique()
    demand = dataset.demand
    pegging = pd.DataFrame({
        "demand_id": demand.demand_id.astype(object), "item_id": rng.choice(bought, len(demand)).astype(object),
        "supply_type": "planned", "supply_id": "", "quantity": 1.0, "level": 1,
    })
    return Plan(purchase_suggestions=suggestions, pegging=pegging, summary={"as_of": as_of.date().isoformat()})


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _bench(url: str, dataset: Dataset, plan: Plan) -> None:
    engine = open_store(url)
    with write_session(engine) as session:
        import_dataset(session, dataset)
    with write_session(engine) as session:
        run = start_run(session, trigger="bench", as_of=dataset.settings.as_of, options={})
        publish_plan(session, run, plan, now=utc_now(), keep_plans=5)
    lines = plan.purchase_suggestions
    supplier = lines.supplier_id.mode()[0]
    customer = dataset.demand.customer_id.mode()[0]
    cases = {
        "no filter": SuggestionFilter(),
        f"supplier {supplier}": SuggestionFilter(supplier_id=supplier),
        f"customer {customer}": SuggestionFilter(customer_id=customer),
        "item text '10'": SuggestionFilter(item="10"),
        "receipt within 30 days": SuggestionFilter(within_days=30),
        "status pending": SuggestionFilter(status="pending"),
        "reason price break": SuggestionFilter(reason="price_break"),
    }
    print(f"  {len(lines):,} suggestion lines, {len(plan.pegging):,} pegging rows")
    worst = 0.0
    with read_snapshot(engine) as session:
        published = queries.published_run(session)
        for label, where in cases.items():
            for sort, descending, offset in (("receipt_date", False, 0), ("value", True, 0),
                                             ("receipt_date", False, 20_000)):
                def page() -> None:
                    queries.suggestion_page(session, published, where, sort=sort, descending=descending,
                                            offset=offset, limit=50)
                    queries.supplier_totals(session, published, where)

                seconds = min(_timed(page) for _ in range(2))
                worst = max(worst, seconds)
                print(f"  {label:<28} sort {sort:<12} {'desc' if descending else 'asc ':<4} offset {offset:>6}"
                      f" {seconds:6.3f} s")
    print(f"  slowest page: {worst:.3f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30000)
    parser.add_argument("--demands", type=int, default=20000)
    parser.add_argument("--lines-per-item", type=int, default=4)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    dataset = generate_dataset(args.items, args.demands, levels=3, seed=1, as_of=dt.date(2026, 11, 23))
    plan = made_up_plan(dataset, args.lines_per_item)
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite (file)")
        _bench(f"sqlite:///{Path(tmp) / 'store.db'}", dataset, plan)
    with bench_database() as url:
        if url is not None:
            print("PostgreSQL 127.0.0.1")
            _bench(url, dataset, plan)


if __name__ == "__main__":
    main()
