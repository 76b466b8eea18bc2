"""Decomposition and solving: blocks of items, in parallel, under one work limit.

Items are independent except where a supplier's minimum order value couples the items
it offers. Coupled groups (components) of at most ``MAX_COUPLED_ITEMS`` items are solved
exactly, minimum order values included, one program each (an independent item is a
component of its own). A larger component is solved in two steps: first its items without
minimum order values (a relaxation, whose bound is a valid bound of the component), then
the items whose lines fall short of a minimum are re-solved one at a time with minimum
order values enforced, everything else fixed (docs/purchasing.md, "Decomposition").

Every block starts from the lot-sizing plan (:mod:`optimizer.purchasing.heuristic`), the
receipts recursion and its LP relaxation; the MILP goes to the blocks where seed cost −
bound is largest, each with ``MAX_NODES`` branch-and-bound nodes. Each step takes at most
its share of the work the :class:`~optimizer.purchasing.budget.Budget` leaves, estimated
from sizes: those counts, not the clock, decide the plan, so the same input gives the same
plan. The wall clock stays as a safety net (``stopped_by`` ``"wall_clock"``).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

from optimizer.purchasing.budget import (WORK_PER_LOT_SIZING_CELL, WORK_PER_LP_COLUMN, WORK_PER_MILP_COLUMN,
                                         WORK_PER_RECURSION_STEP, Budget)
from optimizer.purchasing.cost import Line, costing_work, evaluate
from optimizer.purchasing.data import CostRates, ItemProblem
from optimizer.purchasing.heuristic import lot_sizing_lines
from optimizer.purchasing.model import OrderDayValues, build_model
from optimizer.purchasing.receipts import Receipts, receipt_bound, receipt_plan, receipt_work
from optimizer.purchasing.solver import solve

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

MAX_COUPLED_ITEMS = 4
#: Branch-and-bound nodes per program: the deterministic work budget of one block's MILP.
MAX_NODES = 200
#: Shares of the optional work (what the work limit leaves after the plain MRP plan, its cost and
#: the suggestions) that each step may take at most; what a step leaves unused goes to the next.
LOT_SIZING_SHARE = 0.25
RECURSION_SHARE = 0.3
RELAXATION_SHARE = 0.1
#: Share of the MILP's work kept for the second step (large coupled components) when there is one.
SECOND_STEP_SHARE = 0.2
#: A block goes to the MILP only when it can gain at least this share of the plan's seed cost
#: (the sum over all blocks): a smaller gain does not show in the plan's saving. Without it, on
#: the generated 3,000-item factory, blocks the LP share left without a bound went first and the
#: MILP gained 22,017 of a 274.6 M plan in about 40 s (docs/purchasing.md).
MIN_MILP_GAIN = 1e-4


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


@dataclass(frozen=True)
class Solved:
    """Lines per item (None: no plan that meets the block's rules; absent: the work limit left the
    item unplanned) and every block's report; the budget says which limit stopped work."""

    lines: dict[str, list[Line] | None]
    blocks: list[BlockResult]
    fallback_items: tuple[str, ...]  # re-solves that found nothing: these items keep the plain MRP lines


@dataclass(frozen=True)
class _Batch:
    name: str
    items: list[ItemProblem]
    enforce: bool
    seed: list[Line]
    seed_valid: bool  # a plan of the block: found for every item, minimum order values met where enforced
    seed_source: str = "lot-sizing"  # or "receipts": the recursion's plan


