"""The walk (rules 5–9) written plainly, one object per lot and per requirement, to check the
compiled walk (:mod:`mrp.walk`) against. Slow, and meant to be read beside the format.

:func:`reference_walk` takes what :func:`mrp.engine._walk` takes and returns the same
:class:`mrp.engine.Walked` arrays, so the engine can plan a whole dataset with either walk.
Quantities are added up in the order the format gives (the same order as the compiled walk),
so both give the same plan to the last bit.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass, field

import numpy as np

from mrp.codes import FOQ, POQ
from mrp.engine import BUFFER_TYPES, Walked
from mrp.quantities import TOLERANCE, ceil_whole, round_up_to_multiple

COMPANY = 0
EPS = 1e-7


@dataclass
class Lot:
    gid: int  # row in the engine's lot and planned-order arrays
    pool: int
    arrival: int
    qty: float
    rank: int  # the id's rank among the item's lot ids ("then id")
    is_reel: bool
    is_open: bool  # an open order (PO or WO)
    avail: int
    remaining: float = 0.0
    expedited: bool = False

    def draw_key(self) -> tuple:
        """Rule 5: reels by id; receipts by arrival, then id."""
        return (self.rank,) if self.is_reel else (self.arrival, self.rank)


@dataclass
class Requirement:
    index: int
    day: int
    qty: float
    cust: int
    pri: int
    parent: int  # the parent order's lot, -1 for independent demand
    segments: list  # [demand, level, quantity] it serves, front to back
    pos: int = 0  # first segment not yet pegged
    left: float = 0.0  # what is left of it


@dataclass
class Rows:
    """What a pass appends, as lists of row tuples."""

    planned: list = field(default_factory=list)
    pieces: list = field(default_factory=list)
    material: list = field(default_factory=list)
    expedites: list = field(default_factory=list)
    net: list = field(default_factory=list)
    outflow: list = field(default_factory=list)
    actions: list = field(default_factory=list)


class ItemWalk:
    """One item's pools while it is walked."""

    def __init__(self, lots: list[Lot], pools: list[int], safety: float, lead: int, pooled: bool, track: bool):
        self.lots = lots
        self.pools = pools
        self.safety = safety
        self.lead = lead
        self.pooled = pooled
        self.track = track
        self.balance = {p: 0.0 for p in pools}
        self.pending = {p: [lot for lot in lots if lot.is_open and lot.pool == p] for p in pools}
        self.reels_pending = [lot for lot in lots if not lot.is_open]
        self.queue = {p: {"reels": [], "receipts": []} for p in pools}
        self.outflow: dict[int, float] = {}

    def floor(self, pool: int) -> float:
        """Rule 5: the company pool is drawn down to safety stock, a customer's to zero."""
        return self.safety if pool == COMPANY else 0.0

    def receive(self, day: int) -> None:
        """Rule 6: first add the day's receipts to their pools."""
        for p in self.pools:
            while self.pending[p] and self.pending[p][0].arrival <= day:
                self.arrive(self.pending[p].pop(0))
        while self.reels_pending and self.reels_pending[0].arrival <= day:
            self.arrive(self.reels_pending.pop(0))

    def arrive(self, lot: Lot) -> None:
        self.balance[lot.pool] += lot.qty
        if self.track:
            line = self.queue[lot.pool]["reels" if lot.is_reel else "receipts"]
            keys = [other.draw_key() for other in line]
            line.insert(bisect.bisect_right(keys, lot.draw_key()), lot)

    def draw(self, req: Requirement, pool: int, need: float, day: int, rows: Rows) -> float:
        """Rule 5: draw up to ``need`` on the pool, down to its floor; returns what was drawn."""
        available = self.balance[pool] - self.floor(pool)
        take = need if need < available else available
        if take <= EPS:
            return 0.0
        self.balance[pool] -= take
        if self.track:
            self.outflow[pool] = self.outflow.get(pool, 0.0) + take
            self.book(req, pool, take, day, rows)
        return take

    def book(self, req: Requirement, pool: int, amount: float, day: int, rows: Rows) -> None:
        """Rule 5: reels first (by id), then receipts (by arrival, id); rule 9: pegged."""
        for line in (self.queue[pool]["reels"], self.queue[pool]["receipts"]):
            while amount > EPS and line:
                lot = line[0]
                piece = amount if amount <= lot.remaining else lot.remaining
                lot.remaining -= piece
                amount -= piece
                if lot.remaining <= TOLERANCE:
                    lot.remaining = 0.0
                    line.pop(0)
                if req.parent != -1:
                    rows.material.append((req.parent, lot.gid, piece, day, lot.avail))
                if rows.pieces is not None:
                    peg(req, lot.gid, piece, rows.pieces)

    def expedite(self, pool: int, short: float, day: int, rows: Rows) -> float:
        """Rule 6a: open orders due within the lead time, earliest first, whole, as if they arrived today."""
        while short > EPS and self.pending[pool] and self.pending[pool][0].arrival <= day + self.lead:
            lot = self.pending[pool].pop(0)
            short -= lot.qty
            if self.track:
                lot.arrival = lot.avail = day
                lot.expedited = True
                rows.expedites.append((lot.gid, day))
            self.arrive(lot)
        return short

    def day(self, day: int, reqs: list[Requirement], rows: Rows, order) -> None:
        """Rule 6 for one day. ``order(pool, short, priority)`` covers what a pool still lacks
        after expedites (rule 6b); the POQ look-ahead passes one that only counts it."""
        self.receive(day)
        shortfalls = []
        for req in reqs:
            need = req.qty
            if req.cust != COMPANY and self.balance[req.cust] > EPS:
                need -= self.draw(req, req.cust, need, day, rows)
            if need > EPS:
                need -= self.draw(req, COMPANY, need, day, rows)
            if need > EPS:
                shortfalls.append((req, need, COMPANY if self.pooled or req.cust == COMPANY else req.cust))
        restore = 0.0
        if day == 0 and self.balance[COMPANY] < self.safety - EPS:
            restore = self.safety - self.balance[COMPANY]
        covering = sorted({p for _, _, p in shortfalls} | ({COMPANY} if restore > 0.0 else set()))
        for p in covering:
            short = 0.0
            priority = 100
            for req, need, pool in shortfalls:
                if pool == p:
                    short += need
                    priority = min(priority, req.pri)
            if p == COMPANY:
                short += restore
            short = self.expedite(p, short, day, rows)
            if short > EPS:
                order(p, short, priority)
            for req, need, pool in shortfalls:
                if pool == p:
                    self.draw(req, p, need, day, rows)


