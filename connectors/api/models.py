"""The API's own tables, on the store's SQLModel metadata: bearer tokens and the audit log.

A token is stored only as the SHA-256 of its secret (the secret is shown once, at creation);
``prefix`` keeps its first characters so a person can tell tokens apart in a list. Tokens
are never deleted, only revoked, so the audit log can always name who did what. Times are
naive UTC, as everywhere in the store.

Migration: ``connectors/store/migrations/versions/0002_api_auth.py``.
"""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    role: str
    token_hash: str = Field(unique=True)
    prefix: str
    created_at: dt.datetime = Field(sa_type=DateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(SQLModel, table=True):
    """One decision taken through the API: who (token), when (UTC), what, before and after."""

    __tablename__ = "api_audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True, sa_type=DateTime)
    token_id: int | None = Field(default=None, foreign_key="api_tokens.id")
    token_name: str
    role: str
    action: str = Field(index=True)
    target: str = ""
    before: Any = Field(default=None, sa_type=JSON, nullable=True)
    after: Any = Field(default=None, sa_type=JSON, nullable=True)
