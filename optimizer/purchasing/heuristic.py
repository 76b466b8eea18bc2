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
from numba import njit

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
    days, qty = item.need_days.astype(float), item.need_qty.astype(float)
    best = np.full((n, n), np.inf)
    chosen = np.full((n, n), -1, dtype=np.int64)  # index into options of the cheapest line per run i..j
    chosen_qty = np.zeros((n, n))
    order_days = []
    for k, (offer, from_stock) in enumerate(options):
        lead = offer.lead_time(from_stock)
        arrival, usable = _arrivals(item, offer, lead)
        order_day = (arrival - lead).astype(np.int64)
        check = placed is not None and offer.min_order_value > 0
        already = (np.array([placed.get((offer.supplier_id, int(day)), 0.0) for day in order_day]) if check
                   else np.zeros(n))
        segments = offer.segments(np.inf)
        _cheapest_lines(days, qty, arrival, usable, np.array([s.lo for s in segments], dtype=float),
                        np.asarray(offer.break_qty, dtype=float), np.asarray(offer.unit_price, dtype=float),
                        float(offer.min_qty), float(offer.step), float(offer.cap(from_stock)), rates.holding_per_day,
                        rates.late_per_day, rates.order_cost, float(rates.horizon_days), check, already,
                        float(offer.min_order_value), k, best, chosen, chosen_qty)
        order_days.append(order_day)
    total, start = _cheapest_cover(best)
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


def _arrivals(item: ItemProblem, offer: Offer, lead: int) -> tuple[np.ndarray, np.ndarray]:
    """Arrival day of a line whose run starts at each need day (that day, or the lead time when it
    cannot make it; a rejected order day moved to the nearest allowed one), and whether one can."""
    arrival = np.maximum(item.need_days.astype(float), float(lead))
    usable = np.ones(len(arrival), dtype=bool)
    if item.rejected:
        for i, day in enumerate((arrival - lead).astype(np.int64).tolist()):
            allowed = item.allowed_day(offer, day)
            usable[i] = allowed is not None
            arrival[i] = (day if allowed is None else allowed) + lead
    return arrival, usable


@njit(cache=True, nogil=True)
def _price(break_qty, unit_price, quantity):  # pragma: no cover - compiled
    """All-units unit price of ``quantity`` (:meth:`Offer.price_at`)."""
    threshold = quantity * (1 + TOLERANCE) + TOLERANCE
    index = 0
    while index < len(break_qty) and break_qty[index] <= threshold:
        index += 1
    return unit_price[max(index - 1, 0)]


@njit(cache=True, nogil=True)
def _cheapest_lines(days, qty, arrival, usable, segment_lo, break_qty, unit_price, min_qty, step, cap, hold, late,
                    order_cost, horizon, check, already, min_value, k, best, chosen, chosen_qty):  # pragma: no cover
    """One option's line per run i..j of requirements (cost, quantity), kept in ``best``/``chosen``/
    ``chosen_qty`` where it costs less than the options before it.

    The line arrives on ``arrival[i]``; each unit of requirement m ≥ i costs holding or lateness
    against its day, the rounding surplus is held to the horizon end. Its quantity is the run's
    need rounded up to the minimum and multiple, or raised to a price-break segment's lowest
    quantity when that costs less (first of equal costs); beyond ``cap`` it is impossible. With
    ``check``, a line whose value and ``already`` placed on its order day miss ``min_value`` is too."""
    n = len(days)
    cum = np.zeros(n + 1)
    for m in range(n):
        cum[m + 1] = cum[m] + qty[m]
    for i in range(n):
        if not usable[i]:
            continue
        surplus_per_unit = hold * max(horizon - arrival[i], 0.0)
        timing = 0.0
        for j in range(i, n):
            early = max(days[j] - arrival[i], 0.0)
            owed = max(arrival[i] - days[j], 0.0)
            timing += qty[j] * (hold * early + late * owed)
            need = cum[j + 1] - cum[i]
            base = max(min_qty, np.ceil(need / step - 1e-9) * step)
            cost = np.inf
            quantity = 0.0
            for s in range(len(segment_lo) + 1):
                q = base if s == 0 else max(base, segment_lo[s - 1])
                price = _price(break_qty, unit_price, q)
                c = q * price + order_cost + price * (timing + (q - need) * surplus_per_unit)
                if not q <= cap + 1e-9:
                    c = np.inf
                if c < cost:
                    cost = c
                    quantity = q
            if check and not already[i] + quantity * _price(break_qty, unit_price, quantity) >= min_value - 1e-6:
                cost = np.inf
            if cost < best[i, j]:
                best[i, j] = cost
                chosen[i, j] = k
                chosen_qty[i, j] = quantity


@njit(cache=True, nogil=True)
def _cheapest_cover(best):  # pragma: no cover - compiled
    """f[0] = 0, f[j + 1] = min_{i ≤ j} f[i] + best[i, j] (the first i of equal costs), and that i."""
    n = best.shape[0]
    total = np.full(n + 1, np.inf)
    total[0] = 0.0
    start = np.zeros(n + 1, dtype=np.int64)
    for j in range(n):
        at = 0
        value = total[0] + best[0, j]
        for i in range(1, j + 1):
            candidate = total[i] + best[i, j]
            if candidate < value:
                value = candidate
                at = i
        start[j + 1] = at
        total[j + 1] = value
    return total, start


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
