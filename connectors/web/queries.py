"""The store reads behind the workspace pages: one page of rows at a time, filtered and
sorted in SQL, so a plan of any size never travels to the browser whole.

Every function takes an open session (a read snapshot) and returns plain values. The
workspace shows the default site of the store (:data:`SITE`); the CLI and the HTTP API
reach every site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from connectors.store.dataset_io import load_settings
from connectors.store.plans import site_runs
from connectors.store.models import (
    DEFAULT_SITE,
    BomLine,
    CapacityLoadRow,
    CurrentPlan,
    Demand,
    ExceptionRow,
    Item,
    JobPin,
    MrpRecordRow,
    OfferBreak,
    PeggingRow,
    PlannedOrderRow,
    PlanningRun,
    PurchaseOrderLine,
    ScheduleRow,
    SmtLine,
    SuggestionDecision,
    SuggestionRow,
    Supplier,
    WorkOrder,
)

#: Exception types by how urgently someone must act (any other type is ``low``).
SEVERITY: dict[str, str] = {
    **dict.fromkeys(("shortage", "past_due", "late_release", "no_offer", "no_line", "no_approved_offer",
                     "no_supply_after_eol", "pin_conflict"), "high"),
    **dict.fromkeys(("expedite", "needs_bake", "overloaded_line_week", "last_time_buy", "beyond_horizon"), "medium"),
}
SEVERITIES = ("high", "medium", "low")
#: Exception types that are messages on open purchase orders.
PO_MESSAGES = ("expedite", "defer", "cancel")
#: Statuses of a suggestion line: no decision yet, edited, approved (sent to the ERP), rejected.
STATUSES = ("pending", "edited", "approved", "rejected")
#: The kinds of reason a suggested line gives (``reason`` of purchase_suggestions.csv, parts
#: joined by "; "): label, the text a line's reason contains, a text it must not contain.
REASONS: dict[str, tuple[str, str, str | None]] = {
    "net_requirement": ("net requirement only", "net requirement", None),
    "buys_ahead": ("buys ahead", "buys ahead:", None),
    "price_break": ("price break", "price break ", None),
    "minimum_order": ("minimum order quantity", "minimum order ", "minimum order value"),
    "order_multiple": ("order multiple (reel)", "order multiple (reel)", None),
    "minimum_order_value": ("supplier's minimum order value", "minimum order value", None),
    "surplus": ("surplus held to the horizon end", "beyond all requirements", None),
    "distributor_stock": ("distributor stock", "distributor stock", None),
    "late": ("late", "late up to", None),
}
#: Columns a suggestion list may be sorted by.
SUGGESTION_SORTS = ("receipt_date", "order_date", "supplier_id", "item_id", "value", "quantity")
#: The site the workspace shows.
SITE = DEFAULT_SITE


def severity(exception_type: str) -> str:
    """How urgent an exception is: ``high`` (a demand is at risk), ``medium`` (act soon) or ``low``."""
    return SEVERITY.get(exception_type, "low")


def published_run(session: Session) -> PlanningRun | None:
    run_id = session.exec(select(CurrentPlan.run_id).where(CurrentPlan.site == SITE)).first()
    return session.get(PlanningRun, run_id) if run_id is not None else None


# --- purchase suggestions --------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionFilter:
    """What the buyer narrows the list to; empty fields do not filter."""

    supplier_id: str = ""
    customer_id: str = ""
    item: str = ""
    within_days: int | None = None
    status: str = ""
    reason: str = ""  # a key of REASONS


def _suggestion_query(run: PlanningRun, where: SuggestionFilter) -> Any:
    s, d = SuggestionRow, SuggestionDecision
    status = func.coalesce(d.action, "pending")
    quantity = func.coalesce(d.po_quantity, s.quantity)
    receipt = func.coalesce(d.po_due_date, s.receipt_date)
    price = func.coalesce(d.po_unit_price, s.unit_price)
    query = (
        select(s.suggestion_id, s.item_id, func.coalesce(func.nullif(d.po_supplier_id, ""), s.supplier_id),
               func.coalesce(func.nullif(d.po_mpn, ""), s.mpn), quantity.label("quantity"), s.order_date,
               receipt.label("receipt_date"), price, (quantity * price).label("value"), status.label("status"),
               s.quantity, s.receipt_date, d.po_id, d.decided_by, s.unauthorised_value, s.reason)
        .select_from(s)
        .join(d, and_(d.run_id == s.run_id, d.suggestion_id == s.suggestion_id), isouter=True)
        .where(s.run_id == run.id)
    )
    if where.supplier_id:
        query = query.where(s.supplier_id == where.supplier_id)
    if where.item:
        pattern = f"%{where.item.lower()}%"
        query = query.where(or_(func.lower(s.item_id).like(pattern),
                                s.item_id.in_(select(Item.item_id).where(Item.site == SITE,
                                                                         func.lower(Item.description).like(pattern)))))
    if where.within_days is not None:
        query = query.where(receipt <= run.as_of + dt.timedelta(days=where.within_days))
    if where.status:
        query = query.where(status == where.status)
    if where.reason:
        if where.reason not in REASONS:
            raise ValueError(f"no reason {where.reason!r}; use one of {', '.join(REASONS)}")
        _label, contains, excludes = REASONS[where.reason]
        query = query.where(s.reason.contains(contains, autoescape=True))
        if excludes:
            query = query.where(~s.reason.contains(excludes, autoescape=True))
    if where.customer_id:
        pegged = (select(PeggingRow.item_id).join(Demand, Demand.demand_id == PeggingRow.demand_id)
                  .where(PeggingRow.run_id == run.id, Demand.site == SITE, Demand.customer_id == where.customer_id))
        query = query.where(s.item_id.in_(pegged))
    return query


_SUGGESTION_FIELDS = ("suggestion_id", "item_id", "supplier_id", "mpn", "quantity", "order_date", "receipt_date",
                      "unit_price", "value", "status", "suggested_quantity", "suggested_receipt_date", "po_id",
                      "decided_by", "unauthorised_value", "reason")


def suggestion_page(session: Session, run: PlanningRun, where: SuggestionFilter, *, sort: str = "receipt_date",
                    descending: bool = False, offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    """How many lines match, and one page of them (with the buyer's edits and decisions applied)."""
    query = _suggestion_query(run, where)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    if sort not in SUGGESTION_SORTS:
        raise ValueError(f"cannot sort by {sort!r}; use one of {', '.join(SUGGESTION_SORTS)}")
    key = query.selected_columns[sort]
    query = query.order_by(key.desc() if descending else key, SuggestionRow.suggestion_id).offset(offset).limit(limit)
    return total, [dict(zip(_SUGGESTION_FIELDS, row)) for row in session.exec(query).all()]


def supplier_totals(session: Session, run: PlanningRun, where: SuggestionFilter) -> list[dict]:
    """Per supplier of the matching lines: lines, value, its minimum order value and whether it is met.

    Rejected lines do not count towards the value.
    """
    lines = _suggestion_query(run, where).subquery()
    supplier = lines.c[2]
    counted = func.sum(case((lines.c.status == "rejected", 0.0), else_=lines.c.value))
    rows = session.exec(
        select(supplier, func.count(), counted, Supplier.name, Supplier.min_order_value)
        .select_from(lines).join(Supplier, and_(Supplier.site == SITE, Supplier.supplier_id == supplier), isouter=True)
        .group_by(supplier, Supplier.name, Supplier.min_order_value).order_by(supplier)
    ).all()
    return [{"supplier_id": s, "name": name or "", "lines": n, "value": float(value or 0.0),
             "min_order_value": mov, "met": mov is None or (value or 0.0) >= mov - 1e-9}
            for s, n, value, name, mov in rows]


def filter_choices(session: Session, run: PlanningRun) -> dict[str, list[str]]:
    """The suppliers and customers the filters offer."""
    suppliers = session.exec(select(SuggestionRow.supplier_id).where(SuggestionRow.run_id == run.id)
                             .distinct().order_by(SuggestionRow.supplier_id)).all()
    customers = session.exec(select(Demand.customer_id).where(Demand.site == SITE).distinct()
                             .order_by(Demand.customer_id)).all()
    return {"suppliers": [s for s in suppliers if s], "customers": [c for c in customers if c]}


def approved_orders(session: Session, *, limit: int = 200) -> list[dict]:
    """Purchase order lines approved in the workspace, the CLI or the API, newest first."""
    rows = session.exec(select(SuggestionDecision).where(SuggestionDecision.action == "approved",
                                                         col(SuggestionDecision.run_id).in_(site_runs(SITE)))
                        .order_by(col(SuggestionDecision.id).desc()).limit(limit)).all()
    return [{"reference": f"{d.po_id}/{d.po_line}", "po_id": d.po_id, "po_line": d.po_line, "item_id": d.item_id, "supplier_id": d.po_supplier_id, "mpn": d.po_mpn,
             "quantity": d.po_quantity, "due_date": d.po_due_date, "unit_price": d.po_unit_price,
             "po_status": d.po_status, "decided_by": d.decided_by, "run_id": d.run_id} for d in rows]


def order_rules(session: Session, item_id: str, supplier_id: str, mpn: str, quantity: float) -> list[str]:
    """The ordering rules ``quantity`` breaks: the offer's and the item's MOQ and order multiple."""
    offer = session.exec(select(OfferBreak).where(OfferBreak.site == SITE, OfferBreak.item_id == item_id,
                                                  OfferBreak.supplier_id == supplier_id,
                                                  OfferBreak.mpn == mpn).order_by(OfferBreak.break_qty)).first()
    item = session.get(Item, (SITE, item_id))
    broken = []
    moq = max(offer.min_order_qty if offer else 0.0, item.min_order_qty if item else 0.0)
    if quantity < moq - 1e-9:
        broken.append(f"below the MOQ of {moq:g}")
    for multiple in {m for m in ((offer.order_multiple if offer else None), (item.order_multiple if item else None))
                     if m and m > 1}:
        if abs(quantity / multiple - round(quantity / multiple)) > 1e-9:
            broken.append(f"not a multiple of {multiple:g}")
    return broken


# --- item panel ------------------------------------------------------------------------------


def item_detail(session: Session, run: PlanningRun, item_id: str) -> dict | None:
    """Everything the item panel shows, or None when the item is unknown."""
    item = session.get(Item, (SITE, item_id))
    if item is None:
        return None
    records = session.exec(select(MrpRecordRow.date, MrpRecordRow.projected_on_hand, MrpRecordRow.gross)
                           .where(MrpRecordRow.run_id == run.id, MrpRecordRow.item_id == item_id)
                           .order_by(MrpRecordRow.row_no)).all()
    offers = session.exec(select(OfferBreak).where(OfferBreak.site == SITE, OfferBreak.item_id == item_id)
                          .order_by(OfferBreak.supplier_id, OfferBreak.mpn, OfferBreak.break_qty)).all()
    chosen = set()
    for supplier_id, mpn, quantity in session.exec(select(SuggestionRow.supplier_id, SuggestionRow.mpn,
                                                          SuggestionRow.quantity).where(
            SuggestionRow.run_id == run.id, SuggestionRow.item_id == item_id)).all():
        reached = [o.break_qty for o in offers
                   if (o.supplier_id, o.mpn) == (supplier_id, mpn) and o.break_qty <= (quantity or 0) + 1e-9]
        if reached:
            chosen.add((supplier_id, mpn, max(reached)))
    pegging = session.exec(
        select(PeggingRow.demand_id, Demand.customer_id, Demand.item_id, Demand.due_date, PeggingRow.supply_type,
               PeggingRow.supply_id, PeggingRow.quantity)
        .join(Demand, and_(Demand.site == SITE, Demand.demand_id == PeggingRow.demand_id), isouter=True)
        .where(PeggingRow.run_id == run.id, PeggingRow.item_id == item_id)
        .order_by(PeggingRow.row_no).limit(200)).all()
    orders = session.exec(select(PurchaseOrderLine).where(PurchaseOrderLine.site == SITE,
                                                          PurchaseOrderLine.item_id == item_id)
                          .order_by(PurchaseOrderLine.due_date, PurchaseOrderLine.po_id)).all()
    messages: dict[str, list[str]] = {}
    for kind, ref, date in session.exec(select(ExceptionRow.type, ExceptionRow.ref_id, ExceptionRow.date).where(
            ExceptionRow.run_id == run.id, ExceptionRow.item_id == item_id, col(ExceptionRow.type).in_(PO_MESSAGES))):
        messages.setdefault(ref or "", []).append(f"{kind} to {date}" if kind != "cancel" else "cancel")
    return {
        "item": item,
        "records": [{"date": d, "projected_on_hand": p, "gross": g} for d, p, g in records],
        "offers": [{"supplier_id": o.supplier_id, "mpn": o.mpn, "break_qty": o.break_qty, "unit_price": o.unit_price,
                    "lead_time_days": o.lead_time_days, "min_order_qty": o.min_order_qty,
                    "order_multiple": o.order_multiple, "chosen": (o.supplier_id, o.mpn, o.break_qty) in chosen} for o in offers],
        "pegging": [dict(zip(("demand_id", "customer_id", "demand_item_id", "due_date", "supply_type", "supply_id",
                              "quantity"), row)) for row in pegging],
        "purchase_orders": [{"po_id": p.po_id, "line": p.line, "supplier_id": p.supplier_id,
                             "quantity_open": p.quantity_open, "due_date": p.due_date,
                             "messages": ", ".join(messages.get(f"{p.po_id}/{p.line}", messages.get(p.po_id, [])))}
                            for p in orders],
    }


# --- schedule --------------------------------------------------------------------------------


def schedule_window(session: Session, run: PlanningRun) -> dict:
    """The jobs of the detailed window (as_of .. as_of + schedule_horizon_days), line by line."""
    settings = load_settings(session, as_of=run.as_of, site=SITE)
    opening = dt.datetime.combine(run.as_of, settings.shift_start)
    until = dt.datetime.combine(run.as_of + dt.timedelta(days=settings.schedule_horizon_days), settings.shift_start)
    customers = dict(session.exec(select(WorkOrder.wo_id, WorkOrder.customer_id).where(WorkOrder.site == SITE)).all())
    customers.update(session.exec(select(PlannedOrderRow.order_id, PlannedOrderRow.customer_id)
                                  .where(PlannedOrderRow.run_id == run.id)).all())
    pinned = {(p.item_id, p.due_date): p for p in session.exec(select(JobPin).where(
        JobPin.active, col(JobPin.run_id).in_(site_runs(SITE)))).all()}
    pinned_ids = {p.job_id for p in pinned.values()}
    jobs = []
    for row in session.exec(select(ScheduleRow).where(ScheduleRow.run_id == run.id, ScheduleRow.start < until)
                            .order_by(ScheduleRow.line_id, ScheduleRow.start)).all():
        due_date = row.due.date() if row.due is not None else None
        jobs.append({
            "job_id": row.job_id, "item_id": row.item_id, "quantity": row.quantity, "line_id": row.line_id or "",
            "setup_start": row.setup_start, "start": row.start, "end": row.end, "due": row.due,
            "changeover_minutes": row.changeover_minutes or 0.0, "tardiness_minutes": row.tardiness_minutes or 0.0,
            "customer_id": customers.get(row.job_id) or "", "clear_to_build": row.clear_to_build,
            "pinned": row.job_id in pinned_ids or (row.item_id, due_date) in pinned,
        })
    lines = session.exec(select(SmtLine.line_id).where(SmtLine.site == SITE).order_by(SmtLine.row_no)).all()
    return {"opening": opening, "until": until, "horizon_days": settings.schedule_horizon_days,
            "lines": list(lines), "jobs": jobs}


def capacity_load(session: Session, run: PlanningRun) -> list[dict]:
    """The run's rough-cut capacity rows (line, week, load, available hours, utilisation), in the
    plan's order; none when the run did not sequence."""
    rows = session.exec(select(CapacityLoadRow).where(CapacityLoadRow.run_id == run.id)
                        .order_by(CapacityLoadRow.row_no)).all()
    return [r.model_dump(include={"line_id", "week_start", "load_hours", "available_hours", "utilisation_pct"})
            for r in rows]


def job_material(session: Session, item_id: str) -> list[dict]:
    """The components of a job's item (one BOM level) with the feeders they take."""
    rows = session.exec(select(BomLine.child_id, BomLine.qty_per, BomLine.feeder, Item.description)
                        .join(Item, and_(Item.site == SITE, Item.item_id == BomLine.child_id), isouter=True)
                        .where(BomLine.site == SITE, BomLine.parent_id == item_id).order_by(BomLine.row_no)).all()
    return [{"item_id": c, "qty_per": q, "feeder": bool(f), "description": d or ""} for c, q, f, d in rows]


# --- exceptions and runs ---------------------------------------------------------------------


def exception_page(session: Session, run: PlanningRun, *, types: list[str], severity_level: str, offset: int,
                   limit: int) -> tuple[int, list[dict]]:
    """Matching exceptions of the published plan, most severe first (then in the plan's order), one page."""
    query = select(ExceptionRow).where(ExceptionRow.run_id == run.id)
    if types:
        query = query.where(col(ExceptionRow.type).in_(types))
    if severity_level:
        kinds = [k for k, v in SEVERITY.items() if v == severity_level]
        query = query.where(col(ExceptionRow.type).in_(kinds) if severity_level != "low"
                            else col(ExceptionRow.type).not_in(list(SEVERITY)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rank = case(*((col(ExceptionRow.type).in_([k for k, v in SEVERITY.items() if v == level]), n)
                  for n, level in enumerate(SEVERITIES[:-1])), else_=len(SEVERITIES) - 1)
    rows = session.exec(query.order_by(rank, ExceptionRow.row_no).offset(offset).limit(limit)).all()
    return total, [{"type": r.type, "severity": severity(r.type or ""), "item_id": r.item_id, "ref_id": r.ref_id,
                    "date": r.date, "quantity": r.quantity, "message": r.message} for r in rows]


def exception_types(session: Session, run: PlanningRun) -> list[str]:
    return list(session.exec(select(ExceptionRow.type).where(ExceptionRow.run_id == run.id).distinct()
                             .order_by(ExceptionRow.type)).all())


def runs(session: Session, *, limit: int = 50) -> list[PlanningRun]:
    return list(session.exec(select(PlanningRun).where(PlanningRun.site == SITE)
                             .order_by(col(PlanningRun.id).desc()).limit(limit)).all())


def previous_published(session: Session, run_id: int) -> int | None:
    """The latest run before ``run_id`` whose plan is still stored."""
    return session.exec(select(func.max(PlanningRun.id)).where(
        PlanningRun.id < run_id, PlanningRun.site == SITE, col(PlanningRun.status).in_(("published",)))).one()
