"""ERP pushes: checked exactly like the CSV dataset, all problems at once, nothing stored on error."""

from __future__ import annotations

import csv
import tomllib

import pandas as pd
import pytest
from sqlalchemy import Engine

from connectors.dataset import read_dataset
from connectors.store import read_snapshot
from connectors.store import load_dataset as stored_dataset
from tests.connectors.api.conftest import ApiClient, auth, make_client
from tests.connectors.api.sample_plan import SMALL, load_small


def csv_rows(table: str) -> list[dict[str, str]]:
    with open(SMALL / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sample_payload() -> dict:
    tables = {p.stem: csv_rows(p.stem) for p in sorted(SMALL.glob("*.csv"))}
    settings = tomllib.loads((SMALL / "settings.toml").read_text())
    return {"tables": tables, "settings": {k: str(v) for k, v in settings.items()}}


def stored(engine: Engine):
    with read_snapshot(engine) as session:
        return stored_dataset(session)


def test_the_sample_dataset_pushed_as_json_is_stored_as_the_csv_reader_reads_it(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/data", json=sample_payload(), headers=auth(tokens["erp"]))
    assert response.status_code == 200, response.text
    assert {t["table"]: t["total"] for t in response.json()["tables"]}["items"] == 6
    expected, _ = read_dataset(SMALL)
    got = stored(engine)
    assert got.settings == expected.settings
    for name in ("items", "bom", "demand", "inventory", "purchase_orders", "work_orders", "suppliers",
                 "supplier_offers", "smt_lines", "smt_process"):
        pd.testing.assert_frame_equal(got.table(name).reset_index(drop=True),
                                      expected.table(name).reset_index(drop=True), check_like=False)


def test_every_problem_comes_back_at_once_with_its_row_and_nothing_is_stored(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    before = stored(engine)
    rows = [
        {"item_id": "CAP", "type": "buy", "lead_time_days": -3},          # request row 0: negative
        {"item_id": "CAP", "type": "buy"},                                # request row 1: duplicate id
        {"item_id": "IND", "type": "bought"},                             # request row 2: bad choice
    ]
    response = client.put("/api/v1/data/items", json={"rows": rows}, headers=auth(tokens["erp"]))
    assert response.status_code == 422
    issues = [i for i in response.json()["issues"] if i["severity"] == "error"]
    found = {(i["request_row"], i["column"]) for i in issues}
    assert {(0, "lead_time_days"), (2, "type")} <= found
    assert any(i["code"].startswith("duplicate") and i["request_row"] in (0, 1) for i in issues)
    assert all(i["table"] == "items" and not i["stored"] for i in issues)
    after = stored(engine)
    pd.testing.assert_frame_equal(after.items, before.items)


def test_an_upsert_replaces_rows_by_key_and_keeps_the_others(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    rows = [{"item_id": "MCU", "description": "Microcontroller", "type": "buy", "lead_time_days": 60,
             "safety_stock": 250, "lot_rule": "FOQ", "lot_size": 2500, "order_multiple": 2500},
            {"item_id": "CAP", "type": "buy", "uom": "pcs"}]
    response = client.put("/api/v1/data/items", json={"rows": rows}, headers=auth(tokens["erp"]))
    assert response.status_code == 200, response.text
    assert response.json()["tables"] == [{"table": "items", "received": 2, "replaced": 1, "removed": 0, "total": 7}]
    items = stored(engine).items.set_index("item_id")
    assert items.loc["MCU", "safety_stock"] == 250 and items.loc["MCU", "attrition_pct"] == 0  # whole row replaced
    assert items.loc["RES", "lot_rule"] == "POQ"  # untouched
    assert "CAP" in items.index


def test_a_bom_upsert_replaces_all_lines_of_the_pushed_parent(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    rows = [{"parent_id": "PCB1", "child_id": "MCU", "qty_per": 2}, {"parent_id": "PCB1", "child_id": "BOARD",
                                                                      "qty_per": 1, "feeder": False}]
    response = client.put("/api/v1/data/bom", json={"rows": rows}, headers=auth(tokens["erp"]))
    assert response.status_code == 200, response.text
    bom = stored(engine).bom
    assert sorted(zip(bom.parent_id, bom.child_id, bom.qty_per)) == [
        ("GW1", "PCB1", 1.0), ("PCB1", "BOARD", 1.0), ("PCB1", "MCU", 2.0)]


def test_replace_mode_makes_the_pushed_rows_the_whole_table(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    rows = [{"po_id": "PO-200", "item_id": "MCU", "supplier_id": "ARROW", "quantity_open": 2500,
             "due_date": "2027-01-10"}]
    response = client.put("/api/v1/data/purchase_orders?mode=replace", json={"rows": rows},
                          headers=auth(tokens["erp"]))
    assert response.json()["tables"] == [
        {"table": "purchase_orders", "received": 1, "replaced": 0, "removed": 3, "total": 1}]
    assert list(stored(engine).purchase_orders.po_id) == ["PO-200"]


def test_a_push_that_breaks_stored_rows_names_them_as_stored(
        client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    load_small(engine)
    items = [r for r in csv_rows("items") if r["item_id"] != "BOARD"]
    response = client.put("/api/v1/data/items?mode=replace", json={"rows": items}, headers=auth(tokens["erp"]))
    assert response.status_code == 422
    unknown = [i for i in response.json()["issues"] if i["value"] == "BOARD" and i["severity"] == "error"]
    assert unknown and all(i["stored"] and i["request_row"] is None for i in unknown)
    assert {i["table"] for i in unknown} >= {"bom", "purchase_orders"}


def test_a_body_over_the_limit_is_refused_with_413(engine: Engine, tokens: dict[str, str]) -> None:
    small_limit = make_client(engine, max_body_bytes=2_000)
    rows = [{"item_id": f"IT{i:05d}", "type": "buy"} for i in range(200)]
    response = small_limit.put("/api/v1/data/items", json={"rows": rows}, headers=auth(tokens["erp"]))
    assert response.status_code == 413
    assert stored(engine).items.empty


def test_a_push_is_audited_with_who_and_what(client: ApiClient, engine: Engine, tokens: dict[str, str]) -> None:
    client.post("/api/v1/data", json=sample_payload(), headers=auth(tokens["erp"]))
    entries = client.get("/api/v1/audit", headers=auth(tokens["admin"])).json()["items"]
    assert [(e["action"], e["token_name"], e["role"]) for e in entries] == [("data.push", "test-erp", "erp")]
    assert {t["table"]: t["total"] for t in entries[0]["after"]["tables"]}["supplier_offers"] == 4


@pytest.mark.parametrize("table", ["items", "demand"])
def test_reading_back_pages_through_the_stored_rows(client: ApiClient, engine: Engine, tokens: dict[str, str],
                                                    table: str) -> None:
    load_small(engine)
    page = client.get(f"/api/v1/data/{table}?limit=2&offset=1", headers=auth(tokens["erp"])).json()
    ids = [r[f"{'item' if table == 'items' else 'demand'}_id"] for r in csv_rows(table)]
    assert page["total"] == len(ids)
    assert [r[f"{'item' if table == 'items' else 'demand'}_id"] for r in page["items"]] == ids[1:3]
