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
from mrp.codes import run_starts, sort_order
from mrp.plan import PLAN_COLUMNS

CELLS = ("gross", "scheduled_receipts", "net", "planned_receipts", "planned_releases")


def records_frame(item_ids: np.ndarray, item_rank: np.ndarray, lot_item: np.ndarray, sup, planned: dict, net: dict,
                  outflow: dict, as_of: date) -> pd.DataFrame:
    """The records of every item from the walk's arrays (lots after the walk, planned orders, net, draws),
    in the order of item ids and dates."""
    on_hand_lot = sup.reel & (sup.arr == 0)
    on_hand = np.bincount(lot_item[on_hand_lot], weights=sup.qty[on_hand_lot], minlength=len(item_ids))
    scheduled = ~on_hand_lot
    stocked = np.flatnonzero(on_hand > 0)
    parts = [
        (outflow["item"], outflow["day"], "gross", outflow["qty"]),
        (lot_item[scheduled], sup.arr[scheduled], "scheduled_receipts", sup.qty[scheduled]),
        (net["item"], net["day"], "net", net["qty"]),
        (planned["item"], planned["due"], "planned_receipts", planned["receipt"]),
        (planned["item"], np.maximum(planned["release"], 0), "planned_releases", planned["started"]),
        (stocked, np.zeros(len(stocked), np.int64), "gross", np.zeros(len(stocked))),
    ]
    item = np.concatenate([np.asarray(p[0], np.int64) for p in parts])
    day = np.concatenate([np.asarray(p[1], np.int64) for p in parts])
    order = sort_order(item_rank[item], day)
    item, day = item[order], day[order]
    first = run_starts(item, day)
    cells = {}
    for name in CELLS:
        column = np.zeros(len(order))
        start = 0
        for p_item, _, p_name, p_values in parts:
            if p_name == name:
                column[start:start + len(p_item)] = p_values
            start += len(p_item)
        cells[name] = np.add.reduceat(column[order], first) if len(first) else column
    item, day = item[first], day[first]
    delta = cells["scheduled_receipts"] + cells["planned_receipts"] - cells["gross"]
    new_item = run_starts(item)
    delta[new_item] += on_hand[item[new_item]]
    frame = pd.DataFrame({"item_id": pd.array(item_ids[item].astype(object), dtype="str"),
                          "date": day_column(day, as_of), **cells}, copy=False)
    frame["projected_on_hand"] = pd.Series(delta).groupby(item, sort=False).cumsum().to_numpy()
    return frame[list(PLAN_COLUMNS["mrp_records"])]
