"""The MRP run: dataset in, planned orders, pegging, records and messages out.

Items are netted level by level in low-level-code order (:mod:`mrp.walk`); when a level is
done, its make orders and planned work orders are exploded into their children's
requirements (:mod:`mrp.explode`), carrying the customer, priority and pegging of the
order. Everything runs on integer codes and packed arrays, keyed by planning day
(0 = ``as_of``); ids and dates come back only at the edge (:mod:`mrp.tables`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from mrp import tables
from mrp.codes import Policies, id_ranks, lot_ranks, planning_order, policies, pool_codes, pool_of, stable_order
from mrp.dataset import Dataset
from mrp.demand import consume_forecast
from mrp.exceptions import ExceptionLog
from mrp.explode import BomLines, explode_level
from mrp.lastbuy import last_time_buy
from mrp.leadtime import buy_lead_times
from mrp.levels import low_level_codes
from mrp.result import MrpResult
from mrp.supply import planned_work_orders, supply_lots
from mrp.walk import N_COUNTERS, N_ACTIONS, N_EXPEDITES, N_MATERIAL, N_NET, N_OUTFLOW, N_PIECES, N_PLANNED
from mrp.walk import ItemRules, Pegging, Supply, gather_segments, group_rows, item_bounds, net_level, outputs
from mrp.walk import Requirements as WalkRequirements, requirement_order, segment_cursors


#: Rows the walk's output arrays hold before they are emptied, where the system will not give a
#: level's whole bound as address space (see ``_walk``).
CHUNK_ROWS = 4_000_000
REQ_FIELDS = ("item", "day", "qty", "cust", "pri", "parent", "key1", "key2", "seq", "s0", "s1")
SEG_FIELDS = ("dem", "lvl", "qty")
#: Requirements and segments are the bulk of a level's memory: codes are kept as small as they go.
REQ_TYPES = {"item": np.int32, "day": np.int32, "qty": np.float64, "cust": np.int32, "pri": np.int32,
             "parent": np.int32, "key1": np.int32, "key2": np.int32, "seq": np.int64, "s0": np.int64, "s1": np.int64}
SEG_TYPES = {"dem": np.int32, "lvl": np.int8, "qty": np.float64}


ROW_FIELDS = ("item", "day", "qty", "cust", "pri", "parent")


@njit(cache=True)
def _rows_in_order(order, item, day, qty, cust, pri, parent):
    """The requirement columns gathered in ``order`` in one pass: the row's loads overlap,
    where a gather per column waits for each cache miss six times (1.5x faster at 30 M rows)."""
    n = len(order)
    out = (np.empty(n, item.dtype), np.empty(n, day.dtype), np.empty(n, qty.dtype), np.empty(n, cust.dtype),
           np.empty(n, pri.dtype), np.empty(n, parent.dtype))
    for i in range(n):
        r = order[i]
        out[0][i] = item[r]
        out[1][i] = day[r]
        out[2][i] = qty[r]
        out[3][i] = cust[r]
        out[4][i] = pri[r]
        out[5][i] = parent[r]
    return out


class Requirements:
    """Gross requirements waiting for their level: chunks of packed arrays with their segments
    (none when planning without pegging)."""

    def __init__(self, n_levels: int, pegging: bool = True):
        self.chunks: list[list[tuple[dict, dict]]] = [[] for _ in range(n_levels)]
        self.pegging = pegging

    def add(self, reqs: dict[str, np.ndarray], segs: dict[str, np.ndarray], level_of_item: np.ndarray) -> None:
        if not self.pegging:
            reqs["s0"] = reqs["s1"] = np.zeros(len(reqs["item"]), np.int64)
            segs = {name: np.zeros(0, kind) for name, kind in SEG_TYPES.items()}
        levels = level_of_item[reqs["item"]]
        found = np.flatnonzero(np.bincount(levels))
        if len(found) == 1:
            compact_reqs = {name: col.astype(REQ_TYPES[name], copy=False) for name, col in reqs.items()}
            compact_segs = {name: col.astype(SEG_TYPES[name], copy=False) for name, col in segs.items()}
            self.chunks[found[0]].append((compact_reqs, compact_segs))
            return
        for level in found:
            keep = np.flatnonzero(levels == level)
            part = {name: col[keep].astype(REQ_TYPES[name]) for name, col in reqs.items()}
            part["s0"], part["s1"], *columns = gather_segments(part["s0"], part["s1"], segs["dem"], segs["lvl"],
                                                               segs["qty"])
            part_segs = {name: col.astype(SEG_TYPES[name], copy=False) for name, col in zip(SEG_FIELDS, columns)}
            self.chunks[level].append((part, part_segs))

    def take(self, level: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """All requirements of a level, sorted as the walk takes them (the keys only the sort needs
        dropped), and their segments."""
        chunks = self.chunks[level]
        self.chunks[level] = []
        if not chunks:
            return ({name: np.zeros(0, kind) for name, kind in REQ_TYPES.items()},
                    {name: np.zeros(0, kind) for name, kind in SEG_TYPES.items()})
        if len(chunks) == 1:
            reqs, segs = chunks.pop()
        else:
            offsets = np.cumsum([0] + [len(c[1]["qty"]) for c in chunks])
            reqs = {}
            for name in REQ_FIELDS:
                reqs[name] = np.concatenate([c[0].pop(name) + (offsets[i] if name in ("s0", "s1") else 0)
                                             for i, c in enumerate(chunks)])
            segs = {}
            for name in SEG_FIELDS:
                segs[name] = np.concatenate([c[1].pop(name) for c in chunks])
        del chunks
        # key1, key2 and seq are only needed for the order.
        order = requirement_order(reqs["item"], reqs["day"], reqs["pri"], reqs["cust"], reqs.pop("key1"),
                                  reqs.pop("key2"), reqs.pop("seq"))
        reqs.update(zip(ROW_FIELDS, _rows_in_order(order, *(reqs[name] for name in ROW_FIELDS))))
        if self.pegging:  # without pegging every range is empty
            reqs["s0"], reqs["s1"] = reqs["s0"][order], reqs["s1"][order]
        # Segments in the walk's order too: it reads them requirement after requirement, and
        # scattered they cost a cache miss each.
        reqs["s0"], reqs["s1"], *columns = gather_segments(reqs["s0"], reqs["s1"], segs.pop("dem"), segs.pop("lvl"),
                                                           segs.pop("qty"))
        return reqs, dict(zip(SEG_FIELDS, columns))


def plan_mrp(ds: Dataset, *, purchasing_inputs: bool = True, sequencing_inputs: bool = True,
             pegging: bool = True) -> MrpResult:
    """Run MRP rules 1–9 on a validated dataset.

    ``purchasing_inputs`` computes ``net_requirements`` and ``requirement_pegs`` (the
    optimiser's input), ``sequencing_inputs`` the SMT orders' ``material``; a run that
    skips those stages leaves them empty (at factory scale they are tens of millions of rows).
    ``pegging`` false plans classic MRP: the same planned orders, records and messages, but no
    pegging (``pegging`` is None, ``requirement_pegs`` empty) — a fast what-if run.
    """
    settings = ds.settings
    log = ExceptionLog()
    lead = buy_lead_times(ds.items, ds.supplier_offers)
    levels = planning_order(low_level_codes(ds.items["item_id"], ds.bom))
    pol = policies(ds, levels, lead)
    code = pd.Index(pol.item_ids)
    n_items = len(code)
    demands = consume_forecast(ds.demand, settings, log)
    lots = supply_lots(ds, log)
    wos = planned_work_orders(ds)
    pools = pool_codes(demands["customer_id"], lots["owner"], ds.work_orders["customer_id"])
    ids, prefix_rank = id_ranks(pd.concat([demands["demand_id"], ds.work_orders["wo_id"].astype(str)],
                                          ignore_index=True), pol.item_ids)

    lot_item = code.get_indexer(lots["item_id"]).astype(np.int64)
    order = np.lexsort((lots["supply_id"].astype(str).to_numpy(), lots["arrival"].to_numpy(), lot_item))
    lots = lots.iloc[order].reset_index(drop=True)
    lot_item = lot_item[order]
    sup = _Supply(lots, lot_item, pools, n_items, pol.item_ids)

    reqs = Requirements(int(pol.level.max()) + 1 if n_items else 1, pegging)
    reqs.add(*_demand_requirements(demands, code, pools, ids), pol.level)
    bom = BomLines(ds.bom, ds.items, {k: i for i, k in enumerate(pol.item_ids)}, pol.counted, settings.as_of)
    trace = np.zeros(n_items, bool)
    smt = code.get_indexer(ds.smt_process["item_id"].unique())
    trace[smt[smt >= 0]] = sequencing_inputs
    wo_item = code.get_indexer(wos["item_id"]).astype(np.int64)
    wo_lot = _wo_lots(wos, lots, lot_item, wo_item)
    wo_keys = ids.get_indexer(wos["wo_id"].astype(str)).astype(np.int64)
    wo_cust = pool_of(wos["customer_id"], pools)

    out = tables.Collector(demands["demand_id"].to_numpy(dtype=object))
    seq = len(demands)
    for level in range(len(reqs.chunks)):
        level_items = np.flatnonzero(pol.level == level).astype(np.int64)
        if not len(level_items):
            continue
        r, s = reqs.take(level)
        base = out.planned_base()
        walked = _walk(level_items, True, pegging, pol, r, s, sup, sup.arr, sup.avail, prefix_rank, base, len(pools))
        if purchasing_inputs:
            _net_requirements(level_items, pol, r, s, sup, prefix_rank, walked, out, len(pools), pegging)
        # A level of leaves (bought components) has nothing to explode: its pieces stay as the walk wrote them.
        has_lines = bool((bom.end[level_items] > bom.start[level_items]).any())
        parents = _parents(level_items, walked, base, sup, wos, wo_item, wo_lot, wo_keys, wo_cust, prefix_rank) \
            if has_lines else None
        if parents is not None:
            n_gids = sup.n + base + len(walked.planned["item"])
            child_reqs = explode_level(*parents, trace, *walked.piece_index(n_gids),
                                       bom.start, bom.end, bom.child, bom.qty_per, bom.attrition_factor,
                                       bom.setup_loss, bom.valid_from, bom.valid_to, bom.child_counted,
                                       pol.counted, seq, pegging)
            child, segs = dict(zip(REQ_FIELDS, child_reqs[:11])), dict(zip(SEG_FIELDS, child_reqs[11:]))
            del child_reqs
            seq += len(child["item"])
            reqs.add(child, segs, pol.level)
            del child, segs
        del r, s
        out.add_level(walked)
    return last_time_buy(tables.build(ds, pol, pools, demands, lots, lot_item, sup, wos, out, lead, log, pegging),
                         ds.items, settings)


class _Supply:
    """Existing lots as arrays (sorted by item, arrival, id); the walk updates the mutable copies."""

    def __init__(self, lots: pd.DataFrame, lot_item: np.ndarray, pools: pd.Index, n_items: int, item_ids):
        self.n = len(lots)
        self.item = lot_item
        self.start = np.searchsorted(lot_item, np.arange(n_items), side="left").astype(np.int64)
        self.end = np.searchsorted(lot_item, np.arange(n_items), side="right").astype(np.int64)
        self.type = lots["supply_type"].to_numpy()
        self.pool = pool_of(lots["owner"], pools)
        self.arr0 = lots["arrival"].to_numpy(dtype=np.int64)
        self.qty = lots["quantity"].to_numpy(dtype=float)
        self.reel = lots["is_reel"].to_numpy(dtype=bool)
        self.rank, self.planned_rank = lot_ranks(lot_item, lots["supply_id"], item_ids)
        self.arr = self.arr0.copy()
        self.avail = self.arr0.copy()
        self.remaining = self.qty.copy()
        self.expedited = np.zeros(self.n, bool)


@dataclass
class Walked:
    """What one pass of the walk appended (arrays cut to their counts)."""

    planned: dict[str, np.ndarray]
    pieces: dict[str, np.ndarray]
    material: dict[str, np.ndarray]
    expedites: dict[str, np.ndarray]
    net: dict[str, np.ndarray]
    outflow: dict[str, np.ndarray]
    actions: dict[str, np.ndarray]

    def piece_index(self, n_gids: int) -> tuple[np.ndarray, ...]:
        """Pieces grouped by lot (stable), with each lot's range: what explosion reads an order's pegging from."""
        order, start, end = group_rows(self.pieces["lot"], n_gids)
        for name in self.pieces:
            self.pieces[name] = self.pieces[name][order]
        return start, end, self.pieces["dem"], self.pieces["lvl"], self.pieces["qty"]


def _walk(items: np.ndarray, track: bool, peg: bool, pol: Policies, r: dict, s: dict, sup: _Supply, arr: np.ndarray,
          avail: np.ndarray, prefix_rank: np.ndarray, planned_base: int, n_pools: int) -> Walked:
    """One pass of the walk over ``items``.

    The output arrays are sized for the level's whole bound: the bounds are loose (several
    times the rows written), but only the pages written are backed by memory, and one pass
    leaves nothing to join (joining the chunks of a 150k-demand factory's pegging took 10 s and
    doubled the walk's memory). Where the system refuses that much address space, the pass
    runs in chunks whose arrays hold about ``CHUNK_ROWS`` rows each.
    """
    item_req_start = np.searchsorted(r["item"], items, side="left").astype(np.int64)
    item_req_end = np.searchsorted(r["item"], items, side="right").astype(np.int64)
    bounds = item_bounds(items, item_req_start, item_req_end, r["day"], r["cust"], r["s0"], r["s1"], pol.pooled,
                         sup.start, sup.end, arr, sup.pool, n_pools)
    cap = [max(int(bounds[:, k].max(initial=0)), int(bounds[:, k].sum())) for k in range(3)]
    n_lots = int(sum(sup.end[items] - sup.start[items]))

    def fresh() -> dict[int, dict[str, np.ndarray]]:
        try:
            return slots()
        except MemoryError:
            cap[:] = [max(int(bounds[:, k].max(initial=0)), min(cap[k], CHUNK_ROWS)) for k in range(3)]
            return slots()

    def slots() -> dict[int, dict[str, np.ndarray]]:
        return {
            N_PLANNED: _buffers(cap[0], item="i", seq="i", pool="i", started="f", receipt="f", release="i", due="i",
                                avail="i", pri="i", remaining="f"),
            N_PIECES: _buffers(cap[1] if peg else 0, lot="i", dem="i4", lvl="i1", qty="f"),
            N_MATERIAL: _buffers(cap[2] if track else 0, parent="i", lot="i", qty="f", day="i", avail="i"),
            N_EXPEDITES: _buffers(n_lots if track else 0, lot="i", day="i"),
            N_NET: _buffers(cap[0], item="i", day="i", qty="f"),
            N_OUTFLOW: _buffers(cap[0] if track else 0, item="i", pool="i", day="i", qty="f"),
            N_ACTIONS: _buffers(n_lots if track else 0, lot="i", day="i"),
        }

    buffers = fresh()
    parts: dict[int, list[dict[str, np.ndarray]]] = {slot: [] for slot in buffers}
    seg_pos, seg_left = segment_cursors(r["s0"], r["s1"], s["qty"])
    rules = ItemRules(pol.pooled, pol.is_make, pol.counted, pol.lead, pol.safety, pol.rule, pol.lot_size, pol.period,
                      pol.moq, pol.multiple, pol.yield_pct)
    reqs = WalkRequirements(r["day"], r["qty"], r["cust"], r["pri"], r["parent"])
    pegging = Pegging(r["s0"], r["s1"], seg_pos, seg_left, s["dem"], s["lvl"], s["qty"])
    supply = Supply(sup.start, sup.end, sup.pool, arr, sup.qty, sup.reel, sup.rank, avail, sup.remaining, sup.expedited,
                    sup.planned_rank)
    first = 0
    done = 0
    while first < len(items) or not parts[N_PLANNED]:
        cnt = np.zeros(N_COUNTERS, np.int64)
        first = net_level(items, track, peg, rules, reqs, pegging, supply, outputs(buffers, cnt), bounds, first,
                          item_req_start, item_req_end, n_pools, sup.n + planned_base + done)
        # Pieces and draws are summed once, when the tables are built: per chunk it saved ~6 % of rows.
        # A chunk keeps its arrays (only the pages written take memory) and the next gets new ones.
        done += int(cnt[N_PLANNED])
        for slot, cols in buffers.items():
            parts[slot].append({name: col[:cnt[slot]] for name, col in cols.items()})
        if first < len(items):
            buffers = fresh()
    joined = {}
    for slot, chunks in parts.items():
        joined[slot] = chunks[0] if len(chunks) == 1 else \
            {name: np.concatenate([part.pop(name) for part in chunks]) for name in list(chunks[0])}
    return Walked(joined[N_PLANNED], joined[N_PIECES], joined[N_MATERIAL], joined[N_EXPEDITES], joined[N_NET],
                  joined[N_OUTFLOW], joined[N_ACTIONS])


BUFFER_TYPES = {"i": np.int64, "i4": np.int32, "i1": np.int8, "f": np.float64}


def _buffers(n: int, **kinds: str) -> dict[str, np.ndarray]:
    return {name: np.empty(n, BUFFER_TYPES[kind]) for name, kind in kinds.items()}


def _demand_requirements(demands: pd.DataFrame, code: pd.Index, pools: pd.Index, ids: pd.Index) -> tuple[dict, dict]:
    n = len(demands)
    qty = demands["quantity"].to_numpy(dtype=float, copy=True)
    reqs = {
        "item": code.get_indexer(demands["item_id"]).astype(np.int64),
        "day": demands["day"].to_numpy(dtype=np.int64, copy=True),
        "qty": qty,
        "cust": pool_of(demands["customer_id"], pools),
        "pri": demands["priority"].to_numpy(dtype=np.int64, copy=True),
        "parent": np.full(n, -1, np.int64),
        "key1": ids.get_indexer(demands["demand_id"]).astype(np.int64),
        "key2": np.zeros(n, np.int64),
        "seq": np.arange(n, dtype=np.int64),
        "s0": np.arange(n, dtype=np.int64),
        "s1": np.arange(1, n + 1, dtype=np.int64),
    }
    segs = {"dem": np.arange(n, dtype=np.int64), "lvl": np.zeros(n, np.int64), "qty": qty.copy()}
    return reqs, segs


def _wo_lots(wos: pd.DataFrame, lots: pd.DataFrame, lot_item: np.ndarray, wo_item: np.ndarray) -> np.ndarray:
    """The lot (index) of each planned work order."""
    is_wo = (lots["supply_type"] == "wo").to_numpy()
    index = pd.Index(lots.loc[is_wo, "supply_id"].astype(str))
    return np.flatnonzero(is_wo)[index.get_indexer(wos["wo_id"].astype(str))].astype(np.int64)


def _parents(items: np.ndarray, walked: Walked, base: int, sup: _Supply, wos: pd.DataFrame,
             wo_item: np.ndarray, wo_lot: np.ndarray, wo_keys: np.ndarray, wo_cust: np.ndarray,
             prefix_rank: np.ndarray) -> tuple[np.ndarray, ...] | None:
    """The level's planned orders, then its planned work orders, item by item: what explosion takes."""
    p = walked.planned
    in_level = np.isin(wo_item, items)
    w = np.flatnonzero(in_level)
    n_p, n_w = len(p["item"]), len(w)
    if n_p + n_w == 0:
        return None
    item = np.concatenate([p["item"], wo_item[w]])
    # Planned orders come in index order and work orders in row order, so a stable sort by
    # (item, kind) is the order by (item, kind, index); the walk's orders are in item order already.
    order = stable_order(item * 2 + np.concatenate([np.zeros(n_p, np.int64), np.ones(n_w, np.int64)]))
    if n_w == 0 and (n_p < 2 or (np.diff(order) == 1).all()):
        order = slice(None)
    wo_g = wo_lot[w]
    columns = (
        item,
        np.concatenate([p["started"], wos["quantity_open"].to_numpy(dtype=float)[w]]),
        np.concatenate([np.maximum(p["release"], 0), wos["start_day"].to_numpy(dtype=np.int64)[w]]),
        np.concatenate([p["pool"], wo_cust[w]]),
        np.concatenate([p["pri"], np.full(n_w, 100, np.int64)]),
        np.concatenate([base + np.arange(n_p, dtype=np.int64), -(w.astype(np.int64) + 2)]),
        np.concatenate([prefix_rank[p["item"]], wo_keys[w]]),
        np.concatenate([p["seq"], np.zeros(n_w, np.int64)]),
        np.concatenate([sup.n + base + np.arange(n_p, dtype=np.int64), wo_g]),
        np.concatenate([p["remaining"], sup.remaining[wo_g]]),
    )
    return tuple(np.ascontiguousarray(c[order]) for c in columns)


def _net_requirements(items: np.ndarray, pol: Policies, r: dict, s: dict, sup: _Supply, prefix_rank: np.ndarray,
                      walked: Walked, out: tables.Collector, n_pools: int, pegging: bool) -> None:
    """What each buy item still lacks day by day when bought lot-for-lot (the optimiser's input),
    and whom those days' requirements serve.

    An item planned plain lot-for-lot reuses its walk; others are walked again as L4L,
    quantities only, from the supply as it was before planning.
    """
    has_reqs = np.zeros(len(pol.item_ids), bool)
    has_reqs[r["item"]] = True
    buy = items[~pol.is_make[items] & has_reqs[items]]
    if not len(buy):
        return
    plain = buy[pol.plain_lot_for_lot[buy]]
    p = walked.planned
    keep = np.isin(p["item"], plain)
    receipts = [(p["item"][keep], p["due"][keep], p["receipt"][keep])]
    again = buy[~pol.plain_lot_for_lot[buy]]
    if len(again):
        l4l = _walk(again, False, False, pol.lot_for_lot(), r, s, sup, sup.arr0.copy(), sup.arr0.copy(), prefix_rank, 0,
                    n_pools)
        receipts.append((l4l.planned["item"], l4l.planned["due"], l4l.planned["receipt"]))
    item, day, qty = (np.concatenate(cols) for cols in zip(*receipts))
    out.add_net_requirements(item, day, qty, r, s, pegging)
