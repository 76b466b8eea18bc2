"""Solver data of the purchasing optimiser: offers and items with their net requirements.

String ids stay at the edges: an :class:`ItemProblem` holds its requirements as day
offsets from ``as_of`` and its offers as :class:`Offer` objects; the model and the cost
evaluator work on these alone. Quantities follow the spec's rounding rule (a value within
1e-9 of a whole number of steps is that number).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mrp.dataset import OFFER_KEY, PlanSettings, is_counted
from mrp.quantities import TOLERANCE, ceil_whole

#: How many multiples of a fractional order multiple we try to find a whole quantity (counted items).
_MAX_WHOLE_STEPS = 1000


@dataclass(frozen=True)
class CostRates:
    """The plan cost's parameters, per unit of price (spec, "Purchasing optimisation")."""

    holding_per_day: float  # holding_rate / 365
    late_per_day: float  # late_penalty
    order_cost: float
    horizon_days: int

    @classmethod
    def from_settings(cls, settings: PlanSettings) -> CostRates:
        return cls(settings.holding_rate / 365.0, settings.late_penalty, settings.order_cost, settings.horizon_days)

    def unit_cost(self, price: float, arrival_day: int, need_day: int) -> float:
        """Cost of one unit arriving on ``arrival_day`` matched to a need on ``need_day``."""
        if arrival_day <= need_day:
            return self.holding_per_day * price * (need_day - arrival_day)
        return self.late_per_day * price * (arrival_day - need_day)

    def surplus_cost(self, price: float, arrival_day: int) -> float:
        """Cost of one unit beyond all requirements: held until ``as_of + horizon_days``."""
        return self.holding_per_day * price * max(self.horizon_days - arrival_day, 0)


@dataclass(frozen=True)
class Segment:
    """The quantities of one price break an order line may take: lo..hi in steps, at one price."""

    lo: float
    hi: float
    unit_price: float


@dataclass(frozen=True)
class Offer:
    """One supplier offer (all its price-break rows), with quantities already on its grid."""

    supplier_id: str
    mpn: str
    lead_time_days: int
    stock_lead_time_days: int
    step: float  # order multiple; for counted items the smallest whole one
    min_qty: float  # smallest orderable quantity: MOQ and first break, rounded up to step
    break_qty: tuple[float, ...]
    unit_price: tuple[float, ...]
    stock_qty: float  # orderable from the shelf (floored to step); 0 = none
    max_qty: float | None  # allocation cap over the horizon (floored to step); None = no cap
    min_order_value: float  # of the supplier, per order date; 0 = none

    def price_at(self, quantity: float) -> float:
        """All-units price: the unit price of the largest break not above ``quantity``."""
        index = bisect.bisect_right(self.break_qty, quantity * (1 + TOLERANCE) + TOLERANCE) - 1
        return self.unit_price[max(index, 0)]

    def round_up(self, quantity: float) -> float:
        """The smallest orderable quantity covering ``quantity`` (minimum, first break, multiple)."""
        return max(self.min_qty, round_up_to_step(quantity, self.step))

    def lead_time(self, from_stock: bool) -> int:
        return self.stock_lead_time_days if from_stock else self.lead_time_days

    def cap(self, from_stock: bool) -> float:
        """Largest quantity one line may take (inf without a cap)."""
        caps = [self.max_qty if self.max_qty is not None else math.inf]
        if from_stock:
            caps.append(self.stock_qty)
        return min(caps)

    def capacity(self) -> float:
        """Units this offer can deliver over the horizon at all."""
        cap = self.cap(False)
        return cap if cap >= self.min_qty else 0.0

    def segments(self, upper: float) -> list[Segment]:
        """Price-break segments of a line whose quantity is at most ``upper``."""
        out = []
        for k, (brk, price) in enumerate(zip(self.break_qty, self.unit_price)):
            lo = max(self.min_qty, round_up_to_step(brk, self.step))
            hi = upper
            if k + 1 < len(self.break_qty):
                hi = min(hi, (ceil_whole(self.break_qty[k + 1] / self.step) - 1) * self.step)
            if lo <= hi + TOLERANCE:
                out.append(Segment(lo, hi, price))
        return out


