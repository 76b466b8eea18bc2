"""``reelplan plan``: dataset folder (or the store) in, plan folder out.

Exit codes follow the dataset format: 0 planned, 2 bad input, 1 anything else. Without a
dataset folder the command plans the store's dataset (``--db``, else ``REELPLAN_DB_URL``,
else ``./reelplan.db``; one site: ``--site``, default ``default``) with the standing decisions,
as a run does, and the published plan's ids; it writes the plan folder and leaves the store as it was (the nightly run,
``reelplan run-now``, is what publishes into the store).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from connectors.dataset import (
    DatasetError, PlanFolderError, check_plan_folder, read_dataset, validate_dataset, write_plan,
)
from connectors.dataset.issues import Issue, has_errors
from connectors.dataset.report import render_issues
from connectors.store import load_dataset, open_store, read_snapshot
from jobs.cli import app
from jobs.cli import state as cli_state
from connectors.store.models import DEFAULT_SITE
from connectors.store.sites import check_site
from jobs.cli.options import AsOfOption, DbOption, HorizonOption, SiteOption
from jobs.budget import RunBudget, StageEvent, plan_stages
from jobs.decisions import decision_inputs
from jobs.nightly import factory_today
from jobs.pipeline import plan_files, run_plan
from jobs.runs import keep_ids
from mrp.dataset import Dataset, PlanSettings
from mrp.plan import Plan

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class TableFormat(str, Enum):
    """How ``reelplan plan`` writes the plan tables (``connectors.dataset.PLAN_FORMATS``)."""

    csv = "csv"
    parquet = "parquet"
    both = "both"


@app.command()
def plan(
    dataset_dir: Annotated[Path | None, typer.Argument(help="Dataset folder (items.csv, bom.csv, ...); "
                                                           "leave out to plan the store's dataset.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Plan folder to write (replaced as a whole).")] = Path("plan_out"),
    db: DbOption = None,
    as_of: AsOfOption = None,
    horizon_days: HorizonOption = None,
    skip_optimize: Annotated[bool, typer.Option("--skip-optimize", help="Leave out purchasing optimisation.")] = False,
    skip_schedule: Annotated[bool, typer.Option("--skip-schedule", help="Leave out SMT sequencing.")] = False,
    no_pegging: Annotated[bool, typer.Option(
        "--no-pegging", help="Classic MRP: the same planned orders, records and messages, no pegging.csv; "
                             "a fast what-if run.")] = False,
    format: Annotated[TableFormat, typer.Option(
        "--format", help="Plan tables as csv (the format's files), parquet (<table>.parquet instead), or both.",
    )] = TableFormat.csv,
    optimize_time_limit: Annotated[float | None, typer.Option(
        help="Seconds for the purchasing stage (default: its share of the run budget).")] = None,
    schedule_time_limit: Annotated[float | None, typer.Option(
        help="Seconds for the sequencing stage (default: its share of the run budget).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """Validate DATASET_DIR (or the store), plan it (MRP, purchasing, SMT sequencing) and write the plan folder OUT."""
    console = Console()
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    source = str(dataset_dir) if dataset_dir else "store"
    try:
        check_plan_folder(out)
    except PlanFolderError as exc:
        console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    day = as_of.date() if as_of else None
    decided: dict = {}
    budget = RunBudget(PlanSettings.budget_minutes,
                       plan_stages(optimize=not skip_optimize, schedule=not skip_schedule, read=True, write=True),
                       progress=lambda event: _show(console, event))
    try:
        with budget.stage("read") as stage:
            if dataset_dir is None:
                dataset, warnings, decided = _from_store(db, day, horizon_days, site)
            else:
                dataset, warnings = read_dataset(dataset_dir, as_of=day, horizon_days=horizon_days,
                                                 today=factory_today())
            stage.report(None, f"{len(dataset.items):,} items, {len(dataset.demand):,} demand lines")
    except DatasetError as exc:
        render_issues(exc.issues, console, title=source)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if warnings:
        render_issues(warnings, console, title=source)
    budget.minutes = dataset.settings.budget_minutes
    try:
        result = run_plan(dataset, optimize=not skip_optimize, schedule=not skip_schedule, pegging=not no_pegging,
                          optimize_time_limit_s=optimize_time_limit, schedule_time_limit_s=schedule_time_limit,
                          budget=budget, documents=False, **decided)
        with budget.stage("write") as stage:  # the documents are drawn here, with the ids the plan keeps
            if dataset_dir is None:
                result = _published_ids(db, result, dataset, site)
            result.files = plan_files(result, dataset)
            write_plan(result, out, format=format.value)
            stage.report(None, f"{sum(1 for _ in out.iterdir()):,} files")
    except Exception as exc:  # the command's contract: anything else exits 1 with a readable message
        if cli_state.debug:
            raise
        console.print(f"[bold red]planning failed:[/] {type(exc).__name__}: {exc} (`reelplan --debug plan ...` "
                      "shows the traceback)")
        raise typer.Exit(EXIT_FAILED) from None
    print_summary(result, out, console)


def _show(console: Console, event: StageEvent) -> None:
    """A stage starting or ending, one line each, so a long run shows where it is."""
    style = "dim" if event.phase == "start" else "green"
    console.print(f"[{style}]{event.line()}[/]", highlight=False)


def _from_store(db: str | None, as_of: date | None, horizon_days: int | None,
                site: str = DEFAULT_SITE) -> tuple[Dataset, list[Issue], dict]:
    """The site's dataset with its standing decisions applied, as the nightly run plans it
    (``jobs.decisions.decision_inputs``), checked again: the store may have changed since its import."""
    with read_snapshot(open_store(db)) as session:
        check_site(session, site)
        dataset = load_dataset(session, as_of=as_of, today=factory_today(), site=site)
        if horizon_days is not None:
            dataset.settings = dataclasses.replace(dataset.settings, horizon_days=horizon_days)
        inputs = decision_inputs(session, dataset, site)
    issues = validate_dataset(inputs.dataset)
    if has_errors(issues):
        raise DatasetError(issues)
    return inputs.dataset, issues, {"pins": inputs.pins, "rejected": inputs.rejected}


def _published_ids(db: str | None, result: Plan, dataset: Dataset, site: str = DEFAULT_SITE) -> Plan:
    """The plan with the site's published plan's ids on the lines it shares with it (new lines get
    ids the store has not handed out; they are not reserved)."""
    with read_snapshot(open_store(db)) as session:
        return keep_ids(session, result, dataset, save=False, site=site)


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
