"""Planning runs on the store: ``scheduler``, ``run-now``, ``runs`` and ``decisions``.

Thin wrappers: the work is done by :mod:`jobs.runs`, :mod:`jobs.nightly` and
:mod:`jobs.decisions`, which the HTTP API shares. Every command works on one site
(``--site``, default ``default``); ``run-now --all-sites`` plans every site, one after
another. Exit codes of ``run-now``: 0 published, 1 failed (recorded; the published plan is
unchanged), 2 the stored data does not validate or the site is unknown, 3 refused because
another run of the site is in progress (with ``--all-sites``: the worst of the sites' codes).
"""

from __future__ import annotations

import getpass
import logging
import os
import signal
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from connectors.dataset import write_plan
from connectors.store import read_snapshot, write_session
from connectors.store.config import resolve_db_url
from connectors.store.models import DEFAULT_SITE, PlanningRun, SuggestionDecision
from connectors.store.plans import PLAN_TABLE_COLUMNS as PLAN_TABLES, current_run_id, load_plan_table
from connectors.store.runs import list_runs
from connectors.store.sites import UnknownSite, check_site, sites_with_data
from jobs import decisions
from jobs.cli import app
from jobs.cli.options import DbOption, SiteOption
from jobs.cli.store import store_engine
from jobs.engine import EngineUnavailable, RunRequest, check_cluster_store, run_on_cluster, scheduler_address
from jobs.nightly import NightlySettings, factory_today, serve
from jobs.runs import (
    InvalidData, NoStoredPlan, RunFailed, RunInProgress, RunOptions, execute_run, plan_all_sites, plan_changes,
    stored_plan,
)

EXIT_FAILED, EXIT_BAD_DATA, EXIT_BUSY = 1, 2, 3

