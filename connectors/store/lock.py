"""The planning lock: at most one planning run at a time per site of a store, across processes.

Each site has its own lock (:func:`planning_lock_name`), so two sites plan at once and one
site never twice. PostgreSQL: a session-level advisory lock held on a dedicated connection.
SQLite: an exclusive lock (``filelock``: ``flock`` on Unix, ``msvcrt`` locking on Windows)
on a file beside the database (``reelplan.db.planning.lock`` for the default site,
``reelplan.db.planning-NAME.lock`` for site NAME). Both are released by the system when
the holder dies, even by ``kill -9``, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text

from connectors.store.engine import is_sqlite
from connectors.store.models import DEFAULT_SITE


class LockBusy(RuntimeError):
    """Another process (or thread) holds the lock."""


def planning_lock_name(site: str = DEFAULT_SITE) -> str:
    """The name of the planning lock of ``site`` (the default site's is plain ``planning``)."""
    return "planning" if site == DEFAULT_SITE else f"planning-{site}"


def _advisory_key(name: str) -> int:
    return zlib.crc32(f"reelplan:{name}".encode())


@contextmanager
def exclusive_lock(engine: Engine, name: str = "planning") -> Iterator[None]:
    """Hold the store-wide lock ``name`` for the block; raises :class:`LockBusy` at once if taken."""
    if is_sqlite(engine):
        with _file_lock(engine, name):
            yield
        return
    key = _advisory_key(name)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            raise LockBusy(name)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(engine: Engine, name: str) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ValueError("a planning lock needs a database file or server, not an in-memory SQLite database")
    path = Path(database).with_name(f"{Path(database).name}.{name}.lock")
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(name) from None
    try:
        yield
    finally:
        lock.release()
