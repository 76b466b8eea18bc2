"""The reasons a buyer needs on each suggested line.

For every line: which requirement days and which demands (customers, orders) it serves,
why this quantity (minimum, order multiple, price break, buying ahead, minimum order
value, surplus), lateness, and the best alternative for the same need — the cheapest
other offer (or the same offer from or not from stock) serving the same units as a single
line ordered to arrive on the first need day — with its price, lead time and how much
more it would cost, computed with the plan cost's own terms for that need alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer, day_offsets, round_up_to_step

REASON_COLUMNS = ("lead_time_days", "reason", "serves", "demands", "customers", "days_late", "late_qty",
                  "surplus_qty", "alternative", "alternative_cost_difference")


def explain(lines: Sequence[Line], pairs: pd.DataFrame, items: dict[str, ItemProblem], rates: CostRates,
            settings: PlanSettings, pegs: pd.DataFrame | None) -> pd.DataFrame:
    """One row of reason columns per line, in the order of ``lines``."""
    served: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for line_index, need_day, qty in pairs[["line", "need_day", "quantity"]].itertuples(index=False):
        served[int(line_index)].append((int(need_day), float(qty)))
    peg_index = _peg_index(pegs, settings)
    as_of = pd.Timestamp(settings.as_of)
    rows = []
    for index, line in enumerate(lines):
        item = items[line.item_id]
        needs = sorted((d, q) for d, q in served[index] if d >= 0)
        surplus = sum(q for d, q in served[index] if d < 0)
        late = [(line.arrival_day - d, q) for d, q in needs if line.arrival_day > d]
        alternative, difference = _best_alternative(line, item, needs, rates)
        demands, customers = _demands(line.item_id, needs, item, peg_index)
        rows.append({
            "lead_time_days": line.offer.lead_time(line.from_stock),
            "reason": _reason(line, needs, surplus, late, as_of),
            "serves": "; ".join(f"{_date(as_of, d)}: {q:g}" for d, q in needs),
            "demands": demands,
            "customers": customers,
            "days_late": max((d for d, _ in late), default=0),
            "late_qty": sum(q for _, q in late),
            "surplus_qty": surplus,
            "alternative": alternative,
            "alternative_cost_difference": difference,
        })
    return pd.DataFrame(rows, columns=list(REASON_COLUMNS))


def _date(as_of: pd.Timestamp, day: int) -> str:
    return (as_of + pd.Timedelta(days=int(day))).strftime("%Y-%m-%d")


def _reason(line: Line, needs: list[tuple[int, float]], surplus: float, late: list[tuple[int, float]],
            as_of: pd.Timestamp) -> str:
    offer, quantity = line.offer, line.quantity
    need = sum(q for _, q in needs)
    parts = []
    if line.from_stock:
        parts.append(f"distributor stock, ships in {offer.stock_lead_time_days} d")
    alone = offer.round_up(max(q for _, q in needs)) if needs else offer.min_qty
    if offer.price_at(quantity) < offer.price_at(alone) - 1e-12:
        brk = max(b for b in offer.break_qty if b <= quantity + 1e-9)
        parts.append(f"price break {brk:g}: {offer.price_at(quantity):g} instead of {offer.price_at(alone):g} a unit")
    elif quantity > need + 1e-9:
        if abs(quantity - offer.min_qty) <= 1e-9 and need < offer.min_qty:
            parts.append(f"minimum order {offer.min_qty:g}")
        elif abs(quantity - round_up_to_step(need, offer.step)) <= 1e-9:
            parts.append(f"order multiple (reel) {offer.step:g}")
        elif offer.min_order_value > 0:
            parts.append(f"{line.offer.supplier_id}'s minimum order value {offer.min_order_value:g}")
    if surplus > 1e-9:
        parts.append(f"{surplus:g} beyond all requirements, held to the horizon end")
    if len(needs) > 1:
        parts.append(f"buys ahead: {len(needs)} need dates {_date(as_of, needs[0][0])} to {_date(as_of, needs[-1][0])}")
    if late:
        parts.append(f"late up to {max(d for d, _ in late)} d")
    return "; ".join(parts) or "net requirement"


def _line_cost(offer: Offer, from_stock: bool, order_day: int, quantity: float, needs: list[tuple[int, float]],
               rates: CostRates) -> float:
    price = offer.price_at(quantity)
    arrival = order_day + offer.lead_time(from_stock)
    need = sum(q for _, q in needs)
    return (quantity * price + rates.order_cost + sum(q * rates.unit_cost(price, arrival, d) for d, q in needs)
            + (quantity - need) * rates.surplus_cost(price, arrival))


def _best_alternative(line: Line, item: ItemProblem, needs: list[tuple[int, float]],
                      rates: CostRates) -> tuple[str, float]:
    need = sum(q for _, q in needs)
    if need <= 0:
        return "", np.nan
    own = _line_cost(line.offer, line.from_stock, line.order_day, line.quantity, needs, rates)
    best: tuple[float, str] | None = None
    for offer in item.offers:
        for from_stock in (False, True):
            if (offer, from_stock) == (line.offer, line.from_stock) or (from_stock and offer.stock_qty <= 0):
                continue
            quantity = offer.round_up(need)
            if quantity > offer.cap(from_stock) + 1e-9:
                continue
            lead = offer.lead_time(from_stock)
            order_day = max(needs[0][0] - lead, 0)
            cost = _line_cost(offer, from_stock, order_day, quantity, needs, rates)
            if best is None or cost < best[0]:
                stock = " from stock" if from_stock else ""
                text = (f"{offer.supplier_id} {offer.mpn}{stock}: {quantity:g} at {offer.price_at(quantity):g}, "
                        f"lead {lead} d, costs {cost - own:+.2f}")
                best = (cost, text)
    if best is None:
        return "no other offer", np.nan
    return best[1], round(best[0] - own, 2)


def _peg_index(pegs: pd.DataFrame | None, settings: PlanSettings) -> dict[tuple[str, int], list[tuple[str, str, float]]]:
    index: dict[tuple[str, int], list[tuple[str, str, float]]] = defaultdict(list)
    if pegs is None or pegs.empty:
        return index
    frame = pegs.assign(day=day_offsets(pegs.date, settings)).sort_values(["item_id", "day", "customer_id", "demand_id"])
    for row in frame.itertuples(index=False):
        index[(row.item_id, int(row.day))].append((str(row.customer_id or ""), str(row.demand_id or ""), float(row.quantity)))
    return index


def _demands(item_id: str, needs: list[tuple[int, float]], item: ItemProblem,
             peg_index: dict[tuple[str, int], list[tuple[str, str, float]]]) -> tuple[str, str]:
    """Demands served, pro rata to the share of each need day this line covers."""
    need_on = dict(zip(item.need_days.tolist(), item.need_qty.tolist()))
    served: dict[tuple[str, str], float] = defaultdict(float)
    for day, qty in needs:
        pegs = peg_index.get((item_id, day), [])
        total = sum(q for *_, q in pegs)
        for customer, demand, q in pegs:
            served[(customer, demand)] += q * min(qty / need_on.get(day, qty), 1.0) if total > 0 else 0.0
    demands = "; ".join(f"{c or '(company)'}/{d} {q:.4g}" for (c, d), q in sorted(served.items()) if q > 1e-9)
    customers = "; ".join(sorted({c or "(company)" for (c, _), q in served.items() if q > 1e-9}))
    return demands, customers
