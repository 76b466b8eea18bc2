"""Web users: name + password (Argon2id hash), one of the API roles, and slowed-down failed logins.

A user signs in to the workspace with a name and a password; machines keep using bearer
tokens (:mod:`connectors.api.auth`). Roles and permissions are the API's
(:data:`connectors.api.auth.ROLE_PERMISSIONS`), so a buyer may do in the pages exactly what a
buyer token may do in the API.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from connectors.api.auth import Role
from connectors.store.models import WebSecret, WebUser
from connectors.store.runs import utc_now

#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


class UserError(ValueError):
    """A user cannot be created or changed; the message says why."""


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters (this one has {len(password)}).")
    return password


def create_user(session: Session, *, name: str, role: Role | str, password: str) -> WebUser:
    """A new web user with an Argon2id hash of ``password``."""
    name = name.strip()
    if not name:
        raise UserError("A user needs a name.")
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"Unknown role {role!r}; use one of {', '.join(r.value for r in Role)}.") from None
    if session.exec(select(WebUser).where(WebUser.name == name)).first() is not None:
        raise UserError(f"There is already a user {name!r}; change the password with `reelplan user password {name}`.")
    user = WebUser(name=name, role=role.value, password_hash=_hasher.hash(_checked_password(password)),
                   created_at=utc_now())
    session.add(user)
    session.flush()
    return user


def _user(session: Session, name: str) -> WebUser:
    user = session.exec(select(WebUser).where(WebUser.name == name)).first()
    if user is None:
        raise UserError(f"There is no user {name!r} (see `reelplan user list`).")
    return user


def set_password(session: Session, name: str, password: str) -> WebUser:
    """Give ``name`` a new password (its sessions are signed out at their next page)."""
    user = _user(session, name)
    user.password_hash = _hasher.hash(_checked_password(password))
    session.add(user)
    session.flush()
    return user


def disable_user(session: Session, name: str) -> WebUser:
    """Stop ``name`` from signing in; open pages of that user are signed out at their next page."""
    user = _user(session, name)
    if user.disabled_at is None:
        user.disabled_at = utc_now()
        session.add(user)
        session.flush()
    return user


def list_users(session: Session) -> list[WebUser]:
    return list(session.exec(select(WebUser).order_by(col(WebUser.name))))


def check_password(session: Session, name: str, password: str) -> WebUser | None:
    """The active user ``name`` if ``password`` is theirs, else None."""
    user = session.exec(select(WebUser).where(WebUser.name == name.strip())).first()
    if user is None or user.disabled_at is not None:
        _hasher.hash(password)  # the same work as a real check: timing does not tell which names exist
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def active_user(session: Session, name: str) -> WebUser | None:
    """The user ``name`` if it exists and is not disabled."""
    user = session.exec(select(WebUser).where(WebUser.name == name)).first()
    return user if user is not None and user.disabled_at is None else None


def session_secret(session: Session) -> str:
    """The key signing session cookies: the stored one, made and stored on first use."""
    stored = session.get(WebSecret, 1)
    if stored is None:
        stored = WebSecret(id=1, secret=secrets.token_urlsafe(32), created_at=utc_now())
        session.add(stored)
        session.flush()
    return stored.secret


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginThrottle:
    """Per-name backoff of failed logins.

    After ``free_failures`` failures of one name, each further attempt for that name must
    wait ``base_wait_s * 2 ** (failures - free_failures)`` seconds after the last failure
    (at most ``max_wait_s``); a success clears the count. Unknown names are throttled the
    same way, so the answer never tells whether a name exists. ``clock`` gives seconds
    (monotonic).
    """

    def __init__(self, clock: Callable[[], float], *, free_failures: int = 3, base_wait_s: float = 30.0,
                 max_wait_s: float = 900.0) -> None:
        self._clock = clock
        self.free_failures, self.base_wait_s, self.max_wait_s = free_failures, base_wait_s, max_wait_s
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, name: str) -> float:
        """How long ``name`` must still wait before the next attempt (0: it may try now)."""
        with self._lock:
            failures = self._failures.get(name.strip().lower())
            if failures is None or failures.count < self.free_failures:
                return 0.0
            wait = min(self.base_wait_s * 2.0 ** (failures.count - self.free_failures), self.max_wait_s)
            return max(0.0, failures.last + wait - self._clock())

    def failed(self, name: str) -> int:
        """Count a failed attempt; returns how many failures in a row ``name`` has now."""
        with self._lock:
            failures = self._failures.setdefault(name.strip().lower(), _Failures())
            failures.count += 1
            failures.last = self._clock()
            return failures.count

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.strip().lower(), None)
