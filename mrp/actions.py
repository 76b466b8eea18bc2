"""Messages for the buyer and planner: late releases (rule 7), expedite, defer, cancel (rule 8), no offer.

The plan never moves an open order; it tells the buyer or planner what should happen.
An open order is *needed* on the first day its pool's projected balance — without it and
without the pool's open orders due after it — would fall below zero (below safety stock
for the company pool; the walk finds that day). Needed ``defer_days`` or more after its
due date: defer; never needed within the horizon: cancel. Orders pulled in (expedited)
get neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrp.calendar import iso_dates, to_date
from mrp.dataset import Dataset, PlanSettings
from mrp.exceptions import ExceptionLog, fmt_qty, fmt_qtys


def report(log: ExceptionLog, settings: PlanSettings, item_ids: np.ndarray, planned: dict, order_ids: np.ndarray,
           lots: pd.DataFrame, lot_item: np.ndarray, sup, expedites: dict, actions: dict) -> None:
    """Late releases, expedites, defers and cancels, a column at a time."""
    as_of = settings.as_of
    late = np.flatnonzero(planned["release"] < 0)
    item, order, qty = item_ids[planned["item"][late]], order_ids[late], planned["started"][late]
    release = planned["release"][late]
    log.add_many("late_release", item, order, release, qty, [
        f"Planned order {o} ({q} {i}, needed {due}) should have been released {r}; released today it is "
        f"{days} days late (available {a})."
        for o, q, i, due, r, days, a in zip(order.tolist(), fmt_qtys(qty), item.tolist(),
                                            iso_dates(planned["due"][late], as_of), iso_dates(release, as_of),
                                            (-release).tolist(), iso_dates(planned["avail"][late], as_of))])
    supply_type = lots["supply_type"].to_numpy(dtype=object)
    supply_id = lots["supply_id"].astype(str).to_numpy(dtype=object)

    def lots_of(g: np.ndarray) -> tuple[np.ndarray, ...]:
        g = np.asarray(g, np.int64)
        described = np.where(supply_type[g] == "po", "PO line ", "Work order ") + supply_id[g]
        return item_ids[lot_item[g]], supply_id[g], sup.qty[g], sup.arr0[g], described

    item, ref, qty, due, what = lots_of(expedites.get("lot", ()))
    day = np.asarray(expedites.get("day", ()), np.int64)
    log.add_many("expedite", item, ref, day, qty, [
        f"Expedite {w} ({q} {i}) from {d} to {e}."
        for w, q, i, d, e in zip(what.tolist(), fmt_qtys(qty), item.tolist(), iso_dates(due, as_of),
                                 iso_dates(day, as_of))])
    item, ref, qty, due, what = lots_of(actions.get("lot", ()))
    needed = np.asarray(actions.get("day", ()), np.int64)
    cancel = needed < 0
    defer = ~cancel & (needed - due >= settings.defer_days)
    log.add_many("cancel", item[cancel], ref[cancel], due[cancel], qty[cancel], [
        f"Cancel {w} ({q} {i}, due {d}): none of it is needed within the horizon."
        for w, q, i, d in zip(what[cancel].tolist(), fmt_qtys(qty[cancel]), item[cancel].tolist(),
                              iso_dates(due[cancel], as_of))])
    log.add_many("defer", item[defer], ref[defer], needed[defer], qty[defer], [
        f"Defer {w} ({q} {i}) from {d} to {n}: not needed before then."
        for w, q, i, d, n in zip(what[defer].tolist(), fmt_qtys(qty[defer]), item[defer].tolist(),
                                 iso_dates(due[defer], as_of), iso_dates(needed[defer], as_of))])


def report_no_offer(ds: Dataset, item: np.ndarray, due: np.ndarray, quantity: np.ndarray, is_buy: np.ndarray,
                    log: ExceptionLog) -> None:
    """Buy items that must be bought but that no supplier offers (only when offers are given at all)."""
    if ds.supplier_offers.empty:
        return
    orders = pd.DataFrame({"item_id": item, "due": due, "quantity": quantity})
    orders = orders[is_buy & ~orders["item_id"].isin(set(ds.supplier_offers["item_id"]))]
    for item_id, group in orders.groupby("item_id", sort=True):
        first = int(group["due"].min())
        total = float(group["quantity"].sum())
        since = to_date(first, ds.settings.as_of).isoformat()
        log.add("no_offer", item_id, item_id, first, total,
                f"{fmt_qty(total)} {item_id} must be bought from {since} on, but no supplier "
                f"offers it; planned with the item master's lead time. Add an offer or a substitute.")
