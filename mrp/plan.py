"""The plan: the typed tables reelplan hands back (the plan folder of format v1).

Each stage fills its own tables; a stage that did not run leaves its tables as ``None``
(their files are then absent from the plan folder). Dates are ``datetime64[ns]`` at
midnight, datetimes ``datetime64[ns]`` to the minute, as in :mod:`mrp.dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

PLAN_COLUMNS: dict[str, tuple[str, ...]] = {
    "planned_orders": (
        "order_id", "item_id", "type", "customer_id", "quantity", "release_date", "due_date",
        "receipt_quantity", "available_date", "priority",
    ),
    "purchase_suggestions": (
        "suggestion_id", "item_id", "supplier_id", "mpn", "quantity", "order_date", "receipt_date",
        "unit_price", "extended_price", "from_stock",
    ),
    "schedule": (
        "job_id", "item_id", "quantity", "line_id", "setup_start", "start", "end", "due",
        "changeover_minutes", "tardiness_minutes",
    ),
    "exceptions": ("type", "item_id", "ref_id", "date", "quantity", "message"),
    "pegging": ("demand_id", "item_id", "supply_type", "supply_id", "quantity", "level"),
    "mrp_records": (
        "item_id", "date", "gross", "scheduled_receipts", "projected_on_hand", "net",
        "planned_receipts", "planned_releases",
    ),
    "liability": ("customer_id", "item_id", "source", "ref_id", "quantity", "value", "ncnr", "authorised"),
}

EXCEPTION_TYPES = (
    "past_due", "late_release", "expedite", "defer", "cancel", "beyond_horizon",
    "stranded_stock", "shortage", "needs_bake", "no_offer", "no_line", "pin_conflict",
    "overloaded_line_week", "no_approved_offer", "last_time_buy", "no_supply_after_eol",
)

# Rough-cut SMT capacity (format v1.1): hours loaded per line and week (Monday) after the
# detailed window, with the detailed schedule's own hours; written as capacity_load.csv.
CAPACITY_LOAD_COLUMNS = ("line_id", "week_start", "load_hours", "available_hours", "utilisation_pct")


def empty_plan_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PLAN_COLUMNS[name]})


@dataclass
class Plan:
    """Everything one planning run produces."""

    planned_orders: pd.DataFrame | None = None
    purchase_suggestions: pd.DataFrame | None = None
    schedule: pd.DataFrame | None = None
    exceptions: pd.DataFrame | None = None
    pegging: pd.DataFrame | None = None
    mrp_records: pd.DataFrame | None = None
    capacity_load: pd.DataFrame | None = None  # rough-cut SMT capacity beyond the detailed window
    liability: pd.DataFrame | None = None  # NCNR liability of purchase lines (optimizer.purchasing.liability)
    summary: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # rendered documents: Gantt picture, buyer workbook
