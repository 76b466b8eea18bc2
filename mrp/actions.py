"""Action messages on open orders (rule 8): expedite, defer, cancel.

The plan never moves an open order; it tells the buyer or planner what should happen.
An open order is *needed* on the first day its pool's projected balance — without it and
without the pool's open orders due after it — would fall below zero (below safety stock
for the company pool). Needed ``defer_days`` or more after its due date: defer; never
needed within the horizon: cancel. Orders pulled in (expedited) get neither.
"""

from __future__ import annotations

from mrp.calendar import iso
from mrp.dataset import PlanSettings
from mrp.exceptions import ExceptionLog, fmt_qty
from mrp.netting import COMPANY, EPS, ItemPolicy, Lot, NettingResult


def _describe(lot: Lot) -> str:
    return ("PO line " if lot.supply_type == "po" else "Work order ") + lot.supply_id


def report_expedites(result: NettingResult, policy: ItemPolicy, settings: PlanSettings, log: ExceptionLog) -> None:
    for lot, day in result.expedites:
        log.add("expedite", policy.item_id, lot.supply_id, day, lot.quantity,
                f"Expedite {_describe(lot)} ({fmt_qty(lot.quantity)} {policy.item_id}) from "
                f"{iso(lot.due, settings.as_of)} to {iso(day, settings.as_of)}.")


def report_defer_cancel(result: NettingResult, policy: ItemPolicy, settings: PlanSettings, log: ExceptionLog) -> None:
    by_pool: dict[str, list[Lot]] = {}
    for lot in result.lots:
        by_pool.setdefault(lot.pool, []).append(lot)
    for pool, lots in sorted(by_pool.items()):
        open_orders = sorted((lot for lot in lots if lot.supply_type in ("po", "wo")),
                             key=lambda x: (x.due, x.supply_id))
        if not open_orders:
            continue
        floor = policy.safety_stock if pool == COMPANY else 0.0
        outflow = result.pool_outflow.get(pool, {})
        others = [lot for lot in lots if lot.supply_type not in ("po", "wo")]
        for k, order in enumerate(open_orders):
            if order.expedited:
                continue
            needed = _first_day_below(others + open_orders[:k], outflow, floor)
            if needed is None:
                log.add("cancel", policy.item_id, order.supply_id, order.due, order.quantity,
                        f"Cancel {_describe(order)} ({fmt_qty(order.quantity)} {policy.item_id}, due "
                        f"{iso(order.due, settings.as_of)}): none of it is needed within the horizon.")
            elif needed - order.due >= settings.defer_days:
                log.add("defer", policy.item_id, order.supply_id, needed, order.quantity,
                        f"Defer {_describe(order)} ({fmt_qty(order.quantity)} {policy.item_id}) from "
                        f"{iso(order.due, settings.as_of)} to {iso(needed, settings.as_of)}: not needed before then.")


def _first_day_below(supply: list[Lot], outflow: dict[int, float], floor: float) -> int | None:
    delta: dict[int, float] = {}
    for lot in supply:
        delta[lot.arrival] = delta.get(lot.arrival, 0.0) + lot.quantity
    for day, qty in outflow.items():
        delta[day] = delta.get(day, 0.0) - qty
    balance = 0.0
    for day in sorted(delta):
        balance += delta[day]
        if balance < floor - EPS:
            return day
    return None
