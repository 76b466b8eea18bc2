"""Planning rules 5–7 of the format, one compiled function each, the rule's text as its
docstring. :func:`mrp.walk.net_level` calls them day by day in the format's order."""

from __future__ import annotations

import numpy as np
from numba import njit

from mrp.codes import FOQ, POQ, dense_rank, pack_keys, sort_order_ties
from mrp.netting.pegging import peg_draw
from mrp.netting.records import COMPANY, EPS, N_EXPEDITES, N_NET, N_OUTFLOW, N_PLANNED, Shortfalls, Stock
from mrp.quantities import ceil_whole, round_up_to_multiple


def requirement_order(item, day, pri, cust, parent_id, parent_seq, seq) -> np.ndarray:
    """Rule 6: per item, day by day, requirements draw "in order of priority, then customer,
    then id". A component requirement's id is its parent order's (``parent_id``: the rank of
    its id, then ``parent_seq``: its number); ``seq`` keeps the order of creation for the rest.
    Returns the requirements' positions in that order."""
    primary = pack_keys(item, day, dense_rank(pri), cust)
    ties = (parent_id, parent_seq, seq)
    if len(primary) == 1:
        return sort_order_ties(primary[0], *ties)
    return np.lexsort(ties[::-1] + primary)


@njit(cache=True, inline="always")
def pool_floor(pool, safety):
    """Rule 5: "The company pool may only be drawn down to safety_stock." A customer's pool
    may be drawn down to zero."""
    return safety if pool == COMPANY else 0.0


@njit(cache=True, inline="always")
def covering_pool(cust, pooled):
    """Rule 5: "Buying is pooled: a shortfall of a buy item is covered in the company pool.
    Building is per customer: a shortfall of a make item for C is covered in C's pool. A
    shortfall that carries no customer is covered in the company pool." """
    return COMPANY if pooled or cust == COMPANY else np.int64(cust)


@njit(cache=True, inline="always")
def receive(stock, day, track):
    """Rule 6: "On each day, first add that day's receipts to their pools." Open orders due
    by today (not pulled in before) and reels on hand today (rule 4); with ``track``, each
    joins its pool's draw queue: receipts by arrival, then id; reels by id."""
    # Fields are read into locals once: each read of a record's field inside a loop costs numba
    # a reference count increment and decrement.
    arrival, qty, balance, key, rank, queue = stock.arrival, stock.qty, stock.balance, stock.key, stock.rank, stock.queue
    pending, pend_head, pend_end = stock.pending, stock.pend_head, stock.pend_end
    for p in stock.pend_pools:
        while pend_head[p] < pend_end[p] and arrival[pending[pend_head[p]]] <= day:
            lot = pending[pend_head[p]]
            pend_head[p] += 1
            balance[p] += qty[lot]
            if track:
                key[lot] = arrival[lot] * stock.key_stride + rank[lot]
                stock.receipts_end[p] = _insert(queue, stock.receipts_head[p], stock.receipts_end[p], key, lot)
    reels, reel_head = stock.reels, stock.reel_head
    while reel_head[0] < len(reels) and arrival[reels[reel_head[0]]] <= day:
        lot = reels[reel_head[0]]
        reel_head[0] += 1
        p = stock.pool[lot]
        balance[p] += qty[lot]
        if track:
            key[lot] = rank[lot]
            stock.reels_end[p] = _insert(queue, stock.reels_head[p], stock.reels_end[p], key, lot)


@njit(cache=True, inline="always")
def draw(stock, reqs, out, req, day, safety, track, peg):
    """Rule 6: "Each of the day's requirements draws on its customer's pool, and what it still
    needs draws on the company pool — down to safety_stock." Returns what it still needs."""
    need = reqs.qty[req]
    cust = np.int64(reqs.cust[req])
    if cust != COMPANY and stock.balance[cust] > EPS:
        need -= draw_from_pool(stock, reqs, out, req, cust, need, day, safety, track, peg)
    if need > EPS:
        need -= draw_from_pool(stock, reqs, out, req, COMPANY, need, day, safety, track, peg)
    return need


@njit(cache=True, inline="always")
def draw_from_pool(stock, reqs, out, req, pool, need, day, safety, track, peg):
    """Rule 5: requirement ``req`` draws up to ``need`` on ``pool``, down to the pool's floor
    (:func:`pool_floor`). With ``track`` the draw is booked on the pool's lots and pegged
    (:func:`mrp.netting.pegging.peg_draw`) and counted in the day's outflow. Returns the quantity drawn."""
    available = stock.balance[pool] - pool_floor(pool, safety)
    take = need if need < available else available
    if take <= EPS:
        return 0.0
    stock.balance[pool] -= take
    if track:
        if stock.outflow[pool] == 0.0:
            stock.n_drawn[0] = _add_sorted(stock.drawn, stock.n_drawn[0], pool)
        stock.outflow[pool] += take
        peg_draw(stock, reqs, out, req, pool, take, day, peg)
    return take