def peg(req: Requirement, gid: int, amount: float, pieces: list) -> None:
    """Rule 9: ``amount`` of lot ``gid`` to the requirement's demands, first come first served;
    past its last segment, to no demand."""
    while amount > EPS:
        if req.pos < len(req.segments):
            piece = amount if amount <= req.left else req.left
            pieces.append((gid, req.segments[req.pos][0], req.segments[req.pos][1], piece))
        else:
            piece = amount
            pieces.append((gid, -1, -1, piece))
        amount -= piece
        if req.pos < len(req.segments):
            req.left -= piece
            if req.left <= EPS:
                req.pos += 1
                req.left = req.segments[req.pos][2] if req.pos < len(req.segments) else 0.0


def lot_quantity(short: float, ahead: float, rule: int, lot_size: float, moq: float, multiple: float,
                 counted: bool) -> float:
    """Rule 6b: L4L / FOQ / POQ, then the minimum, then the multiple (whole units if counted)."""
    q = round_up_to_multiple(short, lot_size) if rule == FOQ and lot_size > 0 else short + ahead
    q = max(q, moq)
    if multiple > 0:
        q = round_up_to_multiple(q, multiple)
    return ceil_whole(q) if counted else q


def first_day_below(lots: list[Lot], draws: list[tuple[int, float]], floor: float) -> int:
    """Rule 8: the first day the balance of ``lots`` less ``draws`` falls below ``floor`` (-1: never).
    Each day adds the lots arriving (in the order given), then takes the day's draws."""
    balance = 0.0
    for day in sorted({lot.arrival for lot in lots} | {d for d, _ in draws}):
        delta = 0.0
        for lot in lots:
            if lot.arrival == day:
                delta += lot.qty
        for d, qty in draws:
            if d == day:
                delta -= qty
        balance += delta
        if balance < floor - EPS:
            return day
    return -1


