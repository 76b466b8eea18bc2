"""Large-neighbourhood search: CP-SAT re-sequences a window of jobs, the rest stays put.

One CP-SAT model of 200 jobs on 4 lines has some 40 000 arcs: presolve alone takes
seconds and its own LNS moves slowly. Here each step frees about
``neighbourhood_jobs`` jobs and solves a small model of them:

- the jobs *before* the freed ones on a line do not move; the last of them (the anchor)
  is pinned at its start and the others are left out;
- the jobs *after* them keep their line and their order (the backbone) but may start
  earlier or later; only ``BACKBONE_TAIL`` of them past the last freed job are in the
  sub-model, the rest follow in order, retimed, so a step's model stays small however
  long the line's schedule is; freed jobs may go into any hole of the backbone (where freed jobs
  were, or where the window's time falls on a line that had none), on any line of the
  window they may run on, in any order;
- the current schedule is the hint, so a step never makes things worse; the result is
  kept when its whole timetable is better.

Neighbourhoods (drawn with a seeded generator): the jobs nearest in time to a random
job's start on all lines; the same on two lines; the jobs around a late job's due time,
with that job; a job and the jobs with the smallest changeovers to and from it. The
neighbourhood grows while CP-SAT solves its models to optimality and shrinks when it
does not (starting from ``neighbourhood_jobs``). Each step is one worker with a
deterministic time limit. The search stops when it *stalls* — its last ``stall_steps``
steps together improved the objective by no more than ``stall_gain`` (:func:`stalled`) —
or when the deterministic budget is spent; both depend only on the input, so the same
input gives the same schedule.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from .constraints import Arc
from .model import SolverSettings, solve
from .problem import Job, Mode, ProblemData
from .shifts import wall_start
from .timetable import InfeasibleSequence, Timetable, timetable

log = logging.getLogger(__name__)

MIN_NEIGHBOURHOOD = 4
BACKBONE_TAIL = 6  # jobs after the last freed one on a line that the sub-model still sees
GROWTH = 1.15
MIN_STEP_COST = 0.01  # deterministic seconds charged for a step, so trivial steps still end the search


@dataclass(frozen=True)
class LnsReport:
    steps: int
    improvements: int
    deterministic_time: float
    stop_reason: str  # "stalled", "work_limit" or "wall_clock"
    freed_jobs: int  # jobs some step re-sequenced; the others keep their place in the start schedule
    last_improvement_step: int  # the step (1-based) of the last improvement; 0 when none


def stalled(history: list[tuple[int, ...]], stall_steps: int | None, stall_gain: float) -> bool:
    """The search has stalled when its last ``stall_steps`` steps together lowered none of
    total tardiness, jobs moved and total changeover by more than ``stall_gain`` of its value
    (``stall_gain = 0``: none of them improved at all); None never stalls. ``history`` is
    the best objective after each step, the start schedule's first. It counts steps, not
    seconds, so where the search stops depends only on the input."""
    if stall_steps is None or len(history) <= stall_steps:
        return False
    before, now = history[-1 - stall_steps], history[-1]
    return all(old - new <= stall_gain * old for old, new in zip(before[:3], now[:3]))


@dataclass(frozen=True)
class _Neighbourhood:
    """A sub-problem: which jobs it holds (``jobs[k]`` is the full index of sub job k),
    its lines, its data, arcs and warm start, and how to put its answer back."""

    jobs: list[int]
    lines: list[int]
    prefixes: list[list[int]]  # per sub line: full-index jobs before the anchor (unchanged)
    suffixes: list[list[int]]  # per sub line: full-index jobs after the backbone (same order, retimed)
    data: ProblemData
    arcs: dict[int, set[Arc]]
    warm_start: Timetable

    def merge(self, current: tuple[tuple[int, ...], ...], sub_sequences) -> list[list[int]]:
        sequences = [list(seq) for seq in current]
        for k, line in enumerate(self.lines):
            sequences[line] = self.prefixes[k] + [self.jobs[j] for j in sub_sequences[k]] + self.suffixes[k]
        return sequences


def improve(data: ProblemData, start: Timetable, settings: SolverSettings, deadline: float,
            budget: float | None = None) -> tuple[Timetable, LnsReport]:
    """Improve ``start`` until the search stalls (``settings.stall_steps``), ``budget``
    deterministic seconds (default: the settings') are spent, or the wall clock reaches
    ``deadline`` (a ``time.perf_counter()`` value)."""
    budget = settings.deterministic_time_s if budget is None else budget
    rng = np.random.default_rng(settings.random_seed)
    best, spent, steps, improvements, last_improvement = start, 0.0, 0, 0, 0
    history = [start.objective]
    freed: set[int] = set()
    size = float(settings.neighbourhood_jobs)
    stop = "work_limit"
    while spent < budget:
        wall_left = deadline - time.perf_counter()
        if wall_left <= 0:
            stop = "wall_clock"
            break
        free, lines = _choose(data, best, rng, int(size))
        freed |= free
        hood = _neighbourhood(data, best, free, lines)
        step_limit = min(settings.step_deterministic_time, max(budget - spent, MIN_STEP_COST))
        result = solve(
            hood.data, hood.warm_start, deterministic_time=step_limit, wall_time=wall_left,
            num_workers=1, random_seed=settings.random_seed, arcs=hood.arcs,
        )
        spent += max(result.deterministic_time, MIN_STEP_COST)
        steps += 1
        # adapt: grow the neighbourhood while CP-SAT solves it to optimality, shrink it when not
        grown = size * GROWTH if result.status == "OPTIMAL" else size / GROWTH
        size = min(max(grown, MIN_NEIGHBOURHOOD), float(data.num_jobs))
        candidate = _merged(data, best, hood, result.sequences)
        if candidate is not None and candidate.objective < best.objective:
            best, improvements, last_improvement = candidate, improvements + 1, steps
            log.debug("LNS step %d (%.2f units): objective %s", steps, spent, best.objective)
        history.append(best.objective)
        if stalled(history, settings.stall_steps, settings.stall_gain):
            stop = "stalled"
            break
    return best, LnsReport(steps, improvements, spent, stop, len(freed), last_improvement)


def _merged(data: ProblemData, best: Timetable, hood: _Neighbourhood, sub_sequences) -> Timetable | None:
    """The whole timetable with the step's answer put back; None when the step found none
    or the retimed suffix would miss a pin."""
    if sub_sequences is None:
        return None
    try:
        return timetable(data, hood.merge(best.sequences, sub_sequences))
    except InfeasibleSequence:
        return None


def _choose(data: ProblemData, tt: Timetable, rng: np.random.Generator, size: int) -> tuple[set[int], list[int]]:
    """Draw a neighbourhood: the freed jobs and the lines they may use."""
    lines = list(range(data.num_lines))
    kind = int(rng.integers(4))
    if kind == 1 and data.num_lines > 2:
        lines = sorted(int(k) for k in rng.choice(data.num_lines, size=2, replace=False))
    on_lines = [s for s in tt.scheduled if s.line in lines]
    starts = {s.job: _wall_start(data, s) for s in tt.scheduled}
    pivot = on_lines[int(rng.integers(len(on_lines)))].job if on_lines else int(rng.integers(data.num_jobs))
    centre = starts[pivot]
    free = set()
    if kind == 2:
        late = [s.job for s in tt.scheduled if s.tardiness_minutes > 0]
        if late:
            pivot = late[int(rng.integers(len(late)))]
            centre, free = data.jobs[pivot].due_key, {pivot}
    if kind == 3:
        free = _similar(data, tt, pivot, size)
    else:
        by_distance = sorted(on_lines, key=lambda s: (abs(starts[s.job] - centre), s.job))
        free |= {s.job for s in by_distance[: size - len(free)]}
    lines = sorted(set(lines) | {line for j in free for line in data.jobs[j].lines})
    return free, lines


def _similar(data: ProblemData, tt: Timetable, pivot: int, size: int) -> set[int]:
    """The pivot and the jobs with the least changeover to and from it on its line."""
    line = tt.scheduled[pivot].line
    others = [j for j in data.jobs_on(line) if j != pivot]
    others.sort(key=lambda j: (data.changeover(line, pivot, j) + data.changeover(line, j, pivot), j))
    return {pivot, *others[: size - 1]}


def _wall_start(data: ProblemData, s) -> int:
    return wall_start(s.start, data.lines[s.line].minutes_per_day)


def _neighbourhood(data: ProblemData, tt: Timetable, free: set[int], lines: list[int]) -> _Neighbourhood:
    """Cut the sub-problem of ``free`` on ``lines`` out of the current timetable."""
    placed = {s.job: s for s in tt.scheduled}
    window = min(_wall_start(data, placed[j]) for j in free)
    prefixes, backbones, holes, suffixes, anchors = [], [], [], [], set()
    for line in lines:
        seq = list(tt.sequences[line])
        freed = [k for k, j in enumerate(seq) if j in free]
        cut = freed[0] if freed else sum(_wall_start(data, placed[j]) < window for j in seq)
        anchor = [seq[cut - 1]] if cut > 0 else []
        anchors.update(anchor)
        end = (freed[-1] + 1 if freed else cut) + BACKBONE_TAIL
        backbone = anchor + [j for j in seq[cut:end] if j not in free]
        suffixes.append(seq[end:])
        # holes: positions in the backbone (0 = before its first job) where freed jobs may go
        hole_set, position = set(), len(anchor)
        for j in seq[cut:end]:
            if j in free:
                hole_set.add(position)
            else:
                position += 1
        prefixes.append(seq[: max(0, cut - 1)])
        backbones.append(backbone)
        holes.append(sorted(hole_set) if freed else [len(anchor)])

    jobs = sorted({j for b in backbones for j in b} | free)
    index = {j: k for k, j in enumerate(jobs)}
    line_index = {line: k for k, line in enumerate(lines)}
    sub_jobs = []
    for j in jobs:
        job = data.jobs[j]
        if j in free and not job.pinned:
            modes = tuple(Mode(line_index[m.line], m.duration, m.release, m.due) for m in job.modes if m.line in line_index)
            pinned_start = None
        else:
            mode = job.mode_on(placed[j].line)
            modes = (Mode(line_index[placed[j].line], mode.duration, mode.release, mode.due),)
            pinned_start = placed[j].start if j in anchors or job.pinned else None
        own = {m.line for m in modes}
        preferred = line_index.get(job.preferred_line) if job.preferred_line is not None else None
        previous = line_index.get(job.previous_line) if job.previous_line is not None else None
        previous = previous if previous in own else None
        sub_jobs.append(Job(job.job_id, job.item_id, modes, pinned_start, preferred if preferred in own else None,
                            job.due_key, previous, None if previous is None else job.previous_start))
    sub = ProblemData(
        jobs=tuple(sub_jobs),
        lines=tuple(data.lines[line] for line in lines),
        changeover_minutes=tuple(data.changeover_minutes[line] for line in lines),
        setup_classes=tuple(int(data.classes[j]) for j in jobs),
    )
    arcs = {}
    for k, (line, backbone, hole_list) in enumerate(zip(lines, backbones, holes)):
        nodes: list[int | None] = [None, *(index[j] for j in backbone), None]
        line_arcs: set[Arc] = set(zip(nodes, nodes[1:])) if backbone else set()
        movable = [index[j] for j in free if sub.jobs[index[j]].mode_on(k) is not None]
        for h in hole_list:
            before, after = nodes[h], nodes[h + 1]
            line_arcs |= {(before, f) for f in movable} | {(f, after) for f in movable}
        line_arcs |= {(f, g) for f in movable for g in movable if f != g}
        arcs[k] = line_arcs
    warm = [[index[j] for j in tt.sequences[line][len(prefixes[k]):len(tt.sequences[line]) - len(suffixes[k])]]
            for k, line in enumerate(lines)]
    return _Neighbourhood(jobs, lines, prefixes, suffixes, sub, arcs, timetable(sub, warm))
