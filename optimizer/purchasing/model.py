"""The purchasing MILP of one block of items (docs/purchasing.md, "The model").

One function per constraint family, in the order :func:`build_model` adds them:

- :func:`_line_slots` — a line slot per (offer, order day, from stock or not); its quantity
  ``q = step·n`` (n integer) lies in exactly one price-break segment (``lo_k·z_k ≤ q_k ≤
  hi_k·z_k``, ``Σ_k z_k ≤ 1``) and pays that segment's unit price on every unit, plus
  ``order_cost`` per open line;
- :func:`_one_segment_per_line` — at most one price-break segment per line;
- :func:`_lot_cost_bounds` — valid inequalities: a chain's matching cost is at least what its
  open lots cost placed alone (strengthens the relaxation);
- :func:`_caps` — from-stock lines of an offer add up to at most ``stock_qty``, all its
  lines to at most ``max_qty``;
- :func:`_min_order_value` — the lines of a supplier on one order day are worth at least
  its ``min_order_value`` when any is open (``Σ p·q ≥ MOV·y``, ``z ≤ y``), counting what
  lines outside the block already place on that day;
- the matching of units to requirements, shared with the cost evaluator
  (:mod:`optimizer.purchasing.chains`).

Candidate order days (why they suffice: docs/purchasing.md): as_of, and each requirement
day and the horizon end minus the line's lead time when that is after as_of; for a
supplier with a minimum order value, its order days from every offer in the block, so
lines can meet on a day. A day the buyer rejected for an offer is replaced by its allowed
neighbours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from optimizer.purchasing.chains import Chains, add_chains
from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer
from optimizer.purchasing.solver import MatrixBuilder, Program

#: Lines that can hold more steps than this have a continuous step count, rounded up after solving.
MAX_INTEGER_STEPS = 200


@dataclass(frozen=True)
class OrderDayValues:
    """Value that lines outside a block already place per (supplier, order day)."""

    value: Mapping[tuple[str, int], float] = field(default_factory=dict)

    def days_of(self, supplier_id: str) -> list[int]:
        return sorted(day for (s, day) in self.value if s == supplier_id)


@dataclass(frozen=True)
class SlotGroup:
    """The line slots of one (item, offer, from stock or not): one per order day."""

    item_id: str
    offer: Offer
    from_stock: bool
    days: np.ndarray
    count_cols: np.ndarray  # n: quantity = step·n
    qty_cols: np.ndarray  # (days, segments)
    open_cols: np.ndarray  # (days, segments) binaries z
    prices: np.ndarray  # (segments,)
    lot_lo: np.ndarray  # (segments,) smallest quantity of each segment
    lot_bound: np.ndarray  # (days, segments) placement bound of lot_lo units
    lot_slope: np.ndarray  # (days, segments) its slope just above lot_lo


@dataclass(frozen=True)
class Model:
    program: Program
    slots: list[SlotGroup]
    chains: dict[str, Chains]

    def start(self, lines: Sequence[Line]) -> tuple[np.ndarray, np.ndarray]:
        """A partial solution (the line columns) placing ``lines``; HiGHS completes the rest."""
        wanted = {(l.item_id, l.offer.supplier_id, l.offer.mpn, l.from_stock, l.order_day): l.quantity for l in lines}
        index, value = [], []
        for group in self.slots:
            key = (group.item_id, group.offer.supplier_id, group.offer.mpn, group.from_stock)
            for i, day in enumerate(group.days):
                quantity = wanted.get((*key, int(day)), 0.0)
                k = int(np.searchsorted(group.lot_lo, quantity + 1e-9, side="right")) - 1 if quantity else -1
                qty = np.zeros(len(group.prices))
                if k >= 0:
                    qty[k] = quantity
                index += [group.count_cols[i], *group.qty_cols[i], *group.open_cols[i]]
                value += [quantity / group.offer.step, *qty, *(qty > 0)]
        return np.array(index, dtype=np.int32), np.array(value, dtype=float)

    def lines(self, values: np.ndarray) -> list[Line]:
        """The order lines of a solution (status checked by the caller)."""
        out = []
        for group in self.slots:
            counts = np.ceil(values[group.count_cols] - 1e-6)
            for day, n in zip(group.days, counts):
                if n >= 1:
                    out.append(Line(group.item_id, group.offer, group.from_stock, int(day), float(n) * group.offer.step))
        return out


def build_model(items: Sequence[ItemProblem], rates: CostRates, enforce_min_order_value: bool,
                placed: OrderDayValues | None = None, start: Sequence[Line] = ()) -> Model:
    """The MILP of ``items``; minimum order values enforced or (a relaxation) ignored.

    The order days of ``start`` (a known plan, e.g. the baseline) are candidates too, so it
    can seed the solver.
    """
    placed = placed or OrderDayValues()
    start_days: dict[tuple[str, str, str, bool], list[int]] = defaultdict(list)
    for line in start:
        start_days[(line.item_id, line.offer.supplier_id, line.offer.mpn, line.from_stock)].append(line.order_day)
    builder = MatrixBuilder()
    mov_days = _min_order_value_days(items, rates, placed) if enforce_min_order_value else {}
    slots: list[SlotGroup] = []
    chains: dict[str, Chains] = {}
    for item in items:
        plans = []
        for offer in item.offers:
            for from_stock in (False, True):
                upper = item.line_upper(offer, from_stock) if (offer.stock_qty > 0 or not from_stock) else 0.0
                if upper < offer.min_qty - 1e-9:
                    continue
                shared = [*mov_days.get(offer.supplier_id, ()),
                          *start_days.get((item.item_id, offer.supplier_id, offer.mpn, from_stock), ())]
                days = _without_rejected(item, offer, _order_days(item, offer.lead_time(from_stock), rates, shared))
                plans.append((offer, from_stock, days, offer.segments(upper), upper))
        arrivals = np.concatenate([[0]] + [days + offer.lead_time(fs) for offer, fs, days, _, _ in plans])
        prices = np.array([s.unit_price for *_, segs, _ in plans for s in segs] or [1.0])
        item_chains = add_chains(builder, item, rates, arrivals, prices, None, item.shortage_qty)
        chains[item.item_id] = item_chains
        own = [_line_slots(builder, item, offer, from_stock, days, segs, upper, rates, item_chains)
               for offer, from_stock, days, segs, upper in plans]
        _lot_cost_bounds(builder, own, item_chains, rates)
        slots.extend(own)
    _one_segment_per_line(builder, slots)
    _caps(builder, slots)
    if enforce_min_order_value:
        _min_order_value(builder, slots, placed)
    return Model(builder.build(), slots, chains)


def _order_days(item: ItemProblem, lead_time_days: int, rates: CostRates, shared_days: Sequence[int]) -> np.ndarray:
    targets = np.concatenate([item.need_days, [rates.horizon_days]]) - lead_time_days
    days = np.concatenate([[0], targets[targets > 0], np.asarray(shared_days, dtype=np.int64)])
    return np.unique(days.astype(np.int64))


def _without_rejected(item: ItemProblem, offer: Offer, days: np.ndarray) -> np.ndarray:
    """Candidate order days of ``offer`` without the days a buyer rejected for it; each rejected
    candidate is replaced by its allowed neighbours (the line's cost is convex piecewise linear in
    its arrival between breakpoints, so the best day left is next to the one taken away)."""
    if not item.rejected:
        return days
    out = set()
    for day in days.tolist():
        if not item.is_rejected(offer, day):
            out.add(day)
            continue
        out.update(d for d in (day - 1, day + 1) if d >= 0 and not item.is_rejected(offer, d))
    return np.array(sorted(out), dtype=np.int64)


def _min_order_value_days(items: Sequence[ItemProblem], rates: CostRates, placed: OrderDayValues) -> dict[str, list[int]]:
    """Order days per supplier with a minimum order value: every offer's own days and days others use."""
    days: dict[str, set[int]] = defaultdict(set)
    for item in items:
        for offer in item.offers:
            if offer.min_order_value > 0:
                for from_stock in (False, True):
                    days[offer.supplier_id].update(_order_days(item, offer.lead_time(from_stock), rates, ()).tolist())
    for supplier_id in days:
        days[supplier_id].update(placed.days_of(supplier_id))
    return {s: sorted(d) for s, d in days.items()}


