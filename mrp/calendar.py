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


#: The resolution pandas gives day arithmetic (microseconds in pandas 3, nanoseconds before).
_UNIT = np.datetime_data((pd.Timestamp("2000-01-01") + pd.to_timedelta(np.zeros(1, np.int64), unit="D")).dtype)[0]
_PER_DAY = int(np.timedelta64(1, "D").astype(f"timedelta64[{_UNIT}]").astype(np.int64))


def day_column(days: list[int] | np.ndarray, as_of: date) -> pd.DatetimeIndex:
    """Day numbers back to a datetime column: one multiply-add, where pandas' timedelta
    conversion took seconds on the tens of millions of rows of pegging and SMT draws."""
    stamps = np.asarray(days, dtype=np.int64) * _PER_DAY
    stamps += np.datetime64(as_of, _UNIT).astype(np.int64)
    return pd.DatetimeIndex(stamps.view(f"datetime64[{_UNIT}]"), copy=False)


def iso_dates(days: np.ndarray, as_of: date) -> list[str]:
    """ISO dates of many planning days, each distinct day formatted once."""
    distinct, inverse = np.unique(np.asarray(days, np.int64), return_inverse=True)
    return np.array([iso(d, as_of) for d in distinct.tolist()], dtype=object)[inverse.reshape(-1)].tolist()
