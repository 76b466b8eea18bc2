"""Engines, transactions and migrations for the store, the same on SQLite and PostgreSQL.

SQLite is used in WAL mode with SQLAlchemy emitting ``BEGIN`` itself (the pysqlite driver
would otherwise run every SELECT outside a transaction), so a reader's transaction sees one
consistent snapshot: the old plan or the new one, never a mix. Writers start with
``BEGIN IMMEDIATE`` and wait (``busy_timeout``) for each other instead of failing half-way.
On PostgreSQL a snapshot is a ``REPEATABLE READ`` transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from connectors.store.config import resolve_db_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 60.0
_IMMEDIATE = "reelplan_write"


ACCEPTED_URLS = "sqlite:///path/to/reelplan.db or postgresql+psycopg://user:password@host:5432/database"


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened; the message (one line) says why and how to fix it."""


def store_url(db_url: str) -> URL:
    """``db_url`` parsed and checked without connecting: a known database kind and, for SQLite, an existing folder."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        raise StoreUnavailable(f"'{db_url}' is not a database URL; give {ACCEPTED_URLS}.") from None
    try:
        dialect = url.get_dialect()
    except (NoSuchModuleError, ImportError):
        raise StoreUnavailable(f"Unknown kind of database '{url.drivername}' in '{_shown(url)}'; "
                               f"give {ACCEPTED_URLS}.") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUnavailable(f"reelplan stores on SQLite or PostgreSQL, not '{url.get_backend_name()}'; "
                               f"give {ACCEPTED_URLS}.")
    try:
        dialect.import_dbapi()
    except ImportError:
        raise StoreUnavailable(f"The database driver of '{url.drivername}' is not installed; "
                               f"give {ACCEPTED_URLS}.") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).absolute().parent
        if not folder.is_dir():
            raise StoreUnavailable(f"The folder {folder} of the SQLite store does not exist; create it "
                                   f"(mkdir -p {folder}) or give another --db.")
    return url


def check_connection(engine: Engine) -> None:
    """Connect once; a refusal becomes :class:`StoreUnavailable` with the fix."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        raise StoreUnavailable(_connection_problem(engine.url, str(exc.orig or exc))) from None


def _connection_problem(url: URL, error: str) -> str:
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "does not exist" in error and "database" in error:
        return (f"PostgreSQL at {where} has no database '{url.database}'; create it "
                f"(createdb -h {url.host or 'localhost'} -p {url.port or 5432} {url.database}) or give another --db.")
    if "Connection refused" in error:
        return f"Nothing answers at {where} (connection refused); start PostgreSQL there or give the right host and port in --db."
    if "password authentication failed" in error or "no password supplied" in error:
        return f"PostgreSQL at {where} refused the user '{url.username}'; give the right user and password in --db."
    if "resolve host" in error or "Name or service not known" in error:
        return f"The host '{url.host}' of '{_shown(url)}' is unknown; give the right host in --db."
    first = error.strip().splitlines()[0] if error.strip() else "cannot connect"
    return f"Cannot open the store '{_shown(url)}': {first}."


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def create_store_engine(db_url: str) -> Engine:
    """An engine on ``db_url``; the schema is not touched (see :func:`open_store`)."""
    url = store_url(db_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (below)
        cursor = dbapi_connection.cursor()
        if url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (the scripts ship in this package)."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_store(db_url: str | None = None) -> Engine:
    """An engine on the store at ``db_url`` (else ``REELPLAN_DB_URL``, else ``./reelplan.db``), migrated to the latest schema.

    Raises :class:`StoreUnavailable` (one line: what is wrong and the fix) before any work when
    the URL names an unknown kind of database, a SQLite file in a missing folder, or a server
    that refuses the connection or lacks the database.
    """
    engine = create_store_engine(resolve_db_url(db_url))
    check_connection(engine)
    migrate(engine)
    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any error.

    On SQLite the write lock is taken at BEGIN, so a read-then-write transaction never fails
    because another writer committed in between.
    """
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={_IMMEDIATE: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only session over one consistent snapshot of the whole database.

    Objects read stay usable after the block (detached, with the values they were read with).
    """
    options = {} if is_sqlite(engine) else {"isolation_level": "REPEATABLE READ"}
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options=options)
        try:
            yield session
        finally:
            session.expunge_all()
            session.rollback()
