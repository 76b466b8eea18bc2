"""The plan cost of a set of order lines (spec, "Purchasing optimisation"), one way for all.

Both the optimised plan and the plain MRP plan are costed here, so their difference is
what optimising saved: purchase cost (all-units price of each line's own quantity), the
least-cost matching of units to requirements (holding early, penalty late, surplus held
to the horizon end) and ``order_cost`` per line. Units no line delivers are left short
and out of all costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from optimizer.purchasing.budget import WORK_PER_COSTING_COLUMN
from optimizer.purchasing.chains import Chains, add_chains, fifo_pairs
from optimizer.purchasing.data import CostRates, ItemProblem, Offer
from optimizer.purchasing.solver import MatrixBuilder, solve

#: Columns per evaluation program; items are costed in programs of about this size.
_COLUMNS_PER_PROGRAM = 200_000
_LP_TIME_LIMIT_S = 600.0


@dataclass(frozen=True)
class Line:
    """One purchase order line: an offer, an order day (from as_of), from stock or not, a quantity."""

    item_id: str
    offer: Offer
    from_stock: bool
    order_day: int
    quantity: float

    @property
    def arrival_day(self) -> int:
        return self.order_day + self.offer.lead_time(self.from_stock)

    @property
    def unit_price(self) -> float:
        return self.offer.price_at(self.quantity)


@dataclass(frozen=True)
class CostParts:
    purchase: float = 0.0
    holding: float = 0.0
    late: float = 0.0
    order: float = 0.0

    @property
    def total(self) -> float:
        return self.purchase + self.holding + self.late + self.order

    def __add__(self, other: CostParts) -> CostParts:
        return CostParts(self.purchase + other.purchase, self.holding + other.holding,
                         self.late + other.late, self.order + other.order)

    def as_dict(self) -> dict[str, float]:
        return {"purchase": self.purchase, "holding": self.holding, "late": self.late,
                "order": self.order, "total": self.total}


@dataclass(frozen=True)
class Evaluation:
    """Cost per item, the matching as (line, need day) pairs, and what stays short."""

    costs: dict[str, CostParts]
    pairs: pd.DataFrame  # item_id, line (index into the costed lines), need_day (-1: surplus), quantity
    shortage: pd.DataFrame  # item_id, need_day, quantity

    def total(self, item_ids: Sequence[str] | None = None) -> CostParts:
        keys = self.costs.keys() if item_ids is None else item_ids
        return sum((self.costs[k] for k in keys), CostParts())


def costing_work(item: ItemProblem, lines: int) -> float:
    """Estimated work units of costing ``lines`` lines of ``item``: its program's columns."""
    return WORK_PER_COSTING_COLUMN * _columns(item, lines)


def _columns(item: ItemProblem, lines: int) -> int:
    """Columns of an item's costing program, at most: a chain per price (no more than lines or
    price breaks), each with holding, lateness and draw columns over need and arrival days."""
    prices = min(max(lines, 1), max(sum(len(o.break_qty) for o in item.offers), 1))
    needs = len(item.need_days)
    return prices * 3 * (needs + lines + 1) + needs


def evaluate(items: Sequence[ItemProblem], lines: Sequence[Line], rates: CostRates) -> Evaluation:
    """Costs ``lines`` against the items' requirements with the least-cost matching."""
    by_item: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        by_item[line.item_id].append(index)
    costs: dict[str, CostParts] = {}
    pairs: list[tuple[str, int, int, float]] = []
    shortage: list[tuple[str, int, float]] = []
    batch: list[ItemProblem] = []
    size = 0
    for item in items:
        if _one_chain(item, by_item[item.item_id], lines, rates, costs, pairs):
            continue
        batch.append(item)
        size += 4 * len(item.need_days) * max(len(by_item[item.item_id]), 1)
        if size >= _COLUMNS_PER_PROGRAM:
            _evaluate_batch(batch, lines, by_item, rates, costs, pairs, shortage)
            batch, size = [], 0
    if batch:
        _evaluate_batch(batch, lines, by_item, rates, costs, pairs, shortage)
    return Evaluation(
        costs,
        pd.DataFrame(pairs, columns=["item_id", "line", "need_day", "quantity"]),
        pd.DataFrame(shortage, columns=["item_id", "need_day", "quantity"]),
    )


