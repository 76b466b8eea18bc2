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

from mrp.calendar import to_date
from mrp.dataset import Dataset, PlanSettings
from mrp.exceptions import ExceptionLog, fmt_qty


def _describe(supply_type: str, supply_id: str) -> str:
    return ("PO line " if supply_type == "po" else "Work order ") + supply_id


class _Dates(dict):
    """ISO dates of planning days, each formatted once (messages at factory scale run to 100,000s)."""

    def __init__(self, as_of):
        super().__init__()
        self.as_of = as_of

    def __missing__(self, day: int) -> str:
        text = self[day] = to_date(day, self.as_of).isoformat()
        return text


def report(log: ExceptionLog, settings: PlanSettings, item_ids: np.ndarray, planned: dict, order_ids: np.ndarray,
           lots: pd.DataFrame, lot_item: np.ndarray, sup, expedites: dict, actions: dict) -> None:
    iso = _Dates(settings.as_of).__getitem__
    late = np.flatnonzero(planned["release"] < 0)
    for k in late:
        item = item_ids[planned["item"][k]]
        release, due, avail = int(planned["release"][k]), int(planned["due"][k]), int(planned["avail"][k])
        qty = float(planned["started"][k])
        log.add("late_release", item, order_ids[k], release, qty,
                f"Planned order {order_ids[k]} ({fmt_qty(qty)} {item}, needed {iso(due)}) should have been "
                f"released {iso(release)}; released today it is {-release} days late "
                f"(available {iso(avail)}).")
    supply_type = lots["supply_type"].to_numpy(dtype=object)
    supply_id = lots["supply_id"].astype(str).to_numpy(dtype=object)
    for g, day in zip(expedites.get("lot", []), expedites.get("day", [])):
        item, qty, due = item_ids[lot_item[g]], float(sup.qty[g]), int(sup.arr0[g])
        log.add("expedite", item, supply_id[g], int(day), qty,
                f"Expedite {_describe(supply_type[g], supply_id[g])} ({fmt_qty(qty)} {item}) from "
                f"{iso(due)} to {iso(int(day))}.")
    for g, needed in zip(actions.get("lot", []), actions.get("day", [])):
        item, qty, due = item_ids[lot_item[g]], float(sup.qty[g]), int(sup.arr0[g])
        what = f"{_describe(supply_type[g], supply_id[g])} ({fmt_qty(qty)} {item}"
        if needed < 0:
            log.add("cancel", item, supply_id[g], due, qty,
                    f"Cancel {what}, due {iso(due)}): none of it is needed within the horizon.")
        elif needed - due >= settings.defer_days:
            log.add("defer", item, supply_id[g], int(needed), qty,
                    f"Defer {what}) from {iso(due)} to {iso(int(needed))}: not needed before then.")


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
