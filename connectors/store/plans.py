"""Plan outputs by run, and each site's published ("current") plan.

A run plans one site (``PlanningRun.site``); each site has its own published plan and its
own history of kept plans. A run's outputs are written and the current-plan pointer switched in the caller's single
transaction (:func:`publish_plan`), so a reader sees the old plan or the new one, never a
mix; a run that dies before committing leaves no rows and the published plan as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, text
from sqlmodel import Session, select

from connectors.store.frames import insert_frame, rows_to_frame
from connectors.store.models import (
    DEFAULT_SITE, PLAN_EXTRA_COLUMNS, PLAN_MODELS, CurrentPlan, PlanningRun, SuggestionDecision, SuggestionRow,
)
from mrp.plan import CAPACITY_LOAD_COLUMNS, PLAN_COLUMNS, Plan

#: The columns of every plan table the store keeps, as the plan folder's files have them.
PLAN_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {**PLAN_COLUMNS, "capacity_load": CAPACITY_LOAD_COLUMNS}


def publish_plan(session: Session, run: PlanningRun, plan: Plan, *, now: dt.datetime, keep_plans: int) -> None:
    """Store ``plan`` under ``run``, make it the current plan of the run's site and mark the run published.

    The run records the plan's summary (as JSON), the tables it has and their row counts
    (``counts["outputs"]``).

    Outputs of the site's published runs older than its latest ``keep_plans`` are deleted;
    their run records stay, with status ``archived``.
    """
    _store_tables(session, run, plan)
    current = session.get(CurrentPlan, run.site)
    if current is None:
        session.add(CurrentPlan(site=run.site, run_id=run.id, published_at=now))
    else:
        current.run_id, current.published_at = run.id, now
    run.status, run.stage = "published", "published"
    run.finished_at = run.published_at = now
    session.add(run)
    session.flush()
    _prune(session, run.site, keep_plans)


def store_plan(session: Session, run: PlanningRun, plan: Plan, *, now: dt.datetime, keep_plans: int) -> None:
    """Store ``plan`` under ``run`` and mark the run ``finished``, without publishing it: the
    current plan stays as it is (a scenario run). The run records the summary, tables and
    counts as :func:`publish_plan` does.

    Outputs of the same scenario's finished runs older than the latest ``keep_plans`` are
    deleted; their run records stay, with status ``archived``."""
    _store_tables(session, run, plan)
    run.status, run.stage = "finished", "finished"
    run.finished_at = now
    session.add(run)
    session.flush()
    older = session.exec(select(PlanningRun.id).where(
        PlanningRun.status == "finished", PlanningRun.scenario == run.scenario,
        PlanningRun.site == run.site).order_by(PlanningRun.id.desc())).all()
    _archive(session, list(older[max(keep_plans, 1):]))


def _store_tables(session: Session, run: PlanningRun, plan: Plan) -> None:
    connection = session.connection()
    tables: list[str] = []
    for name, model in PLAN_MODELS.items():
        frame = getattr(plan, name)
        if frame is None:
            continue
        tables.append(name)
        columns = [c for c in stored_columns(name) if c in frame.columns]
        insert_frame(connection, frame, model.__table__, columns, run_id=run.id)
    _analyze(session, [PLAN_MODELS[name].__table__.name for name in tables])
    run.tables = tables
    run.summary = plain_json(plan.summary)
    run.counts = {**run.counts, "outputs": {name: len(getattr(plan, name)) for name in tables}}


def current_run_id(session: Session, site: str = DEFAULT_SITE) -> int | None:
    """The run whose plan is the published plan of ``site``, or None before its first publish."""
    return session.exec(select(CurrentPlan.run_id).where(CurrentPlan.site == site)).first()


def site_runs(site: str) -> Any:
    """The ids of the runs of ``site``, as a subquery (decisions and pins belong to a run, hence to its site)."""
    return select(PlanningRun.id).where(PlanningRun.site == site)


def stored_columns(name: str) -> tuple[str, ...]:
    """The columns the store keeps of plan table ``name``: the plan contract's, then its extras."""
    return (*PLAN_TABLE_COLUMNS[name], *PLAN_EXTRA_COLUMNS.get(name, ()))