runs_app = typer.Typer(help="Planning runs: history, stage timings, counts, costs, what changed.")
decisions_app = typer.Typer(help="Buyers' and planners' decisions on the published plan.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(decisions_app, name="decisions")

ByOption = Annotated[str, typer.Option("--by", help="Who decides (default: your user name).")]
NoteOption = Annotated[str, typer.Option("--note", help="Why, for the next reader.")]


def _user(by: str) -> str:
    return by or getpass.getuser()


# --- scheduler and runs ---------------------------------------------------------------------


@app.command()
def scheduler(
    db: DbOption = None,
    cron: Annotated[str | None, typer.Option(help="Cron of the nightly run, 'minute hour day month weekday' "
                                                  "[default: $REELPLAN_NIGHTLY_CRON, else '0 2 * * *'].")] = None,
    timezone: Annotated[str | None, typer.Option(help="Factory time zone, e.g. Europe/Berlin "
                                                      "[default: $REELPLAN_TIMEZONE, else this machine's].")] = None,
) -> None:
    """Run the nightly planning scheduler until stopped (SIGTERM or Ctrl-C: waits for a run in progress)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = NightlySettings()
    settings = settings.model_copy(update={k: v for k, v in (("nightly_cron", cron), ("timezone", timezone)) if v})
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            logging.getLogger(__name__).warning("second signal: abandoning the run in progress")
            os._exit(128 + signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serve(resolve_db_url(db), settings, stop)


@app.command("run-now")
def run_now(
    db: DbOption = None,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                   help="Planning date [default: today in the factory's zone].")] = None,
    skip_optimize: Annotated[bool, typer.Option("--skip-optimize", help="Leave out purchasing optimisation.")] = False,
    skip_schedule: Annotated[bool, typer.Option("--skip-schedule", help="Leave out SMT sequencing.")] = False,
    optimize_time_limit: Annotated[float | None, typer.Option(help="Seconds for the purchasing solver.")] = None,
    schedule_time_limit: Annotated[float | None, typer.Option(help="Seconds for the sequencing solver.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler to run on, e.g. tcp://host:8786 "
                            "[default: $REELPLAN_DASK_SCHEDULER, else in this process].")] = None,
    site: SiteOption = DEFAULT_SITE,
    all_sites: Annotated[bool, typer.Option("--all-sites", help="Plan every site, one after another.")] = False,
) -> None:
    """Plan a site's dataset now and publish its plan (refused while another run of the site is going)."""
    console = Console()
    settings = NightlySettings()
    options = RunOptions(
        optimize=not skip_optimize, schedule=not skip_schedule,
        optimize_time_limit_s=optimize_time_limit or settings.optimize_time_limit_s,
        schedule_time_limit_s=schedule_time_limit or settings.schedule_time_limit_s,
        keep_plans=settings.keep_plans,
    )
    day = as_of.date() if as_of else factory_today(settings)
    address = scheduler_address(scheduler)
    if address is not None:
        _run_on_cluster(console, address, resolve_db_url(db), db, day, options, [site] if not all_sites else None)
        return
    engine = store_engine(db)
    if all_sites:
        _run_all_sites(console, engine, day, options)
        return
    try:
        run = execute_run(engine, as_of=day, trigger="manual", options=options, site=site,
                          progress=lambda event: console.print(event.line(), highlight=False,
                                                               style="dim" if event.phase == "start" else "green"))
    except RunInProgress as exc:
        console.print(f"[bold yellow]Refused:[/] {exc}")
        raise typer.Exit(EXIT_BUSY) from None
    except RunFailed as exc:
        console.print(f"[bold red]Run {exc.run_id} failed at {exc.stage}[/]: {exc.error}\n"
                      f"The published plan is unchanged; details: reelplan runs show {exc.run_id}")
        raise typer.Exit(EXIT_BAD_DATA if isinstance(exc.__cause__, InvalidData) else EXIT_FAILED) from None
    console.print(f"Run {run.id} published (as of {day}) in {_total_seconds(run):.1f} s: {_outputs(run)}.")


def _run_on_cluster(console: Console, address: str, db_url: str, db: str | None, day: date, options: RunOptions,
                    sites: list[str] | None) -> None:
    """``run-now --scheduler``: each site's run (``sites`` None: every site with data) as a task
    of the Dask cluster at ``address``; exits with the worst outcome's code."""
    try:
        check_cluster_store(db_url)
        engine = store_engine(db_url)  # the store answers and has the current schema before the tasks go out
        with read_snapshot(engine) as session:
            for site in sites or ():
                check_site(session, site)
            sites = sites if sites is not None else sites_with_data(session)
        engine.dispose()
        console.print(f"Planning {'sites ' + ', '.join(sites) + ' ' if len(sites) > 1 else ''}as of {day} "
                      f"on the Dask cluster at {address} ...")
        outcomes = run_on_cluster(address, db_url, [RunRequest(as_of=day, options=options, site=s) for s in sites])
    except (EngineUnavailable, UnknownSite) as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_DATA) from None
    worst = 0
    for outcome in outcomes:
        site = outcome.request.site
        named = f"{site}: " if len(sites) > 1 else ""  # a site is named when several are planned
        if outcome.status == "published":
            console.print(f"{named}Run {outcome.run_id} published (as of {day}) on the cluster.", highlight=False)
            continue
        if outcome.code == EXIT_BUSY:
            console.print(f"{named}[bold yellow]Refused:[/] {escape(outcome.error)}", highlight=False)
        else:
            run = f"Run {outcome.run_id} " if outcome.run_id else "The run "
            console.print(f"{named}[bold red]{run}{outcome.status}[/]: {escape(outcome.error)}\nThe published plan is "
                          "unchanged" + (f"; details: reelplan runs show {outcome.run_id} --site {site}"
                                         if outcome.run_id else "."), highlight=False)
        worst = max(worst, outcome.code or EXIT_FAILED, key=lambda code: (code == EXIT_FAILED, code))
    if worst:
        raise typer.Exit(worst)


#: ``run-now --all-sites``: exit code of each way a site's run can end (the worst one is the command's).
_OUTCOME_EXIT = {"published": 0, "invalid": EXIT_BAD_DATA, "failed": EXIT_FAILED, "busy": EXIT_BUSY}


