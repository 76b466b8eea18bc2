"""The plan's NCNR liability: purchase lines pegged to customer demand, authorised or not, and
each suggested line's unauthorised NCNR value.

Revision ID: 0006_ems_plan
Revises: 0005_ems_data
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.LiabilityRow` and ``SuggestionRow.unauthorised_value``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0006_ems_plan"
down_revision = "0005_ems_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_liability",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False, primary_key=True),
        sa.Column("row_no", sa.Integer(), primary_key=True),
        *(sa.Column(c, AutoString(), nullable=True) for c in ("customer_id", "item_id", "source", "ref_id")),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("ncnr", sa.Boolean(), nullable=True),
        sa.Column("authorised", sa.Boolean(), nullable=True),
    )
    with op.batch_alter_table("plan_purchase_suggestions") as table:
        table.add_column(sa.Column("unauthorised_value", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_purchase_suggestions") as table:
        table.drop_column("unauthorised_value")
    op.drop_table("plan_liability")
