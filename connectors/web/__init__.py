"""The web workspace: pages for buyers and planners on the API's store, roles and decisions.

:func:`mount_workspace` adds the pages (NiceGUI, on the API's FastAPI app) — ``reelplan
serve`` calls it. The pages call the same decision and run functions as the CLI and the API
(handed in as :class:`connectors.api.actions.PlanningActions`) and record every decision in
the API's audit log under the signed-in user's name. See docs/web.md.
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from nicegui import ui

from connectors.api.actions import Outbox, PlanningActions
from connectors.store import write_session
from connectors.web.pages import admin, buy, exceptions, login, runs, schedule
from connectors.web.sessions import Sessions
from connectors.web.settings import WebSettings
from connectors.web.users import LoginThrottle, session_secret
from connectors.web.workspace import Workspace


def mount_workspace(api: FastAPI, actions: PlanningActions, *, outbox: Outbox | None = None,
                    settings: WebSettings | None = None) -> Workspace:
    """Serve the workspace pages from ``api`` (the app of :func:`connectors.api.app.create_app`).

    Once per process: NiceGUI keeps its pages in one application.
    """
    settings = settings or WebSettings()
    engine = api.state.engine
    if settings.secret:
        secret = settings.secret
    else:
        with write_session(engine) as session:
            secret = session_secret(session)
    ws = Workspace(
        engine=engine, actions=actions, outbox=outbox, settings=settings,
        sessions=Sessions(time.monotonic, idle_s=settings.session_hours * 3600),
        throttle=LoginThrottle(time.monotonic, free_failures=settings.login_free_failures,
                               base_wait_s=settings.login_wait_s, max_wait_s=settings.login_max_wait_s),
    )
    for module in (login, buy, schedule, exceptions, runs, admin):
        module.register(ws)
    ui.run_with(api, title="reelplan", storage_secret=secret, show_welcome_message=False,
                session_middleware_kwargs={"same_site": "strict", "https_only": settings.https_only,
                                           "session_cookie": "reelplan_session"})
    return ws
