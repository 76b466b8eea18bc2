"""API bearer tokens (stored hashed), the audit log of decisions taken through the API, and
the ERP outbox (approved purchase orders delivered to the ERP).

Revision ID: 0002_api_auth
Revises: 0001_initial
Create Date: 2026-11-23

Mirrors :mod:`connectors.api.models` and :mod:`connectors.erp.models`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0002_api_auth"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("role", AutoString(), nullable=False),
        sa.Column("token_hash", AutoString(), nullable=False, unique=True),
        sa.Column("prefix", AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_api_tokens_name", "api_tokens", ["name"])
    op.create_table(
        "api_audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("token_id", sa.Integer(), sa.ForeignKey("api_tokens.id"), nullable=True),
        sa.Column("token_name", AutoString(), nullable=False),
        sa.Column("role", AutoString(), nullable=False),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("target", AutoString(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_api_audit_log_at", "api_audit_log", ["at"])
    op.create_index("ix_api_audit_log_action", "api_audit_log", ["action"])
    op.create_table(
        "erp_deliveries",
        sa.Column("reference", AutoString(), primary_key=True),
        sa.Column("connector", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("erp_id", AutoString(), nullable=False),
        sa.Column("created", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_erp_deliveries_status", "erp_deliveries", ["status"])


def downgrade() -> None:
    op.drop_table("erp_deliveries")
    op.drop_table("api_audit_log")
    op.drop_table("api_tokens")
