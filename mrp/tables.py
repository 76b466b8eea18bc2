"""The walk's packed arrays back into the plan tables: ids, dates and messages at the edge.

The big tables (pegging above all: one row per demand, item and supply) are grouped and
sorted on integer codes; strings are looked up only for the final rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from mrp import actions, records
from mrp.calendar import day_column
from mrp.codes import Policies, pack_keys, sort_group, sort_order, stable_order, sum_by, sum_grouped
from mrp.exceptions import ExceptionLog
from mrp.plan import PLAN_COLUMNS
from mrp.result import MrpResult


class Collector:
    """The walk's output of every level, kept as packed arrays until the tables are built."""

    def __init__(self, demand_ids: np.ndarray) -> None:
        self.demand_rank = _string_rank(demand_ids)  # demand code -> rank of its id
        self.levels: list = []
        self.net_rows: list[tuple[np.ndarray, ...]] = []
        self.served_rows: list[tuple[np.ndarray, ...]] = []
        self._planned = 0

    def planned_base(self) -> int:
        """Planned orders of the levels collected so far: the first global index of the next level's."""
        return self._planned

    def add_level(self, walked) -> None:
        """Keep a level's output; pieces name their supply in 32 bits while supplies are fewer than 2^31
        (they are held to the end, tens of millions of them)."""
        lot = walked.pieces.get("lot")
        if lot is not None and lot.max(initial=0) < 2**31 - 1:
            walked.pieces["lot"] = lot.astype(np.int32)
        self.levels.append(walked)
        self._planned += len(walked.planned["item"])

    def add_net_requirements(self, item: np.ndarray, day: np.ndarray, qty: np.ndarray, r: dict, s: dict,
                             links: bool = True) -> None:
        """Net requirement rows, and (with ``links``) whom the requirements of those days serve
        (segments with a demand)."""
        self.net_rows.append((item, day, qty))
        if not links:
            return
        span = int(max(day.max(initial=0), r["day"].max(initial=0))) + 1
        base = int(min(item.min(initial=0), r["item"].min(initial=0)))
        net_day = np.zeros((int(max(item.max(initial=0), r["item"].max(initial=0))) - base + 1) * span, bool)
        net_day[(item.astype(np.int64) - base) * span + day] = True
        on_net_day = net_day[(r["item"].astype(np.int64) - base) * span + r["day"]]
        self.served_rows.append(_demand_links(r["item"], r["day"], r["s0"], r["s1"], on_net_day, s["dem"], s["qty"],
                                              self.demand_rank))

    def concat(self, part: str) -> dict[str, np.ndarray]:
        """One part of every level's output, joined; the levels' own arrays are released as it goes."""
        frames = [getattr(w, part) for w in self.levels]
        for w in self.levels:
            setattr(w, part, None)
        if not frames:
            return {}
        return {name: np.concatenate([f.pop(name) for f in frames]) for name in list(frames[0])}


@njit(cache=True)
def _demand_links(r_item, r_day, r_s0, r_s1, on_net_day, s_dem, s_qty, demand_rank):
    """Per (item, day) of requirements on a net-requirement day, what each demand's segments
    carry, in the table's order (by demand id). Requirements come sorted by item and day, and
    within a level item codes follow the ids, so one pass over them gives the rows in order."""
    n = len(r_item)
    cap = 0
    widest = 0
    i = 0
    while i < n:
        j = i
        width = 0
        while j < n and r_item[j] == r_item[i] and r_day[j] == r_day[i]:
            width += r_s1[j] - r_s0[j]
            j += 1
        if on_net_day[i]:
            cap += width
            widest = max(widest, width)
        i = j
    o_item = np.empty(cap, np.int32)
    o_day = np.empty(cap, np.int32)
    o_dem = np.empty(cap, np.int32)
    o_qty = np.empty(cap)
    g_rank = np.empty(widest, np.int64)
    g_dem = np.empty(widest, np.int64)
    g_qty = np.empty(widest)
    g_order = np.empty(widest, np.int64)
    g_key = np.empty(widest, np.int64)
    m = 0
    i = 0
    while i < n:
        j = i
        while j < n and r_item[j] == r_item[i] and r_day[j] == r_day[i]:
            j += 1
        if on_net_day[i]:
            k = 0
            for r in range(i, j):
                for g in range(r_s0[r], r_s1[r]):
                    if s_dem[g] >= 0:
                        g_rank[k] = demand_rank[s_dem[g]]
                        g_dem[k] = s_dem[g]
                        g_qty[k] = s_qty[g]
                        k += 1
            order = g_order[:k]
            for x in range(k):
                order[x] = x
                g_key[x] = g_rank[x]
            sort_group(order, g_key[:k])
            for x in range(k):
                g = order[x]
                if x > 0 and g_rank[g] == g_rank[order[x - 1]]:
                    o_qty[m - 1] += g_qty[g]
                else:
                    o_item[m] = r_item[i]
                    o_day[m] = r_day[i]
                    o_dem[m] = g_dem[g]
                    o_qty[m] = g_qty[g]
                    m += 1
        i = j
    return o_item[:m], o_day[:m], o_dem[:m], o_qty[:m]


