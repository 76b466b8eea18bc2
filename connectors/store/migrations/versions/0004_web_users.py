"""Web workspace users (name, role, Argon2 password hash) and the session-cookie signing key.

Revision ID: 0004_web_users
Revises: 0003_stable_ids
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.WebUser` and :class:`connectors.store.models.WebSecret`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0004_web_users"
down_revision = "0003_stable_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", AutoString(), nullable=False, unique=True),
        sa.Column("role", AutoString(), nullable=False),
        sa.Column("password_hash", AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "web_secret",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("secret", AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_secret")
    op.drop_table("web_users")
