"""Gross-to-net over supply pools, all items of one level in one compiled pass (rules 5–9).

Supply sits in pools: the company pool (code 0) and one pool per customer, coded in the
order of the customer ids, so code order is the order the rules take pools in. A
requirement of customer C draws first on C's pool, then on the company pool down to
safety stock. What a day still lacks is covered per pool: first by pulling in open
orders due within the lead time (:func:`expedite`), then by one new planned order sized
by the item's lot rule (:func:`place_planned_order`); a POQ order looks ahead over its
period by running the same rule functions on copies of the balances, placing no orders
(:func:`poq_shortfall`). Each rule is one function named after it, with the rule as its
docstring; :func:`net_level`'s day loop calls them in the format's order.

The walk runs on integer codes and packed arrays (numba): one level of a 30,000-item
factory holds millions of requirements, draws and pegging pieces, far too many for a
Python object each. The caller hands the arrays over in records, one per table (item
rules, requirements, pegging, supply, and one per output table); :func:`net_level` takes
their arrays out once, and the functions it calls per day and per draw take arrays, not
records: numba counts references to every array of a record passed to a compiled call,
which on the draw path cost twenty times the walk's time (docs/mrp.md, "Speed"). The arrays
a pass appends to are sized by the caller from bounds (see ``mrp.engine``), so nothing grows
inside the loop.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from mrp.codes import FOQ, POQ, dense_rank, pack_keys, sort_order_ties
from mrp.quantities import TOLERANCE, ceil_whole, round_up_to_multiple

EPS = 1e-7
COMPANY = 0
# Slots of the counters a pass fills in.
N_PLANNED, N_PIECES, N_MATERIAL, N_EXPEDITES, N_NET, N_OUTFLOW, N_ACTIONS = range(7)
N_COUNTERS = 7


class ItemRules(NamedTuple):
    """The item master's planning columns, indexed by item code."""

    pooled: np.ndarray  # a buy item: shortfalls are covered in the company pool
    is_make: np.ndarray
    counted: np.ndarray  # whole units
    lead: np.ndarray
    safety: np.ndarray
    rule: np.ndarray  # L4L, FOQ, POQ (mrp.codes)
    lot_size: np.ndarray
    period: np.ndarray
    moq: np.ndarray
    multiple: np.ndarray
    yield_pct: np.ndarray


class Requirements(NamedTuple):
    """A level's requirements in walk order (:func:`requirement_order`)."""

    day: np.ndarray
    qty: np.ndarray
    cust: np.ndarray
    pri: np.ndarray
    parent: np.ndarray  # the parent order's lot, -1 for independent demand


class Pegging(NamedTuple):
    """Whom each requirement serves: its segments ``start:end`` of (demand, level, quantity),
    handed out front to back from ``pos`` (the first not yet pegged, ``left`` of it left)."""

    start: np.ndarray
    end: np.ndarray
    pos: np.ndarray
    left: np.ndarray
    dem: np.ndarray
    lvl: np.ndarray
    qty: np.ndarray


class Supply(NamedTuple):
    """Existing lots (reels, open orders) of all items, sorted by item, arrival, id; an item's
    lots are ``start[item]:end[item]``. The walk writes back arrival, availability, what is
    left and whether it was expedited."""

    start: np.ndarray
    end: np.ndarray
    pool: np.ndarray
    arr: np.ndarray
    qty: np.ndarray
    reel: np.ndarray
    rank: np.ndarray  # the id's rank among the item's lot ids ("then id")
    avail: np.ndarray
    remaining: np.ndarray
    expedited: np.ndarray
    planned_rank: np.ndarray  # per item: the rank planned order ids take among its lot ids


class Planned(NamedTuple):
    item: np.ndarray
    seq: np.ndarray
    pool: np.ndarray
    started: np.ndarray
    receipt: np.ndarray
    release: np.ndarray
    due: np.ndarray
    avail: np.ndarray
    pri: np.ndarray
    remaining: np.ndarray


class Pieces(NamedTuple):
    lot: np.ndarray
    dem: np.ndarray
    lvl: np.ndarray
    qty: np.ndarray


class Material(NamedTuple):
    parent: np.ndarray
    lot: np.ndarray
    qty: np.ndarray
    day: np.ndarray
    avail: np.ndarray


class Expedites(NamedTuple):
    lot: np.ndarray
    day: np.ndarray


class Net(NamedTuple):
    item: np.ndarray
    day: np.ndarray
    qty: np.ndarray


class Outflow(NamedTuple):
    item: np.ndarray
    pool: np.ndarray
    day: np.ndarray
    qty: np.ndarray


class Actions(NamedTuple):
    lot: np.ndarray
    day: np.ndarray


class Outputs(NamedTuple):
    """What a pass appends, one record per table, and how many rows of each (``count``, by slot)."""

    planned: Planned
    pieces: Pieces
    material: Material
    expedites: Expedites
    net: Net
    outflow: Outflow
    actions: Actions
    count: np.ndarray


#: The output record of each counter slot.
OUTPUT_RECORDS = {N_PLANNED: Planned, N_PIECES: Pieces, N_MATERIAL: Material, N_EXPEDITES: Expedites, N_NET: Net,
                  N_OUTFLOW: Outflow, N_ACTIONS: Actions}


def outputs(buffers: dict[int, dict[str, np.ndarray]], count: np.ndarray) -> Outputs:
    """The output record of buffers given per counter slot, as column name to array."""
    return Outputs(*(OUTPUT_RECORDS[slot](**buffers[slot]) for slot in sorted(OUTPUT_RECORDS)), count)


