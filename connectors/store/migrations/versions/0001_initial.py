"""Initial store: dataset tables, plan settings, runs, plan outputs by run, decisions.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _str(name: str, *, nullable: bool = False, **kw) -> sa.Column:
    return sa.Column(name, AutoString(), nullable=nullable, **kw)


def _float(name: str, *, nullable: bool = True, **kw) -> sa.Column:
    return sa.Column(name, sa.Float(), nullable=nullable, **kw)


def _int(name: str, *, nullable: bool = False, **kw) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable, **kw)


def _date(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _datetime(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def _bool(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=nullable)


def _run_id(*, primary_key: bool = False) -> sa.Column:
    return sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False, primary_key=primary_key)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def _create_dataset_tables() -> None:
    op.create_table(
        "items",
        _str("item_id", primary_key=True), _int("row_no"), _str("description"), _str("type"), _str("uom"),
        _int("lead_time_days"), _float("safety_stock", nullable=False), _str("lot_rule"), _float("lot_size"),
        _int("lot_period_days", nullable=True), _float("min_order_qty", nullable=False), _float("order_multiple"),
        _float("attrition_pct", nullable=False), _float("setup_loss_qty", nullable=False),
        _float("yield_pct", nullable=False), _float("min_usable_qty", nullable=False),
    )
    op.create_table(
        "bom",
        _int("row_no", primary_key=True), _str("parent_id"), _str("child_id"), _float("qty_per", nullable=False),
        _float("attrition_pct"), _float("setup_loss_qty"), _str("ref_des"), _bool("feeder"),
        _date("valid_from"), _date("valid_to"),
    )
    _index("bom", "parent_id", "child_id")
    op.create_table(
        "demand",
        _str("demand_id", primary_key=True), _int("row_no"), _str("customer_id"), _str("item_id"),
        _date("due_date", nullable=False), _float("quantity", nullable=False), _str("kind"), _int("priority"),
    )
    _index("demand", "item_id")
    op.create_table(
        "inventory",
        _str("reel_id", primary_key=True), _int("row_no"), _str("item_id"), _float("quantity", nullable=False),
        _str("owner"), _str("status"), _str("location"), _str("date_code"), _str("lot"), _str("msl_level"),
        _float("floor_life_hours_left"),
    )
    _index("inventory", "item_id")
    op.create_table(
        "purchase_orders",
        _str("po_id", primary_key=True), _str("line", primary_key=True), _int("row_no"), _str("item_id"),
        _str("supplier_id"), _float("quantity_open", nullable=False), _date("due_date", nullable=False),
        _float("unit_price"),
    )
    _index("purchase_orders", "item_id")
    op.create_table(
        "work_orders",
        _str("wo_id", primary_key=True), _int("row_no"), _str("item_id"), _float("quantity_open", nullable=False),
        _date("start_date"), _date("due_date", nullable=False), _str("status"), _str("customer_id"),
        _str("line_id"), _bool("pinned"),
    )
    _index("work_orders", "item_id")
    op.create_table(
        "suppliers",
        _str("supplier_id", primary_key=True), _int("row_no"), _str("name"), _float("on_time_pct"),
        _float("min_order_value"),
    )
    op.create_table(
        "supplier_offers",
        _str("supplier_id", primary_key=True), _str("item_id", primary_key=True), _str("mpn", primary_key=True),
        _float("break_qty", nullable=False, primary_key=True), _int("row_no"), _str("manufacturer"),
        _int("lead_time_days"), _float("min_order_qty", nullable=False), _float("order_multiple", nullable=False),
        _float("unit_price", nullable=False), _float("stock_qty"), _int("stock_lead_time_days"), _float("max_qty"),
    )
    op.create_table(
        "smt_lines",
        _str("line_id", primary_key=True), _int("row_no"), _float("placements_per_hour", nullable=False),
        _int("feeder_slots"), _float("hours_per_day", nullable=False),
        _float("changeover_base_minutes", nullable=False), _float("minutes_per_feeder_change", nullable=False),
    )
    op.create_table(
        "smt_process",
        _str("item_id", primary_key=True), _int("row_no"), _float("placements_per_board", nullable=False),
        _str("line_ids"),
    )
    op.create_table("plan_settings", _str("key", primary_key=True), _str("value"))


def _create_run_tables() -> None:
    op.create_table(
        "planning_runs",
        _int("id", primary_key=True), _str("trigger"), _str("status"), _str("stage"), _date("as_of", nullable=False),
        _datetime("started_at", nullable=False), _datetime("finished_at"), _datetime("published_at"),
        _str("host"), _int("pid"), sa.Column("error", sa.Text(), nullable=False),
        *(sa.Column(name, sa.JSON(), nullable=False) for name in ("options", "stage_seconds", "counts", "costs", "summary", "tables")),
    )
    _index("planning_runs", "status")
    op.create_table(
        "current_plan",
        _int("id", primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False),
        _datetime("published_at", nullable=False),
    )


def _plan_table(name: str, *columns: sa.Column) -> None:
    op.create_table(name, _run_id(primary_key=True), _int("row_no", primary_key=True), *columns)


def _create_plan_tables() -> None:
    _plan_table(
        "plan_planned_orders",
        *(_str(c, nullable=True) for c in ("order_id", "item_id", "type", "customer_id")),
        _float("quantity"), _date("release_date"), _date("due_date"), _float("receipt_quantity"),
        _date("available_date"), _int("priority", nullable=True),
    )
    _plan_table(
        "plan_purchase_suggestions",
        *(_str(c, nullable=True) for c in ("suggestion_id", "item_id", "supplier_id", "mpn")),
        _float("quantity"), _date("order_date"), _date("receipt_date"), _float("unit_price"),
        _float("extended_price"), _bool("from_stock", nullable=True),
    )
    _plan_table(
        "plan_schedule",
        _str("job_id", nullable=True), _str("item_id", nullable=True), _float("quantity"),
        _str("line_id", nullable=True), _datetime("setup_start"), _datetime("start"), _datetime("end"),
        _datetime("due"), _float("changeover_minutes"), _float("tardiness_minutes"),
    )
    _plan_table(
        "plan_exceptions",
        *(_str(c, nullable=True) for c in ("type", "item_id", "ref_id")),
        _date("date"), _float("quantity"), sa.Column("message", sa.Text(), nullable=True),
    )
    _plan_table(
        "plan_pegging",
        *(_str(c, nullable=True) for c in ("demand_id", "item_id", "supply_type", "supply_id")),
        _float("quantity"), _int("level", nullable=True),
    )
    _plan_table(
        "plan_mrp_records",
        _str("item_id", nullable=True), _date("date"),
        *(_float(c) for c in ("gross", "scheduled_receipts", "projected_on_hand", "net", "planned_receipts", "planned_releases")),
    )


def _create_decision_tables() -> None:
    op.create_table(
        "suggestion_decisions",
        _int("id", primary_key=True), _run_id(), _str("suggestion_id"), _str("action"), _str("item_id"),
        _str("supplier_id"), _str("mpn"), _float("quantity", nullable=False), _date("order_date"),
        _date("receipt_date"), _float("unit_price"), _str("po_id"), _str("po_status"), _str("po_supplier_id"),
        _str("po_mpn"), _float("po_quantity"), _date("po_due_date"), _float("po_unit_price"), _str("note"),
        _str("decided_by"), _datetime("decided_at", nullable=False),
        sa.UniqueConstraint("run_id", "suggestion_id"),
    )
    _index("suggestion_decisions", "action")
    op.create_table(
        "job_pins",
        _int("id", primary_key=True), _run_id(), _str("job_id"), _str("item_id"), _date("due_date"),
        _bool("work_order"), _str("line_id"), _datetime("start", nullable=False), _str("source"), _bool("active"),
        _str("pinned_by"), _datetime("pinned_at", nullable=False),
    )
    _index("job_pins", "active")


def upgrade() -> None:
    _create_dataset_tables()
    _create_run_tables()
    _create_plan_tables()
    _create_decision_tables()


def downgrade() -> None:
    for table in (
        "job_pins", "suggestion_decisions", "plan_mrp_records", "plan_pegging", "plan_exceptions", "plan_schedule",
        "plan_purchase_suggestions", "plan_planned_orders", "current_plan", "planning_runs", "plan_settings",
        "smt_process", "smt_lines", "supplier_offers", "suppliers", "work_orders", "purchase_orders", "inventory",
        "demand", "bom", "items",
    ):
        op.drop_table(table)
