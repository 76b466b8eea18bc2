"""Approved purchase orders out to the ERP: what is still to send, sending it, recording it.

An approval (``jobs.decisions.approve_suggestion``) turns a suggestion into a purchase
order line ``RP-<run>-<suggestion>`` with ``po_status`` ``sent``: awaiting the ERP. This
module hands each such order to a :class:`PurchaseOrderSink` (webhook, Odoo, ERPNext) and
records the answer in ``erp_deliveries``. The network call happens outside any database
transaction; a failure is recorded and retried by the next :func:`deliver_pending`.
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

log = logging.getLogger(__name__)


def order_of(decision: SuggestionDecision) -> ApprovedPurchaseOrder:
    """The purchase order an approved decision stands for (one line: the suggestion as edited)."""
    approved_on = decision.decided_at.date()
    return ApprovedPurchaseOrder(
        reference=decision.po_id,
        supplier_id=decision.po_supplier_id,
        order_date=max(decision.order_date or approved_on, approved_on),
        lines=(PurchaseOrderLine(
            line="1", item_id=decision.item_id, quantity=float(decision.po_quantity or decision.quantity),
            unit_price=float(decision.po_unit_price or 0.0),
            receipt_date=decision.po_due_date or decision.receipt_date or approved_on,
            mpn=decision.po_mpn, suggestion_id=decision.suggestion_id,
        ),),
        approved_by=decision.decided_by, approved_at=decision.decided_at, run_id=str(decision.run_id),
    )


def pending_orders(session: Session, references: list[str] | None = None) -> list[ApprovedPurchaseOrder]:
    """Approved orders awaiting the ERP that were not delivered yet (optionally only some)."""
    delivered = select(ErpDelivery.reference).where(ErpDelivery.status == "delivered")
    query = select(SuggestionDecision).where(
        SuggestionDecision.action == "approved", SuggestionDecision.po_status == "sent",
        col(SuggestionDecision.po_id).not_in(delivered))
    if references is not None:
        query = query.where(col(SuggestionDecision.po_id).in_(references))
    return [order_of(d) for d in session.exec(query.order_by(col(SuggestionDecision.id)))]


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def deliver_pending(engine: Engine, sink: PurchaseOrderSink, *, connector: str,
                    references: list[str] | None = None) -> DeliveryReport:
    """Send every pending order (or those of ``references``) and record each outcome."""
    with read_snapshot(engine) as session:
        orders = pending_orders(session, references)
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