def _line_slots(builder: MatrixBuilder, item: ItemProblem, offer: Offer, from_stock: bool, days: np.ndarray,
                segs: list, upper: float, rates: CostRates, chains: Chains) -> SlotGroup:
    """Quantity on the offer's grid, in one price-break segment, received into its price's chain."""
    n_day, n_seg = len(days), len(segs)
    lo = np.array([s.lo for s in segs])
    hi = np.array([s.hi for s in segs])
    price = np.array([s.unit_price for s in segs])
    steps = np.floor(upper / offer.step + 1e-9)
    count = builder.add_cols(0.0, 0.0, steps, count=n_day, integer=bool(steps <= MAX_INTEGER_STEPS))
    qty = builder.add_cols(np.tile(price, n_day), 0.0, np.tile(hi, n_day)).reshape(n_day, n_seg)
    opened = builder.add_cols(rates.order_cost, 0.0, 1.0, count=n_day * n_seg, integer=True).reshape(n_day, n_seg)

    low_rows = builder.add_rows(0.0, np.inf, n_day * n_seg).reshape(n_day, n_seg)
    builder.add_coefs(low_rows, qty, 1.0)
    builder.add_coefs(low_rows, opened, -np.broadcast_to(lo, (n_day, n_seg)))
    high_rows = builder.add_rows(-np.inf, 0.0, n_day * n_seg).reshape(n_day, n_seg)
    builder.add_coefs(high_rows, qty, 1.0)
    builder.add_coefs(high_rows, opened, -np.broadcast_to(hi, (n_day, n_seg)))
    grid_rows = builder.add_rows(0.0, 0.0, n_day)
    builder.add_coefs(np.broadcast_to(grid_rows[:, None], qty.shape), qty, 1.0)
    builder.add_coefs(grid_rows, count, -offer.step)

    arrival = days + offer.lead_time(from_stock)
    arrival_event = chains.event_index(arrival)
    chain = chains.chain_index(price)
    builder.add_coefs(chains.balance_rows[chain[None, :], arrival_event[:, None]], qty, 1.0)
    bound, slope = _placement_bound(arrival, lo, item, rates)
    return SlotGroup(item.item_id, offer, from_stock, days, count, qty, opened, price, lo, bound * price, slope * price)


