"""EMS buying data: customers, their approved MPNs, NCNR offers, item lifecycle and last-time buys.

Revision ID: 0005_ems_data
Revises: 0004_web_users
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.Customer`, :class:`connectors.store.models.ApprovedMpn`,
``Item.lifecycle`` and ``last_time_buy_date`` and ``OfferBreak.ncnr``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0005_ems_data"
down_revision = "0004_web_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("customer_id", AutoString(), primary_key=True),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("material_authorisation_days", sa.Integer(), nullable=True),
    )
    op.create_table(
        "approved_mpns",
        sa.Column("customer_id", AutoString(), primary_key=True),
        sa.Column("item_id", AutoString(), primary_key=True),
        sa.Column("mpn", AutoString(), primary_key=True),
        sa.Column("row_no", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("items") as table:
        table.add_column(sa.Column("lifecycle", AutoString(), nullable=False, server_default="active"))
        table.add_column(sa.Column("last_time_buy_date", sa.Date(), nullable=True))
    with op.batch_alter_table("supplier_offers") as table:
        table.add_column(sa.Column("ncnr", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("supplier_offers") as table:
        table.drop_column("ncnr")
    with op.batch_alter_table("items") as table:
        table.drop_column("last_time_buy_date")
        table.drop_column("lifecycle")
    op.drop_table("approved_mpns")
    op.drop_table("customers")