def requirement_order(item, day, pri, cust, parent_id, parent_seq, seq) -> np.ndarray:
    """Rule 6: per item, day by day, requirements draw "in order of priority, then customer,
    then id". A component requirement's id is its parent order's (``parent_id``: the rank of
    its id, then ``parent_seq``: its number); ``seq``, the order of creation, settles the rest.
    Returns the requirements' positions in that order: the order :func:`net_level` reads them in."""
    primary = pack_keys(item, day, dense_rank(pri), cust)
    ties = (parent_id, parent_seq, seq)
    if len(primary) == 1:
        return sort_order_ties(primary[0], *ties)
    return np.lexsort(ties[::-1] + primary)


@njit(cache=True)
def pool_floor(pool, safety):
    """Rule 5: "The company pool may only be drawn down to safety_stock"; a customer's pool
    may be drawn down to zero. Every draw, restore and projection takes its floor from here."""
    return safety if pool == COMPANY else 0.0


@njit(cache=True)
def order_quantity(short, ahead, rule, lot_size, moq, multiple, counted):
    """Rule 6b: "Its quantity q: the shortfall (L4L); the shortfall rounded up to a multiple of
    lot_size (FOQ); or (POQ) the shortfall plus the shortfalls of that pool on the later days
    of [today, today + lot_period_days) ... Then max(q, min_order_qty), then rounded up to a
    multiple of order_multiple (and to a whole number for counted items)". ``ahead`` is the
    POQ period's later shortfalls (:func:`poq_shortfall`)."""
    if rule == FOQ and lot_size > 0:
        q = round_up_to_multiple(short, lot_size)
    else:
        q = short + ahead
    q = max(q, moq)
    if multiple > 0:
        q = round_up_to_multiple(q, multiple)
    return ceil_whole(q) if counted else q


@njit(cache=True)
def quantity_started(receipt, is_make, yield_pct, counted):
    """Rule 6b: "For a make item, q is what is received; the order's quantity (what is started,
    and what its components are computed from) is q divided by yield_pct/100, rounded up for
    counted items"."""
    if is_make and yield_pct < 100.0:
        started = receipt / (yield_pct / 100.0)
        return ceil_whole(started) if counted else started
    return receipt


@njit(cache=True)
def offset_lead_time(due, lead):
    """Rule 7: "Release = due − lead time. A release before as_of is moved to as_of ... The due
    date stays the day of need; the order cannot arrive before its release + lead time".
    Returns the release day (before moving, for the late_release message) and the earliest arrival."""
    release = due - lead
    return release, max(due, max(release, 0) + lead)


@njit(cache=True)
def restore_safety_stock(day, company_balance, safety):
    """Rule 6: "On as_of only, a company pool below safety_stock adds what restores it to that
    day's shortfall (covered by a., then b., like any other)"; returns that quantity."""
    floor = pool_floor(COMPANY, safety)
    if day == 0 and company_balance < floor - EPS:
        return floor - company_balance
    return 0.0


@njit(cache=True)
def _insert(queue, head, end, key, lot):
    """Put ``lot`` into the live part ``queue[head:end]``, kept sorted by ``key``; returns the new end."""
    k = key[lot]
    pos = end
    while pos > head and key[queue[pos - 1]] > k:
        queue[pos] = queue[pos - 1]
        pos -= 1
    queue[pos] = lot
    return end + 1


@njit(cache=True)
def _add_sorted(codes, n, code):
    """Put ``code`` into ``codes[:n]``, kept ascending, unless it is there (a day touches few
    pools); returns the new length."""
    for i in range(n):
        if codes[i] == code:
            return n
    pos = n
    while pos > 0 and codes[pos - 1] > code:
        codes[pos] = codes[pos - 1]
        pos -= 1
    codes[pos] = code
    return n + 1


@njit(cache=True)
def segment_cursors(seg_start, seg_end, s_qty):
    """Each requirement's first segment not yet pegged, and what is left of it."""
    seg_pos = np.zeros(len(seg_start), np.int64)
    seg_left = np.zeros(len(seg_start))
    for r in range(len(seg_start)):
        if seg_end[r] > seg_start[r]:
            seg_left[r] = s_qty[seg_start[r]]
    return seg_pos, seg_left


@njit(cache=True)
def group_rows(key, n_keys):
    """Rows grouped by a key in ``[0, n_keys)``, keeping their order within a group (a counting
    sort: linear, where a stable comparison sort of tens of millions of rows takes seconds), and
    each key's range in that order."""
    start = np.zeros(n_keys, np.int64)
    for k in key:
        start[k] += 1
    total = 0
    for k in range(n_keys):
        count = start[k]
        start[k] = total
        total += count
    end = start.copy()
    order = np.empty(len(key), np.int64)
    for i in range(len(key)):
        order[end[key[i]]] = i
        end[key[i]] += 1
    return order, start, end


@njit(cache=True)
def gather_segments(seg_start, seg_end, s_dem, s_lvl, s_qty):
    """The segments of requirements (ranges ``seg_start:seg_end``) copied out in requirement
    order, and each requirement's new range: a run copy each, no index array of every segment."""
    n = len(seg_start)
    new_start = np.empty(n, np.int64)
    new_end = np.empty(n, np.int64)
    total = 0
    for r in range(n):
        new_start[r] = total
        total += seg_end[r] - seg_start[r]
        new_end[r] = total
    dem = np.empty(total, s_dem.dtype)
    lvl = np.empty(total, s_lvl.dtype)
    qty = np.empty(total, s_qty.dtype)
    for r in range(n):
        k = new_start[r]
        for g in range(seg_start[r], seg_end[r]):
            dem[k] = s_dem[g]
            lvl[k] = s_lvl[g]
            qty[k] = s_qty[g]
            k += 1
    return new_start, new_end, dem, lvl, qty