def load_plan_table(session: Session, name: str, run_id: int) -> pd.DataFrame:
    """One output table of a run, in the order the pipeline produced it (the contract's columns,
    then the extras the store keeps: a suggestion's reasons, a job's clear to build)."""
    table = PLAN_MODELS[name].__table__
    columns = stored_columns(name)
    rows = session.connection().execute(
        select(*(table.c[c] for c in columns)).where(table.c.run_id == run_id).order_by(table.c.row_no)
    ).all()
    return rows_to_frame(rows, table, columns)


def load_plan(session: Session, run_id: int | None = None, *, site: str = DEFAULT_SITE) -> Plan | None:
    """The plan of ``run_id`` (default: the published one of ``site``); None when there is none
    (a run that is neither published nor a finished scenario run).

    Tables of stages the run skipped stay None, as in the pipeline's Plan; ``summary`` is
    the pipeline's summary as stored.
    """
    run_id = run_id if run_id is not None else current_run_id(session, site)
    run = session.get(PlanningRun, run_id) if run_id is not None else None
    if run is None or run.status not in ("published", "finished"):
        return None
    plan = Plan(summary=dict(run.summary))
    for name in run.tables:
        setattr(plan, name, load_plan_table(session, name, run.id))
    return plan


def gone_decisions(session: Session, run_id: int) -> list[SuggestionDecision]:
    """Open decisions (edited, not yet approved or rejected) of run ``run_id``'s site whose line
    is not in its plan.

    A line keeps its id while it is the same line (``jobs.identity``), so such a decision has
    lost its line: the need went away, or changed enough (another item, supplier or MPN) to
    be a new line. The decision is kept, for the buyer to take again on the new line.
    """
    present = select(SuggestionRow.suggestion_id).where(SuggestionRow.run_id == run_id)
    site = select(PlanningRun.site).where(PlanningRun.id == run_id).scalar_subquery()
    return list(session.exec(select(SuggestionDecision).where(
        SuggestionDecision.run_id.in_(select(PlanningRun.id).where(PlanningRun.site == site)),
        SuggestionDecision.action.in_(("edited", "pending")),
        SuggestionDecision.suggestion_id.not_in(present)).order_by(SuggestionDecision.id)).all())


def _analyze(session: Session, table_names: list[str]) -> None:
    """Refresh PostgreSQL's statistics of the tables just filled, so the first readers of the new
    plan get good query plans (a join planned on an empty table's statistics can take seconds
    where it takes milliseconds); SQLite plans these reads well without them."""
    if session.get_bind().dialect.name != "postgresql" or not table_names:
        return
    session.connection().execute(text(f"ANALYZE {', '.join(table_names)}"))


def _prune(session: Session, site: str, keep_plans: int) -> None:
    published = session.exec(
        select(PlanningRun.id).where(PlanningRun.status == "published", PlanningRun.site == site)
        .order_by(PlanningRun.id.desc())
    ).all()
    _archive(session, list(published[max(keep_plans, 1):]))


def _archive(session: Session, old: list[int]) -> None:
    """Delete the outputs of runs ``old`` and mark them ``archived``."""
    if not old:
        return
    connection = session.connection()
    for model in PLAN_MODELS.values():
        connection.execute(delete(model.__table__).where(model.__table__.c.run_id.in_(old)))
    for run in session.exec(select(PlanningRun).where(PlanningRun.id.in_(old))):
        run.status = "archived"


def plain_json(value: Any) -> Any:
    """``value`` as plain JSON values: numpy numbers as numbers, dates as ISO text, NaN as None."""
    def default(v: Any) -> Any:
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, (dt.date, dt.time, pd.Timestamp)):
            return v.isoformat()
        if isinstance(v, (set, tuple)):
            return list(v)
        return str(v)

    return json.loads(json.dumps(value, default=default), parse_constant=lambda _: None)
