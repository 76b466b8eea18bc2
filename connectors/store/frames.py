"""DataFrame <-> rows of a table, typed by the table's SQL column types, and bulk inserts.

Rows go in as tuples of plain Python values (``None`` for NaN/NaT) through the driver's
fastest path — ``COPY`` on PostgreSQL, one ``executemany`` on SQLite — inside the caller's
transaction; they come back as columns with the dtypes of :mod:`mrp.dataset` (dates as
``datetime64[ns]``, empty strings rather than ``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa

Kind = Literal["str", "int", "float", "bool", "date", "datetime"]


def column_kind(column: sa.Column) -> Kind:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return "bool"
    if isinstance(kind, sa.Integer):
        return "int"
    if isinstance(kind, sa.Float):
        return "float"
    if isinstance(kind, sa.DateTime):
        return "datetime"
    if isinstance(kind, sa.Date):
        return "date"
    return "str"


def insert_frame(
    connection: sa.Connection, frame: pd.DataFrame, table: sa.Table, columns: Sequence[str], **constants: Any
) -> int:
    """Insert the frame's ``columns`` into ``table``, with ``row_no`` (position from 1) and ``constants``.

    Every column not given is NULL (no Python-side defaults); returns the number of rows.
    """
    names = [*columns, "row_no", *constants]
    values = [_python_values(frame[name], column_kind(table.c[name])) for name in columns]
    values += [range(1, len(frame) + 1), *([v] * len(frame) for v in constants.values())]
    rows = list(zip(*values))
    if rows:
        bulk_insert(connection, table, names, rows)
    return len(rows)


def bulk_insert(connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``names``) within the connection's transaction."""
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(n) for n in names)
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in names)
            cursor.executemany(f"INSERT INTO {preparer.format_table(table)} ({quoted}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def rows_to_frame(rows: Sequence[Sequence[Any]], table: sa.Table, columns: Sequence[str]) -> pd.DataFrame:
    """Rows selected as ``columns`` of ``table`` back into a typed frame."""
    data = list(zip(*rows)) if rows else [() for _ in columns]
    return pd.DataFrame(
        {name: _series(values, column_kind(table.c[name])) for name, values in zip(columns, data)},
        index=pd.RangeIndex(len(rows)),
    )


def _python_values(series: pd.Series, kind: Kind) -> list[Any]:
    missing = series.isna().tolist()
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(series)
        convert = (lambda v: v.date()) if kind == "date" else (lambda v: v.to_pydatetime())
        return [None if m else convert(v) for v, m in zip(stamps, missing)]
    if kind == "float":
        return [None if m else float(v) for v, m in zip(series.tolist(), missing)]
    if kind == "int":
        return [None if m else int(v) for v, m in zip(series.tolist(), missing)]
    if kind == "bool":
        return [None if m else bool(v) for v, m in zip(series.tolist(), missing)]
    return [None if m else str(v) for v, m in zip(series.tolist(), missing)]


def _series(values: Sequence[Any], kind: Kind) -> pd.Series:
    if kind in ("date", "datetime"):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
    if kind == "float":
        return pd.Series(values, dtype="float64")
    if kind in ("int", "bool"):
        if any(v is None for v in values):
            return pd.Series(values, dtype="float64" if kind == "int" else object)
        return pd.Series(values, dtype="int64" if kind == "int" else "bool")
    return pd.Series(["" if v is None else v for v in values], dtype=object)
