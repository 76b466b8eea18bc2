"""Rule 8: the day each open order is first needed, from which defer and cancel follow."""

from __future__ import annotations

import numpy as np
from numba import njit

from mrp.netting.records import EPS, N_ACTIONS
from mrp.netting.rules import pool_floor


@njit(cache=True)
def open_order_actions(stock, out, pools, n_existing, safety, o0, o1):
    """Rule 8: "An open order is needed on the first day the pool's projected balance, without
    it and without the pool's open orders due after it (then by id), would fall below zero
    (below safety_stock for the company pool). Expedited orders get neither defer nor cancel."

    Writes each open order's first day needed (-1: never) to ``out.actions``. The pool's
    other lots and its draws (``out.outflow[o0:o1]``, the item's) are put in day order once
    per pool, and each open order merges its predecessors in."""
    arrival = stock.arrival
    for p in pools:
        opens = np.array([j for j in range(n_existing) if stock.is_open[j] and stock.pool[j] == p], np.int64)
        if not len(opens):
            continue
        others = np.array([j for j in range(stock.n_lots[0]) if not stock.is_open[j] and stock.pool[j] == p],
                          np.int64)
        others = others[np.argsort(arrival[others], kind="mergesort")]
        flows = np.array([o for o in range(o0, o1) if out.outflow.pool[o] == p], np.int64)
        floor = pool_floor(p, safety)
        for k in range(len(opens)):
            if stock.expedited[opens[k]]:
                continue
            earlier = opens[:k][np.argsort(arrival[opens[:k]], kind="mergesort")]
            a = out.counts[N_ACTIONS]
            out.actions.lot[a] = stock.gid[opens[k]]
            out.actions.day[a] = first_day_below(others, earlier, arrival, stock.qty, flows, out.outflow.day,
                                                 out.outflow.qty, floor)
            out.counts[N_ACTIONS] = a + 1


@njit(cache=True)
def first_day_below(others, earlier, arrival, qty, flows, flow_day, flow_qty, floor):
    """First day the running balance of lots (``others`` then ``earlier``, each in day order)
    and draws (``flows``, in day order), summed per day in that order, is below ``floor``; -1 if never."""
    i = j = f = 0
    balance = 0.0
    never = np.int64(1) << 62
    while True:
        day = never
        if i < len(others):
            day = arrival[others[i]]
        if j < len(earlier) and arrival[earlier[j]] < day:
            day = arrival[earlier[j]]
        if f < len(flows) and flow_day[flows[f]] < day:
            day = flow_day[flows[f]]
        if day == never:
            return -1
        delta = 0.0
        while i < len(others) and arrival[others[i]] == day:
            delta += qty[others[i]]
            i += 1
        while j < len(earlier) and arrival[earlier[j]] == day:
            delta += qty[earlier[j]]
            j += 1
        while f < len(flows) and flow_day[flows[f]] == day:
            delta -= flow_qty[flows[f]]
            f += 1
        balance += delta
        if balance < floor - EPS:
            return day