@dataclass(frozen=True)
class ItemProblem:
    """One buy item: its net requirements (day offsets from as_of), its offers, and the
    (supplier_id, mpn, order day) of lines a buyer rejected: no line of that offer is
    ordered on that day, from stock or not."""

    item_id: str
    need_days: np.ndarray  # int, ascending, unique
    need_qty: np.ndarray  # float > 0
    offers: tuple[Offer, ...]
    rejected: frozenset[tuple[str, str, int]] = frozenset()

    def is_rejected(self, offer: Offer, order_day: int) -> bool:
        return bool(self.rejected) and (offer.supplier_id, offer.mpn, int(order_day)) in self.rejected

    def allowed_day(self, offer: Offer, order_day: int) -> int | None:
        """``order_day`` if no rejection forbids it, else the nearest allowed day — earlier first,
        never before as_of (day 0); None when there is none within a year."""
        if not self.is_rejected(offer, order_day):
            return order_day
        for shift in range(1, 366):
            for day in (order_day - shift, order_day + shift):
                if day >= 0 and not self.is_rejected(offer, day):
                    return day
        return None

    @property
    def total_need(self) -> float:
        return float(self.need_qty.sum())

    @property
    def shortage_qty(self) -> float:
        """Units no offer can deliver, whatever the plan (allocation caps exhausted)."""
        capacity = sum(o.capacity() for o in self.offers)
        return max(self.total_need - capacity, 0.0)

    def line_upper(self, offer: Offer, from_stock: bool) -> float:
        """Largest useful quantity of one line: all needs, the last break, the supplier's minimum value."""
        useful = max(round_up_to_step(self.total_need, offer.step), offer.min_qty,
                     round_up_to_step(offer.break_qty[-1], offer.step))
        if offer.min_order_value > 0:
            useful = max(useful, round_up_to_step(offer.min_order_value / min(offer.unit_price), offer.step))
        return min(useful, offer.cap(from_stock))


def round_up_to_step(quantity: float, step: float) -> float:
    return ceil_whole(quantity / step) * step


def round_down_to_step(quantity: float, step: float) -> float:
    return math.floor(quantity / step + TOLERANCE) * step


def order_step(multiple: float, counted: bool) -> float:
    """The order multiple, made whole for counted items (the smallest whole multiple of it)."""
    if not counted or abs(multiple - round(multiple)) <= TOLERANCE:
        return float(round(multiple)) if counted else float(multiple)
    for n in range(2, _MAX_WHOLE_STEPS + 1):
        if abs(n * multiple - round(n * multiple)) <= TOLERANCE * n:
            return float(round(n * multiple))
    return float(math.ceil(multiple))


def day_offsets(dates: pd.Series, settings: PlanSettings) -> np.ndarray:
    """Whole days from as_of (dates before as_of count as as_of)."""
    as_of = pd.Timestamp(settings.as_of)
    days = (pd.to_datetime(dates) - as_of).dt.days.to_numpy(dtype=np.int64)
    return np.maximum(days, 0)


