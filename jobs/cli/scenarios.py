"""``reelplan scenario``: what-if questions on the store's data (create, list, show, delete, run, compare).

Thin wrappers over :mod:`jobs.scenario_runs` and :mod:`jobs.engine`, which the HTTP API
shares. Exit codes: 0 done, 1 a run failed (recorded), 2 bad input (nothing changed or
planned: an unknown scenario, a change that does not apply, an unusable cluster).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from connectors.store import read_snapshot
from connectors.store.config import resolve_db_url
from jobs.cli import app
from jobs.cli.options import DbOption
from jobs.cli.store import store_engine
from jobs.engine import EngineUnavailable, RunRequest, outcome_json, run_requests, scheduler_address
from jobs.nightly import NightlySettings, factory_today
from jobs.runs import RunOptions
from jobs.scenario_runs import (
    NothingToCompare, ScenarioError, ScenarioNotFound, check_scenario, compare_scenarios, create_scenario,
    delete_scenario, get_scenario, latest_scenario_run, list_scenarios, scenario_json,
)
from jobs.scenarios import CHANGE_KINDS, describe, parse_change_text, read_changes_toml

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2

scenario_app = typer.Typer(help="What-if scenarios: the store's data with changes, planned without publishing.",
                           no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")

SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", help="Dask scheduler to run on, e.g. tcp://host:8786 "
                                                 "[default: $REELPLAN_DASK_SCHEDULER, else in this process].")]


def _kinds_help() -> str:
    return "; ".join(f"{k.name}: {', '.join(k.params)}" for k in CHANGE_KINDS.values() if k.name != "setting") + \
        "; setting: any plan setting (horizon_days, budget_minutes, ...)"


def _fail(_console: Console, message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """One message on stderr and the exit to raise."""
    Console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@scenario_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Scenario name (no spaces).")],
    change: Annotated[list[str] | None, typer.Option(
        "--change", help="A change KIND:key=value,... (repeatable), e.g. scale_demand:factor=1.3,customer=C1. "
                         "Kinds and keys: " + _kinds_help())] = None,
    file: Annotated[Path | None, typer.Option("--file", help="TOML file of \\[\\[change]] tables (kind = ..., keys).")]
    = None,
    description: Annotated[str, typer.Option("--description", help="What question the scenario asks.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who creates it (default: your user name).")] = "",
    db: DbOption = None,
) -> None:
    """Store a scenario: the store's data with changes (checked against the data now; nothing is planned)."""
    console = Console()
    try:
        changes = [parse_change_text(text) for text in change or []]
        if file is not None:
            if not file.is_file():
                raise ScenarioError(f"{file} is not a file; give a TOML file of [[change]] tables.")
            changes += read_changes_toml(file.read_text(encoding="utf-8"), str(file))
        scenario = create_scenario(store_engine(db), name, changes, description=description,
                                   created_by=by or getpass.getuser())
    except ScenarioError as exc:
        raise _fail(console, str(exc)) from None
    console.print(f"Scenario {scenario.name} stored with {len(scenario.changes)} change(s): "
                  + "; ".join(describe(c) for c in scenario.changes), highlight=False)


