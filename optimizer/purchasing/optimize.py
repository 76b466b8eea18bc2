"""The purchasing optimiser's entry point: data in, data out (spec, "Purchasing optimisation").

It never returns a plan that costs more than the plain MRP plan: per group of coupled
items, the better of the optimised lines and the baseline lines (fewer units short, then
cheaper, both costed by :func:`optimizer.purchasing.cost.evaluate`) becomes the suggestion; a block with no plan
that meets its rules falls back to the baseline (in a large coupled group, only the item
that has none). One exception: plain MRP knows no minimum
order values, and a baseline that misses one is not a plan a supplier accepts, so it never
replaces optimised lines that meet them (its cost is still reported, and the saving may
then be negative).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings, is_counted
from mrp.plan import PLAN_COLUMNS
from optimizer.purchasing.aml import Part, aml_parts, split_orders, split_pegs
from optimizer.purchasing.baseline import baseline_lines
from optimizer.purchasing.lastbuy import last_time_buy_exceptions, last_time_buys
from optimizer.purchasing.blocks import components, short_of_min_order_value, solve_all
from optimizer.purchasing.budget import WORK_PER_EXPLAINED_LINE, WORK_PER_PLANNED_ORDER, WORK_PER_SECOND, Budget
from optimizer.purchasing.cost import CostParts, Evaluation, Line, costing_work, evaluate
from optimizer.purchasing.data import CostRates, ItemProblem, build_needs, build_offers, rejected_lines
from optimizer.purchasing.explain import REASON_COLUMNS, explain, line_demands

log = logging.getLogger(__name__)
SUGGESTION_COLUMNS = (*PLAN_COLUMNS["purchase_suggestions"], *REASON_COLUMNS)
COVERAGE_COLUMNS = ("item_id", "need_date", "receipt_date", "quantity")
SUGGESTION_PEG_COLUMNS = ("suggestion_id", "item_id", "customer_id", "demand_id", "quantity")


@dataclass
class PurchasingResult:
    """Suggested purchase lines with their reasons, exceptions, the matching, the summary, and
    how much of each line serves each demand (``pegs``: :data:`SUGGESTION_PEG_COLUMNS`, from
    :func:`~optimizer.purchasing.explain.line_demands`; its ids are categoricals)."""

    suggestions: pd.DataFrame
    exceptions: pd.DataFrame
    coverage: pd.DataFrame
    summary: dict
    pegs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(SUGGESTION_PEG_COLUMNS)))


def optimize_purchasing(requirements: pd.DataFrame, planned_orders: pd.DataFrame, offers: pd.DataFrame,
                        suppliers: pd.DataFrame, items: pd.DataFrame, settings: PlanSettings, *,
                        requirement_pegs: pd.DataFrame | None = None, time_limit_s: float | None = 60.0,
                        work_limit: float | None = None, workers: int = 1, mip_gap: float = 1e-4,
                        rejected: pd.DataFrame | None = None,
                        approved_mpns: pd.DataFrame | None = None) -> PurchasingResult:
    """Order lines covering the buy items' net requirements at least plan cost, within the limits.

    ``requirements``: item_id, date, quantity (net, L4L); ``planned_orders``: MRP's planned
    orders of buy items (order_id, item_id, quantity, release_date, due_date), the baseline;
    ``offers``/``suppliers``/``items``: tables of :mod:`mrp.dataset`; ``requirement_pegs``
    (item_id, date, demand_id, customer_id, quantity): which demands a requirement serves.
    ``work_limit`` (work units, :mod:`optimizer.purchasing.budget`; None: ``WORK_PER_SECOND ×
    time_limit_s``) decides how far the stage gets; ``time_limit_s`` (None: none) is the wall-clock
    safety net over everything the stage does. ``rejected`` (item_id, supplier_id, mpn,
    order_date): lines of that offer ordered on that date are not suggested; the need is covered
    another way or reported short. ``approved_mpns`` (customer_id, item_id, mpn): the customers'
    approved manufacturer lists (:mod:`optimizer.purchasing.aml`). Never raises for reaching a limit: items not planned keep the
    plain MRP lines.
    """
    started = time.monotonic()
    if work_limit is None and time_limit_s is not None:
        work_limit = WORK_PER_SECOND * time_limit_s
    budget = Budget(work_limit, time_limit_s)
    rates = CostRates.from_settings(settings)
    needs = build_needs(requirements, settings)
    offers_by_item = build_offers(offers, suppliers, items)
    refused = rejected_lines(rejected, settings)
    counted = {str(r.item_id): is_counted(r.uom) for r in items.itertuples()}
    parts = aml_parts(needs, offers_by_item, approved_mpns, requirement_pegs, counted, settings)
    planned_orders = split_orders(planned_orders, parts, counted, settings)
    requirement_pegs = split_pegs(requirement_pegs, parts)
    ltb = last_time_buys(parts, items, offers, rates, settings, refused)
    planned_orders = ltb.planned_orders(planned_orders, settings)
    requirement_pegs = ltb.pegs(requirement_pegs, settings)
    problems = [ItemProblem(p.key, p.need_days, p.need_qty, p.offers,
                            refused.get(p.item_id, frozenset()) | ltb.closed.get(p.key, frozenset()))
                for item_id, ps in ltb.parts.items() if item_id in offers_by_item for p in ps if p.offers]
    unapproved = [p for ps in parts.values() for p in ps if p.offered and not p.offers]
    by_part = {p.key: p for ps in ltb.parts.values() for p in ps} | {p.key: p for p in ltb.bought}
    by_id = {p.item_id: p for p in problems}
    last_buys = [ItemProblem(p.key, p.need_days, p.need_qty, p.offers, refused.get(p.item_id, frozenset()))
                 for p in ltb.bought]
    ltb_eval = _costed(last_buys, ltb.lines, rates, budget) if ltb.lines else None
    ltb_cost = ltb_eval.total() if ltb_eval is not None else CostParts()
    by_id.update({p.item_id: p for p in last_buys})

    budget.charge(WORK_PER_PLANNED_ORDER * len(planned_orders))
    plain = {p.item_id: replace(p, rejected=ltb.closed.get(p.item_id, frozenset())) if p.rejected else p
             for p in problems}
    unconstrained = baseline_lines(planned_orders, plain, rates, settings)
    mrp_eval = _costed(problems, unconstrained, rates, budget)
    baseline, base_eval = unconstrained, mrp_eval
    if refused:  # the fallback must not suggest a rejected line: the baseline of those items again, with rejections
        touched = [p for p in problems if by_part[p.item_id].item_id in refused]
        again = baseline_lines(planned_orders[planned_orders.item_id.isin([p.item_id for p in touched])],
                               {p.item_id: p for p in touched}, rates, settings)
        baseline, base_eval = _merged(mrp_eval, unconstrained, _costed(touched, again, rates, budget), again,
                                      {p.item_id for p in touched})
    log.debug("plain MRP plan: %d lines costed, %.0f work units, %.1f s", len(baseline), budget.used,
              time.monotonic() - started)
    seeds: dict[str, list[Line]] = {}
    for line in baseline:
        seeds.setdefault(line.item_id, []).append(line)
    final_work = WORK_PER_EXPLAINED_LINE * len(baseline) + sum(costing_work(p, len(seeds.get(p.item_id, [])))
                                                                for p in problems)
    budget.charge(WORK_PER_EXPLAINED_LINE * len(baseline))  # kept for the suggestions table
    budget.keep_seconds(final_work / WORK_PER_SECOND)  # the wall-clock time that table and its costing need
    outcome = solve_all(problems, rates, budget, workers, mip_gap, seeds,
                        {i: c.total for i, c in base_eval.costs.items()})
    solved, blocks = outcome.lines, outcome.blocks
    solve_seconds = time.monotonic() - started
    log.debug("solved: %.0f work units, %.1f s", budget.used, solve_seconds)
    changed = [p for p in problems if solved.get(p.item_id) is not None and solved[p.item_id] != seeds.get(p.item_id, [])]
    optimised = [line for p in changed for line in solved[p.item_id]]
    opt_eval = _costed(changed, optimised, rates, budget)
    unchanged = {p.item_id for p in problems if solved.get(p.item_id) is not None} - {p.item_id for p in changed}

    base_index: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(baseline):
        base_index[line.item_id].append(index)
    short = {"opt": _short_by_item(opt_eval), "base": _short_by_item(base_eval)}
    chosen_cost = CostParts()
    fallbacks = 0
    mine: set[str] = set()  # items whose optimised lines are suggested
    kept_plain = set(outcome.fallback_items)  # items of large groups that kept the plain MRP lines
    planned = 0
    for group in components(problems):
        ids = [p.item_id for p in group]
        own = [i for i in ids if i not in unchanged]
        kept = [i for i in ids if i in unchanged]
        base_lines = [baseline[k] for i in ids for k in base_index[i]]
        if all(solved.get(i) is not None for i in ids) and (not own or _better(
                opt_eval, base_eval, own, short, bool(short_of_min_order_value(base_lines)))):
            planned += len([i for i in ids if i not in kept_plain])
            mine.update(own)
            chosen_cost = chosen_cost + opt_eval.total(own) + base_eval.total(kept)
        else:
            fallbacks += 1
            chosen_cost = chosen_cost + base_eval.total(ids)
    lines, pairs_frame, shortage_frame = _assemble(optimised, opt_eval, baseline, base_eval, mine)
    if ltb_eval is not None:  # the last-time buys: the same lines in the optimised and the plain MRP plan
        pairs_frame = pd.concat([pairs_frame, ltb_eval.pairs.assign(line=ltb_eval.pairs.line + len(lines))],
                                ignore_index=True)
        shortage_frame = pd.concat([shortage_frame, ltb_eval.shortage], ignore_index=True)
        lines = lines + list(ltb.lines)
        chosen_cost = chosen_cost + ltb_cost

    log.debug("chosen: %.0f work units, %.1f s", budget.used, time.monotonic() - started)
    suggestions, suggestion_pegs = _suggestions(lines, pairs_frame, by_id, rates, settings, requirement_pegs, by_part)
    exceptions = _exceptions(shortage_frame, [i for i in needs if i not in offers_by_item], needs, settings, by_id,
                             by_part, unapproved, last_time_buy_exceptions(ltb, settings), suggestions, refused)
    coverage = _coverage(lines, pairs_frame, settings, by_part)
    mrp_cost = mrp_eval.total() + ltb_cost
    bound = sum(b.bound for b in blocks if not b.block.startswith("R"))
    fallback_items = sorted(set(outcome.fallback_items) | {p.item_id for p in problems if solved.get(p.item_id) is None})
    summary = {
        "optimised_cost": round(chosen_cost.total, 6),
        "mrp_cost": round(mrp_cost.total, 6),
        "saving": round(mrp_cost.total - chosen_cost.total, 6),
        "saving_pct": round(100.0 * (mrp_cost.total - chosen_cost.total) / mrp_cost.total, 4) if mrp_cost.total > 0 else 0.0,
        "optimised_cost_parts": chosen_cost.as_dict(),
        "mrp_cost_parts": mrp_cost.as_dict(),
        "lower_bound": round(bound, 6) if math.isfinite(bound) else None,
        "gap": _gap(chosen_cost.total, bound),
        "status": _status(blocks, fallbacks + len(outcome.fallback_items), budget.stopped_by),
        "stopped_by": budget.stopped_by,
        "cut": _cut(budget, planned, len(problems)),
        "work_limit": work_limit,
        "work_used": round(budget.used),
        "blocks": [b.as_dict() for b in blocks],
        "fallback_groups": fallbacks,
        "fallback_items": fallback_items,
        "rejected_lines": sum(len(refused.get(i, ())) for i in dict.fromkeys(by_part[p.item_id].item_id
                                                                             for p in problems)),
        "solve_seconds": round(solve_seconds, 3),
        "seconds": round(time.monotonic() - started, 3),
        "items": len(problems),
        "lines": len(lines),
        "shortage_qty": (float(shortage_frame.quantity.sum()) if len(shortage_frame) else 0.0)
                        + sum(float(p.need_qty.sum()) for p in unapproved),
        "no_offer_items": len(needs) - len(problems),
        "min_order_value_short_days": len(short_of_min_order_value(lines)),
        "mrp_min_order_value_short_days": len(short_of_min_order_value(unconstrained)),
    }
    return PurchasingResult(suggestions, exceptions, coverage, summary, suggestion_pegs)


def _costed(items: Sequence[ItemProblem], lines: Sequence[Line], rates: CostRates, budget: Budget) -> Evaluation:
    """:func:`evaluate`, its work booked (costing the plan is done whatever the limit)."""
    count: dict[str, int] = {}
    for line in lines:
        count[line.item_id] = count.get(line.item_id, 0) + 1
    budget.charge(sum(costing_work(i, count.get(i.item_id, 0)) for i in items))
    return evaluate(items, lines, rates)


def _merged(base: Evaluation, base_lines: Sequence[Line], again: Evaluation, again_lines: Sequence[Line],
            ids: set[str]) -> tuple[list[Line], Evaluation]:
    """``base`` with the items ``ids`` replaced by ``again``: the lines and their costing."""
    keep = np.array([line.item_id not in ids for line in base_lines], dtype=bool)
    position = np.cumsum(keep) - 1
    pairs = base.pairs.loc[~base.pairs.item_id.isin(ids)]
    pairs = pairs.assign(line=position[pairs.line.to_numpy(dtype=np.int64)])
    lines = [line for line, k in zip(base_lines, keep) if k] + list(again_lines)
    return lines, Evaluation(
        {**{k: v for k, v in base.costs.items() if k not in ids}, **again.costs},
        pd.concat([pairs, again.pairs.assign(line=again.pairs.line + int(keep.sum()))], ignore_index=True),
        pd.concat([base.shortage.loc[~base.shortage.item_id.isin(ids)], again.shortage], ignore_index=True))


def _assemble(optimised: Sequence[Line], opt_eval: Evaluation, baseline: Sequence[Line], base_eval: Evaluation,
              mine: set[str]) -> tuple[list[Line], pd.DataFrame, pd.DataFrame]:
    """The suggested lines (the optimised ones of ``mine``, the baseline's of every other item),
    their matching renumbered to them, and what stays short."""
    opt_keep = np.array([line.item_id in mine for line in optimised], dtype=bool)
    base_keep = np.array([line.item_id not in mine for line in baseline], dtype=bool)
    lines = [l for l, k in zip(optimised, opt_keep) if k] + [l for l, k in zip(baseline, base_keep) if k]
    opt_pos = np.cumsum(opt_keep) - 1
    base_pos = np.cumsum(base_keep) - 1 + int(opt_keep.sum())
    opt_pairs = opt_eval.pairs.loc[opt_eval.pairs.item_id.isin(mine)]
    base_pairs = base_eval.pairs.loc[~base_eval.pairs.item_id.isin(mine)]
    pairs = pd.concat([opt_pairs.assign(line=opt_pos[opt_pairs.line.to_numpy(dtype=np.int64)]),
                       base_pairs.assign(line=base_pos[base_pairs.line.to_numpy(dtype=np.int64)])], ignore_index=True)
    shortage = pd.concat([opt_eval.shortage.loc[opt_eval.shortage.item_id.isin(mine)],
                          base_eval.shortage.loc[~base_eval.shortage.item_id.isin(mine)]], ignore_index=True)
    return lines, pairs, shortage


def _short_by_item(evaluation: Evaluation) -> dict[str, float]:
    frame = evaluation.shortage
    return frame.groupby("item_id").quantity.sum().to_dict() if len(frame) else {}


def _better(opt: Evaluation, base: Evaluation, ids: Sequence[str], short: dict[str, dict[str, float]],
            base_misses_min_order_value: bool) -> bool:
    """The optimised lines of ``ids`` replace the baseline's when they leave fewer units short, or as
    few and cost no more; a baseline that misses a minimum order value never wins on cost."""
    short_opt = sum(short["opt"].get(i, 0.0) for i in ids)
    short_base = sum(short["base"].get(i, 0.0) for i in ids)
    if short_opt < short_base - 1e-9:
        return True
    if short_opt > short_base + 1e-9:
        return False
    cost_opt, cost_base = opt.total(ids).total, base.total(ids).total
    return cost_opt <= cost_base + 1e-9 * max(1.0, cost_base) or base_misses_min_order_value


def _cut(budget: Budget, planned: int, total: int) -> str | None:
    """The buyer's sentence when a limit stopped the stage."""
    if budget.stopped_by is None:
        return None
    limit = "work limit" if budget.stopped_by == "work_limit" else "time limit (wall clock)"
    left = total - planned
    return (f"purchasing stopped at its {limit} after planning {planned:,} of {total:,} items; "
            f"the other {left:,} use the plain MRP lines, so the saving is understated")


def _gap(cost: float, bound: float) -> float | None:
    if not math.isfinite(bound) or cost <= 0:
        return None if not math.isfinite(bound) else 0.0
    return round(max(cost - bound, 0.0) / cost, 6)


def _status(blocks: list, fallbacks: int, stopped_by: str | None) -> str:
    """fallback (some lines are plain MRP's), time_limit (the wall clock cut work short),
    work_limit (the work limit or a block's node budget stopped work, or a block kept the
    lot-sizing plan), optimal."""
    if fallbacks:
        return "fallback"
    if stopped_by == "wall_clock":
        return "time_limit"
    if stopped_by == "work_limit":
        return "work_limit"
    if any(b.status != "optimal" for b in blocks):
        return "work_limit"
    return "optimal"


def _suggestions(lines: list[Line], pairs: pd.DataFrame, items: dict[str, ItemProblem], rates: CostRates,
                 settings: PlanSettings, pegs: pd.DataFrame | None,
                 parts: dict[str, Part]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The suggestions table, and how much of each suggestion serves each demand (its ids
    categorical: one row per suggestion and demand it serves, millions at 150,000 demand lines)."""
    as_of = pd.Timestamp(settings.as_of)
    base = pd.DataFrame({
        "item_id": [parts[l.item_id].item_id for l in lines],
        "supplier_id": [l.offer.supplier_id for l in lines],
        "mpn": [l.offer.mpn for l in lines],
        "quantity": [l.quantity for l in lines],
        "order_date": as_of + pd.to_timedelta(np.array([l.order_day for l in lines], dtype=np.int64), unit="D"),
        "receipt_date": as_of + pd.to_timedelta(np.array([l.arrival_day for l in lines], dtype=np.int64), unit="D"),
        "unit_price": [l.unit_price for l in lines],
        "extended_price": [l.quantity * l.unit_price for l in lines],
        "from_stock": [l.from_stock for l in lines],
    })
    base["order_date"] = pd.to_datetime(base.order_date).astype("datetime64[ns]")
    base["receipt_date"] = pd.to_datetime(base.receipt_date).astype("datetime64[ns]")
    served = line_demands(pairs, items, pegs, settings)
    frame = pd.concat([base, explain(lines, pairs, items, rates, settings, served)], axis=1)
    notes = [parts[l.item_id].note() for l in lines]
    frame["reason"] = [f"{n}; {r}" if n else r for n, r in zip(notes, frame.reason)]
    frame["line"] = np.arange(len(frame), dtype=np.int64)
    frame = frame.sort_values(["supplier_id", "order_date", "item_id", "mpn", "from_stock", "quantity"],
                              kind="stable", ignore_index=True)
    frame.insert(0, "suggestion_id", [f"PS{n:05d}" for n in range(1, len(frame) + 1)])
    position = np.empty(len(frame), dtype=np.int32)  # each line's row in the sorted table
    position[frame.line.to_numpy(dtype=np.int64)] = np.arange(len(frame), dtype=np.int32)
    item_code, item_ids = pd.factorize(pd.Series([parts[l.item_id].item_id for l in lines], dtype=object))
    line = served.line.to_numpy(dtype=np.int64)
    suggestion_pegs = pd.DataFrame({
        "suggestion_id": pd.Categorical.from_codes(position[line], categories=pd.Index(frame.suggestion_id, dtype="str"),
                                                   validate=False),
        "item_id": pd.Categorical.from_codes(item_code[line], categories=pd.Index(item_ids, dtype="str"), validate=False),
        "customer_id": served.customer_id, "demand_id": served.demand_id,
        "quantity": served.quantity.to_numpy(dtype=float)})
    return frame[list(SUGGESTION_COLUMNS)], suggestion_pegs


def _exceptions(shortage: pd.DataFrame, no_offer: list[str], needs: dict, settings: PlanSettings,
                items: dict[str, ItemProblem], parts: dict[str, Part], unapproved: list[Part],
                last_buys: list[dict], suggestions: pd.DataFrame, refused: dict) -> pd.DataFrame:
    as_of = pd.Timestamp(settings.as_of)
    dates = (as_of + pd.to_timedelta(shortage.need_day.to_numpy(dtype=np.int64), unit="D")).tolist()
    rows = [{"type": "shortage", "item_id": parts[r.item_id].item_id, "ref_id": "", "date": date,
             "quantity": float(r.quantity),
             "message": f"no offer can deliver {r.quantity:g} needed on this day (allocation caps or shelf stock "
                        f"exhausted{', lines rejected' if parts[r.item_id].item_id in refused else ''})"}
            for r, date in zip(shortage.itertuples(index=False), dates)]
    for part in unapproved:
        rows.extend(_unapproved(part, as_of))
    bought = suggestions.loc[suggestions.reason.str.startswith("last-time")] if last_buys else suggestions
    for row in last_buys:  # the suggestion that is the last-time buy
        found = bought.loc[(bought.item_id == row["item_id"]) & (bought.order_date == row["date"])
                           & (bought.quantity == row["quantity"])]
        rows.append({**row, "ref_id": found.suggestion_id.iloc[0] if len(found) else ""})
    for item_id in sorted(no_offer):
        days, qty = needs[item_id]
        rows.append({"type": "no_offer", "item_id": item_id, "ref_id": "", "date": as_of + pd.Timedelta(days=int(days[0])),
                     "quantity": float(qty.sum()),
                     "message": f"net requirement of {qty.sum():g} from this day on but no supplier offer"})
    frame = pd.DataFrame(rows, columns=list(PLAN_COLUMNS["exceptions"]))
    frame["date"] = pd.to_datetime(frame.date).astype("datetime64[ns]")
    return frame.sort_values(["type", "item_id", "date"], kind="stable", ignore_index=True)


def _unapproved(part: Part, as_of: pd.Timestamp) -> list[dict]:
    """Exception ``no_approved_offer`` for a part no offer may cover, and its needs as shortages."""
    who = ", ".join(c or "(no customer)" for c in part.customers)
    accepted = ", ".join(sorted(part.accepted or ()))
    offered = ", ".join(sorted({f"{o.supplier_id} {o.mpn}" for o in part.offered}))
    message = f"customer(s) {who} accept only MPN(s) {accepted}; offered: {offered}"
    rows = [{"type": "no_approved_offer", "item_id": part.item_id, "ref_id": part.item_id,
             "date": as_of + pd.Timedelta(days=int(part.need_days[0])), "quantity": float(part.need_qty.sum()),
             "message": f"net requirement of {part.need_qty.sum():g} from this day on: {message}"}]
    rows.extend({"type": "shortage", "item_id": part.item_id, "ref_id": "", "date": as_of + pd.Timedelta(days=int(d)),
                 "quantity": float(q), "message": f"no approved offer: {message}"}
                for d, q in zip(part.need_days.tolist(), part.need_qty.tolist()))
    return rows


def _coverage(lines: list[Line], pairs: pd.DataFrame, settings: PlanSettings, parts: dict[str, Part]) -> pd.DataFrame:
    as_of = pd.Timestamp(settings.as_of)
    matched = pairs.loc[pairs.need_day >= 0]
    if matched.empty:
        return pd.DataFrame({"item_id": pd.Series(dtype=object), "need_date": pd.Series(dtype="datetime64[ns]"),
                             "receipt_date": pd.Series(dtype="datetime64[ns]"), "quantity": pd.Series(dtype=float)})
    arrival = [lines[int(i)].arrival_day for i in matched.line]
    frame = pd.DataFrame({
        "item_id": [parts[i].item_id for i in matched.item_id.tolist()],
        "need_date": as_of + pd.to_timedelta(matched.need_day.to_numpy(dtype="int64"), unit="D"),
        "receipt_date": as_of + pd.to_timedelta(arrival, unit="D"),
        "quantity": matched.quantity.to_numpy(dtype=float),
    })
    frame = frame.groupby(["item_id", "need_date", "receipt_date"], as_index=False, sort=True).quantity.sum()
    return frame[list(COVERAGE_COLUMNS)]
