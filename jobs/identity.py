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

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

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
    out: list[str | None] = [None] * len(new)
    if previous.empty or new.empty:
        return out
    old = previous[~previous[id_column].astype(str).isin(retired)]
    old = pd.DataFrame({**{c: old[c].astype(str).to_numpy() for c in key}, "_day": _days(old[date]),
                        "_id": old[id_column].astype(str).to_numpy()}).sort_values(["_id"], kind="stable")
    fresh = pd.DataFrame({**{c: new[c].astype(str).to_numpy() for c in key}, "_day": _days(new[date]),
                          "_pos": np.arange(len(new))})
    # Pairs on the same date are the nearest: the k-th previous line (by id) with the k-th new one (plan order).
    on = [*key, "_day"]
    same = fresh.assign(_k=fresh.groupby(on, sort=False).cumcount()).merge(
        old.assign(_k=old.groupby(on, sort=False).cumcount()), on=[*on, "_k"], how="inner")
    for position, ident in zip(same["_pos"].tolist(), same["_id"].tolist()):
        out[position] = ident
    old = old[~old["_id"].isin(set(same["_id"]))]
    fresh = fresh[~fresh["_pos"].isin(set(same["_pos"]))]
    groups: dict[tuple, tuple[list, list]] = {}
    for ident, *k, day in zip(old["_id"], *(old[c] for c in key), old["_day"].tolist()):
        groups.setdefault(tuple(k), ([], []))[0].append((day, ident))
    for position, *k, day in zip(fresh["_pos"].tolist(), *(fresh[c] for c in key), fresh["_day"].tolist()):
        group = groups.get(tuple(k))
        if group is not None:
            group[1].append((day, position))
    for olds, news in groups.values():
        if not news:
            continue
        if len(olds) == 1 and len(news) == 1:
            out[news[0][1]] = olds[0][1]
            continue
        for ident, position in _nearest_pairs(olds, news):
            out[position] = ident
    return out


def _days(values: pd.Series) -> np.ndarray:
    """Dates as day numbers (a missing date sorts last)."""
    stamps = pd.to_datetime(values)
    days = stamps.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(stamps.isna().to_numpy(), np.iinfo(np.int64).max // 4, days)


def _nearest_pairs(olds: list[tuple[int, str]], news: list[tuple[int, int]]) -> list[tuple[str, int]]:
    """Greedy nearest matching of one group (see the module docstring): (previous id, new position) pairs."""
    entries = sorted([(day, 0, ident, -1) for day, ident in olds] + [(day, 1, "", pos) for day, pos in news])
    n = len(entries)
    left, right = list(range(-1, n - 1)), list(range(1, n + 1))
    alive = [True] * n
    heap: list[tuple[int, int, int]] = []

    def push(i: int, j: int) -> None:
        if 0 <= i < n and 0 <= j < n and entries[i][1] != entries[j][1]:
            heapq.heappush(heap, (abs(entries[j][0] - entries[i][0]), i, j))

    for i in range(n - 1):
        push(i, i + 1)
    pairs = []
    while heap:
        _, i, j = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or right[i] != j:
            continue
        old, new = (entries[i], entries[j]) if entries[i][1] == 0 else (entries[j], entries[i])
        pairs.append((old[2], new[3]))
        alive[i] = alive[j] = False
        before, after = left[i], right[j]
        if before >= 0:
            right[before] = after
        if after < n:
            left[after] = before
        push(before, after)
    return pairs


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


def _rename_exceptions(plan: Plan, names: dict[str, str]) -> None:
    if plan.exceptions is None or plan.exceptions.empty:
        return
    ref = plan.exceptions["ref_id"].astype(str)
    hit = ref.isin(names.keys())
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
