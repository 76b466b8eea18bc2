"""Bearer tokens with roles: who may call what.

A token is ``rp_`` followed by 43 url-safe characters (256 random bits). Only its SHA-256 is
stored: with that much entropy a fast hash is enough (nobody can guess their way to a
preimage), and it lets every request be checked with one indexed lookup. The secret is
shown once, when ``reelplan token create`` makes it.

Each role holds only the permissions its work needs (:data:`ROLE_PERMISSIONS`): an ERP
pushes data, pulls the plan and may start a run; a buyer decides on purchase suggestions;
a planner pins and freezes jobs, may start a run and asks what-if questions (scenarios); an
admin may do all of it and read the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from connectors.api.models import ApiToken

TOKEN_PREFIX = "rp_"


class Role(StrEnum):
    ERP = "erp"
    BUYER = "buyer"
    PLANNER = "planner"
    ADMIN = "admin"


class Permission(StrEnum):
    PUSH_DATA = "data:push"
    READ_DATA = "data:read"
    READ_PLAN = "plan:read"
    READ_RUNS = "runs:read"
    TRIGGER_RUN = "runs:trigger"
    DECIDE_PURCHASES = "purchases:decide"
    SCHEDULE_JOBS = "jobs:schedule"
    READ_AUDIT = "audit:read"
    PLAN_SCENARIOS = "scenarios:plan"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ERP: frozenset({Permission.PUSH_DATA, Permission.READ_DATA, Permission.READ_PLAN, Permission.READ_RUNS,
                         Permission.TRIGGER_RUN}),
    Role.BUYER: frozenset({Permission.READ_PLAN, Permission.READ_RUNS, Permission.DECIDE_PURCHASES}),
    Role.PLANNER: frozenset({Permission.READ_PLAN, Permission.READ_RUNS, Permission.TRIGGER_RUN,
                             Permission.SCHEDULE_JOBS, Permission.PLAN_SCENARIOS}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's id, name and role."""

    token_id: int
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_token(session: Session, *, role: Role | str, name: str, now: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token; returns its record and its secret (shown once, never stored)."""
    role = Role(role)
    if not name.strip():
        raise ValueError("a token needs a name that says who or what uses it")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip(), role=role.value, token_hash=hash_token(secret), prefix=secret[:8],
                     created_at=now or _utcnow())
    session.add(token)
    session.flush()
    return token, secret


def revoke_tokens(session: Session, name_or_id: str, *, now: dt.datetime | None = None) -> list[ApiToken]:
    """Revoke the active token with this id, or every active token with this name."""
    query = select(ApiToken).where(col(ApiToken.revoked_at).is_(None))
    if name_or_id.isdigit():
        query = query.where(ApiToken.id == int(name_or_id))
    else:
        query = query.where(ApiToken.name == name_or_id)
    tokens = list(session.exec(query.order_by(col(ApiToken.id))))
    for token in tokens:
        token.revoked_at = now or _utcnow()
        session.add(token)
    session.flush()
    return tokens


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(col(ApiToken.id))))


def authenticate(session: Session, secret: str) -> Principal | None:
    """The caller a secret belongs to, or None if it is unknown or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    if token is None or not token.active:
        return None
    return Principal(token_id=token.id or 0, name=token.name, role=Role(token.role))


_bearer = HTTPBearer(auto_error=False, description="A token from `reelplan token create --role ROLE --name NAME`.")


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"})


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing bearer token")
    engine: Engine = request.app.state.engine
    with Session(engine) as session:
        principal = authenticate(session, credentials.credentials)
    if principal is None:
        raise _unauthorized("unknown or revoked token")
    return principal


def require(permission: Permission) -> Callable[..., Principal]:
    """A dependency that lets the call through only for roles holding ``permission``."""

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.can(permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail=f"role {principal.role.value!r} may not {permission.value}")
        return principal

    return check
