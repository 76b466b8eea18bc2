"""The matching of received units to requirements, as inventory chains (one per unit price).

A unit bought at price p that arrives on day a and serves a requirement on day d costs
``h·p·(d−a)`` if early (h = holding_rate/365) and ``ℓ·p·(a−d)`` if late (ℓ = late_penalty);
a unit beyond all requirements is held until H = horizon_days (never below zero days).
Instead of one flow per (receipt, requirement) pair, units of the same price travel
along a chain of the item's event days e_0 < … < e_n (requirement days, arrival days, H):

    R[c,j] + I[c,j−1] − B[c,j−1] − I[c,j] + B[c,j] − Σ_r draw[c,r]·[d_r = e_j] − W[c,j] = 0

I[c,j] (units of chain c held over [e_j, e_j+1]) costs ``h·p_c·(e_j+1 − e_j)``, B[c,j]
(units owed over that interval, served late) ``ℓ·p_c·(e_j+1 − e_j)``; W[c,j] (surplus
leaving at an event on or after H) costs nothing. Each requirement is served by the chains
and, where a shortage was found, partly left short: Σ_c draw[c,r] + s_r = q_r, Σ_r s_r = S.

A path from a receipt to a requirement costs exactly the pair cost above, so the chain
optimum equals the least-cost matching; received units are split into pairs afterwards by
sorted (first-in, first-out) matching within each chain, which carries the same arc flows
(the pair cost is convex in d − a) and so the same cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from optimizer.purchasing.data import CostRates, ItemProblem
from optimizer.purchasing.solver import MatrixBuilder


@dataclass(frozen=True)
class Chains:
    """Column and row indices of one item's chains inside a program."""

    events: np.ndarray  # event days, ascending
    prices: np.ndarray  # one per chain, ascending
    balance_rows: np.ndarray  # (chains, events)
    holding_cols: np.ndarray  # (chains, events − 1)
    late_cols: np.ndarray  # (chains, events − 1)
    draw_cols: np.ndarray  # (chains, requirements)
    surplus_cols: np.ndarray  # (chains, events on or after H)
    surplus_events: np.ndarray  # event indices of surplus_cols' columns
    short_cols: np.ndarray  # (requirements,) or empty

    def event_index(self, days: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.events, days)

    def chain_index(self, prices: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.prices, prices)


def add_chains(builder: MatrixBuilder, item: ItemProblem, rates: CostRates, arrival_days: np.ndarray,
               prices: np.ndarray, fixed_receipts: np.ndarray | None, shortage_qty: float) -> Chains:
    """Adds the matching of ``item``: chains for ``prices`` over events including ``arrival_days``.

    ``fixed_receipts`` (chains x events) are receipts known in advance (evaluating a plan);
    a model adds its own receipt columns to ``balance_rows`` instead.
    """
    horizon = rates.horizon_days
    events = np.unique(np.concatenate([item.need_days, arrival_days, [horizon]]).astype(np.int64))
    prices = np.unique(prices)
    n_chain, n_event, n_need = len(prices), len(events), len(item.need_days)
    gaps = np.diff(events).astype(float)

    receipts = np.zeros((n_chain, n_event)) if fixed_receipts is None else fixed_receipts
    rows = builder.add_rows(-receipts.ravel(), -receipts.ravel(), n_chain * n_event).reshape(n_chain, n_event)
    holding = builder.add_cols((rates.holding_per_day * np.outer(prices, gaps)).ravel(), 0.0, np.inf)
    holding = holding.reshape(n_chain, n_event - 1)
    late = builder.add_cols((rates.late_per_day * np.outer(prices, gaps)).ravel(), 0.0, np.inf)
    late = late.reshape(n_chain, n_event - 1)
    builder.add_coefs(rows[:, :-1], holding, -1.0)
    builder.add_coefs(rows[:, 1:], holding, 1.0)
    builder.add_coefs(rows[:, :-1], late, 1.0)
    builder.add_coefs(rows[:, 1:], late, -1.0)

    surplus_events = np.flatnonzero(events >= horizon)
    surplus = builder.add_cols(0.0, 0.0, np.inf, count=n_chain * len(surplus_events)).reshape(n_chain, len(surplus_events))
    builder.add_coefs(rows[:, surplus_events], surplus, -1.0)

    need_event = np.searchsorted(events, item.need_days)
    need_rows = builder.add_rows(item.need_qty, item.need_qty, n_need)
    draws = builder.add_cols(0.0, 0.0, np.inf, count=n_chain * n_need).reshape(n_chain, n_need)
    builder.add_coefs(rows[:, need_event], draws, -1.0)
    builder.add_coefs(np.broadcast_to(need_rows, draws.shape), draws, 1.0)

    short = np.zeros(0, dtype=np.int64)
    if shortage_qty > 0:
        short = builder.add_cols(0.0, 0.0, item.need_qty, count=n_need)
        builder.add_coefs(need_rows, short, 1.0)
        builder.add_coefs(builder.add_rows(shortage_qty, shortage_qty, 1)[0], short, 1.0)
    return Chains(events, prices, rows, holding, late, draws, surplus, surplus_events, short)


@njit(cache=True, nogil=True)
def fifo_pairs(receipt_days, receipt_qty, demand_days, demand_qty):  # pragma: no cover - compiled
    """Sorted matching of receipts to demands on one chain: receipt indices, demand indices and
    quantities of its pairs (arrays, in matching order)."""
    r_order = np.argsort(receipt_days, kind="mergesort")
    d_order = np.argsort(demand_days, kind="mergesort")
    left_r = receipt_qty[r_order].astype(np.float64)
    left_d = demand_qty[d_order].astype(np.float64)
    size = len(r_order) + len(d_order)
    receipt = np.empty(size, dtype=np.int64)
    demand = np.empty(size, dtype=np.int64)
    quantity = np.empty(size, dtype=np.float64)
    count = 0
    i = j = 0
    while i < len(r_order) and j < len(d_order):
        take = min(left_r[i], left_d[j])
        if take > 1e-9:
            receipt[count], demand[count], quantity[count] = r_order[i], d_order[j], take
            count += 1
        left_r[i] -= take
        left_d[j] -= take
        if left_r[i] <= 1e-9:
            i += 1
        if left_d[j] <= 1e-9:
            j += 1
    return receipt[:count], demand[:count], quantity[:count]
