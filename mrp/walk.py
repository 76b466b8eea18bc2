"""The walk (rules 5–9): all items of one level netted day by day in one compiled pass.

Supply sits in pools: the company pool (code 0) and one pool per customer, coded in the
order of the customer ids, so code order is the order the rules take pools in.
:func:`net_level` runs each item's days in the format's order, one call per rule of
:mod:`mrp.netting.rules`; its inputs and outputs are the typed records of
:mod:`mrp.netting.records`.

The walk runs on integer codes and packed arrays (numba): one level of a 30,000-item
factory holds millions of requirements, draws and pegging pieces, far too many for a
Python object each. The arrays a pass appends to are sized by the caller from bounds
(:func:`item_bounds`), so nothing grows inside the loop. ``tests/mrp/reference_walk.py``
is the same walk written plainly, one object per lot, that the tests check this one against.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mrp.netting.open_orders import open_order_actions
from mrp.netting.records import COMPANY, EPS, N_MATERIAL, N_NET, N_OUTFLOW, N_PIECES, N_PLANNED, Stock
from mrp.netting.rules import (_add_sorted, add_shortfall, covering_pool, draw, draw_shortfalls, expedite, new_shortfalls,
                               order_quantity, plan_order, poq_shortfall, receive, record_day, restore_safety_stock,
                               shortfall_of)


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
    day and pool), of pegging pieces and of material draws (see :func:`fits`)."""
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


@njit(cache=True)
def net_level(items, track, peg, rules, reqs, lots, planned_base, n_pools, out, bounds, first):
    """Net the items ``items[first:]`` (item codes, in planning order): per item, walk the days
    in order (rule 6).

    Stops before an item whose bounds no longer fit the output records and returns its
    position (``len(items)`` when all are done): the caller empties the records and goes on.
    With ``track`` false only balances and planned receipts (day, quantity) are kept: the
    optimiser's net requirements need nothing more. With ``peg`` false draws are not pegged
    (classic MRP: no pegging pieces; the segments are not read).
    """
    level = _level_buffers(n_pools)
    short_pools = np.empty(n_pools, np.int64)
    short_in = np.zeros(n_pools, np.bool_)
    cust = reqs.cust  # fields read once: each read in a loop costs numba a reference count increment
    for ii in range(first, len(items)):
        if not fits(out, bounds, ii, track, peg):
            return ii
        it = items[ii]
        r0, r1 = reqs.start[ii], reqs.end[ii]
        days, day_start, day_end = _item_days(reqs.day, r0, r1, lots.arrival, lots.start[it], lots.end[it])
        pools = _item_pools(rules.pooled[it], reqs.cust, r0, r1, lots, it, level[0])
        stock = _item_stock(lots, rules, it, pools, len(days), level)
        short = new_shortfalls(r1 - r0)
        safety, lead, pooled = rules.safety[it], rules.lead[it], rules.pooled[it]
        outflow_first = out.counts[N_OUTFLOW]
        n_orders = 0
        for di in range(len(days)):
            day = days[di]
            receive(stock, day, track)
            short.count[0] = 0
            for r in range(day_start[di], day_end[di]):
                need = draw(stock, reqs, out, r, day, safety, track, peg)
                if need > EPS:
                    add_shortfall(short, r, need, covering_pool(cust[r], pooled))
            restore = restore_safety_stock(stock, day, safety)
            n_covering = _covering_pools(short, restore > 0.0, short_pools, short_in)
            net = 0.0
            for pi in range(n_covering):
                p = short_pools[pi]
                need, priority, _ = shortfall_of(short, reqs, p)
                if p == COMPANY:
                    need += restore
                need = expedite(stock, out, p, need, day, lead, track)
                if need > EPS:
                    net += need
                    ahead = poq_shortfall(stock, reqs, out, rules, it, p, di, days, day_start, day_end, pools)
                    n_orders += 1
                    plan_order(stock, out, rules, it, p, day, order_quantity(need, ahead, rules, it), priority,
                               n_orders, planned_base, track)
                draw_shortfalls(stock, reqs, out, short, p, day, safety, track, peg)
            record_day(stock, out, it, day, net, net > 0.0)
        if track:
            _write_back(stock, lots, out, it, planned_base)
            open_order_actions(stock, out, pools, lots.end[it] - lots.start[it], safety, outflow_first,
                               out.counts[N_OUTFLOW])
    return len(items)


@njit(cache=True)
def fits(out, bounds, ii, track, peg):
    """Whether the output records still hold item ``ii``'s bounds (:func:`item_bounds`)."""
    rows = max(out.counts[N_PLANNED], out.counts[N_NET], out.counts[N_OUTFLOW] if track else 0)
    if rows + bounds[ii, 0] > len(out.planned.item):
        return False
    if not track:
        return True
    if peg and out.counts[N_PIECES] + bounds[ii, 1] > len(out.pieces.lot):
        return False
    return out.counts[N_MATERIAL] + bounds[ii, 2] <= len(out.material.lot)


@njit(cache=True)
def _covering_pools(short, restoring, order, seen):
    """The pools that cover today's shortfalls, in code order (rule 6: "the company pool first,
    then customers by id"), and the company pool when safety stock is restored."""
    n = 0
    covering = short.pool
    for j in range(short.count[0]):
        p = covering[j]
        if not seen[p]:
            seen[p] = True
            n = _add_sorted(order, n, p)
    if restoring and not seen[COMPANY]:
        n = _add_sorted(order, n, COMPANY)
    for pi in range(n):
        seen[order[pi]] = False
    return n


