"""Several sites (factories) in one store: a ``site`` on every dataset table and run, keys per site.

Revision ID: 0009_sites
Revises: 0008_scenarios
Create Date: 2026-12-07

Mirrors :class:`connectors.store.models.Site`, the ``site`` column of the dataset tables,
``plan_settings`` and ``planning_runs``, ``current_plan`` keyed by site and ``id_counters``
keyed by site and kind. Every existing row goes to the site ``default``; the purchase order
counter becomes store-wide (site ``''``).
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import SAWarning
from sqlmodel.sql.sqltypes import AutoString

revision = "0009_sites"
down_revision = "0008_scenarios"
branch_labels = None
depends_on = None

DEFAULT_SITE = "default"
STORE_WIDE = ""

#: dataset table -> its primary key without the site, as in 0001..0005.
KEYS: dict[str, tuple[str, ...]] = {
    "items": ("item_id",),
    "bom": ("row_no",),
    "demand": ("demand_id",),
    "inventory": ("reel_id",),
    "purchase_orders": ("po_id", "line"),
    "work_orders": ("wo_id",),
    "suppliers": ("supplier_id",),
    "supplier_offers": ("supplier_id", "item_id", "mpn", "break_qty"),
    "smt_lines": ("line_id",),
    "smt_process": ("item_id",),
    "customers": ("customer_id",),
    "approved_mpns": ("customer_id", "item_id", "mpn"),
    "plan_settings": ("key",),
}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _set_key(name: str, columns: list[str], *, add_site: bool) -> None:
    """Give table ``name`` the primary key ``columns``, adding the ``site`` column first if asked.

    PostgreSQL alters the table in place (its key is named ``<table>_pkey``); SQLite copies it.
    """
    if _postgresql():
        with op.batch_alter_table(name) as table:
            if add_site:
                table.add_column(sa.Column("site", AutoString(), nullable=False, server_default=DEFAULT_SITE))
            table.drop_constraint(f"{name}_pkey", type_="primary")
            table.create_primary_key(f"{name}_pkey", columns)
        return
    # The copy's reflected columns keep their old primary-key flag; SQLAlchemy warns that the
    # named key given here replaces it, which is what this migration means.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*specifies columns .* as primary_key=True, not matching",
                                category=SAWarning)
        with op.batch_alter_table(name, recreate="always") as table:
            if add_site:
                table.add_column(sa.Column("site", AutoString(), nullable=False, server_default=DEFAULT_SITE))
            table.create_primary_key(f"{name}_pkey", columns)


def _published(connection: sa.Connection, site: str | None = None) -> list[tuple]:
    """The rows (run_id, published_at) of ``current_plan`` (of ``site`` once it has sites), typed."""
    columns = [sa.column("run_id", sa.Integer), sa.column("published_at", sa.DateTime)]
    table = sa.table("current_plan", *columns, sa.column("site", AutoString))
    query = sa.select(*columns).select_from(table)
    if site is not None:
        query = query.where(table.c.site == site)
    return [tuple(row) for row in connection.execute(query)]


def upgrade() -> None:
    sites = op.create_table(
        "sites",
        sa.Column("name", AutoString(), primary_key=True),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
    )
    op.bulk_insert(sites, [{"name": DEFAULT_SITE, "imported_at": None}])
    for name, key in KEYS.items():
        _set_key(name, ["site", *key], add_site=True)

    # In place, also on SQLite: other tables refer to the runs, so the table is not copied.
    op.add_column("planning_runs", sa.Column("site", AutoString(), nullable=False, server_default=DEFAULT_SITE))
    op.create_index("ix_planning_runs_site", "planning_runs", ["site"])

    connection = op.get_bind()
    published = _published(connection)
    op.drop_table("current_plan")
    current = op.create_table(
        "current_plan",
        sa.Column("site", AutoString(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
    )
    op.bulk_insert(current, [{"site": DEFAULT_SITE, "run_id": run_id, "published_at": at}
                             for run_id, at in published[:1]])

    counters = connection.execute(sa.text("SELECT kind, next_number FROM id_counters")).all()
    op.drop_table("id_counters")
    table = op.create_table(
        "id_counters",
        sa.Column("site", AutoString(), primary_key=True),
        sa.Column("kind", AutoString(), primary_key=True),
        sa.Column("next_number", sa.Integer(), nullable=False),
    )
    op.bulk_insert(table, [{"site": STORE_WIDE if kind == "purchase_order" else DEFAULT_SITE, "kind": kind,
                            "next_number": number} for kind, number in counters])


def downgrade() -> None:
    connection = op.get_bind()
    others = connection.execute(sa.text("SELECT name FROM sites WHERE name <> :d"), {"d": DEFAULT_SITE}).scalars().all()
    if others:
        raise RuntimeError(f"The store holds sites besides '{DEFAULT_SITE}' ({', '.join(others)}); "
                           "a store before 0009_sites holds one factory only.")
    counters = connection.execute(sa.text("SELECT kind, next_number FROM id_counters")).all()
    op.drop_table("id_counters")
    table = op.create_table(
        "id_counters",
        sa.Column("kind", AutoString(), primary_key=True),
        sa.Column("next_number", sa.Integer(), nullable=False),
    )
    op.bulk_insert(table, [{"kind": kind, "next_number": number} for kind, number in counters])

    published = _published(connection, site=DEFAULT_SITE)
    op.drop_table("current_plan")
    current = op.create_table(
        "current_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("planning_runs.id"), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
    )
    op.bulk_insert(current, [{"id": 1, "run_id": run_id, "published_at": at} for run_id, at in published[:1]])

    # In place, also on SQLite: other tables refer to the runs, so the table is not copied.
    op.drop_index("ix_planning_runs_site", table_name="planning_runs")
    op.drop_column("planning_runs", "site")
    for name, key in KEYS.items():
        _set_key(name, list(key), add_site=False)
        with op.batch_alter_table(name) as table:
            table.drop_column("site")
    op.drop_table("sites")