@njit(cache=True, inline="always")
def draw_shortfalls(stock, reqs, out, short, pool, day, safety, track, peg):
    """Rule 6: once a pool's shortfall is covered (a. and b.), the day's requirements short in
    that pool draw on it."""
    req, need, covering = short.req, short.need, short.pool
    for j in range(short.count[0]):
        if covering[j] == pool:
            draw_from_pool(stock, reqs, out, req[j], pool, need[j], day, safety, track, peg)


@njit(cache=True, inline="always")
def shortfall_of(short, reqs, pool):
    """Rule 6: "What the day still lacks, per covering pool": the needs of the day's
    requirements short in ``pool``, the most urgent priority among them (rule 3: 100 if
    none), and whether there are any."""
    total = 0.0
    priority = 100
    found = False
    req, need, covering, pri = short.req, short.need, short.pool, reqs.pri
    for j in range(short.count[0]):
        if covering[j] == pool:
            total += need[j]
            priority = min(priority, pri[req[j]])
            found = True
    return total, priority, found


@njit(cache=True, inline="always")
def restore_safety_stock(stock, day, safety):
    """Rule 6: "On as_of only, a company pool below safety_stock adds what restores it to that
    day's shortfall (covered by a., then b., like any other)." """
    if day == 0 and stock.balance[COMPANY] < pool_floor(COMPANY, safety) - EPS:
        return pool_floor(COMPANY, safety) - stock.balance[COMPANY]
    return 0.0


@njit(cache=True, inline="always")
def expedite(stock, out, pool, short, day, lead, track):
    """Rule 6a: "by open orders of that pool due later, but no later than today plus the
    item's lead time (rule 7), earliest first (then id): each whole order is drawn as if it
    arrived today, its surplus staying in the pool, and is reported expedite to today."
    Returns what the pool still lacks."""
    pending, pend_head, pend_end, arrival, qty = stock.pending, stock.pend_head, stock.pend_end, stock.arrival, stock.qty
    while short > EPS and pend_head[pool] < pend_end[pool] and arrival[pending[pend_head[pool]]] <= day + lead:
        lot = pending[pend_head[pool]]
        pend_head[pool] += 1
        stock.balance[pool] += qty[lot]
        short -= qty[lot]
        if track:
            stock.arrival[lot] = day
            stock.avail[lot] = day
            stock.expedited[lot] = True
            e = out.counts[N_EXPEDITES]
            out.expedites.lot[e] = stock.gid[lot]
            out.expedites.day[e] = day
            out.counts[N_EXPEDITES] = e + 1
            stock.key[lot] = day * stock.key_stride + stock.rank[lot]
            stock.receipts_end[pool] = _insert(stock.queue, stock.receipts_head[pool], stock.receipts_end[pool],
                                               stock.key, lot)
    return short


@njit(cache=True, inline="always")
def order_quantity(short, ahead, rules, it):
    """Rule 6b: "Its quantity q: the shortfall (L4L); the shortfall rounded up to a multiple of
    lot_size (FOQ); or (POQ) the shortfall plus the shortfalls of that pool on the later days
    [...]. Then max(q, min_order_qty), then rounded up to a multiple of order_multiple (and to
    a whole number for counted items)." ``ahead`` is the POQ part (:func:`poq_shortfall`)."""
    if rules.rule[it] == FOQ and rules.lot_size[it] > 0:
        q = round_up_to_multiple(short, rules.lot_size[it])
    else:
        q = short + ahead
    q = max(q, rules.moq[it])
    if rules.multiple[it] > 0:
        q = round_up_to_multiple(q, rules.multiple[it])
    return ceil_whole(q) if rules.counted[it] else q


@njit(cache=True, inline="always")
def started_quantity(receipt, rules, it):
    """Rule 6b: "For a make item, q is what is received; the order's quantity (what is
    started, and what its components are computed from) is q divided by yield_pct/100,
    rounded up for counted items." """
    if not rules.is_make[it] or rules.yield_pct[it] >= 100.0:
        return receipt
    started = receipt / (rules.yield_pct[it] / 100.0)
    return ceil_whole(started) if rules.counted[it] else started


@njit(cache=True, inline="always")
def offset(due, lead):
    """Rule 7: "Release = due − lead time. [...] A release before as_of is moved to as_of [...].
    The due date stays the day of need; the order cannot arrive before its release + lead
    time." Returns the release (before the move: the late-release message reads it) and the
    day the order is available."""
    release = due - lead
    return release, max(due, max(release, 0) + lead)