@njit(cache=True)
def peg_draw(req, gid, amount, seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl, s_qty,
             pc_lot, pc_dem, pc_lvl, pc_qty, cnt):
    """Rule 9: "Every planned order, open order and reel draw is traced to the independent
    demand it serves": ``amount`` of lot ``gid`` to the requirement's demands (its segments),
    first come first served; past its last segment, to no demand (surplus)."""
    s0 = seg_start[req]
    count = seg_end[req] - s0
    pos = seg_pos[req]
    left = seg_left[req]
    n = cnt[N_PIECES]
    # One loop for pegged pieces and the unpegged rest: with the rest written after the loop,
    # LLVM compiled the draw path about ten times slower (measured on the 30k factory).
    while amount > EPS:
        if pos < count:
            piece = amount if amount <= left else left
            pc_dem[n] = s_dem[s0 + pos]
            pc_lvl[n] = s_lvl[s0 + pos]
        else:
            piece = amount
            pc_dem[n] = -1
            pc_lvl[n] = -1
        pc_lot[n] = gid
        pc_qty[n] = piece
        n += 1
        amount -= piece
        if pos < count:
            left -= piece
            if left <= EPS:
                pos += 1
                left = s_qty[s0 + pos] if pos < count else 0.0
    seg_pos[req] = pos
    seg_left[req] = left
    cnt[N_PIECES] = n


@njit(cache=True)
def book_draw(req, pool, amount, day, q, rq_head, rq_end, cq_head, cq_end, la_rem, la_gid, la_avail, r_parent, peg,
              seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl, s_qty, pc_lot, pc_dem, pc_lvl, pc_qty,
              m_parent, m_lot, m_qty, m_day, m_avail, cnt):
    """Rule 5: "Within a pool, draws take reels first (by reel_id), then receipts in order of
    arrival (then id)": a draw booked on the pool's lots, each piece a component's material for
    its parent order and, with ``peg``, pegged to the requirement's demands (:func:`peg_draw`)."""
    for reels in (True, False):
        head = rq_head if reels else cq_head
        end = rq_end[pool] if reels else cq_end[pool]
        while amount > EPS and head[pool] < end:
            lot = q[head[pool]]
            remaining = la_rem[lot]
            piece = amount if amount <= remaining else remaining
            la_rem[lot] = remaining - piece
            amount -= piece
            if la_rem[lot] <= TOLERANCE:
                la_rem[lot] = 0.0
                head[pool] += 1
            if r_parent[req] != -1:
                n = cnt[N_MATERIAL]
                m_parent[n] = r_parent[req]
                m_lot[n] = la_gid[lot]
                m_qty[n] = piece
                m_day[n] = day
                m_avail[n] = la_avail[lot]
                cnt[N_MATERIAL] = n + 1
            if peg:
                    peg_draw(req, la_gid[lot], piece, seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl, s_qty,
                             pc_lot, pc_dem, pc_lvl, pc_qty, cnt)


@njit(cache=True, inline="always")
def add_outflow(outflow, drawn_pools, n_drawn, pool, amount):
    """A draw joins the pool's outflow of the day; ``drawn_pools[:n_drawn]`` are the pools drawn
    on today, in code order. Returns how many they are."""
    outflow[pool] += amount
    return _add_sorted(drawn_pools, n_drawn, pool)


@njit(cache=True)
def _item_days(r_day, r0, r1, l_arr, g0, g1):
    """The walk's days (requirement days, lot arrivals and day 0, ascending) and each day's requirements.

    Requirements come sorted by day and lots by arrival, so the days are a merge of the two
    and day 0; lots whose arrival moved (not in order any more) take a sort instead.
    """
    lots_sorted = True
    for g in range(g0 + 1, g1):
        if l_arr[g] < l_arr[g - 1]:
            lots_sorted = False
            break
    if not lots_sorted:
        arrivals = np.sort(l_arr[g0:g1])
    else:
        arrivals = l_arr[g0:g1]
    days = np.empty(r1 - r0 + g1 - g0 + 1, np.int64)
    start = np.empty(len(days), np.int64)
    end = np.empty(len(days), np.int64)
    n = 0
    r = r0
    g = 0
    zero_done = False
    while True:
        day = np.int64(1) << 62
        if r < r1:
            day = np.int64(r_day[r])
        if g < len(arrivals) and arrivals[g] < day:
            day = arrivals[g]
        if not zero_done and 0 < day:
            day = 0
        if day == np.int64(1) << 62:
            break
        if day == 0:
            zero_done = True
        days[n] = day
        start[n] = r
        while r < r1 and r_day[r] == day:
            r += 1
        end[n] = r
        while g < len(arrivals) and arrivals[g] == day:
            g += 1
        n += 1
    return days[:n], start[:n], end[:n]


@njit(cache=True)
def item_bounds(items, item_req_start, item_req_end, r_day, r_cust, seg_start, seg_end, pooled, item_lot_start,
                item_lot_end, l_arr, l_pool, n_pools):
    """Per item of a pass, upper bounds of what its walk appends: rows of planned orders (one per
    day and pool), of pegging pieces and of material draws; :func:`net_level` checks them before each item."""
    used = np.zeros(n_pools, np.bool_)
    bounds = np.zeros((len(items), 3), np.int64)
    for ii in range(len(items)):
        it = items[ii]
        r0, r1 = item_req_start[ii], item_req_end[ii]
        g0, g1 = item_lot_start[it], item_lot_end[it]
        days, _, _ = _item_days(r_day, r0, r1, l_arr, g0, g1)
        pools = 1
        used[COMPANY] = True
        segments = 0
        for r in range(r0, r1):
            segments += seg_end[r] - seg_start[r]
            cust = np.int64(r_cust[r])
            # A pooled item orders for the company pool only, and draws on pools that hold lots.
            if not pooled[it] and not used[cust]:
                used[cust] = True
                pools += 1
        for g in range(g0, g1):
            if not used[l_pool[g]]:
                used[l_pool[g]] = True
                pools += 1
        used[:] = False
        planned = len(days) * pools
        # A draw splits at most at each segment end and each lot it empties; three draws per requirement.
        draws = 3 * (r1 - r0) + (g1 - g0) + planned
        bounds[ii, 0] = planned
        bounds[ii, 1] = segments + 2 * draws
        bounds[ii, 2] = draws
    return bounds


