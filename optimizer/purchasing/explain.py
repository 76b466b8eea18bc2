"""The reasons a buyer needs on each suggested line.

For every line: which requirement days and which demands (customers, orders) it serves,
why this quantity (minimum, order multiple, price break, buying ahead, minimum order
value, surplus), lateness, and the best alternative for the same need — the cheapest
other offer (or the same offer from or not from stock) serving the same units as a single
line ordered to arrive on the first need day — with its price, lead time and how much
more it would cost, computed with the plan cost's own terms for that need alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer, day_offsets, round_up_to_step

REASON_COLUMNS = ("lead_time_days", "reason", "serves", "demands", "customers", "days_late", "late_qty",
                  "surplus_qty", "alternative", "alternative_cost_difference")


#: At most this many need dates, demands and customers are named on one line; "+k more" says the rest.
MAX_LISTED = 5


def explain(lines: Sequence[Line], pairs: pd.DataFrame, items: dict[str, ItemProblem], rates: CostRates,
            settings: PlanSettings, served: pd.DataFrame) -> pd.DataFrame:
    """One row of reason columns per line, in the order of ``lines``; ``served`` is
    :func:`line_demands` of the same lines."""
    as_of = pd.Timestamp(settings.as_of)
    matched = pairs.loc[pairs.need_day >= 0].sort_values(["line", "need_day"], kind="stable")
    surplus = pairs.loc[pairs.need_day < 0].groupby("line").quantity.sum().to_dict()
    last = max([int(pairs.need_day.max()) if len(pairs) else 0, *(l.arrival_day for l in lines), 0])
    dates = pd.date_range(as_of, periods=last + 1, freq="D").strftime("%Y-%m-%d").tolist()
    line_of = matched.line.to_numpy(dtype=np.int64)
    bounds = np.searchsorted(line_of, np.arange(len(lines) + 1))
    days = matched.need_day.to_numpy(dtype=np.int64).tolist()
    quantities = matched.quantity.to_numpy(dtype=float).tolist()
    demands, customers = _demands(served)
    rows = []
    for index, line in enumerate(lines):
        item = items[line.item_id]
        lo, hi = bounds[index], bounds[index + 1]
        needs = list(zip(days[lo:hi], quantities[lo:hi]))
        extra = float(surplus.get(index, 0.0))
        late = [(line.arrival_day - d, q) for d, q in needs if line.arrival_day > d]
        alternative, difference = _best_alternative(line, item, needs, rates)
        rows.append((
            line.offer.lead_time(line.from_stock),
            _reason(line, needs, extra, late, dates),
            _listed([f"{dates[d]}: {q:g}" for d, q in needs]),
            demands.get(index, ""),
            customers.get(index, ""),
            max((d for d, _ in late), default=0),
            sum(q for _, q in late),
            extra,
            alternative,
            difference,
        ))
    return pd.DataFrame(rows, columns=list(REASON_COLUMNS))


def _listed(parts: list[str], count: int | None = None) -> str:
    """The first ``MAX_LISTED`` of ``count`` (default: all) parts, then "+k more"."""
    count = len(parts) if count is None else count
    if count <= MAX_LISTED:
        return "; ".join(parts[:count])
    return "; ".join(parts[:MAX_LISTED]) + f"; +{count - MAX_LISTED} more"


def _reason(line: Line, needs: list[tuple[int, float]], surplus: float, late: list[tuple[int, float]],
            dates: list[str]) -> str:
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
        parts.append(f"buys ahead: {len(needs)} need dates {dates[needs[0][0]]} to {dates[needs[-1][0]]}")
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


def line_demands(pairs: pd.DataFrame, items: dict[str, ItemProblem], pegs: pd.DataFrame | None,
                 settings: PlanSettings) -> pd.DataFrame:
    """How much of each line serves each demand (``line``, ``customer_id``, ``demand_id``,
    ``quantity``; "" for a requirement of no customer or demand): what the line covers of a
    need day, split over that day's demands in proportion to their pegged requirements, which
    are first scaled down to the day's net requirement when they add up to more (stock and
    open orders served the rest). Vectorised: pegs joined to the matching on item and day,
    summed per line and demand. A line's surplus beyond all requirements serves no demand."""
    columns = {"line": pd.Series(dtype=np.int64), "customer_id": pd.Series(dtype=object),
               "demand_id": pd.Series(dtype=object), "quantity": pd.Series(dtype=float)}
    matched = pairs.loc[pairs.need_day >= 0]
    if pegs is None or pegs.empty or matched.empty:
        return pd.DataFrame(columns)
    peg = pd.DataFrame({"item_id": pegs.item_id.astype(str).to_numpy(), "need_day": day_offsets(pegs.date, settings),
                        "customer": pegs.customer_id.astype(object).where(pegs.customer_id.notna(), "").astype(str).to_numpy(),
                        "demand": pegs.demand_id.astype(object).where(pegs.demand_id.notna(), "").astype(str).to_numpy(),
                        "peg_qty": pegs.quantity.to_numpy(dtype=float)})
    peg = peg.loc[peg.item_id.isin(matched.item_id.unique())]
    peg = peg.groupby(["item_id", "need_day", "customer", "demand"], as_index=False, sort=False).peg_qty.sum()
    used = matched.item_id.unique()
    need = pd.DataFrame({
        "item_id": np.concatenate([np.full(len(items[i].need_days), i, dtype=object) for i in used]),
        "need_day": np.concatenate([items[i].need_days for i in used]).astype(np.int64),
        "need_qty": np.concatenate([items[i].need_qty for i in used]),
    })
    served = matched[["line", "item_id", "need_day", "quantity"]].merge(need, on=["item_id", "need_day"], how="left")
    peg["peg_total"] = peg.peg_qty.groupby([peg.item_id, peg.need_day]).transform("sum")
    served = served.merge(peg.loc[peg.peg_total > 0], on=["item_id", "need_day"])
    # A day's pegs hold its demands' gross requirements; the net requirement is what is left
    # after stock and open orders, so each demand's part of it is scaled down to add up to it.
    served["qty"] = served.peg_qty * served.quantity / np.maximum(served.peg_total,
                                                                  served.need_qty.fillna(served.quantity))
    per = served.groupby(["line", "customer", "demand"], as_index=False, sort=True).qty.sum()
    per = per.loc[per.qty > 1e-9]
    if per.empty:
        return pd.DataFrame(columns)
    return pd.DataFrame({"line": per.line.to_numpy(dtype=np.int64), "customer_id": per.customer.to_numpy(dtype=object),
                         "demand_id": per.demand.to_numpy(dtype=object), "quantity": per.qty.to_numpy(dtype=float)})


def _demands(served: pd.DataFrame) -> tuple[dict[int, str], dict[int, str]]:
    """Demands and customers each line serves, as listed on the line."""
    if served.empty:
        return {}, {}
    per = served.assign(who=served.customer_id.where(served.customer_id != "", "(company)"))
    labels = per.who + "/" + per.demand_id + " " + np.char.mod("%.4g", per.quantity.to_numpy())
    who = per[["line", "who"]].drop_duplicates().sort_values(["line", "who"], kind="stable")
    return _joined(per.line, labels), _joined(who.line, who.who)


def _joined(line: pd.Series, text: pd.Series) -> dict[int, str]:
    """Per line (``line`` sorted), its texts in order joined as :func:`_listed` does."""
    keys = line.to_numpy(dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(keys)]
    texts = text.tolist()
    return {int(keys[a]): _listed(texts[a:min(b, a + MAX_LISTED + 1)], b - a) for a, b in zip(starts.tolist(), ends.tolist())}
