"""The API refuses what the CLI refuses, with the same words; dates are dates; paging says its
maximum; the workbook and the documentation page are served from this server alone."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.connectors.api.conftest import ApiClient, auth, make_client
from tests.connectors.api.sample_plan import load_small, publish, sample_plan


@pytest.mark.parametrize("body, message", [
    ({"quantity": 5000.5}, "MCU is counted in pcs: give whole units, e.g. 5000 or 5001, not 5000.5."),
    ({"quantity": 7350}, "7350 is not a multiple of the order multiple (2500) of ARROW STM32F4 for MCU; give 5000 or 7500."),
    ({"quantity": 0}, "The quantity must be above zero, not 0."),
    ({"due_date": "2020-01-01"}, "The receipt date 2020-01-01 is before the plan's date 2026-11-23; give 2026-11-23 or later."),
    ({"supplier_id": "NOPE"}, "NOPE has no offer for MCU; offers for MCU: ARROW MPN 'STM32F4'."),
])
def test_an_edit_the_rules_refuse_is_409_with_the_cli_s_words(
        client: ApiClient, engine: Engine, tokens: dict[str, str], body: dict, message: str) -> None:
    load_small(engine)
    publish(engine)
    refused = client.post("/api/v1/suggestions/S1/edit", json=body, headers=auth(tokens["buyer"]))
    assert refused.status_code == 409 and refused.json()["detail"] == message


def test_an_expedite_accepts_a_receipt_before_the_lead_time(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    buyer = auth(tokens["buyer"])
    # RES: ordered 1 Dec with 14 days' lead time -> 15 Dec at the earliest
    early = {"due_date": "2026-12-10"}
    assert "give 2026-12-15 or later" in client.post("/api/v1/suggestions/S2/edit", json=early, headers=buyer).text
    edited = client.post("/api/v1/suggestions/S2/edit", json={**early, "expedite": True}, headers=buyer).json()
    assert (edited["po_due_date"], edited["po_expedite"]) == ("2026-12-10", True)


def test_a_date_only_pin_start_is_refused_like_the_cli_and_a_pin_needs_an_eligible_line(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    planner = auth(tokens["planner"])
    date_only = client.post("/api/v1/jobs/P1/pin", json={"line_id": "SMT1", "start": "2027-04-20"}, headers=planner)
    assert date_only.status_code == 409
    assert date_only.json()["detail"] == ("The start '2027-04-20' needs a date and a time of day, local time: "
                                          "give YYYY-MM-DDTHH:MM, e.g. 2027-04-20T06:00.")
    unknown = client.post("/api/v1/jobs/P1/pin", json={"line_id": "SMT9", "start": "2027-01-05T07:30"}, headers=planner)
    assert unknown.json()["detail"] == "There is no SMT line SMT9; the lines are: SMT1, SMT2."
    pinned = client.post("/api/v1/jobs/P1/pin", json={"line_id": "SMT1", "start": "2027-01-05T07:30"}, headers=planner)
    assert pinned.status_code == 200 and pinned.json()["start"] == "2027-01-05T07:30:00"


def test_a_limit_above_the_maximum_is_422_naming_the_maximum(engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    client = make_client(engine, max_page_size=2)
    refused = client.get("/api/v1/plan/planned-orders?limit=5000", headers=auth(tokens["erp"]))
    assert refused.status_code == 422
    assert refused.json()["detail"] == ("limit 5000 is above the maximum page size 2; ask for at most 2 rows and "
                                        "page with offset")
    assert client.get("/api/v1/plan/planned-orders?limit=2", headers=auth(tokens["erp"])).status_code == 200


def test_changes_give_dates_as_dates_times_as_times_and_null_for_none(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    first = publish(engine)
    later = sample_plan(quantity_s2=10000)
    later.schedule = later.schedule.assign(job_id=["WO-1", "P7"])  # P7 is new: it has no previous_* values
    publish(engine, later)
    changes = client.get(f"/api/v1/plan/changes?since_run={first}", headers=auth(tokens["erp"])).json()["changes"]
    [changed] = changes["purchase_suggestions"]
    assert (changed["suggestion_id"], changed["order_date"], changed["previous_receipt_date"]) == (
        "S2", "2026-12-01", "2026-12-15")
    new = [c for c in changes["schedule"] if c["change"] == "new"]
    assert [(c["job_id"], c["start"], c["due"], c["previous_start"]) for c in new] == [
        ("P7", "2027-01-06T07:50:00", "2027-01-08T07:30:00", None)]
    assert "NaT" not in str(changes)


def test_the_buyer_workbook_is_served_with_one_sheet_per_supplier(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    run = publish(engine)
    response = client.get("/api/v1/plan/purchase-suggestions.xlsx", headers=auth(tokens["buyer"]))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="purchase_suggestions_run{run}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "ARROW", "PCBWAY"]
    arrow = [row[0] for row in book["ARROW"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert arrow[:2] == ["S1", "S2"]


def test_the_documentation_page_needs_no_internet(client: ApiClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/docs/assets/swagger-ui-bundle.js" in page.text
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


def test_an_edit_on_yesterday_s_plan_shows_on_the_same_line_today(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    publish(engine)
    client.post("/api/v1/suggestions/S2/edit", json={"quantity": 10000}, headers=auth(tokens["buyer"]))
    publish(engine)  # the next plan: S2 is still the same RES line
    rows = client.get("/api/v1/plan/purchase-suggestions?item_id=RES", headers=auth(tokens["buyer"])).json()["items"]
    assert [(r["suggestion_id"], r["decision"]["action"], r["decision"]["po_quantity"]) for r in rows] == [
        ("S2", "edited", 10000.0)]
