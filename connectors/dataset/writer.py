"""Write a Dataset back as a dataset folder, and a Plan as a plan folder (format v1).

Both are deterministic byte for byte: fixed column order, ``\\n`` line ends, numbers without
float noise, dates ISO. A plan folder is written beside its destination and renamed into
place, so a reader never sees half a plan.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numba import njit

from connectors.dataset.cells import format_cell, format_number
from connectors.dataset.settings import SETTINGS_FILE, settings_to_toml
from mrp.dataset import TABLES, Dataset
from mrp.plan import CAPACITY_LOAD_COLUMNS, PLAN_COLUMNS, Plan

#: Significant digits of computed plan numbers: enough for any quantity or price, few enough
#: to hide float noise (0.1 + 0.2 is written 0.3).
PLAN_DIGITS = 12

#: Plan columns that hold a time of day; every other datetime column holds a date.
PLAN_DATETIME_COLUMNS = frozenset({"setup_start", "start", "end", "due"})

SUMMARY_FILE = "summary.json"

#: How plan tables are written: CSV (the format's), Parquet, or both side by side.
PlanFormat = Literal["csv", "parquet", "both"]
PLAN_FORMATS: tuple[str, ...] = ("csv", "parquet", "both")

#: Rows of a plan table turned into text at a time (memory, not speed).
ROWS_PER_SLICE = 250_000


def write_dataset(ds: Dataset, path: Path) -> None:
    """Write every table that has rows, plus ``settings.toml``, so that reading the folder
    gives back an equal Dataset. Numbers are written exactly (``2500``, not ``2500.0``)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        frame = ds.table(name)
        if frame.empty:
            (path / table.file).unlink(missing_ok=True)  # a stale file would read back as rows
            continue
        text = pd.DataFrame({col.name: _dataset_column(frame[col.name], col.kind) for col in table.columns})
        (path / table.file).write_text(_csv(text), encoding="utf-8")
    (path / SETTINGS_FILE).write_text(settings_to_toml(ds.settings), encoding="utf-8")


def _dataset_column(values: pd.Series, kind: str) -> list[str] | pd.Series:
    if kind in ("str", "enum"):
        return values.astype(object)
    if kind == "date":
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
    if kind == "bool":
        return ["true" if v else "false" for v in values]
    return [format_number(v) for v in values.to_numpy(dtype="float64")]