def _one_chain(item: ItemProblem, own: list[int], lines: Sequence[Line], rates: CostRates,
               costs: dict[str, CostParts], pairs: list) -> bool:
    """Costs an item whose lines all have one unit price, cover its need and arrive by the
    horizon end, without a program: its units form one chain, and sorted (first-in, first-out)
    matching of receipts to the need days and to the surplus at H is least-cost, the pair cost
    being convex in d − a. False (nothing done) for any other item."""
    if not own or item.need_days[-1] > rates.horizon_days:
        return False
    price = lines[own[0]].unit_price
    arrival = np.array([lines[i].arrival_day for i in own], dtype=np.int64)
    qty = np.array([lines[i].quantity for i in own], dtype=float)
    surplus = float(qty.sum()) - item.total_need
    if (surplus < -1e-9 or arrival.max() > rates.horizon_days
            or any(lines[i].unit_price != price for i in own)):
        return False
    demand_days = np.append(item.need_days, rates.horizon_days)
    demand_qty = np.append(item.need_qty, max(surplus, 0.0))
    r, d, q = fifo_pairs(arrival, qty, demand_days, demand_qty)
    holding, late = _pair_costs(arrival[r], demand_days[d], q, rates.holding_per_day, rates.late_per_day, price)
    _add_pairs(pairs, item, np.asarray(own, dtype=np.int64)[r], demand_days, d, q)
    costs[item.item_id] = CostParts(float(qty.sum()) * price, holding, late, rates.order_cost * len(own))
    return True


@njit(cache=True, nogil=True)
def _pair_costs(arrival, need_day, quantity, holding_per_day, late_per_day, price):  # pragma: no cover - compiled
    """Holding and lateness of matched units at one unit price, summed pair by pair."""
    holding = late = 0.0
    for k in range(len(quantity)):
        days = need_day[k] - arrival[k]
        if days >= 0:
            holding += quantity[k] * holding_per_day * price * days
        else:
            late += quantity[k] * late_per_day * price * -days
    return holding, late


def _add_pairs(pairs: list, item: ItemProblem, lines: np.ndarray, demand_days: np.ndarray, demand: np.ndarray,
               quantity: np.ndarray) -> None:
    """Appends (item, line, need day or -1 for surplus, quantity) of each pair to ``pairs``."""
    need_day = np.where(demand < len(item.need_days), demand_days[demand], -1)
    pairs.extend(zip([item.item_id] * len(quantity), lines.tolist(), need_day.tolist(), quantity.tolist()))


def _evaluate_batch(batch: list[ItemProblem], lines: Sequence[Line], by_item: dict[str, list[int]], rates: CostRates,
                    costs: dict[str, CostParts], pairs: list, shortage: list) -> None:
    builder = MatrixBuilder()
    built = []
    for item in batch:
        own = by_item[item.item_id]
        arrival = np.array([lines[i].arrival_day for i in own], dtype=np.int64)
        price = np.array([lines[i].unit_price for i in own], dtype=float)
        qty = np.array([lines[i].quantity for i in own], dtype=float)
        events = np.unique(np.concatenate([item.need_days, arrival, [rates.horizon_days]]).astype(np.int64))
        prices = np.unique(price)
        receipts = np.zeros((len(prices), len(events)))
        np.add.at(receipts, (np.searchsorted(prices, price), np.searchsorted(events, arrival)), qty)
        short = max(item.total_need - qty.sum(), 0.0)
        chains = add_chains(builder, item, rates, arrival, price, receipts, short if short > 1e-9 else 0.0)
        built.append((item, own, arrival, price, qty, chains))
    outcome = solve(builder.build(), _LP_TIME_LIMIT_S, 0.0)
    if outcome.values is None or outcome.status != "optimal":
        raise RuntimeError(f"costing the plan failed: {outcome.solver} {outcome.status}")
    x = outcome.values
    for item, own, arrival, price, qty, chains in built:
        holding = float(x[chains.holding_cols].ravel() @ _cost_of(chains, rates.holding_per_day))
        late = float(x[chains.late_cols].ravel() @ _cost_of(chains, rates.late_per_day))
        purchase = float(qty @ price)
        costs[item.item_id] = CostParts(purchase, holding, late, rates.order_cost * len(own))
        chain_of = chains.chain_index(price)
        own_lines = np.asarray(own, dtype=np.int64)
        for c in range(len(chains.prices)):
            mine = np.flatnonzero(chain_of == c)
            demand_days = np.concatenate([item.need_days, chains.events[chains.surplus_events]])
            demand_qty = np.concatenate([x[chains.draw_cols[c]], x[chains.surplus_cols[c]]])
            r, d, q = fifo_pairs(arrival[mine], qty[mine], demand_days, demand_qty)
            _add_pairs(pairs, item, own_lines[mine[r]], demand_days, d, q)
        if len(chains.short_cols):
            for day, q in zip(item.need_days, x[chains.short_cols]):
                if q > 1e-9:
                    shortage.append((item.item_id, int(day), float(q)))


def _cost_of(chains: Chains, per_day: float) -> np.ndarray:
    return (per_day * np.outer(chains.prices, np.diff(chains.events).astype(float))).ravel()