@scenario_app.command("list")
def list_command(db: DbOption = None,
                 as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The stored scenarios, with their last finished run."""
    with read_snapshot(store_engine(db)) as session:
        rows = [(s, latest_scenario_run(session, s.name)) for s in list_scenarios(session)]
    if as_json:
        typer.echo(json.dumps([scenario_json(s, run) for s, run in rows], indent=2))
        return
    table = Table(title="Scenarios")
    for column in ("name", "changes", "description", "created", "last run"):
        table.add_column(column)
    for s, run in rows:
        table.add_row(s.name, "\n".join(describe(c) for c in s.changes), s.description,
                      f"{s.created_at:%Y-%m-%d %H:%M} by {s.created_by}", f"{run.id} ({run.as_of})" if run else "-")
    Console().print(table)


@scenario_app.command("show")
def show(name: Annotated[str, typer.Argument(help="Scenario name.")], db: DbOption = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """One scenario: its changes and its last finished run."""
    console = Console()
    with read_snapshot(store_engine(db)) as session:
        try:
            scenario = get_scenario(session, name)
        except ScenarioNotFound as exc:
            raise _fail(console, str(exc)) from None
        run = latest_scenario_run(session, name)
    if as_json:
        typer.echo(json.dumps(scenario_json(scenario, run), indent=2))
        return
    console.print(f"[bold]{scenario.name}[/] {scenario.description}\ncreated {scenario.created_at:%Y-%m-%d %H:%M} "
                  f"UTC by {scenario.created_by}", highlight=False)
    for n, change in enumerate(scenario.changes, start=1):
        console.print(f"  {n}. {describe(change)}", highlight=False)
    console.print(f"last run: {run.id} as of {run.as_of}, costs {run.costs}" if run else "not run yet", highlight=False)


@scenario_app.command("delete")
def delete(name: Annotated[str, typer.Argument(help="Scenario name.")], db: DbOption = None) -> None:
    """Delete a scenario (its runs stay in the run history)."""
    console = Console()
    try:
        delete_scenario(store_engine(db), name)
    except ScenarioNotFound as exc:
        raise _fail(console, str(exc)) from None
    console.print(f"Scenario {name} deleted.")


@scenario_app.command("run")
def run(
    names: Annotated[list[str], typer.Argument(help="Scenario names (several run side by side on a cluster).")],
    db: DbOption = None,
    scheduler: SchedulerOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Planning date YYYY-MM-DD "
                                                              "[default: today in the factory's zone].")] = None,
    skip_optimize: Annotated[bool, typer.Option("--skip-optimize", help="Leave out purchasing optimisation.")] = False,
    skip_schedule: Annotated[bool, typer.Option("--skip-schedule", help="Leave out SMT sequencing.")] = False,
    optimize_time_limit: Annotated[float | None, typer.Option(help="Seconds for the purchasing solver.")] = None,
    schedule_time_limit: Annotated[float | None, typer.Option(help="Seconds for the sequencing solver.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Plan each scenario on the store's data and store its plan (never published; the published plan is untouched)."""
    console = Console()
    settings = NightlySettings()
    try:
        day = _date(as_of) if as_of else factory_today(settings)
    except ValueError:
        raise _fail(console, f"--as-of {as_of} is not a date; write YYYY-MM-DD.") from None
    options = RunOptions(optimize=not skip_optimize, schedule=not skip_schedule,
                         optimize_time_limit_s=optimize_time_limit or settings.optimize_time_limit_s,
                         schedule_time_limit_s=schedule_time_limit or settings.schedule_time_limit_s)
    db_url = resolve_db_url(db)
    address = scheduler_address(scheduler)
    try:
        if address is not None:
            from jobs.engine import check_cluster_store

            check_cluster_store(db_url)
        engine = store_engine(db_url)
        try:
            for name in dict.fromkeys(names):
                check_scenario(engine, name, day)
            requests = [RunRequest(as_of=day, scenario=name, options=options) for name in dict.fromkeys(names)]
            where = f"on the Dask cluster at {address}" if address else "in this process"
            if not as_json:
                console.print(f"Planning {len(requests)} scenario(s) {where} as of {day}: {', '.join(names)}")
            outcomes = run_requests(engine, db_url, requests, scheduler=address)
        finally:
            engine.dispose()
    except (ScenarioError, ScenarioNotFound, EngineUnavailable) as exc:
        raise _fail(console, str(exc)) from None
    if as_json:
        typer.echo(json.dumps([outcome_json(o) for o in outcomes], indent=2))
    else:
        for outcome in outcomes:
            if outcome.status == "finished":
                console.print(f"[green]{outcome.request.scenario}[/]: run {outcome.run_id} finished "
                              f"(not published; reelplan scenario compare published {outcome.request.scenario})")
            else:
                console.print(f"[red]{outcome.request.scenario}[/]: {outcome.status}"
                              f"{f' (run {outcome.run_id})' if outcome.run_id else ''}: {escape(outcome.error)}",
                              highlight=False)
    worst = max((o.code for o in outcomes), default=0)
    if worst:
        raise typer.Exit(worst)


@scenario_app.command("compare")
def compare(
    names: Annotated[list[str], typer.Argument(help="Scenario names; 'published' is the published plan.")],
    db: DbOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many items whose buy changed most.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Plans side by side: spend by month, cost vs plain MRP, late and short demands by customer,
    SMT tardiness and changeovers, exceptions by type, the items whose buy changed most."""
    console = Console()
    with read_snapshot(store_engine(db)) as session:
        try:
            result = compare_scenarios(session, list(names), top=top)
        except (ScenarioNotFound, NothingToCompare) as exc:
            raise _fail(console, str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    print_comparison(console, result)


def print_comparison(console: Console, result: dict[str, Any]) -> None:
    """The comparison as terminal tables, one column per side."""
    heads = [f"{s['name']} (run {s['run_id']})" for s in result["sides"]]

    def table(title: str, rows: dict[str, list[Any]], money: bool = False) -> None:
        out = Table(title=title, title_justify="left")
        out.add_column("")
        for head in heads:
            out.add_column(head, justify="right")
        for key, values in rows.items():
            out.add_row(key, *(_shown(v, money) for v in values))
        if not rows:
            out.add_row("(none)", *("" for _ in heads))
        console.print(out)

    table("Purchase spend by month of order", result["spend_by_month"], money=True)
    table("Cost vs plain MRP", result["costs"], money=True)
    table("Late demand lines by customer", result["late_demands"])
    table("Short demand lines by customer", result["short_demands"])
    table("SMT schedule (minutes)", result["schedule"])
    table("Exceptions by type", result["exceptions"])
    table("Items whose buy changed most (quantity)",
          {c["item_id"]: c["quantities"] for c in result["buy_changes"]})


def _shown(value: Any, money: bool) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}" if money else f"{value:,}"


def _date(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
