"""Pulling the published plan: pages, filters, the run each answer comes from, changes since a run."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.connectors.api.conftest import ApiClient, auth
from tests.connectors.api.sample_plan import load_small, publish, sample_plan


def get(client: ApiClient, token: str, path: str) -> dict:
    response = client.get(path, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()


def test_before_any_publish_the_plan_is_404_with_a_reason(client: ApiClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/plan/purchase-suggestions", headers=auth(tokens["erp"]))
    assert response.status_code == 404 and response.json() == {"detail": "no plan has been published yet"}


def test_each_answer_names_its_run_and_pages_through_the_rows(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    page = get(client, tokens["erp"], "/api/v1/plan/planned-orders?limit=2&offset=1")
    assert (page["run_id"], page["total"], page["limit"], page["offset"]) == (run, 3, 2, 1)
    assert [r["order_id"] for r in page["items"]] == ["P2", "P3"]
    assert page["items"][0]["due_date"] == "2027-01-15"
    assert page["published_at"].startswith("2026-11-23T02:00")


def test_filters_by_supplier_item_customer_and_date_range(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    token = tokens["buyer"]
    by_supplier = get(client, token, "/api/v1/plan/purchase-suggestions?supplier_id=ARROW")
    assert [r["suggestion_id"] for r in by_supplier["items"]] == ["S1", "S2"]
    # order dates 2026-11-23, 2026-12-01, 2026-12-05: both ends of the range are included
    in_range = get(client, token, "/api/v1/plan/purchase-suggestions?date_from=2026-12-01&date_to=2026-12-05")
    assert [r["suggestion_id"] for r in in_range["items"]] == ["S2", "S3"]
    by_customer = get(client, token, "/api/v1/plan/planned-orders?customer_id=BETA")
    assert [r["order_id"] for r in by_customer["items"]] == ["P3"]
    acme_pegging = get(client, token, "/api/v1/plan/pegging?customer_id=ACME&item_id=MCU")
    assert [(r["demand_id"], r["quantity"]) for r in acme_pegging["items"]] == [("SO-1", 206.0)]
    schedule_day = get(client, token, "/api/v1/plan/schedule?date_from=2027-01-06&date_to=2027-01-06")
    assert [r["job_id"] for r in schedule_day["items"]] == ["P1"]


def test_the_liability_by_customer_pages_like_the_other_tables(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    beta = get(client, tokens["buyer"], "/api/v1/plan/liability?customer_id=BETA")
    assert (beta["run_id"], beta["total"]) == (run, 1)
    assert beta["items"] == [{"customer_id": "BETA", "item_id": "MCU", "source": "suggestion", "ref_id": "S1",
                              "quantity": 500.0, "value": 1700.0, "ncnr": True, "authorised": False}]
    page = get(client, tokens["erp"], "/api/v1/plan/liability?source=suggestion&limit=1&offset=1")
    assert page["total"] == 2 and [r["customer_id"] for r in page["items"]] == ["BETA"]


def test_the_rough_cut_capacity_by_line_and_week(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    page = get(client, tokens["planner"], "/api/v1/plan/capacity-load?line_id=SMT1")
    assert (page["run_id"], page["total"]) == (run, 2)
    assert page["items"] == [
        {"line_id": "SMT1", "week_start": "2027-01-25", "load_hours": 96.0, "available_hours": 80.0,
         "utilisation_pct": 120.0},
        {"line_id": "SMT1", "week_start": "2027-02-01", "load_hours": 0.0, "available_hours": 80.0,
         "utilisation_pct": 0.0},
    ]
    later = get(client, tokens["erp"], "/api/v1/plan/capacity-load?date_from=2027-02-01&limit=1")
    assert [(r["line_id"], r["week_start"]) for r in later["items"]] == [("SMT1", "2027-02-01")]


def test_a_suggestion_says_why_it_exists_and_what_the_buyer_decided(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    client.post("/api/v1/suggestions/S1/approve", json={}, headers=auth(tokens["buyer"]))
    page = get(client, tokens["erp"], "/api/v1/plan/purchase-suggestions?item_id=MCU")
    [s1] = page["items"]
    assert s1["decision"]["action"] == "approved" and s1["decision"]["po_status"] == "sent"
    # MCU's planned supply pegs 206 to SO-1 (ACME, due 2027-01-15) and 2294 to no demand (surplus)
    assert s1["context"]["pegged_demand"] == [
        {"demand_id": "SO-1", "customer_id": "ACME", "due_date": "2027-01-15", "quantity": 206.0},
        {"demand_id": None, "customer_id": None, "due_date": None, "quantity": 2294.0},
    ]
    assert [e["type"] for e in s1["context"]["exceptions"]] == ["expedite", "needs_bake"]


def test_an_earlier_run_can_be_read_and_compared(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    first = publish(engine)
    second = publish(engine, sample_plan(quantity_s2=10000))
    token = tokens["planner"]
    old = get(client, token, f"/api/v1/plan/purchase-suggestions?run_id={first}&item_id=RES")
    new = get(client, token, "/api/v1/plan/purchase-suggestions?item_id=RES")
    assert (old["run_id"], old["items"][0]["quantity"]) == (first, 5000.0)
    assert (new["run_id"], new["items"][0]["quantity"]) == (second, 10000.0)
    changes = get(client, token, f"/api/v1/plan/changes?since_run={first}")
    assert (changes["run_id"], changes["since_run"]) == (second, first)
    changed = changes["changes"]["purchase_suggestions"]
    assert [(c["item_id"], c["change"], c["previous_quantity"], c["quantity"]) for c in changed] == [
        ("RES", "changed", 5000.0, 10000.0)]
    assert changes["changes"]["schedule"] == []


def test_the_summary_and_an_unknown_run(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    summary = get(client, tokens["erp"], "/api/v1/plan/summary")
    assert summary["run_id"] == run and summary["summary"]["as_of"] == "2026-11-23"
    assert client.get("/api/v1/plan/schedule?run_id=999", headers=auth(tokens["erp"])).status_code == 404
