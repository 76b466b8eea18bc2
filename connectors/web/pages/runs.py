"""Runs: history with stage timings and status, what changed since the previous plan, and
starting a run (planner, admin) with its progress."""

from __future__ import annotations

import datetime as dt

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from connectors.api.auth import Permission
from connectors.store.models import PlanningRun
from connectors.web import queries
from connectors.web.pages.schedule import watch_run
from connectors.web.workspace import Workspace, day

COLUMNS = [
    {"name": k, "label": label, "field": k, "align": "left", "style": "white-space: normal"}
    for k, label in (("id", "Run"), ("trigger", "Trigger"), ("status", "Status"), ("stage", "Stage"),
                     ("as_of", "As of"), ("started_at", "Started (UTC)"), ("seconds", "Stage timings (s)"),
                     ("outputs", "Outputs"))
]


def stage_timings(run_record: PlanningRun) -> str:
    return " · ".join(f"{stage} {float(seconds):.1f}" for stage, seconds in (run_record.stage_seconds or {}).items()
                      if isinstance(seconds, (int, float)))


def register(ws: Workspace) -> None:
    @ui.page("/runs")
    def runs_page() -> RedirectResponse | None:
        user = ws.page("Runs", Permission.READ_RUNS)
        if isinstance(user, RedirectResponse):
            return user
        with ws.read() as session:
            history = queries.runs(session)
            plan = queries.published_run(session)
        with ui.column().classes("w-full q-pa-md gap-2"):
            ui.label("Planning runs").classes("text-h6")
            progress = None
            if user.can(Permission.TRIGGER_RUN) and ws.actions.run_now is not None:
                with ui.row().classes("items-end gap-3"):
                    as_of = ui.input("As of (YYYY-MM-DD)", value=str(plan.as_of if plan else dt.date.today())).props(
                        'dense outlined data-testid="run-as-of"').classes("w-44")
                    ui.button("Start a run", on_click=lambda: start(as_of.value)).props(
                        'color=primary no-caps data-testid="start-run"')
                    progress = ui.label("").props('data-testid="run-progress"')
            message = ui.label("").classes("text-body2")
            table = ui.table(columns=COLUMNS, rows=[{
                "id": r.id, "trigger": r.trigger, "status": r.status + (" (published plan)" if plan and r.id == plan.id else ""),
                "stage": r.stage, "as_of": day(r.as_of), "started_at": day(r.started_at), "seconds": stage_timings(r),
                "outputs": ", ".join(f"{n} {c}" for n, c in (r.counts or {}).get("outputs", {}).items()),
            } for r in history], row_key="id", pagination=None).props(
                'flat bordered dense data-testid="runs"').classes("w-full")
            table.on("rowClick", lambda e: show_changes(e.args[1]["id"]))
            ui.label("Click a run to see what changed since the plan before it.").classes("text-caption text-grey-7")
            changes = ui.column().classes("w-full").props('data-testid="run-changes"')
            running = next((r for r in history if r.status == "running"), None)
            if running is not None:
                watch_run(ws, running.id or 0, progress or message,
                          on_done=lambda: ui.navigate.reload())

        def show_changes(run_id: int) -> None:
            changes.clear()
            with ws.read() as session:
                before = queries.previous_published(session, run_id)
                tables = ws.actions.changes_since(session, run_id, before) if (
                    before and ws.actions.changes_since) else None
            with changes:
                if tables is None:
                    ui.label(f"Run {run_id} has no earlier stored plan to compare with.")
                    return
                ui.label(f"Changes from run {before} to run {run_id}").classes("text-subtitle1")
                for name, frame in tables.items():
                    counts = frame["change"].value_counts().to_dict() if len(frame) else {}
                    with ui.expansion(f"{name}: " + (", ".join(f"{c} {k}" for k, c in sorted(counts.items()))
                                                     or "no change")).classes("w-full"):
                        shown = frame.head(50).astype(str)
                        ui.table(columns=[{"name": c, "label": c, "field": c, "align": "left"} for c in shown.columns],
                                 rows=shown.to_dict("records"), pagination=None).props("flat dense").classes("w-full")

        async def start(as_of_text: str) -> None:
            try:
                as_of = dt.date.fromisoformat(as_of_text.strip())
            except ValueError:
                message.set_text(f"{as_of_text!r} is not a date; write it as YYYY-MM-DD.")
                return
            try:
                run_id = await run.io_bound(ws.start_run, user, as_of)
            except (ws.actions.run_in_progress, RuntimeError) as exc:
                message.set_text(f"Refused: {exc}")
                return
            message.set_text(f"Run {run_id} started (as of {as_of}).")
            watch_run(ws, run_id, progress, on_done=lambda: ui.navigate.reload())

        return None
