"""A per-item lower bound and plan: an exact recursion over cumulative receipts.

With the offers' caps (``stock_qty``, ``max_qty``) and minimum order values relaxed, one
item's plan is a set of lines, each (offer, arrival day, quantity on the offer's grid).
The recursion walks the item's event days ``e_0 < … < e_n`` (need days, each offer's
earliest arrival — its lead time, or stock lead time when it has shelf stock — and the
horizon end H) with the state

    (Q = units received so far, p̂ = cheapest unit price received so far)

and at each event decides, per offer, whether one line arrives that day and of which
quantity (every grid quantity of every price-break segment), paying its exact all-units
purchase cost and ``order_cost``. Between events it charges, with D = need up to the event,

- held units ``max(Q − D, 0)`` (after H: ``max(min(Q, D_total) − D, 0)``) at
  ``holding/365 · p̂`` per day — each of them costs at least the cheapest price received;
- owed units ``max(D − Q, 0)`` at ``late_penalty · p_min`` per day, ``p_min`` the cheapest
  price any line of the item can have;

and at the end requires Q ≥ D_total.

**Why its optimum is a lower bound of the item's plan cost.** Take an optimal plan of the
item (caps and minimum order values only make it dearer). (1) Its lines can be moved to
event days without raising its cost: with its quantity and matching fixed, a line's cost
is convex piecewise linear in its arrival day with breakpoints at its need days and H,
so the cheapest arrival is a breakpoint or the earliest possible one (docs/purchasing.md,
"Candidate order days"); with caps relaxed, shelf stock only brings the earliest arrival
forward. (2) Two lines of one offer arriving on one day can be merged: the merged
quantity is on the grid, its all-units price is no higher (prices fall with quantity —
items whose offers do not are not bounded here), one order cost less. (3) For such a plan,
in every interval between events the units that arrived and are not yet consumed number
at least ``Q − D`` (surplus is held to H), each costs its price ≥ p̂ per held day, and the
units of needs not yet served number at least ``D − Q``, each costing ≥ p_min per late
day. So the recursion's cost of that plan's trajectory is at most its plan cost, and the
recursion's optimum at most the item's optimum.

**States.** Q is kept on a grid of ``u`` units (u = 1, or the gcd of the offers' order
multiples, when that keeps at most ``max_states`` values: then every line quantity is a
whole number of grid units and Q is exact). Otherwise u is larger and a line whose grid
is finer than u moves ℓ = ⌊Q/u⌋ by ⌊x/u⌋ or ⌊x/u⌋ + 1; the recursion may take either,
paying ``p · max(minimum, (Δ − 1)·u)``, and charges held units as ``ℓ·u − D`` and owed
units as ``D − ℓ·u − u`` — all at most the true values, so the bound stays valid (a
little weaker). States from ``D_total + margin`` up are merged into one ("at least that
much"); units beyond it are charged as surplus held to H at the cheapest price, again at
most what they cost.

The arg-min's lines, with the arrival made from stock when the normal lead time cannot
make it, are also a plan; where it respects the caps it is a candidate plan of the item
(its exact cost comes from :func:`optimizer.purchasing.cost.evaluate`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numba import njit

from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem, Offer, round_down_to_step, round_up_to_step

#: Largest number of Q grid values per price layer (sizes u; the work is about linear in it).
MAX_STATES = 200_000
#: Values kept for tracing the arg-min back (floats); beyond it the recursion gives its bound only.
MAX_SAVED = 20_000_000
#: States kept above D_total (in units of the largest order multiple); beyond them one merged state.
MARGIN = 0.0
#: Lagrangian prices tried on an offer whose cap the plan exceeds (0.05, 0.2, 0.8, … × its price).
LAGRANGE_TRIES = 5


@dataclass(frozen=True)
class Receipts:
    """The recursion's result for one item: a lower bound (-inf: not bounded) and its plan."""

    bound: float
    lines: tuple[Line, ...] | None  # None: no plan, or its lines exceed a cap
    unit: float  # grid step u of Q
    exact: bool  # every line moves Q by whole grid units (no rounding relaxation)
    alternatives: tuple[tuple[Line, ...], ...] = ()  # other plans within the caps (trimmed ones)


