"""Revision 0010_plan_rows_unchecked on a store with published plans: the plan tables lose their
foreign key to the runs and keep every row; going back gives the key back, rows kept, and
the way forth again works on the key as the way back made it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from connectors.store import create_store_engine, import_folder, migrate, read_snapshot, write_session
from connectors.store.models import PLAN_MODELS
from connectors.store.plans import current_run_id, load_plan, publish_plan
from connectors.store.runs import start_run, utc_now
from tests.connectors.store.fixtures import SMALL, downgrade_store
from tests.connectors.store.sample_plans import sample_plan


def _publish(engine: sa.Engine, tag: str) -> int:
    with write_session(engine) as session:
        run = start_run(session, trigger="test", as_of=dt.date(2026, 11, 23), options={})
        publish_plan(session, run, sample_plan(tag, records=300), now=utc_now(), keep_plans=30)
        return run.id


def _foreign_keys(engine: sa.Engine) -> dict[str, tuple]:
    """Each plan table's foreign keys as (columns, referred table)."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        return {model.__table__.name: tuple((tuple(fk["constrained_columns"]), fk["referred_table"])
                                            for fk in inspector.get_foreign_keys(model.__table__.name))
                for model in PLAN_MODELS.values()}


def _assert_plans_kept(engine: sa.Engine, runs: dict[int, str]) -> None:
    with read_snapshot(engine) as session:
        assert current_run_id(session) == max(runs)
        for run_id, tag in runs.items():
            given, back = sample_plan(tag, records=300), load_plan(session, run_id)
            for name in ("purchase_suggestions", "schedule", "mrp_records"):
                pd.testing.assert_frame_equal(getattr(back, name)[list(getattr(given, name).columns)],
                                              getattr(given, name), obj=name)


def test_plans_published_before_the_revision_are_kept_and_the_plan_tables_refer_to_no_run(empty_store_url):
    engine = create_store_engine(empty_store_url)
    try:
        migrate(engine, "0009_sites")
        import_folder(engine, SMALL)
        runs = {_publish(engine, "A"): "A", _publish(engine, "B"): "B"}
        assert set(_foreign_keys(engine).values()) == {((("run_id",), "planning_runs"),)}

        migrate(engine)
        assert set(_foreign_keys(engine).values()) == {()}
        _assert_plans_kept(engine, runs)
        runs[_publish(engine, "C")] = "C"  # publishing works on the migrated tables
        _assert_plans_kept(engine, runs)

        downgrade_store(engine, "0009_sites")
        assert set(_foreign_keys(engine).values()) == {((("run_id",), "planning_runs"),)}
        _assert_plans_kept(engine, runs)
        migrate(engine)  # and forth again
        assert set(_foreign_keys(engine).values()) == {()}
        _assert_plans_kept(engine, runs)
    finally:
        engine.dispose()
