"""Run status and history; starting a run — per site (``?site=``, default ``default``).

``GET /runs/{id}`` answers any run (run ids are store-wide; the run names its site).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Annotated, Any

import pandas as pd

from fastapi import APIRouter, Body, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from connectors.api import audit
from connectors.api.actions import PlanningActions
from connectors.api.audit import jsonable
from connectors.api.auth import Permission
from connectors.api.deps import KnownSite, PageDep, ReadSession, caller
from connectors.api.routes.plan import resolve_run
from connectors.api.schemas import RunOut, RunsOut
from connectors.store import read_snapshot, write_session
from connectors.store.frames import column_kind
from connectors.store.models import PLAN_MODELS, CurrentPlan, PlanningRun
from connectors.store.plans import gone_decisions

router = APIRouter(prefix="/api/v1/runs", tags=["runs"])


def run_out(run: PlanningRun, current_id: int | None) -> dict:
    budget = run.summary.get("run") if isinstance(run.summary, dict) else None
    return {**run.model_dump(), "budget": budget if isinstance(budget, dict) else {}, "current": run.id == current_id}


def _current_id(session: Session, site: str) -> int | None:
    current = session.get(CurrentPlan, site)
    return current.run_id if current else None


@router.get("", response_model=RunsOut, summary="A site's run history, newest first")
def list_runs(session: ReadSession, page: PageDep, who: caller(Permission.READ_RUNS), site: KnownSite) -> dict:
    total = session.exec(select(func.count()).select_from(PlanningRun).where(PlanningRun.site == site)).one()
    runs = session.exec(select(PlanningRun).where(PlanningRun.site == site).order_by(col(PlanningRun.id).desc())
                        .offset(page.offset).limit(page.limit))
    current = _current_id(session, site)
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": [run_out(r, current) for r in runs]}


@router.get("/{run_id}", response_model=RunOut, summary="One run: status, stage, timings, counts")
def read_run(run_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: ReadSession,
             who: caller(Permission.READ_RUNS)) -> dict:
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise HTTPException(404, detail=f"no run {run_id}")
    gone = gone_decisions(session, run.id) if run.status == "published" else []
    gone_out = [jsonable(d.model_dump(include=GONE_FIELDS)) for d in gone]
    return {**run_out(run, _current_id(session, run.site)), "decisions_gone": gone_out}


#: What a decision whose line has gone shows (``GET /runs/{id}``, ``decisions_gone``).
GONE_FIELDS = {"run_id", "suggestion_id", "action", "item_id", "supplier_id", "mpn", "po_supplier_id", "po_mpn",
               "po_quantity", "po_due_date", "note", "decided_by", "decided_at"}


def plan_records(name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of plan table ``name`` (and its ``previous_*`` columns) as JSON values: a date column as
    ``YYYY-MM-DD``, a datetime column as ``YYYY-MM-DDTHH:MM:SS``, a missing value as null."""
    table = PLAN_MODELS[name].__table__
    kinds = {c: column_kind(table.c[c.removeprefix("previous_")]) if c.removeprefix("previous_") in table.c else None
             for c in frame.columns}
    columns = {}
    for column, kind in kinds.items():
        values = frame[column]
        if kind in ("date", "datetime"):
            stamps = pd.to_datetime(values)
            text = stamps.dt.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%dT%H:%M:%S")
            columns[column] = [None if pd.isna(v) else t for v, t in zip(stamps, text)]
        else:
            columns[column] = [None if _missing(v) else jsonable(v) for v in values.tolist()]
    return [dict(zip(columns, row)) for row in zip(*columns.values())] if len(frame) else []


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (str, bool, list, tuple, dict)) and bool(pd.isna(value)))


class RunIn(BaseModel):
    as_of: dt.date | None = Field(None, description="planning date; default: today in the factory's time zone "
                                                    "(REELPLAN_TIMEZONE, else the server's), as the nightly run")


#: How long a trigger waits for the run to be recorded before answering.
STARTUP_WAIT_S = 10.0


def build_action_router(actions: PlanningActions) -> APIRouter:
    """Starting a run, and the changes between runs: present when ``jobs`` handed them in."""
    router = APIRouter(prefix="/api/v1", tags=["runs"])

    if actions.run_now is not None:
        run_now = actions.run_now

        @router.post("/runs", status_code=202, response_model=RunOut,
                     responses={409: {"description": "A run is already in progress."}},
                     summary="Start a planning run now (answers once it is recorded; poll /runs/{id})")
        def trigger_run(request: Request, who: caller(Permission.TRIGGER_RUN), site: KnownSite,
                        body: Annotated[RunIn, Body()] = RunIn()) -> dict:
            engine = request.app.state.engine
            with read_snapshot(engine) as session:
                last = session.exec(select(func.max(PlanningRun.id))).one() or 0
            outcome: dict[str, BaseException] = {}

            def work() -> None:
                try:
                    run_now(engine, body.as_of, site)
                except BaseException as exc:  # recorded on the run by jobs.runs; kept here for the caller
                    outcome["error"] = exc

            worker = threading.Thread(target=work, name="reelplan-api-run", daemon=True)
            worker.start()
            deadline = time.monotonic() + STARTUP_WAIT_S
            while True:
                with read_snapshot(engine) as session:
                    run = session.exec(select(PlanningRun).where(PlanningRun.id > last, PlanningRun.site == site)
                                       .order_by(col(PlanningRun.id))).first()
                    if run is not None:
                        with write_session(engine) as audit_session:
                            audit.record(audit_session, who, "run.trigger", f"run:{run.id}",
                                         after={"as_of": run.as_of, "site": site})
                        return run_out(run, _current_id(session, site))
                if isinstance(outcome.get("error"), actions.run_in_progress):
                    raise HTTPException(409, detail=str(outcome["error"]))
                if not worker.is_alive() or time.monotonic() > deadline:
                    raise HTTPException(503, detail="the run could not be started; see the server log")
                time.sleep(0.05)

    if actions.changes_since is not None:
        changes_since = actions.changes_since

        @router.get("/plan/changes", summary="What changed in the plan since an earlier run",
                    tags=["plan"])
        def read_changes(session: ReadSession, who: caller(Permission.READ_PLAN), site: KnownSite,
                         since_run: Annotated[int, Query(ge=1, le=2**31 - 1, description="the earlier run")],
                         run_id: Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                                             description="the later run; default: the published plan")
                                           ] = None) -> dict:
            run = resolve_run(session, run_id, site)
            before = resolve_run(session, since_run, site)
            tables = changes_since(session, run.id, before.id)
            return {"run_id": run.id, "since_run": before.id,
                    "changes": {name: plan_records(name, frame) for name, frame in tables.items()}}

    return router
