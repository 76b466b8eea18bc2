"""The workspace's settings (environment ``REELPLAN_WEB_*``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """Session cookies, sign-in backoff and page sizes of the web workspace."""

    model_config = SettingsConfigDict(env_prefix="REELPLAN_WEB_", extra="ignore")

    #: Key that signs the session cookies; ``None`` uses the one kept in the store (made on first start).
    secret: str | None = None
    #: Send the session cookie over HTTPS only (set it when the workspace is served behind TLS).
    https_only: bool = False
    #: Hours a signed-in session lasts without a page being opened.
    session_hours: float = 12.0
    #: Failed sign-ins of one name before each further attempt must wait.
    login_free_failures: int = 3
    #: The first wait after those failures, in seconds; it doubles with each further failure.
    login_wait_s: float = 30.0
    #: The longest wait, in seconds.
    login_max_wait_s: float = 900.0
    #: Rows per page of the long lists (suggestions, exceptions).
    page_size: int = 50
