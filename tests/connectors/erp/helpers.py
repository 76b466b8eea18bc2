"""Shared builders for the ERP connector tests."""

from __future__ import annotations

from datetime import date

from connectors.erp.orders import ApprovedPurchaseOrder, PurchaseOrderLine
from connectors.erp.transport import RetryPolicy

#: Four tries, no real waiting: the tests record the delays instead of sleeping them.
FAST_RETRY = RetryPolicy(attempts=4, backoff_seconds=0.5, max_backoff_seconds=8.0)


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def two_line_order(reference: str = "RP-run7-DIGIKEY") -> ApprovedPurchaseOrder:
    """An approved order of 2 reels of a capacitor and 1 000 resistors from one supplier."""
    return ApprovedPurchaseOrder(
        reference=reference,
        supplier_id="DIGIKEY",
        order_date=date(2025, 3, 3),
        lines=(
            PurchaseOrderLine("1", "C100N", 8000, 0.004, date(2025, 3, 17), mpn="GRM155R71C104KA88D",
                              suggestion_id="S1"),
            PurchaseOrderLine("2", "R10K", 1000, 0.002, date(2025, 3, 14), mpn="RC0402FR-0710KL",
                              suggestion_id="S2"),
        ),
        approved_by="buyer-anna",
        run_id="run7",
    )
