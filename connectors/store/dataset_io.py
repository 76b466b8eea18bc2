"""A site's dataset in and out of the store: import (all or nothing), load for planning, export.

An import replaces the whole dataset of one site in one transaction: the folder is read and
checked by the CSV reader first (every problem reported, nothing changed), then the site's
rows of every table are deleted and the new ones bulk-inserted (``COPY`` on PostgreSQL, one
``executemany`` on SQLite). A reader sees the old dataset or the new one, never a mix; other
sites' rows are not touched. Every function takes the site (default ``default``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert, update
from sqlmodel import Session, select

from connectors.dataset import Issue, read_dataset, write_dataset
from connectors.store.engine import write_session
from connectors.store.frames import insert_frame, rows_to_frame
from connectors.store.models import (
    DATASET_MODELS, DEFAULT_SITE, PlanningRun, PlanSetting, PurchaseOrderLine, SuggestionDecision,
)
from connectors.store.runs import utc_now
from connectors.store.sites import add_site, check_site_name
from mrp.dataset import TABLES, Dataset, PlanSettings, dtype_of

_SETTING_DEFAULTS = PlanSettings(as_of=dt.date(2000, 1, 1))


def import_folder(
    engine: Engine, path: Path, *, as_of: dt.date | None = None, horizon_days: int | None = None,
    site: str = DEFAULT_SITE,
) -> tuple[Dataset, list[Issue]]:
    """Read a dataset folder and make it the dataset of ``site`` (added if new); returns it with
    the reader's warnings.

    Raises :class:`connectors.store.sites.BadSiteName` or
    :class:`connectors.dataset.DatasetError` (store untouched) before any change.
    """
    check_site_name(site)
    dataset, warnings = read_dataset(Path(path), as_of=as_of, horizon_days=horizon_days)
    with write_session(engine) as session:
        import_dataset(session, dataset, site=site)
    return dataset, warnings


def import_dataset(session: Session, dataset: Dataset, *, site: str = DEFAULT_SITE) -> None:
    """Replace the dataset and settings of ``site`` (added if new) by ``dataset`` within the
    session's transaction.

    Purchase orders that reelplan sent (approved suggestions) on the site's plans and that now
    appear among its dataset's open orders are marked ``confirmed``: the ERP has them, so
    runs stop adding them.
    """
    add_site(session, site, imported_at=utc_now())
    connection = session.connection()
    for name, model in DATASET_MODELS.items():
        table = model.__table__
        connection.execute(delete(table).where(table.c.site == site))
        insert_frame(connection, dataset.table(name), table, TABLES[name].column_names, site=site)
    settings = PlanSetting.__table__
    connection.execute(delete(settings).where(settings.c.site == site))
    connection.execute(insert(settings), [{**row, "site": site} for row in _settings_rows(dataset.settings)])
    decisions = SuggestionDecision.__table__
    connection.execute(
        update(decisions)
        .where(decisions.c.po_status == "sent",
               decisions.c.run_id.in_(select(PlanningRun.id).where(PlanningRun.site == site)),
               decisions.c.po_id.in_(select(PurchaseOrderLine.po_id).where(PurchaseOrderLine.site == site)))
        .values(po_status="confirmed")
    )


def load_dataset(
    session: Session, *, as_of: dt.date | None = None, today: dt.date | None = None, site: str = DEFAULT_SITE,
) -> Dataset:
    """The dataset of ``site``, typed exactly as :mod:`mrp.dataset` says, ready to plan.

    ``as_of`` overrides the stored planning date (the nightly run plans from its own date);
    a store that never had settings plans from ``today`` (the caller's rule for today, default
    this machine's date).
    """
    connection = session.connection()
    tables: dict[str, pd.DataFrame] = {}
    for name, model in DATASET_MODELS.items():
        table = model.__table__
        columns = TABLES[name].column_names
        order = [table.c.row_no, *table.primary_key.columns]
        rows = connection.execute(
            select(*(table.c[c] for c in columns)).where(table.c.site == site).order_by(*order)).all()
        frame = rows_to_frame(rows, table, columns)
        tables[name] = frame.astype({c: dtype_of(name, c) for c in columns})
    return Dataset(settings=load_settings(session, as_of=as_of, today=today, site=site), **tables)


def load_settings(
    session: Session, *, as_of: dt.date | None = None, today: dt.date | None = None, site: str = DEFAULT_SITE,
) -> PlanSettings:
    """The stored plan settings of ``site``; ``as_of`` overrides the stored date (default: ``today``
    when none is stored)."""
    stored = dict(session.connection().execute(
        select(PlanSetting.key, PlanSetting.value).where(PlanSetting.site == site)).all())
    return _settings(stored, as_of or (None if "as_of" in stored else today))


def export_dataset(session: Session, path: Path, *, site: str = DEFAULT_SITE) -> Dataset:
    """Write the dataset of ``site`` as a dataset folder (CSV files and ``settings.toml``)."""
    dataset = load_dataset(session, site=site)
    write_dataset(dataset, Path(path))
    return dataset


def _settings_rows(settings: PlanSettings) -> list[dict[str, str]]:
    return [{"key": f.name, "value": _setting_text(getattr(settings, f.name))} for f in fields(PlanSettings)]


def _setting_text(value: Any) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _settings(stored: dict[str, str], as_of: dt.date | None) -> PlanSettings:
    values: dict[str, Any] = {}
    for f in fields(PlanSettings):
        if f.name == "as_of" or f.name not in stored:
            continue
        default = getattr(_SETTING_DEFAULTS, f.name)
        text = stored[f.name]
        if isinstance(default, dt.time):
            values[f.name] = dt.time.fromisoformat(text)
        elif isinstance(default, bool):
            values[f.name] = text == "True"
        else:
            values[f.name] = type(default)(text)
    stored_as_of = dt.date.fromisoformat(stored["as_of"]) if "as_of" in stored else None
    return PlanSettings(as_of=as_of or stored_as_of or dt.date.today(), **values)
