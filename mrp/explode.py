"""Dependent requirements from parent orders (rule 3).

For each BOM line valid on the release day R (``valid_from <= R < valid_to``), a parent
order of Q started units needs ``Q × qty_per × (1 + attrition/100)`` of the child —
rounded up for counted children — plus the line's setup loss, again whole for counted
children. Lines are rounded one by one, then lines of the same child add up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mrp.calendar import to_days
from mrp.netting import Requirement, Segment
from mrp.quantities import apportion, ceil_whole


@dataclass(frozen=True, slots=True)
class BomLine:
    child_id: str
    qty_per: float
    attrition_pct: float
    setup_loss_qty: float
    valid_from_day: float  # -inf when open
    valid_to_day: float  # +inf when open
    feeder: bool
    child_counted: bool
    attrition_factor: float = field(init=False)  # 1 + attrition/100, computed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrition_factor", 1.0 + self.attrition_pct / 100.0)

    def valid_on(self, day: int) -> bool:
        return self.valid_from_day <= day < self.valid_to_day

    def quantity(self, started: float) -> float:
        qty = started * self.qty_per * self.attrition_factor
        if self.child_counted:
            qty = ceil_whole(qty)
        qty += self.setup_loss_qty
        return ceil_whole(qty) if self.child_counted else qty


def bom_lines(bom: pd.DataFrame, items: pd.DataFrame, counted: dict[str, bool], as_of) -> dict[str, list[BomLine]]:
    """BOM lines per parent with the child's attrition and setup loss where the line has none."""
    if bom.empty:
        return {}
    child = items.set_index("item_id")
    attrition = bom["attrition_pct"].fillna(bom["child_id"].map(child["attrition_pct"])).fillna(0.0)
    setup = bom["setup_loss_qty"].fillna(bom["child_id"].map(child["setup_loss_qty"])).fillna(0.0)
    valid_from = np.nan_to_num(to_days(bom["valid_from"], as_of), nan=-math.inf)
    valid_to = np.nan_to_num(to_days(bom["valid_to"], as_of), nan=math.inf)
    lines: dict[str, list[BomLine]] = {}
    for row in zip(bom["parent_id"], bom["child_id"], bom["qty_per"], attrition, setup, valid_from, valid_to,
                   bom["feeder"]):
        parent, child_id, qty_per, attr, loss, v_from, v_to, feeder = row
        lines.setdefault(parent, []).append(
            BomLine(child_id, float(qty_per), float(attr), float(loss), float(v_from), float(v_to), bool(feeder),
                    counted.get(child_id, True)))
    return lines


def explode(lines: list[BomLine], order_id: str, started: float, day: int, customer: str, priority: int,
            pegs: list[Segment], trace: bool = False) -> dict[str, Requirement]:
    """The component requirements of one order, pegged in proportion to the order's own pegging.

    ``trace`` keeps the order's id on its requirements, so that the supply drawn for them is
    recorded (SMT jobs need their material dates).
    """
    totals: dict[str, float] = {}
    counted: dict[str, bool] = {}
    for line in lines:
        if line.valid_from_day <= day < line.valid_to_day:
            child_id = line.child_id
            totals[child_id] = totals.get(child_id, 0.0) + line.quantity(started)
            counted[child_id] = line.child_counted
    parent_id = order_id if trace else None
    out: dict[str, Requirement] = {}
    if len(pegs) == 1:
        demand_id, level, weight = pegs[0]
        if weight > 0:
            level = None if level is None else level + 1
            for child_id, qty in totals.items():
                segment = (demand_id, level, qty) if qty > 0 else (None, None, qty)
                out[child_id] = Requirement(order_id, day, qty, customer, priority, [segment], parent_id)
            return out
    weights = [s[2] for s in pegs]
    for child_id, qty in totals.items():
        parts = apportion(qty, weights, counted[child_id]) if weights else []
        segments = [(demand_id, None if level is None else level + 1, part)
                    for (demand_id, level, _), part in zip(pegs, parts) if part > 0]
        if not segments:
            segments = [(None, None, qty)]
        out[child_id] = Requirement(order_id, day, qty, customer, priority, segments, parent_id)
    return out


def order_pegs(segments: list[Segment], surplus: float) -> list[Segment]:
    """An order's pegging with neighbouring pieces of the same demand merged, surplus last."""
    merged: list[Segment] = []
    for demand_id, level, quantity in segments:
        if merged and merged[-1][0] == demand_id and merged[-1][1] == level:
            merged[-1] = (demand_id, level, merged[-1][2] + quantity)
        else:
            merged.append((demand_id, level, quantity))
    if surplus > 1e-9:
        merged.append((None, None, surplus))
    return merged