def _run_all_sites(console: Console, engine: Any, day: date, options: RunOptions) -> None:
    """Plan every site, one line per stage (prefixed by the site), then one line per site; exits
    with the worst outcome's code."""
    outcomes = plan_all_sites(
        engine, as_of=day, trigger="manual", options=options,
        progress=lambda site, event: console.print(f"[{site}] {event.line()}", highlight=False, markup=False,
                                                   style="dim" if event.phase == "start" else "green"))
    for outcome in outcomes:
        if outcome.run is not None:
            console.print(f"{outcome.site}: run {outcome.run_id} published (as of {day}) in "
                          f"{_total_seconds(outcome.run):.1f} s: {_outputs(outcome.run)}.", highlight=False)
        elif outcome.status == "busy":
            console.print(f"{outcome.site}: [bold yellow]refused:[/] {outcome.message}", highlight=False)
        else:
            console.print(f"{outcome.site}: [bold red]run {outcome.run_id} {outcome.message}[/] (the published plan "
                          f"is unchanged; details: reelplan runs show {outcome.run_id} --site {outcome.site})",
                          highlight=False)
    worst = max((_OUTCOME_EXIT[o.status] for o in outcomes if o.status != "published"),
                key=lambda code: (code == EXIT_FAILED, code), default=0)
    if worst:
        raise typer.Exit(worst)


@app.command("export-plan")
def export_plan(
    run_id: Annotated[int | None, typer.Argument(help="Run id [default: the published plan].")] = None,
    out: Annotated[Path, typer.Option("--out", help="Plan folder to write (replaced as a whole).")] = Path("plan_out"),
    db: DbOption = None,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """Write a site's published plan as a plan folder: the CSVs, summary.json, the buyer workbook, the Gantt pictures."""
    console = Console()
    with read_snapshot(store_engine(db)) as session:
        check_site(session, site)
        run_id = run_id if run_id is not None else current_run_id(session, site)
        try:
            _check_run_site(session, run_id, site)
            plan = stored_plan(session, run_id, site=site)
        except NoStoredPlan as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(EXIT_FAILED) from None
    write_plan(plan, out)
    written = [f"{name}.csv" for name in PLAN_TABLES if getattr(plan, name) is not None] + list(plan.files)
    console.print(f"Wrote the plan of run {run_id} to {out}: {', '.join(sorted(written))}, summary.json.")


@runs_app.callback(invoke_without_command=True)
def runs(
    ctx: typer.Context,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """List a site's latest planning runs (status, start, seconds per stage, counts, costs)."""
    if ctx.invoked_subcommand is not None:
        return
    with read_snapshot(store_engine(db)) as session:
        check_site(session, site)
        rows, current = list_runs(session, limit=limit, site=site), current_run_id(session, site)
    zone = NightlySettings().zone()
    where = "" if site == DEFAULT_SITE else f" of site {site}"
    table = Table(title=f"Planning runs{where} (newest first; * = published plan)")
    for column in ("run", "trigger", "status", "as of", "started", "seconds", "stages (s)", "outputs", "costs",
                   "schedule (min)"):
        table.add_column(column, overflow="fold")
    for run in rows:
        table.add_row(
            f"{run.id}{'*' if run.id == current else ''}", f"{run.trigger} {run.scenario}".strip(), _status(run),
            str(run.as_of),
            _local(run.started_at, zone), f"{_total_seconds(run):.1f}",
            " ".join(f"{k} {v:g}" for k, v in run.stage_seconds.items()), _outputs(run), _costs(run.costs),
            _costs(run.summary.get("schedule") or {}),
        )
    Console().print(table)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[int, typer.Argument(help="Run id (see `reelplan runs`).")],
    db: DbOption = None,
    rows: Annotated[int, typer.Option(help="Rows shown per change table.")] = 30,
    site: SiteOption = DEFAULT_SITE,
) -> None:
    """One run of a site in detail, and what its plan changed since the site's previous published plan."""
    console = Console()
    with read_snapshot(store_engine(db)) as session:
        check_site(session, site)
        run = session.get(PlanningRun, run_id)
        try:
            _check_run_site(session, run_id, site)
        except NoStoredPlan as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(EXIT_FAILED) from None
        if run is None:
            console.print(f"[red]There is no run {run_id}.[/]")
            raise typer.Exit(EXIT_FAILED)
        changes = plan_changes(session, run_id) if run.status == "published" else None
        gone = decisions.gone_decisions(session, run_id) if run.status == "published" else []
    zone = NightlySettings().zone()
    console.print(f"[bold]Run {run.id}[/] ({run.trigger}) — {_status(run)} at stage '{run.stage}', as of {run.as_of}")
    console.print(f"started {_local(run.started_at, zone)}, finished {_local(run.finished_at, zone)}, "
                  f"{_total_seconds(run):.1f} s on {run.host} (pid {run.pid})")
    console.print("stages (s): " + (", ".join(f"{k} {v:g}" for k, v in run.stage_seconds.items()) or "-"))
    _print_budget(console, run.summary.get("run"))
    for name, values in run.counts.items():
        console.print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    console.print(f"costs: {_costs(run.costs) or '-'}")
    console.print(f"schedule: {_costs(run.summary.get('schedule') or {}) or '-'}")
    if run.error:
        console.print(f"[red]error:[/] {run.error}")
    if changes is None:
        return
    if gone:
        console.print(_gone_table(gone))
    since = f"run {changes.previous_run_id}" if changes.previous_run_id else "nothing (first plan)"
    counts = changes.counts()
    console.print(f"\n[bold]Changes since {since}[/]: " + "; ".join(
        f"{name} {c['new']} new, {c['changed']} changed, {c['dropped']} dropped" for name, c in counts.items()))
    for title, frame, columns in (("Purchase suggestions", changes.suggestions, _SUGGESTION_CHANGE_COLUMNS),
                                  ("Jobs", changes.jobs, _JOB_CHANGE_COLUMNS)):
        if len(frame):
            console.print(_frame_table(f"{title} ({len(frame)} changes)", frame[list(columns)].head(rows)))


def _check_run_site(session: Any, run_id: int | None, site: str) -> None:
    """A run named on the command line must be of the site asked for (run ids are store-wide)."""
    run = session.get(PlanningRun, run_id) if run_id is not None else None
    if run is not None and run.site != site:
        raise NoStoredPlan(f"Run {run_id} is a run of site '{run.site}', not '{site}'; give --site {run.site}.")


_SUGGESTION_CHANGE_COLUMNS = ("change", "suggestion_id", "item_id", "supplier_id", "mpn", "order_date", "quantity",
                              "previous_quantity", "receipt_date", "previous_receipt_date", "unit_price")
_JOB_CHANGE_COLUMNS = ("change", "job_id", "item_id", "due", "quantity", "line_id", "previous_line_id", "start",
                       "previous_start", "end")


# --- decisions ------------------------------------------------------------------------------


def _decide(db: str | None, action: Any, site: str, **kwargs: Any) -> Any:
    console = Console()
    try:
        with write_session(store_engine(db)) as session:
            return action(session, site=check_site(session, site), **kwargs)
    except decisions.DecisionError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_FAILED) from None


