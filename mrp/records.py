"""MRP records (``mrp_records.csv``): the classic time-phased grid, per item and active day.

``projected_on_hand`` is the item's total over all pools at the end of the day: the usable
reels on hand at ``as_of``, plus scheduled receipts (open orders on the day they are drawn
in — their expedite day when pulled in — and reels back from baking), plus planned
receipts, less gross requirements. ``net`` is what the day lacked after stock and open
orders: the quantity the day's planned orders cover before lot sizing. Gross requirements
are exactly what the walk drew, since every requirement is covered.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from mrp.calendar import day_column
from mrp.plan import PLAN_COLUMNS

CELLS = ("gross", "scheduled_receipts", "net", "planned_receipts", "planned_releases")


def records_frame(item_ids: np.ndarray, lot_item: np.ndarray, sup, planned: dict, net: dict, outflow: dict,
                  as_of: date) -> pd.DataFrame:
    """The records of every item from the walk's arrays (lots after the walk, planned orders, net, draws)."""
    on_hand_lot = sup.reel & (sup.arr == 0)
    on_hand = np.bincount(lot_item[on_hand_lot], weights=sup.qty[on_hand_lot], minlength=len(item_ids))
    scheduled = ~on_hand_lot
    parts = [
        _cells(outflow["item"], outflow["day"], gross=outflow["qty"]),
        _cells(lot_item[scheduled], sup.arr[scheduled], scheduled_receipts=sup.qty[scheduled]),
        _cells(net["item"], net["day"], net=net["qty"]),
        _cells(planned["item"], planned["due"], planned_receipts=planned["receipt"]),
        _cells(planned["item"], np.maximum(planned["release"], 0), planned_releases=planned["started"]),
    ]
    stocked = np.flatnonzero(on_hand > 0)
    parts.append(_cells(stocked, np.zeros(len(stocked), np.int64)))
    grid = pd.concat(parts, ignore_index=True).groupby(["item", "day"], sort=True)[list(CELLS)].sum().reset_index()
    item = grid["item"].to_numpy()
    delta = (grid["scheduled_receipts"] + grid["planned_receipts"] - grid["gross"]).to_numpy(copy=True)
    first = np.r_[True, item[1:] != item[:-1]] if len(item) else np.zeros(0, bool)
    delta[first] += on_hand[item[first]]
    grid["projected_on_hand"] = pd.Series(delta).groupby(item).cumsum().to_numpy()
    grid.insert(0, "item_id", pd.array(item_ids[item].astype(object), dtype="str"))
    grid.insert(1, "date", day_column(grid.pop("day").to_numpy(), as_of))
    frame = grid[list(PLAN_COLUMNS["mrp_records"])]
    return frame.sort_values(["item_id", "date"], kind="stable").reset_index(drop=True)


def _cells(item: np.ndarray, day: np.ndarray, **values: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"item": np.asarray(item, np.int64), "day": np.asarray(day, np.int64)})
    for name in CELLS:
        frame[name] = values.get(name, 0.0)
    return frame
