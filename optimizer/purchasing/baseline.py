"""The plain MRP plan as order lines: the baseline every optimised plan is measured against.

Spec: each of MRP's planned orders of a buy item is bought on its release date from the
offer that delivers it cheapest — an offer whose minimum, smallest break or multiple the
quantity does not meet buys it rounded up to them — ties by supplier_id, then mpn.
"Cheapest" is the order's own plan cost: purchase of the rounded quantity, order_cost,
holding or lateness of the order's quantity against its due date (arrival = release +
the offer's lead time) and the rounding surplus held to the horizon end. Shelf stock is
not used (plain MRP knows no distributor stock). An allocation cap is respected: an offer
whose remaining cap cannot take the order is passed over; when none can, the order is
split over offers by unit price, and what no cap allows stays short.

Rejected lines: an offer's order day that the buyer rejected moves to the nearest day that
is not rejected (earlier first, not before as_of), and the offer competes with that day's
arrival; so the need is covered by the next-best offer or date, or stays short.
"""

from __future__ import annotations

import math

import pandas as pd

from mrp.dataset import PlanSettings
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, day_offsets, round_down_to_step


def baseline_lines(planned_orders: pd.DataFrame, items: dict[str, ItemProblem], rates: CostRates,
                   settings: PlanSettings) -> list[Line]:
    """The plain MRP plan of ``items``: one or (caps) more lines per planned order."""
    orders = planned_orders.loc[planned_orders.item_id.isin(list(items)) & (planned_orders.quantity > 0)].copy()
    orders["release_day"] = day_offsets(orders.release_date, settings)
    orders["due_day"] = day_offsets(orders.due_date, settings)
    orders = orders.sort_values(["item_id", "release_day", "due_day", "order_id"], kind="stable")
    left: dict[str, list[float]] = {}  # per item, what each offer's allocation cap still allows
    lines: list[Line] = []
    for item_id, quantity, release_day, due_day in zip(orders.item_id.astype(str).tolist(), orders.quantity.tolist(),
                                                       orders.release_day.tolist(), orders.due_day.tolist()):
        item = items[item_id]
        remaining = left.get(item_id)
        if remaining is None:
            remaining = left[item_id] = [o.cap(False) for o in item.offers]
        bought = _cheapest_whole(item, float(quantity), int(release_day), int(due_day), remaining, rates)
        if bought is None:
            bought = _split_by_price(item, float(quantity), int(release_day), remaining)
        for k, line in bought:
            remaining[k] -= line.quantity
        lines.extend(line for _, line in bought)
    return lines


def _cheapest_whole(item: ItemProblem, quantity: float, release_day: int, due_day: int,
                    remaining: list[float], rates: CostRates) -> list[tuple[int, Line]] | None:
    """The order as one line of the offer whose plan cost is least (``remaining``: per offer, what its
    cap still allows), with the offer's index; None when no offer can take it whole."""
    best: tuple[float, int, int] | None = None
    for index, offer in enumerate(item.offers):
        q = offer.round_up(quantity)
        day = item.allowed_day(offer, release_day)
        if q > remaining[index] + 1e-9 or day is None:
            continue
        price = offer.price_at(q)
        arrival = day + offer.lead_time_days
        cost = (q * price + rates.order_cost + quantity * rates.unit_cost(price, arrival, due_day)
                + (q - quantity) * rates.surplus_cost(price, arrival))
        if best is None or cost < best[0]:
            best = (cost, index, day)
    if best is None:
        return None
    offer = item.offers[best[1]]
    return [(best[1], Line(item.item_id, offer, False, best[2], offer.round_up(quantity)))]


def _split_by_price(item: ItemProblem, quantity: float, release_day: int,
                    remaining: list[float]) -> list[tuple[int, Line]]:
    lines = []
    need = quantity
    offers = item.offers
    for k in sorted(range(len(offers)), key=lambda k: (offers[k].price_at(offers[k].min_qty), offers[k].supplier_id,
                                                        offers[k].mpn)):
        offer = offers[k]
        if need <= 1e-9:
            break
        room = round_down_to_step(remaining[k], offer.step) if math.isfinite(remaining[k]) else math.inf
        q = min(offer.round_up(need), room)
        day = item.allowed_day(offer, release_day)
        if q >= offer.min_qty - 1e-9 and q > 0 and day is not None:
            lines.append((k, Line(item.item_id, offer, False, day, q)))
            need -= q
    return lines
