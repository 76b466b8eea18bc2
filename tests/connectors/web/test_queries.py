"""The store reads behind the pages, on a small hand-made plan (values computed by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from connectors.store import open_store, read_snapshot, write_session
from connectors.store.models import (
    CurrentPlan, Demand, ExceptionRow, Item, OfferBreak, PeggingRow, PlanningRun, SuggestionDecision, SuggestionRow,
    Supplier,
)
from connectors.web import queries
from connectors.web.queries import SuggestionFilter

AS_OF = dt.date(2026, 11, 23)
#: suggestion id, item, supplier, quantity, receipt in days after as_of, unit price
LINES = [
    ("S1", "R-10K", "NBE", 10_000, 5, 0.002),   # value 20
    ("S2", "C-100N", "NBE", 4_000, 20, 0.01),   # value 40
    ("S3", "IC-MCU", "MUR", 100, 12, 3.0),      # value 300
    ("S4", "IC-MCU", "NBE", 50, 30, 3.5),       # value 175
]


@pytest.fixture
def store(tmp_path: Path):
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with write_session(engine) as s:
        for item, moq, multiple in (("R-10K", 0, 5000), ("C-100N", 0, None), ("IC-MCU", 10, None)):
            s.add(Item(item_id=item, type="buy", description=f"part {item}", min_order_qty=moq, order_multiple=multiple))
        s.add(Supplier(supplier_id="NBE", name="Northbridge", min_order_value=250.0))
        s.add(Supplier(supplier_id="MUR", name="Murata", min_order_value=None))
        s.add(OfferBreak(supplier_id="MUR", item_id="IC-MCU", mpn="M1", break_qty=25, lead_time_days=10,
                         min_order_qty=25, order_multiple=25, unit_price=3.0))
        s.add(PlanningRun(id=1, status="published", as_of=AS_OF, started_at=dt.datetime(2026, 11, 23, 2)))
        s.flush()
        s.add(CurrentPlan(id=1, run_id=1, published_at=dt.datetime(2026, 11, 23, 3)))
        for no, (sid, item, supplier, qty, days, price) in enumerate(LINES):
            s.add(SuggestionRow(run_id=1, row_no=no, suggestion_id=sid, item_id=item, supplier_id=supplier,
                                mpn="M1", quantity=qty, order_date=AS_OF, receipt_date=AS_OF + dt.timedelta(days=days),
                                unit_price=price, extended_price=qty * price,
                                unauthorised_value=36.0 if sid == "S3" else 0.0))
        s.add(Demand(demand_id="D1", customer_id="CARDIA", item_id="PCBA", due_date=AS_OF, quantity=10))
        s.add(PeggingRow(run_id=1, row_no=0, demand_id="D1", item_id="IC-MCU", supply_type="planned", quantity=10))
        for no, kind in enumerate(("shortage", "expedite", "defer", "stranded_stock")):
            s.add(ExceptionRow(run_id=1, row_no=no, type=kind, item_id="IC-MCU", ref_id=f"R{no}", date=AS_OF))
    return engine


def page_ids(engine, where=SuggestionFilter(), **kwargs):
    with read_snapshot(engine) as s:
        total, rows = queries.suggestion_page(s, queries.published_run(s), where, **kwargs)
    return total, [r["suggestion_id"] for r in rows]


def test_lines_are_filtered_sorted_and_paged_in_the_store(store):
    assert page_ids(store) == (4, ["S1", "S3", "S2", "S4"])  # by receipt date
    assert page_ids(store, SuggestionFilter(supplier_id="NBE")) == (3, ["S1", "S2", "S4"])
    assert page_ids(store, SuggestionFilter(within_days=12)) == (2, ["S1", "S3"])
    assert page_ids(store, SuggestionFilter(item="mcu")) == (2, ["S3", "S4"])
    assert page_ids(store, SuggestionFilter(item="part c-100")) == (1, ["S2"])  # the description matches too
    assert page_ids(store, SuggestionFilter(customer_id="CARDIA")) == (2, ["S3", "S4"])  # pegged to CARDIA's demand
    assert page_ids(store, sort="value", descending=True) == (4, ["S3", "S4", "S2", "S1"])
    assert page_ids(store, sort="value", descending=True, offset=1, limit=2) == (4, ["S4", "S2"])
    with pytest.raises(ValueError, match="cannot sort by 'price'"):
        page_ids(store, sort="price")


#: Reasons as the purchasing stage writes them (optimizer.purchasing.explain), per line.
REASON_TEXTS = {
    "S1": "order multiple (reel) 5000",
    "S2": "minimum order 4000; buys ahead: 2 need dates 2026-12-01 to 2026-12-13",
    "S3": "NBE's minimum order value 250; late up to 3 d",
    "S4": "price break 50: 3.5 instead of 4 a unit; 10 beyond all requirements, held to the horizon end",
}


def test_lines_are_filtered_by_the_kind_of_reason_they_give(store):
    with write_session(store) as s:
        for row in s.exec(select(SuggestionRow)).all():
            row.reason = REASON_TEXTS[row.suggestion_id]
            s.add(row)
    expected = {"order_multiple": ["S1"], "minimum_order": ["S2"], "buys_ahead": ["S2"],
                "minimum_order_value": ["S3"], "late": ["S3"], "price_break": ["S4"], "surplus": ["S4"],
                "net_requirement": [], "distributor_stock": []}
    assert set(expected) == set(queries.REASONS)
    for reason, ids in expected.items():
        assert page_ids(store, SuggestionFilter(reason=reason))[1] == ids, reason
    with pytest.raises(ValueError, match="no reason 'cheap'"):
        page_ids(store, SuggestionFilter(reason="cheap"))


def test_a_line_carries_its_unauthorised_ncnr_value_for_the_buy_page(store):
    with read_snapshot(store) as s:
        _, rows = queries.suggestion_page(s, queries.published_run(s), SuggestionFilter(item="mcu"))
    assert {r["suggestion_id"]: r["unauthorised_value"] for r in rows} == {"S3": 36.0, "S4": 0.0}


def test_decisions_show_as_status_and_edited_values(store):
    with write_session(store) as s:
        s.add(SuggestionDecision(run_id=1, suggestion_id="S4", action="approved", item_id="IC-MCU", supplier_id="NBE",
                                 mpn="M1", quantity=50, po_id="RP-1-S4", po_status="sent", po_supplier_id="NBE",
                                 po_mpn="M1", po_quantity=60, po_due_date=AS_OF + dt.timedelta(days=31),
                                 po_unit_price=3.25, decided_by="anna", decided_at=dt.datetime(2026, 11, 23, 9)))
        s.add(SuggestionDecision(run_id=1, suggestion_id="S2", action="rejected", item_id="C-100N", supplier_id="NBE",
                                 mpn="M1", quantity=4000, decided_at=dt.datetime(2026, 11, 23, 9)))
    assert page_ids(store, SuggestionFilter(status="approved")) == (1, ["S4"])
    assert page_ids(store, SuggestionFilter(status="pending")) == (2, ["S1", "S3"])
    with read_snapshot(store) as s:
        _, rows = queries.suggestion_page(s, queries.published_run(s), SuggestionFilter(status="approved"))
        totals = queries.supplier_totals(s, queries.published_run(s), SuggestionFilter())
        approved = queries.approved_orders(s)
    assert rows[0]["quantity"] == 60 and rows[0]["value"] == pytest.approx(195.0) and rows[0]["po_id"] == "RP-1-S4"
    # NBE: S1 20 + S4 60 × 3.25 = 195 (S2 rejected) = 215 < 250; MUR: 300, no minimum.
    assert totals == [
        {"supplier_id": "MUR", "name": "Murata", "lines": 1, "value": pytest.approx(300.0), "min_order_value": None,
         "met": True},
        {"supplier_id": "NBE", "name": "Northbridge", "lines": 3, "value": pytest.approx(215.0),
         "min_order_value": 250.0, "met": False},
    ]
    assert [(a["po_id"], a["quantity"], a["po_status"], a["decided_by"]) for a in approved] == [
        ("RP-1-S4", 60, "sent", "anna")]


def test_the_rules_an_edited_quantity_breaks(store):
    with read_snapshot(store) as s:
        assert queries.order_rules(s, "IC-MCU", "MUR", "M1", 20) == ["below the MOQ of 25", "not a multiple of 25"]
        assert queries.order_rules(s, "IC-MCU", "MUR", "M1", 50) == []
        assert queries.order_rules(s, "R-10K", "NBE", "M1", 12_000) == ["not a multiple of 5000"]
        assert queries.order_rules(s, "IC-MCU", "NBE", "M1", 5) == ["below the MOQ of 10"]  # the item's own MOQ


def test_exceptions_filter_by_severity_and_type(store):
    with read_snapshot(store) as s:
        run = queries.published_run(s)
        by_severity = {level: [r["type"] for r in queries.exception_page(
            s, run, types=[], severity_level=level, offset=0, limit=10)[1]] for level in ("high", "medium", "low")}
        total, rows = queries.exception_page(s, run, types=["defer", "expedite"], severity_level="", offset=1, limit=1)
    assert by_severity == {"high": ["shortage"], "medium": ["expedite"], "low": ["defer", "stranded_stock"]}
    assert total == 2 and [r["type"] for r in rows] == ["defer"]