def solve_all(items: Sequence[ItemProblem], rates: CostRates, budget: Budget, workers: int,
              mip_gap: float, start: dict[str, list[Line]], start_cost: dict[str, float]) -> Solved:
    """Plans every block: the lot-sizing plan, then the MILP where it can gain most, within ``budget``.

    ``start`` (lines per item, the baseline, costing ``start_cost``) seeds a block the lot-sizing
    plan cannot, or that the work limit leaves unplanned. What is solved, and how far, depends only
    on the input, the work limit and ``workers`` (work is estimated from sizes, never timed); the
    wall clock only stops work that overruns the time limit.
    """
    optional = budget.left()
    small, large = [], []
    for group in components(items):
        (small if len(group) <= MAX_COUPLED_ITEMS else large).append(group)
    heuristic = _lot_sizing(items, rates, budget, optional * LOT_SIZING_SHARE)
    batches = [_batch(f"B{n + 1}", group, enforce, heuristic, start) for n, (group, enforce) in
               enumerate([(g, True) for g in small] + [([i], False) for g in large for i in g])]
    seed_cost = dict(start_cost)
    planned = [i for i in items if heuristic.get(i.item_id) is not None]
    seed_cost.update(_costs(planned, [l for i in planned for l in heuristic[i.item_id]], rates))
    log.debug("lot sizing: %d items, %.0f work units used", len(heuristic), budget.used)
    recursion = _receipts(batches, seed_cost, rates, workers, budget, optional * RECURSION_SHARE)
    log.debug("receipts recursion: %d items, %.0f work units used", len(recursion), budget.used)
    batches, seed_cost = _better_seeds(items, batches, seed_cost, recursion, rates, budget)
    log.debug("better seeds: %.0f work units used", budget.used)
    relaxed = _bounds(batches, seed_cost, recursion, rates, mip_gap, budget, optional * RELAXATION_SHARE, workers)
    milp_work = budget.left() * (1.0 - SECOND_STEP_SHARE if large else 1.0)  # inf without a limit
    chosen = _worth_solving(batches, seed_cost, relaxed, mip_gap, budget, milp_work)
    log.debug("%d blocks bounded, %d to solve, %.0f work units used", len(batches), len(chosen), budget.used)
    solved = _solve_batches([batches[i] for i in chosen], rates, budget, workers, mip_gap)
    milp = dict(zip(chosen, solved))
    milp_cost = _costs([i for r in solved for i in _items_of(r, batches)], [l for r in solved for l in (r.lines or ())],
                       rates)
    results: list[BlockResult] = []
    lines: dict[str, list[Line] | None] = {}
    for index, batch in enumerate(batches):
        result = _pick(batch, milp.get(index), relaxed[index], seed_cost, milp_cost, mip_gap)
        results.append(result)
        for item in batch.items:
            lines[item.item_id] = None if result.lines is None else [l for l in result.lines if l.item_id == item.item_id]
    log.debug("first step solved: %.0f work units used", budget.used)
    fallback: list[str] = []
    for n, group in enumerate(large):
        results.extend(_repair(group, lines, rates, budget, mip_gap, f"R{n + 1}", start, fallback,
                               budget.left() / (len(large) - n)))
    if any(r.status == "time_limit" for r in results):
        budget.note_wall_clock()
    return Solved(lines, results, tuple(fallback))


def _in_threads(run: Callable[[T], R], jobs: Sequence[T], workers: int) -> list[R]:
    """``run`` of every job, in ``workers`` threads (the solvers and the recursion release the GIL),
    the results in the jobs' order whatever order the threads finish in."""
    if workers <= 1 or len(jobs) <= 1:
        return [run(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))


def _items_of(result: BlockResult, batches: list[_Batch]) -> list[ItemProblem]:
    by_name = {b.name: b for b in batches}
    return list(by_name[result.block].items) if result.lines is not None else []


def lot_sizing_work(item: ItemProblem) -> float:
    """Estimated work units of :func:`lot_sizing_lines`: need days² × offer options."""
    options = sum(2 if o.stock_qty > 0 else 1 for o in item.offers)
    return WORK_PER_LOT_SIZING_CELL * len(item.need_days) ** 2 * max(options, 1)


def _lot_sizing(items: Sequence[ItemProblem], rates: CostRates, budget: Budget, share: float) -> dict[str, list[Line] | None]:
    """The lot-sizing plans of the items, smallest work first while their work and their costing fit
    ``share`` (a count: the same input gives the same items); items left out are not in the result."""
    plans: dict[str, list[Line] | None] = {}
    spent = 0.0
    for work, item in sorted(((lot_sizing_work(i) + costing_work(i, len(i.need_days)), i) for i in items),
                             key=lambda x: (x[0], x[1].item_id)):
        if spent + work > share or not budget.afford(work):
            budget.stopped_by = budget.stopped_by or "work_limit"
            break
        spent += work
        plans[item.item_id] = lot_sizing_lines(item, rates)
    return plans