@decisions_app.command("list")
def decisions_list(db: DbOption = None, site: SiteOption = DEFAULT_SITE) -> None:
    """A site's published plan's purchase suggestions with their decisions, then decisions on earlier plans and pins."""
    console = Console()
    with read_snapshot(store_engine(db)) as session:
        check_site(session, site)
        run_id = current_run_id(session, site)
        suggestions = load_plan_table(session, "purchase_suggestions", run_id) if run_id else pd.DataFrame()
        taken = decisions.list_decisions(session, site)
        pins = decisions.active_pins(session, site)
    by_id: dict[str, SuggestionDecision] = {}
    for d in taken:  # newest first: the standing decision on each line (ids are stable across plans)
        by_id.setdefault(d.suggestion_id, d)
    if len(suggestions):
        table = Table(title=f"Purchase suggestions of the published plan (run {run_id})")
        for column in ("suggestion", "item", "supplier", "mpn", "qty", "order", "receipt", "price", "decision", "PO"):
            table.add_column(column)
        for row in suggestions.itertuples():
            d = by_id.get(row.suggestion_id)
            table.add_row(row.suggestion_id, row.item_id, row.supplier_id, row.mpn, f"{row.quantity:g}",
                          _day(row.order_date), _day(row.receipt_date), f"{row.unit_price:g}",
                          d.action if d else "pending", _po(d) if d else "")
        console.print(table)
    gone = decisions.gone_decisions_of(taken, set(suggestions["suggestion_id"]) if len(suggestions) else set())
    if gone:
        console.print(_gone_table(gone))
    shown = {id(by_id[s]) for s in suggestions["suggestion_id"] if s in by_id} if len(suggestions) else set()
    earlier = [d for d in taken if id(d) not in shown and d not in gone]
    if earlier:
        table = Table(title="Decisions on earlier plans")
        for column in ("run", "suggestion", "item", "decision", "PO", "by", "note"):
            table.add_column(column)
        for d in earlier:
            table.add_row(str(d.run_id), d.suggestion_id, d.item_id, d.action, _po(d), d.decided_by, d.note)
        console.print(table)
    if pins:
        table = Table(title="Pinned jobs")
        for column in ("job", "item", "due", "line", "start", "kind", "source", "by"):
            table.add_column(column)
        for p in pins:
            table.add_row(p.job_id, p.item_id, str(p.due_date or ""), p.line_id, f"{p.start:%Y-%m-%d %H:%M}",
                          "work order" if p.work_order else "planned order", p.source, p.pinned_by)
        console.print(table)
    if run_id is None:
        console.print("No plan is published yet.")
    elif not len(suggestions):
        console.print(f"The published plan (run {run_id}) has no purchase suggestions.")


