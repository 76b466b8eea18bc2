"""What-if scenarios: create, list, run (never published) and compare; planners and admins.

The work is done by the functions ``jobs`` hands in (:class:`connectors.api.actions.ScenarioActions`),
the very ones ``reelplan scenario`` calls.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import BaseModel, Field

from connectors.api import audit
from connectors.api.actions import ScenarioActions
from connectors.api.auth import Permission
from connectors.api.deps import ReadSession, caller
from connectors.store import write_session

NAME = Field(min_length=1, max_length=100, pattern=r"^\S+$", description="scenario name, without spaces")


class ScenarioIn(BaseModel):
    name: str = NAME
    description: str = Field("", max_length=2000)
    changes: list[dict[str, Any]] = Field(
        min_length=1, max_length=200,
        description='the changes in order, each {"kind": KIND, parameter: value, ...}; kinds and parameters in '
                    "docs/scenarios.md (scale_demand, add_demand, remove_demand, lead_time, price, stock, "
                    "remove_supplier, line_down, setting)")


class ScenarioOut(BaseModel):
    name: str
    description: str
    changes: list[dict[str, Any]]
    created_by: str
    created_at: dt.datetime
    last_run: dict[str, Any] | None = Field(None, description="the scenario's last finished run: run_id, as_of, costs")


class ScenarioRunIn(BaseModel):
    names: list[str] = Field(min_length=1, max_length=50, description="scenarios to plan (side by side on a cluster)")
    as_of: dt.date | None = Field(None, description="planning date; default: today in the factory's time zone")


class ScenarioRunOut(BaseModel):
    scenario: str
    token: str = Field(description="the request's token: its run is the one of GET /runs with this request_token")
    as_of: dt.date


def build_router(actions: ScenarioActions | None) -> APIRouter:
    router = APIRouter(prefix="/api/v1/scenarios", tags=["scenarios"])
    if actions is None:
        return router

    def refused(exc: Exception) -> HTTPException:
        return HTTPException(404 if isinstance(exc, actions.not_found) else 422, detail=str(exc))

    @router.get("", response_model=list[ScenarioOut], summary="The stored scenarios, with their last run")
    def list_scenarios(session: ReadSession, who: caller(Permission.PLAN_SCENARIOS)) -> list[dict]:
        return actions.list(session)

    @router.post("", status_code=201, response_model=ScenarioOut,
                 responses={422: {"description": "A change that does not apply, or the name is taken."}},
                 summary="Store a scenario: the store's data with changes (checked now; nothing planned)")
    def create(request: Request, who: caller(Permission.PLAN_SCENARIOS),
               body: Annotated[ScenarioIn, Body()]) -> dict:
        engine = request.app.state.engine
        try:
            created = actions.create(engine, body.name, body.changes, description=body.description,
                                     created_by=who.name)
        except actions.error as exc:
            raise HTTPException(422, detail=str(exc)) from None
        with write_session(engine) as session:
            audit.record(session, who, "scenario.create", f"scenario:{body.name}", after=created["changes"])
        return created

    @router.post("/run", status_code=202, response_model=list[ScenarioRunOut],
                 responses={404: {"description": "No such scenario."},
                            422: {"description": "A scenario no longer applies to the data, or the cluster "
                                                 "cannot be used."}},
                 summary="Plan scenarios (in the background; their runs are never published)")
    def run(request: Request, who: caller(Permission.PLAN_SCENARIOS),
            body: Annotated[ScenarioRunIn, Body()]) -> list[dict]:
        engine = request.app.state.engine
        try:
            requests = actions.prepare_runs(engine, list(dict.fromkeys(body.names)), body.as_of)
        except (*actions.error, *actions.not_found) as exc:
            raise refused(exc) from None
        threading.Thread(target=actions.run, args=(engine, requests), name="reelplan-api-scenarios",
                         daemon=True).start()
        with write_session(engine) as session:
            audit.record(session, who, "scenario.run", ",".join(body.names),
                         after=[{"scenario": r.scenario, "token": r.token} for r in requests])
        return [{"scenario": r.scenario, "token": r.token, "as_of": r.as_of} for r in requests]

    @router.get("/compare", summary="Plans side by side: 'published' and scenarios' last runs",
                responses={404: {"description": "No such scenario, or one without a finished run."}})
    def compare(session: ReadSession, who: caller(Permission.PLAN_SCENARIOS),
                names: Annotated[list[str], Query(min_length=1, max_length=20,
                                                  description="'published' and scenario names")],
                top: Annotated[int, Query(ge=1, le=1000, description="items whose buy changed most")] = 10) -> dict:
        try:
            return actions.compare(session, names, top=top)
        except actions.not_found as exc:
            raise HTTPException(404, detail=str(exc)) from None

    return router
