"""``reelplan plan``: dataset folder (or the store) in, plan folder out.

Exit codes follow the dataset format: 0 planned, 2 bad input, 1 anything else.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from connectors.dataset import DatasetError, read_dataset, write_plan
from connectors.dataset.report import render_issues
from jobs.cli import app
from jobs.pipeline import run_plan
from mrp.plan import Plan

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


@app.command()
def plan(
    dataset_dir: Annotated[Path, typer.Argument(help="Dataset folder (items.csv, bom.csv, ...).")],
    out: Annotated[Path, typer.Option("--out", help="Plan folder to write (replaced as a whole).")],
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Planning date (overrides settings.toml).")
    ] = None,
    horizon_days: Annotated[
        int | None, typer.Option("--horizon-days", min=0, help="Horizon in days (overrides settings.toml).")
    ] = None,
    skip_optimize: Annotated[bool, typer.Option("--skip-optimize", help="Leave out purchasing optimisation.")] = False,
    skip_schedule: Annotated[bool, typer.Option("--skip-schedule", help="Leave out SMT sequencing.")] = False,
    optimize_time_limit: Annotated[float, typer.Option(help="Seconds for the purchasing solver.")] = 60.0,
    schedule_time_limit: Annotated[float, typer.Option(help="Seconds for the sequencing solver.")] = 30.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Validate DATASET_DIR, plan it (MRP, purchasing, SMT sequencing) and write the plan folder OUT."""
    console = Console()
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        dataset, warnings = read_dataset(dataset_dir, as_of=as_of.date() if as_of else None,
                                         horizon_days=horizon_days, today=date.today())
    except DatasetError as exc:
        render_issues(exc.issues, console, title=str(dataset_dir))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if warnings:
        render_issues(warnings, console, title=str(dataset_dir))
    try:
        with console.status("planning") as status:
            result = run_plan(dataset, optimize=not skip_optimize, schedule=not skip_schedule,
                              optimize_time_limit_s=optimize_time_limit, schedule_time_limit_s=schedule_time_limit,
                              progress=lambda stage: status.update(f"planning: {stage}"))
        write_plan(result, out)
    except Exception as exc:  # the command's contract: anything else exits 1 with a readable message
        logging.getLogger(__name__).debug("plan failed", exc_info=True)
        console.print(f"[bold red]planning failed:[/] {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    print_summary(result, out, console)


def print_summary(result: Plan, out: Path, console: Console) -> None:
    """The few figures a planner looks at first."""
    summary = result.summary
    table = Table(title=f"Plan as of {summary.get('as_of')} → {out}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    counts = summary.get("counts", {})
    for key in ("items", "demands", "planned_orders", "purchase_suggestions", "scheduled_jobs"):
        if key in counts:
            table.add_row(key.replace("_", " "), f"{counts[key]:,}")
    for kind, n in counts.get("exceptions_by_type", {}).items():
        table.add_row(f"exceptions: {kind}", f"{n:,}")
    for key, value in summary.get("costs", {}).items():
        if isinstance(value, (int, float)):
            table.add_row(key.replace("_", " "), f"{value:,.2f}")
    for stage, seconds in summary.get("stage_seconds", {}).items():
        table.add_row(f"time: {stage}", f"{seconds:.2f} s")
    console.print(table)