def write_plan(plan: Plan, path: Path, *, format: PlanFormat = "csv") -> None:
    """Write the plan folder: each plan table that is not None as ``<name>.csv`` (its contract
    columns first, then its own extra columns; an empty table still gets its header), the
    rough-cut ``capacity_load.csv`` when sequencing ran, each of
    ``plan.extras`` as ``<name>.csv``, and ``plan.summary`` as ``summary.json``.

    ``format`` "parquet" writes the tables as ``<name>.parquet`` instead, "both" writes both.
    An existing folder holding nothing but plan files is replaced as a whole (a reader sees
    the old plan or the new one). A folder that also holds other files (a log, a note) keeps
    them: the plan files are then replaced in it one by one, and stale ones removed.
    Raises :class:`PlanFolderError` before writing anything when ``path`` cannot hold a plan.
    """
    if format not in PLAN_FORMATS:
        raise ValueError(f"format must be one of {', '.join(PLAN_FORMATS)}, not {format!r}")
    path = Path(path)
    check_plan_folder(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_staging_folder(path)
    try:
        tables = [(name, getattr(plan, name), columns) for name, columns in PLAN_COLUMNS.items()]
        tables.append(("capacity_load", plan.capacity_load, CAPACITY_LOAD_COLUMNS))
        tables += [(name, frame, ()) for name, frame in sorted(plan.extras.items())]
        for name, frame, columns in tables:
            if frame is None:
                continue
            if format in ("csv", "both"):
                _write_plan_table(frame, columns, staging / f"{name}.csv")
            if format in ("parquet", "both"):
                _write_parquet_table(frame, columns, staging / f"{name}.parquet")
        for name, content in sorted(plan.files.items()):
            (staging / name).write_bytes(content)
        summary = json.dumps(_jsonable(plan.summary), sort_keys=True, indent=2, allow_nan=False)
        (staging / SUMMARY_FILE).write_text(summary + "\n", encoding="utf-8")
        if path.is_dir() and any(not _is_plan_file(p) for p in path.iterdir()):
            _replace_plan_files(staging, path)
        else:
            _swap_into_place(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class PlanFolderError(Exception):
    """The plan folder cannot be written: the message says why and what to give instead."""


def check_plan_folder(path: Path) -> None:
    """Raise :class:`PlanFolderError` unless a plan can be written at ``path``: it is a folder or
    absent, and the folder beside which it is staged (and the folder itself, when it exists)
    accepts new entries. Cheap, so callers run it before any planning work."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise PlanFolderError(f"{path} is a file, not a folder; give a folder for the plan (new, or one holding a plan).")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise PlanFolderError(f"{parent} is a file, so {path} cannot be created; give a folder for the plan elsewhere.")
    for folder in (parent, path) if path.is_dir() else (parent,):
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".reelplan-probe.", dir=folder))
        except OSError as exc:
            raise PlanFolderError(_unwritable(path, folder, exc)) from None


def _unwritable(path: Path, folder: Path, exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        fix = f"{folder} is on a read-only file system; give a folder on a writable disk"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        fix = f"{folder} is not writable for this user; give a folder you may write to, or change its permissions"
    else:
        fix = f"{folder} does not accept new folders ({exc.strerror or exc}); give another folder"
    return f"cannot write the plan to {path}: {fix}."


def _new_staging_folder(path: Path) -> Path:
    """An empty folder beside ``path``, created with the usual permissions (the umask's)."""
    while True:
        staging = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue


def _ordered(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[str]:
    return list(columns) + [c for c in frame.columns if c not in columns]


def _write_plan_table(frame: pd.DataFrame, columns: tuple[str, ...], file: Path) -> None:
    """Written in slices of ``ROWS_PER_SLICE`` rows: each column turned into Arrow text at once,
    text cells quoted where they need it (as the ``csv`` module does), the slice's lines joined
    from Arrow's buffers into the slice's bytes in one compiled pass (:func:`_lines`). A factory's
    pegging runs to tens of millions of rows; no more than one slice is ever text."""
    ordered = _ordered(frame, columns)
    alone = len(ordered) == 1
    labels = {c: _label_cells(frame[c], c, alone) for c in ordered if c in frame.columns and _is_labelled(frame[c])}
    with open(file, "wb") as out:
        out.write((",".join(_quote_text(c) for c in ordered) + "\n").encode("utf-8"))
        for start in range(0, len(frame), ROWS_PER_SLICE):
            part = frame.iloc[start:start + ROWS_PER_SLICE]
            cells = []
            for c in ordered:
                if c in labels:
                    codes = part[c].cat.codes.to_numpy().astype(np.int64)
                    codes[codes < 0] = len(labels[c][0]) - 2  # a missing label: the empty cell, last
                    cells.append((*labels[c], codes))
                else:
                    text = _csv_cells(part[c], c, alone) if c in part.columns else \
                        pa.array([""] * len(part), pa.large_string())
                    cells.append((*_offsets_and_bytes(text), _EVERY_ROW))
            out.write(_lines(len(part), *zip(*cells)).data)


#: The row index of a column whose cells are given row by row (see :func:`_lines`).
_EVERY_ROW = np.zeros(0, np.int64)


def _is_labelled(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(values.cat.categories)


def _label_cells(values: pd.Series, name: str, alone: bool) -> tuple[np.ndarray, np.ndarray]:
    """A categorical column's labels as CSV cells, each turned into text (and quoted) once, with
    the empty cell of a missing label last: the big tables repeat a few thousand ids over tens of
    millions of rows."""
    text = pd.Series(np.append(values.cat.categories.to_numpy(dtype=object), ""), dtype="str")
    return _offsets_and_bytes(_csv_cells(text, name, alone))


def _offsets_and_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's cell bounds (``len + 1`` of them) and its characters' bytes, both straight
    from its buffers."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = text.cast(pa.large_string())
    _, offsets, data = text.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    return bounds, np.frombuffer(data if data is not None else b"", dtype=np.uint8)


@njit(cache=True)
def _lines(n_rows, bounds, characters, rows):
    """The CSV lines of a slice's ``n_rows`` rows: each column's cell, a comma between cells and
    a line end after the last. Column ``c``'s cells are ``bounds[c]`` into ``characters[c]``,
    given row by row (``rows[c]`` empty) or as labels (``rows[c]``: each row's label). Each
    line's length first, then a column at a time into its place (a column taken out of the
    tuples once, not once a cell)."""
    n_columns = len(bounds)
    at = np.full(n_rows + 1, n_columns, np.int64)  # separators and line end
    at[0] = 0
    for c in range(n_columns):
        cell, row = bounds[c], rows[c]
        for i in range(n_rows):
            r = row[i] if len(row) else i
            at[i + 1] += cell[r + 1] - cell[r]
    for i in range(n_rows):
        at[i + 1] += at[i]
    out = np.empty(at[n_rows], np.uint8)
    for c in range(n_columns):
        cell, text, row = bounds[c], characters[c], rows[c]
        separator = 44 if c < n_columns - 1 else 10  # "," or "\n"
        for i in range(n_rows):
            r = row[i] if len(row) else i
            p = at[i]
            for k in range(cell[r], cell[r + 1]):
                out[p] = text[k]
                p += 1
            out[p] = separator
            at[i] = p + 1
    return out


def _csv_cells(values: pd.Series, name: str, alone: bool) -> pa.Array:
    """The cells of one column as the ``csv`` module writes them (minimal quoting): text
    holding a comma, a quote or a line break is quoted with its quotes doubled, and so is an
    empty cell alone on its line. Numbers, dates and flags never need quotes."""
    text, free_text = _text_column(values, name)
    text = text.cast(pa.large_string())
    if not (free_text or alone):
        return text
    characters = bytes(_string_bytes(text))
    if not alone and not any(c in characters for c in (b'"', b",", b"\r", b"\n")):
        return text  # the usual case, found by a scan of the column's characters
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if alone:
        needs = pc.or_(needs, pc.equal(text, ""))
    quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(text, '"', '""'), _text('"'), _text(""))
    return pc.if_else(needs, quoted, text)


def _text_column(values: pd.Series, name: str) -> tuple[pa.Array, bool]:
    """The text of one column as an Arrow string array without nulls, and whether it is free
    text (which may need quoting); vectorised for the types plan tables hold, cell by cell
    otherwise."""
    if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dtype, "tz", None) is None:
        stamps = pa.array(values.to_numpy().astype("datetime64[s]"), mask=values.isna().to_numpy())
        if name in PLAN_DATETIME_COLUMNS:
            text = pc.strftime(stamps, format="%Y-%m-%dT%H:%M")
        else:
            text = pc.cast(pc.cast(stamps, pa.date32()), pa.string())
        return pc.fill_null(text, ""), False
    if values.dtype == np.float64:
        return _float_text(values.to_numpy()), False
    if pd.api.types.is_integer_dtype(values.dtype):
        return pc.fill_null(pc.cast(pa.array(values), pa.string()), ""), False
    if values.dtype == np.bool_:
        return pc.if_else(pa.array(values.to_numpy()), "true", "false"), False
    if isinstance(values.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(values.cat.categories):
        return pc.fill_null(pa.array(values).dictionary_decode(), ""), True
    if isinstance(values.dtype, pd.StringDtype):
        return pc.fill_null(pa.array(values), ""), True
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return pc.fill_null(pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True), ""), True
    return pa.array([_plan_cell(v, name) for v in values], pa.string()), True


def _float_text(x: np.ndarray) -> pa.Array:
    """Whole numbers below 10^PLAN_DIGITS as integers, cast to text by Arrow (rounding to that
    many digits leaves them as they are); the few others through :func:`format_cell`."""
    missing = np.isnan(x)
    whole = ~missing & (x == np.round(x)) & (np.abs(x) < 10.0 ** PLAN_DIGITS)
    text = pc.cast(pa.array(np.where(whole, x, 0).astype(np.int64)), pa.string())
    rest = ~missing & ~whole
    if rest.any():
        others = [format_cell(v, digits=PLAN_DIGITS) for v in x[rest].tolist()]
        text = pc.replace_with_mask(text, pa.array(rest), pa.array(others, pa.string()))
    if missing.any():
        text = pc.replace_with_mask(text, pa.array(missing), pa.array([""] * int(missing.sum()), pa.string()))
    return text


_NEEDS_QUOTES = '[",\r\n]'


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _quote_text(cell: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if re.search(_NEEDS_QUOTES, cell) else cell


def _string_bytes(text: pa.Array) -> memoryview | bytes:
    """The characters of a string array, back to back, straight from its data buffer."""
    if len(text) == 0:
        return b""
    if isinstance(text, pa.ChunkedArray):
        return b"".join(bytes(_string_bytes(chunk)) for chunk in text.chunks)
    text = text.cast(pa.large_string())
    _, offsets, data = text.buffers()
    if data is None:
        return b""
    bounds = np.frombuffer(offsets, dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    return memoryview(data)[bounds[0]:bounds[-1]]


def _write_parquet_table(frame: pd.DataFrame, columns: tuple[str, ...], file: Path) -> None:
    """One Parquet file, a row group per slice of ``ROWS_PER_SLICE`` rows: numbers as numbers,
    dates as dates, the schedule's times as timestamps to the minute, ids as text."""
    ordered = _ordered(frame, columns)
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, max(len(frame), 1), ROWS_PER_SLICE):
            part = frame.iloc[start:start + ROWS_PER_SLICE]
            table = pa.table({c: _arrow_column(part[c], c) if c in part.columns else pa.nulls(len(part), pa.string())
                              for c in ordered})
            if writer is None:
                writer = pq.ParquetWriter(file, table.schema)
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def _arrow_column(values: pd.Series, name: str) -> pa.Array:
    """A plan column in its Arrow type, chosen by its dtype alone (so every slice of a table
    gets the same schema)."""
    if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dtype, "tz", None) is None:
        mask = values.isna().to_numpy()
        if name in PLAN_DATETIME_COLUMNS:
            return pa.array(values.to_numpy().astype("datetime64[m]").astype("datetime64[s]"), mask=mask)
        return pa.array(values.to_numpy().astype("datetime64[D]"), mask=mask)
    if values.dtype in (np.float64, np.bool_) or pd.api.types.is_integer_dtype(values.dtype):
        return pa.array(values)
    if _is_labelled(values):
        return _slice_dictionary(values)
    return _text_column(values, name)[0]


def _slice_dictionary(values: pd.Series) -> pa.DictionaryArray:
    """A categorical slice as a dictionary of the labels it uses: each row group holds its own
    dictionary, and a pegging's supply ids run to a million labels, a few thousand per slice."""
    codes = values.cat.codes.to_numpy()
    used = np.zeros(len(values.cat.categories) + 1, bool)
    used[codes] = True  # a missing label (-1) marks the spare last slot
    labels = np.flatnonzero(used[:-1])
    new_code = np.cumsum(used[:-1], dtype=np.int64) - 1
    indices = pa.array(new_code[codes].astype(np.int32), mask=codes < 0)
    dictionary = pa.array(values.cat.categories[labels].to_numpy(dtype=object), pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def _plan_cell(value: Any, name: str) -> str:
    if isinstance(value, datetime) and name not in PLAN_DATETIME_COLUMNS and value == _midnight(value):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and math.isnan(value):
        return ""
    return format_cell(value, digits=PLAN_DIGITS)


def _midnight(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def _csv(text: pd.DataFrame) -> str:
    buffer = io.StringIO()
    text.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _jsonable(value: Any) -> Any:
    """Summary values as JSON: dates ISO, datetimes to the minute, numpy scalars plain, NaN null."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value == _midnight(value) else value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


PLAN_FILE_SUFFIXES = (".csv", ".parquet", ".svg", ".png", ".xlsx")


def _is_plan_file(p: Path) -> bool:
    return p.is_file() and (p.suffix in PLAN_FILE_SUFFIXES or p.name == SUMMARY_FILE)


def _replace_plan_files(staging: Path, path: Path) -> None:
    """Move each new plan file over the old one (each move is atomic), then drop old plan
    files the new plan does not have; everything else in the folder stays as it was."""
    new = {p.name for p in staging.iterdir()}
    for name in sorted(new):
        os.replace(staging / name, path / name)
    for stale in path.iterdir():
        if _is_plan_file(stale) and stale.name not in new:
            stale.unlink()
    staging.rmdir()


def _swap_into_place(staging: Path, path: Path) -> None:
    """Rename the finished folder into place; an old plan is moved aside first, then removed."""
    if not path.exists():
        staging.rename(path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    old.rmdir()
    path.rename(old)
    try:
        staging.rename(path)
    except BaseException:
        old.rename(path)
        raise
    shutil.rmtree(old, ignore_errors=True)
