"""Approved suggestions reach the ERP once each, whatever fails on the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from connectors.erp.models import ErpDelivery
from connectors.erp.odoo import OdooClient, OdooConnector
from connectors.erp.outbox import deliver_pending, pending_orders
from connectors.store import open_store, read_snapshot, write_session
from jobs.decisions import approve_suggestion, edit_suggestion
from tests.connectors.api.sample_plan import load_small, publish
from tests.connectors.erp.fakes import FakeOdoo
from tests.connectors.erp.helpers import FAST_RETRY, SleepRecorder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    load_small(engine)
    publish(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def odoo() -> FakeOdoo:
    fake = FakeOdoo()
    fake.arrow = fake.add("res.partner", name="Arrow Electronics", ref="ARROW")
    fake.mcu = fake.add("product.product", default_code="MCU", name="Microcontroller")
    fake.res = fake.add("product.product", default_code="RES", name="Resistor 10k")
    return fake


def sink(odoo: FakeOdoo) -> OdooConnector:
    return OdooConnector(OdooClient("http://odoo.test", "odoo-key", retry=FAST_RETRY, transport=odoo.transport,
                                    sleep=SleepRecorder()))


def approve(engine: Engine, *suggestions: str) -> list[str]:
    with write_session(engine) as session:
        edit_suggestion(session, "S1", quantity=10000, by="anna")
        return [approve_suggestion(session, s, by="anna").po_id for s in suggestions]


def deliveries(engine: Engine) -> dict[str, tuple[str, int]]:
    with read_snapshot(engine) as session:
        return {d.reference: (d.status, d.attempts) for d in session.exec(select(ErpDelivery))}


def test_a_supplier_s_approvals_become_one_draft_po_with_a_line_each(store: Engine, odoo: FakeOdoo) -> None:
    po_s1, po_s2 = approve(store, "S1", "S2")  # both from ARROW
    assert po_s1 == po_s2 == "RP-00001"
    report = deliver_pending(store, sink(odoo), connector="odoo")
    assert report.delivered == ["RP-00001"] and report.failed == {}
    [order] = odoo.records["purchase.order"].values()
    assert order["origin"] == "RP-00001" and order["partner_id"] == odoo.arrow
    lines = sorted(odoo.records["purchase.order.line"].values(), key=lambda ln: ln["product_id"])
    assert [ln["order_id"] for ln in lines] == [order["id"]] * 2
    # the buyer raised S1 to 10 000, which ARROW's all-units price break prices at 3.1
    assert [(ln["product_id"], ln["product_qty"], ln["price_unit"]) for ln in lines] == [
        (odoo.mcu, 10000, 3.1), (odoo.res, 5000, 0.002)]
    assert lines[0]["date_planned"] == "2027-01-18 00:00:00"
    assert deliver_pending(store, sink(odoo), connector="odoo").delivered == []  # nothing left to send
    # another supplier's approval opens its own order
    with write_session(store) as session:
        assert approve_suggestion(session, "S3", by="anna").po_id == "RP-00002"


def test_an_outage_is_recorded_and_the_next_send_delivers(store: Engine, odoo: FakeOdoo) -> None:
    [po] = approve(store, "S2")
    odoo.inject("outage", times=4)
    report = deliver_pending(store, sink(odoo), connector="odoo")
    assert list(report.failed) == [po] and deliveries(store) == {po: ("failed", 1)}
    assert "purchase.order" not in odoo.records
    assert deliver_pending(store, sink(odoo), connector="odoo").delivered == [po]
    assert deliveries(store) == {po: ("delivered", 2)}
    assert len(odoo.records["purchase.order"]) == 1


def test_a_lost_answer_and_a_send_repeated_by_hand_still_give_one_po(store: Engine, odoo: FakeOdoo) -> None:
    [po] = approve(store, "S2")
    odoo.inject("lost_response", match="purchase.order/create")
    deliver_pending(store, sink(odoo), connector="odoo")
    with write_session(store) as session:  # someone clears the outbox: the ERP still has the order
        session.delete(session.get(ErpDelivery, po))
    with read_snapshot(store) as session:
        assert [o.reference for o in pending_orders(session)] == [po]
    deliver_pending(store, sink(odoo), connector="odoo")
    assert len(odoo.records["purchase.order"]) == 1
