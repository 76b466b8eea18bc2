"""Odoo JSON-2: draft purchase orders from approvals, and a dataset from Odoo's records."""

from __future__ import annotations

import pytest

from connectors.dataset import parse_tables
from connectors.erp.odoo import OdooClient, OdooConnector
from connectors.erp.transport import ErpRejected, ErpUnavailable
from tests.connectors.erp.fakes import FakeOdoo
from tests.connectors.erp.helpers import FAST_RETRY, SleepRecorder, two_line_order


def connect(odoo: FakeOdoo, api_key: str = "odoo-key") -> OdooConnector:
    client = OdooClient("http://odoo.test", api_key, database="factory", retry=FAST_RETRY,
                        transport=odoo.transport, sleep=SleepRecorder())
    return OdooConnector(client)


@pytest.fixture
def odoo() -> FakeOdoo:
    fake = FakeOdoo()
    fake.supplier = fake.add("res.partner", name="Digi-Key", ref="DIGIKEY")
    fake.cap = fake.add("product.product", default_code="C100N", name="100nF 0402")
    fake.res = fake.add("product.product", default_code="R10K", name="10k 0402")
    return fake


def purchase_orders(odoo: FakeOdoo) -> list[dict]:
    return list(odoo.records.get("purchase.order", {}).values())


def test_an_approved_order_becomes_one_draft_rfq_with_its_lines(odoo: FakeOdoo) -> None:
    sent = connect(odoo).send_purchase_order(two_line_order())
    [po] = purchase_orders(odoo)
    assert sent.created and sent.erp_id == str(po["id"])
    assert (po["state"], po["origin"], po["partner_id"]) == ("draft", "RP-run7-DIGIKEY", odoo.supplier)
    assert po["date_planned"] == "2025-03-14 00:00:00"
    lines = sorted((ln["product_id"], ln["product_qty"], ln["price_unit"])
                   for ln in odoo.records["purchase.order.line"].values())
    assert lines == sorted([(odoo.cap, 8000, 0.004), (odoo.res, 1000, 0.002)])
    create = odoo.requests[-1]
    assert create.url.path == "/json/2/purchase.order/create"
    assert create.headers["Authorization"] == "bearer odoo-key"
    assert create.headers["X-Odoo-Database"] == "factory"


def test_a_create_whose_answer_was_lost_is_found_again_not_repeated(odoo: FakeOdoo) -> None:
    odoo.inject("lost_response", match="purchase.order/create")
    sent = connect(odoo).send_purchase_order(two_line_order())
    assert len(purchase_orders(odoo)) == 1
    assert not sent.created and sent.erp_id == str(purchase_orders(odoo)[0]["id"])
    assert sum(r.url.path.endswith("/create") for r in odoo.requests) == 1


def test_outages_and_slow_answers_before_the_create_still_give_one_order(odoo: FakeOdoo) -> None:
    odoo.inject("outage", times=1, match="search_read")
    odoo.inject("slow", times=1, match="res.partner/search")
    odoo.inject("drop", times=1, match="create")
    assert connect(odoo).send_purchase_order(two_line_order()).created
    assert len(purchase_orders(odoo)) == 1


def test_sending_the_same_approval_again_returns_the_existing_order(odoo: FakeOdoo) -> None:
    first = connect(odoo).send_purchase_order(two_line_order())
    again = connect(odoo).send_purchase_order(two_line_order())
    assert again.erp_id == first.erp_id and not again.created
    assert len(purchase_orders(odoo)) == 1


def test_a_lasting_outage_fails_cleanly_and_creates_nothing(odoo: FakeOdoo) -> None:
    odoo.inject("outage", times=4)
    with pytest.raises(ErpUnavailable):
        connect(odoo).send_purchase_order(two_line_order())
    assert purchase_orders(odoo) == []


def test_an_unknown_supplier_is_refused_without_retrying(odoo: FakeOdoo) -> None:
    order = two_line_order()
    order = type(order)(**{**order.__dict__, "supplier_id": "MOUSER"})
    with pytest.raises(ErpRejected, match="res.partner with ref = 'MOUSER'"):
        connect(odoo).send_purchase_order(order)
    assert purchase_orders(odoo) == [] and len(odoo.requests) == 2


def test_a_bad_api_key_is_refused(odoo: FakeOdoo) -> None:
    with pytest.raises(ErpRejected) as err:
        connect(odoo, api_key="wrong").send_purchase_order(two_line_order())
    assert err.value.status_code == 401 and "Invalid apikey" in str(err.value)


