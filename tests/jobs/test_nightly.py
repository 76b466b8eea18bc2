"""The nightly scheduler: fires planning runs, keeps its job in the store, catches up a run
missed by a short outage, and lets a run in progress finish on shutdown."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import inspect

import jobs.runs
from connectors.store import import_folder, read_snapshot
from connectors.store.runs import list_runs
from jobs.nightly import JOB_ID, JOBS_TABLE, NightlySettings, build_scheduler, serve
from tests.connectors.store.fixtures import SMALL, engine, postgres_database, store_url  # noqa: F401
from tests.jobs.planners import BlockingPlanner, RecordingPlanner

UTC = NightlySettings(timezone="UTC")


@pytest.fixture
def store(engine, monkeypatch):
    import_folder(engine, SMALL)
    return engine


def _use_planner(monkeypatch, planner) -> None:
    monkeypatch.setattr(jobs.runs, "default_planner", lambda: planner)


def _runs(engine):
    with read_snapshot(engine) as session:
        return list_runs(session)


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _serve_in_thread(store_url: str, settings: NightlySettings, trigger=None):
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(store_url, settings, stop, trigger))
    thread.start()
    return stop, thread


def test_the_scheduler_fires_planning_runs(store, store_url, monkeypatch):
    _use_planner(monkeypatch, RecordingPlanner())
    stop, thread = _serve_in_thread(store_url, UTC, IntervalTrigger(seconds=1))
    try:
        assert _wait_for(lambda: any(r.status == "published" for r in _runs(store)))
    finally:
        stop.set()
        thread.join(30)
    run = _runs(store)[-1]
    assert (run.trigger, run.as_of) == ("nightly", dt.datetime.now(dt.UTC).date())
    assert JOBS_TABLE in inspect(store).get_table_names()  # the job store is in the same database


def test_an_unchanged_schedule_keeps_its_stored_fire_time_and_a_changed_one_is_replaced(store, store_url):
    first = build_scheduler(store, store_url, UTC)
    planned = first.get_job(JOB_ID).next_run_time
    first.shutdown(wait=False)
    assert planned.hour == 2 and planned.minute == 0

    again = build_scheduler(store, store_url, UTC)
    assert again.get_job(JOB_ID).next_run_time == planned
    again.shutdown(wait=False)

    changed = build_scheduler(store, store_url, UTC.model_copy(update={"nightly_cron": "30 3 * * *"}))
    assert (changed.get_job(JOB_ID).next_run_time.hour, changed.get_job(JOB_ID).next_run_time.minute) == (3, 30)
    changed.shutdown(wait=False)


@pytest.mark.parametrize(("missed_by", "runs"), [(dt.timedelta(minutes=10), 1), (dt.timedelta(hours=2), 0)])
def test_a_run_missed_while_down_is_caught_up_within_the_grace_time(store, store_url, monkeypatch, missed_by, runs):
    _use_planner(monkeypatch, RecordingPlanner())
    settings = UTC.model_copy(update={"misfire_grace_hours": 1.0})
    down = build_scheduler(store, store_url, settings)
    down.modify_job(JOB_ID, next_run_time=dt.datetime.now(dt.UTC) - missed_by)  # it should have fired then
    down.remove_jobstore("default")  # the job stays stored; this scheduler must not process it on shutdown
    down.shutdown(wait=False)

    stop, thread = _serve_in_thread(store_url, settings)
    try:
        caught_up = _wait_for(lambda: len(_runs(store)) > 0, seconds=5 if runs else 2)
    finally:
        stop.set()
        thread.join(30)
    assert caught_up is bool(runs)
    assert len(_runs(store)) == runs


def test_shutdown_waits_for_the_run_in_progress(store, store_url, monkeypatch):
    slow = BlockingPlanner()
    _use_planner(monkeypatch, slow)
    stop, thread = _serve_in_thread(store_url, UTC, IntervalTrigger(seconds=1))
    assert slow.started.wait(30)
    stop.set()
    thread.join(1.0)
    assert thread.is_alive()  # still waiting for the run
    slow.release.set()
    thread.join(30)
    assert not thread.is_alive()
    assert [r.status for r in _runs(store)] == ["published"]
