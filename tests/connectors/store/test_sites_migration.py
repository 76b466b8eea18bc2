"""Revision 0009_sites on a store of one factory with data in it: every row goes to the site
``default``, the published plan and the id counters carry over, and nothing else changes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import select

from connectors.dataset import read_dataset
from connectors.store import create_store_engine, import_folder, load_dataset, migrate, read_snapshot
from connectors.store.dataset_io import _settings_rows
from connectors.store.frames import insert_frame
from connectors.store.ids import next_numbers
from connectors.store.models import DATASET_MODELS, IdCounter, PlanningRun
from connectors.store.plans import current_run_id, load_plan_table
from connectors.store.sites import site_names, sites_with_data
from mrp.dataset import TABLES
from tests.connectors.store.fixtures import SMALL, downgrade_store

STARTED = dt.datetime(2026, 11, 23, 2, 0)

_runs = sa.table("planning_runs", *(sa.column(c) for c in ("id", "trigger", "status", "stage", "as_of", "started_at",
                                                              "published_at", "host", "pid", "error")),
                 *(sa.column(c, sa.JSON) for c in ("options", "stage_seconds", "counts", "costs", "summary", "tables")))
_current = sa.table("current_plan", sa.column("id"), sa.column("run_id"), sa.column("published_at"))
_counters = sa.table("id_counters", sa.column("kind"), sa.column("next_number"))
_settings = sa.table("plan_settings", sa.column("key"), sa.column("value"))
_suggestions = sa.table("plan_purchase_suggestions", sa.column("run_id"), sa.column("row_no"),
                        sa.column("suggestion_id"), sa.column("item_id"), sa.column("quantity"))


def _store_at_0005_with_data(url: str) -> sa.Engine:
    """A store at revision 0005 holding the small dataset, one published run and its counters."""
    engine = create_store_engine(url)
    migrate(engine, "0005_ems_data")
    dataset, _ = read_dataset(SMALL)
    with engine.begin() as connection:
        for name, model in DATASET_MODELS.items():
            insert_frame(connection, dataset.table(name), model.__table__, TABLES[name].column_names)
        connection.execute(sa.insert(_settings), _settings_rows(dataset.settings))
        connection.execute(sa.insert(_runs), [{
            "id": 1, "trigger": "nightly", "status": "published", "stage": "published", "as_of": dt.date(2026, 11, 23),
            "started_at": STARTED, "published_at": STARTED, "host": "h", "pid": 1, "error": "", "options": {},
            "stage_seconds": {}, "counts": {}, "costs": {}, "summary": {}, "tables": ["purchase_suggestions"]}])
        connection.execute(sa.insert(_current), [{"id": 1, "run_id": 1, "published_at": STARTED}])
        connection.execute(sa.insert(_suggestions), [
            {"run_id": 1, "row_no": 1, "suggestion_id": "S-00007", "item_id": "MCU", "quantity": 2500.0}])
        connection.execute(sa.insert(_counters), [{"kind": "suggestion", "next_number": 8},
                                                  {"kind": "purchase_order", "next_number": 4}])
    return engine


def test_an_existing_store_migrates_with_every_row_in_the_default_site(empty_store_url):
    engine = _store_at_0005_with_data(empty_store_url)
    try:
        migrate(engine)
        expected, _ = read_dataset(SMALL)
        with read_snapshot(engine) as session:
            assert site_names(session) == ["default"] and sites_with_data(session) == ["default"]
            stored = load_dataset(session)
            for name in TABLES:
                pd.testing.assert_frame_equal(stored.table(name), expected.table(name), obj=name)
            assert stored.settings == expected.settings
            assert current_run_id(session) == 1 and session.get(PlanningRun, 1).site == "default"
            assert list(load_plan_table(session, "purchase_suggestions", 1)["suggestion_id"]) == ["S-00007"]
            assert next_numbers(session, ("suggestion", "planned_order", "purchase_order")) == {
                "suggestion": 8, "planned_order": 1, "purchase_order": 4}
            counters = {(c.site, c.kind): c.next_number for c in session.exec(select(IdCounter)).all()}
            assert counters == {("default", "suggestion"): 8, ("", "purchase_order"): 4}  # PO numbers store-wide
        import_folder(engine, SMALL, site="plant-2")  # the same keys in a second site: keys are per site now
        with read_snapshot(engine) as session:
            assert list(load_dataset(session, site="plant-2").items["item_id"]) == list(expected.items["item_id"])
            assert len(load_dataset(session).items) == len(expected.items)
    finally:
        engine.dispose()


def test_a_store_of_one_site_goes_back_to_0005_and_one_of_several_sites_is_refused(empty_store_url):
    engine = _store_at_0005_with_data(empty_store_url)
    try:
        migrate(engine)
        downgrade_store(engine, "0005_ems_data")
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT id, run_id FROM current_plan")).all() == [(1, 1)]
            assert connection.execute(sa.text("SELECT count(*) FROM items")).scalar() == 6
            assert "site" not in {c["name"] for c in sa.inspect(connection).get_columns("items")}
        migrate(engine)
        import_folder(engine, SMALL, site="plant-2")
        with pytest.raises(RuntimeError, match=r"holds sites besides 'default' \(plant-2\)"):
            downgrade_store(engine, "0005_ems_data")
    finally:
        engine.dispose()