def _batch(name: str, group: list[ItemProblem], enforce: bool, heuristic: dict[str, list[Line] | None],
           start: dict[str, list[Line]]) -> _Batch:
    """The block's seed: the lot-sizing plan when it is a plan of the block, else the baseline."""
    found = [heuristic.get(i.item_id) for i in group]
    if all(f is not None for f in found):
        seed = [l for f in found for l in f]
        if not (enforce and short_of_min_order_value(seed)):
            return _Batch(name, group, enforce, seed, True)
    seed = [l for i in group for l in start.get(i.item_id, [])]
    return _Batch(name, group, enforce, seed, False)


def _receipts(batches: list[_Batch], seed_cost: dict[str, float], rates: CostRates, workers: int,
              budget: Budget, share: float) -> dict[str, Receipts]:
    """The receipts recursion (:mod:`optimizer.purchasing.receipts`) of the items of every block,
    smallest work first while the total fits ``share`` and the budget (a count: the same input gives
    the same items), in ``workers`` threads (the recursion releases the GIL; results are collected in
    the items' order, whatever order the threads finish in). Each item's seed cost, where its seed is
    a plan covering it, prunes the recursion."""
    items = [(WORK_PER_RECURSION_STEP * receipt_work(i), i.item_id, i, b.seed_valid) for b in batches for i in b.items]
    chosen, used = [], 0.0
    for work, _, item, valid in sorted(items, key=lambda x: (x[0], x[1])):
        if used + work > share or not budget.afford(work):
            budget.stopped_by = budget.stopped_by or "work_limit"
            break
        used += work
        chosen.append((item, seed_cost[item.item_id] if valid else math.inf))

    def run(job: tuple[ItemProblem, float]) -> Receipts | None:
        return receipt_bound(job[0], rates, job[1]) if budget.seconds_left() > 0.0 else None

    found = _in_threads(run, chosen, workers)
    if any(r is None for r in found):
        budget.note_wall_clock()
    return {item.item_id: r for (item, _), r in zip(chosen, found) if r is not None}


def _receipts_bound(batch: _Batch, recursion: dict[str, Receipts]) -> float:
    """Sum of the items' recursion bounds (relaxing minimum order values decouples them); -inf if one is missing."""
    found = [recursion.get(i.item_id) for i in batch.items]
    return sum(r.bound for r in found) if all(r is not None for r in found) else -math.inf


def _better_seeds(items: Sequence[ItemProblem], batches: list[_Batch], seed_cost: dict[str, float],
                  recursion: dict[str, Receipts], rates: CostRates,
                  budget: Budget) -> tuple[list[_Batch], dict[str, float]]:
    """Each block's seed becomes the recursion's plan (or one of its alternatives) where that is a
    plan of the block (within the caps, every item, minimum order values met where enforced, no
    rejected line) and costs less. Candidates are costed in rounds: every block's first candidate,
    then its second…, while their costing fits the budget."""
    costs = dict(seed_cost)
    out = list(batches)
    by_id = {i.item_id: i for i in items}
    rounds = max((1 + len(r.alternatives) for r in recursion.values()), default=0)
    for k in range(rounds):
        plans = {}
        for n, batch in enumerate(out):
            found = [recursion.get(i.item_id) for i in batch.items]
            if not all(r is not None and r.lines is not None for r in found):
                continue
            options = [[r.lines, *r.alternatives] for r in found]
            if not all(len(o) > k for o in options) and len(batch.items) > 1:
                continue
            picked = [o[min(k, len(o) - 1)] for o in options]
            if k > 0 and all(len(o) <= k for o in options):
                continue
            lines = [l for p in picked for l in p]
            if not (batch.enforce and short_of_min_order_value(lines)) and not any(_rejected(l, by_id) for l in lines):
                plans[n] = lines
        if not plans:
            continue
        if not budget.afford(sum(costing_work(i, len(lines)) for n, lines in plans.items() for i in out[n].items)):
            break
        cost = _costs([i for n in plans for i in out[n].items], [l for p in plans.values() for l in p], rates)
        for n, lines in plans.items():
            batch = out[n]
            new = sum(cost[i.item_id] for i in batch.items)
            old = sum(costs[i.item_id] for i in batch.items)
            if not batch.seed_valid or new < old - 1e-9 * max(abs(old), 1.0):
                out[n] = replace(batch, seed=lines, seed_valid=True, seed_source="receipts")
                costs.update({i.item_id: cost[i.item_id] for i in batch.items})
    return out, costs


