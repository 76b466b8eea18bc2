"""SMT line sequencing: the public entry point (spec, "SMT sequencing").

``sequence_jobs`` builds the solver data, runs the greedy schedule, hands it to CP-SAT as
a warm start, keeps the better of the two and turns it into the ``schedule.csv`` rows.
The greedy answer is also the fallback when CP-SAT finds nothing within its limit, so the
sequencer always returns a feasible schedule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings
from mrp.plan import PLAN_COLUMNS

from .build import BuiltProblem, build_problem
from .greedy import greedy_schedule
from .lns import improve
from .model import SolveResult, SolverSettings, full_model_arcs, solve
from .problem import ProblemData
from .shifts import wall_end, wall_start
from .timetable import Timetable, timetable

SCHEDULE_COLUMNS = (*PLAN_COLUMNS["schedule"], "clear_to_build")


@dataclass
class SequencingResult:
    """The schedule (``schedule.csv`` rows plus ``clear_to_build``), the jobs left out
    (``no_line``) and other sequencing exceptions, and the figures for ``summary.json``."""

    schedule: pd.DataFrame
    exceptions: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def sequence_jobs(
    jobs: pd.DataFrame,
    lines: pd.DataFrame,
    settings: PlanSettings,
    *,
    time_limit_s: float = 30.0,
    solver_settings: SolverSettings | None = None,
) -> SequencingResult:
    """Sequence the SMT jobs on the lines: least total tardiness, then least changeover.

    ``time_limit_s`` caps the optimisation's wall clock (see :class:`SolverSettings` for
    the deterministic budget inside it); ``solver_settings``, when given, replaces it
    along with the other solver knobs.
    """
    began = time.perf_counter()
    built = build_problem(jobs, lines, settings)
    data = built.data
    solver_settings = solver_settings or SolverSettings(time_limit_s=time_limit_s)
    summary: dict[str, Any] = {
        "jobs": data.num_jobs,
        "no_line_jobs": int((built.exceptions["type"] == "no_line").sum()),
        "lines": data.num_lines,
    }
    best = None
    if data.num_jobs == 0:
        summary["status"] = "NO_JOBS"
    else:
        greedy = greedy_schedule(data)
        best, figures = optimise(data, greedy, solver_settings, deadline=began + solver_settings.time_limit_s)
        summary.update(figures)
        summary.update(
            greedy_tardiness_minutes=greedy.total_tardiness_minutes,
            greedy_changeover_minutes=greedy.total_changeover_minutes,
            off_preference_jobs=best.off_preference_jobs,
            time_limit_s=solver_settings.time_limit_s,
            deterministic_time_limit=solver_settings.deterministic_time_s,
            random_seed=solver_settings.random_seed,
        )
    schedule = _schedule_frame(built, best)
    total = int(schedule["tardiness_minutes"].sum())
    bound = summary.get("tardiness_bound_minutes")
    summary.update(
        total_tardiness_minutes=total,
        total_changeover_minutes=int(schedule["changeover_minutes"].sum()),
        tardiness_gap=None if bound is None else (total - bound) / total if total else 0.0,
        late_jobs=int((schedule["tardiness_minutes"] > 0).sum()),
        jobs_not_clear_to_build=int((~schedule["clear_to_build"]).sum()),
        solve_seconds=round(time.perf_counter() - began, 3),
    )
    return SequencingResult(schedule, built.exceptions, summary)


def optimise(
    data: ProblemData, greedy: Timetable, settings: SolverSettings, *, deadline: float
) -> tuple[Timetable, dict[str, Any]]:
    """The best schedule CP-SAT finds from the greedy one (never worse than it), and the
    solver's figures: one model for small instances, LNS for large ones."""
    lone_bound = lone_job_bound(data)
    if full_model_arcs(data) <= settings.full_model_arcs:
        result = solve(
            data, greedy, deterministic_time=settings.deterministic_time_s,
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
            "deterministic_time": round(result.deterministic_time, 3),
            "stopped_by_wall_clock": _stopped_by_wall_clock(result, settings),
            "arcs": result.num_arcs,
            "num_workers": settings.num_workers,
        }
    best, report = improve(data, greedy, settings, deadline)
    return best, {
        "status": "FEASIBLE",
        "method": "cp-sat-lns" if report.improvements else "greedy",
        "solver_objective": None,
        "solver_bound": None,
        "tardiness_bound_minutes": lone_bound,
        "deterministic_time": round(report.deterministic_time, 3),
        "stopped_by_wall_clock": report.stopped_by_wall_clock,
        "lns_steps": report.steps,
        "lns_improvements": report.improvements,
        "num_workers": 1,
    }


def _stopped_by_wall_clock(result: SolveResult, settings: SolverSettings) -> bool:
    return result.status not in ("OPTIMAL", "INFEASIBLE") and result.deterministic_time < 0.99 * settings.deterministic_time_s


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
