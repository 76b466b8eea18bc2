"""Build dataset tables that follow :mod:`mrp.dataset` exactly (columns, order, dtypes).

Both the large-dataset generator and the sample-factory builder assemble their tables as
plain columns (numpy arrays or lists); this turns them into the frames the core expects,
filling the schema's constant defaults so no caller has to remember them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mrp.dataset import TABLES, dtype_of


def schema_frame(name: str, columns: dict[str, Any]) -> pd.DataFrame:
    """A table of ``name`` from ``columns``; missing columns get the schema default (or empty).

    String columns become object columns of Python ``str`` (pandas 3 would otherwise infer
    its ``str`` dtype), dates ``datetime64[ns]``, and the rest the schema's numeric dtype.
    """
    table = TABLES[name]
    unknown = set(columns) - set(table.column_names)
    if unknown:
        raise KeyError(f"{name}: unknown columns {sorted(unknown)}")
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{name}: columns of different lengths {sorted(lengths)}")
    n_rows = lengths.pop() if lengths else 0
    data: dict[str, pd.Series] = {}
    for col in table.columns:
        dtype = dtype_of(name, col.name)
        values = columns.get(col.name)
        if values is None:
            values = _default_column(col.default, dtype, n_rows)
        data[col.name] = _as_series(values, dtype)
    return pd.DataFrame(data)


def _default_column(default: Any, dtype: str, n_rows: int) -> np.ndarray:
    if dtype == "object":
        return np.full(n_rows, "" if default is None else default, dtype=object)
    if dtype == "datetime64[ns]":
        return np.full(n_rows, np.datetime64("NaT"), dtype="datetime64[ns]")
    if dtype == "bool":
        return np.full(n_rows, bool(default))
    return np.full(n_rows, np.nan if default is None else default, dtype=dtype)


def _as_series(values: Any, dtype: str) -> pd.Series:
    if dtype == "object":
        array = np.asarray(values, dtype=object)
        return pd.Series(array, dtype=object)
    if dtype == "datetime64[ns]":
        return pd.Series(pd.to_datetime(np.asarray(values, dtype="datetime64[ns]")), dtype=dtype)
    return pd.Series(np.asarray(values), dtype=dtype)