def _rejected(line: Line, items: dict[str, ItemProblem]) -> bool:
    return items[line.item_id].is_rejected(line.offer, line.order_day)


def _costs(items: Sequence[ItemProblem], lines: Sequence[Line], rates: CostRates) -> dict[str, float]:
    """Plan cost per item of ``lines`` (inf for an item they do not buy at all); its work is booked by the caller."""
    bought = {l.item_id for l in lines}
    evaluation = evaluate([i for i in items if i.item_id in bought], lines, rates)
    return {i.item_id: evaluation.costs[i.item_id].total if i.item_id in bought else math.inf for i in items}


def _bounds(batches: list[_Batch], seed_cost: dict[str, float], recursion: dict[str, Receipts], rates: CostRates,
            mip_gap: float, budget: Budget, share: float, workers: int) -> list[float]:
    """Each block's best lower bound: the recursion's, raised by the LP relaxation's where that does
    not close the block's gap and its work fits ``share`` and the budget (blocks in order). The
    relaxations run in ``workers`` threads (HiGHS releases the GIL); each is its own program, so
    the bounds do not depend on which thread solves which."""
    relaxed, chosen, used = [], [], 0.0
    for index, batch in enumerate(batches):
        bound = _receipts_bound(batch, recursion)
        cost = sum(seed_cost[i.item_id] for i in batch.items)
        if not (batch.seed_valid and cost - bound <= mip_gap * max(abs(cost), 1e-9)):
            work = WORK_PER_LP_COLUMN * sum(estimated_columns(i) for i in batch.items)
            if used + work <= share and budget.afford(work):
                used += work
                chosen.append(index)
            else:
                budget.stopped_by = budget.stopped_by or "work_limit"
        relaxed.append(bound)

    def run(batch: _Batch) -> float:
        return _relaxation_bound(batch, rates, budget)

    for index, bound in zip(chosen, _in_threads(run, [batches[i] for i in chosen], workers)):
        relaxed[index] = max(relaxed[index], bound)
    return relaxed


def _relaxation_bound(batch: _Batch, rates: CostRates, budget: Budget) -> float:
    """The LP relaxation's optimum: a lower bound of the block, and what the MILP could gain at
    most. An LP of one block takes milliseconds; the wall clock is only the rule's safety net."""
    if budget.out_of_time():
        return -math.inf
    model = build_model(batch.items, rates, batch.enforce, OrderDayValues(), batch.seed)
    outcome = solve(model.program.relaxation(), budget.seconds_left(), 0.0)
    if outcome.status == "time_limit":
        budget.note_wall_clock()
    return outcome.bound if outcome.status == "optimal" else -math.inf


def _worth_solving(batches: list[_Batch], seed_cost: dict[str, float], bounds: list[float], mip_gap: float,
                   budget: Budget, work: float) -> list[int]:
    """Blocks given to the MILP, the largest possible gain first — blocks without a plan of their
    own first of all — while their estimated columns and costing fit ``work`` and the budget. What a
    block can gain is its seed cost less its lower bound, or less nothing when it has no bound (a plan
    costs at least zero). A block whose seed is already within ``mip_gap`` of its bound, or that can
    gain less than :data:`MIN_MILP_GAIN` of the plan's seed cost, is left as it is."""
    plan_cost = sum(cost for cost in seed_cost.values() if math.isfinite(cost))
    gain = []
    for index, (batch, bound) in enumerate(zip(batches, bounds)):
        cost = sum(seed_cost[i.item_id] for i in batch.items)
        if not batch.seed_valid:
            gain.append((math.inf, index))
        elif cost - bound > mip_gap * max(abs(cost), 1e-9) and cost - max(bound, 0.0) >= MIN_MILP_GAIN * plan_cost:
            gain.append((cost - max(bound, 0.0), index))
    chosen, used = [], 0.0
    for _, index in sorted(gain, key=lambda g: (-g[0], g[1])):
        items = batches[index].items
        size = sum(WORK_PER_MILP_COLUMN * estimated_columns(i) + costing_work(i, len(i.need_days)) for i in items)
        if used + size <= work and budget.afford(size):
            chosen.append(index)
            used += size
        else:
            budget.stopped_by = budget.stopped_by or "work_limit"
    return sorted(chosen)


