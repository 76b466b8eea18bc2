"""The MRP run: dataset in, planned orders, pegging, records and messages out.

Items are netted in low-level-code order; when an item is done, its make orders (and
planned work orders) are exploded into their children's requirements, carrying the
customer, priority and pegging of the order. Everything is keyed by planning day
(0 = ``as_of``) inside and turned back into dates at the edge.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import pandas as pd

from mrp import actions, records
from mrp.calendar import day_column, iso
from mrp.dataset import Dataset, is_counted
from mrp.demand import consume_forecast
from mrp.exceptions import ExceptionLog, fmt_qty
from mrp.explode import BomLine, bom_lines, explode, order_pegs
from mrp.leadtime import buy_lead_times
from mrp.levels import low_level_codes
from mrp.netting import ItemPolicy, NettingResult, Requirement, Segment, Walk
from mrp.plan import PLAN_COLUMNS
from mrp.supply import LotSpec, build_lots, open_order_lots, planned_work_orders, reel_lots


@dataclass
class MrpResult:
    """The MRP plan tables, plus what the optimiser and sequencer need from it."""

    planned_orders: pd.DataFrame
    exceptions: pd.DataFrame
    pegging: pd.DataFrame
    mrp_records: pd.DataFrame
    net_requirements: pd.DataFrame  # buy items as if L4L: item_id, date, quantity
    requirement_pegs: pd.DataFrame  # item_id, date, demand_id, customer_id, quantity
    material: pd.DataFrame  # SMT orders' draws: order_id, component_id, supply_type, supply_id, quantity, need_date, available_date
    lead_time_days: dict[str, int]
    counts: dict[str, Any] = field(default_factory=dict)


def item_policies(ds: Dataset, lead: dict[str, int]) -> dict[str, ItemPolicy]:
    policies = {}
    for row in ds.items.itertuples(index=False):
        counted = is_counted(row.uom)
        multiple = row.order_multiple
        if pd.isna(multiple):
            multiple = 1.0 if counted else None
        policies[row.item_id] = ItemPolicy(
            item_id=row.item_id, type=row.type, counted=counted, lead_time_days=lead[row.item_id],
            safety_stock=float(row.safety_stock), lot_rule=row.lot_rule,
            lot_size=None if pd.isna(row.lot_size) else float(row.lot_size),
            lot_period_days=None if pd.isna(row.lot_period_days) else int(row.lot_period_days),
            min_order_qty=float(row.min_order_qty), order_multiple=multiple, yield_pct=float(row.yield_pct))
    return policies


def plan_mrp(ds: Dataset) -> MrpResult:
    """Run MRP rules 1–9 on a validated dataset."""
    settings = ds.settings
    log = ExceptionLog()
    lead = buy_lead_times(ds.items, ds.supplier_offers)
    policies = item_policies(ds, lead)
    counted = {k: p.counted for k, p in policies.items()}
    levels = low_level_codes(ds.items["item_id"], ds.bom)
    lines = bom_lines(ds.bom, ds.items, counted, settings.as_of)

    demands = consume_forecast(ds.demand, settings, log)
    customer_of = {d.demand_id: d.customer_id for d in demands}
    reqs: dict[str, list[Requirement]] = {}
    for d in demands:
        reqs.setdefault(d.item_id, []).append(
            Requirement(d.demand_id, d.day, d.quantity, d.customer_id, d.priority, [(d.demand_id, 0, d.quantity)]))

    specs: dict[str, list[LotSpec]] = reel_lots(ds, log)
    for item_id, extra in open_order_lots(ds).items():
        specs.setdefault(item_id, []).extend(extra)
    wos = planned_work_orders(ds)
    wo_by_item: dict[str, list[tuple[str, float, int, str]]] = {}
    for row in wos[["wo_id", "item_id", "quantity_open", "start_day", "customer_id"]].itertuples(index=False):
        wo_by_item.setdefault(row.item_id, []).append((row.wo_id, float(row.quantity_open), int(row.start_day),
                                                       row.customer_id))

    order = levels.reset_index().sort_values(["level", "index"], kind="stable")["index"]
    smt_items = set(ds.smt_process["item_id"])
    out = _Outputs()
    net_rows = _Columns(item_id="str", day="q", quantity="d")
    served = _Columns(item_id="str", day="q", demand_id="str", customer_id="str", quantity="d")
    for item_id in order:
        policy = policies[item_id]
        item_reqs = reqs.pop(item_id, [])
        result = Walk(policy, build_lots(specs.get(item_id, [])), f"PL-{item_id}-").run(item_reqs)
        _explode_orders(item_id, result, wo_by_item.get(item_id, []), lines.get(item_id, []), reqs,
                        trace=item_id in smt_items)
        _report(result, policy, settings, log)
        if policy.type == "buy" and item_reqs:
            net_days = _net_requirement(item_id, item_reqs, result, policy, specs.get(item_id, []), net_rows)
            _served_demands(item_id, [r for r in item_reqs if r.day in net_days], customer_of, served.data)
        out.collect(item_id, result)

    _report_no_offer(ds, out.planned, policies, log)
    # Largest table first; each frame releases its rows (see _Columns.frame).
    pegging = out.pegging_frame()
    material = _material_frame(out.material.row_frame(), settings.as_of)
    net, req_pegs = _net_frames(net_rows, served, settings.as_of)
    mrp_records = records.records_frame(out.records.row_frame(), settings.as_of)
    planned = _planned_frame(out.planned.row_frame(), settings.as_of)
    return MrpResult(
        planned_orders=planned,
        exceptions=log.frame(settings.as_of),
        pegging=pegging,
        mrp_records=mrp_records,
        net_requirements=net,
        requirement_pegs=req_pegs,
        material=material,
        lead_time_days=lead,
        counts={"items": len(policies), "demands": len(demands), "planned_orders": len(planned),
                "exceptions": len(log.rows)},
    )


class _Columns:
    """Rows of a table kept column by column: text in lists, numbers in packed arrays.

    At factory scale the output tables hold millions of rows; a tuple per row costs
    several times the memory and a slow conversion at the end.
    """

    def __init__(self, **kinds: str) -> None:
        self.names = list(kinds)
        self.data = {name: [] if kind == "str" else array(kind) for name, kind in kinds.items()}

    def __len__(self) -> int:
        return len(self.data[self.names[0]])

    def frame(self) -> pd.DataFrame:
        """The rows as a frame. The rows are handed over: each column is dropped once it is in the frame."""
        if not len(self):
            return pd.DataFrame({name: _numbers(col) if isinstance(col, array) else col
                                 for name, col in self.data.items()})
        frame = pd.DataFrame(index=pd.RangeIndex(len(self)))
        for name in self.names:
            col = self.data.pop(name)
            frame[name] = _numbers(col) if isinstance(col, array) else pd.array(col, dtype="str")
            del col
        return frame

    def row_frame(self) -> pd.DataFrame:
        """The frame pandas builds from the same rows as tuples (untyped when there are none)."""
        return self.frame() if len(self) else pd.DataFrame([], columns=self.names)


def _numbers(col: array) -> np.ndarray:
    return np.frombuffer(col, dtype="int64" if col.typecode == "q" else float)


class _Outputs:
    """Rows of the output tables, taken from each item's walk as soon as it is done."""

    def __init__(self) -> None:
        self.planned = _Columns(order_id="str", item_id="str", type="str", customer_id="str", quantity="d",
                                release_date="q", due_date="q", receipt_quantity="d", available_date="q",
                                priority="q")
        self.pegging = _Columns(demand_id="str", item_id="str", supply_type="str", supply_id="str", quantity="d",
                                level="d")
        self.records = _Columns(item_id="str", day="q", gross="d", scheduled_receipts="d", projected_on_hand="d",
                                net="d", planned_receipts="d", planned_releases="d")
        self.material = _Columns(order_id="str", component_id="str", supply_type="str", supply_id="str",
                                 quantity="d", need_date="q", available_date="q")

    def collect(self, item_id: str, result: NettingResult) -> None:
        nan = float("nan")
        demand_col, item_col, type_col, supply_col, qty_col, level_col = self.pegging.data.values()
        for lot in result.lots:
            segments = lot.segments
            if len(segments) == 1 and lot.remaining <= 1e-9:
                demand_id, level, quantity = segments[0]
                demand_col.append(demand_id or "")
                item_col.append(item_id)
                type_col.append(lot.supply_type)
                supply_col.append(lot.supply_id)
                qty_col.append(0.0 + quantity)
                level_col.append(nan if level is None else float(level))
                continue
            pegs: dict[tuple[str, float], float] = {}
            for demand_id, level, quantity in segments:
                key = (demand_id or "", nan if level is None else float(level))
                pegs[key] = pegs.get(key, 0.0) + quantity
            if lot.remaining > 1e-9:
                pegs[("", nan)] = pegs.get(("", nan), 0.0) + lot.remaining
            for (demand_id, level), qty in pegs.items():
                demand_col.append(demand_id)
                item_col.append(item_id)
                type_col.append(lot.supply_type)
                supply_col.append(lot.supply_id)
                qty_col.append(qty)
                level_col.append(level)
        cols = self.planned.data
        for po in result.planned_orders:
            for name, value in zip(self.planned.names, (
                    po.order_id, po.item_id, po.type, po.customer_id, po.quantity, po.release_day, po.due_day,
                    po.receipt_quantity, po.available_day, po.priority)):
                cols[name].append(value)
        records.item_records(item_id, result, self.records.data)
        order_col, component_col, type_col, supply_col, qty_col, need_col, available_col = self.material.data.values()
        for parent, supply_type, supply_id, quantity, need_day, available_day in result.material:
            order_col.append(parent)
            component_col.append(item_id)
            type_col.append(supply_type)
            supply_col.append(supply_id)
            qty_col.append(quantity)
            need_col.append(need_day)
            available_col.append(available_day)

    def pegging_frame(self) -> pd.DataFrame:
        frame = self.pegging.frame()
        frame = frame.groupby(["demand_id", "item_id", "supply_type", "supply_id", "level"], as_index=False,
                              sort=True, dropna=False)["quantity"].sum()
        frame = frame[frame["quantity"] > 1e-9]
        frame["level"] = frame["level"].astype("Int64")
        return frame[list(PLAN_COLUMNS["pegging"])].sort_values(
            ["item_id", "supply_type", "supply_id", "demand_id"], kind="stable").reset_index(drop=True)


