"""The FastAPI application: built by :func:`create_app`, never a module-level singleton."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from swagger_ui_bundle import swagger_ui_path

from connectors.api.actions import Outbox, PlanningActions
from connectors.api.errors import install_error_handlers
from connectors.api.routes import audit_log, data, decisions, health, plan, runs, scenarios
from connectors.api.settings import ApiSettings
from connectors.store import open_store

DESCRIPTION = """\
ERP systems push master data and transactions and pull the published plan; buyers and
planners record their decisions. Every endpoint but `/health` needs a bearer token
(`reelplan token create --role erp|buyer|planner|admin --name NAME`). See docs/api.md.
"""


def create_app(settings: ApiSettings | None = None, *, engine: Engine | None = None,
               actions: PlanningActions | None = None, outbox: Outbox | None = None) -> FastAPI:
    """An app on the store at ``settings.db_url`` (migrated), or on ``engine`` when given.

    ``actions`` are the planning functions of ``jobs`` (``reelplan serve`` passes them);
    without them the app serves data and plan reads only. With an ``outbox``, approved
    purchase orders are sent to the ERP as soon as they are approved.
    """
    actions = actions or PlanningActions()
    settings = settings or ApiSettings()
    app = FastAPI(
        title="reelplan API", version="1", description=DESCRIPTION,
        max_body_size=settings.max_body_bytes, docs_url=None, redoc_url=None,
    )
    _offline_docs(app)
    app.state.settings = settings
    app.state.outbox = outbox
    app.state.engine = engine or open_store(settings.db_url)
    install_error_handlers(app)
    for module in (health, data, plan, runs, audit_log):
        app.include_router(module.router)
    app.include_router(runs.build_action_router(actions))
    app.include_router(decisions.build_router(actions))
    app.include_router(scenarios.build_router(actions.scenarios))
    return app


DOCS_ASSETS = "/docs/assets"


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` from the files of the installed ``swagger-ui-bundle`` package, so the
    page works on a factory network without internet access (no CDN)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - documentation",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )
