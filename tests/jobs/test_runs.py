"""Planning runs on the store: recorded stage by stage, published all at once, never two at
a time, and a failed or killed run leaves the published plan as it was."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert

from connectors.store import import_folder, read_snapshot, write_session
from connectors.store.models import BomLine, PlanningRun
from connectors.store.plans import current_run_id, load_plan
from connectors.store.runs import INTERRUPTED
from jobs.runs import InvalidData, RunFailed, RunInProgress, RunOptions, diff_tables, execute_run, plan_changes
from tests.connectors.store.fixtures import GATEWAY, SMALL, engine, postgres_database, store_url  # noqa: F401
from tests.connectors.store.sample_plans import sample_plan, schedule, suggestions
from tests.jobs.planners import BlockingPlanner, RecordingPlanner, failing_planner

AS_OF = dt.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(engine):
    import_folder(engine, SMALL)
    return engine


def _run(engine, planner, **kwargs) -> PlanningRun:
    return execute_run(engine, as_of=AS_OF, planner=planner, **kwargs)


def _published(engine) -> int | None:
    with read_snapshot(engine) as session:
        return current_run_id(session)


def _get(engine, run_id: int) -> PlanningRun:
    with read_snapshot(engine) as session:
        return session.get(PlanningRun, run_id)


def test_a_run_plans_the_stored_dataset_and_publishes_it_with_its_record(store):
    planner = RecordingPlanner()
    run = _run(store, planner, options=RunOptions(optimize=False, optimize_time_limit_s=5.0))

    given = planner.last
    assert given["dataset"].settings.as_of == AS_OF
    assert list(given["dataset"].items["item_id"]) == ["GW1", "PCB1", "MCU", "RES", "PASTE", "BOARD"]
    assert (given["optimize"], given["schedule"], given["optimize_time_limit_s"]) == (False, True, 5.0)
    stored = _get(store, run.id)
    assert (stored.status, stored.stage, stored.trigger, stored.error) == ("published", "published", "manual", "")
    assert list(stored.stage_seconds) == ["snapshot", "validate", "mrp", "publish"]  # the pipeline's stages inside
    assert stored.counts["inputs"]["items"] == 6 and stored.counts["inputs"]["purchase_orders"] == 3
    assert stored.counts["outputs"] == {"purchase_suggestions": 2, "schedule": 1, "mrp_records": 10}
    assert stored.costs == {"optimised": 5200.0}
    assert _published(store) == run.id
    assert stored.started_at <= stored.published_at <= stored.finished_at  # finished once its plan was stored


def test_a_failing_run_is_recorded_with_its_stage_and_the_published_plan_stays(store):
    good = _run(store, RecordingPlanner())
    with pytest.raises(RunFailed) as failure:
        _run(store, failing_planner)
    failed = _get(store, failure.value.run_id)
    assert (failed.status, failed.stage) == ("failed", "plan: purchasing")
    assert failed.error.startswith("RuntimeError: solver exploded")
    assert _published(store) == good.id
    assert _run(store, RecordingPlanner(sample_plan("B"))).status == "published"  # the next run starts cleanly


def test_stored_data_that_does_not_validate_fails_the_run_at_validate(store):
    with write_session(store) as session:
        session.connection().execute(insert(BomLine.__table__), [
            {"row_no": 99, "parent_id": "PCB1", "child_id": "NOPE", "qty_per": 1.0},
        ])
    planner = RecordingPlanner()
    with pytest.raises(RunFailed) as failure:
        _run(store, planner)
    assert isinstance(failure.value.__cause__, InvalidData)
    failed = _get(store, failure.value.run_id)
    assert failed.stage == "validate" and "NOPE" in failed.error
    assert planner.calls == [] and _published(store) is None


def test_a_second_run_is_refused_while_one_is_going(store):
    slow = BlockingPlanner()
    outcome: list[PlanningRun] = []
    first = threading.Thread(target=lambda: outcome.append(_run(store, slow)))
    first.start()
    try:
        assert slow.started.wait(30)
        with pytest.raises(RunInProgress, match=r"Planning run 1 \(manual\) is in progress .* stage 'plan: mrp'"):
            _run(store, RecordingPlanner())
    finally:
        slow.release.set()
        first.join(30)
    assert outcome[0].status == "published" and _published(store) == outcome[0].id
    with read_snapshot(store) as session:
        assert session.get(PlanningRun, 2) is None  # the refused run left no record


def test_a_run_killed_mid_way_leaves_the_published_plan_and_the_next_run_starts_cleanly(store, store_url, tmp_path):
    published = _run(store, RecordingPlanner())
    with read_snapshot(store) as session:
        before = load_plan(session)
    marker = tmp_path / "planning"
    child = subprocess.Popen([sys.executable, "-m", "tests.jobs.slow_run", store_url, str(marker)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the slow run ended early"
            if time.monotonic() > deadline:
                pytest.fail("the slow run never started planning within 60 s (a safety net, not a measure)")
            time.sleep(0.05)
        with pytest.raises(RunInProgress):  # the lock holds across processes
            _run(store, RecordingPlanner())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)

    killed = _get(store, published.id + 1)
    assert (killed.status, killed.stage) == ("running", "plan: mrp")  # nobody could record its end
    with read_snapshot(store) as session:
        assert current_run_id(session) == published.id
        after = load_plan(session)
    for name in ("purchase_suggestions", "schedule", "mrp_records"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))

    following = _run(store, RecordingPlanner(sample_plan("B")))
    assert following.status == "published"
    killed = _get(store, killed.id)
    assert (killed.status, killed.stage, killed.error) == ("failed", "plan: mrp", INTERRUPTED)


def test_the_real_pipeline_plans_from_the_store(engine):
    import_folder(engine, GATEWAY)
    run = execute_run(engine, as_of=AS_OF, options=RunOptions(optimize=False, schedule=False))
    with read_snapshot(engine) as session:
        plan = load_plan(session, run.id)
    expected = pd.read_csv(GATEWAY / "expected_planned_orders.csv")
    got = plan.planned_orders
    assert sorted(zip(got["item_id"], got["quantity"])) == sorted(zip(expected["item_id"], expected["quantity"]))


def test_changes_since_the_previous_plan_name_new_changed_and_dropped_lines(store):
    first = sample_plan("A")
    first.purchase_suggestions = suggestions(
        ("S1", "MCU", "ARROW", "STM32F4", 2500.0, "2026-11-23", "2027-01-20", 3.4),
        ("S2", "RES", "ARROW", "RC0603-10K", 5000.0, "2026-12-01", "2026-12-15", 0.002),
        ("S3", "BOARD", "PCBWAY", "", 100.0, "2026-12-02", "2026-12-23", 1.8),
    )
    first.schedule = schedule(
        ("WO-1", "PCB1", 150.0, "SMT1", "2026-12-01 07:30", "2026-12-01 08:00", "2026-12-03 07:30"),
        ("P1", "PCB1", 200.0, "SMT1", "2026-12-05 07:30", "2026-12-05 08:00", "2026-12-08 07:30"),
    )
    second = sample_plan("A")
    second.purchase_suggestions = suggestions(
        ("S1", "MCU", "ARROW", "STM32F4", 5000.0, "2026-11-23", "2027-01-20", 3.4),        # quantity changed
        ("S2", "RES", "ARROW", "RC0603-10K", 5000.0, "2026-12-01", "2026-12-15", 0.002),   # the same
        ("S3", "RES", "ARROW", "RC0603-10K", 5000.0, "2026-12-20", "2027-01-03", 0.002),   # new
    )                                                                                      # BOARD dropped
    second.schedule = schedule(
        ("WO-1", "PCB1", 150.0, "SMT2", "2026-12-01 07:30", "2026-12-01 08:30", "2026-12-03 07:30"),  # moved
        ("P1", "PCB1", 200.0, "SMT1", "2026-12-05 07:30", "2026-12-05 08:00", "2026-12-08 07:30"),    # same job
    )
    _run(store, RecordingPlanner(first))
    run = _run(store, RecordingPlanner(second))
    with read_snapshot(store) as session:
        changes = plan_changes(session, run.id)

    assert changes.previous_run_id == run.id - 1
    s = changes.suggestions
    assert list(zip(s["change"], s["item_id"], s["quantity"])) == [
        ("new", "RES", 5000.0), ("changed", "MCU", 5000.0), ("dropped", "BOARD", 100.0)]
    # ids are kept: MCU stays PS00001, the RES line of Dec 15 PS00002; the new RES line is PS00004
    assert list(s["suggestion_id"]) == ["PS00004", "PS00001", "PS00003"]
    assert s.loc[1, "previous_quantity"] == 2500.0
    j = changes.jobs
    assert list(zip(j["change"], j["job_id"], j["line_id"], j["previous_line_id"])) == [("changed", "WO-1", "SMT2", "SMT1")]
    assert changes.counts() == {"suggestions": {"new": 1, "changed": 1, "dropped": 1},
                                "jobs": {"new": 0, "changed": 1, "dropped": 0}}


def test_lines_sharing_a_key_are_paired_in_order():
    old = pd.DataFrame({"item_id": ["A", "A"], "quantity": [5.0, 7.0]})
    new = pd.DataFrame({"item_id": ["A", "A", "A"], "quantity": [7.0, 5.0, 9.0]})
    diff = diff_tables(old, new, ("item_id",), ("quantity",))
    assert diff[["change", "item_id", "quantity"]].values.tolist() == [["new", "A", 9.0]]
    assert pd.isna(diff.loc[0, "previous_quantity"])