def _placement_bound(arrival_days: np.ndarray, quantities: np.ndarray, item: ItemProblem,
                     rates: CostRates) -> tuple[np.ndarray, np.ndarray]:
    """Least matching cost (at unit price 1) of a lot arriving on each of ``arrival_days``, placed alone.

    Each unit goes to the cheapest requirement with room left, or is surplus; competition
    with other lots only raises it. Returns, per arrival day and quantity, the cost of
    ``quantities`` units and the cost of the next unit (the slope of this convex function
    just above each quantity). A requirement that costs more than surplus is served as
    surplus (its cost is clipped to the surplus cost, which has room without end).
    """
    arrival = np.asarray(arrival_days, dtype=float)[:, None]
    days = item.need_days[None, :].astype(float)
    per_unit = np.where(days >= arrival, rates.holding_per_day * (days - arrival),
                        rates.late_per_day * (arrival - days))
    surplus = rates.holding_per_day * np.maximum(rates.horizon_days - arrival, 0.0)
    per_unit = np.minimum(per_unit, surplus)
    order = np.argsort(per_unit, axis=1, kind="stable")
    cost = np.take_along_axis(per_unit, order, axis=1)
    room = item.need_qty[order]
    zero = np.zeros((len(arrival), 1))
    filled = np.concatenate([zero, np.cumsum(room, axis=1)], axis=1)
    spent = np.concatenate([zero, np.cumsum(room * cost, axis=1)], axis=1)
    at = (filled[:, :, None] <= quantities[None, None, :]).sum(axis=1) - 1  # (arrivals, quantities)
    n_need = cost.shape[1]
    marginal = np.where(at < n_need, np.take_along_axis(cost, np.minimum(at, n_need - 1), axis=1), surplus)
    bound = np.take_along_axis(spent, at, axis=1) + (quantities[None, :] - np.take_along_axis(filled, at, axis=1)) * marginal
    return bound, marginal


