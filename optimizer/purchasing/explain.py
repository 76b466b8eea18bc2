"""The reasons a buyer needs on each suggested line.

For every line: which requirement days and which demands (customers, orders) it serves,
why this quantity (minimum, order multiple, price break, buying ahead, minimum order
value, surplus), lateness, and the best alternative for the same need — the cheapest
other offer (or the same offer from or not from stock) serving the same units as a single
line ordered to arrive on the first need day — with its price, lead time and how much
more it would cost, computed with the plan cost's own terms for that need alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from mrp.codes import categorical_ids, id_codes
from mrp.dataset import PlanSettings
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer, day_offsets, round_up_to_step

REASON_COLUMNS = ("lead_time_days", "reason", "serves", "demands", "customers", "days_late", "late_qty",
                  "surplus_qty", "alternative", "alternative_cost_difference")


#: At most this many need dates, demands and customers are named on one line; "+k more" says the rest.
MAX_LISTED = 5
#: :func:`line_demands` joins lines to their pegs in chunks of about this many (line, peg) pairs.
SERVED_CHUNK = 2_000_000


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
    open orders served the rest). A line's surplus beyond all requirements serves no demand.

    Vectorised on integer codes: pegs summed per item, day and demand, joined to the matching
    on item and day by a sorted search, summed per line and demand (one integer key each),
    rows by line, customer and demand. ``customer_id`` and ``demand_id`` come back
    categorical (categories sorted): a plan of 150,000 demand lines has tens of millions of
    requirement pegs, and a text per row would hold gigabytes."""
    matched = pairs.loc[pairs.need_day >= 0]
    if pegs is None or pegs.empty or matched.empty:
        return _served_none()
    item = categorical_ids(pegs.item_id)
    used = matched.item_id.unique()
    code = item.categories.astype(str).get_indexer(used)
    wanted = np.zeros(len(item.categories) + 1, dtype=bool)  # code -1 (none) reads the last
    wanted[code[code >= 0]] = True
    rows = np.flatnonzero(wanted[item.codes])
    if not len(rows):
        return _served_none()
    code[code < 0] = len(item.categories) + np.arange(int((code < 0).sum()))  # items with no pegs meet none
    customer, customers = id_codes(pegs.customer_id.iloc[rows])
    demand, demands = id_codes(pegs.demand_id.iloc[rows])
    need_day = day_offsets(pegs.date.iloc[rows], settings)
    days = int(max(need_day.max(), matched.need_day.max(), *(items[i].need_days.max(initial=0) for i in used))) + 1
    peg_day, peg_who, peg_qty, peg_total, who_keys = _day_pegs(
        item.codes[rows].astype(np.int64) * days + need_day, customer.astype(np.int64) * len(demands) + demand,
        pegs.quantity.to_numpy(dtype=float)[rows])
    del rows, customer, demand, need_day
    # The matching joined to each need day's net requirement and to its pegs (in their order).
    line_day = code[pd.Index(used).get_indexer(matched.item_id)].astype(np.int64) * days \
        + matched.need_day.to_numpy(dtype=np.int64)
    quantity = matched.quantity.to_numpy(dtype=float)
    need_keys = np.concatenate([c * days + items[i].need_days.astype(np.int64) for c, i in zip(code.tolist(), used)])
    need_qty = np.concatenate([items[i].need_qty for i in used])
    found = pd.Index(need_keys).get_indexer(line_day)
    net = np.where(found >= 0, need_qty[found], quantity)  # a day of no net requirement: the line's own quantity
    order = np.argsort(peg_day, kind="stable")
    lo = np.searchsorted(peg_day[order], line_day, side="left")
    count = np.searchsorted(peg_day[order], line_day, side="right") - lo
    who_rank = np.empty(len(who_keys), dtype=np.int64)
    who_rank[np.argsort(who_keys, kind="stable")] = np.arange(len(who_keys))
    line = matched.line.to_numpy(dtype=np.int64)
    # Lines a chunk at a time (each line's rows in their order): a line's sums need only its own
    # rows, and the (line, peg) pairs of a whole plan run to tens of millions.
    by_line = np.argsort(line, kind="stable")
    firsts = np.flatnonzero(np.r_[True, line[by_line][1:] != line[by_line][:-1]])
    before = (np.cumsum(count[by_line]) - count[by_line])[firsts]
    cuts = np.r_[firsts[np.r_[True, np.diff(before // SERVED_CHUNK) > 0]], len(by_line)]
    parts = []
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        rows = by_line[a:b]
        of_line = np.repeat(rows, count[rows])
        of_peg = order[np.repeat(lo[rows] - (np.cumsum(count[rows]) - count[rows]), count[rows])
                       + np.arange(int(count[rows].sum()))]
        # A day's pegs hold its demands' gross requirements; the net requirement is what is left
        # after stock and open orders, so each demand's part of it is scaled down to add up to it.
        qty = peg_qty[of_peg] * quantity[of_line] / np.maximum(peg_total[of_peg], net[of_line])
        parts.append(pd.Series(qty).groupby(line[of_line] * len(who_keys) + who_rank[peg_who[of_peg]],
                                            sort=True).sum())
        del of_line, of_peg, qty
    per = pd.concat(parts)
    per = per.loc[per.to_numpy() > 1e-9]
    key = per.index.to_numpy(dtype=np.int64)
    who = np.sort(who_keys)[key % len(who_keys)]
    return _served(key // len(who_keys), (who // len(demands)).astype(np.int32), customers,
                   (who % len(demands)).astype(np.int32), demands, per.to_numpy(dtype=float))


def _day_pegs(day_key: np.ndarray, who_key: np.ndarray, pegged: np.ndarray):
    """One peg per need day (``day_key``: item and day) and demand (``who_key``: customer and
    demand), first seen first, its quantities summed, and the day's total beside it; days whose
    pegs add up to nothing are left out. Returns day keys, who codes (into the returned
    ``who_keys``), quantities and day totals."""
    day_code, day_keys = pd.factorize(day_key)
    who_code, who_keys = pd.factorize(who_key)
    del day_key, who_key  # the caller's temporaries: tens of millions of rows at 150,000 demand lines
    summed = pd.Series(pegged).groupby(day_code * len(who_keys) + who_code, sort=False).sum()
    del day_code, who_code
    group = summed.index.to_numpy(dtype=np.int64)
    peg_day = day_keys[group // len(who_keys)]
    peg_who = group % len(who_keys)
    peg_qty = summed.to_numpy(dtype=float)
    peg_total = pd.Series(peg_qty).groupby(peg_day).transform("sum").to_numpy(dtype=float)
    counted = peg_total > 0
    return peg_day[counted], peg_who[counted], peg_qty[counted], peg_total[counted], who_keys


def _served_none() -> pd.DataFrame:
    return _served(np.zeros(0, np.int64), np.zeros(0, np.int32), np.array([], dtype=object), np.zeros(0, np.int32),
                   np.array([], dtype=object), np.zeros(0))


def _served(line: np.ndarray, customer: np.ndarray, customers: np.ndarray, demand: np.ndarray, demands: np.ndarray,
            quantity: np.ndarray) -> pd.DataFrame:
    """:func:`line_demands`' table from its columns, customers and demands as codes into their ids."""
    return pd.DataFrame({
        "line": line,
        "customer_id": pd.Categorical.from_codes(customer, categories=pd.Index(customers, dtype="str"), validate=False),
        "demand_id": pd.Categorical.from_codes(demand, categories=pd.Index(demands, dtype="str"), validate=False),
        "quantity": quantity})


def _demands(served: pd.DataFrame) -> tuple[dict[int, str], dict[int, str]]:
    """Demands and customers each line serves, as listed on the line (``served`` by line,
    customer and demand): texts are made for the listed rows only."""
    if served.empty:
        return {}, {}
    line = served.line.to_numpy(dtype=np.int64)
    customer, customers = id_codes(served.customer_id)
    names = np.where(customers == "", "(company)", customers).astype(object)
    who_names, who_of = np.unique(names, return_inverse=True)
    who = who_of.reshape(-1)[customer]
    demand = served.demand_id
    quantity = served.quantity.to_numpy(dtype=float)

    def labels(rows: np.ndarray) -> list[str]:
        ids = demand.iloc[rows].astype(object).where(demand.iloc[rows].notna(), "").astype(str).tolist()
        return [f"{w}/{d} " + "%.4g" % q for w, d, q in zip(who_names[who[rows]].tolist(), ids, quantity[rows].tolist())]

    pairs = np.unique(line * len(who_names) + who)
    pair_who = pairs % len(who_names)
    return _joined(line, labels), _joined(pairs // len(who_names), lambda rows: who_names[pair_who[rows]].tolist())


def _joined(keys: np.ndarray, texts: Callable[[np.ndarray], list[str]]) -> dict[int, str]:
    """Per line (``keys`` sorted), the texts of its rows in order joined as :func:`_listed` does;
    ``texts`` makes the texts of the rows listed (the first ``MAX_LISTED`` of each line) only."""
    if not len(keys):
        return {}
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.diff(np.r_[starts, len(keys)])
    shown = np.minimum(counts, MAX_LISTED)
    firsts = np.cumsum(shown) - shown
    listed = texts(np.repeat(starts, shown) + np.arange(int(shown.sum())) - np.repeat(firsts, shown))
    return {key: _listed(listed[first:first + n], count)
            for key, first, n, count in zip(keys[starts].tolist(), firsts.tolist(), shown.tolist(), counts.tolist())}