def test_import_reads_items_boms_stock_open_pos_and_open_sales_orders() -> None:
    odoo = FakeOdoo()
    units = odoo.add("uom.uom", name="Units")
    board_tmpl = odoo.add("product.template", name="Controller board")
    board = odoo.add("product.product", default_code="PCBA-1", name="Controller board", uom_id=units,
                     product_tmpl_id=board_tmpl)
    cap = odoo.add("product.product", default_code="C100N", name="100nF", uom_id=units,
                   product_tmpl_id=odoo.add("product.template", name="100nF"))
    res = odoo.add("product.product", default_code="R10K", name="10k", uom_id=units,
                   product_tmpl_id=odoo.add("product.template", name="10k"))
    unnamed = odoo.add("product.product", default_code=False, name="label", uom_id=units,
                       product_tmpl_id=odoo.add("product.template", name="label"))
    bom = odoo.add("mrp.bom", product_tmpl_id=board_tmpl, product_id=False, product_qty=2, type="normal")
    odoo.add("mrp.bom.line", bom_id=bom, product_id=cap, product_qty=10)
    odoo.add("mrp.bom.line", bom_id=bom, product_id=res, product_qty=4)
    stock = odoo.add("stock.location", name="WH/Stock", usage="internal")
    vendors = odoo.add("stock.location", name="Partners/Vendors", usage="supplier")
    lot = odoo.add("stock.lot", name="LOT-A")
    quant = odoo.add("stock.quant", product_id=cap, quantity=4000, location_id=stock, lot_id=lot)
    odoo.add("stock.quant", product_id=res, quantity=500, location_id=vendors, lot_id=False)
    odoo.add("stock.quant", product_id=res, quantity=0, location_id=stock, lot_id=False)
    digikey = odoo.add("res.partner", name="Digi-Key", ref="DIGIKEY")
    acme = odoo.add("res.partner", name="Acme", ref=False)
    po = odoo.add("purchase.order", name="P00010", state="purchase")
    open_line = odoo.add("purchase.order.line", order_id=po, product_id=cap, partner_id=digikey, product_qty=8000,
                         qty_received=3000, date_planned="2025-03-20 08:00:00", price_unit=0.004, state="purchase")
    odoo.add("purchase.order.line", order_id=po, product_id=res, partner_id=digikey, product_qty=100,
             qty_received=100, date_planned="2025-03-20 08:00:00", price_unit=0.002, state="purchase")
    odoo.add("purchase.order.line", order_id=po, product_id=res, partner_id=digikey, product_qty=300,
             qty_received=0, date_planned="2025-03-25 08:00:00", price_unit=0.002, state="draft")
    ours = odoo.add("purchase.order", name="P00011", state="purchase", origin="RP-3-S1")
    our_line = odoo.add("purchase.order.line", order_id=ours, product_id=res, partner_id=digikey, product_qty=5000,
                        qty_received=0, date_planned="2025-03-22 08:00:00", price_unit=0.002, state="purchase")
    so = odoo.add("sale.order", name="S00001", state="sale", partner_id=acme,
                  commitment_date="2025-04-01 12:00:00", date_order="2025-02-01 09:00:00")
    so_line = odoo.add("sale.order.line", order_id=so, product_id=board, product_uom_qty=50, qty_delivered=20)
    quote = odoo.add("sale.order", name="S00002", state="draft", partner_id=acme, commitment_date=False,
                     date_order="2025-02-02 09:00:00")
    odoo.add("sale.order.line", order_id=quote, product_id=board, product_uom_qty=10, qty_delivered=0)

    tables = connect(odoo).import_raw_tables()

    assert tables["items"].to_dict("records") == [
        {"item_id": "PCBA-1", "description": "Controller board", "type": "make", "uom": "pcs"},
        {"item_id": "C100N", "description": "100nF", "type": "buy", "uom": "pcs"},
        {"item_id": "R10K", "description": "10k", "type": "buy", "uom": "pcs"},
        {"item_id": f"odoo:{unnamed}", "description": "label", "type": "buy", "uom": "pcs"},
    ]
    # a BoM for 2 boards using 10 capacitors and 4 resistors: 5 and 2 per board
    assert tables["bom"].to_dict("records") == [
        {"parent_id": "PCBA-1", "child_id": "C100N", "qty_per": "5"},
        {"parent_id": "PCBA-1", "child_id": "R10K", "qty_per": "2"},
    ]
    # only stock in internal locations, and only quants that hold something
    assert tables["inventory"].to_dict("records") == [
        {"reel_id": f"odoo-quant-{quant}", "item_id": "C100N", "quantity": "4000", "location": "WH/Stock",
         "lot": "LOT-A"},
    ]
    # confirmed lines not fully received: 8000 ordered − 3000 received; an order reelplan sent
    # keeps reelplan's reference as its id, so the store sees its approval confirmed
    assert tables["purchase_orders"].to_dict("records") == [
        {"po_id": "P00010", "line": str(open_line), "item_id": "C100N", "supplier_id": "DIGIKEY",
         "quantity_open": "5000", "due_date": "2025-03-20", "unit_price": "0.004"},
        {"po_id": "RP-3-S1", "line": str(our_line), "item_id": "R10K", "supplier_id": "DIGIKEY",
         "quantity_open": "5000", "due_date": "2025-03-22", "unit_price": "0.002"},
    ]
    assert tables["suppliers"].to_dict("records") == [{"supplier_id": "DIGIKEY"}]
    # confirmed sales orders only: 50 ordered − 20 delivered, due on the committed date
    assert tables["demand"].to_dict("records") == [
        {"demand_id": f"S00001/{so_line}", "customer_id": f"odoo:{acme}", "item_id": "PCBA-1",
         "due_date": "2025-04-01", "quantity": "30", "kind": "order"},
    ]
    # the import reads back through the dataset checks like a CSV folder would
    dataset, _warnings = parse_tables(tables, {"as_of": "2025-03-01"}, source="ERP")
    assert len(dataset.items) == 4 and dataset.items.type.tolist().count("make") == 1
