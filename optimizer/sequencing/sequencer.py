"""SMT line sequencing: the public entry point (spec, "SMT sequencing"; format v1.1,
"Detailed SMT window and rough-cut capacity").

``sequence_jobs`` splits the jobs at the detailed window (:mod:`.capacity`), builds the
solver data of the window's jobs, runs the greedy schedule (from the previous plan's
places when one is given), hands it to CP-SAT as a warm start, keeps the better of the two
and turns it into the ``schedule.csv`` rows; the jobs after the window are loaded into
``capacity_load`` week by week. The greedy answer is also the fallback when CP-SAT finds
nothing within its limit, so the sequencer always returns a feasible schedule.

Work is bounded twice: a deterministic ``work_limit`` (CP-SAT's deterministic seconds,
and the greedy's work converted with :data:`GREEDY_WORK_PER_UNIT`) that makes
the result independent of the machine's load, and the wall clock ``time_limit_s`` as a
safety net; ``summary["stopped_by"]`` says which one ended the work, if any.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings
from mrp.plan import PLAN_COLUMNS

from .build import BuiltProblem, build_problem, eligible_lines
from .capacity import CAPACITY_COLUMNS, WeekLoad, in_detailed_window, rough_cut_load
from .greedy import GreedyReport, greedy_schedule
from .lns import improve
from .model import SolveResult, SolverSettings, full_model_arcs, solve
from .problem import ProblemData
from .shifts import wall_end, wall_start
from .timetable import Timetable, timetable

SCHEDULE_COLUMNS = (*PLAN_COLUMNS["schedule"], "clear_to_build")
# The greedy's work (placements weighed plus jobs re-timed) per deterministic unit. The
# greedy does about 100 000 a second of CPU here; a unit of budget stands for
# 1 / DETERMINISTIC_UNITS_PER_SECOND = 10 seconds, so the greedy's half of the budget
# stays well inside its share of the wall clock.
GREEDY_WORK_PER_UNIT = 100_000
GREEDY_SHARE = 0.5  # of the work limit the greedy may spend before it only appends


@dataclass
class SequencingResult:
    """The schedule (``schedule.csv`` rows plus ``clear_to_build``) of the detailed window,
    the rough-cut ``capacity_load`` rows of the weeks, the exceptions (``no_line``,
    ``pin_conflict``, ``overloaded_line_week``), and the figures for ``summary.json``."""

    schedule: pd.DataFrame
    exceptions: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    capacity_load: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CAPACITY_COLUMNS)))


def sequence_jobs(
    jobs: pd.DataFrame,
    lines: pd.DataFrame,
    settings: PlanSettings,
    *,
    time_limit_s: float = 30.0,
    work_limit: float | None = None,
    previous: pd.DataFrame | None = None,
    solver_settings: SolverSettings | None = None,
) -> SequencingResult:
    """Sequence the detailed window's SMT jobs on the lines (least total tardiness, then
    fewest jobs moved from ``previous``, then least changeover) and load the later ones.

    ``time_limit_s`` caps the wall clock of the whole stage; ``work_limit`` (deterministic
    units, default ``DETERMINISTIC_UNITS_PER_SECOND × time_limit_s``) is the budget that
    normally ends it. ``previous`` is the last published schedule (job_id, item_id, due,
    line_id, start). ``solver_settings``, when given, replaces the time limit along with
    the other solver knobs.
    """
    began = time.perf_counter()
    solver_settings = solver_settings or SolverSettings(time_limit_s=time_limit_s)
    deadline = began + solver_settings.time_limit_s
    work_limit = solver_settings.deterministic_time_s if work_limit is None else float(work_limit)
    jobs = jobs.sort_values("job_id", kind="stable").reset_index(drop=True)
    window = in_detailed_window(jobs, settings) if len(jobs) else np.zeros(0, bool)
    built = build_problem(jobs[window], lines, settings, previous)
    later, later_issues = _later_jobs(jobs[~window], lines)
    data = built.data
    summary: dict[str, Any] = {
        "jobs": data.num_jobs,
        "rough_cut_jobs": len(later),
        "schedule_horizon_days": settings.schedule_horizon_days,
        "no_line_jobs": int((built.exceptions["type"] == "no_line").sum()) + len(later_issues),
        "lines": data.num_lines,
        "time_limit_s": solver_settings.time_limit_s,
        "work_limit": work_limit,
        "random_seed": solver_settings.random_seed,
        "previous_jobs": sum(job.previous_line is not None for job in data.jobs),
        "stop_reason": None,
        "stopped_by": None,
        "cut": None,
    }
    best = None
    if data.num_jobs == 0:
        summary.update(status="NO_JOBS", work_spent=0.0)
    else:
        kept: dict[int, list[int]] = {}
        for j, job in enumerate(data.jobs):
            if job.previous_line is not None:
                kept.setdefault(job.previous_line, []).append(j)
        greedy, report = greedy_schedule(data, kept=kept, deadline=deadline,
                                         work_limit=int(GREEDY_SHARE * work_limit * GREEDY_WORK_PER_UNIT))
        greedy_work = report.work / GREEDY_WORK_PER_UNIT
        budget = max(0.0, work_limit - greedy_work)
        best, figures = optimise(data, greedy, solver_settings, deadline=deadline, budget=budget)
        figures["deterministic_time"] = round(figures["deterministic_time"], 3)
        summary.update(figures)
        summary.update(
            work_spent=round(greedy_work + figures["deterministic_time"], 3),
            greedy_work=report.work,
            greedy_tardiness_minutes=greedy.total_tardiness_minutes,
            greedy_changeover_minutes=greedy.total_changeover_minutes,
            off_preference_jobs=best.off_preference_jobs,
            moved_jobs=best.moved_jobs,
        )
        _stop(summary, report, data.num_jobs, deadline)
    schedule = _schedule_frame(built, best)
    load = WeekLoad(lines, settings)
    for s in best.scheduled if best is not None else ():
        line = data.lines[s.line]
        load.add_worked(line.line_id, s.setup_start, s.end, line.minutes_per_day)
    rough_cut_load(load, later, lines)
    exceptions = pd.concat([frame for frame in (built.exceptions, _frame(later_issues), load.overloaded_weeks())
                            if not frame.empty] or [built.exceptions], ignore_index=True)
    total = int(schedule["tardiness_minutes"].sum())
    bound = summary.get("tardiness_bound_minutes")
    summary.update(
        total_tardiness_minutes=total,
        total_changeover_minutes=int(schedule["changeover_minutes"].sum()),
        tardiness_gap=None if bound is None else (total - bound) / total if total else 0.0,
        late_jobs=int((schedule["tardiness_minutes"] > 0).sum()),
        jobs_not_clear_to_build=int((~schedule["clear_to_build"]).sum()),
        overloaded_line_weeks=int((exceptions["type"] == "overloaded_line_week").sum()),
        solve_seconds=round(time.perf_counter() - began, 3),
    )
    return SequencingResult(schedule, exceptions, summary, load.table())


def _later_jobs(jobs: pd.DataFrame, lines: pd.DataFrame) -> tuple[list[tuple[dict, list[str]]], list[dict]]:
    """The jobs after the window with the ids of the lines that may run them, and a
    ``no_line`` row for each job no line can run."""
    lines = lines.sort_values("line_id", kind="stable").reset_index(drop=True)
    ids = [str(x) for x in lines["line_id"]]
    line_index = {line_id: k for k, line_id in enumerate(ids)}
    slots = lines["feeder_slots"].to_numpy()
    later, issues = [], []
    for row in jobs.to_dict("records"):
        eligible, message = eligible_lines(row, line_index, slots)
        if eligible:
            later.append((row, [ids[k] for k in eligible]))
        else:
            issues.append({"type": "no_line", "item_id": str(row["item_id"]), "ref_id": str(row["job_id"]),
                           "date": row["due_date"], "quantity": float(row["quantity"]), "message": message})
    return later, issues


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(PLAN_COLUMNS["exceptions"]))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def _stop(summary: dict[str, Any], greedy: GreedyReport, jobs: int, deadline: float) -> None:
    """Why the work ended: ``stop_reason`` (``optimal``, ``stalled``, ``work_limit`` or
    ``wall_clock``), ``stopped_by`` (the limit that cut it short: None, ``work_limit`` or
    ``wall_clock``) and the ``cut`` sentence."""
    cuts = []
    if greedy.appended:
        cuts.append(f"{greedy.appended} of {jobs} jobs were appended in due-date order to the line that finishes "
                    "them first, without a setup-aware choice")
    method = summary.get("method")
    stalled = summary.pop("lns_stalled", False)
    if summary.get("lns_steps") is not None:
        if not stalled:
            kept = jobs - summary["lns_freed_jobs"]
            cuts.append(f"after {summary['lns_steps']} improvement steps {kept} of {jobs} jobs keep the greedy "
                        "due-date order")
    elif summary.get("num_workers") == 0:
        cuts.append("no work was left to improve the greedy schedule")
    elif summary.get("status") != "OPTIMAL" and method is not None:
        cuts.append("the schedule is not proven best (see tardiness_gap)")
    wall = summary.pop("wall_clock_hit", False) or time.perf_counter() > deadline
    if not cuts:
        summary["stop_reason"] = "stalled" if stalled else "optimal"
        return
    summary["stopped_by"] = summary["stop_reason"] = "wall_clock" if wall else "work_limit"
    limit = "wall-clock limit (the machine was busy; a rerun may differ)" if wall else "work limit"
    summary["cut"] = f"sequencing stopped at its {limit}; " + "; ".join(cuts)


def optimise(
    data: ProblemData, greedy: Timetable, settings: SolverSettings, *, deadline: float, budget: float | None = None,
) -> tuple[Timetable, dict[str, Any]]:
    """The best schedule CP-SAT finds from the greedy one (never worse than it) within
    ``budget`` deterministic seconds (default the settings'), and the solver's figures:
    one model for small instances, LNS for large ones."""
    budget = settings.deterministic_time_s if budget is None else budget
    lone_bound = lone_job_bound(data)
    if budget <= 0:
        return greedy, {"status": "FEASIBLE", "method": "greedy", "tardiness_bound_minutes": lone_bound,
                        "deterministic_time": 0.0, "solver_objective": None, "solver_bound": None,
                        "wall_clock_hit": time.perf_counter() > deadline, "num_workers": 0}
    if full_model_arcs(data) <= settings.full_model_arcs:
        result = solve(
            data, greedy, deterministic_time=budget,
            wall_time=deadline - time.perf_counter(), num_workers=settings.num_workers,
            random_seed=settings.random_seed,
        )
        best = greedy
        if result.sequences is not None:
            solved = timetable(data, result.sequences)
            best = solved if solved.objective <= greedy.objective else greedy
        return best, {
            "status": result.status,
            "method": "greedy" if best is greedy else "cp-sat",
            "solver_objective": result.objective_value,
            "solver_bound": result.best_bound,
            "tardiness_bound_minutes": max(lone_bound, result.tardiness_bound_minutes or 0),
            "deterministic_time": result.deterministic_time,
            "wall_clock_hit": _stopped_by_wall_clock(result, budget),
            "arcs": result.num_arcs,
            "num_workers": settings.num_workers,
        }
    best, report = improve(data, greedy, settings, deadline, budget)
    return best, {
        "status": "FEASIBLE",
        "method": "cp-sat-lns" if report.improvements else "greedy",
        "solver_objective": None,
        "solver_bound": None,
        "tardiness_bound_minutes": lone_bound,
        "deterministic_time": report.deterministic_time,
        "wall_clock_hit": report.stop_reason == "wall_clock",
        "lns_stalled": report.stop_reason == "stalled",
        "lns_steps": report.steps,
        "lns_improvements": report.improvements,
        "lns_last_improvement_step": report.last_improvement_step,
        "lns_freed_jobs": report.freed_jobs,
        "num_workers": 1,
    }


def _stopped_by_wall_clock(result: SolveResult, budget: float) -> bool:
    return result.status not in ("OPTIMAL", "INFEASIBLE") and result.deterministic_time < 0.99 * budget


def lone_job_bound(data: ProblemData) -> int:
    """A lower bound of total tardiness: each job alone on its best line, at its release
    (or pin), is already this late."""
    return sum(
        min(max(0, (job.pinned_start if job.pinned else m.release) + m.duration - m.due) for m in job.modes)
        for job in data.jobs
    )


def _schedule_frame(built: BuiltProblem, best: Timetable | None) -> pd.DataFrame:
    """``schedule.csv`` rows, times on the wall clock rounded to the minute."""
    data, origin = built.data, pd.Timestamp(built.origin)
    rows = []
    for s in best.scheduled if best is not None else ():
        job, facts = data.jobs[s.job], built.facts[s.job]
        per_day = data.lines[s.line].minutes_per_day
        start = wall_start(s.start, per_day)
        rows.append({
            "job_id": job.job_id,
            "item_id": job.item_id,
            "quantity": facts.quantity,
            "line_id": data.lines[s.line].line_id,
            "setup_start": wall_start(s.setup_start, per_day),
            "start": start,
            "end": wall_end(s.end, per_day),
            "due": facts.due_day * 1440,
            "changeover_minutes": s.changeover_minutes,
            "tardiness_minutes": s.tardiness_minutes,
            "clear_to_build": facts.ready_day is not None and max(0, facts.ready_day) * 1440 <= start,
        })
    frame = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    for column in ("setup_start", "start", "end", "due"):
        minutes = frame[column].to_numpy(dtype=np.int64)
        frame[column] = (origin + pd.to_timedelta(minutes, unit="min")).astype("datetime64[ns]")
    frame = frame.astype({"quantity": "float64", "changeover_minutes": "int64", "tardiness_minutes": "int64",
                          "clear_to_build": "bool"})
    return frame.sort_values(["line_id", "start", "job_id"], kind="stable").reset_index(drop=True)
