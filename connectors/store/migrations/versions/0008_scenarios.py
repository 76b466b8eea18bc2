"""What-if scenarios: the scenarios table, and a run's scenario and request token.

Revision ID: 0008_scenarios
Revises: 0005_ems_data
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.Scenario` and ``PlanningRun.scenario`` and
``PlanningRun.request_token``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0008_scenarios"
down_revision = "0007_capacity_load"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", AutoString(), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_by", AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("planning_runs") as table:
        table.add_column(sa.Column("scenario", AutoString(), nullable=False, server_default=""))
        table.add_column(sa.Column("request_token", AutoString(), nullable=True))
        table.create_index("ix_planning_runs_scenario", ["scenario"])
        table.create_unique_constraint("uq_planning_runs_request_token", ["request_token"])


def downgrade() -> None:
    with op.batch_alter_table("planning_runs") as table:
        table.drop_constraint("uq_planning_runs_request_token", type_="unique")
        table.drop_index("ix_planning_runs_scenario")
        table.drop_column("request_token")
        table.drop_column("scenario")
    op.drop_table("scenarios")
