"""``reelplan serve`` (the HTTP API and the web workspace), ``reelplan token create|revoke|list`` and
``reelplan erp send-orders|import``.

The API calls the same functions as the CLI: :func:`planning_actions` hands it the
decision and run functions of :mod:`jobs`. The ERP is configured by ``REELPLAN_ERP_*``
(see docs/erp.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlmodel import Session

from connectors.api.actions import Outbox, PlanningActions, ScenarioActions
from connectors.api.app import create_app
from connectors.api.auth import Role, create_token, list_tokens, revoke_tokens
from connectors.api.settings import ApiSettings
from connectors.dataset import DatasetError, parse_tables, write_dataset
from connectors.dataset.report import render_issues
from connectors.erp.config import ErpSettings, build_connector
from connectors.erp.outbox import deliver_pending
from connectors.store import open_store, read_snapshot, write_session
from connectors.store.sites import check_site
from connectors.store.models import DEFAULT_SITE
from connectors.store.plans import load_plan_table
from jobs import decisions, scenario_runs
from jobs.engine import EngineUnavailable, RunRequest, check_cluster_store, run_requests, scheduler_address
from jobs.cli import app
from jobs.nightly import NightlySettings, factory_today
from jobs.runs import (
    JOB_COMPARED, JOB_KEY, PLANNED_ORDER_COMPARED, PLANNED_ORDER_KEY, SUGGESTION_COMPARED, SUGGESTION_KEY,
    RunInProgress, diff_tables, execute_run,
)

console = Console()
token_app = typer.Typer(help="Bearer tokens of the HTTP API.", no_args_is_help=True)
app.add_typer(token_app, name="token")
erp_app = typer.Typer(help="The ERP connector (REELPLAN_ERP_KIND = webhook, odoo or erpnext).",
                      no_args_is_help=True)
app.add_typer(erp_app, name="erp")

DbOption = Annotated[str | None, typer.Option("--db", help="Store URL (default: REELPLAN_DB_URL, else ./reelplan.db).")]

#: For "changes since a run": what makes two rows the same line, and which fields can change.
CHANGE_SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "purchase_suggestions": (SUGGESTION_KEY, SUGGESTION_COMPARED),
    "schedule": (JOB_KEY, JOB_COMPARED),
    "planned_orders": (PLANNED_ORDER_KEY, PLANNED_ORDER_COMPARED),
    "exceptions": (("type", "item_id", "ref_id"), ("date", "quantity")),
}


def changes_since(session: Session, run_id: int, since_run: int) -> dict[str, pd.DataFrame]:
    """New, changed and dropped rows of each plan table between two runs (jobs.runs.diff_tables)."""
    return {
        name: diff_tables(load_plan_table(session, name, since_run), load_plan_table(session, name, run_id),
                          key, compared)
        for name, (key, compared) in CHANGE_SPECS.items()
    }


def _run_now(engine: Engine, as_of: dt.date | None, site: str = DEFAULT_SITE) -> object:
    """A run of ``site`` started over HTTP (API or workspace): the nightly run's settings, as of the given
    date or today in the factory's zone."""
    settings = NightlySettings()
    return execute_run(engine, as_of=as_of or factory_today(settings), trigger="api", options=settings.run_options(),
                       site=site)


def _create_scenario(engine: Engine, name: str, changes: list[dict[str, Any]], *, description: str = "",
                     created_by: str = "") -> dict[str, Any]:
    scenario = scenario_runs.create_scenario(engine, name, changes, description=description, created_by=created_by)
    return scenario_runs.scenario_json(scenario, None)


def _prepare_scenario_runs(engine: Engine, names: list[str], as_of: dt.date | None) -> list[RunRequest]:
    """The scenario runs a request asks for, checked before any starts: the scenarios apply to
    the data, and a configured cluster (``REELPLAN_DASK_SCHEDULER``) can share the store."""
    settings = NightlySettings()
    day = as_of or factory_today(settings)
    if scheduler_address(None) is not None:
        check_cluster_store(engine.url.render_as_string(hide_password=False))
    for name in names:
        scenario_runs.check_scenario(engine, name, day)
    return [RunRequest(as_of=day, scenario=name, options=settings.run_options()) for name in names]


def _run_scenarios(engine: Engine, requests: list[RunRequest]) -> None:
    outcomes = run_requests(engine, engine.url.render_as_string(hide_password=False), requests)
    for outcome in outcomes:
        logging.getLogger(__name__).info("scenario %s: run %s %s %s", outcome.request.scenario, outcome.run_id,
                                         outcome.status, outcome.error)


def scenario_actions() -> ScenarioActions:
    """What-if scenarios over HTTP: the functions ``reelplan scenario`` calls."""
    return ScenarioActions(
        list=scenario_runs.scenarios_json, create=_create_scenario, prepare_runs=_prepare_scenario_runs,
        run=_run_scenarios, compare=scenario_runs.compare_scenarios,
        error=(scenario_runs.ScenarioError, EngineUnavailable),
        not_found=(scenario_runs.ScenarioNotFound, scenario_runs.NothingToCompare),
    )