def reference_walk(items, track, peg_draws, pol, r, s, sup, arr, avail, prefix_rank, planned_base, n_pools) -> Walked:
    """One pass over ``items`` (see :func:`mrp.engine._walk`), one object per lot."""
    rows = Rows()
    if not peg_draws:
        rows.pieces = None
    first_gid = sup.n + planned_base
    for it in items:
        it = int(it)
        r0, r1 = np.searchsorted(r["item"], [it, it + 1])
        reqs = []
        for i in range(r0, r1):
            segments = [[int(s["dem"][g]), int(s["lvl"][g]), float(s["qty"][g])] for g in range(r["s0"][i], r["s1"][i])]
            req = Requirement(i, int(r["day"][i]), float(r["qty"][i]), int(r["cust"][i]), int(r["pri"][i]),
                              int(r["parent"][i]), segments, 0, segments[0][2] if segments else 0.0)
            reqs.append(req)
        g0, g1 = sup.start[it], sup.end[it]
        lots = [Lot(g, int(sup.pool[g]), int(arr[g]), float(sup.qty[g]), int(sup.rank[g]) + 1, bool(sup.reel[g]),
                    not sup.reel[g], int(avail[g]), float(sup.qty[g])) for g in range(g0, g1)]
        existing = list(lots)
        pooled = bool(pol.pooled[it])
        pools = sorted({COMPANY} | {COMPANY if pooled else q.cust for q in reqs} | {q.cust for q in reqs}
                       | {lot.pool for lot in lots})
        walk = ItemWalk(lots, pools, float(pol.safety[it]), int(pol.lead[it]), pooled, track)
        days = sorted({0} | {q.day for q in reqs} | {lot.arrival for lot in lots})
        outflows = []
        for di, day in enumerate(days):
            todays = [q for q in reqs if q.day == day]
            net = []

            def order(pool, short, priority, day=day, di=di):
                net.append(short)
                ahead = poq_ahead(walk, pool, di, days, reqs, pol, it) if pol.rule[it] == POQ else 0.0
                receipt = lot_quantity(short, ahead, pol.rule[it], pol.lot_size[it], pol.moq[it], pol.multiple[it],
                                       pol.counted[it])
                plan_order(walk, rows, pol, it, pool, day, receipt, priority, first_gid + len(rows.planned),
                           int(sup.planned_rank[it]) + 1)

            walk.day(day, todays, rows, order)
            if net:
                total = 0.0
                for short in net:
                    total += short
                rows.net.append((it, day, total))
            for p in sorted(walk.outflow):
                rows.outflow.append((it, p, day, walk.outflow[p]))
                outflows.append((p, day, walk.outflow[p]))
            walk.outflow = {}
        if not track:
            continue
        for lot in existing:
            arr[lot.gid], avail[lot.gid] = lot.arrival, lot.avail
            sup.remaining[lot.gid] = lot.remaining
            sup.expedited[lot.gid] = lot.expedited
        for p in pools:
            opens = [lot for lot in existing if lot.is_open and lot.pool == p]
            others = sorted((lot for lot in walk.lots if not lot.is_open and lot.pool == p), key=lambda x: x.arrival)
            draws = [(d, q) for pool, d, q in outflows if pool == p]
            for k, lot in enumerate(opens):
                if not lot.expedited:
                    earlier = sorted(opens[:k], key=lambda x: x.arrival)
                    rows.actions.append((lot.gid, first_day_below(others + earlier, draws, walk.floor(p))))
    return _walked(rows)


def poq_ahead(walk: ItemWalk, pool: int, di: int, days: list[int], reqs: list[Requirement], pol, it) -> float:
    """Rule 6b (POQ): the pool's shortfalls on the later days of the period, by this same walk
    from today's pools with today's shortfall covered, placing no new planned order."""
    period = int(pol.period[it])
    later = [d for d in days[di + 1:] if d < days[di] + period]
    if period <= 0 or not later:
        return 0.0
    projected = copy.copy(walk)
    projected.track = False
    projected.balance = dict(walk.balance)
    projected.balance[pool] = walk.floor(pool)
    projected.pending = {p: list(queue) for p, queue in walk.pending.items()}
    projected.reels_pending = list(walk.reels_pending)
    found = []

    def count(p, short, priority):
        if p == pool:
            found.append(short)

    for day in later:
        projected.day(day, [q for q in reqs if q.day == day], Rows(pieces=None), count)
    total = 0.0
    for short in found:
        total += short
    return total


def plan_order(walk: ItemWalk, rows: Rows, pol, it: int, pool: int, day: int, receipt: float, priority: int,
               gid: int, rank: int) -> None:
    """Rule 6b: one planned order due today into the pool; rule 7: released a lead time before."""
    lead = int(pol.lead[it])
    release = day - lead
    started = receipt
    if pol.is_make[it] and pol.yield_pct[it] < 100.0:
        started = receipt / (pol.yield_pct[it] / 100.0)
        if pol.counted[it]:
            started = ceil_whole(started)
    seq = sum(1 for row in rows.planned if row[0] == it) + 1
    lot = Lot(gid, pool, day, receipt, rank, False, False, max(day, max(release, 0) + lead), receipt)
    rows.planned.append((it, seq, pool, started, receipt, release, day, lot.avail, priority, lot))
    if walk.track:
        walk.lots.append(lot)
    walk.arrive(lot)


def _walked(rows: Rows) -> Walked:
    """The rows as the engine's column arrays (each planned order with what is left of it)."""
    kinds = {
        "planned": dict(item="i", seq="i", pool="i", started="f", receipt="f", release="i", due="i", avail="i",
                        pri="i", remaining="f"),
        "pieces": dict(lot="i", dem="i4", lvl="i1", qty="f"),
        "material": dict(parent="i", lot="i", qty="f", day="i", avail="i"),
        "expedites": dict(lot="i", day="i"),
        "net": dict(item="i", day="i", qty="f"),
        "outflow": dict(item="i", pool="i", day="i", qty="f"),
        "actions": dict(lot="i", day="i"),
    }
    planned = [(*row[:9], row[9].remaining) for row in rows.planned]
    tables = {"planned": planned, "pieces": rows.pieces or [], "material": rows.material,
              "expedites": rows.expedites, "net": rows.net, "outflow": rows.outflow, "actions": rows.actions}
    out = {}
    for name, columns in kinds.items():
        data = tables[name]
        out[name] = {col: np.array([row[k] for row in data], dtype=BUFFER_TYPES[kind])
                     for k, (col, kind) in enumerate(columns.items())}
    return Walked(**out)
