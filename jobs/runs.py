"""One planning run of a site on the store: snapshot -> validate -> plan -> publish, recorded as it goes.

``execute_run`` is what ``reelplan run-now`` and the nightly scheduler call; it plans one
site (default ``default``). It holds the site's planning lock for the whole run (a second
run of the same site, from any process, is refused with :class:`RunInProgress`; other sites
plan meanwhile), records each stage as it starts, and publishes the plan in one
transaction. Any failure — bad data, a solver error, a crash — is recorded on the run with
its stage and error, and the published plan stays as it was.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session, select

from connectors.dataset import validate_dataset
from connectors.store.dataset_io import load_dataset
from connectors.store.engine import read_snapshot, write_session
from connectors.store.lock import LockBusy, exclusive_lock, planning_lock_name
from connectors.store.models import DEFAULT_SITE, PlanningRun, SuggestionDecision
from connectors.store.ids import next_numbers, save_numbers
from connectors.store.plans import current_run_id, load_plan, load_plan_table, publish_plan, site_runs
from connectors.store.sites import check_site, sites_with_data
from connectors.store.runs import (
    previous_published,
    record_failure,
    recover_interrupted,
    running_run,
    start_run,
    update_run,
    utc_now,
)
from jobs.budget import Progress, RunBudget, StageEvent, plan_stages
from jobs.decisions import decision_inputs
from jobs.identity import KINDS, stable_plan
from mrp.dataset import Dataset
from mrp.plan import Plan

Planner = Callable[..., Plan]
#: Input tables whose row counts a run records.
INPUT_TABLES = ("items", "bom", "demand", "inventory", "purchase_orders", "work_orders", "supplier_offers")


@dataclass(frozen=True)
class RunOptions:
    """What a run does; ``keep_plans`` published plans keep their outputs (older ones are archived)."""

    optimize: bool = True
    schedule: bool = True
    optimize_time_limit_s: float | None = None  # None: the stage's share of the run budget
    schedule_time_limit_s: float | None = None
    keep_plans: int = 30


class RunInProgress(RuntimeError):
    """Another planning run holds the site's planning lock."""


class RunFailed(RuntimeError):
    """The run failed and was recorded as such; the published plan is unchanged."""

    def __init__(self, run_id: int, stage: str, error: str) -> None:
        self.run_id, self.stage, self.error = run_id, stage, error
        super().__init__(f"run {run_id} failed at {stage}: {error}")


class InvalidData(ValueError):
    """The store's dataset does not pass validation."""


def default_planner() -> Planner:
    """The pipeline that plans a dataset (imported when a run starts)."""
    from jobs.pipeline import run_plan

    return run_plan


def execute_run(
    engine: Engine, *, as_of: dt.date, trigger: str = "manual", options: RunOptions = RunOptions(),
    planner: Planner | None = None, progress: Progress | None = None, site: str = DEFAULT_SITE,
    request_token: str | None = None,
) -> PlanningRun:
    """Plan the dataset of ``site`` as of ``as_of`` and publish the result; returns the published run.

    Each stage (read, mrp, purchasing, sequencing, publish) runs within its share of the
    dataset's ``budget_minutes`` and is recorded on the run as it starts; ``progress`` also
    hears of every stage starting and ending.

    ``request_token`` names the request (a task of :mod:`jobs.engine`): a second attempt of
    it takes up the run the first one recorded, and returns it unchanged once published.

    Raises :class:`connectors.store.sites.UnknownSite` (nothing recorded) for a site the store
    does not hold, :class:`RunInProgress` (nothing recorded) when another run of the site is
    going, and :class:`RunFailed` after recording a failed run.
    """
    with read_snapshot(engine) as session:
        check_site(session, site)
    planner = planner or default_planner()
    try:
        with exclusive_lock(engine, planning_lock_name(site)):
            return _run_locked(engine, as_of=as_of, trigger=trigger, options=options, planner=planner,
                               progress=progress, site=site, request_token=request_token)
    except LockBusy:
        raise RunInProgress(_busy_message(engine, site)) from None