EditQuantity = Annotated[float | None, typer.Option("--quantity", help="Order quantity.")]
EditDue = Annotated[datetime | None, typer.Option("--due-date", formats=["%Y-%m-%d"], help="Wanted receipt date.")]
EditSupplier = Annotated[str | None, typer.Option("--supplier", help="Supplier of the offer to buy from.")]
EditMpn = Annotated[str | None, typer.Option("--mpn", help="MPN of the offer to buy.")]
EditExpedite = Annotated[bool, typer.Option(
    "--expedite", help="The due date is a negotiated expedite: accept it before order date + lead time.")]


@decisions_app.command("approve")
def decisions_approve(
    suggestion_id: str, db: DbOption = None, quantity: EditQuantity = None, due_date: EditDue = None,
    supplier: EditSupplier = None, mpn: EditMpn = None, expedite: EditExpedite = False, by: ByOption = "",
    note: NoteOption = "", site: SiteOption = DEFAULT_SITE,
) -> None:
    """Approve a suggestion (optionally edited): it becomes an open PO, status sent, counted by the next run."""
    d = _decide(db, decisions.approve_suggestion, site, suggestion_id=suggestion_id, quantity=quantity,
                due_date=_date(due_date), supplier_id=supplier, mpn=mpn, expedite=expedite, by=_user(by), note=note)
    Console().print(f"Approved {suggestion_id}: {_po(d)}")


@decisions_app.command("edit")
def decisions_edit(
    suggestion_id: str, db: DbOption = None, quantity: EditQuantity = None, due_date: EditDue = None,
    supplier: EditSupplier = None, mpn: EditMpn = None, expedite: EditExpedite = False, by: ByOption = "",
    note: NoteOption = "", site: SiteOption = DEFAULT_SITE,
) -> None:
    """Edit a suggestion's quantity, date or offer before approving it (each edit is checked against the offer)."""
    d = _decide(db, decisions.edit_suggestion, site, suggestion_id=suggestion_id, quantity=quantity,
                due_date=_date(due_date), supplier_id=supplier, mpn=mpn, expedite=expedite, by=_user(by), note=note)
    Console().print(f"Edited {suggestion_id}: {_po(d)}")


@decisions_app.command("reject")
def decisions_reject(suggestion_id: str, db: DbOption = None, by: ByOption = "", note: NoteOption = "",
                     site: SiteOption = DEFAULT_SITE) -> None:
    """Reject a suggestion: the same line is not suggested again."""
    _decide(db, decisions.reject_suggestion, site, suggestion_id=suggestion_id, by=_user(by), note=note)
    Console().print(f"Rejected {suggestion_id}.")


@decisions_app.command("cancel-po")
def decisions_cancel_po(
    po_id: str, db: DbOption = None,
    line: Annotated[str | None, typer.Option("--line", help="The line, when the order has several.")] = None,
    by: ByOption = "", note: NoteOption = "", site: SiteOption = DEFAULT_SITE,
) -> None:
    """Withdraw a PO line reelplan sent (not yet confirmed by the ERP): runs stop counting it."""
    d = _decide(db, decisions.cancel_po, site, po_id=po_id, line=line, by=_user(by), note=note)
    Console().print(f"Cancelled {po_id} line {d.po_line}.")


@decisions_app.command("pin")
def decisions_pin(
    job_id: str,
    line: Annotated[str, typer.Option("--line", help="SMT line to run the job on.")],
    start: Annotated[str, typer.Option("--start", help="Start, local time, YYYY-MM-DDTHH:MM.")],
    db: DbOption = None, by: ByOption = "", site: SiteOption = DEFAULT_SITE,
) -> None:
    """Pin a job of the published schedule to a line and start; the next runs keep it there."""
    pin = _decide(db, decisions.pin_job, site, job_id=job_id, line_id=line, start=start, by=_user(by))
    Console().print(f"Pinned {job_id} to {pin.line_id} at {pin.start:%Y-%m-%d %H:%M}.")


