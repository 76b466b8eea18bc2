"""Independent checks of a dataset's structure, shared by the sample and generator tests."""

from __future__ import annotations

from functools import cache
from graphlib import TopologicalSorter

import pandas as pd

from mrp.dataset import OFFER_KEY, PER_OFFER_COLUMNS, TABLES, Dataset, dtype_of


def deepest_chain(bom: pd.DataFrame) -> int:
    """Items on the longest parent-to-leaf path; raises graphlib.CycleError on a cycle."""
    children: dict[str, set[str]] = {}
    for parent, child in zip(bom["parent_id"], bom["child_id"]):
        children.setdefault(parent, set()).add(child)
    TopologicalSorter(children).prepare()

    @cache
    def depth(item: str) -> int:
        return 1 + max((depth(c) for c in children.get(item, ())), default=0)

    return max(depth(p) for p in children)


def schema_problems(ds: Dataset) -> list[str]:
    """Columns or dtypes that differ from mrp.dataset's schema."""
    problems = []
    for name, table in TABLES.items():
        frame = ds.table(name)
        if list(frame.columns) != table.column_names:
            problems.append(f"{name}: columns {list(frame.columns)}")
            continue
        for column in frame.columns:
            if str(frame[column].dtype) != dtype_of(name, column):
                problems.append(f"{name}.{column}: {frame[column].dtype}")
    return problems


def reference_problems(ds: Dataset) -> list[str]:
    """Dangling ids and type mistakes a planner would reject."""
    items = ds.items.set_index("item_id")["type"]
    make = set(items[items == "make"].index)
    buy = set(items[items == "buy"].index)
    suppliers = set(ds.suppliers["supplier_id"])
    lines = set(ds.smt_lines["line_id"])
    customers = set(ds.demand["customer_id"])
    problems = []

    def unknown(what: str, values, known) -> None:
        missing = sorted(set(values) - set(known))
        if missing:
            problems.append(f"{what}: {missing[:5]}")

    unknown("bom parents that are not make items", ds.bom["parent_id"], make)
    unknown("bom children", ds.bom["child_id"], items.index)
    unknown("demand items", ds.demand["item_id"], items.index)
    unknown("reel items", ds.inventory["item_id"], items.index)
    unknown("reel owners", ds.inventory["owner"], customers | {"company"})
    unknown("offer items that are not buy items", ds.supplier_offers["item_id"], buy)
    unknown("offer suppliers", ds.supplier_offers["supplier_id"], suppliers)
    unknown("PO items that are not buy items", ds.purchase_orders["item_id"], buy)
    unknown("PO suppliers", ds.purchase_orders["supplier_id"], suppliers)
    unknown("work order items that are not make items", ds.work_orders["item_id"], make)
    unknown("work order lines", set(ds.work_orders["line_id"]) - {""}, lines)
    unknown("work order customers", set(ds.work_orders["customer_id"]) - {""}, customers)
    unknown("SMT items that are not make items", ds.smt_process["item_id"], make)
    restricted = {line for ids in ds.smt_process["line_ids"] for line in ids.split(";") if line}
    unknown("smt_process lines", restricted, lines)
    per_offer = ds.supplier_offers.groupby(list(OFFER_KEY))[list(PER_OFFER_COLUMNS)].nunique(dropna=False)
    if (per_offer > 1).any().any():
        problems.append("offers whose break rows disagree on a per-offer column")
    if ds.supplier_offers.duplicated(list(OFFER_KEY) + ["break_qty"]).any():
        problems.append("duplicate price breaks")
    for name, table in TABLES.items():
        if table.key and ds.table(name).duplicated(list(table.key)).any():
            problems.append(f"duplicate keys in {name}")
    return problems


def feeder_count(ds: Dataset, board: str, on: pd.Timestamp) -> int:
    """Distinct buy children on feeders whose BOM line is valid on day ``on``."""
    bom = ds.bom
    buy = set(ds.items.loc[ds.items["type"] == "buy", "item_id"])
    valid = (bom["valid_from"].isna() | (bom["valid_from"] <= on)) & (bom["valid_to"].isna() | (on < bom["valid_to"]))
    lines = bom[(bom["parent_id"] == board) & bom["feeder"] & valid & bom["child_id"].isin(buy)]
    return lines["child_id"].nunique()
