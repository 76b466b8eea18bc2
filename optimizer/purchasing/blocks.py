"""Decomposition and solving: blocks of items, in parallel, under one time limit.

Items are independent except where a supplier's minimum order value couples the items
it offers. Coupled groups (components) of at most ``MAX_COUPLED_ITEMS`` items are solved
exactly, minimum order values included, one program each (an independent item is a
component of its own). A larger component is solved in two
steps: first its items without minimum order values (a relaxation, whose bound is a valid
bound of the component), then the items whose lines fall short of a minimum are re-solved
one at a time with minimum order values enforced, everything else fixed
(docs/purchasing.md, "Scale").
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from optimizer.purchasing.cost import Line
from optimizer.purchasing.data import CostRates, ItemProblem
from optimizer.purchasing.model import OrderDayValues, build_model
from optimizer.purchasing.solver import solve

log = logging.getLogger(__name__)

MAX_COUPLED_ITEMS = 8
#: Share of the time limit the first step gets when large components need a second one.
FIRST_STEP_SHARE = 0.6
MIN_BLOCK_SECONDS = 0.5


@dataclass(frozen=True)
class BlockResult:
    """One solved program: what it held, how the solver ended, the lines it found (or None)."""

    block: str
    item_ids: tuple[str, ...]
    min_order_value: str  # enforced / relaxed / none
    solver: str
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    lines: tuple[Line, ...] | None

    def as_dict(self) -> dict:
        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {"block": self.block, "items": len(self.item_ids), "min_order_value": self.min_order_value,
                "solver": self.solver, "status": self.status, "objective": num(self.objective),
                "bound": num(self.bound), "gap": num(self.gap), "seconds": round(self.seconds, 3)}


def components(items: Sequence[ItemProblem]) -> list[list[ItemProblem]]:
    """Groups of items coupled through suppliers with a minimum order value (union-find)."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of_supplier: dict[str, int] = {}
    for i, item in enumerate(items):
        for offer in item.offers:
            if offer.min_order_value > 0:
                j = first_of_supplier.setdefault(offer.supplier_id, i)
                parent[find(i)] = find(j)
    groups: dict[int, list[ItemProblem]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[find(i)].append(item)
    return sorted(groups.values(), key=lambda g: g[0].item_id)


def estimated_columns(item: ItemProblem) -> int:
    per_day = sum((len(o.break_qty) * 2 + 1) * (2 if o.stock_qty > 0 else 1) for o in item.offers)
    prices = sum(len(o.break_qty) for o in item.offers)
    return (len(item.need_days) + 2) * (per_day + 3 * prices)


def solve_all(items: Sequence[ItemProblem], rates: CostRates, time_limit_s: float, workers: int,
              mip_gap: float, start: dict[str, list[Line]]) -> tuple[dict[str, list[Line] | None], list[BlockResult]]:
    """Lines per item (None where no solution was found) and the report of every block solved.

    ``start`` (lines per item, the baseline) seeds every first-step block.
    """
    started = time.monotonic()
    small, large = [], []
    for group in components(items):
        (small if len(group) <= MAX_COUPLED_ITEMS else large).append(group)
    batches = _blocks(small, enforce=True) + _blocks([[i] for g in large for i in g], enforce=False)
    first_deadline = started + time_limit_s * (FIRST_STEP_SHARE if large else 1.0)
    results = _solve_batches(batches, rates, first_deadline, workers, mip_gap, start)
    lines: dict[str, list[Line] | None] = {}
    for result in results:
        for item_id in result.item_ids:
            lines[item_id] = None if result.lines is None else [l for l in result.lines if l.item_id == item_id]
    for n, group in enumerate(large):
        repaired = _repair(group, lines, rates, started + time_limit_s, mip_gap, f"R{n + 1}")
        results.extend(repaired)
    return lines, results


def _blocks(groups: list[list[ItemProblem]], enforce: bool) -> list[tuple[list[ItemProblem], bool]]:
    """One program per group: HiGHS solves many small programs faster than one large one (measured)."""
    return [(group, enforce) for group in groups]


def _solve_batches(batches: list[tuple[list[ItemProblem], bool]], rates: CostRates, deadline: float,
                   workers: int, mip_gap: float, start: dict[str, list[Line]]) -> list[BlockResult]:
    """Solves batches (in threads: HiGHS releases the GIL), each with its share of the time left."""
    sizes = [sum(estimated_columns(i) for i in batch) for batch, _ in batches]
    lock = threading.Lock()
    pending = [sum(sizes)]

    def run(index: int) -> BlockResult:
        batch, enforce = batches[index]
        with lock:
            share = sizes[index] / max(pending[0], 1)
            pending[0] -= sizes[index]
        limit = _block_limit(deadline, max(workers, 1) * share)
        if limit is None:
            return _not_solved(f"B{index + 1}", batch)
        seed = [line for item in batch for line in start.get(item.item_id, [])]
        return solve_block(f"B{index + 1}", batch, rates, enforce, OrderDayValues(), limit, mip_gap, seed)

    if workers <= 1 or len(batches) <= 1:
        return [run(i) for i in range(len(batches))]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(len(batches))))


