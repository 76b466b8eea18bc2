"""Plans by run and the published plan: a reader sees the old plan or the new one, never a mix."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest
from sqlalchemy import func, select

from connectors.store import create_store_engine, read_snapshot, write_session
from connectors.store.models import PLAN_MODELS, PlanningRun
from connectors.store import plans
from connectors.store.plans import current_run_id, load_plan, publish_plan
from connectors.store.runs import start_run, utc_now
from tests.connectors.store.sample_plans import sample_plan


def _publish(engine, plan, *, keep_plans: int = 30) -> int:
    with write_session(engine) as session:
        run = start_run(session, trigger="test", as_of=dt.date(2026, 11, 23), options={})
        publish_plan(session, run, plan, now=utc_now(), keep_plans=keep_plans)
        return run.id


def _store_scenario(engine, scenario: str, tag: str, *, keep_plans: int) -> int:
    """Store ``sample_plan(tag)`` as a finished run of ``scenario``; its run id."""
    with write_session(engine) as session:
        run = start_run(session, trigger="scenario", as_of=dt.date(2026, 11, 23), options={}, scenario=scenario,
                        request_token=f"token-{tag}")
        plans.store_plan(session, run, sample_plan(tag), now=utc_now(), keep_plans=keep_plans)
        return run.id


def _rows_of(session, run_id: int) -> dict[str, int]:
    return {
        name: session.connection().execute(
            select(func.count()).select_from(model.__table__).where(model.__table__.c.run_id == run_id)).scalar()
        for name, model in PLAN_MODELS.items()
    }


def test_a_published_plan_reads_back_as_it_was_given(engine):
    plan = sample_plan("A")
    run_id = _publish(engine, plan)
    with read_snapshot(engine) as session:
        assert current_run_id(session) == run_id
        back = load_plan(session)
    for name in ("purchase_suggestions", "schedule", "mrp_records"):
        given = getattr(plan, name)
        pd.testing.assert_frame_equal(getattr(back, name)[list(given.columns)], given, obj=name)
    assert (back.purchase_suggestions["reason"] == "").all()  # a plan without reasons has none stored
    assert back.planned_orders is None and back.exceptions is None  # stages that did not run stay absent
    assert back.summary == plan.summary


def test_the_buyer_reasons_and_clear_to_build_are_stored_with_the_plan(engine):
    plan = sample_plan("A")
    plan.purchase_suggestions = plan.purchase_suggestions.assign(
        lead_time_days=[14, 70], reason=["MOQ 2500", "price break at 5000"], serves=["2027-01-20: 1800", ""],
        demands=["SO-1", ""], customers=["ACME", ""], days_late=[0, 3], late_qty=[0.0, 40.0], surplus_qty=[700.0, 0.0],
        alternative=["MOUSER M-1 at 0.5", ""], alternative_cost_difference=[12.5, None])
    plan.schedule = plan.schedule.assign(clear_to_build=[False])
    run_id = _publish(engine, plan)
    with read_snapshot(engine) as session:
        back = load_plan(session, run_id)
    row = back.purchase_suggestions.iloc[1]
    assert (row["reason"], row["days_late"], row["late_qty"], row["lead_time_days"]) == ("price break at 5000", 3, 40.0, 70)
    assert back.purchase_suggestions.iloc[0]["alternative_cost_difference"] == 12.5
    assert list(back.schedule["clear_to_build"]) == [False]


def test_the_rough_cut_capacity_is_stored_with_the_plan(engine):
    plan = sample_plan("A")
    plan.capacity_load = pd.DataFrame({
        "line_id": pd.Series(["SMT1", "SMT1", "SMT2"], dtype=object),
        "week_start": pd.to_datetime(["2026-12-21", "2026-12-28", "2026-12-21"]).astype("datetime64[ns]"),
        "load_hours": [90.5, 12.0, 0.5], "available_hours": [80.0, 80.0, 0.0],
        "utilisation_pct": [113.1, 15.0, float("nan")],
    })
    run_id = _publish(engine, plan)
    with read_snapshot(engine) as session:
        back = load_plan(session, run_id)
        run = session.get(PlanningRun, run_id)
    pd.testing.assert_frame_equal(back.capacity_load, plan.capacity_load, obj="capacity_load")
    assert "capacity_load" in run.tables and run.counts["outputs"]["capacity_load"] == 3


def test_a_reader_during_publish_sees_the_old_plan_whole_then_the_new_one_whole(engine, store_url, monkeypatch):
    old_plan, new_plan = sample_plan("A", records=50), sample_plan("B", records=2000)
    old_run = _publish(engine, old_plan)
    old_rows = {"purchase_suggestions": 2, "schedule": 1, "mrp_records": 50}

    writer = create_store_engine(store_url)
    halfway, resume = threading.Event(), threading.Event()
    insert_frame = plans.insert_frame

    def pause_after_the_schedule(connection, frame, table, *args, **kwargs):
        count = insert_frame(connection, frame, table, *args, **kwargs)
        if table.name == "plan_schedule":
            halfway.set()  # suggestions and the schedule are written, MRP records not yet
            resume.wait(30)
        return count

    monkeypatch.setattr(plans, "insert_frame", pause_after_the_schedule)

    publisher = threading.Thread(target=lambda: results.append(_publish(writer, new_plan)))
    results: list[int] = []
    publisher.start()
    try:
        assert halfway.wait(30), "the publisher never got half-way"
        with read_snapshot(engine) as session:
            seen = current_run_id(session)
            rows = _rows_of(session, seen)
            unpublished = session.connection().execute(select(func.max(PlanningRun.id))).scalar()
        assert seen == old_run
        assert {k: v for k, v in rows.items() if v} == old_rows
        assert unpublished == old_run  # not even the new run record is visible yet
    finally:
        resume.set()
        publisher.join(30)
        writer.dispose()
    with read_snapshot(engine) as session:
        assert current_run_id(session) == results[0]
        assert {k: v for k, v in _rows_of(session, results[0]).items() if v} == {
            "purchase_suggestions": 2, "schedule": 1, "mrp_records": 2000}


def test_only_the_latest_plans_keep_their_outputs(engine):
    first = _publish(engine, sample_plan("A"), keep_plans=2)
    second = _publish(engine, sample_plan("B"), keep_plans=2)
    third = _publish(engine, sample_plan("A"), keep_plans=2)
    with read_snapshot(engine) as session:
        assert session.get(PlanningRun, first).status == "archived"
        assert sum(_rows_of(session, first).values()) == 0
        assert load_plan(session, first) is None
        assert [session.get(PlanningRun, r).status for r in (second, third)] == ["published", "published"]
        assert load_plan(session, second).purchase_suggestions["quantity"].tolist() == [20100.0, 2500.0]


@pytest.mark.parametrize("bad", ["planned_orders"])
def test_a_plan_table_missing_contract_columns_stores_what_it_has(engine, bad):
    plan = sample_plan("A")
    plan.planned_orders = pd.DataFrame({"order_id": ["P1"], "item_id": ["X"], "quantity": [5.0]}).astype(
        {"order_id": object, "item_id": object})
    run_id = _publish(engine, plan)
    with read_snapshot(engine) as session:
        back = load_plan(session, run_id).planned_orders
    assert back.loc[0, ["order_id", "item_id", "quantity"]].tolist() == ["P1", "X", 5.0]
    assert back.loc[0, "customer_id"] == "" and pd.isna(back.loc[0, "due_date"])


def test_a_scenario_plan_is_stored_unpublished_and_only_its_latest_runs_keep_their_rows(engine):
    published = _publish(engine, sample_plan("A"))
    stored = [_store_scenario(engine, "what_if", tag, keep_plans=3) for tag in "BCDE"]
    with read_snapshot(engine) as session:
        assert current_run_id(session) == published
        statuses = {r.id: r.status for r in session.exec(select(PlanningRun)).scalars()}
        assert statuses == {published: "published", stored[0]: "archived",
                            **{run_id: "finished" for run_id in stored[1:]}}
        assert set(_rows_of(session, stored[0]).values()) == {0}
        assert load_plan(session, stored[-1]).summary == sample_plan("E").summary
        assert _rows_of(session, published) == {name: len(getattr(sample_plan("A"), name)) for name in PLAN_MODELS
                                                if getattr(sample_plan("A"), name) is not None} | \
            {name: 0 for name in PLAN_MODELS if getattr(sample_plan("A"), name) is None}


def test_a_second_attempt_of_a_request_takes_up_its_run(engine):
    with write_session(engine) as session:
        first = start_run(session, trigger="scenario", as_of=dt.date(2026, 11, 23), options={}, scenario="s",
                          request_token="same")
    with write_session(engine) as session:
        again = start_run(session, trigger="scenario", as_of=dt.date(2026, 11, 23), options={}, scenario="s",
                          request_token="same")
        assert again.id == first.id and again.status == "running"
        plans.store_plan(session, again, sample_plan("B"), now=utc_now(), keep_plans=3)
    with write_session(engine) as session:
        done = start_run(session, trigger="scenario", as_of=dt.date(2026, 11, 23), options={}, scenario="s",
                         request_token="same")
        assert (done.id, done.status) == (first.id, "finished")
    with read_snapshot(engine) as session:
        assert session.exec(select(func.count()).select_from(PlanningRun)).scalar() == 1


def test_plan_rows_belong_only_to_kept_runs_after_pruning_archiving_and_a_failed_publish(engine, monkeypatch):
    """Plan tables have no foreign key to the runs: the store alone keeps every row's run a kept one."""
    published = [_publish(engine, sample_plan(tag), keep_plans=2) for tag in "ABCD"]
    scenarios = [_store_scenario(engine, "s", tag, keep_plans=1) for tag in "BC"]
    insert_frame = plans.insert_frame

    def fail_at_the_schedule(connection, frame, table, *args, **kwargs):
        if table.name == "plan_schedule":
            raise RuntimeError("disk full")
        return insert_frame(connection, frame, table, *args, **kwargs)

    monkeypatch.setattr(plans, "insert_frame", fail_at_the_schedule)
    with pytest.raises(RuntimeError, match="disk full"):
        _publish(engine, sample_plan("A"), keep_plans=2)  # suggestions were written before the failure
    with read_snapshot(engine) as session:
        runs_with_rows = {
            run_id for model in PLAN_MODELS.values()
            for run_id in session.connection().execute(select(model.__table__.c.run_id).distinct()).scalars()}
        assert current_run_id(session) == published[-1]
    assert runs_with_rows == {published[2], published[3], scenarios[1]}
