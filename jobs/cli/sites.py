"""``reelplan sites``: the sites (factories) the store holds, each with its last run.

A site is added by importing its dataset (``reelplan import DIR --site NAME``); every
command that reads or plans takes ``--site`` (default ``default``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from connectors.store import read_snapshot
from connectors.store.sites import site_statuses
from jobs.cli import app
from jobs.cli.options import DbOption
from jobs.cli.store import store_engine
from jobs.nightly import NightlySettings


@app.command("sites")
def sites(db: DbOption = None) -> None:
    """List the store's sites: when each dataset was imported, its last run and its published plan."""
    with read_snapshot(store_engine(db)) as session:
        statuses = site_statuses(session)
    zone = NightlySettings().zone()
    table = Table(title="Sites (times in the factory's zone)")
    for column in ("site", "imported", "last run", "status", "as of", "started", "published plan"):
        table.add_column(column)
    for status in statuses:
        run = status.last_run
        imported = _local(status.imported_at, zone) if status.imported_at else ("yes" if status.has_data else "no")
        table.add_row(
            status.name, imported, str(run.id) if run else "-", run.status if run else "-",
            str(run.as_of) if run else "-", _local(run.started_at, zone) if run else "-",
            f"run {status.published_run_id}" if status.published_run_id is not None else "-",
        )
    Console().print(table)


def _local(moment: datetime | None, zone: object) -> str:
    return f"{moment.replace(tzinfo=UTC).astimezone(zone):%Y-%m-%d %H:%M}" if moment else "-"
