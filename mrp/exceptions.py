"""Action and problem messages collected while planning (``exceptions.csv``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from mrp.calendar import day_column
from mrp.plan import PLAN_COLUMNS


@dataclass
class ExceptionLog:
    """Rows of ``exceptions.csv``, dated in planning days until :meth:`frame`."""

    rows: list[tuple[str, str, str, int, float, str]] = field(default_factory=list)

    def add(self, kind: str, item_id: str, ref_id: str, day: int, quantity: float, message: str) -> None:
        self.rows.append((kind, item_id, ref_id, int(day), float(quantity), message))

    def frame(self, as_of: date) -> pd.DataFrame:
        columns = PLAN_COLUMNS["exceptions"]
        if not self.rows:
            frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
            frame["date"] = pd.Series(dtype="datetime64[ns]")
            frame["quantity"] = pd.Series(dtype="float64")
            return frame
        frame = pd.DataFrame(self.rows, columns=["type", "item_id", "ref_id", "day", "quantity", "message"])
        frame.insert(3, "date", day_column(frame.pop("day").to_numpy(), as_of))
        return frame.sort_values(["type", "item_id", "ref_id", "date"], kind="stable").reset_index(drop=True)


def fmt_qty(q: float) -> str:
    """Quantities in messages as a buyer reads them: 2,500 or 12.5."""
    if abs(q - round(q)) < 1e-9:
        return f"{int(round(q)):,}"
    return f"{q:,.3f}".rstrip("0").rstrip(".")