def _explode_orders(item_id: str, result: NettingResult, work_orders: list[tuple[str, float, int, str]],
                    lines: list[BomLine], reqs: dict[str, list[Requirement]], *, trace: bool) -> None:
    if not lines:
        return
    wo_lots = {lot.supply_id: lot for lot in result.lots if lot.supply_type == "wo"}
    parents: list[tuple[str, float, int, str, int, list[Segment]]] = []
    for po in result.planned_orders:
        parents.append((po.order_id, po.quantity, po.release_day, po.customer_id, po.priority,
                        order_pegs(po.lot.segments, po.lot.remaining)))
    for wo_id, quantity, start_day, customer in work_orders:
        lot = wo_lots[wo_id]
        parents.append((wo_id, quantity, start_day, customer, 100, order_pegs(lot.segments, lot.remaining)))
    for order_id, started, day, customer, priority, pegs in parents:
        for child_id, req in explode(lines, order_id, started, day, customer, priority, pegs, trace).items():
            reqs.setdefault(child_id, []).append(req)


def _report(result: NettingResult, policy: ItemPolicy, settings, log: ExceptionLog) -> None:
    for po in result.planned_orders:
        if po.late_release_day is not None:
            late = po.release_day - po.late_release_day
            log.add("late_release", po.item_id, po.order_id, po.late_release_day, po.quantity,
                    f"Planned order {po.order_id} ({fmt_qty(po.quantity)} {po.item_id}, needed "
                    f"{iso(po.due_day, settings.as_of)}) should have been released "
                    f"{iso(po.late_release_day, settings.as_of)}; released today it is {late} days late "
                    f"(available {iso(po.available_day, settings.as_of)}).")
    actions.report_expedites(result, policy, settings, log)
    actions.report_defer_cancel(result, policy, settings, log)


