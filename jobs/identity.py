"""Stable ids: a line of the plan keeps its id from one published plan to the next.

Pure functions (data in, data out). The rule, applied per kind of line before a plan is
published (``docs/nightly.md``, "Stable ids"):

- **Same line.** A purchase suggestion is the same line as a suggestion of the previous
  published plan when item, supplier and MPN agree; a planned order (and so its SMT job,
  which carries the planned order's id) when the item agrees. Within each such group the
  lines are matched by date (the suggestion's receipt date, the planned order's due date).
  Lines on the same date are paired first: the k-th previous line of that date (by id) with
  the k-th new line of that date (in plan order). Of the rest, all lines of the group,
  previous and new, are put in one list sorted by date (on the
  same date previous lines first, by id, then new lines in plan order); repeatedly the
  closest neighbouring pair of a previous and a new line in that list (fewest days apart;
  on a tie, the pair nearer the start of the list) is matched and both leave the list.
  Neighbouring pairs suffice: the nearest previous/new pair of a group always has a
  neighbouring pair as near. A matched new line takes the previous line's id.
- **Retired ids.** A previous line whose id is retired (a decision closed it: approved or
  rejected) is left out of the matching, so its id never names another line.
- **New ids.** Every unmatched new line gets a new id from the store's counter of that kind
  (``PS<nnnnn>`` for suggestions, ``PL-<item>-<nnnn>`` for planned orders), numbered in
  plan order; the counter only grows, so no id is ever given twice.

Renaming a planned order renames it wherever the plan names it: the schedule's
``job_id``, pegging's ``supply_id`` (supply type ``planned``) and exceptions' ``ref_id``
(and the id in their message).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numba import njit

from mrp.plan import Plan

SUGGESTION_KEY = ("item_id", "supplier_id", "mpn")
PLANNED_ORDER_KEY = ("item_id",)


@dataclass(frozen=True)
class IdKind:
    """One kind of line with a stable id: its table, id column, match key and date."""

    name: str
    table: str
    id_column: str
    key: tuple[str, ...]
    date: str
    make_id: Callable[[str, int], str]  # (item id, number) -> id


def _suggestion_id(_item_id: str, number: int) -> str:
    return f"PS{number:05d}"


def _planned_order_id(item_id: str, number: int) -> str:
    return f"PL-{item_id}-{number:04d}"


SUGGESTIONS = IdKind("suggestion", "purchase_suggestions", "suggestion_id", SUGGESTION_KEY, "receipt_date",
                     _suggestion_id)
PLANNED_ORDERS = IdKind("planned_order", "planned_orders", "order_id", PLANNED_ORDER_KEY, "due_date",
                        _planned_order_id)
KINDS = (SUGGESTIONS, PLANNED_ORDERS)


def match_lines(previous: pd.DataFrame, new: pd.DataFrame, *, key: Iterable[str], date: str, id_column: str,
                retired: frozenset[str] | set[str] = frozenset()) -> list[str | None]:
    """For each row of ``new`` (in order), the id of the previous line it is matched to, or None.

    ``previous`` holds the previous published plan's lines (``id_column``, ``key``, ``date``);
    lines whose id is in ``retired`` take no part. The rule is in the module docstring.
    """
    key = list(key)
    if previous.empty or new.empty:
        return [None] * len(new)
    old_ids = previous[id_column].astype(str)
    previous = previous[~old_ids.isin(retired).to_numpy()]
    old_ids = old_ids[~old_ids.isin(retired)].to_numpy(dtype=str)
    group = _group_codes([pd.concat([previous[c], new[c]], ignore_index=True) for c in key])
    old_group, new_group = group[: len(previous)], group[len(previous):]
    old_day, new_day = _days(previous[date]), _days(new[date])
    by_id = np.argsort(old_ids, kind="stable")
    old_rank = np.empty(len(old_ids), np.int64)
    old_rank[by_id] = np.arange(len(old_ids))
    olds, news = _matches(old_group, old_day, old_rank, new_group, new_day)
    out = np.full(len(new), None, dtype=object)
    out[news] = old_ids[olds]
    return out.tolist()


def _group_codes(columns: list[pd.Series]) -> np.ndarray:
    """One integer per row, equal for rows whose key columns (compared as text) are equal."""
    codes = np.zeros(len(columns[0]), np.int64)
    for column in columns:
        column_codes, uniques = pd.factorize(column.astype(str).to_numpy(dtype=object))
        codes = codes * (len(uniques) + 1) + column_codes
    return codes


def _days(values: pd.Series) -> np.ndarray:
    """Dates as day numbers (a missing date sorts last)."""
    stamps = pd.to_datetime(values)
    days = stamps.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(stamps.isna().to_numpy(), np.iinfo(np.int64).max // 4, days)


def _matches(old_group: np.ndarray, old_day: np.ndarray, old_rank: np.ndarray,
             new_group: np.ndarray, new_day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The matched (previous row, new row) pairs: same-date pairs, then nearest pairs."""
    old_order = np.lexsort((old_rank, old_day, old_group))
    new_order = np.lexsort((np.arange(len(new_day)), new_day, new_group))
    same_old, same_new = _same_date_pairs(old_group[old_order], old_day[old_order],
                                          new_group[new_order], new_day[new_order])
    olds, news = [old_order[same_old]], [new_order[same_new]]
    left_old = np.setdiff1d(np.arange(len(old_day)), olds[0], assume_unique=True)
    left_new = np.setdiff1d(np.arange(len(new_day)), news[0], assume_unique=True)
    if len(left_old) and len(left_new):
        # One list of the remaining lines, sorted by group, date, previous before new, id / plan order.
        group = np.r_[old_group[left_old], new_group[left_new]]
        day = np.r_[old_day[left_old], new_day[left_new]]
        side = np.r_[np.zeros(len(left_old), np.int64), np.ones(len(left_new), np.int64)]
        rank = np.r_[old_rank[left_old], left_new]
        row = np.r_[left_old, left_new]
        order = np.lexsort((rank, side, day, group))
        near_old, near_new = _nearest_pairs(group[order], day[order], side[order])
        olds.append(row[order][near_old])
        news.append(row[order][near_new])
    return np.concatenate(olds), np.concatenate(news)


