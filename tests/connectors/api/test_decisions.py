"""Buyer and planner decisions through the API: the jobs functions, audited before and after."""

from __future__ import annotations

from sqlalchemy import Engine

from connectors.api.actions import Outbox
from connectors.api.app import create_app
from connectors.api.settings import ApiSettings
from connectors.erp.outbox import deliver_pending
from connectors.erp.webhook import WebhookConnector
from jobs.cli.serve import planning_actions
from tests.connectors.api.conftest import ApiClient, auth
from tests.connectors.api.sample_plan import load_small, publish, sample_plan
from tests.connectors.erp.fakes import FakeWebhookReceiver


def audit_log(client: ApiClient, tokens: dict[str, str]) -> list[dict]:
    return client.get("/api/v1/audit", headers=auth(tokens["admin"])).json()["items"][::-1]  # oldest first


def test_an_approval_becomes_a_sent_purchase_order_and_is_audited(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    response = client.post("/api/v1/suggestions/S1/approve", json={"note": "ok"}, headers=auth(tokens["buyer"]))
    assert response.status_code == 200, response.text
    decision = response.json()
    assert (decision["action"], decision["po_id"], decision["po_status"]) == ("approved", "RP-00001", "sent")
    assert decision["decided_by"] == "test-buyer"
    [entry] = audit_log(client, tokens)
    assert (entry["action"], entry["target"], entry["token_name"], entry["role"]) == (
        "suggestion.approve", "suggestion:S1", "test-buyer", "buyer")
    assert entry["before"] is None and entry["after"]["po_status"] == "sent"


def test_an_edit_reprices_from_the_offer_and_the_approval_records_what_it_changed(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    buyer = auth(tokens["buyer"])
    # ARROW's MCU offer: 3.4 from 2 500, 3.1 from 10 000 (all-units)
    edited = client.post("/api/v1/suggestions/S1/edit", json={"quantity": 10000}, headers=buyer).json()
    assert (edited["action"], edited["po_quantity"], edited["po_unit_price"]) == ("edited", 10000.0, 3.1)
    client.post("/api/v1/suggestions/S1/approve", json={}, headers=buyer)
    edit, approve = audit_log(client, tokens)
    assert edit["before"] is None and edit["after"]["po_unit_price"] == 3.1
    assert approve["before"]["action"] == "edited" and approve["after"]["action"] == "approved"


def test_a_decision_the_rules_refuse_is_409_with_the_reason_and_leaves_no_trace(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    buyer = auth(tokens["buyer"])
    assert client.post("/api/v1/suggestions/S1/approve", json={}, headers=buyer).status_code == 200
    again = client.post("/api/v1/suggestions/S1/approve", json={}, headers=buyer)
    assert again.status_code == 409 and "already approved as RP-00001" in again.json()["detail"]
    unknown = client.post("/api/v1/suggestions/S9/reject", json={}, headers=buyer)
    assert unknown.status_code == 409 and "no purchase suggestion S9" in unknown.json()["detail"]
    assert [e["action"] for e in audit_log(client, tokens)] == ["suggestion.approve"]


def test_reject_and_cancel(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    buyer = auth(tokens["buyer"])
    assert client.post("/api/v1/suggestions/S3/reject", json={"note": "dual source"}, headers=buyer).json()[
        "action"] == "rejected"
    client.post("/api/v1/suggestions/S2/approve", json={}, headers=buyer)
    cancelled = client.post("/api/v1/purchase-orders/RP-00001/cancel", json={}, headers=buyer)
    assert cancelled.status_code == 200 and cancelled.json()["po_status"] == "cancelled"
    assert [e["action"] for e in audit_log(client, tokens)] == [
        "suggestion.reject", "suggestion.approve", "purchase_order.cancel"]


def test_a_planner_pins_unpins_and_freezes(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    planner = auth(tokens["planner"])
    pin = client.post("/api/v1/jobs/WO-1/pin", json={"line_id": "SMT2", "start": "2026-12-02T07:30"}, headers=planner)
    assert pin.status_code == 200, pin.text
    assert (pin.json()["line_id"], pin.json()["start"], pin.json()["work_order"]) == ("SMT2", "2026-12-02T07:30:00", True)
    assert client.post("/api/v1/jobs/WO-1/unpin", headers=planner).json() == {"job_id": "WO-1", "removed": 1}
    # the plan opens 2026-11-23 07:30; 216 h later is 2026-12-02 07:30: WO-1 (2026-12-01) is frozen, P1 is not
    frozen = client.post("/api/v1/schedule/freeze", json={"hours": 216}, headers=planner).json()["pinned"]
    assert [(p["job_id"], p["line_id"], p["source"]) for p in frozen] == [("WO-1", "SMT1", "freeze")]
    bad_line = client.post("/api/v1/jobs/P1/pin", json={"line_id": "SMT9", "start": "2027-01-06T07:30"},
                           headers=planner)
    assert bad_line.status_code == 409 and "no SMT line SMT9" in bad_line.json()["detail"]
    log = audit_log(client, tokens)
    assert [e["action"] for e in log] == ["job.pin", "job.unpin", "schedule.freeze"]
    assert log[1]["before"][0]["line_id"] == "SMT2" and log[1]["after"] == 1


def test_with_an_erp_configured_an_approval_is_sent_right_away(engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    receiver = FakeWebhookReceiver()
    outbox = Outbox("webhook", WebhookConnector("http://erp.test/po", transport=receiver.transport))
    client = ApiClient(create_app(ApiSettings(), engine=engine, actions=planning_actions(), outbox=outbox))
    client.post("/api/v1/suggestions/S3/approve", json={"quantity": 200}, headers=auth(tokens["buyer"]))
    order = receiver.orders["RP-00001"]
    assert (order["supplier_id"], order["approved_by"]) == ("PCBWAY", "test-buyer")
    assert [(ln["item_id"], ln["quantity"], ln["unit_price"]) for ln in order["lines"]] == [("BOARD", 200.0, 1.8)]


def test_gathered_approvals_go_to_the_erp_as_one_order_per_supplier(engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    receiver = FakeWebhookReceiver()
    connector = WebhookConnector("http://erp.test/po", transport=receiver.transport)
    outbox = Outbox("webhook", connector, send_on_approve=False)
    client = ApiClient(create_app(ApiSettings(), engine=engine, actions=planning_actions(), outbox=outbox))
    for suggestion in ("S1", "S2", "S3"):
        assert client.post(f"/api/v1/suggestions/{suggestion}/approve", json={},
                           headers=auth(tokens["buyer"])).status_code == 200
    assert receiver.orders == {}
    assert deliver_pending(engine, connector, connector="webhook").delivered == ["RP-00001", "RP-00002"]
    arrow, pcbway = receiver.orders["RP-00001"], receiver.orders["RP-00002"]
    assert [(ln["line"], ln["item_id"], ln["suggestion_id"]) for ln in arrow["lines"]] == [
        ("1", "MCU", "S1"), ("2", "RES", "S2")]
    assert (arrow["supplier_id"], pcbway["supplier_id"], len(pcbway["lines"])) == ("ARROW", "PCBWAY", 1)
    assert deliver_pending(engine, connector, connector="webhook").delivered == []  # resending sends nothing


def test_a_run_lists_the_edits_whose_line_has_gone(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    client.post("/api/v1/suggestions/S2/edit", json={"quantity": 10000, "note": "one reel more"},
                headers=auth(tokens["buyer"]))
    later = sample_plan()
    later.purchase_suggestions = later.purchase_suggestions[later.purchase_suggestions["suggestion_id"] != "S2"]
    run = publish(engine, later)
    shown = client.get(f"/api/v1/runs/{run}", headers=auth(tokens["erp"])).json()
    [gone] = shown["decisions_gone"]
    assert (gone["suggestion_id"], gone["item_id"], gone["po_quantity"], gone["note"]) == (
        "S2", "RES", 10000.0, "one reel more")
