"""Approved purchase orders out to the ERP: what is still to send, sending it, recording it.

An approval (``jobs.decisions.approve_suggestion``) turns a suggestion into a line of a
purchase order ``RP-<nnnnn>`` with ``po_status`` ``sent``: awaiting the ERP. Approvals for
one supplier join the same order until it is handed to the ERP, so the ERP gets one order
per supplier with several lines. This module hands each such order, all its lines at once,
to a :class:`PurchaseOrderSink` (webhook, Odoo, ERPNext) and records the answer in
``erp_deliveries`` under the order's id: a delivered order is never sent again, and once a
send was attempted no new line joins it (a retry sends exactly the same order). The network call happens outside any database
transaction; a failure is recorded and retried by the next :func:`deliver_pending`.
Purchase order numbers are unique across the store's sites, so the outbox serves every site;
``site`` narrows it to the orders approved on one site's plans.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from connectors.erp.models import ErpDelivery
from connectors.erp.orders import ApprovedPurchaseOrder, PurchaseOrderLine, PurchaseOrderSink
from connectors.erp.transport import ErpError
from connectors.store import read_snapshot, write_session
from connectors.store.models import SuggestionDecision
from connectors.store.plans import site_runs

log = logging.getLogger(__name__)


def order_of(lines: list[SuggestionDecision]) -> ApprovedPurchaseOrder:
    """The purchase order the approved decisions of one ``po_id`` stand for: one line per
    approved suggestion, as edited, in line order."""
    lines = sorted(lines, key=lambda d: (int(d.po_line) if d.po_line.isdigit() else 0, d.id or 0))
    first = lines[0]
    approved_on = min(d.decided_at for d in lines).date()
    return ApprovedPurchaseOrder(
        reference=first.po_id,
        supplier_id=first.po_supplier_id,
        order_date=max(min((d.order_date or approved_on) for d in lines), approved_on),
        lines=tuple(PurchaseOrderLine(
            line=d.po_line, item_id=d.item_id, quantity=float(d.po_quantity or d.quantity),
            unit_price=float(d.po_unit_price or 0.0), receipt_date=d.po_due_date or d.receipt_date or approved_on,
            mpn=d.po_mpn, suggestion_id=d.suggestion_id,
        ) for d in lines),
        approved_by=", ".join(dict.fromkeys(d.decided_by for d in lines if d.decided_by)),
        approved_at=max(d.decided_at for d in lines),
        run_id=", ".join(dict.fromkeys(str(d.run_id) for d in lines)),
    )


def pending_orders(session: Session, references: list[str] | None = None,
                   site: str | None = None) -> list[ApprovedPurchaseOrder]:
    """Approved orders awaiting the ERP that were not delivered yet (optionally only some, or only
    those of ``site``), one per ``po_id``."""
    delivered = select(ErpDelivery.reference).where(ErpDelivery.status == "delivered")
    query = select(SuggestionDecision).where(
        SuggestionDecision.action == "approved", SuggestionDecision.po_status == "sent",
        col(SuggestionDecision.po_id).not_in(delivered))
    if references is not None:
        query = query.where(col(SuggestionDecision.po_id).in_(references))
    if site is not None:
        query = query.where(col(SuggestionDecision.run_id).in_(site_runs(site)))
    orders: dict[str, list[SuggestionDecision]] = {}
    for decision in session.exec(query.order_by(col(SuggestionDecision.id))):
        orders.setdefault(decision.po_id, []).append(decision)
    return [order_of(lines) for lines in orders.values()]


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def deliver_pending(engine: Engine, sink: PurchaseOrderSink, *, connector: str,
                    references: list[str] | None = None, site: str | None = None) -> DeliveryReport:
    """Send every pending order (or those of ``references``, or of ``site``) and record each outcome."""
    with read_snapshot(engine) as session:
        orders = pending_orders(session, references, site)
    report = DeliveryReport()
    for order in orders:
        try:
            sent = sink.send_purchase_order(order)
        except ErpError as exc:
            log.warning("purchase order %s not delivered to %s: %s", order.reference, connector, exc)
            report.failed[order.reference] = str(exc)
            _record(engine, order.reference, connector, status="failed", error=str(exc))
            continue
        report.delivered.append(order.reference)
        _record(engine, order.reference, connector, status="delivered", erp_id=sent.erp_id, created=sent.created)
    return report


def _record(engine: Engine, reference: str, connector: str, *, status: str, erp_id: str = "",
            created: bool = False, error: str = "") -> None:
    with write_session(engine) as session:
        row = session.get(ErpDelivery, reference) or ErpDelivery(reference=reference, connector=connector,
                                                                 status=status, updated_at=_utcnow())
        row.connector, row.status, row.attempts = connector, status, row.attempts + 1
        row.erp_id, row.created, row.last_error = erp_id or row.erp_id, created or row.created, error
        row.updated_at = _utcnow()
        session.add(row)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
