"""Stable ids and decisions: id counters, purchase order lines, expedites, and the plan's
reason and clear-to-build columns.

Revision ID: 0003_stable_ids
Revises: 0002_api_auth
Create Date: 2026-12-07

Mirrors :mod:`connectors.store.models` (``IdCounter``, ``SuggestionDecision.po_line`` and
``po_expedite``, ``SuggestionRow``'s reason columns, ``ScheduleRow.clear_to_build``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0003_stable_ids"
down_revision = "0002_api_auth"
branch_labels = None
depends_on = None

REASONS = (
    ("lead_time_days", sa.Integer), ("reason", sa.Text), ("serves", sa.Text), ("demands", sa.Text),
    ("customers", sa.Text), ("days_late", sa.Integer), ("late_qty", sa.Float), ("surplus_qty", sa.Float),
    ("alternative", sa.Text), ("alternative_cost_difference", sa.Float),
)


def upgrade() -> None:
    op.create_table(
        "id_counters",
        sa.Column("kind", AutoString(), primary_key=True),
        sa.Column("next_number", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("suggestion_decisions") as table:
        table.add_column(sa.Column("po_line", AutoString(), nullable=False, server_default="1"))
        table.add_column(sa.Column("po_expedite", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("plan_purchase_suggestions") as table:
        for name, kind in REASONS:
            table.add_column(sa.Column(name, kind(), nullable=True))
    with op.batch_alter_table("plan_schedule") as table:
        table.add_column(sa.Column("clear_to_build", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_schedule") as table:
        table.drop_column("clear_to_build")
    with op.batch_alter_table("plan_purchase_suggestions") as table:
        for name, _ in reversed(REASONS):
            table.drop_column(name)
    with op.batch_alter_table("suggestion_decisions") as table:
        table.drop_column("po_expedite")
        table.drop_column("po_line")
    op.drop_table("id_counters")