def _report_no_offer(ds: Dataset, planned: _Columns, policies: dict[str, ItemPolicy], log: ExceptionLog) -> None:
    """Buy items that must be bought but that no supplier offers (only when offers are given at all)."""
    if ds.supplier_offers.empty:
        return
    offered = set(ds.supplier_offers["item_id"])
    by_item: dict[str, list[tuple[int, float]]] = {}
    for item_id, due_day, quantity in zip(planned.data["item_id"], planned.data["due_date"],
                                          planned.data["quantity"]):
        if policies[item_id].type == "buy" and item_id not in offered:
            by_item.setdefault(item_id, []).append((due_day, quantity))
    for item_id, orders in sorted(by_item.items()):
        first = min(due_day for due_day, _ in orders)
        total = sum(quantity for _, quantity in orders)
        log.add("no_offer", item_id, item_id, first, total,
                f"{fmt_qty(total)} {item_id} must be bought from {iso(first, ds.settings.as_of)} on, but no supplier "
                f"offers it; planned with the item master's lead time. Add an offer or a substitute.")


def _served_demands(item_id: str, reqs: list[Requirement], customer_of: dict[str, str],
                    columns: dict[str, list | array]) -> None:
    """(item, day, demand, customer, quantity): whom each day's requirements serve (netting leaves segments as they are)."""
    item_col, day_col, demand_col, customer_col, qty_col = columns.values()
    for r in reqs:
        for demand_id, _, quantity in r.segments:
            if demand_id is not None:
                item_col.append(item_id)
                day_col.append(r.day)
                demand_col.append(demand_id)
                customer_col.append(customer_of.get(demand_id, ""))
                qty_col.append(quantity)