@njit(cache=True)
def _same_date_pairs(old_group: np.ndarray, old_day: np.ndarray,
                     new_group: np.ndarray, new_day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs on the same date are the nearest: within each group and date, the k-th previous
    line (by id) with the k-th new one (plan order). Both lists are sorted by group, date
    and that order; returns the positions of the pairs in each."""
    olds = np.empty(min(len(old_day), len(new_day)), np.int64)
    news = np.empty(len(olds), np.int64)
    i = j = pairs = 0
    while i < len(old_day) and j < len(new_day):
        if old_group[i] == new_group[j] and old_day[i] == new_day[j]:
            olds[pairs], news[pairs] = i, j
            pairs += 1
            i += 1
            j += 1
        elif (old_group[i], old_day[i]) < (new_group[j], new_day[j]):
            i += 1
        else:
            j += 1
    return olds[:pairs], news[:pairs]


@njit(cache=True)
def _nearest_pairs(group: np.ndarray, day: np.ndarray, side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Greedy nearest matching (see the module docstring) over the list sorted by group and
    date: repeatedly the closest neighbouring previous/new pair of one group (on a tie, the
    pair nearer the start) leaves the list. Returns the list positions of the matched
    previous lines and of their new lines."""
    n = len(day)
    left = np.arange(-1, n - 1)
    right = np.arange(1, n + 1)
    alive = np.ones(n, np.bool_)
    # a binary heap of candidate pairs (days apart, first position, second position)
    heap = np.empty((2 * n + 1, 3), np.int64)
    size = 0
    for i in range(n - 1):
        if group[i] == group[i + 1] and side[i] != side[i + 1]:
            size = _push(heap, size, abs(day[i + 1] - day[i]), i, i + 1)
    olds = np.empty(n // 2, np.int64)
    news = np.empty(n // 2, np.int64)
    pairs = 0
    while size:
        i, j = heap[0, 1], heap[0, 2]
        size = _pop(heap, size)
        if not (alive[i] and alive[j]) or right[i] != j:
            continue
        if side[i] == 0:
            olds[pairs], news[pairs] = i, j
        else:
            olds[pairs], news[pairs] = j, i
        pairs += 1
        alive[i] = alive[j] = False
        before, after = left[i], right[j]
        if before >= 0:
            right[before] = after
        if after < n:
            left[after] = before
        if before >= 0 and after < n and group[before] == group[after] and side[before] != side[after]:
            size = _push(heap, size, abs(day[after] - day[before]), before, after)
    return olds[:pairs], news[:pairs]


@njit(cache=True)
def _less(heap: np.ndarray, a: int, b: int) -> bool:
    for k in range(3):
        if heap[a, k] != heap[b, k]:
            return heap[a, k] < heap[b, k]
    return False


@njit(cache=True)
def _push(heap: np.ndarray, size: int, distance: int, i: int, j: int) -> int:
    heap[size, 0], heap[size, 1], heap[size, 2] = distance, i, j
    child = size
    while child > 0:
        parent = (child - 1) // 2
        if not _less(heap, child, parent):
            break
        for k in range(3):
            heap[child, k], heap[parent, k] = heap[parent, k], heap[child, k]
        child = parent
    return size + 1


@njit(cache=True)
def _pop(heap: np.ndarray, size: int) -> int:
    size -= 1
    heap[0] = heap[size]
    parent = 0
    while True:
        smallest, first = parent, 2 * parent + 1
        for child in (first, first + 1):
            if child < size and _less(heap, child, smallest):
                smallest = child
        if smallest == parent:
            return size
        for k in range(3):
            heap[smallest, k], heap[parent, k] = heap[parent, k], heap[smallest, k]
        parent = smallest


def assign_ids(previous: pd.DataFrame | None, new: pd.DataFrame, kind: IdKind, *, retired: frozenset[str] | set[str],
               next_number: int) -> tuple[list[str], int]:
    """The ids of ``new``'s rows (matched ones kept, others numbered from ``next_number``) and the next number."""
    matched = match_lines(previous if previous is not None else new.iloc[0:0], new, key=kind.key, date=kind.date,
                          id_column=kind.id_column, retired=retired)
    ids: list[str] = []
    for item_id, ident in zip(new["item_id"].astype(str).tolist(), matched):
        if ident is None:
            ident = kind.make_id(item_id, next_number)
            next_number += 1
        ids.append(ident)
    return ids, next_number


def stable_plan(plan: Plan, previous: dict[str, pd.DataFrame | None], *, retired: dict[str, set[str]],
                counters: dict[str, int]) -> tuple[Plan, dict[str, int]]:
    """``plan`` with stable ids against the previous published plan's tables (by table name).

    ``retired`` and ``counters`` are by kind name (``suggestion``, ``planned_order``);
    ``counters`` give the next free number of each kind. Returns the renamed plan and the
    counters after it.
    """
    counters = dict(counters)
    renamed = replace(plan)
    for kind in KINDS:
        frame = getattr(plan, kind.table)
        if frame is None or frame.empty:
            continue
        ids, counters[kind.name] = assign_ids(previous.get(kind.table), frame, kind,
                                              retired=retired.get(kind.name, set()),
                                              next_number=counters.get(kind.name, 1))
        old_ids = frame[kind.id_column].astype(str).tolist()
        setattr(renamed, kind.table, frame.assign(**{kind.id_column: ids}))
        if kind is PLANNED_ORDERS:
            _rename_planned_orders(renamed, dict(zip(old_ids, ids)))
        if kind is SUGGESTIONS:
            _rename_liability(renamed, dict(zip(old_ids, ids)))
            _rename_exceptions(renamed, dict(zip(old_ids, ids)), types=SUGGESTION_EXCEPTIONS)
    return renamed, counters


def _rename_liability(plan: Plan, names: dict[str, str]) -> None:
    """The liability table names suggested lines by id (``ref_id`` of source ``suggestion``)."""
    if plan.liability is None or plan.liability.empty:
        return
    ref = plan.liability["ref_id"].astype(str)
    suggested = plan.liability["source"].astype(str) == "suggestion"
    plan.liability = plan.liability.assign(ref_id=ref.where(~suggested, ref.map(names).fillna(ref)))


def _rename_planned_orders(plan: Plan, names: dict[str, str]) -> None:
    names = {old: new for old, new in names.items() if old != new}
    if not names:
        return
    if plan.schedule is not None and not plan.schedule.empty:
        plan.schedule = plan.schedule.assign(job_id=_renamed(plan.schedule["job_id"], names))
    if plan.pegging is not None and not plan.pegging.empty:
        plan.pegging = plan.pegging.assign(supply_id=_renamed_supply(plan.pegging, names))
    _rename_exceptions(plan, names)


#: Exception types whose ``ref_id`` names a suggested line.
SUGGESTION_EXCEPTIONS = ("last_time_buy",)


def _rename_exceptions(plan: Plan, names: dict[str, str], types: tuple[str, ...] | None = None) -> None:
    """Exceptions' ``ref_id`` (and the id in their message) renamed by ``names``; only those of
    ``types`` when given."""
    names = {old: new for old, new in names.items() if old != new}
    if plan.exceptions is None or plan.exceptions.empty or not names:
        return
    ref = plan.exceptions["ref_id"].astype(str)
    hit = ref.isin(names.keys())
    if types is not None:
        hit &= plan.exceptions["type"].astype(str).isin(types)
    if not hit.any():
        return
    exceptions = plan.exceptions.copy()
    exceptions.loc[hit, "message"] = [str(m).replace(old, names[old])
                                      for m, old in zip(exceptions.loc[hit, "message"], ref[hit])]
    exceptions.loc[hit, "ref_id"] = ref[hit].map(names)
    plan.exceptions = exceptions


def _renamed_supply(pegging: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Pegging's supply ids with planned orders renamed (a categorical column stays one: its labels are renamed)."""
    supply = pegging["supply_id"]
    if isinstance(supply.dtype, pd.CategoricalDtype):
        labels = [names.get(str(c), c) for c in supply.cat.categories]
        if len(set(labels)) == len(labels):
            return pd.Series(pd.Categorical.from_codes(supply.cat.codes, categories=labels), index=supply.index)
    text = supply.astype(str)
    planned = pegging["supply_type"].astype(str) == "planned"
    return _renamed(text, names).where(planned, text)


def _renamed(values: pd.Series, names: dict[str, str]) -> pd.Series:
    text = values.astype(str)
    return text.map(names).fillna(text)
