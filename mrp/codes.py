"""Integer codes for the compiled walk: items in planning order, pools, sort keys of ids.

The walk compares ids only to order requirements of the same day, priority and customer
(rule 6: "then id") and lots of the same arrival (rule 5: "then id"). Ranks computed once
stand in for the strings. A planned order's id ``PL-<item>-<nnnn>`` ranks as its prefix
``PL-<item>-`` among the other ids, then by its number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from mrp.dataset import Dataset, is_counted

#: Lot rule codes (rule 6b), as the walk reads them.
L4L, FOQ, POQ = 0, 1, 2
LOT_RULES = {"L4L": L4L, "FOQ": FOQ, "POQ": POQ}


def planned_prefix(item_ids: pd.Series | np.ndarray) -> pd.Series:
    return "PL-" + pd.Series(item_ids, dtype=object).astype(str) + "-"


@dataclass
class Policies:
    """Item master as arrays indexed by item code."""

    item_ids: np.ndarray  # code -> item_id, in planning order (level, then id)
    level: np.ndarray
    is_make: np.ndarray
    pooled: np.ndarray
    counted: np.ndarray
    lead: np.ndarray
    safety: np.ndarray
    rule: np.ndarray
    lot_size: np.ndarray
    period: np.ndarray
    moq: np.ndarray
    multiple: np.ndarray
    yield_pct: np.ndarray

    @property
    def plain_lot_for_lot(self) -> np.ndarray:
        """Netted exactly as the optimiser sees it: L4L, no minimum, no multiple beyond whole units."""
        plain_multiple = (self.multiple == 0) | (self.counted & (self.multiple == 1.0))
        return (self.rule == L4L) & (self.moq == 0) & plain_multiple

    def lot_for_lot(self) -> Policies:
        """The same items as plain L4L without minimum or multiple (the optimiser's view)."""
        zeros = np.zeros(len(self.item_ids))
        return Policies(self.item_ids, self.level, self.is_make, self.pooled, self.counted, self.lead, self.safety,
                        np.zeros(len(self.item_ids), np.int64), zeros, np.zeros(len(self.item_ids), np.int64),
                        zeros, np.where(self.counted, 1.0, 0.0), self.yield_pct)


def policies(ds: Dataset, levels: pd.Series, lead: dict[str, int]) -> Policies:
    frame = ds.items.set_index("item_id").loc[levels.index]
    counted = np.array([is_counted(u) for u in frame["uom"]], dtype=bool)
    multiple = frame["order_multiple"].to_numpy(dtype=float)
    multiple = np.where(np.isnan(multiple), np.where(counted, 1.0, 0.0), multiple)
    is_make = (frame["type"] == "make").to_numpy()
    return Policies(
        item_ids=levels.index.to_numpy(dtype=object), level=levels.to_numpy(dtype=np.int64), is_make=is_make,
        pooled=~is_make, counted=counted,
        lead=np.array([lead[i] for i in levels.index], dtype=np.int64),
        safety=frame["safety_stock"].to_numpy(dtype=float),
        rule=frame["lot_rule"].map(LOT_RULES).to_numpy(dtype=np.int64),
        lot_size=np.nan_to_num(frame["lot_size"].to_numpy(dtype=float), nan=0.0),
        period=np.nan_to_num(frame["lot_period_days"].to_numpy(dtype=float), nan=0.0).astype(np.int64),
        moq=frame["min_order_qty"].to_numpy(dtype=float), multiple=multiple,
        yield_pct=frame["yield_pct"].to_numpy(dtype=float),
    )


def planning_order(levels: pd.Series) -> pd.Series:
    """Levels sorted by level, then item id: item codes are positions in this order."""
    frame = pd.DataFrame({"item_id": levels.index.astype(str), "level": levels.to_numpy()})
    frame = frame.sort_values(["level", "item_id"], kind="stable")
    return pd.Series(frame["level"].to_numpy(), index=pd.Index(frame["item_id"].to_numpy(), dtype=object))


def pool_codes(*customer_columns: pd.Series) -> pd.Index:
    """Customers in id order; code 0 (the company pool) is the empty id."""
    values = pd.concat([c.fillna("").astype(str) for c in customer_columns], ignore_index=True)
    values = values[(values != "") & (values != "company")]
    return pd.Index([""] + sorted(set(values)), dtype=object)


def pool_of(customers: pd.Series | np.ndarray, pools: pd.Index) -> np.ndarray:
    """Pool codes of customer ids (empty and ``company``: 0)."""
    values = pd.Series(customers, dtype=object).fillna("").astype(str)
    values = values.where(values != "company", "")
    return pools.get_indexer(values).astype(np.int64)


def ids_among(ids: pd.Series, chosen: set[str]) -> np.ndarray:
    """Whether each id (as text) is one of ``chosen``. A categorical column is looked up by its
    categories: pegging and requirement pegs run to tens of millions of rows over a few thousand ids."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy()
        return ids.cat.categories.astype(str).isin(list(chosen))[codes] & (codes >= 0)
    return ids.astype(str).isin(chosen).to_numpy()


#: The dtype of id texts (pandas' default string dtype).
_TEXT_DTYPE = pd.Index([], dtype=str).dtype


def categorical_ids(ids: pd.Series) -> pd.Categorical:
    """Ids as a categorical of their texts; a categorical column keeps its codes (no text per row),
    its categories made texts of the one string dtype, so any two such columns can be joined."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = ids.cat.categories
        if categories.dtype == _TEXT_DTYPE:
            return ids.array
        return pd.Categorical.from_codes(ids.cat.codes.to_numpy(), categories.astype(_TEXT_DTYPE))
    return pd.Categorical(ids.astype(str))


def id_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each id as the rank of its text (a missing id: "") among the distinct texts, and those
    texts sorted: ids grouped, joined and sorted as integers in the order of their texts. A
    categorical column is read through its categories, never a text per row."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes, uniques = ids.cat.codes.to_numpy(), ids.cat.categories
    else:
        codes, uniques = pd.factorize(ids)
    texts = np.array([*(str(u) for u in uniques), ""], dtype=object)  # code -1 (missing) reads the last
    labels, rank = np.unique(texts, return_inverse=True)
    return rank.reshape(-1).astype(np.int32)[codes], labels


def id_ranks(ids: pd.Series, item_ids: np.ndarray) -> tuple[pd.Index, np.ndarray]:
    """The sorted table of ids and planned-order prefixes, and the rank of each item's prefix."""
    prefixes = planned_prefix(item_ids)
    table = pd.Index(pd.unique(pd.concat([ids.astype(str), prefixes], ignore_index=True))).sort_values()
    return table, table.get_indexer(prefixes).astype(np.int64)


def lot_ranks(item_code: np.ndarray, supply_id: pd.Series, item_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank keys of lots within their item (2 × position in id order) and of each item's planned orders.

    A planned order's key, 2c - 1, falls between the lots whose ids sort before its prefix
    (c of them) and those after.
    """
    n = len(item_code)
    frame = pd.DataFrame({
        "item": np.concatenate([item_code, np.arange(len(item_ids))]),
        "sid": pd.concat([supply_id.astype(str), planned_prefix(item_ids)], ignore_index=True),
        "prefix": np.concatenate([np.zeros(n, bool), np.ones(len(item_ids), bool)]),
    })
    frame = frame.sort_values(["item", "sid", "prefix"], kind="stable")
    is_prefix = frame["prefix"].to_numpy()
    item = frame["item"].to_numpy()
    lots_before = np.cumsum(~is_prefix) - (~is_prefix)  # lots sorted before each row, over all items
    first_of_item = np.searchsorted(item, np.arange(len(item_ids)), side="left")
    lots_before_item = (np.cumsum(~is_prefix) - (~is_prefix))[first_of_item] if len(item) else lots_before
    position = lots_before - lots_before_item[item]
    rank = np.empty(n, np.int64)
    index = frame.index.to_numpy()
    rank[index[~is_prefix]] = 2 * position[~is_prefix]
    planned = np.empty(len(item_ids), np.int64)
    planned[item[is_prefix]] = 2 * position[is_prefix] - 1
    return rank, planned


def pack_keys(*keys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Non-negative sort keys (most significant first) packed into one int64 when they fit,
    as ``np.lexsort`` wants them (least significant first)."""
    if len(keys) == 1:
        return (np.asarray(keys[0], np.int64),)
    packed = np.zeros(len(keys[0]), np.int64)
    room = 1
    for key in keys:
        span = int(key.max(initial=0)) + 1
        room *= span
        if room >= 1 << 62:
            return tuple(reversed(keys))
        packed *= span
        packed += key
    return (packed,)


def sort_order(*keys: np.ndarray) -> np.ndarray:
    """The stable order of rows by non-negative integer keys (most significant first)."""
    packed = pack_keys(*keys)
    return stable_order(packed[0]) if len(packed) == 1 else np.lexsort(packed)


RADIX_BITS = 8  # digit width: 256 counters stay in L1; measured fastest of 8–16 bits on 3–15 M rows
FEW_RUNS = 1 / 64  # below this share of descents, numpy's timsort (merging runs) beats the radix sort


def stable_order(key: np.ndarray) -> np.ndarray:
    """The stable order of rows by one non-negative int64 key.

    Tables joined from parts that are each in order come in few runs, which numpy's stable
    sort (timsort) merges in a fraction of the radix sort's time; anything else takes the
    radix sort, four to seven times faster than numpy's argsort on millions of rows.
    """
    if _descents(key) <= FEW_RUNS * len(key):
        return np.argsort(key, kind="stable")
    return _radix_order(key)


@njit(cache=True)
def _descents(key):
    n = 0
    for i in range(1, len(key)):
        if key[i] < key[i - 1]:
            n += 1
    return n


@njit(cache=True)
def _radix_order(key):
    """LSD radix sort: as many passes of ``RADIX_BITS`` as the largest key needs."""
    n = len(key)
    top = 0
    for i in range(n):
        if key[i] > top:
            top = key[i]
    width = 0
    while (top >> width) > 0:
        width += 1
    order = np.arange(n)
    if width == 0:
        return order
    passes = (width + RADIX_BITS - 1) // RADIX_BITS
    step = (width + passes - 1) // passes
    mask = (np.int64(1) << step) - 1
    keys = key.astype(np.int64)
    spare_order = np.empty(n, np.int64)
    spare_keys = np.empty(n, np.int64)
    count = np.empty(mask + 2, np.int64)
    shift = 0
    for _ in range(passes):
        count[:] = 0
        for i in range(n):
            count[((keys[i] >> shift) & mask) + 1] += 1
        for d in range(mask + 1):
            count[d + 1] += count[d]
        for i in range(n):
            d = (keys[i] >> shift) & mask
            c = count[d]
            spare_order[c] = order[i]
            spare_keys[c] = keys[i]
            count[d] = c + 1
        order, spare_order = spare_order, order
        keys, spare_keys = spare_keys, keys
        shift += step
    return order


def dense_rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values (small non-negative ints: a lookup, no sort)."""
    if not len(values) or values.min() < 0 or values.max() > 4 * len(values) + 1024:
        return np.unique(values, return_inverse=True)[1].reshape(-1)
    present = np.zeros(int(values.max()) + 1, np.int64)
    present[values] = 1
    return (np.cumsum(present) - 1)[values]


def sort_order_ties(primary: np.ndarray, k1: np.ndarray, k2: np.ndarray, k3: np.ndarray) -> np.ndarray:
    """The order of rows by ``primary``, then ``k1``, ``k2``, ``k3`` (all non-negative integers).

    For keys where ties come in small groups: one radix sort, then each run of equal
    ``primary`` sorted by its tie-breaks in place (a full multi-key sort of tens of millions
    of rows costs seconds).
    """
    order = stable_order(primary)
    _sort_ties(order, primary, k1, k2, k3)
    return order


@njit(cache=True)
def _before(a, b, k1, k2, k3):
    if k1[a] != k1[b]:
        return k1[a] < k1[b]
    if k2[a] != k2[b]:
        return k2[a] < k2[b]
    return k3[a] < k3[b]


@njit(cache=True)
def _sort_ties(order, primary, k1, k2, k3):
    buf = np.empty(16, np.int64)
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and primary[order[j]] == primary[order[i]]:
            j += 1
        if j - i > 1:
            if j - i > len(buf):
                buf = np.empty(j - i, np.int64)
            _merge_sort(order, i, j, buf, k1, k2, k3)
        i = j


@njit(cache=True)
def _merge_sort(order, lo, hi, buf, k1, k2, k3):
    """Stable sort of ``order[lo:hi]`` by the tie-breaks: insertion sort of runs of 16, then merges."""
    run = 16
    for s in range(lo, hi, run):
        for x in range(s + 1, min(s + run, hi)):
            v = order[x]
            y = x
            while y > s and _before(v, order[y - 1], k1, k2, k3):
                order[y] = order[y - 1]
                y -= 1
            order[y] = v
    width = run
    while width < hi - lo:
        for s in range(lo, hi, 2 * width):
            mid = min(s + width, hi)
            end = min(s + 2 * width, hi)
            a, b, k = s, mid, 0
            while a < mid and b < end:
                if _before(order[b], order[a], k1, k2, k3):
                    buf[k] = order[b]
                    b += 1
                else:
                    buf[k] = order[a]
                    a += 1
                k += 1
            while a < mid:
                buf[k] = order[a]
                a += 1
                k += 1
            while b < end:
                buf[k] = order[b]
                b += 1
                k += 1
            order[s:end] = buf[:k]
        width *= 2


def sum_by(qty: np.ndarray, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal keys (non-negative integers, most significant first) summed, groups in
    key order: the index of each group's first row, and its sum."""
    qty = np.asarray(qty, float)
    packed = pack_keys(*keys)
    if len(packed) == 1:
        return _sum_runs(stable_order(packed[0]), packed[0], qty)
    order = np.lexsort(packed)
    first = run_starts(*(key[order] for key in keys))
    return order[first], np.add.reduceat(qty[order], first) if len(first) else np.zeros(0)


@njit(cache=True)
def _sum_runs(order, key, qty):
    """One pass over rows in key order: each run of equal keys' first row and sum."""
    first = np.empty(len(order), np.int64)
    total = np.empty(len(order))
    m = -1
    previous = 0
    for i in range(len(order)):
        row = order[i]
        if m >= 0 and key[row] == previous:
            total[m] += qty[row]
        else:
            m += 1
            first[m] = row
            total[m] = qty[row]
            previous = key[row]
    return first[:m + 1].copy(), total[:m + 1].copy()


#: Groups up to this many rows are sorted by insertion (most lots serve a few demands), larger ones by merge sort.
SMALL_GROUP = 16


def sum_grouped(group: np.ndarray, n_groups: int, key: np.ndarray, qty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal (``group``, ``key``) summed, in that order: the index of each sum's first
    row, and the sum. For tables whose ``group`` is a dense rank in ``[0, n_groups)`` with few
    rows each (pegging pieces per lot, draws per SMT order): a counting sort by group and a small
    sort within each, linear, where a sort of a packed key over the 80 M pegging pieces of a
    150k-demand factory took six radix passes."""
    return _sum_grouped(np.asarray(group, np.int64), n_groups, np.asarray(key, np.int64), np.asarray(qty, float))


def group_order(group: np.ndarray, n_groups: int, key: np.ndarray) -> np.ndarray:
    """The stable order of rows by (``group``, ``key``), ``group`` a dense rank in ``[0, n_groups)``
    (as :func:`sum_grouped`, without the sums)."""
    return _group_order(np.asarray(group, np.int64), n_groups, np.asarray(key, np.int64))


@njit(cache=True)
def _buckets(group_of, n_groups):
    """Rows in group order (a stable counting sort), each group's start (``n_groups + 1``
    bounds), and a key buffer as long as the largest group."""
    start = np.zeros(n_groups + 1, np.int64)
    for i in range(len(group_of)):
        start[group_of[i] + 1] += 1
    widest = 0
    for k in range(n_groups):
        widest = max(widest, start[k + 1])
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    rows = np.empty(len(group_of), np.int64)
    for i in range(len(group_of)):
        k = group_of[i]
        rows[fill[k]] = i
        fill[k] += 1
    return rows, start, np.empty(widest, np.int64)


@njit(cache=True)
def sort_group(rows, keys):
    """Sort a group's rows by their keys in place, stably: insertion sort for the usual few rows."""
    if len(rows) > SMALL_GROUP:
        within = np.argsort(keys, kind="mergesort")
        rows[:] = rows[within]
        keys[:] = keys[within]
        return
    for x in range(1, len(rows)):
        kx, rx = keys[x], rows[x]
        y = x
        while y > 0 and keys[y - 1] > kx:
            keys[y] = keys[y - 1]
            rows[y] = rows[y - 1]
            y -= 1
        keys[y] = kx
        rows[y] = rx


@njit(cache=True)
def _sorted_bucket(rows, g0, g1, key, key_of):
    """Group ``rows[g0:g1]`` sorted in place by ``key_of``: its rows and their keys."""
    for j in range(g0, g1):
        key[j - g0] = key_of[rows[j]]
    sort_group(rows[g0:g1], key[:g1 - g0])
    return rows[g0:g1], key[:g1 - g0]


@njit(cache=True)
def _group_order(group_of, n_groups, key_of):
    rows, start, key = _buckets(group_of, n_groups)
    for k in range(n_groups):
        _sorted_bucket(rows, start[k], start[k + 1], key, key_of)
    return rows


@njit(cache=True)
def _sum_grouped(group_of, n_groups, key_of, qty):
    rows, start, key = _buckets(group_of, n_groups)
    first = np.empty(len(group_of), np.int64)
    total = np.empty(len(group_of))
    m = 0
    for k in range(n_groups):
        group, keys = _sorted_bucket(rows, start[k], start[k + 1], key, key_of)
        for j in range(len(group)):
            if j > 0 and keys[j] == keys[j - 1]:
                total[m - 1] += qty[group[j]]
            else:
                first[m] = group[j]
                total[m] = qty[group[j]]
                m += 1
    return first[:m].copy(), total[:m].copy()


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Start of each run of equal keys in sorted rows."""
    n = len(keys[0])
    if not n:
        return np.zeros(0, np.int64)
    change = np.zeros(n, bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)
