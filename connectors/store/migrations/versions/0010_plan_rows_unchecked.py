"""Plan tables without a foreign key to ``planning_runs``, so a publish does not check its run once per row.

Revision ID: 0010_plan_rows_unchecked
Revises: 0009_sites
Create Date: 2026-12-07

Mirrors ``_run_id()`` of :mod:`connectors.store.models`: ``run_id`` stays the first column of
every plan table's primary key, without ``REFERENCES planning_runs``. The store writes a run's
plan rows only in the transaction that publishes (or stores) that run, after the run was
recorded, and deletes them when it archives the run (``connectors.store.plans``); run records
are never deleted. Rows and plans are kept as they are.

PostgreSQL drops the constraint in place (``<table>_run_id_fkey``, the name it gave it); SQLite
cannot drop a constraint, so each plan table is copied without it (as long as its rows take
to copy: 34 s for a store holding one plan of 11.5 million rows).
"""

from __future__ import annotations

from alembic import op

revision = "0010_plan_rows_unchecked"
down_revision = "0009_sites"
branch_labels = None
depends_on = None

#: Every plan table (0001, 0006, 0007), each with ``run_id`` referring to ``planning_runs.id``.
PLAN_TABLES = (
    "plan_planned_orders", "plan_purchase_suggestions", "plan_schedule", "plan_exceptions", "plan_pegging",
    "plan_mrp_records", "plan_liability", "plan_capacity_load",
)
#: The name SQLite's copy gives the unnamed foreign key, so the copy can leave it out.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s"}


def _postgresql_name(table: str) -> str:
    return f"{table}_run_id_fkey"


def _sqlite_name(table: str) -> str:
    return f"fk_{table}_run_id"


def upgrade() -> None:
    for table in PLAN_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.drop_constraint(_postgresql_name(table), table, type_="foreignkey")
            continue
        with op.batch_alter_table(table, recreate="always", naming_convention=SQLITE_NAMES) as batch:
            batch.drop_constraint(_sqlite_name(table), type_="foreignkey")


def downgrade() -> None:
    for table in PLAN_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.create_foreign_key(_postgresql_name(table), table, "planning_runs", ["run_id"], ["id"])
            continue
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.create_foreign_key(_sqlite_name(table), "planning_runs", ["run_id"], ["id"])