def receipt_bound(item: ItemProblem, rates: CostRates, upper: float = math.inf,
                  max_states: int = MAX_STATES) -> Receipts:
    """The recursion's lower bound of ``item``'s plan cost, and its arg-min plan when within the caps.

    ``upper``: the cost of a plan of the item (at least its optimum): states that cannot beat it
    are dropped, which speeds the recursion up and changes nothing else. If it is below the
    relaxation's optimum the result is a bound of -inf and no plan."""
    none = Receipts(-math.inf, None, 0.0, False)
    offers = [o for o in item.offers if o.capacity() > 0]
    if not offers or item.shortage_qty > 1e-9 or item.total_need <= 0:
        return none
    if any(any(b > a + 1e-12 for a, b in zip(o.unit_price, o.unit_price[1:])) for o in offers):
        return none  # a price rising with quantity breaks the merge argument
    from optimizer.purchasing.heuristic import _over_cap

    options = [(o, o.stock_qty > 0) for o in offers]
    value, lines, unit, exact = _solve(item, options, rates, upper, max_states)
    if not math.isfinite(value):
        return none
    # over a cap: Lagrangian prices λ on the units of the offer (from stock, or at all) —
    # min(recursion cost + λ·units) − λ·cap is a lower bound too, and its plan may fit the caps.
    # λ grows ×4 from 0.05 × the offer's price until the plan fits, then one step back halfway
    # (geometric mean) for a plan using more of the cap; the plan kept is the one whose
    # recursion cost without λ is least.
    plan, plan_cost = (lines, value) if lines is not None and not _over_cap(list(lines)) else (None, math.inf)
    over_plans = [] if plan is not None or lines is None else [lines]
    if plan is None and lines is not None:
        trial: dict[tuple[Offer, bool | None], float] = {}
        fitting = None
        for _ in range(LAGRANGE_TRIES):
            for key in _over_cap(list(lines)):
                trial[key] = trial[key] * 4.0 if key in trial else 0.05 * min(key[0].unit_price)
            value, lines, plan, plan_cost = _lagrangian(item, options, rates, upper, max_states, dict(trial),
                                                        value, plan, plan_cost)
            if lines is None:
                break
            if plan is not None:
                fitting = dict(trial)
                break
            over_plans.append(lines)
        if fitting is not None:
            value, _, plan, plan_cost = _lagrangian(item, options, rates, upper, max_states,
                                                    {key: lam / 2.0 for key, lam in fitting.items()},
                                                    value, plan, plan_cost)
    if plan is None and lines is not None:
        plan = _within_caps(item, options, lines, rates, upper, max_states, None)
    # a plan over a cap with its excess cut from the latest lines and bought elsewhere that day
    trimmed = {t for t in (_trim(item, p) for p in over_plans[:1] + over_plans[-1:]) if t is not None}
    alternatives = tuple(sorted(trimmed - {plan}, key=lambda t: [(l.arrival_day, l.offer.supplier_id, l.quantity) for l in t]))
    if plan is None and alternatives:
        plan, alternatives = alternatives[0], alternatives[1:]
    bound = value - 1e-9 * max(abs(value), 1.0)
    return Receipts(bound, plan, unit, exact, alternatives)


def _trim(item: ItemProblem, lines: tuple[Line, ...]) -> tuple[Line, ...] | None:
    """``lines`` brought within the caps: the excess over a cap cut from the latest lines concerned
    (to their grid, or the whole line) and bought on the same day from the option that costs least
    for it; None when that is not possible."""
    from optimizer.purchasing.heuristic import _over_cap

    current = list(lines)
    for key in sorted(_over_cap(current), key=lambda k: (k[0].supplier_id, k[0].mpn, k[1] is None)):
        offer, stock = key
        excess = _usage(tuple(current), key) - _cap(key)
        for index in sorted(range(len(current)), key=lambda i: (-current[i].arrival_day, i)):
            line = current[index]
            if excess <= 1e-9:
                break
            if line.offer != offer or line.quantity <= 0 or (stock and not line.from_stock):
                continue
            keep = round_down_to_step(max(line.quantity - excess, 0.0), offer.step)
            if keep < offer.min_qty - 1e-9:
                keep = 0.0
            cut = line.quantity - keep
            excess -= cut
            current[index] = Line(line.item_id, offer, line.from_stock, line.order_day, keep)
            best = None
            for other in item.offers:
                for from_stock in (False, True):
                    if other == offer and (stock is None or from_stock):
                        continue
                    if (from_stock and other.stock_qty <= 0) or other.lead_time(from_stock) > line.arrival_day:
                        continue
                    quantity = other.round_up(cut)
                    if quantity > other.cap(from_stock) + 1e-9:
                        continue
                    cost = quantity * other.price_at(quantity)
                    if best is None or cost < best[0] - 1e-12:
                        best = (cost, other, from_stock, quantity)
            if best is None:
                return None
            _, other, from_stock, quantity = best
            current.append(Line(line.item_id, other, from_stock, line.arrival_day - other.lead_time(from_stock), quantity))
    current = [l for l in current if l.quantity > 0]
    return tuple(current) if not _over_cap(current) else None