def _pick(batch: _Batch, milp: BlockResult | None, relaxed_bound: float, seed_cost: dict[str, float],
          milp_cost: dict[str, float], mip_gap: float) -> BlockResult:
    """The cheaper of the MILP's lines and the seed (if it is a plan of the block), with the better bound."""
    ids = [i.item_id for i in batch.items]
    seed_total = sum(seed_cost[i] for i in ids)
    if milp is None:
        # optimal as the MILP means it: within mip_gap of the bound
        status = "optimal" if seed_total - relaxed_bound <= mip_gap * max(abs(seed_total), 1e-9) else "heuristic"
        lines = tuple(batch.seed) if batch.seed_valid else None
        return BlockResult(batch.name, tuple(ids), _mode(batch.items, batch.enforce), batch.seed_source, status,
                           seed_total, relaxed_bound, _relative(seed_total, relaxed_bound), 0.0, lines)
    bound = max(milp.bound, relaxed_bound)
    lines = milp.lines
    if batch.seed_valid and (lines is None or seed_total < sum(milp_cost[i] for i in ids)):
        lines = tuple(batch.seed)
    return replace(milp, bound=bound, lines=lines)


def _relative(cost: float, bound: float) -> float:
    return max(cost - bound, 0.0) / max(abs(cost), 1e-9) if math.isfinite(bound) else math.inf


def _mode(items: Sequence[ItemProblem], enforce: bool) -> str:
    coupled = any(o.min_order_value > 0 for i in items for o in i.offers)
    return ("enforced" if enforce else "relaxed") if coupled else "none"


def _solve_batches(batches: list[_Batch], rates: CostRates, budget: Budget, workers: int,
                   mip_gap: float) -> list[BlockResult]:
    """Solves batches in threads (HiGHS releases the GIL), each with the node budget; the results
    come back in the batches' order whatever order the threads finish in. The wall clock stops a
    batch only at the deadline, and none starts after it."""

    def run(batch: _Batch) -> BlockResult:
        limit = budget.seconds_left()
        if limit <= 0.0:
            return _not_solved(batch.name, batch.items)
        return solve_block(batch.name, batch.items, rates, batch.enforce, OrderDayValues(), limit, mip_gap, batch.seed)

    results = _in_threads(run, batches, workers)
    if any(r.status in ("time_limit", "not_solved") for r in results):
        budget.note_wall_clock()
    return results