# The rules the walk runs per day and per draw, one compiled function each (the table in
# docs/mrp.md, "Where each netting rule is in the walk"), inlined into the day loop by numba
# (``inline="always"``). They take arrays (``book_planned_order`` the ``Planned`` record) and
# at most 30 arguments: Python passes more as one tuple, which a compiled call builds and takes
# apart each time. An item's lots are the ``la_*`` arrays (arrival, quantity, pool,
# availability, what is left, row, draw key, id rank, expedited); ``m_key`` scales a day in a
# draw key; ``q`` holds each pool's draw queues, reels ``rq_head:rq_end`` and receipts
# ``cq_head:cq_end``; ``pend_q`` each pool's open orders not yet received
# (``pend_head:pend_end``; ``pend_pools[:n_pend_pools]`` the pools with any) and ``reels_q`` the
# reels not yet received (``reel_head`` up to ``n_reels``). With ``track`` false receipts and
# expedites write nothing but balances and cursors, and a planned order only its item, due day
# and receipt (what the optimiser's net requirements read).


@njit(cache=True, inline="always")
def receive_open_orders(day, balance, pend_pools, n_pend_pools, pend_q, pend_head, pend_end, la_arr, la_qty, la_key,
                        la_rank, m_key, q, cq_head, cq_end, track):
    """Rule 6: "first add the day's receipts to their pools": the open orders arriving by ``day``
    join their pools' balances and, with ``track``, their draw queues (rule 5: receipts by
    arrival, then id)."""
    for pi in range(n_pend_pools):
        p = pend_pools[pi]
        while pend_head[p] < pend_end[p] and la_arr[pend_q[pend_head[p]]] <= day:
            lot = pend_q[pend_head[p]]
            pend_head[p] += 1
            balance[p] += la_qty[lot]
            if track:
                la_key[lot] = la_arr[lot] * m_key + la_rank[lot]
                cq_end[p] = _insert(q, cq_head[p], cq_end[p], la_key, lot)


@njit(cache=True, inline="always")
def receive_reels(day, balance, reels_q, reel_head, n_reels, la_arr, la_qty, la_pool, la_key, la_rank, q, rq_head,
                  rq_end, track):
    """Rule 6: "first add the day's receipts to their pools": the reels arriving by ``day`` join
    their pools' balances and, with ``track``, their draw queues (rule 5: reels by id). Returns
    the first reel not yet received."""
    while reel_head < n_reels and la_arr[reels_q[reel_head]] <= day:
        lot = reels_q[reel_head]
        reel_head += 1
        p = la_pool[lot]
        balance[p] += la_qty[lot]
        if track:
            la_key[lot] = la_rank[lot]
            rq_end[p] = _insert(q, rq_head[p], rq_end[p], la_key, lot)
    return reel_head


@njit(cache=True, inline="always")
def draw_pool(pool, balance, need, safety):
    """Rule 5: "The company pool may only be drawn down to safety_stock"; a customer's pool may
    be drawn down to zero. What a draw of up to ``need`` takes from a pool holding ``balance``:
    down to its floor, nothing when no more than ``EPS``. The draw is booked on the pool's lots
    by :func:`book_draw`."""
    available = balance - pool_floor(pool, safety)
    take = need if need < available else available
    return take if take > EPS else 0.0


@njit(cache=True, inline="always")
def draw(cust, own_balance, company_balance, need, safety):
    """Rules 5 and 6: each requirement of the day, in requirement order, draws first on its
    customer's pool (holding ``own_balance``), then on the company pool down to safety stock
    (:func:`draw_pool`). Returns what it takes from each (its customer's, the company's); it is
    left short of the rest. Balances are scalars here: the caller takes the draws off its pools."""
    own = 0.0
    if cust != COMPANY and own_balance > EPS:
        own = draw_pool(cust, own_balance, need, safety)
    company = 0.0
    if need - own > EPS:
        company = draw_pool(COMPANY, company_balance, need - own, safety)
    return own, company


@njit(cache=True, inline="always")
def list_short(r, need, pool, res_req, res_need, res_pool, n_res):
    """Rule 6: "What a day still lacks is covered per pool": a requirement left short by its
    draws is listed with what it still needs and the pool that covers it; ``need`` no more than
    ``EPS`` lists nothing. Returns how many are listed."""
    res_req[n_res] = r
    res_need[n_res] = need
    res_pool[n_res] = pool
    return n_res + 1 if need > EPS else n_res


@njit(cache=True, inline="always")
def short_pools_of(res_pool, n_res, short_in, short_pools):
    """Rule 6: "What a day still lacks is covered per pool": the pools the day's short
    requirements fall on (``res_pool[:n_res]``; a buy item's all on the company pool), in code
    order into ``short_pools``, each marked in ``short_in``. Returns how many."""
    n_short = 0
    for j in range(n_res):
        if not short_in[res_pool[j]]:
            short_in[res_pool[j]] = True
            n_short = _add_sorted(short_pools, n_short, res_pool[j])
    return n_short


@njit(cache=True, inline="always")
def shortfall(pool, every, res_req, res_need, res_pool, n_res, r_pri):
    """Rule 6: the pool's shortfall of the day, what its short requirements still need (all of
    them when ``every``: only this pool is short), and their highest priority (the lowest number)."""
    short = 0.0
    priority = 100
    for j in range(n_res):
        if every or res_pool[j] == pool:
            short += res_need[j]
            priority = min(priority, r_pri[res_req[j]])
    return short, priority


