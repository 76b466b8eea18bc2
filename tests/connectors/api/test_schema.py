"""Revision 0002_api_auth creates exactly the API's and the ERP outbox's tables, and removes them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

from connectors.api.models import ApiToken, AuditEntry
from connectors.erp.models import ErpDelivery
from connectors.store.engine import MIGRATIONS_DIR

OURS = {m.__tablename__ for m in (ApiToken, AuditEntry, ErpDelivery)}


def _ours(obj: object, name: str, kind: str, _reflected: bool, _compare_to: object) -> bool:
    table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in OURS


def test_the_migrated_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _ours})
        assert compare_metadata(context, SQLModel.metadata) == []
        assert context.get_current_revision() == "0004_web_users"


def test_downgrading_to_0001_removes_only_our_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002_api_auth")
        before = set(sa.inspect(connection).get_table_names())
        command.downgrade(config, "0001_initial")
        after = set(sa.inspect(connection).get_table_names())
    engine.dispose()
    assert before - after == OURS
