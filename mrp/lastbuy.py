"""Last-time buys: no buy item is ordered after its last-time-buy date (docs/mrp.md, "Last-time buy").

Applied to MRP's finished plan (the walk plans every item as if it could always be bought):

- ``last_time_buy_date`` D on or after ``as_of``: every planned order of the item released
  after D is released on D instead; its due date, quantity and pegging stay (purchasing
  covers all of them with one line, docs/purchasing.md).
- D before ``as_of``: the item's planned orders are removed, with their pegging; what stock
  and open orders received by a day do not cover of that day's requirement is short, one
  ``no_supply_after_eol`` exception per such day; the SMT orders that drew on those orders
  wait for material that never comes, and the optimiser gets no requirement of the item.

``mrp_records`` follow: moved releases are booked on D, removed receipts leave the projected
on hand that much lower from their day on.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from mrp.codes import ids_among
from mrp.dataset import PlanSettings
from mrp.plan import PLAN_COLUMNS
from mrp.result import MrpResult


def last_time_buy(result: MrpResult, items: pd.DataFrame, settings: PlanSettings) -> MrpResult:
    """No planned buy order is released after its item's last-time-buy date (module docstring)."""
    dated = items.loc[(items["type"] == "buy") & items["last_time_buy_date"].notna(), ["item_id", "last_time_buy_date"]]
    if dated.empty:
        return result
    as_of = pd.Timestamp(settings.as_of)
    cutoff = dict(zip(dated["item_id"].astype(str), pd.to_datetime(dated["last_time_buy_date"])))
    orders = result.planned_orders
    if orders.empty:
        return result
    date_of = pd.to_datetime(orders["item_id"].astype(str).map(cutoff))
    ended = (date_of < as_of).to_numpy()
    later = ((date_of >= as_of) & (orders["release_date"] > date_of)).to_numpy()
    if not ended.any() and not later.any():
        return result
    records = result.mrp_records
    moved = orders.loc[later]
    removed = orders.loc[ended]
    records = _records_moved(records, moved, date_of[later])
    records = _records_removed(records, removed, as_of)
    orders = orders.loc[~ended].copy()
    orders.loc[later[~ended], "release_date"] = date_of[later].to_numpy(dtype="datetime64[ns]")
    orders = orders.reset_index(drop=True)
    gone = set(removed["order_id"].astype(str))
    ended_items = set(removed["item_id"].astype(str))
    pegging = result.pegging
    if pegging is not None and gone:
        pegging = pegging.loc[~ids_among(pegging["supply_id"], gone)].reset_index(drop=True)
    material = result.material
    if gone and not material.empty:
        material = material.copy()
        drawn = ids_among(material["supply_id"], gone)
        material.loc[drawn, "available_date"] = pd.NaT
    net = result.net_requirements
    pegs = result.requirement_pegs
    if ended_items:
        net = net.loc[~ids_among(net["item_id"], ended_items)].reset_index(drop=True)
        pegs = pegs.loc[~ids_among(pegs["item_id"], ended_items)].reset_index(drop=True)
    exceptions = result.exceptions
    if gone:  # messages about orders that are no longer planned
        exceptions = exceptions.loc[~exceptions["ref_id"].astype(str).isin(gone).to_numpy()].reset_index(drop=True)
    exceptions = _no_supply_after_eol(exceptions, result.mrp_records, ended_items, cutoff)
    return replace(result, planned_orders=orders, mrp_records=records, pegging=pegging, material=material,
                   net_requirements=net, requirement_pegs=pegs, exceptions=exceptions,
                   counts={**result.counts, "planned_orders": len(orders), "exceptions": len(exceptions)})


def _records_moved(records: pd.DataFrame, moved: pd.DataFrame, to: pd.Series) -> pd.DataFrame:
    """Records with each moved order's release taken off its old day and booked on ``to``."""
    if moved.empty:
        return records
    records = records.copy()
    index = pd.MultiIndex.from_arrays([records["item_id"].astype(str).to_numpy(dtype=object),
                                       pd.to_datetime(records["date"]).to_numpy(dtype="datetime64[ns]")])
    item_id = moved["item_id"].astype(str).to_numpy(dtype=object)
    old = pd.to_datetime(moved["release_date"]).to_numpy(dtype="datetime64[ns]")
    new = to.to_numpy(dtype="datetime64[ns]")
    quantity = moved["quantity"].astype(float).to_numpy()
    releases = records["planned_releases"].to_numpy(dtype=float, copy=True)
    # An order moves to its cutoff, before its old release day, so no cell is both taken from
    # and booked on; each is changed order by order, as one at a time would.
    at_old = index.get_indexer(pd.MultiIndex.from_arrays([item_id, old]))
    at_new = index.get_indexer(pd.MultiIndex.from_arrays([item_id, new]))
    np.subtract.at(releases, at_old[at_old >= 0], quantity[at_old >= 0])
    np.add.at(releases, at_new[at_new >= 0], quantity[at_new >= 0])
    records["planned_releases"] = releases
    touched = np.unique(at_old[at_old >= 0])
    cells = ["gross", "scheduled_receipts", "net", "planned_receipts", "planned_releases"]
    quiet = np.zeros(len(records), bool)
    quiet[touched] = (np.abs(records[cells].to_numpy(dtype=float)[touched]) <= 1e-9).all(axis=1)
    records = records.loc[~quiet].reset_index(drop=True)
    absent = at_new < 0
    if not absent.any():
        return records
    return _with_rows(records, list(zip(item_id[absent], (pd.Timestamp(d) for d in new[absent]), quantity[absent])))


