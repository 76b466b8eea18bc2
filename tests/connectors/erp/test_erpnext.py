"""ERPNext REST: draft purchase orders from approvals, and a dataset from ERPNext documents."""

from __future__ import annotations

import pytest

from connectors.dataset import parse_tables
from connectors.erp.erpnext import ERPNextClient, ERPNextConnector
from connectors.erp.transport import ErpRejected, ErpUnavailable
from tests.connectors.erp.fakes import FakeERPNext
from tests.connectors.erp.helpers import FAST_RETRY, SleepRecorder, two_line_order


def connect(erp: FakeERPNext, secret: str = "secret") -> ERPNextConnector:
    client = ERPNextClient("http://erpnext.test", "key", secret, retry=FAST_RETRY, transport=erp.transport,
                           sleep=SleepRecorder())
    return ERPNextConnector(client, company="Reel EMS Ltd", warehouse="Stores - REL")


@pytest.fixture
def erp() -> FakeERPNext:
    fake = FakeERPNext()
    fake.add("Supplier", "DIGIKEY", supplier_name="Digi-Key")
    fake.add("Item", "C100N", item_name="100nF")
    fake.add("Item", "R10K", item_name="10k")
    return fake


def purchase_orders(erp: FakeERPNext) -> list[dict]:
    return list(erp.docs.get("Purchase Order", {}).values())


def test_an_approved_order_becomes_one_draft_purchase_order(erp: FakeERPNext) -> None:
    sent = connect(erp).send_purchase_order(two_line_order())
    [po] = purchase_orders(erp)
    assert sent.created and sent.erp_id == po["name"] == "PUR-ORD-2025-00001"
    assert (po["docstatus"], po["supplier"], po["company"], po["title"]) == (0, "DIGIKEY", "Reel EMS Ltd",
                                                                           "RP-run7-DIGIKEY")
    assert (po["transaction_date"], po["schedule_date"]) == ("2025-03-03", "2025-03-14")
    assert [(i["item_code"], i["qty"], i["rate"], i["schedule_date"], i["warehouse"]) for i in po["items"]] == [
        ("C100N", 8000, 0.004, "2025-03-17", "Stores - REL"), ("R10K", 1000, 0.002, "2025-03-14", "Stores - REL")]
    create = erp.requests[-1]
    assert (create.method, create.url.raw_path) == ("POST", b"/api/resource/Purchase%20Order")
    assert create.headers["Authorization"] == "token key:secret"


def test_a_create_whose_answer_was_lost_is_found_again_not_repeated(erp: FakeERPNext) -> None:
    erp.inject("lost_response", match="POST /api/resource/Purchase Order")
    sent = connect(erp).send_purchase_order(two_line_order())
    assert len(purchase_orders(erp)) == 1 and not sent.created
    assert sent.erp_id == "PUR-ORD-2025-00001"


def test_gateway_errors_and_drops_are_retried_into_one_order(erp: FakeERPNext) -> None:
    erp.inject("outage", times=2, match="POST")
    erp.inject("drop", times=1, match="GET")
    assert connect(erp).send_purchase_order(two_line_order()).created
    assert len(purchase_orders(erp)) == 1


def test_a_lasting_outage_fails_cleanly_and_creates_nothing(erp: FakeERPNext) -> None:
    erp.inject("slow", times=4)
    with pytest.raises(ErpUnavailable) as err:
        connect(erp).send_purchase_order(two_line_order())
    assert err.value.attempts == 4 and purchase_orders(erp) == []


def test_a_validation_error_is_refused_once_with_erpnexts_reason(erp: FakeERPNext) -> None:
    order = two_line_order()
    order = type(order)(**{**order.__dict__, "supplier_id": "MOUSER"})
    with pytest.raises(ErpRejected, match="LinkValidationError") as err:
        connect(erp).send_purchase_order(order)
    assert err.value.status_code == 417
    assert sum(r.method == "POST" for r in erp.requests) == 1


def test_a_bad_secret_is_refused(erp: FakeERPNext) -> None:
    with pytest.raises(ErpRejected) as err:
        connect(erp, secret="nope").send_purchase_order(two_line_order())
    assert err.value.status_code == 401


