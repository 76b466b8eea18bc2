"""The buyer workbook: purchase_suggestions.xlsx, one sheet per supplier plus a summary.

Buyers place orders supplier by supplier, so each supplier gets a sheet of its suggested
lines (ordered by order date) with a total row; the Summary sheet holds the plan cost
optimised against plain MRP, the saving, the solver status and one row per supplier.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SHEET_COLUMNS = (
    ("suggestion_id", "Suggestion", 12), ("item_id", "Item", 14), ("mpn", "MPN", 18),
    ("quantity", "Quantity", 11), ("order_date", "Order date", 12), ("receipt_date", "Receipt date", 12),
    ("unit_price", "Unit price", 11), ("extended_price", "Extended price", 14), ("from_stock", "From stock", 10),
    ("reason", "Why this quantity", 45), ("serves", "Serves (need date: qty)", 35), ("demands", "Demands", 35),
    ("days_late", "Days late", 9), ("alternative", "Best alternative", 50),
    ("unauthorised_value", "Unauthorised NCNR value", 14),
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MONEY = "#,##0.00"
PRICE = "#,##0.00000"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: The time written into the workbook's properties and zip entries: none, so files repeat byte for byte.
FIXED_TIME = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def write_workbook(suggestions: pd.DataFrame, summary: dict, path: Path) -> None:
    """Writes the buyer workbook for ``suggestions`` (purchase_suggestions columns + reasons)."""
    Path(path).write_bytes(workbook_bytes(suggestions, summary))


def workbook_bytes(suggestions: pd.DataFrame, summary: dict) -> bytes:
    """The buyer workbook as the bytes of an .xlsx file (the plan folder writer stores it)."""
    book = Workbook()
    _summary_sheet(book.active, suggestions, summary)
    used: set[str] = {"Summary"}
    for supplier_id, lines in suggestions.groupby("supplier_id", sort=True):
        _supplier_sheet(book.create_sheet(_sheet_name(str(supplier_id), used)), lines.sort_values(["order_date", "item_id"]))
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _without_timestamps(xlsx: bytes) -> bytes:
    """The same .xlsx with every zip entry and the "modified" property dated :data:`FIXED_TIME`
    (openpyxl stamps both with the moment of saving), so the same plan gives the same bytes."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def _sheet_name(supplier_id: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", supplier_id)[:31] or "_"
    name, n = base, 2
    while name.lower() in {u.lower() for u in used}:
        name = f"{base[:28]}~{n}"
        n += 1
    used.add(name)
    return name


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for col, width in enumerate(widths, start=1):
        cell = sheet.cell(row=sheet.max_row, column=col)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width


def _supplier_sheet(sheet: Worksheet, lines: pd.DataFrame) -> None:
    present = [(c, t, w) for c, t, w in SHEET_COLUMNS if c in lines.columns]
    _header(sheet, [t for _, t, _ in present], [w for *_, w in present])
    for row in lines.itertuples(index=False):
        values = []
        for column, _, _ in present:
            value = getattr(row, column)
            if isinstance(value, pd.Timestamp):
                value = value.date()
            elif not isinstance(value, str) and pd.isna(value):
                value = None
            values.append(value.item() if hasattr(value, "item") else value)
        sheet.append(values)
    first, last = 2, sheet.max_row
    names = [c for c, _, _ in present]
    for column, fmt in (("unit_price", PRICE), ("extended_price", MONEY), ("quantity", "#,##0.###"),
                        ("unauthorised_value", MONEY)):
        if column in names:
            letter = get_column_letter(names.index(column) + 1)
            for r in range(first, last + 1):
                sheet[f"{letter}{r}"].number_format = fmt
    for column in ("order_date", "receipt_date"):
        if column in names:
            letter = get_column_letter(names.index(column) + 1)
            for r in range(first, last + 1):
                sheet[f"{letter}{r}"].number_format = "yyyy-mm-dd"
    total = last + 1
    sheet.cell(row=total, column=1, value="Total").font = Font(bold=True)
    if "extended_price" in names:
        col = names.index("extended_price") + 1
        letter = get_column_letter(col)
        cell = sheet.cell(row=total, column=col, value=f"=SUM({letter}{first}:{letter}{last})" if last >= first else 0)
        cell.font, cell.number_format = Font(bold=True), MONEY
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{last}"


def _summary_sheet(sheet: Worksheet, suggestions: pd.DataFrame, summary: dict) -> None:
    sheet.title = "Summary"
    sheet["A1"] = "Purchase suggestions"
    sheet["A1"].font = Font(bold=True, size=14)
    rows = [
        ("Plan cost, optimised", summary.get("optimised_cost"), MONEY),
        ("Plan cost, plain MRP", summary.get("mrp_cost"), MONEY),
        ("Saving", summary.get("saving"), MONEY),
        ("Saving %", summary.get("saving_pct"), "0.00"),
        ("Solver status", summary.get("status"), None),
        ("Gap to lower bound", summary.get("gap"), "0.00%"),
        ("Lines", len(suggestions), "0"),
        ("Shortage (units no offer can deliver)", summary.get("shortage_qty"), "#,##0.###"),
    ]
    if "unauthorised_value" in suggestions.columns:
        rows.append(("Unauthorised NCNR value", float(suggestions.unauthorised_value.sum()), MONEY))
    for r, (label, value, fmt) in enumerate(rows, start=3):
        sheet.cell(row=r, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=r, column=2, value=value)
        if fmt:
            cell.number_format = fmt
    start = len(rows) + 5
    sheet.cell(row=start - 1, column=1, value="By supplier").font = Font(bold=True, size=12)
    for col, (title, width) in enumerate((("Supplier", 30), ("Lines", 10), ("Value", 16), ("From stock", 12)), start=1):
        cell = sheet.cell(row=start, column=col, value=title)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    grouped = suggestions.groupby("supplier_id", sort=True)
    for r, (supplier_id, lines) in enumerate(grouped, start=start + 1):
        sheet.cell(row=r, column=1, value=str(supplier_id))
        sheet.cell(row=r, column=2, value=len(lines))
        sheet.cell(row=r, column=3, value=float(lines.extended_price.sum())).number_format = MONEY
        sheet.cell(row=r, column=4, value=int(lines.from_stock.sum()))
    end = start + grouped.ngroups
    total = sheet.cell(row=end + 1, column=3, value=f"=SUM(C{start + 1}:C{end})" if end > start else 0)
    total.font, total.number_format = Font(bold=True), MONEY
    sheet.cell(row=end + 1, column=1, value="Total").font = Font(bold=True)
