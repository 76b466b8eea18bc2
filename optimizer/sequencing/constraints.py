"""The constraint families of the SMT sequencing model, one function each.

Notation (all times in working minutes of the line concerned): job ``j`` on line ``l``
has presence ``x[j,l]``, start ``s[j,l]``, end ``e[j,l] = s[j,l] + p[j,l]``, release
``r[j,l]`` and due time ``d[j,l]``; ``c[l][i,j]`` is the changeover when ``j`` follows
``i`` on ``l``. :func:`add_constraints` fixes the order in which they are added; each
family may be added on its own to a model (the tests do), and those that feed the
objective return their terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .problem import ProblemData

DEPOT = 0  # circuit node of "no job": its outgoing arc picks a line's first job, its incoming arc the last


@dataclass
class ModeVars:
    """Variables of job ``job`` on line ``line``."""

    job: int
    line: int
    presence: cp_model.IntVar
    start: cp_model.IntVar
    end: cp_model.LinearExprT
    interval: cp_model.IntervalVar


@dataclass
class Variables:
    """All decision variables, keyed by (job, line); arcs by (line, from job, to job)."""

    modes: dict[tuple[int, int], ModeVars]
    arcs: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    first: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    last: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    empty: dict[int, cp_model.IntVar] = field(default_factory=dict)
    tardiness: dict[int, cp_model.IntVar] = field(default_factory=dict)
    line_end: dict[int, cp_model.IntVar] = field(default_factory=dict)
    moved: dict[int, cp_model.IntVar] = field(default_factory=dict)

    def on_line(self, line: int) -> list[ModeVars]:
        return [v for (_, k), v in self.modes.items() if k == line]

    def arcs_of(self, line: int) -> dict[tuple[int, int], cp_model.IntVar]:
        return {(i, j): arc for (k, i, j), arc in self.arcs.items() if k == line}


def new_variables(model: cp_model.CpModel, data: ProblemData) -> Variables:
    """One optional interval per (job, line it may run on), within the line's horizon."""
    modes = {}
    for j, job in enumerate(data.jobs):
        for mode in job.modes:
            horizon = data.horizons[mode.line]
            presence = model.new_bool_var(f"x[{j},{mode.line}]")
            start = model.new_int_var(0, horizon - mode.duration, f"s[{j},{mode.line}]")
            interval = model.new_optional_fixed_size_interval_var(start, mode.duration, presence, f"i[{j},{mode.line}]")
            modes[j, mode.line] = ModeVars(j, mode.line, presence, start, start + mode.duration, interval)
    return Variables(modes)


