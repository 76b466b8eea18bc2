"""Raw dataset tables built from ERP records: text cells, dataset column names and order.

Importers produce what a CSV export would: ``{table name: DataFrame of str}``. The
dataset reader (``connectors.dataset.parse_tables``) then validates them exactly like
CSV files, so an ERP import is checked by the same rules as a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from connectors.dataset.cells import format_cell
from mrp.dataset import TABLES, is_counted

#: Piece units ERPs spell their own way (ERPNext's "Nos", Odoo's "Unit(s)").
ERP_PIECE_UOMS = frozenset({"nos", "no", "no.", "unit(s)"})


def cell(value: Any) -> str:
    """One value as the CSV reader expects it; ERPs say ``false`` (Odoo) or null for "nothing"."""
    return "" if value is None or value is False else format_cell(value)


def uom(name: str | None) -> str:
    """The dataset's uom for an ERP unit: pieces become ``pcs`` (so they plan in whole numbers)."""
    name = (name or "").strip().lower()
    return "pcs" if not name or name in ERP_PIECE_UOMS or is_counted(name) else name


def iso_day(value: Any) -> str:
    """The date part of an ERP date or datetime string ("2025-03-01 10:00:00" -> "2025-03-01")."""
    return str(value)[:10] if value else ""


def raw_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The rows as a table of text in the dataset's column order (only the columns given)."""
    rows = list(rows)
    schema = TABLES[name].column_names
    used = [c for c in schema if any(c in r for r in rows)] or [c.name for c in TABLES[name].columns if c.required]
    data = {c: [cell(r.get(c)) for r in rows] for c in used}
    return pd.DataFrame(data, columns=used, dtype=object)
