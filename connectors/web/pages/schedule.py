"""Schedule: a Gantt of the detailed window per SMT line (jobs coloured by customer or by clear to
build, changeovers, due dates, tardy jobs flagged), the rough-cut capacity by line and week, the job
panel, and the planner's pins, freeze and runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import run, ui
from sqlmodel import select

from connectors.api.auth import Permission
from connectors.store.models import JobPin, PlanningRun
from connectors.store.plans import site_runs
from connectors.store.runs import utc_now
from connectors.web import queries
from connectors.web.sessions import SignedIn
from connectors.web.workspace import Workspace, day, number

PALETTE = ("#1e88e5", "#43a047", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab", "#c0ca33", "#d81b60")
ROW_HEIGHT_PX = 44


def customer_colour(customer_id: str) -> str:
    """A stable colour per customer (grey for jobs without one)."""
    if not customer_id:
        return "#78909c"
    return PALETTE[int(hashlib.sha256(customer_id.encode()).hexdigest(), 16) % len(PALETTE)]


OVERLOAD_COLOUR = "#d32f2f"
#: Gantt colours by clear to build: the material is known to be there by the start, it is not
#: (late or its arrival unknown), the plan does not say.
CLEAR_TO_BUILD_COLOURS = {True: "#2e7d32", False: "#ef6c00", None: "#78909c"}
CLEAR_TO_BUILD_LABELS = {True: "clear to build", False: "not clear to build", None: "not recorded"}
#: What the Gantt's bars can be coloured by.
COLOUR_BY = {"customer": "Customer", "clear_to_build": "Clear to build"}


def overloaded(row: dict) -> bool:
    """A line's week is overloaded when its load exceeds the hours it works that week
    (the rule behind the ``overloaded_line_week`` exception)."""
    return (row["load_hours"] or 0.0) > (row["available_hours"] or 0.0)


def capacity_chart(rows: list[dict], lines: list[str]) -> dict:
    """ECharts options of the rough-cut capacity: one bar series per line (in ``lines``' order,
    then any other line of the rows), utilisation in % by week; an overloaded week's bar is red
    and the 100 % mark is a dashed line. Each point is [week, utilisation %, load h, available h]."""
    weeks = sorted({r["week_start"] for r in rows})
    order = [*lines, *sorted({r["line_id"] for r in rows} - set(lines))]
    by_key = {(r["line_id"], r["week_start"]): r for r in rows}
    highest = max((r["utilisation_pct"] or 0.0 for r in rows), default=0.0)
    series = []
    for n, line in enumerate(order):
        data: list[Any] = []
        for week in weeks:
            row = by_key.get((line, week))
            if row is None:
                data.append(None)
                continue
            point: dict[str, Any] = {"value": [week.isoformat(), row["utilisation_pct"], row["load_hours"],
                                               row["available_hours"]]}
            if overloaded(row):
                point["itemStyle"] = {"color": OVERLOAD_COLOUR}
            data.append(point)
        series.append({"name": line, "type": "bar", "data": data, "itemStyle": {"color": PALETTE[n % len(PALETTE)]},
                       **({"markLine": {"silent": True, "symbol": "none", "data": [{"yAxis": 100}],
                                        "lineStyle": {"color": OVERLOAD_COLOUR, "type": "dashed"},
                                        "label": {"formatter": "100 %"}}} if n == 0 else {})})
    return {
        "animation": False,
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 60},
        "tooltip": {"trigger": "axis", ":formatter": (
            "ps => ps[0].value[0] + ps.map(p => `<br>${p.marker}${p.seriesName}: ${p.value[1] ?? '—'} % "
            "(${p.value[2]} h of ${p.value[3]} h)`).join('')")},
        "xAxis": {"type": "category", "data": [w.isoformat() for w in weeks], "name": "week"},
        "yAxis": {"type": "value", "name": "utilisation %", "min": 0, "max": max(100, -(-highest // 10) * 10)},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 18, "bottom": 8}],
        "series": series,
    }


def job_colour(job: dict, colour_by: str) -> str:
    """The colour of a job's bar: its customer's, or whether its material is all there."""
    if colour_by == "clear_to_build":
        return CLEAR_TO_BUILD_COLOURS[job["clear_to_build"]]
    return customer_colour(job["customer_id"])


def register(ws: Workspace) -> None:
    @ui.page("/schedule")
    def schedule(job: str = "") -> RedirectResponse | None:
        user = ws.page("Schedule", Permission.READ_PLAN)
        if isinstance(user, RedirectResponse):
            return user
        with ws.read() as session:
            plan = queries.published_run(session)
            window = queries.schedule_window(session, plan) if plan else None
            capacity = queries.capacity_load(session, plan) if plan else []
        if plan is None:
            ui.label("No plan is published yet.").classes("text-h6 q-pa-md")
            return None
        SchedulePage(ws, user, plan, window, capacity, job)
        return None


class SchedulePage:
    def __init__(self, ws: Workspace, user: SignedIn, plan: Any, window: dict, capacity: list[dict], job: str) -> None:
        self.ws, self.user, self.plan, self.window = ws, user, plan, window
        self.may_schedule = user.can(Permission.SCHEDULE_JOBS)
        self.may_run = user.can(Permission.TRIGGER_RUN)
        jobs = window["jobs"]
        tardy = [j for j in jobs if j["tardiness_minutes"] > 0]
        with ui.column().classes("w-full q-pa-md gap-2"):
            ui.label(f"SMT schedule · plan of run {plan.id} · {day(window['opening'])} to {day(window['until'])} "
                     f"({window['horizon_days']} days)").classes("text-h6")
            ui.label(f"{len(jobs)} jobs, {len(tardy)} tardy, "
                     f"{sum(j['changeover_minutes'] for j in jobs) / 60:,.1f} h of changeovers").classes("text-grey-8")
            if self.may_schedule or self.may_run:
                self._planner_bar()
            self.message = ui.label("").classes("text-body2").props('data-testid="schedule-message"')
            days = window["horizon_days"]
            zooms = {d: f"{d} days" for d in sorted({d for d in (3, 7, 14) if d < days} | {days})}
            self.days, self.colour_by = days, "customer"
            with ui.row().classes("items-center gap-4"):
                ui.select(zooms, value=days, label="Shown", on_change=lambda e: self._gantt(days=e.value)).props(
                    'dense outlined data-testid="gantt-days"').classes("w-32")
                ui.label("Colour by").classes("text-grey-8")
                ui.toggle(COLOUR_BY, value=self.colour_by, on_change=lambda e: self._gantt(colour_by=e.value)).props(
                    'no-caps dense data-testid="gantt-colour"')
            self.gantt_box = ui.element("div").classes("w-full")
            self._gantt()
            self._capacity(capacity)
            self._job_table()
            self.dialog = ui.dialog()
        if job:
            self.open_job(job)

    def _planner_bar(self) -> None:
        with ui.row().classes("items-end gap-3"):
            if self.may_schedule:
                self.freeze_hours = ui.number("Freeze the first hours", value=24, min=1, step=1).props(
                    "dense outlined").classes("w-44")
                ui.button("Freeze", on_click=self.freeze).props('outline no-caps data-testid="freeze"')
            if self.may_run:
                ui.button("Start a run", on_click=self.start_run).props(
                    'color=primary no-caps data-testid="start-run"')
                self.progress = ui.label("").props('data-testid="run-progress"')

    def _gantt(self, *, days: int | None = None, colour_by: str | None = None) -> None:
        """Draw the first ``days`` days of the window (jobs starting later are left out), bars
        coloured by ``colour_by`` (either kept as they were when not given), and its legend."""
        self.days = days or self.days
        self.colour_by = colour_by or self.colour_by
        days = self.days
        opening = self.window["opening"]
        until = min(self.window["until"], opening + dt.timedelta(days=days))
        span = (until - opening).total_seconds()
        self.gantt_box.clear()

        def x(at: dt.datetime) -> float:
            return max(0.0, min(100.0, (at - opening).total_seconds() / span * 100))

        with self.gantt_box, ui.element("div").classes("w-full bg-white rounded-borders q-pa-sm").props(
                'data-testid="gantt"'):
            with ui.element("div").classes("relative-position").style("height: 22px; margin-left: 70px"):
                for d in range(0, days + 1, max(1, days // 14)):
                    at = dt.datetime.combine(opening.date() + dt.timedelta(days=d), opening.time())
                    ui.label(f"{at:%d %b}").classes("absolute text-caption text-grey-7 text-no-wrap").style(f"left: {x(at)}%")
            for line in self.window["lines"]:
                with ui.row().classes("w-full no-wrap items-center").style(f"height: {ROW_HEIGHT_PX}px"):
                    ui.label(line).classes("text-weight-bold").style("width: 62px")
                    lane = ui.element("div").classes("relative-position col bg-grey-2").style(
                        f"height: {ROW_HEIGHT_PX - 8}px")
                    lane.props.update({"data-line": line})
                    with lane:
                        for job in (j for j in self.window["jobs"] if j["line_id"] == line
                                    and j["start"] is not None and j["start"] < until):
                            self._job_bar(job, x, until)
            unassigned = [j for j in self.window["jobs"] if not j["line_id"]]
            if unassigned:
                ui.label(f"Not on a line: {', '.join(j['job_id'] for j in unassigned)}").classes("text-negative")
        with self.gantt_box:
            self._legend()

    def _job_bar(self, job: dict, x: Any, until: dt.datetime) -> None:
        setup = job["setup_start"] or job["start"]
        if job["start"] is None or job["end"] is None:
            return
        if job["changeover_minutes"] > 0 and setup < job["start"]:
            ui.element("div").classes("absolute").style(
                f"left: {x(setup)}%; width: {max(x(job['start']) - x(setup), 0.1)}%; top: 4px; bottom: 4px; "
                "background: repeating-linear-gradient(45deg, #b0bec5, #b0bec5 3px, #eceff1 3px, #eceff1 6px)")
        late = job["tardiness_minutes"] > 0
        border = "3px solid #d32f2f" if late else ("2px dashed #263238" if job["pinned"] else "1px solid #fff")
        ready = CLEAR_TO_BUILD_LABELS[job["clear_to_build"]]
        title = (f"{job['job_id']} · {job['item_id']} × {number(job['quantity'])} · {job['customer_id'] or 'no customer'}"
                 f"\n{day(job['start'])} → {day(job['end'])}, due {day(job['due'])}"
                 + f"\nmaterial: {ready}"
                 + (f"\nlate by {job['tardiness_minutes'] / 60:,.1f} h" if late else "")
                 + ("\npinned" if job["pinned"] else ""))
        bar = ui.element("div").classes("absolute cursor-pointer rounded-borders text-white text-caption "
                                        "ellipsis overflow-hidden q-px-xs").style(
            f"left: {x(job['start'])}%; width: {max(x(job['end']) - x(job['start']), 0.25)}%; top: 4px; bottom: 4px; "
            f"background: {job_colour(job, self.colour_by)}; border: {border}; line-height: {ROW_HEIGHT_PX - 16}px")
        bar.props.update({"title": title, "data-job": job["job_id"], "data-item": job["item_id"],
                          "data-due": day(job["due"]), "data-late": str(late).lower()})
        with bar:
            ui.label(job["item_id"] or "")
        bar.on("click", lambda _e, j=job["job_id"]: self.open_job(j))
        if late:  # a flag above the bar's end, seen even when the bar is a sliver
            flag = ui.label("⚑").classes("absolute text-weight-bold cursor-pointer").style(
                f"left: calc({x(job['end'])}% - 4px); top: -9px; color: #d32f2f; font-size: 14px; line-height: 14px")
            flag.props.update({"title": title, "data-tardy": job["job_id"]})
            flag.on("click", lambda _e, j=job["job_id"]: self.open_job(j))
        if job["due"] is not None and self.window["opening"] <= job["due"] <= until:
            ui.element("div").classes("absolute").style(
                f"left: {x(job['due'])}%; top: 0; bottom: 0; width: 2px; background: #d32f2f; opacity: 0.6")

    def _legend(self) -> None:
        if self.colour_by == "clear_to_build":
            keys = [k for k in CLEAR_TO_BUILD_COLOURS if any(j["clear_to_build"] is k for j in self.window["jobs"])]
            entries = [(CLEAR_TO_BUILD_LABELS[k], CLEAR_TO_BUILD_COLOURS[k]) for k in keys]
        else:
            entries = [(c or "no customer", customer_colour(c)) for c in sorted({j["customer_id"] for j in self.window["jobs"]})]
        with ui.row().classes("gap-3 items-center text-caption q-mt-xs").props('data-testid="gantt-legend"'):
            for label, colour in entries:
                with ui.row().classes("items-center gap-1"):
                    ui.element("div").style(f"width: 12px; height: 12px; background: {colour}")
                    ui.label(label)
            ui.label("▥ changeover · red line: due date · red frame and ⚑: tardy · dashed frame: pinned")

    def _capacity(self, rows: list[dict]) -> None:
        ui.label("Rough-cut capacity by line and week (jobs after the detailed window on their preferred line)"
                 ).classes("text-subtitle1 q-mt-md")
        if not rows:
            ui.label("This plan has no rough-cut capacity (its run did not sequence).").classes("text-grey-8")
            return
        ui.echart(capacity_chart(rows, self.window["lines"])).classes("w-full bg-white rounded-borders").style(
            "height: 280px").props('data-testid="capacity-chart"')
        over = [r for r in rows if overloaded(r)]
        text = ("Overloaded: " + "; ".join(
            f"{r['line_id']} in the week of {day(r['week_start'])}: {r['load_hours']:,.1f} h of "
            f"{r['available_hours']:,.1f} h" for r in over)) if over else "No line is loaded beyond its hours in any week."
        ui.label(text).classes("text-negative" if over else "text-grey-8").props('data-testid="capacity-overloaded"')

    def _job_table(self) -> None:
        columns = [{"name": k, "label": label, "field": k, "align": "left"} for k, label in (
            ("job_id", "Job"), ("item_id", "Item"), ("quantity", "Quantity"), ("customer_id", "Customer"),
            ("line_id", "Line"), ("start", "Start"), ("end", "End"), ("due", "Due"), ("late", "Late (h)"),
            ("material", "Material"), ("pinned", "Pinned"))]
        rows = [{"job_id": j["job_id"], "item_id": j["item_id"], "quantity": number(j["quantity"]),
                 "customer_id": j["customer_id"], "line_id": j["line_id"], "start": day(j["start"]),
                 "end": day(j["end"]), "due": day(j["due"]),
                 "late": f"{j['tardiness_minutes'] / 60:,.1f}" if j["tardiness_minutes"] > 0 else "",
                 "material": CLEAR_TO_BUILD_LABELS[j["clear_to_build"]],
                 "pinned": "yes" if j["pinned"] else ""} for j in self.window["jobs"]]
        table = ui.table(columns=columns, rows=rows, row_key="job_id", pagination=20).props(
            'flat bordered dense data-testid="jobs"').classes("w-full")
        table.on("rowClick", lambda e: self.open_job(e.args[1]["job_id"]))

    # --- job panel and decisions --------------------------------------------------------

    def open_job(self, job_id: str) -> None:
        job = next((j for j in self.window["jobs"] if j["job_id"] == job_id), None)
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-full").style("max-width: 720px").props(f'data-testid="job-panel-{job_id}"'):
            if job is None:
                ui.label(f"Job {job_id} is not in the detailed window of the published schedule.")
                return
            with ui.row().classes("w-full items-center"):
                ui.label(f"Job {job_id} · {job['item_id']} × {number(job['quantity'])}").classes("text-h6")
                ui.space()
                ui.button(icon="close", on_click=self.dialog.close).props("flat dense")
            ui.label(f"Line {job['line_id']} · {day(job['start'])} → {day(job['end'])} · due {day(job['due'])} · "
                     f"customer {job['customer_id'] or '—'}")
            ui.label(f"Changeover {job['changeover_minutes']:,.0f} min · material: "
                     f"{CLEAR_TO_BUILD_LABELS[job['clear_to_build']]} · "
                     + (f"tardy by {job['tardiness_minutes'] / 60:,.1f} h" if job["tardiness_minutes"] > 0
                        else "on time")).classes("text-negative" if job["tardiness_minutes"] > 0 else "")
            with self.ws.read() as session:
                material = queries.job_material(session, job["item_id"])
                pins = session.exec(select(JobPin).where(JobPin.active, JobPin.item_id == job["item_id"],
                                                         JobPin.run_id.in_(site_runs(queries.SITE)))).all()
            ui.label("Material (one BOM level; feeder = takes a feeder slot)").classes("text-subtitle1")
            ui.table(columns=[{"name": k, "label": k.replace("_", " "), "field": k, "align": "left"}
                              for k in ("item_id", "description", "qty_per", "feeder")],
                     rows=[{**m, "feeder": "yes" if m["feeder"] else "no"} for m in material],
                     pagination=8).props("flat dense bordered").classes("w-full")
            if pins:
                ui.label("Pinned: " + "; ".join(f"{p.line_id} from {day(p.start)} by {p.pinned_by or '—'} ({p.source})"
                                                for p in pins)).classes("text-weight-medium")
            if self.may_schedule:
                with ui.row().classes("items-end gap-2"):
                    line = ui.select(self.window["lines"], value=job["line_id"], label="Line").props(
                        'dense outlined data-testid="pin-line"').classes("w-28")
                    start = ui.input("Start (YYYY-MM-DD HH:MM)", value=day(job["start"])).props(
                        'dense outlined data-testid="pin-start"').classes("w-56")
                    ui.button("Pin", on_click=lambda: self.pin(job_id, line.value, start.value)).props(
                        'color=primary no-caps data-testid="pin"')
                    ui.button("Unpin", on_click=lambda: self.unpin(job_id)).props('outline no-caps data-testid="unpin"')
        self.dialog.open()

    def _say(self, text: str, ok: bool) -> None:
        self.message.set_text(text)
        self.message.classes(replace="text-body2 " + ("text-positive" if ok else "text-negative"))
        ui.notify(text, type="positive" if ok else "negative")

    def pin(self, job_id: str, line_id: str, start_text: str) -> None:
        try:
            start = dt.datetime.fromisoformat((start_text or "").strip())
        except ValueError:
            self._say(f"{start_text!r} is not a start time; write it as YYYY-MM-DD HH:MM, e.g. 2026-11-24 06:00.", False)
            return
        actions = self.ws.actions
        try:
            pin = self.ws.decide(self.user, Permission.SCHEDULE_JOBS, "job.pin", f"job:{job_id}",
                                 lambda s: _pins(s, job_id),
                                 lambda s: actions.pin_job(s, job_id, line_id=line_id, start=start, by=self.user.name))
        except actions.decision_error as exc:
            self._say(f"Refused: {exc}", False)
            return
        self.dialog.close()
        self._say(f"Pinned {job_id} to {pin.line_id} from {day(pin.start)}; the next run places it there.", True)

    def unpin(self, job_id: str) -> None:
        actions = self.ws.actions
        try:
            removed = self.ws.decide(self.user, Permission.SCHEDULE_JOBS, "job.unpin", f"job:{job_id}",
                                     lambda s: _pins(s, job_id),
                                     lambda s: actions.unpin_job(s, job_id, by=self.user.name))
        except actions.decision_error as exc:
            self._say(f"Refused: {exc}", False)
            return
        self.dialog.close()
        self._say(f"Removed {removed} pin(s) of {job_id}." if removed else f"{job_id} had no pin.", bool(removed))

    def freeze(self) -> None:
        actions = self.ws.actions
        hours = float(self.freeze_hours.value or 0)
        try:
            pins = self.ws.decide(self.user, Permission.SCHEDULE_JOBS, "schedule.freeze", f"hours:{hours:g}", None,
                                  lambda s: actions.freeze_schedule(s, hours, by=self.user.name))
        except actions.decision_error as exc:
            self._say(f"Refused: {exc}", False)
            return
        self._say(f"Froze {len(pins)} jobs starting in the first {hours:g} h.", True)

    async def start_run(self) -> None:
        try:
            run_id = await run.io_bound(self.ws.start_run, self.user, self.plan.as_of)
        except (self.ws.actions.run_in_progress, RuntimeError) as exc:
            self._say(f"Refused: {exc}", False)
            return
        self._say(f"Run {run_id} started (as of {self.plan.as_of}).", True)
        watch_run(self.ws, run_id, self.progress, on_done=lambda: ui.navigate.reload())


def run_progress(run_record: PlanningRun, now: dt.datetime) -> str:
    """What a watcher sees of a run: its status and stage, how long it has been going (``now``
    and the run's start are UTC), and the stages it has finished with their seconds."""
    elapsed = max(0.0, (now - run_record.started_at).total_seconds())
    done = [f"{stage} {float(seconds):.1f} s" for stage, seconds in (run_record.stage_seconds or {}).items()
            if isinstance(seconds, (int, float))]
    return (f"run {run_record.id}: {run_record.status} · {run_record.stage} · {elapsed:,.0f} s"
            + (f" · done: {', '.join(done)}" if done else ""))


def watch_run(ws: Workspace, run_id: int, label: Any, on_done: Any) -> None:
    """Show a run's stage, time and finished stages every second; call ``on_done`` once it is
    published (or say why it failed)."""
    def tick() -> None:
        with ws.read() as session:
            current = session.get(PlanningRun, run_id)
        if current is None:
            return
        label.set_text(run_progress(current, utc_now()))
        if current.status == "published":
            timer.cancel()
            on_done()
        elif current.status == "failed":
            timer.cancel()
            label.set_text(f"run {run_id} failed at {current.stage}: {current.error.splitlines()[0] if current.error else ''}")
            label.classes(replace="text-negative")

    timer = ui.timer(1.0, tick)


def _pins(session: Any, job_id: str) -> list[JobPin]:
    return list(session.exec(select(JobPin).where(JobPin.job_id == job_id, JobPin.active,
                                                  JobPin.run_id.in_(site_runs(queries.SITE)))).all())