def solve_block(name: str, items: Sequence[ItemProblem], rates: CostRates, enforce: bool, placed: OrderDayValues,
                time_limit_s: float, mip_gap: float, start: Sequence[Line] = ()) -> BlockResult:
    """One block's MILP, seeded with ``start``, stopped by the node budget (or the safety net)."""
    model = build_model(items, rates, enforce, placed, start)
    outcome = solve(model.program, time_limit_s, mip_gap, model.start(start) if start else None, MAX_NODES)
    log.debug("block %s: %d items, %d columns, %s in %.2fs", name, len(items), model.program.num_cols,
              outcome.status, outcome.seconds)
    lines = None if outcome.values is None else tuple(model.lines(outcome.values))
    return BlockResult(name, tuple(i.item_id for i in items), _mode(items, enforce), outcome.solver, outcome.status,
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


def _repair(group: list[ItemProblem], lines: dict[str, list[Line] | None], rates: CostRates, budget: Budget,
            mip_gap: float, name: str, baseline: dict[str, list[Line]], fallback: list[str],
            work: float) -> list[BlockResult]:
    """Re-solves the items whose lines miss a minimum order value, with it enforced, one by one.

    The items to re-solve are closed under "shares a short order day with", so every order
    day left to fixed items is either empty or already meets the minimum. Items go one after
    another, the largest purchase value first, each seeing the lines of fixed items and of
    items re-solved before it as placed value. The MILP re-solves items while their estimated
    work fits ``work`` and the budget; an item beyond it, or whose re-solve finds nothing, takes
    the lot-sizing plan whose lines meet the minimum with the value already placed (also the
    re-solve's seed), and if there is none its plain MRP lines (later items see them as
    placed value too; a day they leave short is counted in the summary). An item the first
    step left without lines keeps its plain MRP lines from the start. One hard item never
    costs the others their savings.
    """
    for item in group:
        if lines.get(item.item_id) is None:
            fallback.append(item.item_id)
            lines[item.item_id] = list(baseline.get(item.item_id, []))
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
    by_id = {i.item_id: i for i in group}
    value = {item_id: sum(l.quantity * l.unit_price for l in current[item_id]) for item_id in free}
    results = []
    used = 0.0
    placed = order_day_values([l for other, ls in current.items() if other not in free for l in ls])
    for n, item_id in enumerate(sorted(free, key=lambda i: (-value[i], i))):
        item = by_id[item_id]
        block = f"{name}.{n + 1}"
        result = None
        costing = costing_work(item, len(item.need_days))
        seed_work = lot_sizing_work(item) + WORK_PER_RECURSION_STEP * receipt_work(item) + 2 * costing
        alone = _repair_seed(item, rates, placed) if budget.afford(seed_work) else None
        milp_work = WORK_PER_MILP_COLUMN * estimated_columns(item) + costing
        if used + milp_work <= work and budget.afford(milp_work):
            used += milp_work
            limit = budget.seconds_left()
            result = (solve_block(block, [item], rates, True, OrderDayValues(dict(placed)), limit, mip_gap,
                                  alone or current[item_id])
                      if limit > 0.0 else _not_solved(block, [item]))
        else:
            budget.stopped_by = budget.stopped_by or "work_limit"
        if result is None or result.lines is None:
            if result is None:
                result = BlockResult(block, (item_id,), "enforced", "lot-sizing", "heuristic" if alone else "infeasible",
                                     math.nan, -math.inf, math.nan, 0.0, tuple(alone) if alone else None)
            elif alone:
                result = replace(result, lines=tuple(alone))
        results.append(result)
        if result.lines is None:
            fallback.append(item_id)
            current[item_id] = list(baseline.get(item_id, []))
        else:
            current[item_id] = list(result.lines)
        lines[item_id] = current[item_id]
        for key, added in order_day_values(current[item_id]).items():
            placed[key] += added
    return results


def _repair_seed(item: ItemProblem, rates: CostRates, placed: dict[tuple[str, int], float]) -> list[Line] | None:
    """The cheaper of the lot-sizing plan and the receipts recursion's plan whose lines meet every
    minimum order value with the value already ``placed`` (None: neither exists)."""
    alone = lot_sizing_lines(item, rates, placed)
    upper = _costs([item], alone, rates)[item.item_id] if alone else math.inf
    found = receipt_plan(item, rates, placed, upper)
    if found is None or any(item.is_rejected(l.offer, l.order_day) for l in found):
        return alone
    minimum = {l.offer.supplier_id: l.offer.min_order_value for l in found}
    if any(placed.get(key, 0.0) + value < minimum[key[0]] - 1e-6 for key, value in order_day_values(found).items()):
        return alone
    if _costs([item], list(found), rates)[item.item_id] < upper - 1e-9 * max(abs(upper), 1.0):
        return list(found)
    return alone


def _not_solved(name: str, items: Sequence[ItemProblem]) -> BlockResult:
    nan = float("nan")
    return BlockResult(name, tuple(i.item_id for i in items), "none", "none", "not_solved", nan, -math.inf, nan, 0.0,
                       None)


def _min_value(lines: Sequence[Line], supplier_id: str) -> float:
    return next(l.offer.min_order_value for l in lines if l.offer.supplier_id == supplier_id)
