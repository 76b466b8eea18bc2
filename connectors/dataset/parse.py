"""Raw text tables -> typed tables of :mod:`mrp.dataset`, reporting what cannot be read.

This layer checks only what needs the text: the header (missing, unknown, repeated columns)
and cells that are not numbers, whole numbers, dates or true/false. Everything that can be
judged on typed values (empty required fields, ranges, choices, references, ...) is left to
the check registry in :mod:`connectors.dataset.checks`, so a Dataset built any other way gets
the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from connectors.dataset.cells import empty_column, parse_column
from connectors.dataset.issues import Issue
from mrp.dataset import Table, dtype_of


@dataclass
class ParsedTable:
    """A typed table, the spreadsheet row of each of its rows, and what went wrong reading it."""

    frame: pd.DataFrame
    rows: np.ndarray
    issues: list[Issue] = field(default_factory=list)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)
    missing_columns: set[str] = field(default_factory=set)


def normalise_raw(raw: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text ("" for empty), whatever the caller handed in (JSON rows may hold
    numbers), in pandas' Arrow-backed ``str`` columns so that trimming and matching run in
    Arrow rather than a Python call per cell."""
    columns = {}
    for position in range(raw.shape[1]):
        cells = raw.iloc[:, position].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(cells, skipna=False) not in ("string", "empty"):
            cells = np.frompyfunc(_text, 1, 1)(cells)
        columns[position] = pd.array(cells, dtype="str")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(raw))).set_axis(raw.columns, axis=1)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_table(table: Table, raw: pd.DataFrame) -> ParsedTable:
    """Type one table; rows that are empty in every cell (blank lines, ``,,,``) are skipped."""
    file = table.file
    issues: list[Issue] = []
    raw = normalise_raw(raw)
    header = [str(c) for c in raw.columns]
    names = [h.strip().lower() for h in header]
    known = set(table.column_names)

    seen: dict[str, int] = {}
    for position, (name, written) in enumerate(zip(names, header)):
        if name == "":
            if (raw.iloc[:, position].str.strip() != "").any():
                issues.append(Issue(
                    "unknown_column", file, 1, None, None,
                    f"Column {position + 1} has no name in the header; its values are ignored.", "warning",
                ))
            continue
        if name in seen:
            issues.append(Issue(
                "duplicate_column", file, 1, written, written,
                f"Column {name} appears twice in the header (columns {seen[name] + 1} and {position + 1}); keep one.",
            ))
            continue
        seen[name] = position
        if name not in known:
            issues.append(Issue(
                "unknown_column", file, 1, written, written,
                f"Column '{written}' is not part of {file} and is ignored; check its spelling if it should be used.",
                "warning",
            ))

    if len(header) == 1 and ";" in header[0]:
        issues.append(Issue(
            "bad_delimiter", file, 1, None, header[0],
            f"{file} seems to use ';' between values; save it as comma-separated CSV (UTF-8).",
        ))

    blank = np.ones(len(raw), dtype=bool)
    for position in seen.values():
        blank &= (raw.iloc[:, position].str.strip() == "").to_numpy()
    keep = ~blank
    rows = np.flatnonzero(keep) + 2

    missing: set[str] = set()
    data: dict[str, pd.Series] = {}
    bad_cells: set[tuple[int, str]] = set()
    for col in table.columns:
        if col.name not in seen:
            if col.required:
                missing.add(col.name)
                issues.append(Issue(
                    "missing_column", file, 1, col.name, None,
                    f"{file} has no column {col.name}, which is required; add it to the header row.",
                ))
            data[col.name] = _finish(empty_column(col, int(keep.sum())), dtype_of(table.name, col.name))
            continue
        text = raw.iloc[keep, seen[col.name]].reset_index(drop=True).astype(str)
        values, problems = parse_column(col, text)
        for problem in problems:
            for position, message in zip(problem.positions, problem.messages):
                row = int(rows[position])
                bad_cells.add((row, col.name))
                issues.append(Issue(problem.code, file, row, col.name, text.iloc[position], message))
        data[col.name] = _finish(values, dtype_of(table.name, col.name))
    frame = pd.DataFrame(data, index=pd.RangeIndex(int(keep.sum())))
    return ParsedTable(frame, rows, issues, bad_cells, missing)


def _finish(values: pd.Series, dtype: str) -> pd.Series:
    """Give a parsed column its schema dtype (an int column with unreadable cells stays float)."""
    if dtype == "int64" and values.isna().any():
        return values.astype("float64")
    if dtype == "bool":
        return values.astype(bool)
    return values.astype(dtype)