def receipt_plan(item: ItemProblem, rates: CostRates, placed: Mapping[tuple[str, int], float],
                 upper: float = math.inf, max_states: int = MAX_STATES) -> tuple[Line, ...] | None:
    """The recursion's plan where each line of a supplier with a minimum order value reaches it
    together with ``placed`` (value other lines put on each (supplier, order day)), within the caps;
    None when there is none that costs less than ``upper`` in the recursion's terms."""
    offers = [o for o in item.offers if o.capacity() > 0]
    if not offers or item.shortage_qty > 1e-9 or item.total_need <= 0:
        return None
    if any(any(b > a + 1e-12 for a, b in zip(o.unit_price, o.unit_price[1:])) for o in offers):
        return None
    options = [(o, o.stock_qty > 0) for o in offers]
    _, lines, _, _ = _solve(item, options, rates, upper, max_states, placed)
    return _within_caps(item, options, lines, rates, upper, max_states, placed)


def _lagrangian(item: ItemProblem, options: list[tuple[Offer, bool]], rates: CostRates, upper: float,
                max_states: int, penalty: dict[tuple[Offer, bool | None], float], value: float,
                plan: tuple[Line, ...] | None, plan_cost: float):
    """One recursion with Lagrangian prices: the better bound, its lines, and the better plan within
    the caps (by recursion cost without the prices)."""
    from optimizer.purchasing.heuristic import _over_cap

    shift = sum(lam * _cap(key) for key, lam in penalty.items())
    found, lines, _, _ = _solve(item, options, rates, upper + shift, max_states, None, penalty)
    value = max(value, found - shift)
    if lines is not None and not _over_cap(list(lines)):
        cost = found - sum(lam * _usage(lines, key) for key, lam in penalty.items())
        if cost < plan_cost:
            plan, plan_cost = lines, cost
    return value, lines, plan, plan_cost


def _cap(key: tuple[Offer, bool | None]) -> float:
    return key[0].stock_qty if key[1] else key[0].max_qty


def _usage(lines: tuple[Line, ...], key: tuple[Offer, bool | None]) -> float:
    return sum(l.quantity for l in lines if l.offer == key[0] and (key[1] is None or l.from_stock))


def _within_caps(item: ItemProblem, options: list[tuple[Offer, bool]], lines: tuple[Line, ...] | None,
                 rates: CostRates, upper: float, max_states: int,
                 placed: Mapping[tuple[str, int], float] | None) -> tuple[Line, ...] | None:
    """``lines``, or where they exceed a cap, the recursion again without that offer (from stock, or
    at all), a few times; None if still over a cap."""
    from optimizer.purchasing.heuristic import _over_cap

    for _ in range(3):
        if lines is None:
            return None
        over = _over_cap(list(lines))
        if not over:
            return lines
        options = [(o, stock and (o, True) not in over) for o, stock in options if (o, None) not in over]
        if not options:
            return None
        _, lines, _, _ = _solve(item, options, rates, upper, max_states, placed)
    return lines if lines is not None and not _over_cap(list(lines)) else None


