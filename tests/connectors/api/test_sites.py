"""The API per site: ``?site=`` on plan, run, decision and data routes (default ``default``),
pushes into a site (a new one is added), and an unknown site answered 404 with the known ones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from connectors.store import import_folder
from jobs.runs import RunOptions, execute_run
from tests.connectors.api.conftest import ApiClient, auth
from tests.connectors.api.test_runs import mrp_only, runner, wait_for_end  # noqa: F401  (the fixture)
from tests.connectors.store.fixtures import SMALL
from tests.jobs.planners import RecordingPlanner, decision_plan

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def two_sites(engine: Engine) -> Engine:
    """The small dataset in the default site and in ``plant-2``; only plant-2 has a published plan."""
    import_folder(engine, SMALL)
    import_folder(engine, SMALL, site="plant-2")
    execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(decision_plan()), site="plant-2",
                options=RunOptions())
    return engine


def test_the_plan_and_runs_of_a_site_are_read_with_site(two_sites, client: ApiClient, tokens) -> None:
    planner = auth(tokens["planner"])
    plan = client.get("/api/v1/plan/purchase-suggestions?site=plant-2", headers=planner)
    assert plan.status_code == 200, plan.text
    assert plan.json()["run_id"] == 1 and [r["suggestion_id"] for r in plan.json()["items"]] == ["PS00001", "PS00002"]
    default = client.get("/api/v1/plan/purchase-suggestions", headers=planner)
    assert default.status_code == 404 and default.json()["detail"] == "no plan has been published yet"
    import_folder(two_sites, SMALL, site="plant-3")
    none = client.get("/api/v1/plan/schedule?site=plant-3", headers=planner)
    assert none.status_code == 404 and none.json()["detail"] == "no plan has been published yet for site 'plant-3'"
    crossed = client.get("/api/v1/plan/summary?run_id=1", headers=planner)
    assert crossed.status_code == 404 and "run 1 is a run of site 'plant-2'" in crossed.json()["detail"]

    runs = client.get("/api/v1/runs?site=plant-2", headers=planner).json()
    assert runs["total"] == 1 and runs["items"][0]["site"] == "plant-2" and runs["items"][0]["current"]
    assert client.get("/api/v1/runs", headers=planner).json()["total"] == 0


def test_an_unknown_site_is_answered_404_with_the_known_sites(two_sites, client: ApiClient, tokens) -> None:
    for url in ("/api/v1/plan/schedule?site=plant-9", "/api/v1/runs?site=plant-9", "/api/v1/data/items?site=plant-9"):
        answer = client.get(url, headers=auth(tokens["admin"]))
        assert answer.status_code == 404, url
        assert answer.json()["detail"].startswith("The store has no site 'plant-9'; its sites: default, plant-2.")


def test_decisions_act_on_the_site_given(two_sites, client: ApiClient, tokens) -> None:
    buyer = auth(tokens["buyer"])
    refused = client.post("/api/v1/suggestions/PS00001/approve", headers=buyer)
    assert refused.status_code == 409 and "No plan is published yet" in refused.json()["detail"]
    approved = client.post("/api/v1/suggestions/PS00001/approve?site=plant-2", headers=buyer)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["po_id"], approved.json()["po_status"]) == ("RP-00001", "sent")


def test_a_push_goes_into_its_site_and_a_new_site_is_added(two_sites, client: ApiClient, tokens) -> None:
    erp = auth(tokens["erp"])
    row = {"item_id": "CAP-1", "type": "buy"}
    pushed = client.put("/api/v1/data/items?site=plant-3", json={"rows": [row]}, headers=erp)
    assert pushed.status_code == 200, pushed.text
    assert [r["item_id"] for r in client.get("/api/v1/data/items?site=plant-3", headers=erp).json()["items"]] \
        == ["CAP-1"]
    assert "CAP-1" not in {r["item_id"] for r in client.get("/api/v1/data/items", headers=erp).json()["items"]}
    bad = client.put("/api/v1/data/items?site=plant%203", json={"rows": [row]}, headers=erp)
    assert bad.status_code == 422 and "'plant 3' is not a site name" in bad.json()["detail"]


def test_a_run_of_a_site_is_started_through_the_api(two_sites, runner: ApiClient, tokens) -> None:  # noqa: F811
    started = runner.post("/api/v1/runs?site=plant-2", json={"as_of": AS_OF.isoformat()}, headers=auth(tokens["erp"]))
    assert started.status_code == 202, started.text
    assert started.json()["site"] == "plant-2" and started.json()["id"] == 2
    assert wait_for_end(runner, tokens["erp"], 2, timeout_s=600)["status"] == "published"
