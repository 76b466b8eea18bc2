"""What-if scenarios over HTTP: create (changes checked), list, run in the background (never
published) and compare with the published plan."""

from __future__ import annotations

import time

import pytest

from tests.connectors.api.conftest import auth, make_client, make_tokens
from tests.connectors.api.sample_plan import AS_OF, load_small, publish

#: Safety net for a background run on the small dataset; the test waits for the run's record.
RUN_TIMEOUT_S = 300


@pytest.fixture
def setup(tmp_path):
    from connectors.store import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    load_small(engine)
    publish(engine)
    yield make_client(engine), auth(make_tokens(engine)["planner"])
    engine.dispose()


def test_a_planner_creates_runs_and_compares_a_scenario_and_the_published_plan_stays(setup):
    client, planner = setup
    published = client.get("/api/v1/runs", headers=planner).json()["items"][0]
    created = client.post("/api/v1/scenarios", headers=planner, json={
        "name": "beta_double", "description": "BETA doubles",
        "changes": [{"kind": "scale_demand", "factor": 2, "customer": "BETA"}]})
    assert created.status_code == 201, created.text
    assert created.json()["changes"] == [{"kind": "scale_demand", "factor": 2, "customer": "BETA"}]
    assert [s["name"] for s in client.get("/api/v1/scenarios", headers=planner).json()] == ["beta_double"]

    started = client.post("/api/v1/scenarios/run", headers=planner,
                          json={"names": ["beta_double"], "as_of": AS_OF.isoformat()})
    assert started.status_code == 202, started.text
    [request] = started.json()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    run = None
    while time.monotonic() < deadline:
        runs = client.get("/api/v1/runs", headers=planner).json()["items"]
        run = next((r for r in runs if r["request_token"] == request["token"]), None)
        if run is not None and run["status"] in ("finished", "failed"):
            break
        time.sleep(0.1)
    assert run is not None and run["status"] == "finished", run
    assert run["scenario"] == "beta_double" and not run["current"]

    compared = client.get("/api/v1/scenarios/compare", headers=planner,
                          params={"names": ["published", "beta_double"]})
    assert compared.status_code == 200, compared.text
    body = compared.json()
    assert [(s["name"], s["run_id"]) for s in body["sides"]] == [("published", published["id"]),
                                                                 ("beta_double", run["id"])]
    assert set(body) >= {"spend_by_month", "costs", "late_demands", "short_demands", "schedule", "exceptions",
                         "buy_changes"}
    runs = client.get("/api/v1/runs", headers=planner).json()["items"]
    assert [r["id"] for r in runs if r["current"]] == [published["id"]]


def test_changes_that_do_not_apply_and_unknown_scenarios_are_refused_with_the_reason(setup):
    client, planner = setup
    bad = client.post("/api/v1/scenarios", headers=planner, json={
        "name": "nope", "changes": [{"kind": "scale_demand", "factor": 2, "customer": "NOPE"}]})
    assert bad.status_code == 422
    assert "change 1 (scale_demand): unknown customer 'NOPE'; the dataset has ACME, BETA" in bad.json()["detail"]
    assert client.get("/api/v1/scenarios", headers=planner).json() == []
    missing = client.post("/api/v1/scenarios/run", headers=planner, json={"names": ["ghost"]})
    assert missing.status_code == 404 and "no scenario 'ghost'" in missing.json()["detail"]
    never_run = client.post("/api/v1/scenarios", headers=planner, json={
        "name": "later", "changes": [{"kind": "setting", "horizon_days": 90}]})
    assert never_run.status_code == 201
    compared = client.get("/api/v1/scenarios/compare", headers=planner, params={"names": ["published", "later"]})
    assert compared.status_code == 404 and "has no finished run" in compared.json()["detail"]
