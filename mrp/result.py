"""What an MRP run returns (:func:`mrp.engine.plan_mrp`), built by :func:`mrp.tables.build`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class MrpResult:
    """The MRP plan tables, plus what the optimiser and sequencer need from it."""

    planned_orders: pd.DataFrame
    exceptions: pd.DataFrame
    pegging: pd.DataFrame | None  # None when planned without pegging
    mrp_records: pd.DataFrame
    net_requirements: pd.DataFrame  # buy items as if L4L: item_id, date, quantity
    requirement_pegs: pd.DataFrame  # item_id, date, demand_id, customer_id, quantity (in planning order)
    material: pd.DataFrame  # SMT orders' draws: order_id, component_id, supply_type, supply_id, quantity, need_date, available_date
    lead_time_days: dict[str, int]
    counts: dict[str, Any] = field(default_factory=dict)