def _solve(item: ItemProblem, options: list[tuple[Offer, bool]], rates: CostRates, upper: float,
           max_states: int, placed: Mapping[tuple[str, int], float] | None = None,
           penalty: Mapping[tuple[Offer, bool | None], float] | None = None
           ) -> tuple[float, tuple[Line, ...] | None, float, bool]:
    """The recursion over ``options`` (offer, shelf stock allowed): its optimum and arg-min lines.
    With ``placed``, a line of a supplier with a minimum order value must reach it with the value
    already placed on its order day (a plan, no longer a bound). ``penalty``: a price per unit added
    to the purchase cost of an offer's lines from stock (key (offer, True)) or of all its lines
    ((offer, None)); the recursion's value then includes it."""
    offers = [o for o, _ in options]
    penalty = penalty or {}
    total = item.total_need
    earliest = [min(o.lead_time_days, o.stock_lead_time_days) if stock else o.lead_time_days for o, stock in options]
    # each option's earliest arrival, from stock and not (a Lagrangian price on stock units makes
    # the normal lead time a breakpoint of its own)
    leads = [o.lead_time_days for o in offers]
    events = np.unique(np.concatenate([item.need_days, earliest, leads, [rates.horizon_days]]).astype(np.int64))
    cum = np.concatenate([[0.0], np.cumsum(item.need_qty)])
    dcum = cum[np.searchsorted(item.need_days, events, side="right")]

    unit, exact = _grid(offers, total, max_states)
    margin = MARGIN * max([o.step for o in offers if o.step > 1.0] + [0.0])
    if exact:
        lfin = int(math.ceil(total / unit - 1e-9))
    else:
        lfin = int(math.floor(total / unit + 1e-12))
    # the merged top state needs ncap·u ≥ D_total (its held units are ncap·u − D plus the excess)
    ncap = max(int(math.ceil(total / unit - 1e-9)) + int(math.ceil(margin / unit - 1e-9)), 1)
    slack = 0.0 if exact else unit

    prices = sorted({p for o in offers for p in o.unit_price})
    layer_of = {p: k for k, p in enumerate(prices)}
    moves = []  # offer index, layer, d0, r, w (-1 inf), slope, const, segment lo, step, rounding
    for oi, offer in enumerate(offers):
        for seg in offer.segments(math.inf):
            price, lo, hi = seg.unit_price, seg.lo, seg.hi
            layer = layer_of[price]
            whole = _whole(offer.step / unit) and _whole(lo / unit)
            if exact or whole:
                r = int(round(offer.step / unit))
                d0 = int(round(lo / unit))
                w = -1 if math.isinf(hi) else int(round((hi - lo) / offer.step)) + 1
                moves.append((oi, layer, d0, r, w, price * unit, rates.order_cost, lo, offer.step, 0, price))
            else:
                base = int(math.floor(lo / unit + 1e-12))
                top = -1 if math.isinf(hi) else int(math.floor(hi / unit + 1e-12)) + 1
                moves.append((oi, layer, base, 1, 2 if top < 0 else min(2, top - base + 1), 0.0,
                              rates.order_cost + price * lo, lo, offer.step, 1, price))
                if top < 0 or top >= base + 2:
                    moves.append((oi, layer, base + 2, 1, -1 if top < 0 else top - base - 1, price * unit,
                                  rates.order_cost - price * unit, lo, offer.step, 1, price))
    mv = np.array([m[:5] + (m[9],) for m in moves], dtype=np.int64)
    mf = np.array([(m[5], m[6], m[10], m[7]) for m in moves], dtype=float)  # slope, constant, unit price, lo
    stage_event, stage_offer, stage_min, stage_pen = [], [], [], []
    for j, day in enumerate(events):
        for oi, offer in enumerate(offers):
            if day >= earliest[oi]:
                stage_event.append(j)
                stage_offer.append(oi)
                need = 0.0
                if placed is not None and offer.min_order_value > 0:
                    lead = offer.lead_time_days if day >= offer.lead_time_days else offer.stock_lead_time_days
                    need = offer.min_order_value - placed.get((offer.supplier_id, int(day) - lead), 0.0) - 1e-7
                stage_min.append(max(need, 0.0))
                stage_pen.append(penalty.get((offer, None), 0.0)
                                 + (penalty.get((offer, True), 0.0) if day < offer.lead_time_days else 0.0))
    p_min = prices[0]
    value, path = _recursion(
        events.astype(float), dcum, float(total), float(rates.horizon_days), rates.holding_per_day,
        rates.late_per_day * p_min, rates.holding_per_day * p_min, np.array(prices, dtype=float), mv, mf,
        np.array(stage_event, dtype=np.int64), np.array(stage_offer, dtype=np.int64), np.array(stage_min, dtype=float),
        np.array(stage_pen, dtype=float), float(unit), float(slack),
        int(ncap), int(lfin), float(upper) * (1 + 1e-9) + 1e-9, MAX_SAVED)
    if not math.isfinite(value):
        return value, None, unit, exact
    return value, _lines(item, offers, events, path, moves, stage_event, stage_offer, unit, exact), unit, exact




