"""A throwaway store on each database reelplan supports: a SQLite file, and a PostgreSQL
database created for the test and dropped after it.

PostgreSQL tests are skipped only when no server answers at ``REELPLAN_TEST_PG``
(default ``127.0.0.1:5432``, user postgres); with ``REELPLAN_TEST_REQUIRE_PG=1`` (CI) an
unreachable server fails them instead. Import the fixtures into a test module
(``from tests.connectors.store.fixtures import engine, postgres_database, store_url``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from connectors.store import open_store
from connectors.store.engine import MIGRATIONS_DIR

PG_ADMIN = os.environ.get("REELPLAN_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3")
DATA = Path(__file__).resolve().parents[2] / "data"
GATEWAY = DATA / "valid" / "gateway"
SMALL = DATA / "valid" / "small"


def _pg_url(name: str) -> str:
    params = dict(part.split("=", 1) for part in PG_ADMIN.split())
    user = params.get("user", "postgres")
    return f"postgresql+psycopg://{user}@{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{name}"


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database named ``prefix`` and a random tail, dropped on leaving; skips
    the test when no server answers (fails it under ``REELPLAN_TEST_REQUIRE_PG``)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get("REELPLAN_TEST_REQUIRE_PG"):
            raise
        pytest.skip(f"no PostgreSQL server reachable ({exc})")
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One PostgreSQL database per test session (per xdist worker), dropped at the end."""
    with throwaway_database("reelplan_test") as name:
        yield name


def _postgres_url(request: pytest.FixtureRequest, *, keep_schema: bool) -> str:
    name = request.getfixturevalue("postgres_database")
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    with psycopg.connect(PG_ADMIN.replace("dbname=postgres", f"dbname={name}"), autocommit=True) as database:
        tables = [row[0] for row in database.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
        if keep_schema and tables:
            database.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        else:
            database.execute("DROP SCHEMA public CASCADE")
            database.execute("CREATE SCHEMA public")
    return _pg_url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database without data: a new SQLite file, or the session's PostgreSQL
    database with every table emptied (quicker than migrating it again for each test)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _postgres_url(request, keep_schema=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database without any table (for migration tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _postgres_url(request, keep_schema=False)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """A migrated store on each database."""
    store = open_store(store_url)
    yield store
    store.dispose()


def downgrade_store(engine: Engine, revision: str) -> None:
    """Take the store back to migration ``revision`` (alembic's downgrade on ``engine``)."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