@njit(cache=True, inline="always")
def expedite(pool, short, day, lead, balance, pend_q, pend_head, pend_end, la_arr, la_qty, la_avail, la_exp, la_gid,
             la_key, la_rank, m_key, q, cq_head, cq_end, e_lot, e_day, cnt, track):
    """Rule 6a: "Open orders due within the lead time, earliest first, whole, as if they arrived
    today": each joins the pool's balance until the shortfall is covered; with ``track`` it is
    moved to today, marked expedited and booked as an expedite (``e_lot``, ``e_day``).
    Returns what the pool still lacks (negative: what the last one brought to spare)."""
    while short > EPS and pend_head[pool] < pend_end[pool] and la_arr[pend_q[pend_head[pool]]] <= day + lead:
        lot = pend_q[pend_head[pool]]
        pend_head[pool] += 1
        balance[pool] += la_qty[lot]
        short -= la_qty[lot]
        if track:
            la_arr[lot] = day
            la_avail[lot] = day
            la_exp[lot] = True
            e = cnt[N_EXPEDITES]
            e_lot[e] = la_gid[lot]
            e_day[e] = day
            cnt[N_EXPEDITES] = e + 1
            la_key[lot] = day * m_key + la_rank[lot]
            cq_end[pool] = _insert(q, cq_head[pool], cq_end[pool], la_key, lot)
    return short


@njit(cache=True)
def poq_shortfall(pool, di, period, days, day_start, day_end, r_qty, r_cust, r_pri, balance0, safety, pooled, lead,
                  pend_pools, n_pend_pools, pend_q, pend_head0, pend_end, reels_q, reel_head, n_reels, la_arr, la_qty,
                  la_pool, short_in, short_pools):
    """Rule 6b (POQ): "the shortfalls of that pool on the later days of [today, today +
    lot_period_days)", today being the walk's day ``di``, by this same walk: the day's receipts,
    draws and expedites (:func:`receive`, :func:`draw`, :func:`expedite`, untracked) on copies
    of the balances and open-order cursors, from today's pools with today's shortfall covered,
    placing no planned order. ``short_in`` (all false) and ``short_pools`` are room for the
    pools short on a day, one per pool (:func:`short_pools_of`); ``short_in`` is left all false."""
    last = di + 1
    while last < len(days) and days[last] < days[di] + period:
        last += 1
    if last == di + 1:
        return 0.0
    balance = balance0.copy()
    balance[pool] = pool_floor(pool, safety)
    pend_head = pend_head0.copy()
    # Untracked, the draw queues and the expedites are not written: empty views stand in for them.
    none = pend_end[:0]
    no_flags = short_in[:0]
    size = 0
    for dj in range(di + 1, last):
        size = max(size, day_end[dj] - day_start[dj])
    res_req = np.empty(size, np.int64)
    res_need = np.empty(size)
    res_pool = np.empty(size, np.int64)
    total = 0.0
    for dj in range(di + 1, last):
        day = days[dj]
        receive_open_orders(day, balance, pend_pools, n_pend_pools, pend_q, pend_head, pend_end, la_arr, la_qty, none,
                            none, 0, none, none, none, False)
        reel_head = receive_reels(day, balance, reels_q, reel_head, n_reels, la_arr, la_qty, la_pool, none, none, none,
                                  none, none, False)
        n_res = 0
        for r in range(day_start[dj], day_end[dj]):
            cust = np.int64(r_cust[r])
            own, company = draw(cust, balance[cust], balance[COMPANY], r_qty[r], safety)
            balance[cust] -= own
            balance[COMPANY] -= company
            n_res = list_short(r, r_qty[r] - own - company, COMPANY if pooled else cust, res_req, res_need, res_pool,
                               n_res)
        n_short = short_pools_of(res_pool, n_res, short_in, short_pools)
        for pi in range(n_short):
            p = short_pools[pi]
            short_in[p] = False
            short, _ = shortfall(p, n_short == 1, res_req, res_need, res_pool, n_res, r_pri)
            short = expedite(p, short, day, lead, balance, pend_q, pend_head, pend_end, la_arr, la_qty, none,
                             no_flags, none, none, none, 0, none, none, none, none, none, none, False)
            if p == pool and short > EPS:
                total += short
            for j in range(n_res):
                if res_pool[j] == p:
                    balance[p] -= draw_pool(p, balance[p], res_need[j], safety)
    return total


@njit(cache=True, inline="always")
def place_planned_order(it, pool, day, receipt, balance, p_item, p_due, p_receipt, cnt):
    """Rule 6b: "one new planned order due today" of ``receipt`` into the pool, which draws on
    it at once. Returns the order's row; :func:`book_planned_order` fills in the rest of it."""
    k = cnt[N_PLANNED]
    cnt[N_PLANNED] = k + 1
    p_item[k] = it
    p_due[k] = day
    p_receipt[k] = receipt
    balance[pool] += receipt
    return k


@njit(cache=True, inline="always")
def book_planned_order(k, pool, day, receipt, priority, seq, lead, is_make, yield_pct, counted, planned, lot, gid,
                       rank, la_arr, la_qty, la_pool, la_avail, la_rem, la_gid, la_key, la_rank, m_key, q, cq_head,
                       cq_end):
    """A planned order as the tracked walk keeps it: its number ``seq`` among the item's orders,
    pool, priority, what is started (rule 6b, :func:`quantity_started`), its release and
    earliest arrival (rule 7, :func:`offset_lead_time`); and, rule 5, its receipt drawn "in
    order of arrival (then id)": the item's lot ``lot`` (row ``gid``, id rank ``rank``), in the
    pool's draw queue. Returns the item's lot count."""
    p_item, p_seq, p_pool, p_started, p_receipt, p_release, p_due, p_avail, p_pri, p_remaining = planned
    release, avail = offset_lead_time(day, lead)
    p_seq[k] = seq
    p_pool[k] = pool
    p_release[k] = release
    p_avail[k] = avail
    p_pri[k] = priority
    la_arr[lot] = day
    la_qty[lot] = receipt
    la_pool[lot] = pool
    la_avail[lot] = avail
    la_rem[lot] = receipt
    la_gid[lot] = gid
    la_rank[lot] = rank
    la_key[lot] = day * m_key + rank
    cq_end[pool] = _insert(q, cq_head[pool], cq_end[pool], la_key, lot)
    # Written last: an array an inlined function writes after a branch (the rounding's) costs
    # numba a reference count per call.
    p_started[k] = quantity_started(receipt, is_make, yield_pct, counted)
    return lot + 1