def test_import_reads_items_boms_stock_open_pos_and_open_sales_orders() -> None:
    erp = FakeERPNext()
    erp.add("Item", "PCBA-1", item_name="Controller board", stock_uom="Nos", default_bom="BOM-PCBA-1-001",
            lead_time_days=3, safety_stock=0, min_order_qty=0, disabled=0)
    erp.add("Item", "C100N", item_name="100nF", stock_uom="Nos", default_bom=None, lead_time_days=14,
            safety_stock=2000, min_order_qty=0, disabled=0)
    erp.add("Item", "OLD", item_name="obsolete", stock_uom="Nos", disabled=1)
    erp.add("BOM", "BOM-PCBA-1-001", item="PCBA-1", quantity=4, is_active=1, is_default=1, docstatus=1,
            items=[{"item_code": "C100N", "qty": 40, "idx": 1}])
    erp.add("BOM", "BOM-PCBA-1-000", item="PCBA-1", quantity=1, is_active=0, is_default=0, docstatus=1,
            items=[{"item_code": "C100N", "qty": 99, "idx": 1}])
    erp.add("Bin", "bin-1", item_code="C100N", warehouse="Stores - REL", actual_qty=12000)
    erp.add("Bin", "bin-2", item_code="PCBA-1", warehouse="Stores - REL", actual_qty=0)
    erp.add("Purchase Order", "PUR-ORD-2025-00007", supplier="DIGIKEY", docstatus=1, status="To Receive and Bill",
            schedule_date="2025-03-20",
            items=[{"idx": 1, "item_code": "C100N", "qty": 10000, "received_qty": 4000, "rate": 0.004,
                    "schedule_date": "2025-03-21"},
                   {"idx": 2, "item_code": "C100N", "qty": 500, "received_qty": 500, "rate": 0.004}])
    erp.add("Purchase Order", "PUR-ORD-2025-00008", supplier="MOUSER", docstatus=1, status="Completed",
            items=[{"idx": 1, "item_code": "C100N", "qty": 1, "received_qty": 1, "rate": 0.01}])
    erp.add("Purchase Order", "PUR-ORD-2025-00009", supplier="DIGIKEY", docstatus=1, status="To Receive",
            title="RP-3-S1", items=[{"idx": 1, "item_code": "C100N", "qty": 2500, "received_qty": 0, "rate": 0.004,
                                     "schedule_date": "2025-03-25"}])
    erp.add("Sales Order", "SAL-ORD-2025-00001", customer="Acme", docstatus=1, status="To Deliver and Bill",
            delivery_date="2025-04-01",
            items=[{"idx": 1, "item_code": "PCBA-1", "qty": 50, "delivered_qty": 20, "delivery_date": "2025-04-02"}])
    erp.add("Sales Order", "SAL-ORD-2025-00002", customer="Acme", docstatus=0, status="Draft",
            items=[{"idx": 1, "item_code": "PCBA-1", "qty": 5, "delivered_qty": 0}])

    tables = connect(erp).import_raw_tables()

    assert tables["items"].to_dict("records") == [
        {"item_id": "C100N", "description": "100nF", "type": "buy", "uom": "pcs", "lead_time_days": "14",
         "safety_stock": "2000", "min_order_qty": "0"},
        {"item_id": "PCBA-1", "description": "Controller board", "type": "make", "uom": "pcs",
         "lead_time_days": "3", "safety_stock": "0", "min_order_qty": "0"},
    ]
    assert tables["bom"].to_dict("records") == [{"parent_id": "PCBA-1", "child_id": "C100N", "qty_per": "10"}]
    assert tables["inventory"].to_dict("records") == [
        {"reel_id": "Stores - REL/C100N", "item_id": "C100N", "quantity": "12000", "location": "Stores - REL"}]
    assert tables["purchase_orders"].to_dict("records") == [
        {"po_id": "PUR-ORD-2025-00007", "line": "1", "item_id": "C100N", "supplier_id": "DIGIKEY",
         "quantity_open": "6000", "due_date": "2025-03-21", "unit_price": "0.004"},
        {"po_id": "RP-3-S1", "line": "1", "item_id": "C100N", "supplier_id": "DIGIKEY",
         "quantity_open": "2500", "due_date": "2025-03-25", "unit_price": "0.004"}]
    assert tables["suppliers"].to_dict("records") == [{"supplier_id": "DIGIKEY"}]
    assert tables["demand"].to_dict("records") == [
        {"demand_id": "SAL-ORD-2025-00001/1", "customer_id": "Acme", "item_id": "PCBA-1",
         "due_date": "2025-04-02", "quantity": "30", "kind": "order"}]
    # the import reads back through the dataset checks like a CSV folder would
    dataset, _warnings = parse_tables(tables, {"as_of": "2025-03-01"}, source="ERP")
    assert len(dataset.items) == 2 and dataset.items.type.tolist().count("make") == 1
