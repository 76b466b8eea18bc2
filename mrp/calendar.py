"""Planning days: the core counts whole days from ``as_of`` (day 0)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


def to_days(dates: pd.Series, as_of: date) -> np.ndarray:
    """Day numbers relative to ``as_of``; NaT becomes NaN."""
    origin = pd.Timestamp(as_of)
    return ((pd.to_datetime(dates) - origin) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def to_date(day: int, as_of: date) -> date:
    return as_of + timedelta(days=int(day))


def iso(day: int, as_of: date) -> str:
    return to_date(day, as_of).isoformat()


def day_column(days: list[int] | np.ndarray, as_of: date) -> pd.Series:
    """Day numbers back to a ``datetime64[ns]`` column."""
    return pd.Timestamp(as_of) + pd.to_timedelta(np.asarray(days, dtype="int64"), unit="D")


def iso_dates(days: np.ndarray, as_of: date) -> list[str]:
    """ISO dates of many planning days, each distinct day formatted once."""
    distinct, inverse = np.unique(np.asarray(days, np.int64), return_inverse=True)
    return np.array([iso(d, as_of) for d in distinct.tolist()], dtype=object)[inverse.reshape(-1)].tolist()
