"""The buyer workbook: a sheet per supplier with a total, and a summary sheet."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd
from openpyxl import load_workbook

from connectors.workbook import workbook_bytes, write_workbook


def _suggestions() -> pd.DataFrame:
    return pd.DataFrame({
        "suggestion_id": ["PS00001", "PS00002", "PS00003"],
        "item_id": ["CAP", "MCU", "CAP"],
        "supplier_id": ["DIST/EU", "DIST/EU", "MFR"],
        "mpn": ["C-1", "M-1", "C-2"],
        "quantity": [1000.0, 40.0, 4000.0],
        "order_date": pd.to_datetime(["2026-01-08", "2026-01-05", "2026-02-01"]),
        "receipt_date": pd.to_datetime(["2026-01-15", "2026-01-12", "2026-03-01"]),
        "unit_price": [0.015, 3.6, 0.008],
        "extended_price": [15.0, 144.0, 32.0],
        "from_stock": [False, True, False],
        "reason": ["price break 1000", "net requirement", "minimum order 4000"],
        "days_late": [0, 0, 3],
        "alternative": ["", "no other offer", ""],
    })


def test_one_sheet_per_supplier_with_total_and_a_summary(tmp_path):
    path = tmp_path / "purchase_suggestions.xlsx"
    write_workbook(_suggestions(), {"optimised_cost": 191.0, "mrp_cost": 250.0, "saving": 59.0, "saving_pct": 23.6,
                                    "status": "optimal", "gap": 0.0, "shortage_qty": 0.0}, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "DIST_EU", "MFR"]
    dist = book["DIST_EU"]
    assert [c.value for c in dist[1]][:4] == ["Suggestion", "Item", "MPN", "Quantity"]
    assert [dist.cell(row=r, column=1).value for r in (2, 3)] == ["PS00002", "PS00001"]  # by order date
    assert dist.cell(row=2, column=5).value == dt.datetime(2026, 1, 5)
    assert dist.cell(row=4, column=1).value == "Total"
    assert dist.cell(row=4, column=8).value == "=SUM(H2:H3)"
    summary = book["Summary"]
    labels = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value for r in range(1, 12)}
    assert labels["Plan cost, optimised"] == 191.0 and labels["Saving"] == 59.0
    suppliers = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=3).value for r in range(12, 16)}
    assert suppliers["DIST/EU"] == 159.0 and suppliers["MFR"] == 32.0


def test_the_workbook_carries_no_moment_of_writing():
    # The same plan gives the same bytes: every zip entry and the document properties are
    # dated 2000-01-01, whatever the clock says when it is written.
    xlsx = workbook_bytes(pd.DataFrame(columns=["supplier_id"]), {})
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        assert {entry.date_time for entry in book.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core) == [
        ("created", "2000-01-01T00:00:00Z"), ("modified", "2000-01-01T00:00:00Z")]


def test_a_lines_unauthorised_ncnr_value_is_shown_beside_it(tmp_path):
    path = tmp_path / "purchase_suggestions.xlsx"
    write_workbook(_suggestions().assign(unauthorised_value=[0.0, 72.0, 0.0]), {}, path)
    dist = load_workbook(path)["DIST_EU"]
    header = [c.value for c in dist[1]]
    column = header.index("Unauthorised NCNR value") + 1
    assert [dist.cell(row=r, column=column).value for r in (2, 3)] == [72.0, 0.0]  # MCU first: by order date
    assert dist.cell(row=2, column=column).number_format == "#,##0.00"
    summary = load_workbook(path)["Summary"]
    labels = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value for r in range(1, 13)}
    assert labels["Unauthorised NCNR value"] == 72.0
