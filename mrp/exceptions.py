"""Action and problem messages collected while planning (``exceptions.csv``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from mrp.calendar import day_column
from mrp.plan import PLAN_COLUMNS


@dataclass
class ExceptionLog:
    """Rows of ``exceptions.csv``, dated in planning days until :meth:`frame`: single rows, and
    whole columns from the vectorised messages (a factory's late releases run to 100,000s)."""

    rows: list[tuple[str, str, str, int, float, str]] = field(default_factory=list)
    columns: list[dict[str, np.ndarray]] = field(default_factory=list)

    def add(self, kind: str, item_id: str, ref_id: str, day: int, quantity: float, message: str) -> None:
        self.rows.append((kind, item_id, ref_id, int(day), float(quantity), message))

    def add_many(self, kind: str, item_id, ref_id, day, quantity, message) -> None:
        """Rows of one kind, given as equally long columns."""
        if len(message):
            self.columns.append({"type": np.full(len(message), kind, object), "item_id": np.asarray(item_id, object),
                                 "ref_id": np.asarray(ref_id, object), "day": np.asarray(day, np.int64),
                                 "quantity": np.asarray(quantity, float), "message": np.asarray(message, object)})

    def __len__(self) -> int:
        return len(self.rows) + sum(len(c["message"]) for c in self.columns)

    def frame(self, as_of: date) -> pd.DataFrame:
        columns = PLAN_COLUMNS["exceptions"]
        if not len(self):
            frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
            frame["date"] = pd.Series(dtype="datetime64[ns]")
            frame["quantity"] = pd.Series(dtype="float64")
            return frame
        names = ["type", "item_id", "ref_id", "day", "quantity", "message"]
        parts = [pd.DataFrame(self.rows, columns=names)] + [pd.DataFrame(c, columns=names) for c in self.columns]
        frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
        frame.insert(3, "date", day_column(frame.pop("day").to_numpy(), as_of))
        return frame.sort_values(["type", "item_id", "ref_id", "date"], kind="stable").reset_index(drop=True)


def fmt_qty(q: float) -> str:
    """Quantities in messages as a buyer reads them: 2,500 or 12.5."""
    if abs(q - round(q)) < 1e-9:
        return f"{int(round(q)):,}"
    return f"{q:,.3f}".rstrip("0").rstrip(".")


def fmt_qtys(quantities: np.ndarray) -> list[str]:
    """:func:`fmt_qty` of many quantities, each distinct one formatted once."""
    distinct, inverse = np.unique(np.asarray(quantities, float), return_inverse=True)
    return np.array([fmt_qty(q) for q in distinct.tolist()], dtype=object)[inverse.reshape(-1)].tolist()