@decisions_app.command("unpin")
def decisions_unpin(job_id: str, db: DbOption = None, by: ByOption = "", site: SiteOption = DEFAULT_SITE) -> None:
    """Remove a job's pin."""
    count = _decide(db, decisions.unpin_job, site, job_id=job_id, by=_user(by))
    Console().print(f"Removed {count} pin(s) of {job_id}.")


@decisions_app.command("freeze")
def decisions_freeze(
    hours: Annotated[float, typer.Argument(help="Hours from the plan's first shift start.")],
    db: DbOption = None, by: ByOption = "", site: SiteOption = DEFAULT_SITE,
) -> None:
    """Freeze the first HOURS of the published schedule: every job starting in them is pinned where it is."""
    pins = _decide(db, decisions.freeze_schedule, site, hours=hours, by=_user(by))
    Console().print(f"Froze {len(pins)} job(s): " + ", ".join(p.job_id for p in pins))


# --- formatting -----------------------------------------------------------------------------


def _date(value: datetime | None) -> date | None:
    return value.date() if value else None


def _day(value: Any) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _po(d: SuggestionDecision) -> str:
    text = f"{d.po_quantity:g} from {d.po_supplier_id or '-'} {d.po_mpn} due {d.po_due_date} at {d.po_unit_price}"
    return f"{d.po_id} line {d.po_line} ({d.po_status}) {text}" if d.po_id else text


def _print_budget(console: Console, budget: Any) -> None:
    """The run budget, each stage's share, and any stage a limit ended, with what that means."""
    if not isinstance(budget, dict) or not budget.get("stages"):
        return
    shares = ", ".join(f"{name} {s['seconds']:g}/{s['share_seconds']:g}" for name, s in budget["stages"].items())
    console.print(f"budget: {budget.get('budget_minutes'):g} min; seconds used/share: {shares}")
    for name, stage in budget["stages"].items():
        if stage.get("stopped_by") or stage.get("cut"):
            limit = {"work_limit": "its work limit", "wall_clock": "the wall clock"}.get(stage.get("stopped_by"), "")
            console.print(f"[yellow]{name} was cut{' by ' + limit if limit else ''}:[/] {stage.get('cut') or ''}")


def _status(run: PlanningRun) -> str:
    """The run's status; a running run also shows its stage and how long that stage has run."""
    colour = {"published": "green", "failed": "red", "running": "yellow"}.get(run.status, "")
    text = f"[{colour}]{run.status}[/]" if colour else run.status
    if run.status == "running":
        in_stage = max(0.0, _total_seconds(run) - sum(run.stage_seconds.values()))
        text += f" · {run.stage} for {in_stage:.0f} s"
    return text


def _total_seconds(run: PlanningRun) -> float:
    """Seconds from start to finish; a running run's seconds so far."""
    end = run.finished_at or datetime.now(UTC).replace(tzinfo=None)
    return (end - run.started_at).total_seconds()


def _outputs(run: PlanningRun) -> str:
    outputs = run.counts.get("outputs", {})
    short = {"planned_orders": "planned", "purchase_suggestions": "suggestions", "schedule": "jobs",
             "exceptions": "exceptions"}
    return ", ".join(f"{outputs[k]} {v}" for k, v in short.items() if k in outputs)


def _costs(costs: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v:,.2f}" if isinstance(v, (int, float)) else f"{k} {v}" for k, v in costs.items())


def _local(moment: datetime | None, zone: Any) -> str:
    if moment is None:
        return "-"
    return f"{moment.replace(tzinfo=UTC).astimezone(zone):%Y-%m-%d %H:%M}"


def _gone_table(gone: list[SuggestionDecision]) -> Table:
    table = Table(title="Edits whose line has gone from the published plan (not sent; decide again on a new line)")
    for column in ("run", "suggestion", "item", "decision", "edited to", "by", "note"):
        table.add_column(column)
    for d in gone:
        table.add_row(str(d.run_id), d.suggestion_id, d.item_id, d.action, _po(d), d.decided_by, d.note)
    return table


def _frame_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}" if value.hour or value.minute else f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
