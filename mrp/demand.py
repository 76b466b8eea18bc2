"""Independent demand: forecast consumption, past-due orders, horizon (rule 1).

Firm orders consume the forecast of the same customer and item that lies in the window
``[due - back, due + forward]``: first backwards from the order's own date (latest
forecast first), then forwards (earliest first). Consumption runs on the original
dates; only afterwards are past-due orders moved to ``as_of``, expired forecast dropped
and demand beyond the horizon dropped.

A factory has 100,000s of demand lines: they are consumed on integer codes in one compiled
pass and come back as columns, not an object per line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from mrp.calendar import iso_dates, to_days
from mrp.dataset import PlanSettings
from mrp.exceptions import ExceptionLog, fmt_qtys
from mrp.quantities import TOLERANCE


def consume_forecast(demand: pd.DataFrame, settings: PlanSettings, log: ExceptionLog) -> pd.DataFrame:
    """Net forecasts against orders and apply ``as_of`` and the horizon: the demand left to
    plan, one row per line in file order (``demand_id, customer_id, item_id, day, quantity,
    priority, kind``; ``day`` counts from ``as_of``)."""
    day = to_days(demand["due_date"], settings.as_of).astype(np.int64)
    remaining = demand["quantity"].to_numpy(dtype=float, copy=True)
    is_order = demand["kind"].to_numpy(dtype=object) == "order"

    # Orders and forecasts both by (customer, item, day, priority, id): the lines of a customer
    # and item run together, orders in the order they consume, forecasts in the order of their days.
    customer = pd.factorize(demand["customer_id"], sort=True)[0].astype(np.int64)
    item = pd.factorize(demand["item_id"], sort=True)[0].astype(np.int64)
    pair = customer * (int(item.max(initial=0)) + 1) + item
    rank = np.lexsort((pd.factorize(demand["demand_id"], sort=True)[0], demand["priority"].to_numpy(), day, pair))
    orders = rank[is_order[rank]]
    forecasts = rank[~is_order[rank]]
    first = np.searchsorted(pair[forecasts], pair[orders], side="left")
    last = np.searchsorted(pair[forecasts], pair[orders], side="right")
    left = remaining[forecasts]
    _consume(remaining[orders], day[orders], first, last, day[forecasts], left,
             settings.forecast_back_days, settings.forecast_forward_days)
    remaining[forecasts] = left
    return _apply_window(demand, day, remaining, settings, log)


@njit(cache=True)
def _consume(order_qty, order_day, first, last, f_day, f_left, back, forward):
    """Each order, in turn, takes what it needs from its customer's forecasts of its item
    (``first..last``, sorted by day, priority, id), lowering ``f_left``: backwards day by day
    from its own day (a day's forecasts by priority, then id), then forwards."""
    for o in range(len(order_qty)):
        need = order_qty[o]
        days = f_day[first[o]:last[o]]
        lo = first[o] + np.searchsorted(days, order_day[o] - back)
        mid = first[o] + np.searchsorted(days, order_day[o] + 1)
        hi = first[o] + np.searchsorted(days, order_day[o] + forward + 1)
        end = mid
        while end > lo and need > TOLERANCE:
            start = end - 1
            while start > lo and f_day[start - 1] == f_day[end - 1]:
                start -= 1
            need = _take_forecasts(need, f_left, start, end)
            end = start
        _take_forecasts(need, f_left, mid, hi)


@njit(cache=True)
def _take_forecasts(need, f_left, start, end):
    """Consume forecasts ``start..end`` in turn until ``need`` is met; returns what is still needed."""
    for f in range(start, end):
        if need <= TOLERANCE:
            break
        take = min(need, f_left[f])
        need -= take
        f_left[f] -= take
    return need


def _apply_window(demand: pd.DataFrame, day: np.ndarray, remaining: np.ndarray, settings: PlanSettings,
                  log: ExceptionLog) -> pd.DataFrame:
    """Drop what was consumed, expired forecast and demand beyond the horizon; move past-due
    orders to day 0. The horizon and past-due messages are logged a column at a time."""
    horizon, as_of = settings.horizon_days, settings.as_of
    today = as_of.isoformat()
    demand_id, customer_id, item_id, kind = (demand[c].to_numpy(dtype=object)
                                             for c in ("demand_id", "customer_id", "item_id", "kind"))
    unconsumed = remaining > TOLERANCE
    beyond = np.flatnonzero(unconsumed & (day > horizon))
    within = unconsumed & (day <= horizon)
    expired = within & (day < 0) & (kind == "forecast")
    past_due = np.flatnonzero(within & (day < 0) & ~expired)
    qty = remaining[beyond]
    log.add_many("beyond_horizon", item_id[beyond], demand_id[beyond], day[beyond], qty, [
        f"{k.capitalize()} {d} of {c} for {q} {i} is due {due}, after the {horizon}-day horizon; not planned."
        for k, d, c, q, i, due in zip(kind[beyond].tolist(), demand_id[beyond].tolist(), customer_id[beyond].tolist(),
                                      fmt_qtys(qty), item_id[beyond].tolist(), iso_dates(day[beyond], as_of))])
    qty = remaining[past_due]
    log.add_many("past_due", item_id[past_due], demand_id[past_due], day[past_due], qty, [
        f"Order {d} of {c} for {q} {i} was due {due}; planned as due today ({today})."
        for d, c, q, i, due in zip(demand_id[past_due].tolist(), customer_id[past_due].tolist(), fmt_qtys(qty),
                                   item_id[past_due].tolist(), iso_dates(day[past_due], as_of))])
    keep = np.flatnonzero(within & ~expired)
    return pd.DataFrame({
        "demand_id": demand_id[keep],
        "customer_id": customer_id[keep],
        "item_id": item_id[keep],
        "day": np.maximum(day[keep], 0),
        "quantity": remaining[keep],
        "priority": demand["priority"].to_numpy(dtype=np.int64)[keep],
        "kind": kind[keep],
    }, copy=False)
