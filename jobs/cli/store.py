"""``reelplan import`` / ``reelplan export``: the dataset in and out of the store.

Every store command takes ``--db URL`` (else ``REELPLAN_DB_URL``, else ``./reelplan.db``) and
``--site NAME`` (else ``REELPLAN_SITE``, else ``default``): importing into a new site adds it.
Exit codes: 0 done, 2 bad input (nothing changed), 1 anything else.
"""

from __future__ import annotations

import time

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from connectors.dataset import DatasetError
from connectors.dataset.report import render_issues
from connectors.store import export_dataset, import_folder, open_store, read_snapshot
from connectors.store.config import resolve_db_url
from connectors.store.models import DEFAULT_SITE
from connectors.store.sites import check_site, check_site_name
from jobs.cli import app
from jobs.cli.options import AsOfOption, DbOption, HorizonOption, SiteOption
from mrp.dataset import TABLES

EXIT_BAD_INPUT = 2

def store_engine(db: str | None) -> Engine:
    """The store named on the command line (migrated to the current schema)."""
    return open_store(resolve_db_url(db))


@app.command("import")
def import_command(
    dataset_dir: Annotated[Path, typer.Argument(help="Dataset folder (items.csv, bom.csv, ..., settings.toml).")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    horizon_days: HorizonOption = None,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """Load DATASET_DIR as a site's dataset (site added if new), in one transaction (bad data: nothing changes)."""
    console = Console()
    check_site_name(site)
    engine = store_engine(db)
    started = time.perf_counter()
    try:
        dataset, warnings = import_folder(engine, dataset_dir, as_of=as_of.date() if as_of else None,
                                          horizon_days=horizon_days, site=site)
    except DatasetError as exc:
        render_issues(exc.issues, console, title=str(dataset_dir))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if warnings:
        render_issues(warnings, console, title=str(dataset_dir))
    counts = ", ".join(f"{len(dataset.table(name))} {name}" for name in TABLES)
    where = "" if site == DEFAULT_SITE else f" (site {site})"
    console.print(f"Imported {dataset_dir} into {engine.url.render_as_string(hide_password=True)}{where} "
                  f"in {time.perf_counter() - started:.1f} s: {counts}.")


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the dataset to (CSV files and settings.toml).")],
    db: DbOption = None,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """Write a site's dataset as a dataset folder (the format `reelplan import` and `reelplan plan` read)."""
    engine = store_engine(db)
    with read_snapshot(engine) as session:
        dataset = export_dataset(session, out_dir, site=check_site(session, site))
    Console().print(f"Exported {len(dataset.items)} items and their data to {out_dir}.")
