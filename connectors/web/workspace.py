"""What every page needs: the store, the planning actions, who is signed in, and the page shell."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import app as gui
from nicegui import ui
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from connectors.api import audit
from connectors.api.actions import Outbox, PlanningActions
from connectors.api.auth import Permission, Role
from connectors.store import read_snapshot, write_session
from connectors.store.models import DEFAULT_SITE, PlanningRun
from connectors.web.sessions import Sessions, SignedIn
from connectors.web.settings import WebSettings
from connectors.web.users import LoginThrottle, active_user

#: Navigation: label, path, the permission a role needs to see it.
PAGES: tuple[tuple[str, str, Permission | None], ...] = (
    ("Buy", "/buy", Permission.READ_PLAN),
    ("Schedule", "/schedule", Permission.READ_PLAN),
    ("Exceptions", "/exceptions", Permission.READ_PLAN),
    ("Runs", "/runs", Permission.READ_RUNS),
    ("Admin", "/admin", Permission.READ_AUDIT),
)
#: Where each role lands after signing in.
HOME: dict[Role, str] = {Role.BUYER: "/buy", Role.PLANNER: "/schedule", Role.ADMIN: "/runs", Role.ERP: "/exceptions"}
#: How long starting a run waits for the run to be recorded.
RUN_STARTUP_WAIT_S = 10.0


@dataclass
class Workspace:
    """The store and the planning actions the pages work with, and the signed-in users."""

    engine: Engine
    actions: PlanningActions
    outbox: Outbox | None
    settings: WebSettings
    sessions: Sessions
    throttle: LoginThrottle

    # --- who is there -------------------------------------------------------------------

    def browser_id(self) -> str | None:
        return gui.storage.browser.get("id")

    def user(self) -> SignedIn | None:
        """The signed-in user of this page's browser, re-read from the store (disabled users are out)."""
        browser = self.browser_id()
        signed = self.sessions.user(browser)
        if signed is None:
            return None
        with read_snapshot(self.engine) as session:
            stored = active_user(session, signed.name)
        if stored is None:
            self.sessions.sign_out(browser or "")
            return None
        return SignedIn(name=stored.name, role=Role(stored.role))

    def page(self, title: str, permission: Permission | None) -> SignedIn | RedirectResponse:
        """Check the visitor and draw the shell (header, navigation); a redirect to the login otherwise."""
        user = self.user()
        if user is None:
            return RedirectResponse("/login")
        if permission is not None and not user.can(permission):
            return RedirectResponse(HOME[user.role])
        self._shell(title, user)
        return user

    def _shell(self, title: str, user: SignedIn) -> None:
        ui.page_title(f"{title} · reelplan")
        ui.query("body").classes("bg-grey-1")
        with ui.header().classes("items-center gap-4 px-4 py-2 bg-blue-grey-9"):
            ui.label("reelplan").classes("text-h6 text-weight-bold")
            for label, path, needed in PAGES:
                if needed is None or user.can(needed):
                    link = ui.link(label, path).classes("text-white no-underline text-subtitle1")
                    if label == title:
                        link.classes("text-weight-bold border-b-2")
            ui.space()
            ui.label(f"{user.name} · {user.role.value}").classes("text-subtitle2").props('data-testid="whoami"')
            ui.button("Sign out", on_click=self._sign_out).props("flat color=white dense no-caps")

    def _sign_out(self) -> None:
        self.sessions.sign_out(self.browser_id() or "")
        ui.navigate.to("/login")

    # --- the store ----------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_snapshot(self.engine) as session:
            yield session

    def decide(self, user: SignedIn, permission: Permission, action: str, target: str, before: Any,
               call: Callable[[Session], Any]) -> Any:
        """Take a decision with its audit entry in one transaction; ``decision_error`` leaves nothing changed.

        Raises ``decision_error`` too when the user's role may not take it (whatever the page showed).
        """
        if not user.can(permission):
            raise self.actions.decision_error(f"Role {user.role.value!r} may not {permission.value}.")
        with write_session(self.engine) as session:
            before_dump = _dump(before(session)) if callable(before) else None
            after = call(session)
            audit.record(session, user.principal, action, target, before=before_dump, after=_dump(after))
            return after

    # --- runs ---------------------------------------------------------------------------

    def start_run(self, user: SignedIn, as_of: dt.date) -> int:
        """Start a planning run in the background; returns its id once recorded.

        Raises ``actions.run_in_progress`` when another run holds the lock, RuntimeError when
        the run could not start.
        """
        run_now = self.actions.run_now
        if not user.can(Permission.TRIGGER_RUN):
            raise RuntimeError(f"role {user.role.value!r} may not start a run")
        if run_now is None:
            raise RuntimeError("this server cannot start runs")
        with read_snapshot(self.engine) as session:
            last = session.exec(select(func.max(PlanningRun.id))).one() or 0
        outcome: dict[str, BaseException] = {}

        def work() -> None:
            try:
                run_now(self.engine, as_of)
            except BaseException as exc:  # recorded on the run by jobs.runs; kept for the page
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="reelplan-web-run", daemon=True)
        worker.start()
        deadline = time.monotonic() + RUN_STARTUP_WAIT_S
        while True:
            with read_snapshot(self.engine) as session:
                run = session.exec(select(PlanningRun).where(PlanningRun.id > last, PlanningRun.site == DEFAULT_SITE)
                                   .order_by(col(PlanningRun.id))).first()
            if run is not None:
                with write_session(self.engine) as session:
                    audit.record(session, user.principal, "run.trigger", f"run:{run.id}", after={"as_of": as_of})
                return run.id or 0
            if isinstance(outcome.get("error"), self.actions.run_in_progress):
                raise outcome["error"]
            if not worker.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the run could not be started; see the server log")
            time.sleep(0.05)


def _dump(record: Any) -> Any:
    if isinstance(record, list):
        return [_dump(r) for r in record]
    return audit.jsonable(record.model_dump()) if hasattr(record, "model_dump") else audit.jsonable(record)


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def price(value: float | None) -> str:
    """A unit price: four decimals (components cost fractions of a cent)."""
    return "" if value is None else f"{value:,.4f}"


def number(value: float | None) -> str:
    return "" if value is None else f"{value:,.10g}"


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value.isoformat()
