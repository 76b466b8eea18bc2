"""Small datasets written as CSV text, read through the real validating parser."""

from __future__ import annotations

import io
from datetime import date
from textwrap import dedent

import pandas as pd

from connectors.dataset import parse_tables
from mrp.dataset import Dataset
from mrp.engine import MrpResult, plan_mrp

AS_OF = date(2026, 11, 23)


def dataset(settings: dict | None = None, **tables: str) -> Dataset:
    raw = {name: pd.read_csv(io.StringIO(dedent(text).strip() + "\n"), dtype=str, keep_default_na=False)
           for name, text in tables.items()}
    ds, _ = parse_tables(raw, {"as_of": AS_OF, **(settings or {})})
    return ds


def plan(settings: dict | None = None, **tables: str) -> MrpResult:
    return plan_mrp(dataset(settings, **tables))


def orders(result: MrpResult, item_id: str) -> list[tuple[str, float, str, str]]:
    """(customer, quantity, release, due) of an item's planned orders, in due order."""
    frame = result.planned_orders[result.planned_orders["item_id"] == item_id]
    return [(c, q, r.date().isoformat(), d.date().isoformat())
            for c, q, r, d in zip(frame["customer_id"], frame["quantity"], frame["release_date"], frame["due_date"])]


def exceptions(result: MrpResult, kind: str) -> list[tuple[str, str, str, float]]:
    """(item, ref, date, quantity) of one exception type."""
    frame = result.exceptions[result.exceptions["type"] == kind]
    return [(i, r, d.date().isoformat(), q) for i, r, d, q in
            zip(frame["item_id"], frame["ref_id"], frame["date"], frame["quantity"])]


def pegged(result: MrpResult, item_id: str) -> dict[tuple[str, str], float]:
    """{(demand_id, supply_id): quantity} for one item ('' demand = surplus)."""
    frame = result.pegging[result.pegging["item_id"] == item_id]
    return {(d, s): q for d, s, q in zip(frame["demand_id"], frame["supply_id"], frame["quantity"])}
