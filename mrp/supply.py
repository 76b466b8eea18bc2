"""Supply that exists before planning: reels, open purchase and work orders (rule 4).

A reel is netted when it is ``available``, holds at least the item's ``min_usable_qty``
and has floor life left; a moisture-sensitive reel whose floor life is used up is on
hand after a bake. Quarantined and held reels are not netted. Open orders arrive on
their due dates, never before ``as_of``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mrp.calendar import iso, to_days
from mrp.dataset import Dataset
from mrp.exceptions import ExceptionLog, fmt_qty
from mrp.netting import COMPANY, Lot

LotSpec = dict[str, Any]


def _pool(owner: str) -> str:
    return COMPANY if owner in ("", "company") else owner


def reel_lots(ds: Dataset, log: ExceptionLog) -> dict[str, list[LotSpec]]:
    inv = ds.inventory
    out: dict[str, list[LotSpec]] = {}
    if inv.empty:
        return out
    min_usable = inv["item_id"].map(ds.items.set_index("item_id")["min_usable_qty"]).fillna(0.0).to_numpy()
    qty = inv["quantity"].to_numpy(dtype=float)
    available = (inv["status"] == "available").to_numpy()
    stranded = available & (qty < min_usable - 1e-9)
    floor_life = inv["floor_life_hours_left"].to_numpy(dtype=float)
    needs_bake = available & ~stranded & ~np.isnan(floor_life) & (floor_life <= 0)
    bake_day = int(math.ceil(ds.settings.bake_hours / 24.0 - 1e-9))
    for i, row in enumerate(inv[["reel_id", "item_id", "owner", "quantity"]].itertuples(index=False)):
        if stranded[i]:
            log.add("stranded_stock", row.item_id, row.reel_id, 0, row.quantity,
                    f"Reel {row.reel_id} holds {fmt_qty(row.quantity)} {row.item_id}, less than the "
                    f"{fmt_qty(min_usable[i])} a feeder can load; not counted as stock. Splice or scrap it.")
            continue
        if not available[i] or row.quantity <= 0:
            continue
        arrival = 0
        if needs_bake[i]:
            arrival = bake_day
            log.add("needs_bake", row.item_id, row.reel_id, arrival, row.quantity,
                    f"Reel {row.reel_id} ({fmt_qty(row.quantity)} {row.item_id}) has used up its MSL floor life; "
                    f"bake it ({ds.settings.bake_hours:g} h). Counted as on hand from {iso(arrival, ds.settings.as_of)}.")
        out.setdefault(row.item_id, []).append(
            dict(supply_type="stock", supply_id=row.reel_id, pool=_pool(row.owner), arrival=arrival,
                 quantity=float(row.quantity), is_reel=True, available=arrival))
    return out


def open_order_lots(ds: Dataset) -> dict[str, list[LotSpec]]:
    """Scheduled receipts. Purchase orders fill the company pool; work orders their customer's."""
    out: dict[str, list[LotSpec]] = {}
    as_of = ds.settings.as_of
    po = ds.purchase_orders
    if not po.empty:
        due = np.maximum(to_days(po["due_date"], as_of), 0).astype(int)
        for row, day in zip(po[["po_id", "line", "item_id", "quantity_open"]].itertuples(index=False), due):
            out.setdefault(row.item_id, []).append(
                dict(supply_type="po", supply_id=f"{row.po_id}/{row.line}", pool=COMPANY, arrival=int(day),
                     quantity=float(row.quantity_open), due=int(day), available=int(day)))
    wo = ds.work_orders
    if not wo.empty:
        due = np.maximum(to_days(wo["due_date"], as_of), 0).astype(int)
        for row, day in zip(wo[["wo_id", "item_id", "quantity_open", "customer_id"]].itertuples(index=False), due):
            out.setdefault(row.item_id, []).append(
                dict(supply_type="wo", supply_id=row.wo_id, pool=_pool(row.customer_id), arrival=int(day),
                     quantity=float(row.quantity_open), due=int(day), available=int(day)))
    return out


def build_lots(specs: list[LotSpec]) -> list[Lot]:
    """Fresh lot objects (a walk consumes them)."""
    return [Lot(**spec) for spec in specs]


def planned_work_orders(ds: Dataset) -> pd.DataFrame:
    """Planned work orders with the day their components are needed (start, never before as_of)."""
    wo = ds.work_orders
    planned = wo[wo["status"] == "planned"]
    start = np.maximum(to_days(planned["start_date"], ds.settings.as_of), 0).astype(int)
    return planned.assign(start_day=start)
