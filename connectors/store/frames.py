"""DataFrame <-> rows of a table, typed by the table's SQL column types, and bulk inserts.

Rows go in a chunk at a time, inside the caller's transaction, through each driver's fastest
path: on PostgreSQL one ``COPY ... (FORMAT csv)``, each chunk turned into CSV text by pyarrow's
writer column by column (no Python value per cell); on SQLite ``executemany`` per chunk of
tuples of plain Python values (``None`` for NaN/NaT, dates as the ISO text sqlite3 stores for a
date, made by numpy a column at a time). Both store the same values; they come back as columns with the dtypes of
:mod:`mrp.dataset` (dates as ``datetime64[ns]``, empty strings rather than ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
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
    if not len(frame):
        return 0
    if connection.dialect.name == "postgresql":
        copy_csv(connection, table, names, _csv_chunks(frame, columns, kinds, constants))
        return len(frame)

    def chunks() -> Iterator[list[tuple]]:
        for start in range(0, len(frame), ROWS_PER_CHUNK):
            part = frame.iloc[start:start + ROWS_PER_CHUNK]
            values = [_python_values(part[name], kind) for name, kind in zip(columns, kinds)]
            values += [range(start + 1, start + len(part) + 1), *([v] * len(part) for v in constants.values())]
            yield list(zip(*values))

    bulk_insert(connection, table, names, chunks())
    return len(frame)


def _csv_chunks(frame: pd.DataFrame, columns: Sequence[str], kinds: Sequence[Kind],
                constants: dict[str, Any]) -> Iterator[bytes]:
    """The frame's rows as CSV text for ``COPY ... (FORMAT csv)``, ``ROWS_PER_CHUNK`` rows at a
    time, with ``row_no`` and the constants: strings quoted (so an empty string stays one), a
    missing value an empty unquoted field (NULL), floats in their shortest exact form."""
    options = pa_csv.WriteOptions(include_header=False)
    labels = {name: pa.array(_python_values(pd.Series(frame[name].cat.categories), kind), type=pa.string())
              for name, kind in zip(columns, kinds)
              if kind == "str" and isinstance(frame[name].dtype, pd.CategoricalDtype)}
    for start in range(0, len(frame), ROWS_PER_CHUNK):
        part = frame.iloc[start:start + ROWS_PER_CHUNK]
        arrays = [_arrow_values(part[name], kind, labels.get(name)) for name, kind in zip(columns, kinds)]
        arrays.append(pa.array(np.arange(start + 1, start + len(part) + 1, dtype=np.int64)))
        arrays += [pa.array([value] * len(part)) for value in constants.values()]
        sink = io.BytesIO()
        pa_csv.write_csv(pa.table(arrays, names=[str(n) for n in range(len(arrays))]), sink, options)
        yield sink.getvalue()


def _arrow_values(series: pd.Series, kind: Kind, labels: pa.Array | None = None) -> pa.Array:
    """The column as an Arrow array of its SQL kind, null where missing (what
    :func:`_python_values` gives, without a Python object per value); ``labels``: a categorical
    text column's categories as text, made once for the whole frame."""
    missing = series.isna().to_numpy()
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(series).to_numpy(dtype="datetime64[D]" if kind == "date" else "datetime64[us]")
        return pa.array(stamps, mask=missing)
    if kind == "float":
        return pa.array(series.to_numpy(dtype="float64", na_value=np.nan), mask=missing)
    if kind in ("int", "bool"):
        numbers = np.where(missing, 0, series.to_numpy(dtype=object, na_value=np.nan))
        return pa.array(numbers.astype(np.int64 if kind == "int" else bool), mask=missing)
    if labels is not None:
        codes = pa.array(series.cat.codes.to_numpy(), mask=missing)
        return pa.DictionaryArray.from_arrays(codes, labels).dictionary_decode()
    return pa.array(_python_values(series, kind), type=pa.string())


def copy_csv(connection: sa.Connection, table: sa.Table, names: Sequence[str], chunks: Iterable[bytes]) -> None:
    """PostgreSQL: one ``COPY ... FROM STDIN (FORMAT csv)`` of the CSV chunks into ``names`` of
    ``table``, within the connection's transaction (psycopg 3's ``cursor.copy``)."""
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(n) for n in names)
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
            for chunk in chunks:
                copy.write(chunk)
    finally:
        cursor.close()


def bulk_insert(connection: sa.Connection, table: sa.Table, names: Sequence[str], chunks: Iterable[Sequence[tuple]]) -> None:
    """SQLite: insert chunks of rows (tuples in the order of ``names``) within the connection's
    transaction, one ``executemany`` per chunk."""
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(n) for n in names)
    marks = ", ".join("?" for _ in names)
    statement = f"INSERT INTO {preparer.format_table(table)} ({quoted}) VALUES ({marks})"
    cursor = connection.connection.cursor()
    try:
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
    """The column as plain Python values of its SQL kind, ``None`` where missing; dates as their
    ISO text (``YYYY-MM-DD``, what sqlite3 stores for a date). Whole columns are converted by
    numpy, only times go value by value."""
    missing = series.isna().to_numpy()
    if kind == "datetime":
        return [None if m else v.to_pydatetime() for v, m in zip(pd.to_datetime(series), missing)]
    if kind == "date":
        values = np.datetime_as_string(pd.to_datetime(series).to_numpy(dtype="datetime64[D]"), unit="D").astype(object)
    elif kind in ("float", "int", "bool"):
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