@dataclass(frozen=True)
class SiteOutcome:
    """How one site's run ended: ``published``, ``failed``, ``invalid`` (its data does not
    validate) or ``busy`` (another run of the site was going)."""

    site: str
    status: str
    run_id: int | None = None
    message: str = ""
    run: PlanningRun | None = None


def plan_one_site(
    engine: Engine, site: str, *, as_of: dt.date, trigger: str = "manual", options: RunOptions = RunOptions(),
    planner: Planner | None = None, progress: Progress | None = None,
) -> SiteOutcome:
    """One site's planning run as a task of its own: its lock, its run record, its outcome.

    The run's own troubles (busy, failed, bad data) are its outcome rather than an exception,
    so that planning every site goes on to the next one.
    """
    try:
        run = execute_run(engine, as_of=as_of, trigger=trigger, options=options, planner=planner,
                          progress=progress, site=site)
    except RunInProgress as exc:
        return SiteOutcome(site=site, status="busy", message=str(exc))
    except RunFailed as exc:
        status = "invalid" if isinstance(exc.__cause__, InvalidData) else "failed"
        return SiteOutcome(site=site, status=status, run_id=exc.run_id, message=f"failed at {exc.stage}: {exc.error}")
    return SiteOutcome(site=site, status="published", run_id=run.id, run=run)


def plan_all_sites(
    engine: Engine, *, as_of: dt.date, trigger: str = "manual", options: RunOptions = RunOptions(),
    planner: Planner | None = None, progress: Callable[[str, StageEvent], None] | None = None,
) -> list[SiteOutcome]:
    """Plan every site of the store that has a dataset, one after another in site order
    (:func:`plan_one_site` each)."""
    with read_snapshot(engine) as session:
        sites = sites_with_data(session)
    return [
        plan_one_site(engine, site, as_of=as_of, trigger=trigger, options=options, planner=planner,
                      progress=(lambda event, site=site: progress(site, event)) if progress else None)
        for site in sites
    ]


def _run_locked(engine: Engine, *, as_of: dt.date, trigger: str, options: RunOptions, planner: Planner,
                progress: Progress | None, site: str, request_token: str | None = None) -> PlanningRun:
    with write_session(engine) as session:
        recover_interrupted(session, site)
        run = start_run(session, trigger=trigger, as_of=as_of, options=asdict(options), site=site,
                        request_token=request_token)
    if run.status != "running":  # an earlier attempt of this request finished it
        return run
    timer = StageTimer(engine, run.id, progress)
    stages = ("read", *plan_stages(optimize=options.optimize, schedule=options.schedule), "publish")
    budget = RunBudget(30.0, stages, progress=timer.progress)
    try:
        with budget.stage("read") as read:
            with timer.stage("snapshot"):
                with read_snapshot(engine) as session:
                    inputs = decision_inputs(session, load_dataset(session, as_of=as_of, site=site), site=site)
                    previous = published_schedule(session, site)
            with timer.stage("validate"):
                errors = [i for i in validate_dataset(inputs.dataset) if i.is_error]
                if errors:
                    raise InvalidData(issues_text(errors))
            read.report(None, f"{len(inputs.dataset.items):,} items, {len(inputs.dataset.demand):,} demand lines")
        budget.minutes = inputs.dataset.settings.budget_minutes
        with timer.stage("plan"):
            plan = planner(
                inputs.dataset, optimize=options.optimize, schedule=options.schedule,
                optimize_time_limit_s=options.optimize_time_limit_s,
                schedule_time_limit_s=options.schedule_time_limit_s,
                progress=timer.progress, pins=inputs.pins, rejected=inputs.rejected, budget=budget,
                previous=previous, documents=False,
            )
        with budget.stage("publish") as publish, timer.stage("publish"):
            with write_session(engine) as session:
                plan = keep_ids(session, plan, inputs.dataset, save=True, site=site)
                run = session.get(PlanningRun, run.id)
                run.counts = {"inputs": {name: len(inputs.dataset.table(name)) for name in INPUT_TABLES}}
                publish_plan(session, run, plan, now=utc_now(), keep_plans=options.keep_plans)
                costs = run.summary.get("costs")
                run.costs = costs if isinstance(costs, dict) else {}
            rows = sum(run.counts.get("outputs", {}).values())
            publish.report(None, f"{rows:,} rows")
    except BaseException as exc:
        record_failed_run(engine, run.id, timer, exc)
        raise
    return finish_run(engine, run, timer, budget)


