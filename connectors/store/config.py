"""Where the store lives: typed settings read from the environment (``REELPLAN_DB_URL``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_URL = "sqlite:///reelplan.db"


class StoreSettings(BaseSettings):
    """Database location; a ``--db URL`` on the command line wins over the environment.

    ``db_url`` is an SQLAlchemy URL: ``sqlite:///reelplan.db`` (the default, a file in the
    current folder), ``sqlite:////var/lib/reelplan/plan.db`` (absolute path) or
    ``postgresql+psycopg://user:password@host:5432/reelplan``.
    """

    model_config = SettingsConfigDict(env_prefix="REELPLAN_", extra="ignore")

    db_url: str = DEFAULT_DB_URL


def resolve_db_url(db_url: str | None) -> str:
    """The URL to use: the explicit one, else ``REELPLAN_DB_URL``, else the default file."""
    return db_url or StoreSettings().db_url

#: Modules whose SQLModel tables the migrations manage (for ``alembic revision --autogenerate``).
MODEL_MODULES = ("connectors.store.models", "connectors.api.models", "connectors.erp.models")
