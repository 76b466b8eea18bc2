"""Small hand-made plans for store and run tests (the pipeline is not needed to store a plan)."""

from __future__ import annotations

import pandas as pd

from mrp.plan import Plan


def suggestions(*rows: tuple) -> pd.DataFrame:
    """Rows of (suggestion_id, item_id, supplier_id, mpn, quantity, order_date, receipt_date, unit_price)."""
    frame = pd.DataFrame(list(rows), columns=["suggestion_id", "item_id", "supplier_id", "mpn", "quantity",
                                              "order_date", "receipt_date", "unit_price"])
    frame = frame.astype({c: object for c in ("suggestion_id", "item_id", "supplier_id", "mpn")})
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["unit_price"] = frame["unit_price"].astype("float64")
    for column in ("order_date", "receipt_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["extended_price"] = frame["quantity"] * frame["unit_price"]
    frame["from_stock"] = False
    return frame


def schedule(*rows: tuple) -> pd.DataFrame:
    """Rows of (job_id, item_id, quantity, line_id, start, end, due) with times as 'YYYY-MM-DD HH:MM'."""
    frame = pd.DataFrame(list(rows), columns=["job_id", "item_id", "quantity", "line_id", "start", "end", "due"])
    frame = frame.astype({"job_id": object, "item_id": object, "line_id": object, "quantity": "float64"})
    for column in ("start", "end", "due"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame.insert(4, "setup_start", frame["start"])
    frame["changeover_minutes"] = 0.0
    frame["tardiness_minutes"] = 0.0
    return frame


def mrp_records(n: int, quantity: float) -> pd.DataFrame:
    """``n`` records of one item on consecutive days, every quantity column ``quantity``."""
    frame = pd.DataFrame({
        "item_id": pd.Series([f"I{i % 97:03d}" for i in range(n)], dtype=object),
        "date": pd.date_range("2026-11-23", periods=n, freq="D").astype("datetime64[ns]"),
    })
    for column in ("gross", "scheduled_receipts", "projected_on_hand", "net", "planned_receipts", "planned_releases"):
        frame[column] = float(quantity)
    return frame


def sample_plan(tag: str = "A", *, records: int = 10) -> Plan:
    """A plan with two suggestions, one job and ``records`` MRP records; ``tag`` changes the numbers."""
    bump = 0.0 if tag == "A" else 100.0
    return Plan(
        purchase_suggestions=suggestions(
            ("S1", "CAP", "SUP1", "C-1", 20000.0 + bump, "2026-12-13", "2026-12-27", 0.01),
            ("S2", "MCU", "SUP2", "M-1", 2500.0, "2026-11-23", "2027-01-30", 2.0),
        ),
        schedule=schedule(("WO1", "PCBA1", 511.0, "L1", "2026-12-28 06:20", "2026-12-28 09:00", "2026-12-28 06:00")),
        mrp_records=mrp_records(records, 1.0 + bump),
        summary={"as_of": "2026-11-23", "costs": {"optimised": 5200.0 + bump}, "stage_seconds": {"mrp": 0.5}},
    )
