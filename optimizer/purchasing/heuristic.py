"""A fast lot-sizing plan of one item: the solver's warm start and its fallback.

Wagner–Whitin over the item's requirement days, with offers, price breaks and lateness:
a line covers a run of consecutive requirements i..j whole, from one offer (from stock or
not), arriving on requirement day d_i or, if the offer cannot make that, as early as it
can (order day = as_of); an order day the buyer rejected for that offer moves to the
nearest allowed day, earlier first. Its quantity is what the run needs rounded up to the offer's
minimum and multiple, or raised to a price break when that costs less. With
``best[i, j]`` the cheapest such line and ``f[j]`` the cheapest plan covering the first j
requirements,

    f[0] = 0,   f[j + 1] = min_{i ≤ j} f[i] + best[i, j].

A line's cost is its purchase, ``order_cost``, holding or lateness of each unit of the run
against its own requirement day, and its rounding surplus held to the horizon end — an
upper bound of the plan cost of the lines, which match units at least as well. Arriving
on d_i is the best arrival when a day late costs more than holding the rest of the run a
day (``late_penalty`` ≫ ``holding_rate/365``, as in practice), so no other arrival is tried.

Caps are not part of the recursion: when the plan takes more than an offer's shelf stock
(or allocation cap), that offer (from stock, or at all) is left out and the recursion
runs again. The plan ignores minimum order values (the solver's second step sees to them),
or, given the value other items already order per supplier and day, allows a line of a
supplier with a minimum only where that day then reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mrp.quantities import TOLERANCE
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer


def lot_sizing_lines(item: ItemProblem, rates: CostRates,
                     placed: Mapping[tuple[str, int], float] | None = None) -> list[Line] | None:
    """The recursion's plan for ``item`` within the offers' caps; None when the offers cannot cover it.

    With ``placed`` (value other lines put on each (supplier, order day)), a line of a
    supplier with a minimum order value is allowed only where it and ``placed`` reach it, so
    the plan meets every minimum; without, minimum order values are ignored.
    """
    options = [(offer, from_stock) for offer in item.offers for from_stock in (False, True)
               if offer.capacity() > 0 and (not from_stock or offer.stock_qty > 0)]
    while options:
        lines = _recursion(item, options, rates, placed)
        if lines is None:
            return None
        over = _over_cap(lines)
        if not over:
            return lines
        options = [(o, fs) for o, fs in options if (o, fs) not in over and (o, None) not in over]
    return None


def _recursion(item: ItemProblem, options: list[tuple[Offer, bool]], rates: CostRates,
               placed: Mapping[tuple[str, int], float] | None) -> list[Line] | None:
    n = len(item.need_days)
    best = np.full((n, n), np.inf)
    chosen = np.full((n, n), -1, dtype=np.int64)  # index into options of the cheapest line per run i..j
    chosen_qty = np.zeros((n, n))
    order_days = []
    for k, (offer, from_stock) in enumerate(options):
        cost, order_day, quantity = _line_costs(item, offer, from_stock, rates)
        if placed is not None and offer.min_order_value > 0:
            already = np.array([placed.get((offer.supplier_id, int(day)), 0.0) for day in order_day])
            value = quantity * _prices(offer, quantity)
            cost = np.where(already[:, None] + value >= offer.min_order_value - 1e-6, cost, np.inf)
        better = cost < best
        best = np.where(better, cost, best)
        chosen = np.where(better, k, chosen)
        chosen_qty = np.where(better, quantity, chosen_qty)
        order_days.append(order_day)
    total = np.full(n + 1, np.inf)
    total[0] = 0.0
    start = np.zeros(n + 1, dtype=np.int64)
    for j in range(n):
        candidates = total[: j + 1] + best[: j + 1, j]
        start[j + 1] = int(np.argmin(candidates))
        total[j + 1] = candidates[start[j + 1]]
    if not np.isfinite(total[n]):
        return None
    lines = []
    j = n
    while j > 0:
        i = int(start[j])
        k = int(chosen[i, j - 1])
        offer, from_stock = options[k]
        lines.append(Line(item.item_id, offer, from_stock, int(order_days[k][i]), float(chosen_qty[i, j - 1])))
        j = i
    return lines[::-1]


def _line_costs(item: ItemProblem, offer: Offer, from_stock: bool,
                rates: CostRates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost (n × n, inf where impossible), order day (n) and quantity (n × n) of a line covering runs i..j."""
    days, qty = item.need_days.astype(float), item.need_qty
    lead = offer.lead_time(from_stock)
    arrival = np.maximum(days, float(lead))
    usable = np.ones(len(days), dtype=bool)
    if item.rejected:  # a rejected order day moves to the nearest allowed one
        for i, day in enumerate((arrival - lead).astype(np.int64).tolist()):
            allowed = item.allowed_day(offer, day)
            usable[i] = allowed is not None
            arrival[i] = (day if allowed is None else allowed) + lead
    cum = np.concatenate([[0.0], np.cumsum(qty)])
    need = cum[None, 1:] - cum[:-1, None]  # [i, j]: units of requirements i..j
    early = np.maximum(days[None, :] - arrival[:, None], 0.0)
    late = np.maximum(arrival[:, None] - days[None, :], 0.0)
    per_unit = qty[None, :] * (rates.holding_per_day * early + rates.late_per_day * late)
    timing = np.cumsum(np.triu(per_unit), axis=1)  # [i, j]: Σ_{k=i..j} per-unit cost at price 1
    surplus_per_unit = rates.holding_per_day * np.maximum(rates.horizon_days - arrival, 0.0)[:, None]

    base = np.maximum(offer.min_qty, np.ceil(need / offer.step - 1e-9) * offer.step)
    candidates = [base] + [np.maximum(base, seg.lo) for seg in offer.segments(np.inf)]
    cost = np.full(need.shape, np.inf)
    quantity = np.zeros(need.shape)
    cap = offer.cap(from_stock)
    for q in candidates:
        price = _prices(offer, q)
        c = q * price + rates.order_cost + price * (timing + (q - need) * surplus_per_unit)
        c = np.where(q <= cap + 1e-9, c, np.inf)
        better = c < cost
        cost = np.where(better, c, cost)
        quantity = np.where(better, q, quantity)
    cost = np.where(np.triu(np.ones_like(cost, dtype=bool)) & usable[:, None], cost, np.inf)
    return cost, (arrival - lead).astype(np.int64), quantity


def _prices(offer: Offer, quantity: np.ndarray) -> np.ndarray:
    """All-units unit prices of ``quantity`` (vectorised :meth:`Offer.price_at`)."""
    index = np.searchsorted(np.asarray(offer.break_qty), quantity * (1 + TOLERANCE) + TOLERANCE, side="right") - 1
    return np.asarray(offer.unit_price)[np.maximum(index, 0)]


def _over_cap(lines: list[Line]) -> set[tuple[Offer, bool | None]]:
    """(offer, True) whose from-stock lines exceed its shelf stock; (offer, None) over its allocation cap."""
    stock: dict[Offer, float] = {}
    total: dict[Offer, float] = {}
    for line in lines:
        total[line.offer] = total.get(line.offer, 0.0) + line.quantity
        if line.from_stock:
            stock[line.offer] = stock.get(line.offer, 0.0) + line.quantity
    over: set[tuple[Offer, bool | None]] = {(o, True) for o, q in stock.items() if q > o.stock_qty + 1e-9}
    over |= {(o, None) for o, q in total.items() if o.max_qty is not None and q > o.max_qty + 1e-9}
    return over
