"""What-if scenarios: the scenarios table, and a run's scenario and request token.

Revision ID: 0008_scenarios
Revises: 0007_capacity_load
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
    # In place, also on SQLite (a unique index, not a constraint): other tables refer to the
    # runs, so the table is not copied.
    op.add_column("planning_runs", sa.Column("scenario", AutoString(), nullable=False, server_default=""))
    op.add_column("planning_runs", sa.Column("request_token", AutoString(), nullable=True))
    op.create_index("ix_planning_runs_scenario", "planning_runs", ["scenario"])
    op.create_index("ix_planning_runs_request_token", "planning_runs", ["request_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_planning_runs_request_token", table_name="planning_runs")
    op.drop_index("ix_planning_runs_scenario", table_name="planning_runs")
    op.drop_column("planning_runs", "request_token")
    op.drop_column("planning_runs", "scenario")
    op.drop_table("scenarios")
