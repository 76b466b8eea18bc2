"""DataFrame <-> rows of a table, typed by the table's SQL column types, and bulk inserts.

Rows go in as tuples of plain Python values (``None`` for NaN/NaT), a chunk at a time, through
the driver's fastest path — one ``COPY`` on PostgreSQL, ``executemany`` per chunk on SQLite —
inside the caller's transaction; they come back as columns with the dtypes of
:mod:`mrp.dataset` (dates as ``datetime64[ns]``, empty strings rather than ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import numpy as np
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


#: Rows turned into Python values and handed to the driver at a time: memory stays bounded
#: when a plan of millions of pegging rows is published.
ROWS_PER_CHUNK = 50_000


def insert_frame(
    connection: sa.Connection, frame: pd.DataFrame, table: sa.Table, columns: Sequence[str], **constants: Any
) -> int:
    """Insert the frame's ``columns`` into ``table``, with ``row_no`` (position from 1) and ``constants``.

    Every column not given is NULL (no Python-side defaults); returns the number of rows.
    The rows are converted and sent ``ROWS_PER_CHUNK`` at a time, all in the caller's
    transaction, so a failure anywhere leaves nothing behind once the caller rolls back.
    """
    names = [*columns, "row_no", *constants]
    kinds = [column_kind(table.c[name]) for name in columns]

    def chunks() -> Iterator[list[tuple]]:
        for start in range(0, len(frame), ROWS_PER_CHUNK):
            part = frame.iloc[start:start + ROWS_PER_CHUNK]
            values = [_python_values(part[name], kind) for name, kind in zip(columns, kinds)]
            values += [range(start + 1, start + len(part) + 1), *([v] * len(part) for v in constants.values())]
            yield list(zip(*values))

    if len(frame):
        bulk_insert(connection, table, names, chunks())
    return len(frame)


def bulk_insert(connection: sa.Connection, table: sa.Table, names: Sequence[str], chunks: Iterable[Sequence[tuple]]) -> None:
    """Insert chunks of rows (tuples in the order of ``names``) within the connection's
    transaction: one ``COPY ... FROM STDIN`` for them all on PostgreSQL (psycopg 3's
    ``cursor.copy``), one ``executemany`` per chunk on SQLite."""
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(n) for n in names)
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
                for rows in chunks:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in names)
            statement = f"INSERT INTO {preparer.format_table(table)} ({quoted}) VALUES ({marks})"
            for rows in chunks:
                cursor.executemany(statement, rows)
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
    """The column as plain Python values of its SQL kind, ``None`` where missing; whole columns
    are converted by numpy, only dates go value by value."""
    missing = series.isna().to_numpy()
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(series)
        convert = (lambda v: v.date()) if kind == "date" else (lambda v: v.to_pydatetime())
        return [None if m else convert(v) for v, m in zip(stamps, missing)]
    if kind in ("float", "int", "bool"):
        numbers = series.to_numpy(dtype="float64" if kind == "float" else object, na_value=np.nan)
        if kind != "float":
            numbers = np.where(missing, 0, numbers).astype(np.int64 if kind == "int" else bool)
        values = numbers.astype(object)
    else:
        values = series.to_numpy(dtype=object, na_value=None, copy=True)
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            values = np.array([v if v is None else str(v) for v in values], dtype=object)
    values[missing] = None
    return values.tolist()


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
