"""Alembic environment of the store: the connection comes from reelplan (or ``-x db_url=URL``).

Models are imported by module name so that a later revision only adds its module here.
"""

from __future__ import annotations

import importlib

from alembic import context
from sqlmodel import SQLModel

from connectors.store.config import MODEL_MODULES

for module in MODEL_MODULES:
    importlib.import_module(module)

target_metadata = SQLModel.metadata
#: Tables in the database that other software manages (APScheduler's job store).
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def _include_name(name: str | None, kind: str, _parent: dict) -> bool:
    return not (kind == "table" and name in FOREIGN_TABLES)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from connectors.store.engine import create_store_engine

    db_url = context.get_x_argument(as_dictionary=True).get("db_url")
    if not db_url:
        raise SystemExit("give the database: alembic ... -x db_url=URL")
    with create_store_engine(db_url).begin() as connection:
        _run(connection)


run_migrations()
