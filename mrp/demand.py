"""Independent demand: forecast consumption, past-due orders, horizon (rule 1).

Firm orders consume the forecast of the same customer and item that lies in the window
``[due - back, due + forward]``: first backwards from the order's own date (latest
forecast first), then forwards (earliest first). Consumption runs on the original
dates; only afterwards are past-due orders moved to ``as_of``, expired forecast dropped
and demand beyond the horizon dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mrp.calendar import iso, to_days
from mrp.dataset import PlanSettings
from mrp.exceptions import ExceptionLog, fmt_qty
from mrp.quantities import TOLERANCE


@dataclass(frozen=True)
class IndependentDemand:
    """Demand after consumption; ``day`` counts from ``as_of``."""

    demand_id: str
    customer_id: str
    item_id: str
    day: int
    quantity: float
    priority: int
    kind: str


def consume_forecast(demand: pd.DataFrame, settings: PlanSettings, log: ExceptionLog) -> list[IndependentDemand]:
    """Net forecasts against orders and apply ``as_of`` and the horizon."""
    if demand.empty:
        return []
    frame = demand.assign(day=to_days(demand["due_date"], settings.as_of).astype(int))
    remaining = dict(zip(frame["demand_id"], frame["quantity"].astype(float)))
    is_order = frame["kind"].to_numpy() == "order"

    forecasts = frame[~is_order].sort_values(["customer_id", "item_id", "day", "priority", "demand_id"], kind="stable")
    by_key: dict[tuple[str, str], tuple[np.ndarray, list[str], np.ndarray]] = {}
    for key, group in forecasts.groupby(["customer_id", "item_id"], sort=False):
        by_key[key] = (group["day"].to_numpy(), list(group["demand_id"]), group["priority"].to_numpy())

    orders = frame[is_order].sort_values(["customer_id", "item_id", "day", "priority", "demand_id"], kind="stable")
    back, forward = settings.forecast_back_days, settings.forecast_forward_days
    for customer, item, day, order_id in zip(orders["customer_id"], orders["item_id"], orders["day"], orders["demand_id"]):
        pool = by_key.get((customer, item))
        if pool is None:
            continue
        need = remaining[order_id]
        for forecast_id in _consumption_order(pool, day, back, forward):
            if need <= TOLERANCE:
                break
            take = min(need, remaining[forecast_id])
            need -= take
            remaining[forecast_id] -= take
    return _apply_window(frame, remaining, settings, log)


def _consumption_order(pool: tuple[np.ndarray, list[str], np.ndarray], day: int, back: int, forward: int) -> list[str]:
    """Forecast ids in the order an order due on ``day`` consumes them."""
    days, ids, priorities = pool
    lo, mid, hi = np.searchsorted(days, [day - back, day + 1, day + forward + 1], side="left")
    backward = sorted(range(lo, mid), key=lambda i: (-days[i], priorities[i], ids[i]))
    return [ids[i] for i in backward] + [ids[i] for i in range(mid, hi)]


def _apply_window(frame: pd.DataFrame, remaining: dict[str, float], settings: PlanSettings,
                  log: ExceptionLog) -> list[IndependentDemand]:
    horizon = settings.horizon_days
    out: list[IndependentDemand] = []
    for row in frame.itertuples(index=False):
        qty = remaining[row.demand_id]
        if qty <= TOLERANCE:
            continue
        day = int(row.day)
        if day > horizon:
            log.add("beyond_horizon", row.item_id, row.demand_id, day, qty,
                    f"{row.kind.capitalize()} {row.demand_id} of {row.customer_id} for {fmt_qty(qty)} {row.item_id} "
                    f"is due {iso(day, settings.as_of)}, after the {horizon}-day horizon; not planned.")
            continue
        if day < 0:
            if row.kind == "forecast":
                continue
            log.add("past_due", row.item_id, row.demand_id, day, qty,
                    f"Order {row.demand_id} of {row.customer_id} for {fmt_qty(qty)} {row.item_id} was due "
                    f"{iso(day, settings.as_of)}; planned as due today ({settings.as_of.isoformat()}).")
            day = 0
        out.append(IndependentDemand(row.demand_id, row.customer_id, row.item_id, day, qty, int(row.priority), row.kind))
    return out