def record_failed_run(engine: Engine, run_id: int, timer: StageTimer, exc: BaseException) -> None:
    """Record run ``run_id`` as failed at the stage running when ``exc`` was raised (with the
    end of the traceback, unless the data was invalid); an ``Exception`` is raised again as
    :class:`RunFailed`."""
    error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if not isinstance(exc, InvalidData):
        error += "\n" + "".join(traceback.format_exception(exc)[-3:])
    record_failure(engine, run_id, stage=timer.current, error=error, stage_seconds=timer.seconds(None))
    if isinstance(exc, Exception):
        raise RunFailed(run_id, timer.current, error.splitlines()[0]) from exc


def finish_run(engine: Engine, run: PlanningRun, timer: StageTimer, budget: RunBudget) -> PlanningRun:
    """Record the finished run's stage seconds, its budget summary and when it finished: after
    its plan was stored (``published_at`` is when publishing began)."""
    run.stage_seconds = timer.seconds(run.summary.get("stage_seconds"))
    run.summary = {**run.summary, "run": budget.summary()}
    run.finished_at = utc_now()
    update_run(engine, run.id, stage_seconds=run.stage_seconds, summary=run.summary, finished_at=run.finished_at)
    return run


def published_schedule(session: Session, site: str = DEFAULT_SITE) -> pd.DataFrame | None:
    """The site's published plan's schedule (job_id, item_id, due, line_id, start), which sequencing
    keeps jobs close to; None before the first published schedule."""
    published = current_run_id(session, site)
    run = session.get(PlanningRun, published) if published is not None else None
    if run is None or "schedule" not in run.tables:
        return None
    return load_plan_table(session, "schedule", published)[["job_id", "item_id", "due", "line_id", "start"]]


def keep_ids(session: Session, plan: Plan, dataset: Dataset, *, save: bool, site: str = DEFAULT_SITE) -> Plan:
    """``plan`` with the ids of the site's published plan's lines kept (``jobs.identity``), its
    documents rendered again; with ``save`` the site's id counters move past the ids handed out."""
    published = current_run_id(session, site)
    run = session.get(PlanningRun, published) if published is not None else None
    previous = {kind.table: load_plan_table(session, kind.table, published)
                for kind in KINDS if run is not None and kind.table in run.tables}
    closed = session.exec(select(SuggestionDecision.suggestion_id).where(
        SuggestionDecision.run_id.in_(site_runs(site)),
        SuggestionDecision.action.in_(("approved", "rejected")))).all()
    counters = next_numbers(session, tuple(kind.name for kind in KINDS), site)
    stable, counters = stable_plan(plan, previous, retired={"suggestion": set(closed)}, counters=counters)
    if save:
        save_numbers(session, counters, site)
    if plan.files:  # the documents name the lines: render them with the kept ids
        from jobs.pipeline import plan_files  # the pipeline's imports are heavy: loaded when a run starts

        stable.files = plan_files(stable, dataset)
    return stable


class NoStoredPlan(LookupError):
    """The run asked for has no plan in the store (not published, or its outputs were archived)."""