@njit(cache=True)
def _level_buffers(n_pools):
    """Per-pool arrays the walk reuses from item to item: a flag per pool, balance, outflow,
    pending heads and ends, pools with open orders, draw queue heads and ends, pools drawn today."""
    return (np.zeros(n_pools, np.bool_), np.zeros(n_pools), np.zeros(n_pools), np.zeros(n_pools, np.int64),
            np.zeros(n_pools, np.int64), np.empty(n_pools, np.int64), np.zeros(n_pools, np.int64),
            np.zeros(n_pools, np.int64), np.zeros(n_pools, np.int64), np.zeros(n_pools, np.int64),
            np.empty(n_pools, np.int64))


@njit(cache=True)
def _item_pools(pooled, cust, r0, r1, lots, it, used):
    """The pools an item's walk touches, in code order: the company pool, the customers of its
    requirements and the owners of its lots."""
    used[COMPANY] = True
    for r in range(r0, r1):
        used[COMPANY if pooled else cust[r]] = True
        used[cust[r]] = True
    lot_pool = lots.pool
    for g in range(lots.start[it], lots.end[it]):
        used[lot_pool[g]] = True
    pools = np.flatnonzero(used)
    used[:] = False
    return pools


@njit(cache=True)
def _item_stock(lots, rules, it, pools, n_days, level):
    """The item's :class:`~mrp.netting.records.Stock` at the start of its walk: its existing lots
    copied, room for one planned order per day and pool that can be short (a pooled item's
    shortfalls all fall on the company pool), open orders pending per pool, reels pending, and
    empty draw queues."""
    _, balance, outflow, pend_head, pend_end, pend_pools, reels_head, reels_end, receipts_head, receipts_end, \
        drawn = level
    g0 = lots.start[it]
    ne = lots.end[it] - g0
    pooled = rules.pooled[it]
    cap = ne + n_days * (1 if pooled else len(pools))
    arrival = np.empty(cap, np.int64)
    qty = np.empty(cap)
    pool = np.empty(cap, np.int64)
    avail = np.empty(cap, np.int64)
    remaining = np.empty(cap)
    gid = np.empty(cap, np.int64)
    rank = np.empty(cap, np.int64)
    is_open = np.zeros(cap, np.bool_)
    n_reels = 0
    lot_arrival, lot_qty, lot_pool, lot_avail, lot_rank, lot_reel = lots.arrival, lots.qty, lots.pool, lots.avail, \
        lots.rank, lots.reel
    for j in range(ne):
        g = g0 + j
        arrival[j] = lot_arrival[g]
        qty[j] = lot_qty[g]
        pool[j] = lot_pool[g]
        avail[j] = lot_avail[g]
        remaining[j] = lot_qty[g]
        gid[j] = g
        rank[j] = lot_rank[g] + 1
        is_open[j] = not lot_reel[g]
        n_reels += lot_reel[g]
    pending = np.empty(ne - n_reels, np.int64)
    reels = np.empty(n_reels, np.int64)
    k = 0
    n_pend_pools = 0
    for p in pools:
        pend_head[p] = k
        for j in range(ne):
            if is_open[j] and pool[j] == p:
                pending[k] = j
                k += 1
        pend_end[p] = k
        if pend_end[p] > pend_head[p]:
            pend_pools[n_pend_pools] = p
            n_pend_pools += 1
    k = 0
    for j in range(ne):
        if not is_open[j]:
            reels[k] = j
            k += 1
    k = 0
    for p in pools:
        reels_head[p] = k
        reels_end[p] = k
        for j in range(ne):
            if not is_open[j] and pool[j] == p:
                k += 1
        receipts_head[p] = k
        receipts_end[p] = k
        k += pend_end[p] - pend_head[p] + (n_days if not pooled or p == COMPANY else 0)
        balance[p] = 0.0
    return Stock(arrival, qty, pool, avail, remaining, gid, np.empty(cap, np.int64), rank, np.zeros(cap, np.bool_),
                 is_open, np.full(1, ne, np.int64), 2 * ne + 3, balance, outflow, pending, pend_head, pend_end,
                 pend_pools[:n_pend_pools], reels, np.zeros(1, np.int64), np.empty(cap, np.int64), reels_head,
                 reels_end, receipts_head, receipts_end, drawn, np.zeros(1, np.int64))


@njit(cache=True)
def _write_back(stock, lots, out, it, planned_base):
    """The walk's changes to existing lots (arrival and availability of expedited orders,
    what is left) and what is left of each planned order, for pegging surplus and rule 8."""
    g0 = lots.start[it]
    ne = lots.end[it] - g0
    for j in range(ne):
        g = g0 + j
        lots.arrival[g] = stock.arrival[j]
        lots.avail[g] = stock.avail[j]
        lots.remaining[g] = stock.remaining[j]
        lots.expedited[g] = stock.expedited[j]
    for j in range(ne, stock.n_lots[0]):
        out.planned.remaining[stock.gid[j] - planned_base] = stock.remaining[j]
