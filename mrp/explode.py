"""Dependent requirements from parent orders (rule 3), pegged through (rule 9).

For each BOM line valid on the release day R (``valid_from <= R < valid_to``), a parent
order of Q started units needs ``Q × qty_per × (1 + attrition/100)`` of the child —
rounded up for counted children — plus the line's setup loss, again whole for counted
children. Lines are rounded one by one, then lines of the same child add up. Each
child requirement is split over the demands the parent order serves, in proportion to
the order's pegging (largest remainder for counted children), one BOM level deeper.

All orders of a level are exploded in one compiled pass over packed arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numba import njit

from mrp.calendar import to_days
from mrp.quantities import TOLERANCE, ceil_whole


class BomLines:
    """The BOM as packed arrays, lines of each parent contiguous in file order."""

    def __init__(self, bom: pd.DataFrame, items: pd.DataFrame, code: dict[str, int], counted: np.ndarray, as_of):
        n_items = len(code)
        if bom.empty:
            bom = bom.iloc[0:0]
        child_master = items.set_index("item_id")
        attrition = bom["attrition_pct"].fillna(bom["child_id"].map(child_master["attrition_pct"])).fillna(0.0)
        setup = bom["setup_loss_qty"].fillna(bom["child_id"].map(child_master["setup_loss_qty"])).fillna(0.0)
        parent = bom["parent_id"].map(code).to_numpy(dtype=np.int64)
        order = np.argsort(parent, kind="stable")
        self.child = bom["child_id"].map(code).to_numpy(dtype=np.int64)[order]
        self.qty_per = bom["qty_per"].to_numpy(dtype=float)[order]
        self.attrition_factor = 1.0 + attrition.to_numpy(dtype=float)[order] / 100.0
        self.setup_loss = setup.to_numpy(dtype=float)[order]
        self.valid_from = np.nan_to_num(to_days(bom["valid_from"], as_of), nan=-math.inf)[order]
        self.valid_to = np.nan_to_num(to_days(bom["valid_to"], as_of), nan=math.inf)[order]
        self.child_counted = counted[self.child] if len(self.child) else np.zeros(0, np.bool_)
        sorted_parent = parent[order]
        self.start = np.searchsorted(sorted_parent, np.arange(n_items), side="left").astype(np.int64)
        self.end = np.searchsorted(sorted_parent, np.arange(n_items), side="right").astype(np.int64)


@njit(cache=True)
def line_quantity(started, qty_per, attrition_factor, setup_loss, counted):
    """One BOM line's requirement for ``started`` parent units."""
    qty = started * qty_per * attrition_factor
    if counted:
        qty = ceil_whole(qty)
    qty += setup_loss
    return ceil_whole(qty) if counted else qty


@njit(cache=True)
def apportion(total, weights, counted, parts):
    """Split ``total`` in proportion to ``weights`` into ``parts``; whole units for counted items.

    Largest remainder keeps the parts summing exactly to ``total`` (ties go to the earlier
    part), so pegged quantities add up to the requirement they split. The caller's buffer
    saves an allocation per requirement (tens of millions at factory scale).
    """
    n = len(weights)
    parts[:n] = 0.0
    if n == 1:
        if weights[0] > 0:
            parts[0] = total
        return
    weight_sum = 0.0
    for w in weights:
        weight_sum += w
    if weight_sum <= 0:
        return
    if not counted:
        for i in range(n):
            parts[i] = total * weights[i] / weight_sum
        return
    floors_sum = 0.0
    rest = np.empty(n)
    for i in range(n):
        exact = total * weights[i] / weight_sum
        parts[i] = math.floor(exact + TOLERANCE)
        rest[i] = parts[i] - exact
        floors_sum += parts[i]
    left = int(np.round(total - floors_sum))
    if left > 0:
        for i in np.argsort(rest, kind="mergesort")[:left]:
            parts[i] += 1.0


@njit(cache=True)
def _merged_pegs(gid, piece_start, piece_end, pc_dem, pc_lvl, pc_qty, surplus, dem, lvl, qty):
    """An order's pegging with neighbouring pieces of the same demand merged, surplus last; returns the count."""
    n = 0
    for i in range(piece_start[gid], piece_end[gid]):
        if n > 0 and dem[n - 1] == pc_dem[i] and lvl[n - 1] == pc_lvl[i]:
            qty[n - 1] += pc_qty[i]
        else:
            dem[n] = pc_dem[i]
            lvl[n] = pc_lvl[i]
            qty[n] = pc_qty[i]
            n += 1
    if surplus > TOLERANCE:
        dem[n] = -1
        lvl[n] = -1
        qty[n] = surplus
        n += 1
    return n


@njit(cache=True)
def _split_over_pegs(total, n_pegs, dem, lvl, qty, counted, parts, s_dem, s_lvl, s_qty, ns):
    """One requirement's segments, one BOM level deeper than its parent order's pegs; returns the next free slot."""
    if n_pegs == 1 and qty[0] > 0:
        if total > 0:
            s_dem[ns] = dem[0]
            s_lvl[ns] = lvl[0] + 1 if lvl[0] >= 0 else -1
        else:
            s_dem[ns] = -1
            s_lvl[ns] = -1
        s_qty[ns] = total
        return ns + 1
    apportion(total, qty[:n_pegs], counted, parts)
    first = ns
    for i in range(n_pegs):
        if parts[i] > 0:
            s_dem[ns] = dem[i]
            s_lvl[ns] = lvl[i] + 1 if lvl[i] >= 0 else -1
            s_qty[ns] = parts[i]
            ns += 1
    if ns == first:
        s_dem[ns] = -1
        s_lvl[ns] = -1
        s_qty[ns] = total
        ns += 1
    return ns


