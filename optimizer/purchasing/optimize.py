"""The purchasing optimiser's entry point: data in, data out (spec, "Purchasing optimisation").

It never returns a plan that costs more than the plain MRP plan: per group of coupled
items, the cheaper of the optimised lines and the baseline lines (both costed by
:func:`optimizer.purchasing.cost.evaluate`) becomes the suggestion; a block with no plan
that meets its rules falls back to the baseline (in a large coupled group, only the item
that has none). One exception: plain MRP knows no minimum
order values, and a baseline that misses one is not a plan a supplier accepts, so it never
replaces optimised lines that meet them (its cost is still reported, and the saving may
then be negative).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from mrp.dataset import PlanSettings
from mrp.plan import PLAN_COLUMNS
from optimizer.purchasing.baseline import baseline_lines
from optimizer.purchasing.blocks import components, short_of_min_order_value, solve_all
from optimizer.purchasing.cost import CostParts, Evaluation, Line, evaluate
from optimizer.purchasing.data import CostRates, ItemProblem, build_needs, build_offers
from optimizer.purchasing.explain import REASON_COLUMNS, explain

SUGGESTION_COLUMNS = (*PLAN_COLUMNS["purchase_suggestions"], *REASON_COLUMNS)
COVERAGE_COLUMNS = ("item_id", "need_date", "receipt_date", "quantity")


@dataclass
class PurchasingResult:
    """Suggested purchase lines with their reasons, exceptions, the matching, and the summary."""

    suggestions: pd.DataFrame
    exceptions: pd.DataFrame
    coverage: pd.DataFrame
    summary: dict


def optimize_purchasing(requirements: pd.DataFrame, planned_orders: pd.DataFrame, offers: pd.DataFrame,
                        suppliers: pd.DataFrame, items: pd.DataFrame, settings: PlanSettings, *,
                        requirement_pegs: pd.DataFrame | None = None, time_limit_s: float = 60.0,
                        workers: int = 1, mip_gap: float = 1e-4) -> PurchasingResult:
    """Order lines covering the buy items' net requirements at least plan cost.

    ``requirements``: item_id, date, quantity (net, L4L); ``planned_orders``: MRP's planned
    orders of buy items (order_id, item_id, quantity, release_date, due_date), the baseline;
    ``offers``/``suppliers``/``items``: tables of :mod:`mrp.dataset`; ``requirement_pegs``
    (item_id, date, demand_id, customer_id, quantity): which demands a requirement serves.
    """
    started = time.monotonic()
    rates = CostRates.from_settings(settings)
    needs = build_needs(requirements, settings)
    offers_by_item = build_offers(offers, suppliers, items)
    problems = [ItemProblem(item_id, days, qty, offers_by_item[item_id])
                for item_id, (days, qty) in needs.items() if item_id in offers_by_item]
    by_id = {p.item_id: p for p in problems}

    baseline = baseline_lines(planned_orders, by_id, rates, settings)
    seeds: dict[str, list[Line]] = {}
    for line in baseline:
        seeds.setdefault(line.item_id, []).append(line)
    outcome = solve_all(problems, rates, time_limit_s, workers, mip_gap, seeds)
    solved, blocks = outcome.lines, outcome.blocks
    solve_seconds = time.monotonic() - started
    optimised = [line for p in problems for line in (solved.get(p.item_id) or [])]
    base_eval = evaluate(problems, baseline, rates)
    opt_eval = evaluate([p for p in problems if solved.get(p.item_id) is not None], optimised, rates)

    lines: list[Line] = []
    pairs: list[pd.DataFrame] = []
    shortage: list[pd.DataFrame] = []
    chosen_cost = CostParts()
    fallbacks = 0
    for group in components(problems):
        ids = [p.item_id for p in group]
        base_lines = [line for line in baseline if line.item_id in set(ids)]
        use_optimised = (all(solved.get(i) is not None for i in ids)
                         and _short(opt_eval, ids) <= _short(base_eval, ids) + 1e-9
                         and (opt_eval.total(ids).total <= base_eval.total(ids).total + 1e-9 * max(1.0, base_eval.total(ids).total)
                              or bool(short_of_min_order_value(base_lines))))
        fallbacks += not use_optimised
        source, evaluation = (optimised, opt_eval) if use_optimised else (baseline, base_eval)
        chosen_cost = chosen_cost + evaluation.total(ids)
        _take(ids, source, evaluation, lines, pairs, shortage)
    pairs_frame = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=["item_id", "line", "need_day", "quantity"])
    shortage_frame = pd.concat(shortage, ignore_index=True) if shortage else pd.DataFrame(columns=["item_id", "need_day", "quantity"])

    suggestions = _suggestions(lines, pairs_frame, by_id, rates, settings, requirement_pegs)
    exceptions = _exceptions(shortage_frame, [i for i in needs if i not in offers_by_item], needs, settings)
    coverage = _coverage(lines, pairs_frame, settings)
    mrp_cost = base_eval.total()
    bound = sum(b.bound for b in blocks if not b.block.startswith("R"))
    summary = {
        "optimised_cost": round(chosen_cost.total, 6),
        "mrp_cost": round(mrp_cost.total, 6),
        "saving": round(mrp_cost.total - chosen_cost.total, 6),
        "saving_pct": round(100.0 * (mrp_cost.total - chosen_cost.total) / mrp_cost.total, 4) if mrp_cost.total > 0 else 0.0,
        "optimised_cost_parts": chosen_cost.as_dict(),
        "mrp_cost_parts": mrp_cost.as_dict(),
        "lower_bound": round(bound, 6) if math.isfinite(bound) else None,
        "gap": _gap(chosen_cost.total, bound),
        "status": _status(blocks, fallbacks + len(outcome.fallback_items), outcome.stopped_by_wall_clock),
        "stopped_by_wall_clock": outcome.stopped_by_wall_clock,
        "blocks": [b.as_dict() for b in blocks],
        "fallback_groups": fallbacks,
        "fallback_items": list(outcome.fallback_items),
        "solve_seconds": round(solve_seconds, 3),
        "seconds": round(time.monotonic() - started, 3),
        "items": len(problems),
        "lines": len(lines),
        "shortage_qty": float(shortage_frame.quantity.sum()) if len(shortage_frame) else 0.0,
        "no_offer_items": len(needs) - len(problems),
        "min_order_value_short_days": len(short_of_min_order_value(lines)),
        "mrp_min_order_value_short_days": len(short_of_min_order_value(baseline)),
    }
    return PurchasingResult(suggestions, exceptions, coverage, summary)


def _short(evaluation: Evaluation, ids: Sequence[str]) -> float:
    frame = evaluation.shortage
    return float(frame.loc[frame.item_id.isin(ids), "quantity"].sum()) if len(frame) else 0.0


def _take(ids: list[str], source: list[Line], evaluation: Evaluation, lines: list[Line],
          pairs: list[pd.DataFrame], shortage: list[pd.DataFrame]) -> None:
    """Appends the lines of ``ids`` from ``source`` with their pairs renumbered."""
    wanted = set(ids)
    renumber = {}
    for index, line in enumerate(source):
        if line.item_id in wanted:
            renumber[index] = len(lines)
            lines.append(line)
    mine = evaluation.pairs.loc[evaluation.pairs.item_id.isin(wanted)]
    pairs.append(mine.assign(line=mine.line.map(renumber)))
    shortage.append(evaluation.shortage.loc[evaluation.shortage.item_id.isin(wanted)])


def _gap(cost: float, bound: float) -> float | None:
    if not math.isfinite(bound) or cost <= 0:
        return None if not math.isfinite(bound) else 0.0
    return round(max(cost - bound, 0.0) / cost, 6)


def _status(blocks: list, fallbacks: int, stopped_by_wall_clock: bool) -> str:
    """fallback (some lines are plain MRP's), time_limit (the wall clock cut work short),
    work_limit (a block stopped at its work budget or kept the lot-sizing plan), optimal."""
    if fallbacks:
        return "fallback"
    if stopped_by_wall_clock:
        return "time_limit"
    if any(b.status != "optimal" for b in blocks):
        return "work_limit"
    return "optimal"


def _suggestions(lines: list[Line], pairs: pd.DataFrame, items: dict[str, ItemProblem], rates: CostRates,
                 settings: PlanSettings, pegs: pd.DataFrame | None) -> pd.DataFrame:
    as_of = pd.Timestamp(settings.as_of)
    base = pd.DataFrame({
        "item_id": [l.item_id for l in lines],
        "supplier_id": [l.offer.supplier_id for l in lines],
        "mpn": [l.offer.mpn for l in lines],
        "quantity": [l.quantity for l in lines],
        "order_date": [as_of + pd.Timedelta(days=l.order_day) for l in lines],
        "receipt_date": [as_of + pd.Timedelta(days=l.arrival_day) for l in lines],
        "unit_price": [l.unit_price for l in lines],
        "extended_price": [l.quantity * l.unit_price for l in lines],
        "from_stock": [l.from_stock for l in lines],
    })
    base["order_date"] = pd.to_datetime(base.order_date).astype("datetime64[ns]")
    base["receipt_date"] = pd.to_datetime(base.receipt_date).astype("datetime64[ns]")
    frame = pd.concat([base, explain(lines, pairs, items, rates, settings, pegs)], axis=1)
    frame = frame.sort_values(["supplier_id", "order_date", "item_id", "mpn", "from_stock", "quantity"],
                              kind="stable", ignore_index=True)
    frame.insert(0, "suggestion_id", [f"PS{n:05d}" for n in range(1, len(frame) + 1)])
    return frame[list(SUGGESTION_COLUMNS)]


def _exceptions(shortage: pd.DataFrame, no_offer: list[str], needs: dict, settings: PlanSettings) -> pd.DataFrame:
    as_of = pd.Timestamp(settings.as_of)
    rows = [{"type": "shortage", "item_id": r.item_id, "ref_id": "", "date": as_of + pd.Timedelta(days=int(r.need_day)),
             "quantity": float(r.quantity),
             "message": f"no offer can deliver {r.quantity:g} needed on this day (allocation caps or shelf stock exhausted)"}
            for r in shortage.itertuples(index=False)]
    for item_id in sorted(no_offer):
        days, qty = needs[item_id]
        rows.append({"type": "no_offer", "item_id": item_id, "ref_id": "", "date": as_of + pd.Timedelta(days=int(days[0])),
                     "quantity": float(qty.sum()),
                     "message": f"net requirement of {qty.sum():g} from this day on but no supplier offer"})
    frame = pd.DataFrame(rows, columns=list(PLAN_COLUMNS["exceptions"]))
    frame["date"] = pd.to_datetime(frame.date).astype("datetime64[ns]")
    return frame.sort_values(["type", "item_id", "date"], kind="stable", ignore_index=True)


def _coverage(lines: list[Line], pairs: pd.DataFrame, settings: PlanSettings) -> pd.DataFrame:
    as_of = pd.Timestamp(settings.as_of)
    matched = pairs.loc[pairs.need_day >= 0]
    if matched.empty:
        return pd.DataFrame({"item_id": pd.Series(dtype=object), "need_date": pd.Series(dtype="datetime64[ns]"),
                             "receipt_date": pd.Series(dtype="datetime64[ns]"), "quantity": pd.Series(dtype=float)})
    arrival = [lines[int(i)].arrival_day for i in matched.line]
    frame = pd.DataFrame({
        "item_id": matched.item_id.to_numpy(),
        "need_date": as_of + pd.to_timedelta(matched.need_day.to_numpy(dtype="int64"), unit="D"),
        "receipt_date": as_of + pd.to_timedelta(arrival, unit="D"),
        "quantity": matched.quantity.to_numpy(dtype=float),
    })
    frame = frame.groupby(["item_id", "need_date", "receipt_date"], as_index=False, sort=True).quantity.sum()
    return frame[list(COVERAGE_COLUMNS)]
