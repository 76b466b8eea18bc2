"""API test fixtures: a migrated store (SQLite, and a throwaway PostgreSQL database when the
local server answers), tokens for every role, and an ASGI client on ``create_app``.

The client drives the app through ``httpx.ASGITransport`` (Starlette's TestClient warns
about httpx and would need the ``httpx2`` package)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, inspect, text

from connectors.api.app import create_app
from connectors.api.auth import Role, create_token
from connectors.api.settings import ApiSettings
from connectors.store import open_store, write_session
from jobs.cli.serve import planning_actions

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=2"


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_store() -> Iterator[Engine]:
    """One throwaway, migrated PostgreSQL database for the session (dropped at the end)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"reelplan_api_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {exc}")
    engine = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_engine(postgres_store: Engine) -> Engine:
    """The session's PostgreSQL store, emptied (every table but Alembic's) for this test."""
    tables = [t for t in inspect(postgres_store).get_table_names() if t != "alembic_version"]
    with postgres_store.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    return postgres_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The store on each engine the API must work on."""
    return request.getfixturevalue(f"{request.param}_engine")


def make_tokens(engine: Engine) -> dict[str, str]:
    """One token per role; returns role -> secret."""
    with write_session(engine) as session:
        return {role.value: create_token(session, role=role, name=f"test-{role.value}")[1] for role in Role}


class ApiClient:
    """A synchronous client on the ASGI app: one event loop per request, no server, no socket."""

    def __init__(self, app: FastAPI, *, raise_app_exceptions: bool = True) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=self.raise_app_exceptions)
            async with httpx.AsyncClient(transport=transport, base_url="http://reelplan.test") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)


def make_client(engine: Engine, **settings: object) -> ApiClient:
    return ApiClient(create_app(ApiSettings(**settings), engine=engine, actions=planning_actions()))


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    return make_tokens(engine)


@pytest.fixture
def client(engine: Engine) -> ApiClient:
    return make_client(engine)


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
