"""Write a Dataset back as a dataset folder, and a Plan as a plan folder (format v1).

Both are deterministic byte for byte: fixed column order, ``\\n`` line ends, numbers without
float noise, dates ISO. A plan folder is written beside its destination and renamed into
place, so a reader never sees half a plan.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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


def write_plan(plan: Plan, path: Path) -> None:
    """Write the plan folder: each plan table that is not None as ``<name>.csv`` (its contract
    columns first, then its own extra columns; an empty table still gets its header), the
    rough-cut ``capacity_load.csv`` when sequencing ran, each of
    ``plan.extras`` as ``<name>.csv``, and ``plan.summary`` as ``summary.json``.

    An existing folder holding nothing but plan files is replaced as a whole (a reader sees
    the old plan or the new one). A folder that also holds other files (a log, a note) keeps
    them: the plan files are then replaced in it one by one, and stale ones removed.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise FileExistsError(f"{path} is a file; give a folder for the plan.")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        for name, columns in PLAN_COLUMNS.items():
            frame = getattr(plan, name)
            if frame is not None:
                _write_plan_table(frame, columns, staging / f"{name}.csv")
        if plan.capacity_load is not None:
            _write_plan_table(plan.capacity_load, CAPACITY_LOAD_COLUMNS, staging / "capacity_load.csv")
        for name, frame in sorted(plan.extras.items()):
            _write_plan_table(frame, (), staging / f"{name}.csv")
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


def _write_plan_table(frame: pd.DataFrame, columns: tuple[str, ...], file: Path) -> None:
    """Written in slices of ``ROWS_PER_SLICE`` rows, each column turned into text at once: a
    factory's pegging runs to tens of millions of rows."""
    ordered = list(columns) + [c for c in frame.columns if c not in columns]
    with open(file, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ordered)
        for start in range(0, len(frame), ROWS_PER_SLICE):
            part = frame.iloc[start:start + ROWS_PER_SLICE]
            writer.writerows(zip(*(_plan_column(part[c], c) if c in part.columns else [""] * len(part)
                                   for c in ordered)))


def _plan_column(values: pd.Series, name: str) -> list[str] | np.ndarray:
    """The text of one column, vectorised for the types plan tables hold, cell by cell otherwise."""
    if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dtype, "tz", None) is None:
        unit = "m" if name in PLAN_DATETIME_COLUMNS else "D"
        text = np.datetime_as_string(values.to_numpy().astype(f"datetime64[{unit}]"), unit=unit).astype(object)
        text[values.isna().to_numpy()] = ""
        return text
    if values.dtype == np.float64:
        return _plan_floats(values.to_numpy())
    if values.dtype == np.int64:
        return values.to_numpy().astype(str).astype(object)
    if values.dtype == np.bool_:
        return np.where(values.to_numpy(), "true", "false").astype(object)
    if isinstance(values.dtype, pd.Int64Dtype):
        missing = values.isna().to_numpy()
        text = values.fillna(0).to_numpy(dtype=np.int64).astype(str).astype(object)
        text[missing] = ""
        return text
    if isinstance(values.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(values.cat.categories):
        labels = values.cat.categories.to_numpy(dtype=object)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, labels[np.maximum(codes, 0)] if len(labels) else "", "")
    if isinstance(values.dtype, pd.StringDtype) or pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.to_numpy(dtype=object, na_value="")
    return [_plan_cell(v, name) for v in values]


def _plan_floats(x: np.ndarray) -> np.ndarray:
    """Whole numbers below 10^PLAN_DIGITS are written as integers at once (rounding to that many
    digits leaves them as they are); the few others go through :func:`format_cell`."""
    text = np.empty(len(x), dtype=object)
    missing = np.isnan(x)
    whole = ~missing & (x == np.round(x)) & (np.abs(x) < 10.0 ** PLAN_DIGITS)
    text[whole] = x[whole].astype(np.int64).astype(str)
    text[missing] = ""
    rest = np.flatnonzero(~missing & ~whole)
    text[rest] = [format_cell(v, digits=PLAN_DIGITS) for v in x[rest].tolist()]
    return text


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


PLAN_FILE_SUFFIXES = (".csv", ".svg", ".png", ".xlsx")


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