def _one_eligible_line(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """Eligibility: ``sum_l x[j,l] = 1`` over the lines ``j`` may use (a job needs every
    feeder at once, so only lines with enough feeder slots, and listed, are modes)."""
    for j, job in enumerate(data.jobs):
        model.add_exactly_one(v.modes[j, line].presence for line in job.lines)


def _release(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """Release: ``s[j,l] >= r[j,l]`` (``as_of`` and material on hand); pins override it."""
    for j, job in enumerate(data.jobs):
        if not job.pinned:
            for mode in job.modes:
                model.add(v.modes[j, mode.line].start >= mode.release)


def _pins(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """Pinned job: its only line, and ``s[j,l] = pin``."""
    for j, job in enumerate(data.jobs):
        if job.pinned:
            mode_vars = v.modes[j, job.modes[0].line]
            model.add(mode_vars.start == job.pinned_start)
            model.add(mode_vars.presence == 1)


def _no_overlap(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """One job at a time per line (implied by the circuit; it strengthens propagation)."""
    for line in range(data.num_lines):
        intervals = [mv.interval for mv in v.on_line(line)]
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


Arc = tuple[int | None, int | None]  # (from job, to job); None is the depot


def _circuit_changeovers(
    model: cp_model.CpModel, data: ProblemData, v: Variables, arcs: dict[int, set[Arc]] | None = None
) -> list[tuple[cp_model.IntVar, int]]:
    """Sequence and changeovers: per line a circuit through a depot node and the line's
    present jobs; arc ``a[i,j]`` (``j`` directly after ``i``) forces
    ``s[j,l] >= e[i,l] + c[l][i,j]``; an absent job takes its self-loop, an unused line the
    depot's; depot arcs mark a line's first and last job (no changeover before the first).
    Returns the ``(a[i,j], c[l][i,j])`` changeover terms of the objective. ``arcs`` (per
    line) restricts the arcs offered; by default every arc a feasible schedule could use."""
    penalties = []
    for line in range(data.num_lines):
        on_line = v.on_line(line)
        if not on_line:
            continue
        node = {None: DEPOT} | {mv.job: k + 1 for k, mv in enumerate(on_line)}
        graph = [(node[mv.job], node[mv.job], ~mv.presence) for mv in on_line]
        offered = arcs[line] if arcs is not None else feasible_arcs(data, line)
        for i, j in sorted(offered, key=_arc_order):
            arc = model.new_bool_var(f"a[{i},{j},{line}]")
            graph.append((node[i], node[j], arc))
            if i is None:
                v.first[j, line] = arc
            elif j is None:
                v.last[i, line] = arc
            else:
                v.arcs[line, i, j] = arc
                changeover = data.changeover(line, i, j)
                model.add(v.modes[j, line].start >= v.modes[i, line].end + changeover).only_enforce_if(arc)
                if changeover:
                    penalties.append((arc, changeover))
        empty = model.new_bool_var(f"empty[{line}]")
        v.empty[line] = empty
        graph.append((DEPOT, DEPOT, empty))
        for mv in on_line:
            model.add_implication(empty, ~mv.presence)
        model.add_circuit(graph)
    return penalties


def _arc_order(arc: Arc) -> tuple[int, int]:
    return (-1 if arc[0] is None else arc[0], -1 if arc[1] is None else arc[1])


def feasible_arcs(data: ProblemData, line: int) -> set[Arc]:
    """Arcs of ``line`` a schedule may use: from and to the depot for every job, and job
    pairs ``(i, j)`` but those into a pinned job that ``i`` cannot reach in time (its
    release or pin, its duration and the changeover do not fit before the pin)."""
    jobs = data.jobs_on(line)
    result: set[Arc] = {(None, j) for j in jobs} | {(j, None) for j in jobs}
    for i in jobs:
        job_i = data.jobs[i]
        mode_i = job_i.mode_on(line)
        earliest_end = (job_i.pinned_start if job_i.pinned else mode_i.release) + mode_i.duration
        for j in jobs:
            if i == j:
                continue
            job_j = data.jobs[j]
            if job_j.pinned and earliest_end + data.changeover(line, i, j) > job_j.pinned_start:
                continue
            result.add((i, j))
    return result


def _tardiness(model: cp_model.CpModel, data: ProblemData, v: Variables) -> list[cp_model.IntVar]:
    """Tardiness: ``T[j] >= 0`` and ``T[j] >= e[j,l] - d[j,l]`` on the line it runs on
    (working minutes of that line). Returns the ``T[j]`` of the objective."""
    for j, job in enumerate(data.jobs):
        upper = max(0, max(data.horizons[m.line] - m.due for m in job.modes))
        tardy = model.new_int_var(0, upper, f"T[{j}]")
        for mode in job.modes:
            mv = v.modes[j, mode.line]
            model.add(tardy >= mv.end - mode.due).only_enforce_if(mv.presence)
        v.tardiness[j] = tardy
    return list(v.tardiness.values())


def _line_load(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """Redundant line load: the line's end ``E[l] >= e[j,l]`` of its jobs, and
    ``E[l] >= r_min[l]·used[l] + sum_j p[j,l]·x[j,l] + sum a[i,j]·c[l][i,j]`` — work and
    changeovers do not overlap on a line. Bounds CP-SAT's relaxation (see benchmarks/README)."""
    for line in range(data.num_lines):
        on_line = v.on_line(line)
        if not on_line:
            continue
        line_end = model.new_int_var(0, data.horizons[line], f"E[{line}]")
        v.line_end[line] = line_end
        earliest = min(_earliest_start(data, mv.job, line) for mv in on_line)
        load = [data.jobs[mv.job].mode_on(line).duration * mv.presence for mv in on_line]
        load += [data.changeover(line, i, j) * arc for (i, j), arc in v.arcs_of(line).items()]
        model.add(line_end >= earliest * (1 - v.empty[line]) + sum(load))
        for mv in on_line:
            model.add(line_end >= mv.end).only_enforce_if(mv.presence)


def _line_tardiness(model: cp_model.CpModel, data: ProblemData, v: Variables) -> None:
    """Redundant tardiness bound: a line's last job ends at ``E[l]`` and is due by
    ``d_max[l]`` at the latest, and lines have distinct last jobs, so
    ``sum_j T[j] >= sum_l max(0, E[l] - max(0, d_max[l]))``."""
    overdue = []
    for line, line_end in v.line_end.items():
        latest_due = max(0, max(data.jobs[mv.job].mode_on(line).due for mv in v.on_line(line)))
        late = model.new_int_var(0, data.horizons[line], f"U[{line}]")
        model.add(late >= line_end - latest_due)
        overdue.append(late)
    if overdue:
        model.add(sum(v.tardiness.values()) >= sum(overdue))


def _earliest_start(data: ProblemData, j: int, line: int) -> int:
    job = data.jobs[j]
    return job.pinned_start if job.pinned else job.mode_on(line).release


def _preferences(model: cp_model.CpModel, data: ProblemData, v: Variables) -> list[cp_model.IntVar]:
    """Line preference of an unpinned job: the literal ``not x[j, preferred]`` is returned
    for the objective's last level."""
    return [~v.modes[j, job.preferred_line].presence for j, job in enumerate(data.jobs) if job.preferred_line is not None]


def _stability(model: cp_model.CpModel, data: ProblemData, v: Variables) -> list[cp_model.IntVar]:
    """Stability: a job the previous plan ran at ``p`` on line ``l`` has a literal
    ``moved[j]``; ``not moved[j]`` forces ``x[j,l] = 1`` and ``s[j,l] = p``. Returns the
    literals for the objective's second level."""
    moves = []
    for j, job in enumerate(data.jobs):
        if job.previous_line is None or (j, job.previous_line) not in v.modes:
            continue
        mv = v.modes[j, job.previous_line]
        move = model.new_bool_var(f"moved[{j}]")
        model.add_implication(~move, mv.presence)
        model.add(mv.start == job.previous_start).only_enforce_if(~move)
        v.moved[j] = move
        moves.append(move)
    return moves


def _makespan(model: cp_model.CpModel, data: ProblemData, v: Variables) -> cp_model.IntVar:
    """Makespan ``C >= E[l]`` for every line (the known-optimum benchmarks' objective)."""
    makespan = model.new_int_var(0, max(data.horizons, default=0), "C")
    for line_end in v.line_end.values():
        model.add(makespan >= line_end)
    return makespan


@dataclass
class ObjectiveTerms:
    """What the objective is made of, level by level (``makespan`` for that variant only)."""

    tardiness: list[cp_model.IntVar]
    changeovers: list[tuple[cp_model.IntVar, int]]
    off_preference: list[cp_model.IntVar]
    makespan: cp_model.IntVar | None = None
    moved: list[cp_model.IntVar] = field(default_factory=list)


def add_constraints(
    model: cp_model.CpModel,
    data: ProblemData,
    v: Variables,
    arcs: dict[int, set[Arc]] | None = None,
    *,
    makespan: bool = False,
) -> ObjectiveTerms:
    """Add every constraint family, in this order, and return the objective's terms;
    ``makespan`` swaps the tardiness families for the makespan one."""
    _one_eligible_line(model, data, v)
    _release(model, data, v)
    _pins(model, data, v)
    _no_overlap(model, data, v)
    changeovers = _circuit_changeovers(model, data, v, arcs)
    if makespan:
        _line_load(model, data, v)
        return ObjectiveTerms([], changeovers, [], _makespan(model, data, v))
    tardiness = _tardiness(model, data, v)
    _line_load(model, data, v)
    _line_tardiness(model, data, v)
    return ObjectiveTerms(tardiness, changeovers, _preferences(model, data, v), moved=_stability(model, data, v))