def receipt_work(item: ItemProblem, max_states: int = MAX_STATES) -> float:
    """Estimated work of :func:`receipt_bound` (Q grid states × event days): a count, for budgets."""
    offers = [o for o in item.offers if o.capacity() > 0]
    if not offers:
        return 0.0
    unit, _ = _grid(offers, item.total_need, max_states)
    return (item.total_need / unit + 1.0) * (len(item.need_days) + len(offers) + 1)


def _whole(x: float) -> bool:
    return abs(x - round(x)) <= 1e-9 * max(1.0, abs(x))


def _grid(offers: list[Offer], total: float, max_states: int) -> tuple[float, bool]:
    """The grid step u of Q and whether every line quantity is a whole number of steps."""
    span = total + MARGIN * max([o.step for o in offers if o.step > 1.0] + [0.0])
    steps = [o.step for o in offers]
    integral = all(_whole(s) for s in steps)
    if integral:
        g = 0
        for s in steps:
            g = math.gcd(g, int(round(s)))
        if span / g <= max_states:
            return float(g), True
        target = span / max_states
        big = [int(round(s)) for s in steps if s >= target]
        if big:
            g = 0
            for s in big:
                g = math.gcd(g, s)
            divisors = [d for d in range(1, int(math.isqrt(g)) + 1) if g % d == 0]
            divisors = sorted(set(divisors + [g // d for d in divisors]))
            fitting = [d for d in divisors if d >= target]
            if fitting:
                return float(fitting[0]), False
        return float(math.ceil(target)), False
    return span / max_states, False


def _lines(item: ItemProblem, offers: list[Offer], events: np.ndarray, path: np.ndarray, moves: list,
           stage_event: list[int], stage_offer: list[int], unit: float, exact: bool) -> tuple[Line, ...] | None:
    """The arg-min's lines (path rows: stage, move, target state, Δ); from stock only where the lead time
    cannot make the arrival (the caller's options allow it there)."""
    lines = []
    received = 0.0
    for stage, move, target, delta in path[::-1]:
        offer = offers[stage_offer[stage]]
        lo, step, rounding = moves[move][7], moves[move][8], moves[move][9]
        if exact or not rounding:
            quantity = float(delta) * unit
        else:
            quantity = max(lo, round_up_to_step(max(target * unit - received, 0.0), step))
        received += quantity
        day = int(events[stage_event[stage]])
        if day >= offer.lead_time_days:
            lines.append(Line(item.item_id, offer, False, day - offer.lead_time_days, quantity))
        else:
            lines.append(Line(item.item_id, offer, True, day - offer.stock_lead_time_days, quantity))
    if received < item.total_need - 1e-9:
        return None
    return tuple(lines)


@njit(cache=True, nogil=True)
def _window_min(a, n, r, w, out):
    """out[l] = min(a[l - m·r] for m in 0..w-1, l - m·r ≥ 0) over l < n (w = -1: no limit)."""
    if w < 0:
        for l in range(n):
            v = a[l]
            if l >= r and out[l - r] < v:
                v = out[l - r]
            out[l] = v
        return
    if w <= 8:
        for l in range(n):
            v = a[l]
            k = l - r
            m = 1
            while m < w and k >= 0:
                if a[k] < v:
                    v = a[k]
                k -= r
                m += 1
            out[l] = v
        return
    # van Herk / Gil-Werman along each residue class: blocks of w, prefix and suffix minima
    g = np.empty(n)
    h = np.empty(n)
    for rho in range(min(r, n)):
        cnt = (n - 1 - rho) // r + 1
        for i in range(cnt):
            l = rho + i * r
            if i % w == 0:
                g[l] = a[l]
            else:
                g[l] = min(g[l - r], a[l])
        for i in range(cnt - 1, -1, -1):
            l = rho + i * r
            if i == cnt - 1 or (i + 1) % w == 0:
                h[l] = a[l]
            else:
                h[l] = min(h[l + r], a[l])
        best = np.inf
        for i in range(cnt):
            l = rho + i * r
            if i < w:
                if a[l] < best:
                    best = a[l]
                out[l] = best
            else:
                out[l] = min(h[l - (w - 1) * r], g[l])


@njit(cache=True, nogil=True)
def _interval_cost(j, s, l, ev, dcum, dtot, horizon, hold, late_c, prices, n_layers, unit, slack, ncap):
    dt = ev[j + 1] - ev[j]
    q = l * unit
    d = dcum[j]
    if ev[j] >= horizon:
        held = min(q, dtot) - d
    else:
        held = q - d
    cost = 0.0
    if held > 0 and s < n_layers:
        cost += hold * prices[s] * dt * held
    owed = d - q - slack
    if owed > 0:
        cost += late_c * dt * owed
    return cost


@njit(cache=True, nogil=True)
def _prune(V, lo, hi, n_layers, ncap, unit, slack, dtot, p_min, ub):
    """Drops states that cannot beat ``ub`` (value + cheapest purchase of what is still missing) and
    states dominated by a cheaper price layer with the same Q at no higher value (what follows never
    costs more with a lower p̂), and tightens each layer's range of finite states."""
    first_all = ncap + 1
    last_all = -1
    for s in range(n_layers + 1):
        if lo[s] <= hi[s]:
            first_all = min(first_all, lo[s])
            last_all = max(last_all, hi[s])
    for l in range(first_all, last_all + 1):
        best = np.inf
        for s in range(n_layers + 1):
            if lo[s] <= l <= hi[s]:
                v = V[s, l]
                if v >= best:
                    V[s, l] = np.inf
                elif v < best:
                    best = v
    for s in range(n_layers + 1):
        first = -1
        last = -2
        for l in range(lo[s], hi[s] + 1):
            v = V[s, l]
            if v == np.inf:
                continue
            rest = dtot - l * unit - slack
            if rest > 0:
                v += p_min * rest
            if v > ub:
                V[s, l] = np.inf
                continue
            if first < 0:
                first = l
            last = l
        if first < 0:
            lo[s] = ncap + 1
            hi[s] = ncap
        else:
            lo[s] = first
            hi[s] = last


@njit(cache=True, nogil=True)
def _into_top(l, ncap, d0, r, w, rounding):
    """A move from grid value ``l`` into the merged top state: whether it can get there, its
    quantity Δ (grid units) and the units left uncharged (from the top state a rounding line
    adds at least (Δ − 1)·u)."""
    if l == ncap:
        return True, d0, rounding
    need = ncap - l - d0
    m = 0 if need <= 0 else (need + r - 1) // r
    if w >= 0 and m > w - 1:
        return False, 0, 0
    return True, d0 + m * r, 0


@njit(cache=True, nogil=True)
def _stage_move(mv, mf, mi, o, pen, min_value, unit):
    """Move ``mi`` on a stage of offer ``o``: its price layer, grid step, first step, step count,
    slope and constant, with the stage's Lagrangian price per unit and its minimum line value
    applied; ``ok`` is False when the move is another offer's or the minimum leaves it no quantity."""
    k = mv[mi, 1]
    d0 = mv[mi, 2]
    r = mv[mi, 3]
    w = mv[mi, 4]
    slope = mf[mi, 0]
    const = mf[mi, 1]
    if mv[mi, 0] != o:
        return False, k, r, d0, w, slope, const
    if pen > 0:  # a Lagrangian price per unit on this stage's lines
        if mv[mi, 5] == 0 or slope > 0:
            slope += pen * unit
            if mv[mi, 5] == 1:
                const -= pen * unit
        else:
            const += pen * mf[mi, 3]
    if min_value > 0:  # a line worth at least this much (minimum order value)
        if mv[mi, 5] == 1:
            return False, k, r, d0, w, slope, const
        dmin = int(np.ceil(min_value / (mf[mi, 2] * unit) - 1e-9))
        if dmin > d0:
            m0 = (dmin - d0 + r - 1) // r
            d0 += m0 * r
            if w >= 0:
                w -= m0
                if w <= 0:
                    return False, k, r, d0, w, slope, const
    return True, k, r, d0, w, slope, const


@njit(cache=True, nogil=True)
def _recursion(ev, dcum, dtot, horizon, hold, late_c, excess_c, prices, mv, mf, stage_event, stage_offer,
               stage_min, stage_pen, unit, slack, ncap, lfin, ub, max_saved):
    """Forward recursion over (price layer, Q grid state); returns the optimum and its arg-min path
    (rows: stage, move, target state, Δ, latest first). Layer n_layers = nothing received yet.
    States whose value plus the cheapest purchase of the missing units exceeds ``ub`` (the cost of a
    plan, so at least the optimum) are dropped: the optimum is unchanged."""
    n_layers = prices.shape[0]
    nl = n_layers + 1
    ns = ncap + 1
    n_ev = ev.shape[0]
    n_stages = stage_event.shape[0]
    n_moves = mv.shape[0]
    p_min = prices[0]
    V = np.full((nl, ns), np.inf)
    V[n_layers, 0] = 0.0
    lo = np.full(nl, ns, dtype=np.int64)
    hi = np.full(nl, ns - 1, dtype=np.int64)
    lo[n_layers] = 0
    hi[n_layers] = 0
    buf = np.empty(min(max(16 * ns, 1024), max_saved))
    used = 0
    keep = True
    saved_at = np.empty((n_stages, nl), dtype=np.int64)
    saved_lo = np.empty((n_stages, nl), dtype=np.int64)
    saved_hi = np.empty((n_stages, nl), dtype=np.int64)
    vin = np.empty((nl, ns))
    a = np.empty(ns)
    b = np.empty(ns)
    st = 0
    for j in range(n_ev):
        left = horizon - ev[j]
        if left < 0:
            left = 0.0
        while st < n_stages and stage_event[st] == j:
            o = stage_offer[st]
            size = 0
            for s in range(nl):
                if lo[s] <= hi[s]:
                    size += hi[s] - lo[s] + 1
            if keep and used + size > max_saved:
                keep = False  # too large to keep for the plan: the bound only
            if keep and used + size > buf.shape[0]:
                bigger = np.empty(min(max(2 * buf.shape[0], used + size), max_saved))
                bigger[:used] = buf[:used]
                buf = bigger
            for s in range(nl):
                saved_lo[st, s] = lo[s]
                saved_hi[st, s] = hi[s]
                saved_at[st, s] = used - lo[s]
                for l in range(lo[s], hi[s] + 1):
                    vin[s, l] = V[s, l]
                if keep:
                    for l in range(lo[s], hi[s] + 1):
                        buf[used] = V[s, l]
                        used += 1
            slo = saved_lo[st]
            shi = saved_hi[st]
            new_lo = lo.copy()
            new_hi = hi.copy()
            for mi in range(n_moves):
                ok, k, r, d0, w, slope, const = _stage_move(mv, mf, mi, o, stage_pen[st], stage_min[st], unit)
                if not ok:
                    continue
                for t in range(k + 1):
                    # sources: layers s >= k go to layer k; a layer s < k stays s
                    src_lo = k if t == k else t
                    src_hi = nl - 1 if t == k else t
                    rlo = ns
                    rhi = -1
                    vmin = np.inf
                    for s in range(src_lo, src_hi + 1):
                        if slo[s] <= shi[s]:
                            rlo = min(rlo, slo[s])
                            rhi = max(rhi, min(shi[s], ncap - 1))
                    if rlo > rhi:
                        continue
                    for l in range(rlo, rhi + 1):
                        a[l] = np.inf
                    for s in range(src_lo, src_hi + 1):
                        for l in range(slo[s], min(shi[s], ncap - 1) + 1):
                            v = vin[s, l]
                            if v < vmin:
                                vmin = v
                            v -= slope * l
                            if v < a[l]:
                                a[l] = v
                    # targets reachable below the top state, and worth keeping
                    tmax = ncap - 1
                    if w >= 0:
                        tmax = min(tmax, rhi + d0 + (w - 1) * r)
                    if slope > 0 and vmin < np.inf and ub < np.inf:
                        reach = (ub - vmin - const) / slope
                        if reach < tmax - rhi:
                            tmax = rhi + int(reach) + 1
                    tmin = rlo + d0
                    if tmin <= tmax:
                        for l in range(rhi + 1, tmax - d0 + 1):
                            a[l] = np.inf
                        _window_min(a[rlo:], tmax - d0 - rlo + 1, r, w, b)
                        for lt in range(tmin, tmax + 1):
                            v = b[lt - d0 - rlo]
                            if v < np.inf:
                                v += slope * lt + const
                                if v < V[t, lt]:
                                    V[t, lt] = v
                        if tmin < new_lo[t]:
                            new_lo[t] = tmin
                        if tmax > new_hi[t]:
                            new_hi[t] = tmax
                    # into the merged top state (from sources that can reach it within ub)
                    first = 0
                    if w >= 0:
                        first = ncap - d0 - (w - 1) * r
                    if slope > 0 and vmin < np.inf and ub < np.inf:
                        reach = (ub - vmin - const) / slope
                        if reach < ncap:
                            first = max(first, ncap - d0 - r - int(reach) - 1)
                    best = np.inf
                    for s in range(src_lo, src_hi + 1):
                        for l in range(max(slo[s], first), shi[s] + 1):
                            v = vin[s, l]
                            if v == np.inf:
                                continue
                            ok, delta, extra = _into_top(l, ncap, d0, r, w, mv[mi, 5])
                            if not ok:
                                continue
                            c = v + slope * delta + const + excess_c * left * (l + delta - extra - ncap) * unit
                            if c < best:
                                best = c
                    if best < V[t, ncap]:
                        V[t, ncap] = best
                        new_hi[t] = ncap
                        if new_lo[t] > ncap:
                            new_lo[t] = ncap
            for s in range(nl):
                lo[s] = new_lo[s]
                hi[s] = new_hi[s]
            _prune(V, lo, hi, n_layers, ncap, unit, slack, dtot, p_min, ub)
            st += 1
        if j + 1 < n_ev:
            for s in range(nl):
                for l in range(lo[s], hi[s] + 1):
                    if V[s, l] < np.inf:
                        V[s, l] += _interval_cost(j, s, l, ev, dcum, dtot, horizon, hold, late_c, prices, n_layers,
                                                  unit, slack, ncap)
        _prune(V, lo, hi, n_layers, ncap, unit, slack, dtot, p_min, ub)
    best = np.inf
    bs = -1
    bl = -1
    for s in range(n_layers):
        for l in range(max(lfin, lo[s]), hi[s] + 1):
            if V[s, l] < best:
                best = V[s, l]
                bs = s
                bl = l
    path = np.zeros((0, 4), dtype=np.int64)
    if bs < 0 or not keep:
        return best, path
    # backward: find, stage by stage, the transition that produced the value
    rows = np.empty((n_stages, 4), dtype=np.int64)
    nrows = 0
    t = bs
    lt = bl
    val = best
    st = n_stages - 1
    for j in range(n_ev - 1, -1, -1):
        if j + 1 < n_ev:
            val -= _interval_cost(j, t, lt, ev, dcum, dtot, horizon, hold, late_c, prices, n_layers, unit, slack,
                                  ncap)
        left = horizon - ev[j]
        if left < 0:
            left = 0.0
        while st >= 0 and stage_event[st] == j:
            o = stage_offer[st]
            at = saved_at[st]
            slo = saved_lo[st]
            shi = saved_hi[st]
            tol = 1e-7 * max(1.0, abs(val))
            if slo[t] <= lt <= shi[t] and buf[at[t] + lt] <= val + tol:
                st -= 1
                continue
            err = np.inf
            fs = -1
            fl = -1
            fm = -1
            fd = -1
            for mi in range(n_moves):
                ok, k, r, d0, w, slope, const = _stage_move(mv, mf, mi, o, stage_pen[st], stage_min[st], unit)
                if not ok:
                    continue
                if t > k:
                    continue
                src_lo = k if t == k else t
                src_hi = nl - 1 if t == k else t
                for s in range(src_lo, src_hi + 1):
                    if lt < ncap:
                        m = 0
                        while True:
                            if w >= 0 and m >= w:
                                break
                            delta = d0 + m * r
                            l = lt - delta
                            if l < slo[s]:
                                break
                            if l <= shi[s]:
                                v = buf[at[s] + l]
                                if v < np.inf:
                                    e = abs(v + slope * delta + const - val)
                                    if e < err:
                                        err, fs, fl, fm, fd = e, s, l, mi, delta
                            m += 1
                    else:
                        for l in range(slo[s], shi[s] + 1):
                            v = buf[at[s] + l]
                            if v == np.inf:
                                continue
                            ok, delta, extra = _into_top(l, ncap, d0, r, w, mv[mi, 5])
                            if not ok:
                                continue
                            e = abs(v + slope * delta + const + excess_c * left * (l + delta - extra - ncap) * unit - val)
                            if e < err:
                                err, fs, fl, fm, fd = e, s, l, mi, delta
            if fs < 0:
                return best, path
            rows[nrows, 0] = st
            rows[nrows, 1] = fm
            rows[nrows, 2] = lt if lt < ncap else fl + fd
            rows[nrows, 3] = fd
            nrows += 1
            t = fs
            lt = fl
            val = buf[at[fs] + fl]
            st -= 1
    return best, rows[:nrows].copy()
