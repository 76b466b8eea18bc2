"""Plans side by side: the published plan and scenario runs, figure by figure.

:func:`compare_plans` takes stored plans (``connectors.store.plans.load_plan``) and returns
plain JSON values, one list per figure with one value per side, in the order the sides were
given:

- ``spend_by_month``: purchase spend (``extended_price`` of the purchase suggestions, else of
  nothing) by month of the order date;
- ``costs``: the purchasing optimiser's cost, plain MRP's cost of the same needs, and the saving;
- ``late_demands`` / ``short_demands`` by customer: demand lines served late (rule
  :func:`late_demands`) and demand lines that need an item the plan cannot get (rule
  :func:`short_demands`);
- ``schedule``: SMT tardiness and changeover minutes;
- ``exceptions``: exceptions by type;
- ``buy_changes``: the items whose bought quantity differs most between the sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from mrp.plan import Plan

COST_KEYS = ("optimised_cost", "mrp_cost", "saving")
SCHEDULE_KEYS = ("total_tardiness_minutes", "total_changeover_minutes")
#: Exception types whose item the plan cannot get in time or at all.
SHORT_TYPES = ("shortage", "no_offer")


@dataclass(frozen=True)
class Side:
    """One plan of a comparison: its name (a scenario's, or ``published``), its run and its plan."""

    name: str
    run_id: int
    plan: Plan
    #: demand_id -> customer_id of the dataset the plan was made from.
    customers: dict[str, str]


def late_demands(plan: Plan) -> set[str]:
    """Rule "late demand": a demand line is late when it is reported ``past_due``, when a
    planned order that serves it (pegging) is reported ``late_release``, when an SMT job that
    serves it ends after its due time, or when a purchase suggestion that names it arrives late."""
    exceptions = plan.exceptions if plan.exceptions is not None else pd.DataFrame(columns=["type", "ref_id"])
    late = set(exceptions.loc[exceptions["type"] == "past_due", "ref_id"].astype(str))
    late_supply = set(exceptions.loc[exceptions["type"] == "late_release", "ref_id"].astype(str))
    if plan.schedule is not None and not plan.schedule.empty:
        late_supply |= set(plan.schedule.loc[plan.schedule["tardiness_minutes"].fillna(0) > 0, "job_id"].astype(str))
    if plan.pegging is not None and late_supply:
        late |= set(plan.pegging.loc[plan.pegging["supply_id"].astype(str).isin(late_supply), "demand_id"].astype(str))
    suggestions = plan.purchase_suggestions
    if suggestions is not None and "days_late" in suggestions.columns:
        for demands in suggestions.loc[suggestions["days_late"].fillna(0) > 0, "demands"].dropna():
            late |= set(_names(demands))
    return late - {""}  # pegging's "" is surplus, not a demand


def short_demands(plan: Plan) -> set[str]:
    """Rule "short demand": a demand line is short when it needs (pegging, at any level) an
    item reported ``shortage`` or ``no_offer``."""
    if plan.exceptions is None or plan.pegging is None:
        return set()
    items = set(plan.exceptions.loc[plan.exceptions["type"].isin(SHORT_TYPES), "item_id"].astype(str))
    return set(plan.pegging.loc[plan.pegging["item_id"].astype(str).isin(items), "demand_id"].astype(str)) - {""}


def bought(plan: Plan) -> pd.Series:
    """Quantity bought per item: the purchase suggestions, else MRP's planned buy orders."""
    if plan.purchase_suggestions is not None:
        frame = plan.purchase_suggestions
    elif plan.planned_orders is not None:
        frame = plan.planned_orders[plan.planned_orders["type"] == "buy"]
    else:
        return pd.Series(dtype=float)
    return frame.groupby(frame["item_id"].astype(str))["quantity"].sum().astype(float)


def spend_by_month(plan: Plan) -> pd.Series:
    """Purchase spend by month (``YYYY-MM``) of the suggestions' order dates."""
    frame = plan.purchase_suggestions
    if frame is None or frame.empty:
        return pd.Series(dtype=float)
    month = pd.to_datetime(frame["order_date"]).dt.strftime("%Y-%m")
    return frame["extended_price"].astype(float).groupby(month).sum()


def compare_plans(sides: list[Side], *, top: int = 10) -> dict[str, Any]:
    """The figures of the module docstring for ``sides``, as plain JSON values."""
    def per_side(values: list[pd.Series]) -> dict[str, list[float]]:
        keys = sorted(set().union(*(v.index for v in values)))
        return {str(k): [_number(v.get(k, 0.0)) for v in values] for k in keys}

    def by_customer(rule: Any) -> dict[str, list[int]]:
        counts = []
        for side in sides:
            customers = pd.Series([side.customers.get(d, "") for d in sorted(rule(side.plan))], dtype=object)
            counts.append(customers.value_counts())
        return {k: [int(v) for v in row] for k, row in per_side(counts).items()}

    buys = [bought(s.plan) for s in sides]
    table = pd.concat(buys, axis=1).fillna(0.0) if buys else pd.DataFrame()
    changes: list[dict[str, Any]] = []
    if len(sides) > 1 and not table.empty:
        spread = (table.max(axis=1) - table.min(axis=1)).sort_values(ascending=False, kind="stable")
        for item, gap in spread[spread > 1e-9].head(top).items():
            changes.append({"item_id": item, "quantities": [_number(q) for q in table.loc[item]],
                            "change": _number(gap)})
    return {
        "sides": [{"name": s.name, "run_id": s.run_id, "as_of": s.plan.summary.get("as_of")} for s in sides],
        "spend_by_month": per_side([spend_by_month(s.plan) for s in sides]),
        "costs": {k: [_optional(s.plan.summary.get("costs", {}).get(k)) for s in sides] for k in COST_KEYS},
        "late_demands": by_customer(late_demands),
        "short_demands": by_customer(short_demands),
        "schedule": {k: [_optional(s.plan.summary.get("schedule", {}).get(k)) for s in sides] for k in SCHEDULE_KEYS},
        "exceptions": per_side([pd.Series(s.plan.summary.get("counts", {}).get("exceptions_by_type", {}), dtype=float)
                                for s in sides]),
        "buy_changes": changes,
    }


def _names(text: str) -> list[str]:
    """The demand ids a suggestion's ``demands`` names: ``CUSTOMER/DEMAND qty; ...; +N more``."""
    parts = (part.strip().split(" ")[0] for part in str(text).split(";"))
    return [part.split("/", 1)[-1] for part in parts if part and not part.startswith("+")]


def _number(value: Any) -> float:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 4)


def _optional(value: Any) -> float | None:
    return None if value is None else _number(value)