def stored_plan(session: Session, run_id: int | None = None, *, site: str = DEFAULT_SITE) -> Plan:
    """A published plan (``run_id``, default the published plan of ``site``) as the plan folder
    had it: its tables, summary, buyer workbook and Gantt pictures (drawn on its site's SMT
    lines), for :func:`connectors.dataset.write_plan`."""
    run_id = run_id if run_id is not None else current_run_id(session, site)
    if run_id is None:
        raise NoStoredPlan("No plan is published yet; run `reelplan run-now` first.")
    run = session.get(PlanningRun, run_id)
    plan = load_plan(session, run_id)
    if run is None or plan is None:
        state = f"it is {run.status}" if run is not None else "there is no such run"
        raise NoStoredPlan(f"Run {run_id} has no stored plan ({state}); `reelplan runs` lists the published ones.")
    from jobs.pipeline import plan_files  # the pipeline's imports are heavy: loaded when needed

    plan.files = plan_files(plan, load_dataset(session, as_of=run.as_of, site=run.site))
    return plan


class StageTimer:
    """Times the run's stages and records each one on the run as it starts; the pipeline's
    own stages (mrp, purchasing, sequencing) are recorded as each one ends."""

    PIPELINE = ("mrp", "purchasing", "sequencing")

    def __init__(self, engine: Engine, run_id: int, listener: Progress | None = None) -> None:
        self.engine, self.run_id, self.listener = engine, run_id, listener
        self.current = "snapshot"
        self._seconds: dict[str, float] = {}
        self._pipeline: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.current = name
        if name != "snapshot":  # start_run recorded it
            update_run(self.engine, self.run_id, stage=name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self._seconds[name] = round(time.perf_counter() - started, 3)

    def progress(self, event: StageEvent | str) -> None:
        """The pipeline's progress callback: the run's stage shows where planning is
        (``plan: purchasing (3/5)``), and a finished stage's seconds are recorded at once."""
        if self.listener and isinstance(event, StageEvent):
            self.listener(event)
        if isinstance(event, StageEvent) and event.name not in self.PIPELINE:
            return
        if isinstance(event, StageEvent) and event.phase == "end":
            self._pipeline[event.name] = round(event.elapsed_s, 3)
            update_run(self.engine, self.run_id, stage_seconds=self.seconds(None))
            return
        label = f"{event.name} ({event.index}/{event.count})" if isinstance(event, StageEvent) else str(event)
        self.current = f"plan: {label}"[:200]
        update_run(self.engine, self.run_id, stage=self.current)

    def seconds(self, pipeline: Any) -> dict[str, float]:
        """Seconds per stage so far, the pipeline's own stages in place of "plan"."""
        inner = {str(k): float(v) for k, v in pipeline.items()} if isinstance(pipeline, dict) and pipeline else {}
        inner = inner or dict(self._pipeline)
        out: dict[str, float] = {}
        for name, seconds in self._seconds.items():
            if name == "plan" and inner:
                out.update(inner)
            else:
                out[name] = seconds
        if "plan" not in self._seconds:
            out.update(inner)
        return out


def issues_text(errors: list[Any], limit: int = 20) -> str:
    lines = [f"{len(errors)} error(s) in the stored dataset:"]
    for issue in errors[:limit]:
        where = ", ".join(str(p) for p in (issue.file, f"row {issue.row}" if issue.row else None, issue.column) if p)
        lines.append(f"- {where}: {issue.message}")
    if len(errors) > limit:
        lines.append(f"- ... and {len(errors) - limit} more")
    return "\n".join(lines)


def _busy_message(engine: Engine, site: str) -> str:
    with read_snapshot(engine) as session:
        run = running_run(session, site)
    of_site = "" if site == DEFAULT_SITE else f" of site '{site}'"
    if run is None:
        return f"A planning run{of_site} is already in progress on this database; try again when it has finished."
    return (
        f"Planning run {run.id} ({run.trigger}){of_site} is in progress since {run.started_at:%Y-%m-%d %H:%M} UTC "
        f"on {run.host} (pid {run.pid}), at stage '{run.stage}'; try again when it has finished."
    )


# --- what changed since the previous published plan -----------------------------------------


@dataclass
class PlanChanges:
    """New, changed and dropped purchase suggestions and jobs between two published plans.

    Each frame has a ``change`` column (``new``/``changed``/``dropped``) and the row's columns
    from the newer plan (the older one for dropped rows), with ``previous_*`` columns for
    the compared fields of changed rows.
    """

    run_id: int
    previous_run_id: int | None
    suggestions: pd.DataFrame = field(default_factory=pd.DataFrame)
    jobs: pd.DataFrame = field(default_factory=pd.DataFrame)

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {c: int((frame["change"] == c).sum()) if "change" in frame else 0 for c in ("new", "changed", "dropped")}
            for name, frame in (("suggestions", self.suggestions), ("jobs", self.jobs))
        }