def solve_block(name: str, items: Sequence[ItemProblem], rates: CostRates, enforce: bool, placed: OrderDayValues,
                time_limit_s: float, mip_gap: float, start: Sequence[Line] = ()) -> BlockResult:
    model = build_model(items, rates, enforce, placed, start)
    outcome = solve(model.program, time_limit_s, mip_gap, model.start(start) if start else None)
    coupled = any(o.min_order_value > 0 for i in items for o in i.offers)
    mode = ("enforced" if enforce else "relaxed") if coupled else "none"
    log.debug("block %s: %d items, %d columns, %s in %.2fs", name, len(items), model.program.num_cols,
              outcome.status, outcome.seconds)
    lines = None if outcome.values is None else tuple(model.lines(outcome.values))
    return BlockResult(name, tuple(i.item_id for i in items), mode, outcome.solver, outcome.status,
                       outcome.objective, outcome.bound, outcome.gap, outcome.seconds, lines)


def order_day_values(lines: Sequence[Line]) -> dict[tuple[str, int], float]:
    """Value of the lines per (supplier, order day), for suppliers with a minimum order value."""
    value: dict[tuple[str, int], float] = defaultdict(float)
    for line in lines:
        if line.offer.min_order_value > 0:
            value[(line.offer.supplier_id, line.order_day)] += line.quantity * line.unit_price
    return value


def short_of_min_order_value(lines: Sequence[Line]) -> set[tuple[str, int]]:
    """(supplier, order day) whose lines are worth less than the supplier's minimum order value."""
    minimum = {l.offer.supplier_id: l.offer.min_order_value for l in lines}
    return {key for key, value in order_day_values(lines).items() if value < minimum[key[0]] - 1e-6}


def _repair(group: list[ItemProblem], lines: dict[str, list[Line] | None], rates: CostRates, deadline: float,
            mip_gap: float, name: str) -> list[BlockResult]:
    """Re-solves the items whose lines miss a minimum order value, with it enforced, one by one.

    The items to re-solve are closed under "shares a short order day with", so every order
    day left to fixed items is either empty or already meets the minimum. Items go one after
    another; each sees the lines of fixed items and of earlier chunks as placed value.
    """
    if any(lines.get(i.item_id) is None for i in group):
        return []
    current = {i.item_id: lines[i.item_id] for i in group}
    all_lines = [l for ls in current.values() for l in ls]
    short = short_of_min_order_value(all_lines)
    free: set[str] = set()
    while True:
        touched = {l.item_id for l in all_lines if (l.offer.supplier_id, l.order_day) in short} - free
        if not touched:
            break
        free |= touched
        stable = [l for l in all_lines if l.item_id not in free]
        stable_value = order_day_values(stable)
        short = {key for key in order_day_values(all_lines) if 0 < stable_value.get(key, 0.0) < _min_value(all_lines, key[0])}
    chunks = [[item_id] for item_id in sorted(free)]
    by_id = {i.item_id: i for i in group}
    results = []
    for n, chunk in enumerate(chunks):
        placed = order_day_values([l for item_id, ls in current.items() if item_id not in free for l in ls])
        limit = _block_limit(deadline, 1.0 / (len(chunks) - n))
        if limit is None:
            results.append(_not_solved(f"{name}.{n + 1}", [by_id[i] for i in chunk]))
            for i in group:
                lines[i.item_id] = None
            break
        result = solve_block(f"{name}.{n + 1}", [by_id[i] for i in chunk], rates, True, OrderDayValues(placed),
                             limit, mip_gap, [l for i in chunk for l in current[i]])
        results.append(result)
        for item_id in chunk:
            lines[item_id] = None if result.lines is None else [l for l in result.lines if l.item_id == item_id]
            current[item_id] = lines[item_id] or []
        free -= set(chunk)
        if result.lines is None:
            for i in group:
                lines[i.item_id] = None
            break
    return results


def _block_limit(deadline: float, share: float) -> float | None:
    """A block's seconds: its share of the time left, at least MIN_BLOCK_SECONDS, never past
    the deadline; None once the deadline has passed (the block keeps the plain MRP lines)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0.0:
        return None
    return min(remaining, max(MIN_BLOCK_SECONDS, remaining * share))


def _not_solved(name: str, items: Sequence[ItemProblem]) -> BlockResult:
    nan = float("nan")
    return BlockResult(name, tuple(i.item_id for i in items), "none", "none", "not_solved", nan, -math.inf, nan, 0.0,
                       None)


def _min_value(lines: Sequence[Line], supplier_id: str) -> float:
    return next(l.offer.min_order_value for l in lines if l.offer.supplier_id == supplier_id)
