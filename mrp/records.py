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
from numba import njit

from mrp.calendar import day_column
from mrp.codes import group_order
from mrp.plan import PLAN_COLUMNS

CELLS = ("gross", "scheduled_receipts", "net", "planned_receipts", "planned_releases")
GROSS, SCHEDULED, NET, PLANNED, RELEASES = range(len(CELLS))


def records_frame(item_ids: np.ndarray, item_rank: np.ndarray, lot_item: np.ndarray, sup, planned: dict, net: dict,
                  outflow: dict, as_of: date) -> pd.DataFrame:
    """The records of every item from the walk's arrays (lots after the walk, planned orders, net, draws),
    in the order of item ids and dates."""
    on_hand_lot = sup.reel & (sup.arr == 0)
    on_hand = np.bincount(lot_item[on_hand_lot], weights=sup.qty[on_hand_lot], minlength=len(item_ids))
    scheduled = ~on_hand_lot
    stocked = np.flatnonzero(on_hand > 0)
    parts = [
        (outflow["item"], outflow["day"], GROSS, outflow["qty"]),
        (lot_item[scheduled], sup.arr[scheduled], SCHEDULED, sup.qty[scheduled]),
        (net["item"], net["day"], NET, net["qty"]),
        (planned["item"], planned["due"], PLANNED, planned["receipt"]),
        (planned["item"], np.maximum(planned["release"], 0), RELEASES, planned["started"]),
        (stocked, np.zeros(len(stocked), np.int64), GROSS, np.zeros(len(stocked))),
    ]
    item = np.concatenate([np.asarray(p[0], np.int64) for p in parts])
    day = np.concatenate([np.asarray(p[1], np.int64) for p in parts])
    cell = np.concatenate([np.full(len(p[0]), p[2], np.int8) for p in parts])
    value = np.concatenate([np.asarray(p[3], float) for p in parts])
    order = group_order(item_rank[item], len(item_ids), day)
    item, day, cells, on_hand_after = _grid(order, item, day, cell, value, on_hand)
    frame = pd.DataFrame({"item_id": pd.array(item_ids[item].astype(object), dtype="str"),
                          "date": day_column(day, as_of), **dict(zip(CELLS, cells)),
                          "projected_on_hand": on_hand_after}, copy=False)
    return frame[list(PLAN_COLUMNS["mrp_records"])]


@njit(cache=True)
def _grid(order, item, day, cell, value, on_hand):
    """Rows (in ``order``) summed per (item, day) into their cells, and the projected on hand
    at the end of each day: one pass instead of a gather and a group sum per cell."""
    n_groups = 0
    for i in range(len(order)):
        row = order[i]
        if i == 0 or item[row] != item[order[i - 1]] or day[row] != day[order[i - 1]]:
            n_groups += 1
    g_item = np.empty(n_groups, np.int64)
    g_day = np.empty(n_groups, np.int64)
    cells = np.zeros((len(CELLS), n_groups))
    g = -1
    for i in range(len(order)):
        row = order[i]
        if g < 0 or item[row] != g_item[g] or day[row] != g_day[g]:
            g += 1
            g_item[g] = item[row]
            g_day[g] = day[row]
        cells[cell[row], g] += value[row]
    after = np.empty(n_groups)
    running = 0.0
    for g in range(n_groups):
        delta = cells[SCHEDULED, g] + cells[PLANNED, g] - cells[GROSS, g]
        if g == 0 or g_item[g] != g_item[g - 1]:
            running = delta + on_hand[g_item[g]]
        else:
            running += delta
        after[g] = running
    return g_item, g_day, cells, after
