"""Approved purchase orders as plain data: what a buyer's approval hands to an ERP.

The ``reference`` is the idempotency key. It must be stable: the same approval always
yields the same reference, so a retry (or a second send of the same approval) finds the
purchase order it already created instead of creating another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

PAYLOAD_SCHEMA = "reelplan.purchase_order.v1"


@dataclass(frozen=True)
class PurchaseOrderLine:
    """One line of an approved purchase order (one approved purchase suggestion)."""

    line: str
    item_id: str
    quantity: float
    unit_price: float
    receipt_date: date
    mpn: str = ""
    suggestion_id: str = ""

    @property
    def extended_price(self) -> float:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class ApprovedPurchaseOrder:
    """A purchase order to create, as a draft, in the ERP: one supplier, one or more lines."""

    reference: str
    supplier_id: str
    order_date: date
    lines: tuple[PurchaseOrderLine, ...]
    approved_by: str = ""
    approved_at: datetime | None = None
    run_id: str = ""

    def __post_init__(self) -> None:
        if not self.reference:
            raise ValueError("an approved purchase order needs a reference (its idempotency key)")
        if not self.lines:
            raise ValueError(f"purchase order {self.reference} has no lines")

    @property
    def total(self) -> float:
        return sum(line.extended_price for line in self.lines)

    @property
    def required_by(self) -> date:
        """The earliest receipt date of its lines: when the first goods are needed."""
        return min(line.receipt_date for line in self.lines)

    def to_payload(self) -> dict[str, Any]:
        """The documented JSON body the webhook connector posts (see docs/erp.md)."""
        return {
            "schema": PAYLOAD_SCHEMA,
            "reference": self.reference,
            "supplier_id": self.supplier_id,
            "order_date": self.order_date.isoformat(),
            "required_by": self.required_by.isoformat(),
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "run_id": self.run_id,
            "total": round(self.total, 6),
            "lines": [
                {
                    "line": ln.line,
                    "item_id": ln.item_id,
                    "mpn": ln.mpn,
                    "quantity": ln.quantity,
                    "unit_price": ln.unit_price,
                    "extended_price": round(ln.extended_price, 6),
                    "receipt_date": ln.receipt_date.isoformat(),
                    "suggestion_id": ln.suggestion_id,
                }
                for ln in self.lines
            ],
        }


@dataclass(frozen=True)
class SentPurchaseOrder:
    """What the ERP answered: its own id for the order, and whether this send created it."""

    reference: str
    erp_id: str
    created: bool
    details: dict[str, Any] = field(default_factory=dict)


class PurchaseOrderSink(Protocol):
    """Anything that can receive approved purchase orders (webhook, Odoo, ERPNext)."""

    def send_purchase_order(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder: ...
