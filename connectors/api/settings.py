"""The API server's settings (environment ``REELPLAN_API_*``, overridden by ``reelplan serve`` flags)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """Where the store is and how much a client may send or ask for at once."""

    model_config = SettingsConfigDict(env_prefix="REELPLAN_API_", extra="ignore")

    #: SQLAlchemy URL of the store; ``None`` uses ``REELPLAN_DB_URL`` (see docs/store.md).
    db_url: str | None = None
    #: Largest request body accepted (bytes); larger bodies get 413 before they are read whole.
    max_body_bytes: int = 20 * 1024 * 1024
    #: Largest page a list endpoint returns; a larger ``limit`` is answered 422 with this maximum.
    max_page_size: int = 1000
    default_page_size: int = 100
