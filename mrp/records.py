"""MRP records (``mrp_records.csv``): the classic time-phased grid, per item and active day.

``projected_on_hand`` is the item's total over all pools at the end of the day: the usable
reels on hand at ``as_of``, plus scheduled receipts (open orders on the day they are drawn
in — their expedite day when pulled in — and reels back from baking), plus planned
receipts, less gross requirements. ``net`` is what the day lacked after stock and open
orders: the quantity the day's planned orders cover before lot sizing.
"""

from __future__ import annotations

from array import array
from datetime import date

import pandas as pd

from mrp.calendar import day_column
from mrp.netting import NettingResult
from mrp.plan import PLAN_COLUMNS


def item_records(item_id: str, result: NettingResult, columns: dict[str, list | array]) -> None:
    """Append one item's rows (item, day, gross, scheduled receipts, projected on hand, net, planned
    receipts, releases) to ``columns``, a list or packed array per column in that order."""
    grid: dict[int, list[float]] = {}

    def cell(day: int) -> list[float]:
        return grid.setdefault(day, [0.0, 0.0, 0.0, 0.0, 0.0])  # gross, sched, net, p_receipt, p_release

    on_hand = 0.0
    for lot in result.lots:
        if lot.supply_type == "planned":
            continue
        if lot.is_reel and lot.arrival == 0:
            on_hand += lot.quantity
        else:
            cell(lot.arrival)[1] += lot.quantity
    for po in result.planned_orders:
        cell(po.due_day)[3] += po.receipt_quantity
        cell(po.release_day)[4] += po.quantity
    for day, net in result.net_by_day.items():
        cell(day)[2] += net
    for day, qty in _gross_by_day(result).items():
        cell(day)[0] += qty
    if not grid and on_hand <= 0:
        return
    if on_hand > 0:
        cell(0)
    item_col, day_col, gross_col, sched_col, balance_col, net_col, receipt_col, release_col = columns.values()
    balance = on_hand
    for day in sorted(grid):
        gross, sched, net, receipt, release = grid[day]
        balance += sched + receipt - gross
        item_col.append(item_id)
        day_col.append(day)
        gross_col.append(gross)
        sched_col.append(sched)
        balance_col.append(balance)
        net_col.append(net)
        receipt_col.append(receipt)
        release_col.append(release)


def records_frame(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The records table from its rows (columns as :func:`item_records` appends them)."""
    frame.insert(1, "date", day_column(frame.pop("day").to_numpy(), as_of))
    return frame[list(PLAN_COLUMNS["mrp_records"])].sort_values(["item_id", "date"], kind="stable").reset_index(drop=True)


def _gross_by_day(result: NettingResult) -> dict[int, float]:
    """Gross requirements are exactly what the walk drew, since every requirement is covered."""
    gross: dict[int, float] = {}
    for pool in result.pool_outflow.values():
        for day, qty in pool.items():
            gross[day] = gross.get(day, 0.0) + qty
    return gross