def _lot_cost_bounds(builder: MatrixBuilder, slots: list[SlotGroup], chains: Chains, rates: CostRates) -> None:
    """Valid inequalities: each chain's matching cost is at least what its open lots cost placed alone.

    For a lot of segment k (quantity q in [lo_k, hi_k] when z_k = 1) the placement bound is
    convex in q, so ``bound(lo_k)·z_k + slope(lo_k)·(q_k − lo_k·z_k)`` under-estimates it and
    vanishes when the lot is closed. Without this the relaxation buys a fraction of a large
    cheap lot with no surplus (docs/purchasing.md, "Strengthening").
    """
    gaps = np.diff(chains.events).astype(float)
    rows = builder.add_rows(0.0, np.inf, len(chains.prices))
    for c in range(len(chains.prices)):
        arc_cost = chains.prices[c] * gaps
        builder.add_coefs(rows[c], chains.holding_cols[c], rates.holding_per_day * arc_cost)
        builder.add_coefs(rows[c], chains.late_cols[c], rates.late_per_day * arc_cost)
    for group in slots:
        chain = chains.chain_index(group.prices)
        row = np.broadcast_to(rows[chain][None, :], group.qty_cols.shape)
        builder.add_coefs(row, group.open_cols, -(group.lot_bound - group.lot_slope * group.lot_lo))
        builder.add_coefs(row, group.qty_cols, -group.lot_slope)


def _caps(builder: MatrixBuilder, slots: list[SlotGroup]) -> None:
    """Shelf stock and allocation caps of each offer, over all its lines."""
    by_offer: dict[tuple[str, str, str], list[SlotGroup]] = defaultdict(list)
    for group in slots:
        by_offer[(group.item_id, group.offer.supplier_id, group.offer.mpn)].append(group)
    for groups in by_offer.values():
        offer = groups[0].offer
        stock = [g.qty_cols.ravel() for g in groups if g.from_stock]
        if stock:
            builder.add_coefs(builder.add_rows(-np.inf, offer.stock_qty, 1)[0], np.concatenate(stock), 1.0)
        if offer.max_qty is not None:
            builder.add_coefs(builder.add_rows(-np.inf, offer.max_qty, 1)[0],
                              np.concatenate([g.qty_cols.ravel() for g in groups]), 1.0)


def _one_segment_per_line(builder: MatrixBuilder, slots: list[SlotGroup]) -> None:
    """A line takes at most one price-break segment (all-units pricing)."""
    for group in slots:
        rows = builder.add_rows(-np.inf, 1.0, len(group.days))
        builder.add_coefs(np.broadcast_to(rows[:, None], group.open_cols.shape), group.open_cols, 1.0)


def _min_order_value(builder: MatrixBuilder, slots: list[SlotGroup], placed: OrderDayValues) -> None:
    """A supplier's lines of one order day, if any is open, reach its minimum order value."""
    members: dict[tuple[str, int], list[tuple[SlotGroup, int]]] = defaultdict(list)
    for group in slots:
        for i, day in enumerate(group.days):
            key = (group.offer.supplier_id, int(day))
            if group.offer.min_order_value > placed.value.get(key, 0.0) + 1e-9:
                members[key].append((group, i))
    for key in sorted(members):
        found = members[key]
        missing = found[0][0].offer.min_order_value - placed.value.get(key, 0.0)
        ordered = builder.add_cols(0.0, 0.0, 1.0, count=1, integer=True)[0]
        value_row = builder.add_rows(0.0, np.inf, 1)[0]
        builder.add_coefs(value_row, ordered, -missing)
        for group, i in found:
            builder.add_coefs(value_row, group.qty_cols[i], group.prices)
            open_rows = builder.add_rows(-np.inf, 0.0, len(group.prices))
            builder.add_coefs(open_rows, group.open_cols[i], 1.0)
            builder.add_coefs(open_rows, np.full(len(group.prices), ordered), -1.0)
