"""Starting a run through the API (jobs.runs.execute_run, the CLI's function) and reading its status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from sqlalchemy import Engine

from connectors.api.app import create_app
from connectors.api.settings import ApiSettings
from connectors.store.lock import exclusive_lock
from jobs.cli.serve import planning_actions
from jobs.runs import RunOptions, execute_run
from tests.connectors.api.conftest import ApiClient, auth
from tests.connectors.api.sample_plan import AS_OF, load_small


def mrp_only(engine: Engine, as_of: dt.date, site: str = "default") -> object:
    """The API's run, without the optimiser and sequencer stages (keeps the test quick)."""
    return execute_run(engine, as_of=as_of, trigger="api", options=RunOptions(optimize=False, schedule=False),
                       site=site)


@pytest.fixture
def runner(engine: Engine) -> ApiClient:
    actions = dataclasses.replace(planning_actions(), run_now=mrp_only)
    return ApiClient(create_app(ApiSettings(), engine=engine, actions=actions))


def wait_for_end(client: ApiClient, token: str, run_id: int, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        run = client.get(f"/api/v1/runs/{run_id}", headers=auth(token)).json()
        if run["status"] != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def test_a_triggered_run_is_recorded_at_once_then_published(
        runner: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    started = runner.post("/api/v1/runs", json={"as_of": AS_OF.isoformat()}, headers=auth(tokens["erp"]))
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    assert started.json()["as_of"] == "2026-11-23" and started.json()["status"] in ("running", "published")
    finished = wait_for_end(runner, tokens["erp"], run_id)
    assert finished["status"] == "published", finished["error"]
    # The publish stage's own seconds are recorded just after the plan is published.
    deadline = time.monotonic() + 60
    while "publish" not in finished["budget"].get("stages", {}) and time.monotonic() < deadline:
        time.sleep(0.1)
        finished = runner.get(f"/api/v1/runs/{run_id}", headers=auth(tokens["erp"])).json()
    assert finished["current"] and "planned_orders" in finished["tables"]
    # The small dataset's default budget: 30 minutes; reading 5 %, MRP 15 %, publishing 10 %.
    budget = finished["budget"]
    assert budget["budget_minutes"] == 30 and budget["stopped_early"] == []
    assert {name: stage["share_seconds"] for name, stage in budget["stages"].items()} == {
        "read": 90.0, "mrp": 270.0, "publish": 180.0}
    plan = runner.get("/api/v1/plan/planned-orders", headers=auth(tokens["erp"])).json()
    assert plan["run_id"] == run_id
    history = runner.get("/api/v1/runs", headers=auth(tokens["planner"])).json()
    assert [(r["id"], r["trigger"]) for r in history["items"]] == [(run_id, "api")]


def test_a_second_run_while_one_holds_the_lock_is_409(
        runner: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    with exclusive_lock(engine, "planning"):
        response = runner.post("/api/v1/runs", json={}, headers=auth(tokens["admin"]))
    assert response.status_code == 409 and "in progress" in response.json()["detail"]
    assert runner.get("/api/v1/runs", headers=auth(tokens["admin"])).json()["total"] == 0
