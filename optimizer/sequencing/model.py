"""The CP-SAT model of SMT sequencing: variables, objective, warm start, solve.

Objective (lexicographic, as one weighted sum): total tardiness, then jobs moved from the
previous plan, then total changeover, then jobs off their preferred line. A level's weight
exceeds the largest value the levels below it can take, so no amount of changeover ever
buys a minute of tardiness, and no changeover saving moves a job of the previous plan.

Determinism: the solver stops on *deterministic* time (``max_deterministic_time``, a count
of operations that is about one second of work) with a fixed seed; one worker searches
sequentially, several run interleaved (``interleave_search``): CP-SAT's usual parallel
portfolio is not reproducible, and a wall-clock stop cuts a run at a point that depends
on the machine's load. The wall-clock limit stays as a safety net only (the summary's
``stopped_by`` says when it fired; the run is then not reproducible).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .constraints import Arc, ObjectiveTerms, Variables, add_constraints, new_variables
from .problem import ProblemData
from .timetable import Timetable, moved

log = logging.getLogger(__name__)

# Deterministic units (CP-SAT's deterministic seconds) granted per second of a stage's
# time limit. Measured on the shared 2-core machine: LNS spends about 0.45 units per wall
# second, the interleaved one-model solve about 0.2, and less when other work runs; at 0.1
# the deterministic budget ends the work well before the wall clock, so the result does
# not depend on the machine's load.
DETERMINISTIC_UNITS_PER_SECOND = 0.1
# LNS stops when its last STALL_STEPS steps lowered none of total tardiness, jobs moved and
# total changeover by more than STALL_GAIN of its value. On the generated 3 000-item factory
# (224 jobs in the window) the search then stops after about 150 steps and 20 deterministic
# units, where the tardiness curve flattens; the next 200 steps would win about 8 % more.
STALL_STEPS = 30
STALL_GAIN = 0.005


@dataclass(frozen=True)
class SolverSettings:
    """How CP-SAT runs.

    ``time_limit_s`` caps the wall clock of the whole optimisation; the work itself is
    budgeted in deterministic seconds, ``deterministic_share × time_limit_s`` (on an idle
    machine the budget ends first and the run is reproducible; on a loaded one the wall
    clock may end it first, which the summary reports). Instances whose circuits have at
    most ``full_model_arcs`` arcs are solved as one model (with a proven bound); larger
    ones by large-neighbourhood search (:mod:`.lns`) over windows of about
    ``neighbourhood_jobs`` jobs, each window a CP-SAT model of ``step_deterministic_time``;
    the search ends when its last ``stall_steps`` steps lowered none of total tardiness, jobs
    moved and total changeover by more than ``stall_gain`` of its value (None: only the
    budget ends it).
    """

    time_limit_s: float = 30.0
    deterministic_share: float = DETERMINISTIC_UNITS_PER_SECOND
    num_workers: int = 2
    random_seed: int = 1
    full_model_arcs: int = 2000
    neighbourhood_jobs: int = 12
    step_deterministic_time: float = 0.2
    stall_steps: int | None = STALL_STEPS
    stall_gain: float = STALL_GAIN

    @property
    def deterministic_time_s(self) -> float:
        return self.deterministic_share * self.time_limit_s


@dataclass(frozen=True)
class SolveResult:
    """What one CP-SAT run found; ``sequences`` is None when it found no schedule."""

    status: str
    sequences: tuple[tuple[int, ...], ...] | None
    objective_value: float | None
    best_bound: float | None
    tardiness_weight: int
    wall_seconds: float
    deterministic_time: float
    num_arcs: int

    @property
    def tardiness_bound_minutes(self) -> int | None:
        """A lower bound of total tardiness: ``floor(bound / tardiness_weight)``."""
        if self.best_bound is None:
            return None
        return max(0, int(self.best_bound // self.tardiness_weight))


def solve(
    data: ProblemData,
    warm_start: Timetable | None = None,
    *,
    deterministic_time: float,
    wall_time: float,
    num_workers: int = 1,
    random_seed: int = 1,
    arcs: dict[int, set[Arc]] | None = None,
    makespan: bool = False,
) -> SolveResult:
    """Build the model (``arcs`` restricts the circuits), hint it with ``warm_start`` and
    solve it within the limits; several workers search interleaved (reproducibly)."""
    model = cp_model.CpModel()
    variables = new_variables(model, data)
    terms = add_constraints(model, data, variables, arcs, makespan=makespan)
    tardiness_weight = _objective(model, data, terms)
    if warm_start is not None:
        _hint(model, data, variables, warm_start)

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_deterministic_time = deterministic_time
    params.max_time_in_seconds = max(0.1, wall_time)
    params.num_workers = num_workers
    params.interleave_search = num_workers > 1
    params.random_seed = random_seed
    began = time.perf_counter()
    status = solver.solve(model)
    wall = time.perf_counter() - began
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    log.debug("CP-SAT %s in %.2f s (%.2f deterministic)", solver.status_name(status), wall, solver.deterministic_time)
    return SolveResult(
        status=solver.status_name(status),
        sequences=_sequences(data, variables, solver) if found else None,
        objective_value=solver.objective_value if found else None,
        best_bound=solver.best_objective_bound if found else None,
        tardiness_weight=tardiness_weight,
        wall_seconds=wall,
        deterministic_time=solver.deterministic_time,
        num_arcs=len(variables.arcs),
    )


def full_model_arcs(data: ProblemData) -> int:
    """Job-to-job arcs of the full model: the size that decides between one model and LNS."""
    return sum(len(jobs) * (len(jobs) - 1) for jobs in map(data.jobs_on, range(data.num_lines)))


def _objective(model: cp_model.CpModel, data: ProblemData, terms: ObjectiveTerms) -> int:
    """Minimise the levels as one sum; returns the weight of a tardiness minute."""
    if terms.makespan is not None:
        model.minimize(terms.makespan)
        return 1
    changeover_weight = len(terms.off_preference) + 1
    most_changeover = sum(
        max((data.most_changeover_into(m.line, j) for m in job.modes), default=0)
        for j, job in enumerate(data.jobs)
    )
    moved_weight = (most_changeover + 1) * changeover_weight
    tardiness_weight = (len(terms.moved) + 1) * moved_weight
    model.minimize(
        tardiness_weight * sum(terms.tardiness)
        + moved_weight * sum(terms.moved)
        + changeover_weight * sum(arc * minutes for arc, minutes in terms.changeovers)
        + sum(terms.off_preference)
    )
    return tardiness_weight


def _hint(model: cp_model.CpModel, data: ProblemData, v: Variables, warm: Timetable) -> None:
    """Give CP-SAT the whole warm-start schedule as a hint (every decision variable)."""
    placed = {s.job: s for s in warm.scheduled}
    for (j, line), mv in v.modes.items():
        here = placed[j].line == line
        model.add_hint(mv.presence, here)
        job = data.jobs[j]
        idle_start = job.pinned_start if job.pinned else job.mode_on(line).release
        model.add_hint(mv.start, placed[j].start if here else idle_start)
    following = {(line, i, j) for line, seq in enumerate(warm.sequences) for i, j in zip(seq, seq[1:])}
    for key, arc in v.arcs.items():
        model.add_hint(arc, key in following)
    firsts = {(seq[0], line) for line, seq in enumerate(warm.sequences) if seq}
    lasts = {(seq[-1], line) for line, seq in enumerate(warm.sequences) if seq}
    for key, arc in v.first.items():
        model.add_hint(arc, key in firsts)
    for key, arc in v.last.items():
        model.add_hint(arc, key in lasts)
    for line, empty in v.empty.items():
        model.add_hint(empty, not warm.sequences[line])
    for j, tardy in v.tardiness.items():
        model.add_hint(tardy, placed[j].tardiness_minutes)
    for j, move in v.moved.items():
        model.add_hint(move, moved(data, placed[j]))


def _sequences(data: ProblemData, v: Variables, solver: cp_model.CpSolver) -> tuple[tuple[int, ...], ...]:
    """Each line's present jobs in order of their start."""
    sequences = [[] for _ in data.lines]
    for (j, line), mv in v.modes.items():
        if solver.boolean_value(mv.presence):
            sequences[line].append((solver.value(mv.start), j))
    return tuple(tuple(j for _, j in sorted(seq)) for seq in sequences)
