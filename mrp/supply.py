"""Supply that exists before planning: reels, open purchase and work orders (rule 4).

A reel is netted when it is ``available``, holds at least the item's ``min_usable_qty``
and has floor life left; a moisture-sensitive reel whose floor life is used up is on
hand after a bake. Quarantined and held reels are not netted. Open orders arrive on
their due dates, never before ``as_of``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mrp.calendar import iso, to_days
from mrp.dataset import Dataset
from mrp.exceptions import ExceptionLog, fmt_qty

LOT_COLUMNS = ("item_id", "supply_type", "supply_id", "owner", "arrival", "quantity", "is_reel")


def company_owned(owner: pd.Series) -> np.ndarray:
    """Owners that mean the company pool: empty or ``company``."""
    owner = owner.fillna("").astype(str)
    return (owner == "").to_numpy() | (owner == "company").to_numpy()


def supply_lots(ds: Dataset, log: ExceptionLog) -> pd.DataFrame:
    """Every netted lot: reels (in file order), then open POs, then open WOs.

    ``owner`` is the customer whose pool the lot fills, empty for the company pool;
    ``arrival`` is its planning day.
    """
    frames = [_reels(ds, log), _purchase_orders(ds), _work_orders(ds)]
    lots = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else None
    if lots is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            LOT_COLUMNS, ("str", "str", "str", "str", "int64", "float64", "bool"))})
    lots["owner"] = np.where(company_owned(lots["owner"]), "", lots["owner"].astype(str))
    return lots


def _reels(ds: Dataset, log: ExceptionLog) -> pd.DataFrame:
    inv = ds.inventory
    if inv.empty:
        return pd.DataFrame(columns=list(LOT_COLUMNS))
    min_usable = inv["item_id"].map(ds.items.set_index("item_id")["min_usable_qty"]).fillna(0.0).to_numpy()
    qty = inv["quantity"].to_numpy(dtype=float)
    available = (inv["status"] == "available").to_numpy()
    stranded = available & (qty < min_usable - 1e-9)
    floor_life = inv["floor_life_hours_left"].to_numpy(dtype=float)
    needs_bake = available & ~stranded & ~np.isnan(floor_life) & (floor_life <= 0)
    bake_day = int(math.ceil(ds.settings.bake_hours / 24.0 - 1e-9))
    for i in np.flatnonzero(stranded):
        row = inv.iloc[i]
        log.add("stranded_stock", row.item_id, row.reel_id, 0, row.quantity,
                f"Reel {row.reel_id} holds {fmt_qty(row.quantity)} {row.item_id}, less than the "
                f"{fmt_qty(min_usable[i])} a feeder can load; not counted as stock. Splice or scrap it.")
    netted = available & ~stranded & (qty > 0)
    for i in np.flatnonzero(netted & needs_bake):
        row = inv.iloc[i]
        log.add("needs_bake", row.item_id, row.reel_id, bake_day, row.quantity,
                f"Reel {row.reel_id} ({fmt_qty(row.quantity)} {row.item_id}) has used up its MSL floor life; "
                f"bake it ({ds.settings.bake_hours:g} h). Counted as on hand from {iso(bake_day, ds.settings.as_of)}.")
    reels = inv[netted]
    return pd.DataFrame({
        "item_id": reels["item_id"].to_numpy(), "supply_type": "stock", "supply_id": reels["reel_id"].to_numpy(),
        "owner": reels["owner"].to_numpy(), "arrival": np.where(needs_bake[netted], bake_day, 0).astype(np.int64),
        "quantity": qty[netted], "is_reel": True,
    })


def _purchase_orders(ds: Dataset) -> pd.DataFrame:
    """Scheduled receipts into the company pool."""
    po = ds.purchase_orders
    if po.empty:
        return pd.DataFrame(columns=list(LOT_COLUMNS))
    return pd.DataFrame({
        "item_id": po["item_id"].to_numpy(), "supply_type": "po",
        "supply_id": (po["po_id"].astype(str) + "/" + po["line"].astype(str)).to_numpy(), "owner": "",
        "arrival": np.maximum(to_days(po["due_date"], ds.settings.as_of), 0).astype(np.int64),
        "quantity": po["quantity_open"].to_numpy(dtype=float), "is_reel": False,
    })


def _work_orders(ds: Dataset) -> pd.DataFrame:
    """Scheduled receipts into their customer's pool."""
    wo = ds.work_orders
    if wo.empty:
        return pd.DataFrame(columns=list(LOT_COLUMNS))
    return pd.DataFrame({
        "item_id": wo["item_id"].to_numpy(), "supply_type": "wo", "supply_id": wo["wo_id"].to_numpy(),
        "owner": wo["customer_id"].fillna("").to_numpy(),
        "arrival": np.maximum(to_days(wo["due_date"], ds.settings.as_of), 0).astype(np.int64),
        "quantity": wo["quantity_open"].to_numpy(dtype=float), "is_reel": False,
    })


def planned_work_orders(ds: Dataset) -> pd.DataFrame:
    """Planned work orders with the day their components are needed (start, never before as_of)."""
    wo = ds.work_orders
    planned = wo[wo["status"] == "planned"]
    start = np.maximum(to_days(planned["start_date"], ds.settings.as_of), 0).astype(int)
    return planned.assign(start_day=start)
