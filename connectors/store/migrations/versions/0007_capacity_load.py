"""Rough-cut SMT capacity by run: hours loaded per line and week beyond the detailed window.

Revision ID: 0007_capacity_load
Revises: 0006_ems_plan
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.CapacityLoadRow` (``capacity_load.csv`` of the plan folder).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0007_capacity_load"
down_revision = "0006_ems_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_capacity_load",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False, primary_key=True),
        sa.Column("row_no", sa.Integer(), nullable=False, primary_key=True),
        sa.Column("line_id", AutoString(), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=True),
        sa.Column("load_hours", sa.Float(), nullable=True),
        sa.Column("available_hours", sa.Float(), nullable=True),
        sa.Column("utilisation_pct", sa.Float(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("plan_capacity_load")
