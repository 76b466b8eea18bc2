"""Small datasets written as CSV text, read through the real validating parser."""

from __future__ import annotations

import io
from datetime import date
from textwrap import dedent

import pandas as pd
from hypothesis import strategies as st

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


CUSTOMERS = ["C1", "C2", "C3"]


@st.composite
def factories(draw: st.DrawFn) -> Dataset:
    n_make = draw(st.integers(1, 3))
    n_buy = draw(st.integers(1, 4))
    make = [f"M{i}" for i in range(n_make)]
    buy = [f"B{i}" for i in range(n_buy)]
    items = ["item_id,type,lead_time_days,safety_stock,lot_rule,lot_size,lot_period_days,min_order_qty,"
             "order_multiple,attrition_pct,yield_pct"]
    for item in make + buy:
        rule = draw(st.sampled_from(["L4L", "FOQ", "POQ"]))
        items.append(",".join(str(v) for v in (
            item, "make" if item in make else "buy", draw(st.integers(0, 20)),
            draw(st.sampled_from([0, 0, 15])), rule,
            draw(st.sampled_from([50, 120])) if rule == "FOQ" else "",
            draw(st.sampled_from([7, 14])) if rule == "POQ" else "",
            draw(st.sampled_from([0, 0, 40])), draw(st.sampled_from(["", "", 25])),
            draw(st.sampled_from([0, 0, 3])), draw(st.sampled_from([100, 100, 97])))))
    bom = ["parent_id,child_id,qty_per"]
    for i, parent in enumerate(make):
        children = draw(st.lists(st.sampled_from(make[i + 1:] + buy), min_size=1, max_size=3, unique=True))
        bom += [f"{parent},{child},{draw(st.sampled_from([1, 2, 3]))}" for child in children]
    demand = ["demand_id,customer_id,item_id,due_date,quantity,kind,priority"]
    for k in range(draw(st.integers(1, 8))):
        day = draw(st.integers(-5, 90))
        demand.append(f"D{k},{draw(st.sampled_from(CUSTOMERS))},{draw(st.sampled_from(make + buy))},"
                      f"{(pd.Timestamp(AS_OF) + pd.Timedelta(days=day)).date()},{draw(st.integers(1, 200))},"
                      f"{draw(st.sampled_from(['order', 'order', 'forecast']))},{draw(st.sampled_from([1, 100]))}")
    inventory = ["reel_id,item_id,quantity,owner"]
    for k in range(draw(st.integers(0, 6))):
        inventory.append(f"R{k},{draw(st.sampled_from(make + buy))},{draw(st.integers(0, 150))},"
                         f"{draw(st.sampled_from(['company', 'company'] + CUSTOMERS))}")
    pos = ["po_id,item_id,quantity_open,due_date"]
    for k in range(draw(st.integers(0, 4))):
        day = draw(st.integers(-3, 60))
        pos.append(f"PO{k},{draw(st.sampled_from(buy))},{draw(st.integers(1, 150))},"
                   f"{(pd.Timestamp(AS_OF) + pd.Timedelta(days=day)).date()}")
    return dataset({"horizon_days": 80}, items="\n".join(items), bom="\n".join(bom), demand="\n".join(demand),
                   inventory="\n".join(inventory), purchase_orders="\n".join(pos))