@njit(cache=True, inline="always")
def book_net(it, day, net_today, n_item, n_day, n_qty, cnt):
    """The day's net requirement of the item: what its planned orders covered."""
    k = cnt[N_NET]
    n_item[k] = it
    n_day[k] = day
    n_qty[k] = net_today
    cnt[N_NET] = k + 1


@njit(cache=True, inline="always")
def book_outflow(it, day, outflow, drawn_pools, n_drawn, o_item, o_pool, o_day, o_qty, cnt):
    """The day's outflow of each pool of the item drawn on (``drawn_pools[:n_drawn]``, in code
    order), which starts again from zero."""
    for pi in range(n_drawn):
        p = drawn_pools[pi]
        k = cnt[N_OUTFLOW]
        o_item[k] = it
        o_pool[k] = p
        o_day[k] = day
        o_qty[k] = outflow[p]
        cnt[N_OUTFLOW] = k + 1
        outflow[p] = 0.0


@njit(cache=True)
def _item_lots(g0, g1, n_days, n_short_pools, l_pool, l_arr, l_qty, l_reel, l_rank, l_avail):
    """An item's lots as its walk keeps them (the ``la_*`` arrays above): its existing lots
    ``g0:g1``, then room for one planned order per day and pool that can be short. Returns the
    lots' arrays and which lots are open orders."""
    ne = g1 - g0
    cap = ne + n_days * n_short_pools
    la_arr = np.empty(cap, np.int64)
    la_qty = np.empty(cap)
    la_pool = np.empty(cap, np.int64)
    la_avail = np.empty(cap, np.int64)
    la_rem = np.empty(cap)
    la_gid = np.empty(cap, np.int64)
    la_key = np.empty(cap, np.int64)
    la_rank = np.empty(cap, np.int64)
    la_exp = np.zeros(cap, np.bool_)
    la_open = np.zeros(cap, np.bool_)
    for j in range(ne):
        g = g0 + j
        la_arr[j] = l_arr[g]
        la_qty[j] = l_qty[g]
        la_pool[j] = l_pool[g]
        la_avail[j] = l_avail[g]
        la_rem[j] = l_qty[g]
        la_gid[j] = g
        la_rank[j] = l_rank[g] + 1
        la_open[j] = not l_reel[g]
    return la_arr, la_qty, la_pool, la_avail, la_rem, la_gid, la_key, la_rank, la_exp, la_open


@njit(cache=True)
def _pending_lots(ne, pools, la_open, la_pool, pend_head, pend_end, pend_pools):
    """An item's existing lots not yet received, in arrival order: its open orders per pool
    (``pend_q``, a pool's ``pend_head:pend_end``) and the pools with any (``pend_pools``), and its
    reels (``reels_q``). Returns ``pend_q``, how many pools have open orders, and ``reels_q``."""
    n_open = 0
    for j in range(ne):
        n_open += la_open[j]
    pend_q = np.empty(n_open, np.int64)
    reels_q = np.empty(ne - n_open, np.int64)
    k = 0
    n_pend_pools = 0
    for p in pools:
        pend_head[p] = k
        for j in range(ne):
            if la_open[j] and la_pool[j] == p:
                pend_q[k] = j
                k += 1
        pend_end[p] = k
        if pend_end[p] > pend_head[p]:
            pend_pools[n_pend_pools] = p
            n_pend_pools += 1
    k = 0
    for j in range(ne):
        if not la_open[j]:
            reels_q[k] = j
            k += 1
    return pend_q, n_pend_pools, reels_q


@njit(cache=True)
def _draw_queues(cap, ne, n_days, pools, is_pooled, la_open, la_pool, pend_head, pend_end, rq_head, rq_end, cq_head,
                 cq_end, balance):
    """Each pool's draw queues in ``q``, empty: room for its reels (``rq_head:rq_end``), then
    for its receipts (``cq_head:cq_end``: its open orders and, if it can be short, a planned
    order a day); and each pool's balance, zero. Returns ``q``."""
    k = 0
    for p in pools:
        rq_head[p] = k
        rq_end[p] = k
        for j in range(ne):
            if not la_open[j] and la_pool[j] == p:
                k += 1
        cq_head[p] = k
        cq_end[p] = k
        k += pend_end[p] - pend_head[p] + (n_days if not is_pooled or p == COMPANY else 0)
        balance[p] = 0.0
    return np.empty(cap, np.int64)