def _net_requirement(item_id: str, reqs: list[Requirement], result: NettingResult, policy: ItemPolicy,
                     specs: list[LotSpec], rows: _Columns) -> set[int]:
    """What a buy item still lacks day by day when bought lot-for-lot (the optimiser's input).

    An item planned plain lot-for-lot reuses its walk; others are walked again as L4L,
    quantities only. Returns the days with a net requirement.
    """
    receipts = result.planned_receipts
    if not policy.is_plain_lot_for_lot:
        receipts = Walk(policy.lot_for_lot(), build_lots(specs), "NR-", track=False).run(reqs).planned_receipts
    item_col, day_col, qty_col = rows.data.values()
    for day, quantity in receipts:
        item_col.append(item_id)
        day_col.append(day)
        qty_col.append(quantity)
    return {day for day, _ in receipts}


def _net_frames(net_rows: _Columns, served: _Columns, as_of) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net requirements, and which demands the requirements of each net-requirement day serve."""
    net = net_rows.row_frame()
    pegs = served.row_frame()
    pegs = pegs.groupby(["item_id", "day", "demand_id", "customer_id"], as_index=False, sort=True)["quantity"].sum()
    net.insert(1, "date", day_column(net.pop("day").to_numpy(), as_of))
    pegs.insert(1, "date", day_column(pegs.pop("day").to_numpy(), as_of))
    return net.sort_values(["item_id", "date"], kind="stable").reset_index(drop=True), pegs


def _planned_frame(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    for col in ("release_date", "due_date", "available_date"):
        frame[col] = day_column(frame[col].to_numpy(), as_of)
    frame = frame.sort_values(["item_id", "due_date", "customer_id", "order_id"], kind="stable")
    return frame[list(PLAN_COLUMNS["planned_orders"])].reset_index(drop=True)


def _material_frame(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    frame = frame.groupby(["order_id", "component_id", "supply_type", "supply_id", "need_date", "available_date"],
                          as_index=False, sort=True)["quantity"].sum()
    for col in ("need_date", "available_date"):
        frame[col] = day_column(frame[col].to_numpy(), as_of)
    return frame
