"""Run records: one row per planning run of a site, written as the run goes so a crash leaves a trace.

``status`` goes ``running`` -> ``published`` (or ``failed``); a published run whose
outputs were pruned becomes ``archived``. A run still ``running`` when the next one takes
the site's planning lock died without finishing (crash, ``kill -9``): :func:`recover_interrupted`
marks it failed at the stage it had reached. Every query is about one site (default ``default``).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from connectors.store.engine import write_session
from connectors.store.models import DEFAULT_SITE, PlanningRun

INTERRUPTED = "interrupted: the process ended without finishing this stage (killed or crashed)"


def utc_now() -> dt.datetime:
    """Now in UTC, without time zone, as the store keeps timestamps."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def start_run(session: Session, *, trigger: str, as_of: dt.date, options: dict[str, Any], site: str = DEFAULT_SITE,
              scenario: str = "",
              request_token: str | None = None) -> PlanningRun:
    """Record a run starting now in this process. With ``request_token``, a run recorded
    under that token before (an earlier attempt of the same task, whose worker died) is
    taken up again instead: it restarts, on this host and pid; a finished one is returned as it is."""
    if request_token is not None:
        run = session.exec(select(PlanningRun).where(PlanningRun.request_token == request_token)
                           .with_for_update()).first()
        if run is not None:
            if run.status == "running" or run.status == "failed" and run.error == INTERRUPTED:
                run.status, run.stage, run.error, run.started_at = "running", "snapshot", "", utc_now()
                run.host, run.pid, run.finished_at = socket.gethostname(), os.getpid(), None
                session.add(run)
                session.flush()
            return run
    run = PlanningRun(
        site=site, trigger=trigger, status="running", stage="snapshot", as_of=as_of, started_at=utc_now(),
        host=socket.gethostname(), pid=os.getpid(), options=options, scenario=scenario, request_token=request_token,
    )
    session.add(run)
    session.flush()
    return run


def update_run(engine: Engine, run_id: int, **values: Any) -> None:
    """Record ``values`` on a run in a short transaction of its own, visible at once (stage, timings)."""
    with write_session(engine) as session:
        run = session.get(PlanningRun, run_id)
        for name, value in values.items():
            setattr(run, name, value)
        session.add(run)


def record_failure(engine: Engine, run_id: int, *, stage: str, error: str, stage_seconds: dict[str, float]) -> None:
    update_run(engine, run_id, status="failed", stage=stage[:200], error=error, finished_at=utc_now(),
               stage_seconds=stage_seconds)


def recover_interrupted(session: Session, site: str = DEFAULT_SITE) -> list[int]:
    """Mark the site's runs left ``running`` as failed; call only while holding the site's
    planning lock. Scenario runs do not take that lock (several run at once) and are left alone."""
    runs = session.exec(select(PlanningRun).where(PlanningRun.status == "running", PlanningRun.site == site,
                                                  PlanningRun.scenario == "")).all()
    for run in runs:
        run.status, run.error, run.finished_at = "failed", INTERRUPTED, utc_now()
        session.add(run)
    return [run.id for run in runs]


def running_run(session: Session, site: str = DEFAULT_SITE) -> PlanningRun | None:
    """The site's latest run of its dataset marked ``running`` (the one holding its lock, if any holds it)."""
    return session.exec(
        select(PlanningRun).where(PlanningRun.status == "running", PlanningRun.site == site,
                                  PlanningRun.scenario == "")
        .order_by(PlanningRun.id.desc())
    ).first()


def list_runs(session: Session, *, limit: int = 20, site: str = DEFAULT_SITE) -> list[PlanningRun]:
    """The site's latest runs, newest first."""
    return list(session.exec(select(PlanningRun).where(PlanningRun.site == site)
                             .order_by(PlanningRun.id.desc()).limit(limit)).all())


def previous_published(session: Session, run_id: int) -> PlanningRun | None:
    """The last run of the same site published before ``run_id`` whose outputs are still stored."""
    site = select(PlanningRun.site).where(PlanningRun.id == run_id).scalar_subquery()
    return session.exec(
        select(PlanningRun)
        .where(PlanningRun.id < run_id, PlanningRun.status == "published", PlanningRun.site == site)
        .order_by(PlanningRun.id.desc())
    ).first()
