"""The store's schema: one table per dataset table with the same columns, and an initial
migration that creates exactly what the models describe."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

from connectors.store import create_store_engine, migrate
from connectors.store.config import MODEL_MODULES
from connectors.store.engine import MIGRATIONS_DIR
from connectors.store.models import (
    DATASET_MODELS, PLAN_EXTRA_COLUMNS, PLAN_MODELS, PLAN_STORE_COLUMNS, STORE_COLUMNS,
)
from mrp.dataset import TABLES
from mrp.plan import PLAN_COLUMNS

SQL_TYPE = {"str": sa.String, "enum": sa.String, "int": sa.Integer, "float": sa.Float, "date": sa.Date,
            "bool": sa.Boolean}


def test_every_dataset_table_has_a_store_table():
    assert list(DATASET_MODELS) == list(TABLES)


@pytest.mark.parametrize("name", list(TABLES))
def test_store_table_agrees_with_the_dataset_schema_column_by_column(name):
    schema, table = TABLES[name], DATASET_MODELS[name].__table__
    stored = [c for c in table.columns if c.name not in STORE_COLUMNS]
    assert sorted(c.name for c in stored) == sorted(schema.column_names)
    for column in schema.columns:
        sql = table.c[column.name]
        sql_type = sql.type.impl if isinstance(sql.type, sa.TypeDecorator) else sql.type
        assert isinstance(sql_type, SQL_TYPE[column.kind]), column.name
        # A value is always there when the file must give it or the reader fills a default.
        always = column.required or column.default is not None
        assert sql.nullable is not always, column.name
    key = schema.key or ("row_no",)
    assert tuple(c.name for c in table.primary_key.columns) == ("site", *key)  # keys are per site


@pytest.mark.parametrize("name", list(PLAN_COLUMNS))
def test_plan_tables_hold_the_plan_contract_columns(name):
    table = PLAN_MODELS[name].__table__
    stored = [c.name for c in table.columns if c.name not in PLAN_STORE_COLUMNS]
    assert stored == [*PLAN_COLUMNS[name], *PLAN_EXTRA_COLUMNS.get(name, ())]
    assert [c.name for c in table.primary_key.columns] == list(PLAN_STORE_COLUMNS)


def _differences(engine: Engine) -> list:
    ours = {t.name for t in SQLModel.metadata.sorted_tables if t.name in _our_tables()}
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_name": lambda name, kind, _parent: kind != "table" or name in ours,
        })
        return compare_metadata(context, SQLModel.metadata)


def _our_tables(module_names: tuple[str, ...] = MODEL_MODULES) -> set[str]:
    modules = [importlib.import_module(name) for name in module_names]
    return {t.name for t in SQLModel.metadata.sorted_tables
            if any(getattr(m, "__table__", None) is t for module in modules for m in vars(module).values())}


def test_the_migrated_database_matches_the_models(engine):
    assert _differences(engine) == []


def test_migrating_again_changes_nothing(engine):
    migrate(engine)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads()
    assert _differences(engine) == []


def test_the_initial_revision_is_0001_initial(empty_store_url):
    engine = create_store_engine(empty_store_url)
    try:
        migrate(engine, "0001_initial")
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == "0001_initial"
            tables = set(sa.inspect(connection).get_table_names())
        later = {"id_counters"} | WEB_TABLES | EMS_TABLES | SITE_TABLES
        assert _our_tables(("connectors.store.models",)) - later <= tables
        assert not WEB_TABLES & tables
    finally:
        engine.dispose()


def test_revision_0003_adds_the_id_counters_and_columns_and_removes_them(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        migrate(engine, "0003_stable_ids")
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert "id_counters" in inspector.get_table_names()
            assert {"po_line", "po_expedite"} <= {c["name"] for c in inspector.get_columns("suggestion_decisions")}
            assert "clear_to_build" in {c["name"] for c in inspector.get_columns("plan_schedule")}
        config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002_api_auth")
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert "id_counters" not in inspector.get_table_names()
            assert "reason" not in {c["name"] for c in inspector.get_columns("plan_purchase_suggestions")}
    finally:
        engine.dispose()


#: The web workspace's tables, added by revision 0004_web_users.
WEB_TABLES = {"web_users", "web_secret"}
EMS_TABLES = {"customers", "approved_mpns"}
#: Tables later revisions add (0009_sites).
SITE_TABLES = {"sites"}


def test_revision_0004_adds_the_web_users(empty_store_url):
    engine = create_store_engine(empty_store_url)
    try:
        migrate(engine, "0004_web_users")
        with engine.connect() as connection:
            assert WEB_TABLES <= set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()