#: Lines keep their ids from one published plan to the next (jobs.identity), so a line of
#: two plans is the same when its id is; it changed when one of the compared fields did.
SUGGESTION_KEY = ("suggestion_id",)
SUGGESTION_COMPARED = ("quantity", "order_date", "receipt_date", "unit_price")
JOB_KEY = ("job_id",)
JOB_COMPARED = ("line_id", "start", "end", "quantity", "due")
PLANNED_ORDER_KEY = ("order_id",)
PLANNED_ORDER_COMPARED = ("quantity", "release_date", "due_date")


def plan_changes(session: Session, run_id: int) -> PlanChanges:
    """What run ``run_id`` changed against the plan published before it (all new if none)."""
    previous = previous_published(session, run_id)
    run = session.get(PlanningRun, run_id)
    changes = PlanChanges(run_id=run_id, previous_run_id=previous.id if previous else None)
    for attr, name, key, compared in (
        ("suggestions", "purchase_suggestions", SUGGESTION_KEY, SUGGESTION_COMPARED),
        ("jobs", "schedule", JOB_KEY, JOB_COMPARED),
    ):
        if run is None or name not in run.tables:
            continue
        new = load_plan_table(session, name, run_id)
        old = load_plan_table(session, name, previous.id) if previous and name in previous.tables else new.iloc[0:0]
        setattr(changes, attr, diff_tables(old, new, key, compared))
    return changes


def diff_tables(old: pd.DataFrame, new: pd.DataFrame, key: tuple[str, ...], compared: tuple[str, ...]) -> pd.DataFrame:
    """Rows of ``new`` not in ``old`` (new), in both but different on ``compared`` (changed), only in ``old`` (dropped).

    Rows sharing a key are paired in order (first with first), so two identical lines in both
    plans are unchanged and a third one is new.
    """
    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.sort_values([*key, *compared], kind="stable")
        return frame.assign(_nth=frame.groupby(list(key), dropna=False).cumcount())

    columns = [c for c in new.columns if c not in key]
    merged = keyed(new).merge(
        keyed(old).rename(columns={c: f"previous_{c}" for c in columns}), on=[*key, "_nth"], how="outer", indicator=True,
    )
    differs = pd.Series(False, index=merged.index)
    for c in compared:
        a, b = merged[c], merged[f"previous_{c}"]
        differs |= ~((a == b) | (a.isna() & b.isna()))
    change = pd.Series(np.select(
        [merged["_merge"] == "left_only", merged["_merge"] == "right_only", differs],
        ["new", "dropped", "changed"], default="",
    ), index=merged.index)
    dropped = change == "dropped"
    for c in columns:
        merged[c] = merged[c].where(~dropped, merged[f"previous_{c}"])
    out = merged.assign(change=change)[change != ""]
    out = out[["change", *new.columns, *(f"previous_{c}" for c in compared)]]
    order = out["change"].map({"new": 0, "changed": 1, "dropped": 2})
    return out.assign(_order=order).sort_values(["_order", *key], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)
