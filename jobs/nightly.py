"""The nightly scheduler: APScheduler 3 firing a planning run on a cron, jobs kept in the store.

Choices (see ``docs/nightly.md``):

- The job lives in APScheduler's SQLAlchemy job store (table ``apscheduler_jobs``) in the
  store's own database, so its next fire time survives restarts.
- ``coalesce=True``: runs missed while the scheduler was down collapse into one — only the
  latest data matters. ``misfire_grace_time`` (default 6 hours): a 02:00 run missed by a
  restart at 05:00 still runs, so the plan is there in the morning; one missed by more is
  skipped (a stale plan of yesterday's data is better than a run in the middle of the day).
  ``max_instances=1``, and the store's planning lock refuses a run while another process
  (``reelplan run-now``) is planning.
- Each firing plans every site of the store, one after another (``jobs.runs.plan_all_sites``):
  each site's run has its own lock and run record, and one site's failure does not stop the
  next site. A store of one factory has one site, ``default``.
- Shutdown (SIGTERM, Ctrl-C) stops firing and waits for a run in progress to finish; a
  second signal abandons it (the next run records it as interrupted).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine
from tzlocal import get_localzone_name

from connectors.store.engine import open_store
from jobs.runs import RunOptions, plan_all_sites

log = logging.getLogger(__name__)

JOB_ID = "reelplan-nightly-run"
JOBS_TABLE = "apscheduler_jobs"


class NightlySettings(BaseSettings):
    """When and how the nightly run plans; environment variables ``REELPLAN_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="REELPLAN_", extra="ignore")

    #: minute hour day month day-of-week (use names for days: APScheduler 3 counts 0 as Monday).
    nightly_cron: str = "0 2 * * *"
    #: IANA zone of the factory (e.g. ``Europe/Berlin``); empty = this machine's zone.
    timezone: str = ""
    misfire_grace_hours: float = 6.0
    #: seconds for the purchasing / sequencing stage; empty = the stage's share of ``budget_minutes``.
    optimize_time_limit_s: float | None = None
    schedule_time_limit_s: float | None = None
    keep_plans: int = 30

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or get_localzone_name())

    def run_options(self) -> RunOptions:
        return RunOptions(
            optimize_time_limit_s=self.optimize_time_limit_s, schedule_time_limit_s=self.schedule_time_limit_s,
            keep_plans=self.keep_plans,
        )


def today_in(zone: ZoneInfo) -> dt.date:
    """Rule "today": the calendar date now in the factory's time zone. Every default planning
    date (``reelplan plan``, ``validate``, ``run-now``, the nightly run, a run started through
    the API) is this date."""
    return dt.datetime.now(zone).date()


def factory_today(settings: NightlySettings | None = None) -> dt.date:
    """Today in the factory's zone: ``REELPLAN_TIMEZONE`` (the ``timezone`` setting), else this machine's zone."""
    return today_in((settings or NightlySettings()).zone())


def nightly_job(db_url: str, timezone: str, options: dict[str, float]) -> None:
    """What the scheduler fires: a run of every site, planned as of today in the factory's time zone."""
    engine = open_store(db_url)
    as_of = today_in(ZoneInfo(timezone))
    try:
        for outcome in plan_all_sites(engine, as_of=as_of, trigger="nightly", options=RunOptions(**options)):
            if outcome.status == "published":
                log.info("nightly run %s of site %s published (as of %s)", outcome.run_id, outcome.site, as_of)
            elif outcome.status == "busy":
                log.warning("nightly run of site %s skipped: %s", outcome.site, outcome.message)
            else:
                log.error("nightly run %s of site %s %s; its published plan is unchanged", outcome.run_id,
                          outcome.site, outcome.message)
    finally:
        engine.dispose()


def build_scheduler(engine: Engine, db_url: str, settings: NightlySettings,
                    trigger: BaseTrigger | None = None) -> BackgroundScheduler:
    """A started but paused scheduler holding the nightly job (``trigger`` replaces the cron, for tests)."""
    zone = settings.zone()
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": max(1, int(settings.misfire_grace_hours * 3600)),
        },
        timezone=zone,
    )
    trigger = trigger or CronTrigger.from_crontab(settings.nightly_cron, timezone=zone)
    options = {
        "optimize_time_limit_s": settings.optimize_time_limit_s,
        "schedule_time_limit_s": settings.schedule_time_limit_s,
        "keep_plans": settings.keep_plans,
    }
    args = (db_url, zone.key, options)
    scheduler.start(paused=True)
    stored = scheduler.get_job(JOB_ID)
    if stored is None or repr(stored.trigger) != repr(trigger) or tuple(stored.args) != args:
        # A new or changed schedule starts afresh; an unchanged one keeps its stored next fire
        # time, so a run missed while the scheduler was down is caught up (within the grace time).
        scheduler.add_job(
            nightly_job, trigger, args=args, id=JOB_ID, name="nightly planning run", replace_existing=True,
        )
    return scheduler


def serve(db_url: str, settings: NightlySettings, stop: threading.Event, trigger: BaseTrigger | None = None) -> None:
    """Run the scheduler until ``stop`` is set, then wait for a run in progress to finish."""
    engine = open_store(db_url)
    scheduler = build_scheduler(engine, db_url, settings, trigger)
    scheduler.resume()
    job = scheduler.get_job(JOB_ID)
    log.info("scheduler started; next planning run at %s", job.next_run_time if job else "never")
    try:
        stop.wait()
    finally:
        log.info("scheduler stopping; waiting for a run in progress to finish")
        scheduler.shutdown(wait=True)
        engine.dispose()
