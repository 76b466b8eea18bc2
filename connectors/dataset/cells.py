"""Text <-> typed values: how one CSV cell is read and written.

Reading is strict where the contract is (ISO dates, plain decimal numbers) and says how to fix
what it rejects; writing gives back text that reads to the same value, without float noise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from mrp.dataset import Column

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


@dataclass(frozen=True)
class CellProblem:
    """Cells of one column that could not be read: their positions, a code and a message per cell."""

    positions: np.ndarray
    code: str
    messages: list[str]


def parse_column(col: Column, text: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    """Typed values of one column from its text cells (all ``str``, "" for empty).

    Empty cells become the column's constant default, or the empty value of its kind (``""``,
    NaN, NaT). Cells that cannot be read become empty and are reported.
    """
    stripped = text.str.strip()
    empty = stripped == ""
    values, problems = _PARSERS[col.kind](col, text, stripped, empty)
    if col.default is not None:
        values = values.where(~empty, col.default)
    return values, problems


def empty_column(col: Column, rows: int) -> pd.Series:
    """The column as if every cell were empty: its default, or the empty value of its kind."""
    if col.default is not None:
        return pd.Series([col.default] * rows, dtype=object)
    empty = {"date": pd.NaT, "str": "", "enum": "", "bool": False}.get(col.kind, np.nan)
    return pd.Series([empty] * rows, dtype=object)


def _parse_str(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    return text.astype(object), []


def _parse_enum(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    # Case-insensitive match to the spelling of the contract ("l4l" -> "L4L", "Buy" -> "buy");
    # values outside the choices are kept as written and reported by the `bad_choice` check.
    canonical = {c.lower(): c for c in col.choices}
    matched = stripped.str.lower().map(canonical)
    return matched.where(matched.notna(), text).astype(object), []


def _parse_float(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    ok = stripped.str.fullmatch(_NUMBER) | empty
    values = pd.to_numeric(stripped.where(ok & ~empty, None), errors="coerce").astype("float64")
    bad = ~ok
    problems = []
    if bad.any():
        problems.append(CellProblem(np.flatnonzero(bad.to_numpy()), "not_a_number", [_number_hint(v) for v in text[bad]]))
    return values, problems


def _parse_int(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    values, problems = _parse_float(col, text, stripped, empty)
    fractional = values.notna() & ((values - values.round()).abs() > 1e-9)
    if fractional.any():
        problems.append(
            CellProblem(
                np.flatnonzero(fractional.to_numpy()),
                "not_an_integer",
                [f"{col.name} must be a whole number of {_unit(col.name)}, not '{v.strip()}'." for v in text[fractional]],
            )
        )
        values = values.where(~fractional)
    return values.round(), problems


def _parse_date(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    shaped = stripped.str.fullmatch(_DATE)
    values = pd.to_datetime(stripped.where(shaped, None), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    bad = ~empty & values.isna()
    problems = []
    if bad.any():
        problems.append(CellProblem(np.flatnonzero(bad.to_numpy()), "bad_date", [_date_hint(v.strip()) for v in text[bad]]))
    return values, problems


def _parse_bool(col: Column, text: pd.Series, stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, list[CellProblem]]:
    lowered = stripped.str.lower()
    values = lowered.isin(_TRUE)
    bad = ~empty & ~lowered.isin(_TRUE | _FALSE)
    problems = []
    if bad.any():
        problems.append(
            CellProblem(
                np.flatnonzero(bad.to_numpy()),
                "bad_choice",
                [f"{col.name} must be true or false, not '{v.strip()}'." for v in text[bad]],
            )
        )
    return values.astype(object), problems


_PARSERS = {
    "str": _parse_str,
    "enum": _parse_enum,
    "float": _parse_float,
    "int": _parse_int,
    "date": _parse_date,
    "bool": _parse_bool,
}


def _unit(name: str) -> str:
    return "days" if name.endswith("_days") else "units"


def _number_hint(value: str) -> str:
    v = value.strip()
    if "," in v:
        return f"'{v}' is not a number: write decimals with a point and no thousands separator (e.g. 1234.5)."
    return f"'{v}' is not a number; write a plain decimal number such as 2500 or 0.25."


def _date_hint(value: str) -> str:
    if re.fullmatch(_DATE, value):
        return f"'{value}' is not a calendar date; check the month and day (YYYY-MM-DD)."
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m and _iso(*m.groups()):
        return f"'{value}' is not in the form YYYY-MM-DD; write it as {_iso(*m.groups())}."
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", value)
    if m:
        a, b, year = m.groups()
        readings = {d: how for d, how in ((_iso(year, b, a), "day first"), (_iso(year, a, b), "month first")) if d}
        if len(readings) == 1:
            return f"'{value}' is not in the form YYYY-MM-DD; write it as {next(iter(readings))}."
        if readings:
            both = " or ".join(f"{d} ({how})" for d, how in readings.items())
            return f"'{value}' is not in the form YYYY-MM-DD; write it as {both}."
    return f"'{value}' is not a date; write dates as YYYY-MM-DD, e.g. 2027-01-04."


def _iso(year: str, month: str, day: str) -> str | None:
    """``YYYY-MM-DD`` of a real calendar date, or None."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_number_text(value: str) -> float | None:
    """A plain decimal number from text, or None when the text is not one."""
    v = value.strip()
    return float(v) if re.fullmatch(_NUMBER, v) else None


def parse_date_text(value: str) -> date | None:
    v = value.strip()
    if not re.fullmatch(_DATE, v):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def date_hint(value: str) -> str:
    return _date_hint(value.strip())


def format_number(x: float | int) -> str:
    """Shortest text that reads back to the same number; whole numbers without ``.0``."""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return ""
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def format_cell(value: Any, *, digits: int | None = None) -> str:
    """Text of one value: dates ISO, datetimes to the minute, NaN/None empty, bools true/false.

    ``digits`` limits floats to that many significant digits (hides float noise in computed
    results); without it a float is written exactly (the shortest exact text).
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if digits is not None:
            value = float(f"{float(value):.{digits}g}")
        return format_number(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, datetime):  # includes pd.Timestamp
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, np.datetime64):
        return format_cell(pd.Timestamp(value), digits=digits)
    return str(value)


def format_typed(value: Any, kind: str) -> str:
    """Text of a value of a dataset column of the given kind (dates without a time)."""
    if kind == "date":
        return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
    return format_cell(value)