@njit(cache=True)
def net_level(items, track, peg, rules, reqs, pegging, supply, out, bounds, first, item_req_start, item_req_end,
              n_pools, planned_base):
    """Net the items ``items[first:]`` (item codes, in planning order); see the module docstring.

    Stops before an item whose bounds no longer fit the output arrays and returns its
    position (``len(items)`` when all are done): the caller gives new output arrays and goes
    on. ``pegging.pos``/``pegging.left`` are each requirement's cursor into its segments (see
    :func:`segment_cursors`), kept by the caller across those calls.
    With ``track`` false only balances and planned orders are kept: the
    optimiser's net requirements need nothing more. With ``peg`` false draws are not pegged
    (classic MRP: no pegging pieces; the segments are not read).
    """
    pooled, is_make, counted, lead, safety, rule, lot_size, period, moq, multiple, yld = rules
    r_day, r_qty, r_cust, r_pri, r_parent = reqs
    seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl, s_qty = pegging
    (item_lot_start, item_lot_end, l_pool, l_arr, l_qty, l_reel, l_rank, l_avail, l_remaining, l_expedited,
     planned_rank) = supply
    pc_lot, pc_dem, pc_lvl, pc_qty = out.pieces
    m_parent, m_lot, m_qty, m_day, m_avail = out.material
    n_item, n_day, n_qty = out.net
    o_item, o_pool, o_day, o_qty = out.outflow
    p_item, p_due, p_receipt = out.planned.item, out.planned.due, out.planned.receipt
    p_remaining = out.planned.remaining
    cnt = out.count
    e_lot, e_day = out.expedites
    used = np.zeros(n_pools, np.bool_)
    short_in = np.zeros(n_pools, np.bool_)
    balance = np.zeros(n_pools)
    pend_head = np.zeros(n_pools, np.int64)
    pend_end = np.zeros(n_pools, np.int64)
    rq_head = np.zeros(n_pools, np.int64)
    rq_end = np.zeros(n_pools, np.int64)
    cq_head = np.zeros(n_pools, np.int64)
    cq_end = np.zeros(n_pools, np.int64)
    outflow = np.zeros(n_pools)
    # Pools with open orders to receive, pools short today and pools drawn today, in code order.
    pend_pools = np.empty(n_pools, np.int64)
    short_pools = np.empty(n_pools, np.int64)
    drawn_pools = np.empty(n_pools, np.int64)
    # The same for the POQ look-ahead's days.
    ahead_short_in = np.zeros(n_pools, np.bool_)
    ahead_short_pools = np.empty(n_pools, np.int64)
    for ii in range(first, len(items)):
        rows = max(cnt[N_PLANNED], cnt[N_NET], cnt[N_OUTFLOW] if track else 0)
        if rows + bounds[ii, 0] > len(out.planned.item) or (track and (
                (peg and cnt[N_PIECES] + bounds[ii, 1] > len(pc_lot)) or cnt[N_MATERIAL] + bounds[ii, 2] > len(m_lot))):
            return ii
        it = items[ii]
        r0, r1 = item_req_start[ii], item_req_end[ii]
        g0, g1 = item_lot_start[it], item_lot_end[it]
        days, day_start, day_end = _item_days(r_day, r0, r1, l_arr, g0, g1)
        n_days = len(days)
        is_pooled = pooled[it]
        floor0 = safety[it]
        # Pools of this item, in code order.
        used[COMPANY] = True
        for r in range(r0, r1):
            used[COMPANY if is_pooled else r_cust[r]] = True
            used[r_cust[r]] = True
        for g in range(g0, g1):
            used[l_pool[g]] = True
        pools = np.flatnonzero(used)
        used[:] = False
        la_arr, la_qty, la_pool, la_avail, la_rem, la_gid, la_key, la_rank, la_exp, la_open = _item_lots(
            g0, g1, n_days, 1 if is_pooled else len(pools), l_pool, l_arr, l_qty, l_reel, l_rank, l_avail)
        pend_q, n_pend_pools, reels_q = _pending_lots(g1 - g0, pools, la_open, la_pool, pend_head, pend_end, pend_pools)
        q = _draw_queues(len(la_arr), g1 - g0, n_days, pools, is_pooled, la_open, la_pool, pend_head, pend_end, rq_head,
                         rq_end, cq_head, cq_end, balance)
        n_reels = len(reels_q)
        m_key = 2 * (g1 - g0) + 3
        n_lots = g1 - g0
        reel_head = 0
        o_first = cnt[N_OUTFLOW]
        n_receipts = 0
        res_req = np.empty(r1 - r0, np.int64)
        res_need = np.empty(r1 - r0)
        res_pool = np.empty(r1 - r0, np.int64)
        for di in range(n_days):
            day = days[di]
            receive_open_orders(day, balance, pend_pools, n_pend_pools, pend_q, pend_head, pend_end, la_arr, la_qty,
                                la_key, la_rank, m_key, q, cq_head, cq_end, track)
            reel_head = receive_reels(day, balance, reels_q, reel_head, n_reels, la_arr, la_qty, la_pool, la_key,
                                      la_rank, q, rq_head, rq_end, track)
            n_drawn = 0
            n_res = 0
            for r in range(day_start[di], day_end[di]):
                cust = np.int64(r_cust[r])
                own, company = draw(cust, balance[cust], balance[COMPANY], r_qty[r], floor0)
                balance[cust] -= own
                balance[COMPANY] -= company
                for p, take in ((cust, own), (COMPANY, company)):
                    if track and take > 0.0:
                        n_drawn = add_outflow(outflow, drawn_pools, n_drawn, p, take)
                        book_draw(r, p, take, day, q, rq_head, rq_end, cq_head, cq_end, la_rem, la_gid, la_avail,
                                  r_parent, peg, seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl, s_qty, pc_lot,
                                  pc_dem, pc_lvl, pc_qty, m_parent, m_lot, m_qty, m_day, m_avail, cnt)
                n_res = list_short(r, r_qty[r] - own - company, COMPANY if is_pooled else cust, res_req, res_need,
                                   res_pool, n_res)
            restore = restore_safety_stock(day, balance[COMPANY], floor0)
            n_short = short_pools_of(res_pool, n_res, short_in, short_pools) if n_res > 0 else 0
            n_covered = n_short
            if restore > 0.0 and not short_in[COMPANY]:
                n_covered = _add_sorted(short_pools, n_short, COMPANY)
            net_today = 0.0
            for pi in range(n_covered):
                p = short_pools[pi]
                every = short_in[p] and n_short == 1  # every short requirement is this pool's
                short_in[p] = False
                short, priority = shortfall(p, every, res_req, res_need, res_pool, n_res, r_pri)
                if p == COMPANY:
                    short += restore
                short = expedite(p, short, day, lead[it], balance, pend_q, pend_head, pend_end, la_arr, la_qty, la_avail,
                                 la_exp, la_gid, la_key, la_rank, m_key, q, cq_head, cq_end, e_lot, e_day, cnt, track)
                if short > EPS:
                    net_today += short
                    ahead = 0.0
                    if rule[it] == POQ and di + 1 < n_days and days[di + 1] < day + period[it]:
                        ahead = poq_shortfall(p, di, period[it], days, day_start, day_end, r_qty, r_cust, r_pri,
                                              balance, floor0, is_pooled, lead[it], pend_pools, n_pend_pools, pend_q,
                                              pend_head, pend_end, reels_q, reel_head, n_reels, la_arr, la_qty,
                                              la_pool, ahead_short_in, ahead_short_pools)
                    receipt = order_quantity(short, ahead, rule[it], lot_size[it], moq[it], multiple[it], counted[it])
                    n_receipts += 1
                    k = place_planned_order(it, p, day, receipt, balance, p_item, p_due, p_receipt, cnt)
                    if track:
                        n_lots = book_planned_order(k, p, day, receipt, priority, n_receipts, lead[it], is_make[it],
                                                    yld[it], counted[it], out.planned, n_lots, planned_base + k,
                                                    planned_rank[it] + 1, la_arr, la_qty, la_pool, la_avail, la_rem,
                                                    la_gid, la_key, la_rank, m_key, q, cq_head, cq_end)
                # What the pool lacked is drawn now.
                for j in range(n_res):
                    if every or res_pool[j] == p:
                        take = draw_pool(p, balance[p], res_need[j], floor0)
                        balance[p] -= take
                        if track and take > 0.0:
                            n_drawn = add_outflow(outflow, drawn_pools, n_drawn, p, take)
                            book_draw(res_req[j], p, take, day, q, rq_head, rq_end, cq_head, cq_end, la_rem, la_gid,
                                      la_avail, r_parent, peg, seg_start, seg_end, seg_pos, seg_left, s_dem, s_lvl,
                                      s_qty, pc_lot, pc_dem, pc_lvl, pc_qty, m_parent, m_lot, m_qty, m_day, m_avail,
                                      cnt)
            if net_today > 0.0:
                book_net(it, day, net_today, n_item, n_day, n_qty, cnt)
            if n_drawn > 0:
                book_outflow(it, day, outflow, drawn_pools, n_drawn, o_item, o_pool, o_day, o_qty, cnt)
        if not track:
            continue
        for j in range(g1 - g0):
            g = g0 + j
            l_arr[g] = la_arr[j]
            l_avail[g] = la_avail[j]
            l_remaining[g] = la_rem[j]
            l_expedited[g] = la_exp[j]
        for j in range(g1 - g0, n_lots):
            p_remaining[la_gid[j] - planned_base] = la_rem[j]
        first_day_needed(pools, g1 - g0, n_lots, la_open, la_exp, la_arr, la_qty, la_pool, la_gid, floor0,
                         o_pool, o_day, o_qty, o_first, cnt[N_OUTFLOW], out.actions.lot, out.actions.day, cnt)
    return len(items)


