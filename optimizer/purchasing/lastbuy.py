"""Last-time buys in purchasing: one line, ordered by the last-time-buy date, covers every later need.

For a buy item with ``last_time_buy_date`` D on or after ``as_of`` (day d from as_of) and MRP's
lead time L of the item (:func:`mrp.leadtime.buy_lead_times`, the one MRP offsets with):

- the item's net requirements due after d + L are those MRP would have released after D;
  each part of the item (:mod:`optimizer.purchasing.aml`) covers its own with one line: the
  offer, from stock or not, and order day on or before D whose line costs least — purchase
  of the quantity rounded up to the offer's minimum, first break and multiple, order cost,
  holding or lateness against each need, surplus held to the horizon end — ties to the
  later order day, then the offer order (supplier_id, mpn), not from stock first. Candidate
  days are D and each need day less the lead time (clipped to as_of..D), the breakpoints of
  that cost. A day a buyer rejected for an offer is not a candidate. When no offer's cap
  takes the whole quantity, the offer with the largest cap buys what it can, the rest is short;
- the other needs of the item are planned as usual, but no line is ordered after D;
- exception ``last_time_buy`` per line: its quantity, value, offer and the needs it covers.

Items whose last-time-buy date has passed reach purchasing with no requirement
(:mod:`mrp.lastbuy`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from mrp.codes import categorical_ids
from mrp.dataset import PlanSettings
from mrp.leadtime import buy_lead_times
from optimizer.purchasing.aml import PART_MARK, Part
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, Offer

#: Order days after the last-time-buy date are closed up to this many days after the last need.
_CLOSED_BEYOND_DAYS = 800
#: Ends the key of the part a last-time buy covers (the key of the part it is taken from, then this).
LTB_SUFFIX = f"{PART_MARK}ltb"


@dataclass(frozen=True)
class LastTimeBuys:
    """Parts with their later needs taken out, the lines and parts of the last-time buys, and the
    order days closed per remaining part (supplier_id, mpn, day)."""

    parts: dict[str, list[Part]]
    lines: list[Line]
    bought: list[Part]  # one per line, same order: the later needs it covers
    closed: dict[str, frozenset[tuple[str, str, int]]]
    dates: dict[str, pd.Timestamp]  # last-time-buy date per item with a line
    edges: dict[str, int]  # per part of an item with a last-time buy: needs after this day are its line's

    def planned_orders(self, orders: pd.DataFrame, settings: PlanSettings) -> pd.DataFrame:
        """MRP's planned orders less those due after a part's edge (its last-time buy covers them)."""
        if not self.edges or orders.empty:
            return orders
        edge = orders["item_id"].astype(str).map(self.edges)
        due = (pd.to_datetime(orders["due_date"]) - pd.Timestamp(settings.as_of)).dt.days
        return orders.loc[~(edge.notna() & (due > edge)).to_numpy()]

    def pegs(self, pegs: pd.DataFrame | None, settings: PlanSettings) -> pd.DataFrame | None:
        """The requirement pegs with the rows of each last-time buy's needs renamed to its part
        (``item_id`` categorical, the bought parts' keys added to its categories)."""
        if pegs is None or pegs.empty or not self.bought:
            return pegs
        item = categorical_ids(pegs["item_id"])
        names = item.categories.astype(str)
        codes = item.codes.astype(np.int32)
        day = (pd.to_datetime(pegs["date"]) - pd.Timestamp(settings.as_of)).dt.days.to_numpy()
        order = np.argsort(codes, kind="stable")  # each part's rows found once, not by comparing every row per part
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        for added, part in enumerate(self.bought, start=len(names)):
            code = names.get_indexer([part.key[: -len(LTB_SUFFIX)]])[0]
            if code >= 0:
                rows = order[bounds[code]:bounds[code + 1]]
                codes[rows[np.isin(day[rows], part.need_days)]] = added
        named = names.append(pd.Index([part.key for part in self.bought], dtype=names.dtype))
        return pegs.assign(item_id=pd.Categorical.from_codes(codes, categories=named, validate=False))


def last_time_buys(parts: dict[str, list[Part]], items: pd.DataFrame, offers: pd.DataFrame,
                   rates: CostRates, settings: PlanSettings,
                   refused: dict[str, frozenset[tuple[str, str, int]]]) -> LastTimeBuys:
    """The last-time buys of every part of an item with a last-time-buy date on or after as_of."""
    as_of = pd.Timestamp(settings.as_of)
    if "last_time_buy_date" not in items.columns:
        return LastTimeBuys(parts, [], [], {}, {}, {})
    dated = items.loc[items["last_time_buy_date"].notna() & (pd.to_datetime(items["last_time_buy_date"]) >= as_of)]
    cutoff = {str(i): pd.Timestamp(d) for i, d in zip(dated["item_id"], dated["last_time_buy_date"])}
    out = dict(parts)
    lead_time_days = buy_lead_times(items, offers) if set(cutoff) & set(parts) else {}
    lines: list[Line] = []
    bought: list[Part] = []
    closed: dict[str, frozenset[tuple[str, str, int]]] = {}
    dates: dict[str, pd.Timestamp] = {}
    edges: dict[str, int] = {}
    for item_id in sorted(set(cutoff) & set(parts)):
        last_day = (cutoff[item_id] - as_of).days
        edge = last_day + int(lead_time_days.get(item_id, 0))
        kept = []
        for part in parts[item_id]:
            if not part.offers:
                kept.append(part)
                continue
            later = part.need_days > edge
            if later.any():
                edges[part.key] = edge
                late = replace(part, key=f"{part.key}{LTB_SUFFIX}", need_days=part.need_days[later],
                               need_qty=part.need_qty[later],
                               remark=f"last-time buy by {cutoff[item_id]:%Y-%m-%d}: one line for every need "
                                      f"after {as_of + pd.Timedelta(days=edge):%Y-%m-%d}")
                line = last_time_buy_line(late, last_day, rates, refused.get(item_id, frozenset()))
                if line is not None:
                    lines.append(line)
                    bought.append(late)
                    dates[item_id] = cutoff[item_id]
                part = replace(part, need_days=part.need_days[~later], need_qty=part.need_qty[~later])
            if len(part.need_days):
                end = int(part.need_days.max()) + _CLOSED_BEYOND_DAYS
                closed[part.key] = frozenset((o.supplier_id, o.mpn, day) for o in part.offers
                                             for day in range(last_day + 1, end))
                kept.append(part)
        out[item_id] = kept
    return LastTimeBuys(out, lines, bought, closed, dates, edges)


def last_time_buy_line(part: Part, last_day: int, rates: CostRates,
                       refused: frozenset[tuple[str, str, int]]) -> Line | None:
    """The cheapest line ordered on or before ``last_day`` covering all of ``part``'s needs (module
    docstring); None when no offer can take any of it."""
    total = float(part.need_qty.sum())
    best: tuple[tuple, Line] | None = None
    fallback: tuple[tuple, Line] | None = None
    for rank, offer in enumerate(part.offers):
        for from_stock in (False, True):
            if from_stock and offer.stock_qty <= 0:
                continue
            cap = offer.cap(from_stock)
            whole = offer.round_up(total)
            quantity = whole if whole <= cap + 1e-9 else np.floor(cap / offer.step + 1e-9) * offer.step
            if quantity < offer.min_qty - 1e-9:
                continue
            for day in _candidate_days(part, offer, from_stock, last_day):
                if (offer.supplier_id, offer.mpn, day) in refused:
                    continue
                line = Line(part.key, offer, from_stock, day, float(quantity))
                key = (_line_cost(line, part, rates), -day, rank, from_stock)
                if quantity >= whole - 1e-9:
                    if best is None or key < best[0]:
                        best = (key, line)
                elif fallback is None or (-quantity, *key) < fallback[0]:
                    fallback = ((-quantity, *key), line)
    chosen = best or fallback
    return chosen[1] if chosen else None


def _candidate_days(part: Part, offer: Offer, from_stock: bool, last_day: int) -> list[int]:
    lead = offer.lead_time(from_stock)
    days = {last_day, *(min(max(int(d) - lead, 0), last_day) for d in part.need_days.tolist())}
    return sorted(days, reverse=True)


def _line_cost(line: Line, part: Part, rates: CostRates) -> float:
    """The line's plan cost against the part's needs, earliest needs served first."""
    price = line.unit_price
    arrival = line.arrival_day
    left = line.quantity
    cost = line.quantity * price + rates.order_cost
    for day, need in zip(part.need_days.tolist(), part.need_qty.tolist()):
        served = min(need, left)
        cost += served * rates.unit_cost(price, arrival, day)
        left -= served
    return cost + max(left, 0.0) * rates.surplus_cost(price, arrival)


def last_time_buy_exceptions(buys: LastTimeBuys, settings: PlanSettings) -> list[dict]:
    """Exception ``last_time_buy`` per line: quantity, value, offer, the needs it covers."""
    as_of = pd.Timestamp(settings.as_of)
    rows = []
    for line, part in zip(buys.lines, buys.bought):
        order = as_of + pd.Timedelta(days=line.order_day)
        first = as_of + pd.Timedelta(days=int(part.need_days[0]))
        last = as_of + pd.Timedelta(days=int(part.need_days[-1]))
        value = line.quantity * line.unit_price
        stock = " from stock" if line.from_stock else ""
        rows.append({"type": "last_time_buy", "item_id": part.item_id, "ref_id": "", "date": order,
                     "quantity": float(line.quantity),
                     "message": f"last-time buy by {buys.dates[part.item_id]:%Y-%m-%d}: {line.quantity:g} from "
                                f"{line.offer.supplier_id} {line.offer.mpn}{stock} ordered {order:%Y-%m-%d}, value "
                                f"{value:.2f}, covers {len(part.need_days)} need date(s) {first:%Y-%m-%d} to "
                                f"{last:%Y-%m-%d} ({part.need_qty.sum():g})"})
    return rows
