"""One planning run: MRP, then purchasing optimisation, then SMT sequencing.

The pipeline composes the pure stages and times them; it reads no files and no clock
other than the stage timer. ``reelplan plan``, the nightly job and the API all call
:func:`run_plan`. Decisions taken on earlier plans arrive as ``pins`` and ``rejected``
(contract in :mod:`jobs.decisions`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from connectors.workbook import workbook_bytes
from mrp.dataset import Dataset
from mrp.engine import MrpResult, plan_mrp
from mrp.plan import PLAN_COLUMNS, Plan
from mrp.smt import smt_jobs
from optimizer.purchasing import WORK_PER_SECOND, PurchasingResult, optimize_purchasing
from optimizer.sequencing import SequencingResult, render_gantt, sequence_jobs

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
GANTT_NEAR_DAYS = 14
SOLVER_WORKERS = 2  # the purchasing blocks run in threads (HiGHS releases the GIL); the machines have 2 cores


@contextmanager
def _stage(name: str, timings: dict[str, float], progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(name)
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 3)
    log.info("stage %s took %.3f s", name, timings[name])


def run_plan(
    dataset: Dataset,
    *,
    optimize: bool = True,
    schedule: bool = True,
    optimize_time_limit_s: float = 60.0,
    schedule_time_limit_s: float = 30.0,
    progress: Progress | None = None,
    pins: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
    pegging: bool = True,
) -> Plan:
    """Plan a validated dataset. Stages left out leave their tables as None; without
    ``pegging`` (classic MRP) there is no pegging table and suggestions name no customers."""
    timings: dict[str, float] = {}
    with _stage("mrp", timings, progress):
        mrp = plan_mrp(dataset, purchasing_inputs=optimize, sequencing_inputs=schedule, pegging=pegging)
    plan = Plan(planned_orders=mrp.planned_orders, pegging=mrp.pegging, mrp_records=mrp.mrp_records)
    exceptions = [mrp.exceptions]
    summary: dict[str, Any] = {}

    purchasing: PurchasingResult | None = None
    if optimize:
        with _stage("purchasing", timings, progress):
            buy_orders = mrp.planned_orders[mrp.planned_orders["type"] == "buy"]
            purchasing = optimize_purchasing(
                mrp.net_requirements, buy_orders, dataset.supplier_offers, dataset.suppliers, dataset.items,
                dataset.settings, requirement_pegs=mrp.requirement_pegs, time_limit_s=optimize_time_limit_s,
                work_limit=WORK_PER_SECOND * optimize_time_limit_s, workers=SOLVER_WORKERS, rejected=rejected)
        plan.purchase_suggestions = purchasing.suggestions
        exceptions.append(purchasing.exceptions)
        summary["purchasing"] = purchasing.summary
        plan.files["purchase_suggestions.xlsx"] = workbook_bytes(plan.purchase_suggestions, purchasing.summary)

    if schedule:
        with _stage("sequencing", timings, progress):
            jobs = _apply_pins(smt_jobs(dataset, mrp, purchasing.coverage if purchasing else None), pins)
            sequencing: SequencingResult = sequence_jobs(jobs, dataset.smt_lines, dataset.settings,
                                                         time_limit_s=schedule_time_limit_s)
        plan.schedule = sequencing.schedule
        exceptions.append(sequencing.exceptions)
        summary["sequencing"] = sequencing.summary
        if not sequencing.schedule.empty:
            plan.files.update(_gantt_pictures(sequencing.schedule, dataset))

    plan.exceptions = _exceptions(exceptions)
    plan.summary = _summary(dataset, mrp, plan, summary, timings)
    return plan


def _gantt_pictures(schedule: pd.DataFrame, dataset: Dataset) -> dict[str, bytes]:
    """The whole schedule, and the next two weeks a planner works in, readable job by job."""
    pictures = {"schedule_gantt.svg": render_gantt(schedule, dataset.smt_lines, dataset.settings)}
    soon = schedule[schedule["start"] < pd.Timestamp(dataset.settings.as_of) + pd.Timedelta(days=GANTT_NEAR_DAYS)]
    if not soon.empty:
        pictures[f"schedule_gantt_{GANTT_NEAR_DAYS}d.svg"] = render_gantt(soon, dataset.smt_lines, dataset.settings)
    return pictures


def _apply_pins(jobs: pd.DataFrame, pins: pd.DataFrame | None) -> pd.DataFrame:
    """A planner's pin on a planned-order job finds the job again by item and due date."""
    if pins is None or pins.empty or jobs.empty:
        return jobs
    jobs = jobs.copy()
    key = pd.MultiIndex.from_frame(jobs[["item_id", "due_date"]])
    for pin in pins.itertuples(index=False):
        hit = key.get_indexer([(pin.item_id, pd.Timestamp(pin.due_date))])[0]
        if hit >= 0 and not jobs.at[hit, "pinned"]:
            jobs.at[hit, "pinned"] = True
            jobs.at[hit, "line_id"] = pin.line_id
            jobs.at[hit, "start_date"] = pd.Timestamp(pin.start)
    return jobs


def _exceptions(parts: list[pd.DataFrame]) -> pd.DataFrame:
    columns = list(PLAN_COLUMNS["exceptions"])
    frames = [p[columns] for p in parts if p is not None and not p.empty]
    if not frames:
        return parts[0]
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["type", "item_id", "ref_id", "date"], kind="stable").reset_index(drop=True)


def _summary(dataset: Dataset, mrp: MrpResult, plan: Plan, stages: dict[str, Any],
             timings: dict[str, float]) -> dict[str, Any]:
    exceptions = plan.exceptions["type"].value_counts().sort_index()
    counts = {**mrp.counts, "exceptions": len(plan.exceptions),
              "exceptions_by_type": {str(k): int(v) for k, v in exceptions.items()}}
    summary: dict[str, Any] = {
        "as_of": dataset.settings.as_of.isoformat(),
        "horizon_days": dataset.settings.horizon_days,
        "pegging": plan.pegging is not None,
        "counts": counts,
        "stage_seconds": timings,
        **stages,
    }
    if plan.purchase_suggestions is not None:
        counts["purchase_suggestions"] = len(plan.purchase_suggestions)
        purchasing = stages["purchasing"]
        summary["costs"] = {k: purchasing[k] for k in ("optimised_cost", "mrp_cost", "saving") if k in purchasing}
    if plan.schedule is not None:
        counts["scheduled_jobs"] = len(plan.schedule)
        sequencing = stages["sequencing"]
        summary["schedule"] = {k: sequencing[k] for k in ("total_tardiness_minutes", "total_changeover_minutes")
                               if k in sequencing}
    return summary
