"""A small published plan over ``tests/data/valid/small``, written by hand so tests know every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from connectors.store import import_folder, write_session
from connectors.store.plans import publish_plan
from connectors.store.runs import start_run
from mrp.plan import Plan

SMALL = Path(__file__).parents[2] / "data" / "valid" / "small"
AS_OF = dt.date(2026, 11, 23)


def _d(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def sample_plan(quantity_s2: float = 5000) -> Plan:
    return Plan(
        planned_orders=pd.DataFrame({
            "order_id": ["P1", "P2", "P3"], "item_id": ["PCB1", "GW1", "GW1"], "type": ["make"] * 3,
            "customer_id": ["ACME", "ACME", "BETA"], "quantity": [206.0, 200.0, 300.0],
            "release_date": [_d("2027-01-06"), _d("2027-01-08"), _d("2027-02-21")],
            "due_date": [_d("2027-01-08"), _d("2027-01-15"), _d("2027-02-28")],
            "receipt_quantity": [200.0, 200.0, 300.0],
            "available_date": [_d("2027-01-08"), _d("2027-01-15"), _d("2027-02-28")], "priority": [10, 10, 100],
        }),
        purchase_suggestions=pd.DataFrame({
            "suggestion_id": ["S1", "S2", "S3"], "item_id": ["MCU", "RES", "BOARD"],
            "supplier_id": ["ARROW", "ARROW", "PCBWAY"], "mpn": ["STM32F4", "RC0603-10K", ""],
            "quantity": [2500.0, quantity_s2, 100.0],
            "order_date": [_d("2026-11-23"), _d("2026-12-01"), _d("2026-12-05")],
            "receipt_date": [_d("2027-01-18"), _d("2026-12-15"), _d("2026-12-26")],
            "unit_price": [3.4, 0.002, 1.8], "extended_price": [8500.0, quantity_s2 * 0.002, 180.0],
            "from_stock": [False, False, False],
        }),
        schedule=pd.DataFrame({
            "job_id": ["WO-1", "P1"], "item_id": ["PCB1", "PCB1"], "quantity": [150.0, 206.0],
            "line_id": ["SMT1", "SMT2"],
            "setup_start": [_d("2026-12-01 07:30"), _d("2027-01-06 07:30")],
            "start": [_d("2026-12-01 07:30"), _d("2027-01-06 07:50")],
            "end": [_d("2026-12-01 07:43"), _d("2027-01-06 08:19")],
            "due": [_d("2026-12-03 07:30"), _d("2027-01-08 07:30")],
            "changeover_minutes": [0.0, 20.0], "tardiness_minutes": [0.0, 0.0],
        }),
        exceptions=pd.DataFrame({
            "type": ["expedite", "needs_bake"], "item_id": ["MCU", "MCU"], "ref_id": ["PO-100/1", "RL-002"],
            "date": [_d("2026-12-05"), _d("2026-11-24")], "quantity": [2500.0, 4.0],
            "message": ["Expedite PO-100/1 to 2026-12-05", "Reel RL-002 needs a bake"],
        }),
        pegging=pd.DataFrame({
            "demand_id": ["SO-1", "SO-1", "FC-2", "SO-1", ""], "item_id": ["GW1", "PCB1", "GW1", "MCU", "MCU"],
            "supply_type": ["planned", "planned", "planned", "planned", "planned"],
            "supply_id": ["P2", "P1", "P3", "PM1", "PM1"], "quantity": [200.0, 200.0, 300.0, 206.0, 2294.0],
            "level": [0, 1, 0, 2, 2],
        }),
        mrp_records=pd.DataFrame({
            "item_id": ["GW1", "GW1"], "date": [_d("2027-01-15"), _d("2027-02-28")], "gross": [200.0, 300.0],
            "scheduled_receipts": [0.0, 0.0], "projected_on_hand": [0.0, 0.0], "net": [200.0, 300.0],
            "planned_receipts": [200.0, 300.0], "planned_releases": [0.0, 0.0],
        }),
        liability=pd.DataFrame({
            "customer_id": ["ACME", "ACME", "BETA"], "item_id": ["MCU", "MCU", "MCU"],
            "source": ["po", "suggestion", "suggestion"], "ref_id": ["PO-100/1", "S1", "S1"],
            "quantity": [2500.0, 1000.0, 500.0], "value": [8500.0, 3400.0, 1700.0],
            "ncnr": [True, True, True], "authorised": [False, True, False],
        }),
        capacity_load=pd.DataFrame({
            "line_id": ["SMT1", "SMT2", "SMT1"], "week_start": [_d("2027-01-25"), _d("2027-01-25"), _d("2027-02-01")],
            "load_hours": [96.0, 8.0, 0.0], "available_hours": [80.0, 80.0, 80.0],
            "utilisation_pct": [120.0, 10.0, 0.0],
        }),
        summary={"as_of": AS_OF.isoformat(), "counts": {"planned_orders": 3}},
    )


def publish(engine: Engine, plan: Plan | None = None) -> int:
    """Publish ``plan`` (default :func:`sample_plan`) as a new run; returns its id."""
    with write_session(engine) as session:
        plan = plan or sample_plan()
        run = start_run(session, trigger="test", as_of=AS_OF, options={})
        run.summary = plan.summary  # as jobs.runs.execute_run records it
        publish_plan(session, run, plan, now=dt.datetime(2026, 11, 23, 2, 0), keep_plans=30)
        return run.id


def load_small(engine: Engine) -> None:
    import_folder(engine, SMALL)