@njit(cache=True)
def explode_level(par_item, par_started, par_day, par_cust, par_pri, par_ref, par_key1, par_key2, par_gid,
                  par_surplus, trace, piece_start, piece_end, pc_dem, pc_lvl, pc_qty,
                  bl_start, bl_end, bl_child, bl_qty_per, bl_attrition, bl_setup, bl_from, bl_to, bl_counted,
                  counted, seq0, peg):
    """The component requirements of every parent order, in parent order, with their segments.

    Returns the requirements (child, day, quantity, customer, priority, parent ref when
    traced, id keys, sequence, segment range) and the segments (demand, level, quantity);
    with ``peg`` false (classic MRP) no segments, every range empty.
    """
    n_par = len(par_item)
    max_pegs = 1
    for k in range(n_par):
        g = par_gid[k]
        max_pegs = max(max_pegs, piece_end[g] - piece_start[g] + 1)
    dem = np.empty(max_pegs, np.int64)
    lvl = np.empty(max_pegs, np.int64)
    qty = np.empty(max_pegs)
    parts = np.empty(max_pegs)
    slot = np.full(len(counted), -1, np.int64)
    # Exact sizes first: requirements are one per child, segments at most one per merged peg.
    n_req_cap = 0
    n_seg_cap = 0
    for k in range(n_par):
        it = par_item[k]
        n_children = 0
        for b in range(bl_start[it], bl_end[it]):
            if bl_from[b] <= par_day[k] < bl_to[b] and slot[bl_child[b]] < 0:
                slot[bl_child[b]] = 0
                n_children += 1
        for b in range(bl_start[it], bl_end[it]):
            slot[bl_child[b]] = -1
        n_req_cap += n_children
        if n_children and peg:
            n_pegs = _merged_pegs(par_gid[k], piece_start, piece_end, pc_dem, pc_lvl, pc_qty, par_surplus[k],
                                  dem, lvl, qty)
            n_seg_cap += n_children * max(n_pegs, 1)
    max_lines = 1
    for it in range(len(bl_start)):
        max_lines = max(max_lines, bl_end[it] - bl_start[it])
    children = np.empty(max_lines, np.int64)
    totals = np.zeros(max_lines)
    r_item = np.empty(n_req_cap, np.int32)
    r_day = np.empty(n_req_cap, np.int32)
    r_qty = np.empty(n_req_cap)
    r_cust = np.empty(n_req_cap, np.int32)
    r_pri = np.empty(n_req_cap, np.int32)
    r_parent = np.empty(n_req_cap, np.int32)
    r_key1 = np.empty(n_req_cap, np.int32)
    r_key2 = np.empty(n_req_cap, np.int32)
    r_seq = np.empty(n_req_cap, np.int64)
    r_s0 = np.empty(n_req_cap, np.int64)
    r_s1 = np.empty(n_req_cap, np.int64)
    s_dem = np.empty(n_seg_cap, np.int32)
    s_lvl = np.empty(n_seg_cap, np.int8)
    s_qty = np.empty(n_seg_cap)
    nr = 0
    ns = 0
    for k in range(n_par):
        it = par_item[k]
        day = par_day[k]
        n_children = 0
        for b in range(bl_start[it], bl_end[it]):
            if bl_from[b] <= day < bl_to[b]:
                c = bl_child[b]
                if slot[c] < 0:
                    slot[c] = n_children
                    children[n_children] = c
                    totals[n_children] = 0.0
                    n_children += 1
                totals[slot[c]] += line_quantity(par_started[k], bl_qty_per[b], bl_attrition[b], bl_setup[b],
                                                 bl_counted[b])
        if n_children == 0:
            continue
        n_pegs = _merged_pegs(par_gid[k], piece_start, piece_end, pc_dem, pc_lvl, pc_qty, par_surplus[k],
                              dem, lvl, qty) if peg else 0
        for j in range(n_children):
            c = children[j]
            slot[c] = -1
            total = totals[j]
            r_item[nr] = c
            r_day[nr] = day
            r_qty[nr] = total
            r_cust[nr] = par_cust[k]
            r_pri[nr] = par_pri[k]
            r_parent[nr] = par_ref[k] if trace[it] else -1
            r_key1[nr] = par_key1[k]
            r_key2[nr] = par_key2[k]
            r_seq[nr] = seq0 + nr
            r_s0[nr] = ns
            if peg:
                ns = _split_over_pegs(total, n_pegs, dem, lvl, qty, counted[c], parts, s_dem, s_lvl, s_qty, ns)
            r_s1[nr] = ns
            nr += 1
    return (r_item[:nr], r_day[:nr], r_qty[:nr], r_cust[:nr], r_pri[:nr], r_parent[:nr], r_key1[:nr], r_key2[:nr],
            r_seq[:nr], r_s0[:nr], r_s1[:nr], s_dem[:ns], s_lvl[:ns], s_qty[:ns])

