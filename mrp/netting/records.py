"""The typed records of the walk: named tuples of arrays, which numba passes through nested
compiled calls as they are. Row records are filled from the front; ``Outputs.counts`` holds
how many rows of each are written."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

COMPANY = 0
#: Quantities within this of zero count as zero in the walk.
EPS = 1e-7


class ItemRules(NamedTuple):
    """The item master the walk needs, indexed by item code."""

    is_make: np.ndarray
    pooled: np.ndarray  # buy items: every shortfall is covered in the company pool
    counted: np.ndarray
    lead: np.ndarray
    safety: np.ndarray
    rule: np.ndarray  # lot rule code (mrp.codes.L4L, FOQ, POQ)
    lot_size: np.ndarray
    period: np.ndarray
    moq: np.ndarray
    multiple: np.ndarray
    yield_pct: np.ndarray
    planned_rank: np.ndarray  # rank of the item's planned order ids among its lots' ids


class Requirements(NamedTuple):
    """A pass's gross requirements, in requirement order, with their pegging segments.

    ``start``/``end`` are each item's range (per position in the pass's items);
    ``seg_pos``/``seg_left`` are each requirement's cursor into its segments (the first
    segment not yet pegged, and what is left of it)."""

    start: np.ndarray
    end: np.ndarray
    day: np.ndarray
    qty: np.ndarray
    cust: np.ndarray
    pri: np.ndarray
    parent: np.ndarray  # the parent order's lot (global id), -1 for independent demand
    seg_start: np.ndarray
    seg_end: np.ndarray
    seg_pos: np.ndarray
    seg_left: np.ndarray
    seg_dem: np.ndarray
    seg_lvl: np.ndarray
    seg_qty: np.ndarray


class Lots(NamedTuple):
    """Existing lots (reels, open orders), sorted by item, arrival, id; ``start``/``end`` are
    each item's range. The walk writes back arrival, availability, what is left and whether
    an open order was expedited."""

    start: np.ndarray
    end: np.ndarray
    pool: np.ndarray
    arrival: np.ndarray
    qty: np.ndarray
    reel: np.ndarray
    rank: np.ndarray
    avail: np.ndarray
    remaining: np.ndarray
    expedited: np.ndarray


class Stock(NamedTuple):
    """One item's lots and pools while it is walked.

    Lots: the existing ones, then the planned orders as they are created (``n_lots[0]``
    so far); per lot its arrival, quantity, pool, availability, what is left, global id, key in
    the draw queue, id rank, and whether it is an expedited or an open order.
    Pools: balance, what was drawn today, the open orders not yet received (``pending``,
    grouped by pool, ``pend_head``/``pend_end``; ``pend_pools``: pools that have any), the reels
    not yet on hand (``reels`` from ``reel_head[0]``), and the draw queues: per pool, reels
    (``queue[reel_head..reel_end]``) then receipts (``queue[receipt_head..receipt_end]``).
    ``drawn``: the pools drawn today (``n_drawn[0]``), in code order."""

    arrival: np.ndarray
    qty: np.ndarray
    pool: np.ndarray
    avail: np.ndarray
    remaining: np.ndarray
    gid: np.ndarray
    key: np.ndarray
    rank: np.ndarray
    expedited: np.ndarray
    is_open: np.ndarray
    n_lots: np.ndarray
    key_stride: int
    balance: np.ndarray
    outflow: np.ndarray
    pending: np.ndarray
    pend_head: np.ndarray
    pend_end: np.ndarray
    pend_pools: np.ndarray
    reels: np.ndarray
    reel_head: np.ndarray
    queue: np.ndarray
    reels_head: np.ndarray
    reels_end: np.ndarray
    receipts_head: np.ndarray
    receipts_end: np.ndarray
    drawn: np.ndarray
    n_drawn: np.ndarray


class Shortfalls(NamedTuple):
    """The day's requirements left short after drawing: requirement, what it still needs and
    the pool that covers it; ``count[0]`` rows."""

    req: np.ndarray
    need: np.ndarray
    pool: np.ndarray
    count: np.ndarray


class PlannedOrders(NamedTuple):
    item: np.ndarray
    seq: np.ndarray  # the item's n-th planned order
    pool: np.ndarray
    started: np.ndarray
    receipt: np.ndarray
    release: np.ndarray
    due: np.ndarray
    avail: np.ndarray
    pri: np.ndarray
    remaining: np.ndarray


class Pieces(NamedTuple):
    """Pegging pieces: a lot's quantity serving a demand (-1: none) at a level."""

    lot: np.ndarray
    dem: np.ndarray
    lvl: np.ndarray
    qty: np.ndarray


class Material(NamedTuple):
    """Draws of traced requirements: the parent order's lot, the lot drawn, when."""

    parent: np.ndarray
    lot: np.ndarray
    qty: np.ndarray
    day: np.ndarray
    avail: np.ndarray


class Expedites(NamedTuple):
    lot: np.ndarray
    day: np.ndarray


class NetRequirements(NamedTuple):
    item: np.ndarray
    day: np.ndarray
    qty: np.ndarray


class Outflows(NamedTuple):
    """What an item drew from a pool on a day."""

    item: np.ndarray
    pool: np.ndarray
    day: np.ndarray
    qty: np.ndarray


class Actions(NamedTuple):
    """The day each open order is first needed (-1: never)."""

    lot: np.ndarray
    day: np.ndarray


class Outputs(NamedTuple):
    """Everything a pass appends; ``counts[k]`` rows of the k-th record are written."""

    planned: PlannedOrders
    pieces: Pieces
    material: Material
    expedites: Expedites
    net: NetRequirements
    outflow: Outflows
    actions: Actions
    counts: np.ndarray


N_PLANNED, N_PIECES, N_MATERIAL, N_EXPEDITES, N_NET, N_OUTFLOW, N_ACTIONS = range(7)
N_COUNTERS = 7
#: Column types of the output records ("i": int64, "i4": int32, "i1": int8, "f": float64).
OUTPUT_KINDS = {
    "planned": dict(item="i", seq="i", pool="i", started="f", receipt="f", release="i", due="i", avail="i", pri="i",
                    remaining="f"),
    "pieces": dict(lot="i", dem="i4", lvl="i1", qty="f"),
    "material": dict(parent="i", lot="i", qty="f", day="i", avail="i"),
    "expedites": dict(lot="i", day="i"),
    "net": dict(item="i", day="i", qty="f"),
    "outflow": dict(item="i", pool="i", day="i", qty="f"),
    "actions": dict(lot="i", day="i"),
}
OUTPUT_RECORDS = {"planned": PlannedOrders, "pieces": Pieces, "material": Material, "expedites": Expedites,
                  "net": NetRequirements, "outflow": Outflows, "actions": Actions}