def _with_rows(records: pd.DataFrame, added: list[tuple[str, pd.Timestamp, float]]) -> pd.DataFrame:
    """New rows of releases on days an item had none; their projected on hand is the day before's."""
    record_item = records["item_id"].astype(str).to_numpy(dtype=object)
    record_day = pd.to_datetime(records["date"]).to_numpy(dtype="datetime64[ns]")
    on_hand_of = records["projected_on_hand"].to_numpy(dtype=float)
    first_on_hand = (on_hand_of - records["scheduled_receipts"].to_numpy(dtype=float)
                     - records["planned_receipts"].to_numpy(dtype=float) + records["gross"].to_numpy(dtype=float))
    added = pd.DataFrame(added, columns=["item_id", "date", "q"])
    mine = np.flatnonzero(pd.Index(record_item).isin(added["item_id"].unique()))
    groups = pd.Series(record_item[mine]).groupby(record_item[mine]).indices
    rows_of = {item_id: mine[at] for item_id, at in groups.items()}
    rows = []
    for (item_id, day), group in added.groupby(["item_id", "date"]):
        at = rows_of[item_id]  # the item's records, in their order
        before = at[record_day[at] < day.to_datetime64()]
        on_hand = float(on_hand_of[before[-1]]) if len(before) else float(first_on_hand[at[0]])
        rows.append({"item_id": item_id, "date": day, "gross": 0.0, "scheduled_receipts": 0.0,
                     "projected_on_hand": on_hand, "net": 0.0, "planned_receipts": 0.0,
                     "planned_releases": float(group.q.sum())})
    frame = pd.concat([records, pd.DataFrame(rows).astype(records.dtypes.to_dict())], ignore_index=True)
    # Items keep their order (of first appearance: every new row's item has records before it).
    key, _ = pd.factorize(np.append(record_item, [row["item_id"] for row in rows]))
    order = np.lexsort((pd.to_datetime(frame["date"]).to_numpy(), key))
    return frame.iloc[order].reset_index(drop=True)[list(PLAN_COLUMNS["mrp_records"])]


def _records_removed(records: pd.DataFrame, removed: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Records without the removed orders' receipts and releases; on hand lower from each receipt's day on."""
    if removed.empty:
        return records
    records = records.copy()
    item = records["item_id"].astype(str).to_numpy()
    day = pd.to_datetime(records["date"]).to_numpy()
    for item_id, due, release, receipt, quantity in zip(
            removed["item_id"].astype(str), pd.to_datetime(removed["due_date"]), pd.to_datetime(removed["release_date"]),
            removed["receipt_quantity"].astype(float), removed["quantity"].astype(float)):
        mine = item == item_id
        on_due = np.flatnonzero(mine & (day == due.to_datetime64()))
        records.loc[on_due, "planned_receipts"] -= receipt
        records.loc[mine & (day >= due.to_datetime64()), "projected_on_hand"] -= receipt
        on_release = np.flatnonzero(mine & (day == max(release, as_of).to_datetime64()))
        records.loc[on_release, "planned_releases"] -= quantity
    return records


def _no_supply_after_eol(exceptions: pd.DataFrame, records: pd.DataFrame, ended: set[str],
                         cutoff: dict[str, pd.Timestamp]) -> pd.DataFrame:
    """One ``no_supply_after_eol`` per day an ended item's stock and open orders received by then
    (all pools) fall short of that day's gross requirement, for the part they fall short."""
    if not ended:
        return exceptions
    rows = []
    for item_id, mine in records.loc[records["item_id"].astype(str).isin(ended).to_numpy()].groupby(
            records["item_id"].astype(str), sort=True):
        first = mine.iloc[0]
        left = float(first.projected_on_hand - first.scheduled_receipts - first.planned_receipts + first.gross)
        for day, gross, received in zip(pd.to_datetime(mine["date"]), mine["gross"].astype(float),
                                        mine["scheduled_receipts"].astype(float)):
            left += received
            short = max(gross - left, 0.0)
            left = max(left - gross, 0.0)
            if short > 1e-9:
                rows.append({"type": "no_supply_after_eol", "item_id": item_id, "ref_id": "", "date": day,
                             "quantity": short,
                             "message": f"short {short:g}: the last-time-buy date {cutoff[item_id]:%Y-%m-%d} has "
                                        f"passed and stock and open orders do not cover this day"})
    frame = pd.DataFrame(rows, columns=list(exceptions.columns))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    if exceptions.empty:
        return frame
    return pd.concat([exceptions, frame], ignore_index=True)