@njit(cache=True)
def poq_shortfall(stock, reqs, out, rules, it, pool, di, days, day_start, day_end, pools):
    """Rule 6b (POQ): "the shortfall plus the shortfalls of that pool on the later days of
    [today, today + lot_period_days), computed by this same walk — receipts, draws and
    expedites — starting from today's pools with today's shortfall covered (so the company
    pool at safety_stock) and placing no new planned order in any pool." Returns the later
    days' shortfalls (0 for other lot rules)."""
    period = rules.period[it]
    if rules.rule[it] != POQ or period <= 0:
        return 0.0
    last = di + 1
    while last < len(days) and days[last] < days[di] + period:
        last += 1
    if last == di + 1:
        return 0.0
    safety = rules.safety[it]
    projected = Stock(stock.arrival, stock.qty, stock.pool, stock.avail, stock.remaining, stock.gid, stock.key,
                      stock.rank, stock.expedited, stock.is_open, stock.n_lots, stock.key_stride,
                      stock.balance.copy(), stock.outflow, stock.pending, stock.pend_head.copy(), stock.pend_end,
                      stock.pend_pools, stock.reels, stock.reel_head.copy(), stock.queue, stock.reels_head,
                      stock.reels_end, stock.receipts_head, stock.receipts_end, stock.drawn, stock.n_drawn)
    projected.balance[pool] = pool_floor(pool, safety)
    short = new_shortfalls(max_day_size(day_start, day_end, di + 1, last))
    total = 0.0
    cust, pooled, lead = reqs.cust, rules.pooled[it], rules.lead[it]
    for d in range(di + 1, last):
        day = days[d]
        receive(projected, day, False)
        short.count[0] = 0
        for r in range(day_start[d], day_end[d]):
            need = draw(projected, reqs, out, r, day, safety, False, False)
            if need > EPS:
                add_shortfall(short, r, need, covering_pool(cust[r], pooled))
        for p in pools:
            need, _, found = shortfall_of(short, reqs, p)
            if not found:
                continue
            need = expedite(projected, out, p, need, day, lead, False)
            if p == pool and need > EPS:
                total += need
            draw_shortfalls(projected, reqs, out, short, p, day, safety, False, False)
    return total


@njit(cache=True, inline="always")
def plan_order(stock, out, rules, it, pool, day, receipt, priority, seq, planned_base, track):
    """Rule 6b: "one new planned order due today into that pool", offset by the lead time
    (rule 7). It joins the pool at once; with ``track`` it becomes a lot of the pool's draw
    queue, its priority the most urgent of the requirements it covers (rule 3)."""
    k = out.counts[N_PLANNED]
    out.counts[N_PLANNED] = k + 1
    planned = out.planned
    planned.item[k] = it
    planned.due[k] = day
    planned.receipt[k] = receipt
    stock.balance[pool] += receipt
    if not track:
        return
    release, available = offset(day, rules.lead[it])
    lot = stock.n_lots[0]
    stock.n_lots[0] = lot + 1
    stock.arrival[lot] = day
    stock.qty[lot] = receipt
    stock.pool[lot] = pool
    stock.avail[lot] = available
    stock.remaining[lot] = receipt
    stock.gid[lot] = planned_base + k
    stock.rank[lot] = rules.planned_rank[it] + 1
    stock.key[lot] = day * stock.key_stride + stock.rank[lot]
    stock.receipts_end[pool] = _insert(stock.queue, stock.receipts_head[pool], stock.receipts_end[pool], stock.key, lot)
    planned.seq[k] = seq
    planned.pool[k] = pool
    planned.started[k] = started_quantity(receipt, rules, it)
    planned.release[k] = release
    planned.avail[k] = available
    planned.pri[k] = priority


@njit(cache=True, inline="always")
def record_day(stock, out, it, day, net, has_net):
    """The day's net requirement (what it lacked after stock and open orders, before lot
    sizing) and what the item drew from each pool, for the MRP records and rule 8."""
    if has_net:
        k = out.counts[N_NET]
        out.net.item[k] = it
        out.net.day[k] = day
        out.net.qty[k] = net
        out.counts[N_NET] = k + 1
    outflow, rows = stock.outflow, out.outflow
    for pi in range(stock.n_drawn[0]):
        p = stock.drawn[pi]
        k = out.counts[N_OUTFLOW]
        rows.item[k] = it
        rows.pool[k] = p
        rows.day[k] = day
        rows.qty[k] = outflow[p]
        out.counts[N_OUTFLOW] = k + 1
        outflow[p] = 0.0
    stock.n_drawn[0] = 0


@njit(cache=True)
def new_shortfalls(size):
    return Shortfalls(np.empty(size, np.int64), np.empty(size), np.empty(size, np.int64), np.zeros(1, np.int64))


@njit(cache=True, inline="always")
def add_shortfall(short, req, need, pool):
    n = short.count[0]
    short.req[n] = req
    short.need[n] = need
    short.pool[n] = pool
    short.count[0] = n + 1


@njit(cache=True)
def max_day_size(day_start, day_end, d0, d1):
    size = 0
    for d in range(d0, d1):
        size = max(size, day_end[d] - day_start[d])
    return size


@njit(cache=True, inline="always")
def _insert(queue, head, end, key, lot):
    """Put ``lot`` into the live part ``queue[head:end]``, kept sorted by ``key``; returns the new end."""
    k = key[lot]
    pos = end
    while pos > head and key[queue[pos - 1]] > k:
        queue[pos] = queue[pos - 1]
        pos -= 1
    queue[pos] = lot
    return end + 1


@njit(cache=True, inline="always")
def _add_sorted(codes, n, code):
    """Put ``code`` into ``codes[:n]``, kept ascending (a day touches few pools); returns the new length."""
    pos = n
    while pos > 0 and codes[pos - 1] > code:
        codes[pos] = codes[pos - 1]
        pos -= 1
    codes[pos] = code
    return n + 1
