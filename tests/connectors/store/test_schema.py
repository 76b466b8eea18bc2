"""The store's schema: one table per dataset table with the same columns, and an initial
migration that creates exactly what the models describe."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

from connectors.store import create_store_engine, migrate
from connectors.store.config import MODEL_MODULES
from connectors.store.models import DATASET_MODELS, PLAN_MODELS, PLAN_STORE_COLUMNS, STORE_COLUMNS
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
    assert tuple(c.name for c in table.primary_key.columns) == key


@pytest.mark.parametrize("name", list(PLAN_COLUMNS))
def test_plan_tables_hold_the_plan_contract_columns(name):
    table = PLAN_MODELS[name].__table__
    assert [c.name for c in table.columns if c.name not in PLAN_STORE_COLUMNS] == list(PLAN_COLUMNS[name])
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
        assert _our_tables(("connectors.store.models",)) - WEB_TABLES <= tables
        assert not WEB_TABLES & tables
    finally:
        engine.dispose()


#: The web workspace's tables, added by revision 0004_web_users.
WEB_TABLES = {"web_users", "web_secret"}


def test_revision_0004_adds_the_web_users(empty_store_url):
    engine = create_store_engine(empty_store_url)
    try:
        migrate(engine, "0004_web_users")
        with engine.connect() as connection:
            assert WEB_TABLES <= set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()