def planning_actions() -> PlanningActions:
    """The jobs functions the API exposes (the same the CLI commands call)."""
    return PlanningActions(
        run_now=_run_now,
        run_in_progress=RunInProgress,
        changes_since=changes_since,
        approve_suggestion=decisions.approve_suggestion,
        edit_suggestion=decisions.edit_suggestion,
        reject_suggestion=decisions.reject_suggestion,
        cancel_po=decisions.cancel_po,
        pin_job=decisions.pin_job,
        unpin_job=decisions.unpin_job,
        freeze_schedule=decisions.freeze_schedule,
        offer_unit_price=decisions.offer_unit_price,
        decision_error=decisions.DecisionError,
        scenarios=scenario_actions(),
    )


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    max_body_mb: Annotated[float | None, typer.Option(help="Largest request body accepted, in MiB.")] = None,
    web: Annotated[bool, typer.Option("--web/--no-web", help="Also serve the web workspace (at /).")] = True,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the web workspace (at /) on the store."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = ApiSettings()
    settings.db_url = db or settings.db_url
    if max_body_mb is not None:
        settings.max_body_bytes = int(max_body_mb * 1024 * 1024)
    erp = ErpSettings()
    connector = build_connector(erp)
    outbox = Outbox(erp.kind, connector, send_on_approve=erp.send_on_approve) if connector is not None else None
    actions = planning_actions()
    api = create_app(settings, actions=actions, outbox=outbox)
    if web:
        from connectors.web import mount_workspace

        mount_workspace(api, actions, outbox=outbox)
    uvicorn.run(api, host=host, port=port, log_level="info")


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="What the token may do (see docs/api.md, role matrix).")],
    name: Annotated[str, typer.Option(help="Who or what uses it, e.g. 'odoo-prod' or 'anna (buyer)'.")],
    db: DbOption = None,
) -> None:
    """Create a token and print its secret (shown this once; only its hash is stored)."""
    with write_session(open_store(db)) as session:
        token, secret = create_token(session, role=role, name=name)
    console.print(f"Token {token.id} '{token.name}' (role {token.role}) created. Its secret, shown only now:")
    typer.echo(secret)


@token_app.command("revoke")
def token_revoke(
    name_or_id: Annotated[str, typer.Argument(help="A token id, or a name (revokes every active token of that name).")],
    db: DbOption = None,
) -> None:
    """Revoke tokens: requests carrying them are refused from now on."""
    with write_session(open_store(db)) as session:
        revoked = revoke_tokens(session, name_or_id)
    if not revoked:
        console.print(f"[red]No active token {name_or_id!r}.[/red]")
        raise typer.Exit(1)
    for token in revoked:
        console.print(f"Revoked token {token.id} '{token.name}' (role {token.role}).")


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """Every token: id, name, role, prefix, when created and revoked (never the secret)."""
    with write_session(open_store(db)) as session:
        tokens = list_tokens(session)
    table = Table("id", "name", "role", "prefix", "created (UTC)", "revoked (UTC)")
    for t in tokens:
        table.add_row(str(t.id), t.name, t.role, t.prefix + "…", f"{t.created_at:%Y-%m-%d %H:%M}",
                      f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "")
    console.print(table)


def _connector(kinds: tuple[str, ...]) -> Any:
    """The configured ERP connector, if it is one of ``kinds``; else a message and exit 1."""
    erp = ErpSettings()
    try:
        connector = build_connector(erp)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if connector is None or erp.kind not in kinds:
        console.print(f"[red]Set REELPLAN_ERP_KIND to one of {', '.join(kinds)} (and REELPLAN_ERP_URL, ...); "
                      "see docs/erp.md.[/red]")
        raise typer.Exit(1)
    return connector


@erp_app.command("send-orders")
def erp_send_orders(
    db: DbOption = None,
    site: Annotated[str | None, typer.Option("--site", help="Only the orders of this site (default: every site; "
                                                             "PO numbers are unique across sites).")] = None,
) -> None:
    """Send every approved purchase order the ERP has not received yet (safe to repeat)."""
    connector = _connector(("webhook", "odoo", "erpnext"))
    engine = open_store(db)
    if site is not None:
        with read_snapshot(engine) as session:
            check_site(session, site)
    report = deliver_pending(engine, connector, connector=ErpSettings().kind, site=site)
    for reference in report.delivered:
        console.print(f"delivered {reference}")
    for reference, error in report.failed.items():
        console.print(f"[red]not delivered {reference}: {error}[/red]")
    raise typer.Exit(1 if report.failed else 0)


@erp_app.command("import")
def erp_import(
    out: Annotated[Path, typer.Option("--out", help="Dataset folder to write (CSV files and settings.toml).")],
) -> None:
    """Read items, BOMs, stock, open POs and sales orders from the ERP into a dataset folder.

    The tables are checked exactly like CSV files; on errors nothing is written (exit 2).
    """
    raw = _connector(("odoo", "erpnext")).import_raw_tables()
    try:
        dataset, warnings = parse_tables(raw, source=ErpSettings().kind)
    except DatasetError as exc:
        render_issues(exc.issues, console, title="ERP import check")
        raise typer.Exit(2) from None
    if warnings:
        render_issues(warnings, console, title="ERP import check")
    write_dataset(dataset, out)
    console.print(f"Wrote {out}: " + ", ".join(f"{len(dataset.table(n))} {n}" for n in raw))