def build(ds, pol: Policies, pools: pd.Index, demands: pd.DataFrame, lots: pd.DataFrame, lot_item: np.ndarray, sup, wos,
          out: Collector, lead: dict[str, int], log: ExceptionLog, pegging: bool = True):
    as_of = ds.settings.as_of
    planned = out.concat("planned")
    item_ids = pol.item_ids
    order_ids = _order_ids(item_ids, planned["item"], planned["seq"])
    demand_ids = demands["demand_id"].to_numpy(dtype=object)
    customer_of_demand = demands["customer_id"].to_numpy(dtype=object)
    item_rank = _string_rank(item_ids)
    planned_frame = _planned_frame(planned, order_ids, pol, pools, item_rank, as_of)
    gid_item = np.concatenate([lot_item, planned["item"]])
    gid_type = np.concatenate([lots["supply_type"].to_numpy(dtype=object), np.full(len(order_ids), "planned", object)])
    gid_supply = np.concatenate([lots["supply_id"].astype(str).to_numpy(dtype=object), order_ids])
    draws = out.concat("material")
    # Pegging and draws list supplies in (item, type, id) order; without them no rank is needed.
    supply_rank = _supply_rank(item_rank[gid_item], gid_type, gid_supply, len(lot_item), planned["seq"]) \
        if pegging or len(draws.get("lot", ())) else np.zeros(len(gid_item), np.int64)
    pegging = _pegging(out.concat("pieces"), sup.remaining, planned["remaining"], gid_item, gid_type, gid_supply,
                       item_ids, demand_ids, supply_rank, out.demand_rank) if pegging else None
    material = _material(draws, order_ids, wos, gid_item, gid_type, gid_supply, item_ids, supply_rank, as_of)
    outflow = out.concat("outflow")
    net_by_day = out.concat("net")
    mrp_records = records.records_frame(item_ids, item_rank, lot_item, sup, planned, net_by_day, outflow, as_of)
    actions.report(log, ds.settings, item_ids, planned, order_ids, lots, lot_item, sup, out.concat("expedites"),
                   out.concat("actions"))
    actions.report_no_offer(ds, item_ids[planned["item"]], planned["due"], planned["started"],
                            ~pol.is_make[planned["item"]], log)
    net, req_pegs = _net_frames(out, item_ids, item_rank, demand_ids, customer_of_demand, as_of)
    return MrpResult(
        planned_orders=planned_frame,
        exceptions=log.frame(as_of),
        pegging=pegging,
        mrp_records=mrp_records,
        net_requirements=net,
        requirement_pegs=req_pegs,
        material=material,
        lead_time_days=lead,
        counts={"items": len(item_ids), "demands": len(demands), "planned_orders": len(planned_frame),
                "exceptions": len(log)},
    )


def _order_ids(item_ids: np.ndarray, item: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """``PL-<item>-<nnnn>``: each item's prefix and each number formatted once, joined per order."""
    prefix = np.array([f"PL-{i}-" for i in item_ids], dtype=object)
    number = np.array([f"{n:04d}" for n in range(int(seq.max(initial=0)) + 1)], dtype=object)
    return prefix[item] + number[seq]


def _str(values) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype="str", copy=False)


