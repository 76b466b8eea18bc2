"""One planning run: MRP, then purchasing optimisation, then SMT sequencing.

The pipeline composes the pure stages and times them; it reads no files and no clock
other than the stage timer. ``reelplan plan``, the nightly job and the API all call
:func:`run_plan`. Decisions taken on earlier plans arrive as ``pins`` and ``rejected``
(contract in :mod:`jobs.decisions`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from connectors.gantt import gantt_pictures
from connectors.workbook import workbook_bytes
from jobs.budget import Progress, RunBudget, plan_stages
from mrp.codes import categorical_ids
from mrp.dataset import Dataset
from mrp.engine import MrpResult, plan_mrp
from mrp.plan import PLAN_COLUMNS, Plan
from mrp.smt import smt_jobs
from optimizer.purchasing import WORK_PER_SECOND, PurchasingResult, optimize_purchasing
from optimizer.purchasing.liability import (
    LINE_COLUMNS, PEG_COLUMNS, authorised_demand, liability_totals, may_be_liable, ncnr_liability, po_lines,
    suggestion_lines, unauthorised_value,
)
from optimizer.sequencing import SequencingResult, sequence_jobs
from optimizer.sequencing.model import DETERMINISTIC_UNITS_PER_SECOND

log = logging.getLogger(__name__)

SOLVER_WORKERS = 2  # the purchasing blocks run in threads (HiGHS releases the GIL); the machines have 2 cores


def run_plan(
    dataset: Dataset,
    *,
    optimize: bool = True,
    schedule: bool = True,
    optimize_time_limit_s: float | None = None,
    schedule_time_limit_s: float | None = None,
    progress: Progress | None = None,
    pins: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
    pegging: bool = True,
    budget: RunBudget | None = None,
    previous: pd.DataFrame | None = None,
    documents: bool = True,
    downtime: pd.DataFrame | None = None,
) -> Plan:
    """Plan a validated dataset. Stages left out leave their tables as None; without
    ``pegging`` (classic MRP) there is no pegging table and suggestions name no customers.
    ``previous`` is the last published schedule (job_id, item_id, due, line_id, start):
    sequencing keeps its jobs where they were unless tardiness gains by a move. Without
    ``documents`` the buyer workbook and the Gantt pictures are not drawn (a store run
    publishes tables; ``reelplan export-plan`` draws them from the store).

    ``downtime`` (``line_id``, ``start``, ``end`` dates, inclusive: a scenario's lines down)
    keeps those lines free of jobs on those days (:func:`line_down_blocks`).

    Each stage runs within its share of ``budget`` (by default the dataset's
    ``budget_minutes``, announced through ``progress``); ``optimize_time_limit_s`` and
    ``schedule_time_limit_s``, when given, replace the purchasing and sequencing shares.
    """
    if budget is None:
        budget = RunBudget(dataset.settings.budget_minutes, plan_stages(optimize=optimize, schedule=schedule),
                           progress=progress)
    with budget.stage("mrp") as stage:
        mrp = plan_mrp(dataset, purchasing_inputs=optimize, sequencing_inputs=schedule, pegging=pegging)
        stage.report(None, f"{len(mrp.planned_orders):,} planned orders")
    plan = Plan(planned_orders=mrp.planned_orders, pegging=mrp.pegging, mrp_records=mrp.mrp_records)
    exceptions = [mrp.exceptions]
    summary: dict[str, Any] = {}

    purchasing: PurchasingResult | None = None
    if optimize:
        with budget.stage("purchasing", optimize_time_limit_s) as stage:
            buy_orders = mrp.planned_orders[mrp.planned_orders["type"] == "buy"]
            purchasing = optimize_purchasing(
                mrp.net_requirements, buy_orders, dataset.supplier_offers, dataset.suppliers, dataset.items,
                dataset.settings, requirement_pegs=mrp.requirement_pegs, time_limit_s=stage.wall_limit_s,
                work_limit=WORK_PER_SECOND * stage.share_s, workers=SOLVER_WORKERS, rejected=rejected,
                approved_mpns=dataset.approved_mpns)
            plan.liability = _liability(dataset, mrp, purchasing)
            stage.report(purchasing.summary, f"{purchasing.summary.get('items', 0):,} items, "
                                             f"{purchasing.summary.get('lines', 0):,} lines")
        plan.purchase_suggestions = purchasing.suggestions
        exceptions.append(_not_reported_by_mrp(purchasing.exceptions, mrp.exceptions))
        summary["purchasing"] = purchasing.summary
    else:
        plan.liability = _liability(dataset, mrp, None)
    if plan.liability is not None:
        summary["liability"] = liability_totals(plan.liability)
        if plan.purchase_suggestions is not None:
            plan.purchase_suggestions = plan.purchase_suggestions.assign(
                unauthorised_value=unauthorised_value(plan.purchase_suggestions, plan.liability))

    if schedule:
        with budget.stage("sequencing", schedule_time_limit_s) as stage:
            jobs = _apply_pins(smt_jobs(dataset, mrp, purchasing.coverage if purchasing else None), pins)
            blocks = line_down_blocks(downtime, dataset)
            if not blocks.empty:
                jobs = pd.concat([jobs, blocks], ignore_index=True)
            sequencing: SequencingResult = sequence_jobs(jobs, dataset.smt_lines, dataset.settings,
                                                         time_limit_s=stage.wall_limit_s, previous=previous,
                                                         work_limit=DETERMINISTIC_UNITS_PER_SECOND * stage.share_s)
            stopped = sequencing.summary.get("stop_reason")
            stage.report(sequencing.summary, f"{len(sequencing.schedule):,} jobs" + (f", {stopped}" if stopped else ""))
        plan.schedule = sequencing.schedule[~sequencing.schedule["job_id"].isin(blocks["job_id"])] \
            .reset_index(drop=True) if not blocks.empty else sequencing.schedule
        plan.capacity_load = sequencing.capacity_load
        exceptions.append(sequencing.exceptions)
        summary["sequencing"] = sequencing.summary

    plan.exceptions = _exceptions(exceptions)
    plan.summary = _summary(dataset, mrp, plan, summary, budget)
    plan.files = plan_files(plan, dataset) if documents else {}
    return plan


def plan_files(plan: Plan, dataset: Dataset) -> dict[str, bytes]:
    """The plan's documents: the buyer workbook and the Gantt pictures (rendered again when ids change)."""
    files: dict[str, bytes] = {}
    if plan.purchase_suggestions is not None:
        files["purchase_suggestions.xlsx"] = workbook_bytes(plan.purchase_suggestions,
                                                            plan.summary.get("purchasing", {}))
    if plan.schedule is not None and not plan.schedule.empty:
        files.update(gantt_pictures(plan.schedule, dataset.smt_lines, dataset.settings))
    return files


def _liability(dataset: Dataset, mrp: MrpResult, purchasing: PurchasingResult | None) -> pd.DataFrame | None:
    """NCNR liability of the open POs (pegged by MRP) and of the suggested lines (pegged by
    purchasing); None without pegging (classic MRP), which says whom a line serves."""
    if mrp.pegging is None:
        return None
    if not dataset.supplier_offers["ncnr"].any() and dataset.customers["material_authorisation_days"].isna().all():
        return ncnr_liability(pd.DataFrame(columns=list(LINE_COLUMNS)), pd.DataFrame(columns=list(PEG_COLUMNS)),
                              dataset.demand, dataset.customers, dataset.settings.as_of)  # nothing NCNR or unauthorised
    authorised = authorised_demand(dataset.demand, dataset.customers, dataset.settings.as_of)
    unauthorised = set(authorised.index[~authorised.to_numpy(dtype=bool)])
    lines = [po_lines(dataset.purchase_orders, dataset.supplier_offers)]
    po = mrp.pegging.loc[(mrp.pegging["supply_type"] == "po").to_numpy(dtype=bool)]
    po = po.loc[may_be_liable(po["supply_id"], po["demand_id"], lines[0], unauthorised)]
    parts = [("po", po["supply_id"], po["demand_id"], po["quantity"])]
    if purchasing is not None:
        lines.append(suggestion_lines(purchasing.suggestions, dataset.supplier_offers))
        served = purchasing.pegs
        served = served.loc[may_be_liable(served["suggestion_id"], served["demand_id"], lines[1], unauthorised)]
        parts.append(("suggestion", served["suggestion_id"], served["demand_id"], served["quantity"]))
    source = np.repeat(np.arange(len(parts)), [len(quantity) for *_, quantity in parts])
    pegs = pd.DataFrame({
        "source": pd.Categorical.from_codes(source, categories=[name for name, *_ in parts]),
        "ref_id": _joined_ids([ref for _, ref, _, _ in parts]),
        "demand_id": _joined_ids([demand for _, _, demand, _ in parts]),
        "quantity": np.concatenate([quantity.to_numpy(dtype=float) for *_, quantity in parts])})
    return ncnr_liability(pd.concat(lines, ignore_index=True), pegs, dataset.demand, dataset.customers,
                          dataset.settings.as_of)


def _joined_ids(columns: list[pd.Series]) -> pd.Categorical:
    """Id columns one after the other, as one categorical: pegs stay codes, never a text per row."""
    return union_categoricals([categorical_ids(c) for c in columns])


#: Job ids of the blocks that keep a line down (:func:`line_down_blocks`).
LINE_DOWN_PREFIX = "LINE-DOWN-"


def line_down_blocks(downtime: pd.DataFrame | None, dataset: Dataset) -> pd.DataFrame:
    """Rule "line down": a line down from day A to day B (inclusive) holds a job pinned to it
    at A's shift start that lasts every working minute of those days, so sequencing puts no
    other job there; the block needs no feeders and is left out of the published schedule
    (the changeovers into and out of it count as any changeover). Days before ``as_of`` are
    past and dropped."""
    columns = ["job_id", "item_id", "quantity", "due_date", "ready_date", "feeders", "line_ids",
               "placements_per_board", "pinned", "line_id", "start_date", "released"]
    if downtime is None or downtime.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    lines = dataset.smt_lines.set_index("line_id")
    as_of = pd.Timestamp(dataset.settings.as_of)
    rows = []
    for n, down in enumerate(downtime.itertuples(index=False), start=1):
        start, end = max(pd.Timestamp(down.start), as_of), pd.Timestamp(down.end)
        if end < start:
            continue
        line = lines.loc[down.line_id]
        days = (end - start).days + 1
        minutes = days * float(line["hours_per_day"]) * 60
        rows.append({"job_id": f"{LINE_DOWN_PREFIX}{n}", "item_id": f"{LINE_DOWN_PREFIX}{down.line_id}",
                     "quantity": minutes, "due_date": end + pd.Timedelta(days=1), "ready_date": start,
                     "feeders": (), "line_ids": (down.line_id,),
                     "placements_per_board": float(line["placements_per_hour"]) / 60, "pinned": True,
                     "line_id": down.line_id, "start_date": start, "released": True})
    return pd.DataFrame(rows, columns=columns)


def _not_reported_by_mrp(found: pd.DataFrame, mrp: pd.DataFrame) -> pd.DataFrame:
    """Purchasing's exceptions less its ``no_offer`` of items MRP already reported ``no_offer``
    (an item with no offer at all): one message per item, MRP's, which names its quantity and date."""
    reported = set(mrp.loc[mrp["type"] == "no_offer", "item_id"])
    again = (found["type"] == "no_offer") & found["item_id"].isin(reported)
    return found[~again.to_numpy()].reset_index(drop=True)


def _apply_pins(jobs: pd.DataFrame, pins: pd.DataFrame | None) -> pd.DataFrame:
    """A planner's pin on a planned-order job finds the job again by item and due date.
    When ``pins`` has a ``source`` column, an explicit pin (``pin``) wins over a freeze
    (``freeze``) of the same job."""
    if pins is None or pins.empty or jobs.empty:
        return jobs
    jobs = jobs.copy()
    key = pd.MultiIndex.from_frame(jobs[["item_id", "due_date"]])
    if "source" in pins.columns:
        pins = pins.assign(_explicit=pins["source"] == "pin").sort_values("_explicit", ascending=False, kind="stable")
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
             budget: RunBudget) -> dict[str, Any]:
    exceptions = plan.exceptions["type"].value_counts().sort_index()
    counts = {**mrp.counts, "exceptions": len(plan.exceptions),
              "exceptions_by_type": {str(k): int(v) for k, v in exceptions.items()}}
    summary: dict[str, Any] = {
        "as_of": dataset.settings.as_of.isoformat(),
        "horizon_days": dataset.settings.horizon_days,
        "pegging": plan.pegging is not None,
        "counts": counts,
        "stage_seconds": {name: record.seconds for name, record in budget.records.items()},
        "run": budget.summary(),
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