@njit(cache=True)
def first_day_needed(pools, ne, n_lots, la_open, la_exp, la_arr, la_qty, la_pool, la_gid, safety,
                     o_pool, o_day, o_qty, o0, o1, a_lot, a_day, cnt):
    """Rule 8: "An open order is needed on the first day the pool's projected balance, without
    it and without the pool's open orders due after it (then by id), would fall below zero
    (below safety_stock for the company pool). Expedited orders get neither defer nor cancel."
    Records that day (-1: never) for each open order not expedited, for defer and cancel.

    Open order k of a pool is first needed on the first day the pool's balance falls below
    its floor with every other lot, the earlier open orders and the draws: the lots and
    draws are put in day order once per pool, and each open order merges its predecessors in.
    """
    with_opens = np.zeros(len(pools), np.bool_)
    for j in range(ne):
        if la_open[j]:
            for pi in range(len(pools)):
                if pools[pi] == la_pool[j]:
                    with_opens[pi] = True
    for pi in range(len(pools)):
        if not with_opens[pi]:
            continue
        p = pools[pi]
        opens = np.array([j for j in range(ne) if la_open[j] and la_pool[j] == p], np.int64)
        others = np.array([j for j in range(n_lots) if not la_open[j] and la_pool[j] == p], np.int64)
        others = others[np.argsort(la_arr[others], kind="mergesort")]
        flows = np.array([o for o in range(o0, o1) if o_pool[o] == p], np.int64)
        floor = pool_floor(p, safety)
        for k in range(len(opens)):
            if la_exp[opens[k]]:
                continue
            earlier = opens[:k][np.argsort(la_arr[opens[:k]], kind="mergesort")]
            a = cnt[N_ACTIONS]
            a_lot[a] = la_gid[opens[k]]
            a_day[a] = _first_day_below(others, earlier, la_arr, la_qty, flows, o_day, o_qty, floor)
            cnt[N_ACTIONS] = a + 1


@njit(cache=True)
def _first_day_below(others, earlier, la_arr, la_qty, flows, o_day, o_qty, floor):
    """First day the running balance of lots (``others`` then ``earlier``, each in day order)
    and draws (``flows``, in day order), summed per day in that order, is below ``floor``; -1 if never."""
    i = j = f = 0
    balance = 0.0
    never = np.int64(1) << 62
    while True:
        day = never
        if i < len(others):
            day = la_arr[others[i]]
        if j < len(earlier) and la_arr[earlier[j]] < day:
            day = la_arr[earlier[j]]
        if f < len(flows) and o_day[flows[f]] < day:
            day = o_day[flows[f]]
        if day == never:
            return -1
        delta = 0.0
        while i < len(others) and la_arr[others[i]] == day:
            delta += la_qty[others[i]]
            i += 1
        while j < len(earlier) and la_arr[earlier[j]] == day:
            delta += la_qty[earlier[j]]
            j += 1
        while f < len(flows) and o_day[flows[f]] == day:
            delta -= o_qty[flows[f]]
            f += 1
        balance += delta
        if balance < floor - EPS:
            return day