def _categorical(labels: np.ndarray, codes: np.ndarray, *, through: np.ndarray | None = None) -> pd.Categorical:
    """``labels[codes]`` (or ``labels[through[codes]]``) as a categorical with sorted
    categories: the id columns of the big tables repeat a few thousand ids over tens of millions
    of rows, where a string per row costs seconds to gather and 8 bytes a row more to hold."""
    categories, code_of = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    code_of = code_of.reshape(-1)
    if through is not None:
        code_of = code_of[through]
    return _from_codes(code_of, codes, categories)


def _first_seen_categorical(labels: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``labels[codes]`` as a categorical whose categories come in order of first appearance,
    found by hashing: for columns of many distinct ids (a supply id per lot and planned order),
    where sorting the labels would cost more than the column."""
    code_of, categories = pd.factorize(np.asarray(labels, dtype=object))
    return _from_codes(code_of, codes, categories)


def _from_codes(code_of: np.ndarray, codes: np.ndarray, categories: np.ndarray) -> pd.Categorical:
    """The categorical of ``codes`` through ``code_of``, gathered in the narrowest code type (a
    pegging table has tens of millions of rows)."""
    narrow = np.int8 if len(categories) < 2**7 else np.int16 if len(categories) < 2**15 else np.int32
    return pd.Categorical.from_codes(code_of.astype(narrow)[codes], categories=pd.Index(categories, dtype="str"),
                                     validate=False)


def _planned_frame(planned: dict, order_ids: np.ndarray, pol: Policies, pools: pd.Index, item_rank: np.ndarray,
                   as_of) -> pd.DataFrame:
    """Sorted by item, due date and customer (pool codes follow the customer ids); one order per pool and day."""
    order = sort_order(item_rank[planned["item"]], planned["due"], planned["pool"])
    planned = {name: col[order] for name, col in planned.items()}
    order_ids = order_ids[order]
    item = planned["item"]
    frame = pd.DataFrame({
        "order_id": _str(order_ids),
        "item_id": _str(pol.item_ids[item]),
        "type": _str(np.array(["buy", "make"], dtype=object)[pol.is_make[item].astype(np.intp)]),
        "customer_id": _str(pools.to_numpy(dtype=object)[planned["pool"]]),
        "quantity": planned["started"],
        "release_date": day_column(np.maximum(planned["release"], 0), as_of),
        "due_date": day_column(planned["due"], as_of),
        "receipt_quantity": planned["receipt"],
        "available_date": day_column(planned["avail"], as_of),
        "priority": planned["pri"].astype(np.int64),
    }, copy=False)
    return frame[list(PLAN_COLUMNS["planned_orders"])]


def _string_rank(values: np.ndarray) -> np.ndarray:
    """Rank of each string in sorted order (equal strings, equal rank)."""
    _, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return inverse.astype(np.int64)


def _seq_rank(seq: np.ndarray) -> np.ndarray:
    """Order numbers ranked as their zero-padded text sorts (10000 before 9999)."""
    if not len(seq):
        return seq
    top = int(seq.max())
    text_order = sorted(range(top + 1), key=lambda n: f"{n:04d}")
    rank = np.empty(top + 1, np.int64)
    rank[text_order] = np.arange(top + 1)
    return rank[seq]


def _supply_rank(item_rank, gid_type, gid_supply, n_lots, seq) -> np.ndarray:
    """Each lot's rank in (item id, supply type, supply id) order, without sorting the planned
    orders' ids; a rank (not the key itself) packs with other keys into one sort key."""
    supply_rank = np.empty(len(gid_type), np.int64)
    supply_rank[:n_lots] = _string_rank(gid_supply[:n_lots])
    supply_rank[n_lots:] = _seq_rank(seq)
    type_rank = _string_rank(np.append(gid_type[:n_lots], "planned"))
    type_rank = np.concatenate([type_rank[:n_lots], np.full(len(gid_type) - n_lots, type_rank[-1])])
    key = (item_rank * 8 + type_rank) * (int(supply_rank.max(initial=0)) + 1) + supply_rank
    rank = np.empty(len(key), np.int64)
    rank[stable_order(key)] = np.arange(len(key))
    return rank


def _pegging(pieces: dict, lot_remaining: np.ndarray, planned_remaining: np.ndarray, gid_item, gid_type, gid_supply,
             item_ids, demand_ids, supply_rank, demand_rank) -> pd.DataFrame:
    """Pieces and surplus summed per (lot, demand, level), in the table's order, in one grouped pass on integer codes.

    Every text column is a categorical (a code per row, each label held once) until the writer.
    The pieces are released as soon as they are summed: at factory scale they are the largest
    arrays of the run."""
    remaining = np.concatenate([lot_remaining, planned_remaining])
    empty = np.zeros(0, np.int64)
    lot, dem, lvl, qty = (pieces.pop(name, empty) for name in ("lot", "dem", "lvl", "qty"))
    n_rows = len(lot) + len(remaining)
    rows = np.empty(n_rows, np.int32 if n_rows < 2**31 else np.int64)
    n_levels = int(lvl.max(initial=0)) + 2
    lot, dem, lvl, qty = _pegging_rows(lot, np.asarray(dem, np.int32), np.asarray(lvl, np.int8),
                                       np.asarray(qty, float), remaining, supply_rank, demand_rank, n_levels, rows)
    del rows, pieces
    demand_text = np.concatenate([np.array([""], dtype=object), demand_ids])
    # Demand code d is text d + 1; -1 (surplus) is the empty text.
    frame = {"demand_id": _categorical(demand_text, dem, through=np.append(np.arange(1, len(demand_text)), 0))}
    del dem
    frame["item_id"] = _categorical(item_ids, lot, through=gid_item)
    frame["supply_type"] = _first_seen_categorical(gid_type, lot)
    frame["supply_id"] = _first_seen_categorical(gid_supply, lot)
    del lot
    frame["quantity"] = qty
    frame["level"] = pd.arrays.IntegerArray(np.maximum(lvl, 0).astype(np.int8, copy=False), lvl < 0)
    return pd.DataFrame(frame, copy=False)


@njit(cache=True)
def _pegging_rows(lot, dem, lvl, qty, remaining, supply_rank, demand_rank, n_levels, rows):
    """The pegging rows: pieces, and each supply's surplus (what it still holds) after them,
    summed per (supply, demand, level), in the table's order: supplies by ``supply_rank``,
    then by demand id (surplus, no demand, first), then level; sums of no quantity are left out.
    A counting sort by supply and a small stable sort within each (``rows``, one slot per piece
    and supply, is its buffer), so rows of equal keys add up in the order they came."""
    n_pieces = len(lot)
    n_groups = len(supply_rank)
    start = np.zeros(n_groups + 1, np.int64)
    for i in range(n_pieces):
        start[supply_rank[lot[i]] + 1] += 1
    for g in range(n_groups):
        if remaining[g] > 1e-9:
            start[supply_rank[g] + 1] += 1
    widest = 0
    for k in range(n_groups):
        widest = max(widest, start[k + 1])
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    for i in range(n_pieces):
        k = supply_rank[lot[i]]
        rows[fill[k]] = i
        fill[k] += 1
    for g in range(n_groups):  # surplus rows, after the pieces: row n_pieces + supply
        if remaining[g] > 1e-9:
            k = supply_rank[g]
            rows[fill[k]] = n_pieces + g
            fill[k] += 1
    keys = np.empty(widest, np.int64)
    o_lot = np.empty(len(rows), lot.dtype)
    o_dem = np.empty(len(rows), np.int32)
    o_lvl = np.empty(len(rows), np.int8)
    o_qty = np.empty(len(rows))
    m = 0
    for k in range(n_groups):
        g0, g1 = start[k], start[k + 1]
        for j in range(g0, g1):
            r = rows[j]
            if r >= n_pieces:
                keys[j - g0] = n_levels - 1
            else:
                d = 0 if dem[r] < 0 else demand_rank[dem[r]] + 1
                keys[j - g0] = d * n_levels + (n_levels - 1 if lvl[r] < 0 else lvl[r])
        group = rows[g0:g1]
        key = keys[:g1 - g0]
        sort_group(group, key)
        for j in range(len(group)):
            r = group[j]
            q = remaining[r - n_pieces] if r >= n_pieces else qty[r]
            if j > 0 and key[j] == key[j - 1]:
                o_qty[m - 1] += q
                continue
            if m > 0 and o_qty[m - 1] <= 1e-9:
                m -= 1  # the previous sum came to nothing
            if r >= n_pieces:
                o_lot[m] = r - n_pieces
                o_dem[m] = -1
                o_lvl[m] = -1
            else:
                o_lot[m] = lot[r]
                o_dem[m] = dem[r]
                o_lvl[m] = lvl[r]
            o_qty[m] = q
            m += 1
    if m > 0 and o_qty[m - 1] <= 1e-9:
        m -= 1
    return o_lot[:m], o_dem[:m], o_lvl[:m], o_qty[:m]


def _material(material: dict, order_ids: np.ndarray, wos, gid_item, gid_type, gid_supply, item_ids, supply_rank,
              as_of) -> pd.DataFrame:
    """SMT orders' draws summed per (order, lot, need day, available day), sorted like the ids."""
    empty = np.zeros(0, np.int64)
    parent, lot, day, avail, qty = (material.get(k, empty) for k in ("parent", "lot", "day", "avail", "qty"))
    parent_text = np.concatenate([order_ids, wos["wo_id"].astype(str).to_numpy(dtype=object)])
    index = np.where(parent >= 0, parent, len(order_ids) + (-parent - 2))
    used = np.zeros(len(parent_text), bool)
    used[index] = True
    used = np.flatnonzero(used)
    rank_of = np.zeros(len(parent_text), np.int64)
    rank_of[used] = _string_rank(parent_text[used])
    within = pack_keys(supply_rank[lot], day, avail)
    first, qty = sum_grouped(rank_of[index], len(rank_of), within[0], qty) if len(within) == 1 else \
        sum_by(qty, rank_of[index], supply_rank[lot], day, avail)
    index, lot, day, avail = index[first], lot[first], day[first], avail[first]
    return pd.DataFrame({
        "order_id": _str(parent_text[index]),
        "component_id": _categorical(item_ids, gid_item[lot]),
        "supply_type": _str(gid_type[lot]),
        "supply_id": _str(gid_supply[lot]),
        "need_date": day_column(day, as_of),
        "available_date": day_column(avail, as_of),
        "quantity": qty,
    }, copy=False)


def _net_frames(out: Collector, item_ids: np.ndarray, item_rank: np.ndarray, demand_ids: np.ndarray,
                customer_of: np.ndarray, as_of) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net requirements (by item id and date), and which demands the requirements of each
    net-requirement day serve (summed per demand, in planning order: level, item id, date, demand id)."""
    if out.net_rows:
        item, day, qty = (np.concatenate(c) for c in zip(*out.net_rows))
        served = [list(part) for part in out.served_rows] or [[np.zeros(0, np.int32)] * 3 + [np.zeros(0)]]
        out.net_rows, out.served_rows = [], []
        columns = []
        for k in range(4):  # a column at a time, each level's part released once joined
            columns.append(np.concatenate([part[k] for part in served]))
            for part in served:
                part[k] = None
        s_item, s_day, s_dem, s_qty = columns
        del columns, served
    else:
        item = day = s_item = s_day = s_dem = np.zeros(0, np.int64)
        qty = s_qty = np.zeros(0)
    order = sort_order(item_rank[item], day)
    item, day, qty = item[order], day[order], qty[order]
    net = pd.DataFrame({"item_id": _str(item_ids[item]), "date": day_column(day, as_of), "quantity": qty}, copy=False)
    pegs = pd.DataFrame({"item_id": _categorical(item_ids, s_item), "date": day_column(s_day, as_of),
                         "demand_id": _categorical(demand_ids, s_dem), "customer_id": _categorical(customer_of, s_dem),
                         "quantity": s_qty}, copy=False)
    return net, pegs
