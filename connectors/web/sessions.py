"""Who is signed in, per browser: kept in the server's memory, keyed by the browser's id.

The browser's id comes from NiceGUI's session cookie (signed, HttpOnly, SameSite=strict);
the cookie holds nothing else. Each page re-reads the user from the store, so a disabled
user or a changed role takes effect at the next page. Restarting the server signs everyone
out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from connectors.api.auth import Permission, Principal, Role


@dataclass(frozen=True)
class SignedIn:
    """A signed-in web user: name and role (the role's permissions are the API's)."""

    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return self.principal.can(permission)

    @property
    def principal(self) -> Principal:
        """The user as the audit log records a caller (``token_id`` 0: a person, not a token)."""
        return Principal(token_id=0, name=self.name, role=self.role)


class Sessions:
    """Browser id -> signed-in user, forgotten after ``idle_s`` seconds without a page."""

    def __init__(self, clock: Callable[[], float], idle_s: float) -> None:
        self._clock, self._idle_s = clock, idle_s
        self._by_browser: dict[str, tuple[SignedIn, float]] = {}
        self._lock = threading.Lock()

    def sign_in(self, browser_id: str, user: SignedIn) -> None:
        with self._lock:
            self._by_browser[browser_id] = (user, self._clock())

    def sign_out(self, browser_id: str) -> None:
        with self._lock:
            self._by_browser.pop(browser_id, None)

    def user(self, browser_id: str | None) -> SignedIn | None:
        """The user signed in on this browser (and their session kept alive), or None."""
        if browser_id is None:
            return None
        with self._lock:
            entry = self._by_browser.get(browser_id)
            if entry is None:
                return None
            user, last = entry
            now = self._clock()
            if now - last > self._idle_s:
                del self._by_browser[browser_id]
                return None
            self._by_browser[browser_id] = (user, now)
            return user
