"""Gross-to-net over supply pools, one item at a time (rules 4–6).

Supply sits in pools: the company pool (key ``""``) and one pool per customer. A
requirement of customer C draws first on C's pool, then on the company pool down to
safety stock. What a day still lacks is covered per pool (company first, then customers
by id): first by pulling in open orders due within the lead time (``expedite``), then by
one new planned order sized by the item's lot rule.

The walk is written once and run in two modes: :class:`Walk` tracks every lot (for
pegging, material dates and action messages) unless told not to (the optimiser's net
requirements need only quantities); :class:`Projection` keeps only balances and is
what a POQ order uses to look ahead over its period.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from mrp.quantities import TOLERANCE, ceil_whole, round_up_to_multiple

COMPANY = ""
EPS = 1e-7
NEVER = 1 << 62


@dataclass(frozen=True)
class ItemPolicy:
    """How one item is netted and lot-sized."""

    item_id: str
    type: str
    counted: bool
    lead_time_days: int
    safety_stock: float = 0.0
    lot_rule: str = "L4L"
    lot_size: float | None = None
    lot_period_days: int | None = None
    min_order_qty: float = 0.0
    order_multiple: float | None = None
    yield_pct: float = 100.0

    @property
    def pooled(self) -> bool:
        """Buying is pooled; building is per customer."""
        return self.type == "buy"

    @property
    def is_plain_lot_for_lot(self) -> bool:
        """Netted exactly as the optimiser sees it: L4L, no minimum, no multiple beyond whole units."""
        plain_multiple = self.order_multiple is None or (self.counted and self.order_multiple == 1.0)
        return self.lot_rule == "L4L" and self.min_order_qty == 0 and plain_multiple

    def lot_for_lot(self) -> ItemPolicy:
        """The same item as plain L4L without minimum or multiple (the optimiser's view)."""
        return ItemPolicy(self.item_id, self.type, self.counted, self.lead_time_days, self.safety_stock,
                          order_multiple=1.0 if self.counted else None, yield_pct=self.yield_pct)


#: Part of a requirement or lot traced to one independent demand: (demand_id, level, quantity);
#: demand and level are None for surplus. Plain tuples: there are millions of them.
Segment = tuple[str | None, int | None, float]


@dataclass(eq=False, slots=True)
class Requirement:
    """A gross requirement of one item on one day.

    Its segments are handed out to the supply that covers it front to back: ``seg_pos``
    is the first segment not yet fully pegged and ``seg_left`` what is left of it.
    """

    req_id: str
    day: int
    quantity: float
    customer: str
    priority: int
    segments: list[Segment]
    parent_id: str | None = None  # the order whose components these are
    seg_pos: int = 0
    seg_left: float = 0.0

    def __post_init__(self) -> None:
        self.seg_left = self.segments[0][2] if self.segments else 0.0


@dataclass(eq=False, slots=True)
class Lot:
    """A unit of supply: a reel, an open order or a planned order."""

    supply_type: str  # stock / po / wo / planned
    supply_id: str
    pool: str
    arrival: int
    quantity: float
    is_reel: bool = False
    due: int = 0
    available: int = 0
    remaining: float = 0.0
    expedited: bool = False
    segments: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.remaining = self.quantity


@dataclass(slots=True)
class PlannedOrder:
    order_id: str
    item_id: str
    type: str
    customer_id: str
    quantity: float  # what is started (make) or bought
    receipt_quantity: float
    release_day: int
    due_day: int
    available_day: int
    priority: int
    late_release_day: int | None
    lot: Lot | None


@dataclass
class NettingResult:
    planned_orders: list[PlannedOrder]  # empty when the walk does not track lots
    planned_receipts: list[tuple[int, float]]  # (due day, quantity received) of every planned order
    material: list[tuple[str, str, str, float, int, int]]  # parent order, supply type/id, qty, need day, arrival
    lots: list[Lot]
    expedites: list[tuple[Lot, int]]
    net_by_day: dict[int, float]
    pool_outflow: dict[str, dict[int, float]]


def _req_key(r: Requirement) -> tuple[int, str, str]:
    return (r.priority, r.customer, r.req_id)


def _pool_order(pool: str) -> tuple[bool, str]:
    return (pool != COMPANY, pool)


def _reel_order(lot: Lot) -> str:
    return lot.supply_id


def _receipt_order(lot: Lot) -> tuple[int, str]:
    return (lot.arrival, lot.supply_id)


class _WalkBase:
    """What both modes share: arrivals, draws, expedites, the day's shortfall per pool."""

    policy: ItemPolicy
    balance: dict[str, float]
    pending: dict[str, list[Lot]]
    pending_reels: list[Lot]
    next_arrival: int  # no pending lot arrives before this day

    def floor(self, pool: str) -> float:
        return self.policy.safety_stock if pool == COMPANY else 0.0

    def covering_pool(self, req: Requirement) -> str:
        return COMPANY if self.policy.pooled or not req.customer else req.customer

    def arrivals(self, day: int) -> None:
        if day < self.next_arrival:
            return
        for queue in self.pending.values():
            while queue and queue[0].arrival <= day:
                self.receive(queue.pop(0), day, early=False)
        while self.pending_reels and self.pending_reels[0].arrival <= day:
            self.receive(self.pending_reels.pop(0), day, early=False)
        heads = [q[0].arrival for q in self.pending.values() if q]
        if self.pending_reels:
            heads.append(self.pending_reels[0].arrival)
        self.next_arrival = min(heads, default=NEVER)

    def draws(self, reqs: list[Requirement], day: int) -> dict[str, list[tuple[Requirement, float]]]:
        """Each requirement draws its customer's pool, then the company's; returns what is left."""
        residual: dict[str, list[tuple[Requirement, float]]] = {}
        balance = self.balance
        for req in reqs:
            need = req.quantity
            customer = req.customer
            if customer and balance.get(customer, 0.0) > EPS:
                need -= self.draw(req, customer, need, day)
            if need > EPS:
                need -= self.draw(req, COMPANY, need, day)
                if need > EPS:
                    residual.setdefault(self.covering_pool(req), []).append((req, need))
        return residual

    def draw(self, req: Requirement, pool: str, amount: float, day: int) -> float:
        available = self.balance.get(pool, 0.0) - (self.policy.safety_stock if pool == COMPANY else 0.0)
        take = amount if amount < available else available
        if take <= EPS:
            return 0.0
        self.balance[pool] -= take
        self.take(req, pool, take, day)
        return take

    def expedite(self, pool: str, day: int, short: float) -> float:
        """Pull whole open orders due within the lead time into today; returns what is still short."""
        queue = self.pending.get(pool, [])
        limit = day + self.policy.lead_time_days
        while short > EPS and queue and queue[0].arrival <= limit:
            lot = queue.pop(0)
            self.receive(lot, day, early=True)
            short -= lot.quantity
        return short

    def receive(self, lot: Lot, day: int, early: bool) -> None:
        self.balance[lot.pool] = self.balance.get(lot.pool, 0.0) + lot.quantity

    def take(self, req: Requirement, pool: str, amount: float, day: int) -> None:
        """Bookkeeping of a draw (lots, pegging); nothing in a projection."""


class Projection(_WalkBase):
    """Balances only: the look-ahead a POQ order uses to size itself."""

    def __init__(self, walk: Walk, pool: str):
        self.policy = walk.policy
        self.balance = dict(walk.balance)
        self.balance[pool] = self.floor(pool)
        self.pending = {p: list(q) for p, q in walk.pending.items()}
        self.pending_reels = list(walk.pending_reels)
        self.next_arrival = walk.next_arrival

    def shortfall(self, pool: str, days: list[int], reqs_by_day: dict[int, list[Requirement]]) -> float:
        """What ``pool`` will lack on ``days``, covered by nothing but expedites."""
        total = 0.0
        for day in days:
            self.arrivals(day)
            residual = self.draws(reqs_by_day.get(day, []), day)
            for covering in sorted(residual, key=_pool_order):
                short = self.expedite(covering, day, sum(n for _, n in residual[covering]))
                if covering == pool and short > EPS:
                    total += short
                for req, need in residual[covering]:
                    self.draw(req, covering, need, day)
        return total


class Walk(_WalkBase):
    """The real walk: lots in pools, draws, expedites and planned orders, all recorded."""

    def __init__(self, policy: ItemPolicy, lots: list[Lot], order_prefix: str, *, track: bool = True):
        self.policy = policy
        self.track = track
        self.order_prefix = order_prefix
        self.balance = {COMPANY: 0.0}
        self.reels: dict[str, list[Lot]] = {}
        self.receipts: dict[str, list[Lot]] = {}
        self.pending = {}
        self.pending_reels = []
        self.next_arrival = 0
        self.lots = list(lots)
        self.material: list[tuple[str, str, str, float, int, int]] = []
        self.planned: list[PlannedOrder] = []
        self.planned_receipts: list[tuple[int, float]] = []
        self.expedites: list[tuple[Lot, int]] = []
        self.net_by_day: dict[int, float] = {}
        self.pool_outflow: dict[str, dict[int, float]] = {}
        for lot in sorted(lots, key=lambda x: (x.arrival, x.supply_id)):
            self.balance.setdefault(lot.pool, 0.0)
            if lot.is_reel:
                self.pending_reels.append(lot)
            else:
                self.pending.setdefault(lot.pool, []).append(lot)

    def run(self, reqs: list[Requirement]) -> NettingResult:
        reqs_by_day: dict[int, list[Requirement]] = {}
        for req in reqs:
            reqs_by_day.setdefault(req.day, []).append(req)
        for day_reqs in reqs_by_day.values():
            day_reqs.sort(key=_req_key)
        days = sorted(set(reqs_by_day) | {lot.arrival for lot in self.lots} | {0})
        for index, day in enumerate(days):
            self.arrivals(day)
            residual = self.draws(reqs_by_day.get(day, []), day)
            restore = 0.0
            if day == 0 and self.balance[COMPANY] < self.policy.safety_stock - EPS:
                restore = self.policy.safety_stock - self.balance[COMPANY]
                residual.setdefault(COMPANY, [])
            for pool in sorted(residual, key=_pool_order) if len(residual) > 1 else residual:
                needs = residual[pool]
                short = sum([n for _, n in needs]) + (restore if pool == COMPANY else 0.0)
                short = self.expedite(pool, day, short)
                if short > EPS:
                    self.net_by_day[day] = self.net_by_day.get(day, 0.0) + short
                    ahead = self.look_ahead(pool, day, days[index + 1:], reqs_by_day)
                    self.plan_order(pool, day, short, ahead, needs)
                for req, need in needs:
                    self.draw(req, pool, need, day)
        return NettingResult(self.planned, self.planned_receipts, self.material, self.lots, self.expedites,
                             self.net_by_day, self.pool_outflow)

    def look_ahead(self, pool: str, day: int, later: list[int], reqs_by_day: dict[int, list[Requirement]]) -> float:
        period = self.policy.lot_period_days
        if self.policy.lot_rule != "POQ" or not period:
            return 0.0
        window = later[:bisect.bisect_left(later, day + period)]
        return Projection(self, pool).shortfall(pool, window, reqs_by_day) if window else 0.0

    def lot_quantity(self, short: float, ahead: float) -> float:
        p = self.policy
        if p.lot_rule == "FOQ" and p.lot_size:
            q = round_up_to_multiple(short, p.lot_size)
        else:
            q = short + ahead
        q = max(q, p.min_order_qty)
        if p.order_multiple:
            q = round_up_to_multiple(q, p.order_multiple)
        return ceil_whole(q) if p.counted else q

    def plan_order(self, pool: str, day: int, short: float, ahead: float,
                   needs: list[tuple[Requirement, float]]) -> None:
        p = self.policy
        receipt = self.lot_quantity(short, ahead)
        self.planned_receipts.append((day, receipt))
        if not self.track:
            self.balance[pool] = self.balance.get(pool, 0.0) + receipt
            return
        started = receipt
        if p.type == "make" and p.yield_pct < 100.0:
            started = receipt / (p.yield_pct / 100.0)
            if p.counted:
                started = ceil_whole(started)
        release = day - p.lead_time_days
        clipped = max(release, 0)
        order_id = f"{self.order_prefix}{len(self.planned_receipts):04d}"
        lot = Lot("planned", order_id, pool, day, receipt, due=day, available=max(day, clipped + p.lead_time_days))
        self.lots.append(lot)
        self.receive(lot, day, early=False)
        priority = min((r.priority for r, _ in needs), default=100)
        self.planned.append(PlannedOrder(order_id, p.item_id, p.type, pool, started, receipt, clipped, day,
                                         lot.available, priority, release if release < 0 else None, lot))

    def receive(self, lot: Lot, day: int, early: bool) -> None:
        super().receive(lot, day, early)
        if not self.track:
            return
        if early:
            lot.arrival = day
            lot.available = day
            lot.expedited = True
            self.expedites.append((lot, day))
        if lot.is_reel:
            bisect.insort(self.reels.setdefault(lot.pool, []), lot, key=_reel_order)
        else:
            bisect.insort(self.receipts.setdefault(lot.pool, []), lot, key=_receipt_order)

    def take(self, req: Requirement, pool: str, amount: float, day: int) -> None:
        if not self.track:
            return
        outflow = self.pool_outflow.setdefault(pool, {})
        outflow[day] = outflow.get(day, 0.0) + amount
        for queue in (self.reels.get(pool, []), self.receipts.get(pool, [])):
            while amount > EPS and queue:
                lot = queue[0]
                remaining = lot.remaining
                piece = amount if amount <= remaining else remaining
                lot.remaining -= piece
                amount -= piece
                if lot.remaining <= TOLERANCE:
                    lot.remaining = 0.0
                    queue.pop(0)
                if req.parent_id is not None:
                    self.material.append((req.parent_id, lot.supply_type, lot.supply_id, piece, day, lot.available))
                _move_segments(req, lot, piece)


def _move_segments(req: Requirement, lot: Lot, amount: float) -> None:
    """Peg ``amount`` of ``lot`` to the requirement's demands, first come first served."""
    segments = req.segments
    count = len(segments)
    pos = req.seg_pos
    left = req.seg_left
    pieces = lot.segments
    while amount > EPS and pos < count:
        demand_id, level, _ = segments[pos]
        piece = amount if amount <= left else left
        pieces.append((demand_id, level, piece))
        left -= piece
        amount -= piece
        if left <= EPS:
            pos += 1
            left = segments[pos][2] if pos < count else 0.0
    req.seg_pos = pos
    req.seg_left = left
    if amount > EPS:
        pieces.append((None, None, amount))
