"""``reelplan validate``: check a dataset folder and print every problem in one report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from connectors.dataset import DatasetError, read_dataset
from connectors.dataset.report import render_issues
from jobs.cli import app
from jobs.cli.options import AsOfOption, HorizonOption
from jobs.nightly import factory_today

EXIT_BAD_INPUT = 2


@app.command()
def validate(
    dataset_dir: Annotated[Path, typer.Argument(help="Folder holding items.csv and the other dataset files.")],
    as_of: AsOfOption = None,
    horizon_days: HorizonOption = None,
) -> None:
    """Check DATASET_DIR against the dataset format; exit 2 if it has errors (warnings are shown)."""
    console = Console()
    try:
        ds, warnings = read_dataset(
            dataset_dir,
            as_of=as_of.date() if as_of else None,
            horizon_days=horizon_days,
            today=factory_today(),
        )
    except DatasetError as exc:
        render_issues(exc.issues, console, title=f"{dataset_dir}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    render_issues(warnings, console, title=f"{dataset_dir}")
    counts = ", ".join(f"{len(ds.table(name))} {name.replace('_', ' ')}" for name in ("items", "bom", "demand", "inventory"))
    console.print(f"{counts}; as of {ds.settings.as_of.isoformat()}, horizon {ds.settings.horizon_days} days.")