def build_offers(offers: pd.DataFrame, suppliers: pd.DataFrame, items: pd.DataFrame) -> dict[str, tuple[Offer, ...]]:
    """Offers per item, ordered by supplier_id then mpn (the spec's tie-break order)."""
    counted = {r.item_id: is_counted(r.uom) for r in items.itertuples()}
    min_value = {r.supplier_id: (0.0 if pd.isna(r.min_order_value) else float(r.min_order_value))
                 for r in suppliers.itertuples()}
    out: dict[str, list[Offer]] = {}
    rows = offers.dropna(subset=list(OFFER_KEY)).sort_values([*OFFER_KEY, "break_qty"])
    column = {name: rows[name].tolist() for name in (*OFFER_KEY, "break_qty", "unit_price", "order_multiple",
                                                      "min_order_qty", "stock_qty", "max_qty", "lead_time_days",
                                                      "stock_lead_time_days")}
    keys = list(zip(*(column[name] for name in OFFER_KEY)))
    starts = [n for n in range(len(keys)) if n == 0 or keys[n] != keys[n - 1]]
    for a, b in zip(starts, [*starts[1:], len(keys)]):  # one offer: its price-break rows a..b-1
        supplier_id, item_id, mpn = keys[a]
        step = order_step(float(column["order_multiple"][a]), counted.get(item_id, True))
        breaks = tuple(float(x) for x in column["break_qty"][a:b])
        min_qty = round_up_to_step(max(float(column["min_order_qty"][a]), breaks[0], 0.0), step)
        min_qty = max(min_qty, step)
        stock_qty, max_qty = column["stock_qty"][a], column["max_qty"][a]
        stock = 0.0 if pd.isna(stock_qty) else round_down_to_step(float(stock_qty), step)
        cap = None if pd.isna(max_qty) else round_down_to_step(float(max_qty), step)
        out.setdefault(item_id, []).append(Offer(
            supplier_id=supplier_id, mpn=mpn, lead_time_days=int(column["lead_time_days"][a]),
            stock_lead_time_days=int(column["stock_lead_time_days"][a]), step=step, min_qty=min_qty,
            break_qty=breaks, unit_price=tuple(float(x) for x in column["unit_price"][a:b]),
            stock_qty=stock if stock >= min_qty else 0.0, max_qty=cap,
            min_order_value=min_value.get(supplier_id, 0.0),
        ))
    return {item_id: tuple(found) for item_id, found in out.items()}


#: Columns a table of rejected lines must have (``quantity`` may be present; it is ignored).
REJECTED_COLUMNS = ("item_id", "supplier_id", "mpn", "order_date")


def rejected_lines(rejected: pd.DataFrame | None, settings: PlanSettings) -> dict[str, frozenset[tuple[str, str, int]]]:
    """Rejected lines per item as (supplier_id, mpn, order day); rejections dated before as_of
    cannot recur and are left out."""
    if rejected is None:
        return {}
    missing = [c for c in REJECTED_COLUMNS if c not in rejected.columns]
    if missing:
        raise ValueError(f"rejected lines lack the column(s) {', '.join(missing)}; expected "
                         f"{', '.join(REJECTED_COLUMNS)} (quantity may be present and is ignored)")
    if rejected.empty:
        return {}
    if not pd.api.types.is_datetime64_any_dtype(rejected.order_date):
        raise ValueError(f"rejected lines: order_date must be datetime64[ns], not {rejected.order_date.dtype}")
    days = (pd.to_datetime(rejected.order_date) - pd.Timestamp(settings.as_of)).dt.days.to_numpy(dtype=np.int64)
    keep = days >= 0
    frame = pd.DataFrame({"item_id": rejected.item_id.to_numpy()[keep], "supplier_id": rejected.supplier_id.to_numpy()[keep],
                          "mpn": rejected.mpn.to_numpy()[keep], "day": days[keep]})
    return {item_id: frozenset(zip(g.supplier_id.astype(str).tolist(), g.mpn.astype(str).tolist(), g.day.tolist()))
            for item_id, g in frame.groupby("item_id", sort=True)}


def build_needs(requirements: pd.DataFrame, settings: PlanSettings) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Net requirements per item as (days, quantities), one entry per day."""
    req = requirements.loc[requirements.quantity > 0, ["item_id", "date", "quantity"]].copy()
    req["day"] = day_offsets(req.date, settings)
    grouped = req.groupby(["item_id", "day"], sort=True).quantity.sum().reset_index()
    item_ids = grouped.item_id.tolist()
    days = grouped.day.to_numpy(dtype=np.int64)
    quantities = grouped.quantity.to_numpy(dtype=float)
    starts = [n for n in range(len(item_ids)) if n == 0 or item_ids[n] != item_ids[n - 1]]
    return {item_ids[a]: (days[a:b].copy(), quantities[a:b].copy())
            for a, b in zip(starts, [*starts[1:], len(item_ids)])}
