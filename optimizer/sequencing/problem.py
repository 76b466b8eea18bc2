"""Solver data of SMT sequencing: integer indices and working minutes only.

String ids (``job_id``, ``line_id``) live at the edges (:mod:`.build`, :mod:`.sequencer`);
inside, a job and a line are positions in :attr:`ProblemData.jobs` and
:attr:`ProblemData.lines`. Every time is an integer number of *working minutes* on one
line's axis (minute 0 = ``shift_start`` on ``as_of``, see :mod:`.shifts`), so a job's
release, due time and duration are given per line it may run on (a :class:`Mode`).
Each dataclass checks itself on construction; a bad value is a programming error of the
caller, reported with every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Line:
    """An SMT line as the solver sees it: its id and how many minutes a day it works."""

    line_id: str
    minutes_per_day: int = MINUTES_PER_DAY

    def __post_init__(self) -> None:
        if not 1 <= self.minutes_per_day <= MINUTES_PER_DAY:
            raise ValueError(f"line {self.line_id}: minutes_per_day {self.minutes_per_day} not in 1..1440")


@dataclass(frozen=True)
class Mode:
    """One way to run a job: on ``line``, in working minutes of that line."""

    line: int
    duration: int
    release: int
    due: int


@dataclass(frozen=True)
class Job:
    """A production job (planned order or work order) and the lines it may run on.

    ``pinned_start`` (a working minute of the only mode's line) fixes the start; a pinned
    job has exactly one mode. ``preferred_line`` breaks ties between equally good
    schedules. ``due_key`` puts the due dates of all jobs on one axis (wall-clock minutes
    from the origin) so heuristics can compare jobs whose modes live on different axes.
    ``previous_line`` and ``previous_start`` (a working minute of that line) say where the
    last published plan ran the job; leaving that place counts as a move.
    """

    job_id: str
    item_id: str
    modes: tuple[Mode, ...]
    pinned_start: int | None = None
    preferred_line: int | None = None
    due_key: int = 0
    previous_line: int | None = None
    previous_start: int | None = None

    def mode_on(self, line: int) -> Mode | None:
        for mode in self.modes:
            if mode.line == line:
                return mode
        return None

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(m.line for m in self.modes)

    @property
    def pinned(self) -> bool:
        return self.pinned_start is not None


@dataclass(frozen=True)
class ProblemData:
    """Jobs, lines and one changeover matrix per line over *setup classes*.

    Jobs of one item with the same feeders change over alike, so the matrices are indexed
    by class, not by job: ``changeover_minutes[l][a, b]`` is the working minutes on line
    ``l`` between a job of class ``a`` and a following job of class ``b``, and
    ``setup_classes[j]`` is job ``j``'s class. Without ``setup_classes`` every job is its
    own class (the matrices are job by job). A factory's thousands of jobs of a few
    hundred items thus need a few hundred squared entries per line, not millions.
    """

    jobs: tuple[Job, ...]
    lines: tuple[Line, ...]
    changeover_minutes: tuple[np.ndarray, ...]
    setup_classes: tuple[int, ...] = ()
    horizons: tuple[int, ...] = field(init=False)
    classes: np.ndarray = field(init=False, repr=False, compare=False)
    most_incoming: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        classes = np.asarray(self.setup_classes or range(len(self.jobs)), dtype=np.int64)
        object.__setattr__(self, "classes", classes)
        problems = list(self._problems())
        if problems:
            raise ValueError("bad sequencing data: " + "; ".join(problems))
        object.__setattr__(self, "most_incoming", tuple(
            m.max(axis=0) if m.size else np.zeros(0, dtype=np.int64) for m in self.changeover_minutes))
        object.__setattr__(self, "horizons", tuple(self._horizon(k) for k in range(len(self.lines))))

    def _problems(self):
        n, m = len(self.jobs), len(self.lines)
        k = int(self.classes.max()) + 1 if n else 0
        if self.setup_classes and len(self.setup_classes) != n:
            yield f"{len(self.setup_classes)} setup classes for {n} jobs"
        elif n and self.classes.min() < 0:
            yield "negative setup class"
        if len(self.changeover_minutes) != m:
            yield f"{len(self.changeover_minutes)} changeover matrices for {m} lines"
        for line, matrix in enumerate(self.changeover_minutes):
            if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < k:
                yield f"changeover matrix of line {line} has shape {matrix.shape}, expected at least {(k, k)}"
            elif matrix.size and matrix.min() < 0:
                yield f"negative changeover on line {line}"
        if len({j.job_id for j in self.jobs}) != n:
            yield "duplicate job ids"
        if len({line.line_id for line in self.lines}) != m:
            yield "duplicate line ids"
        for job in self.jobs:
            lines = job.lines
            if not lines:
                yield f"job {job.job_id} has no line"
            if len(set(lines)) != len(lines):
                yield f"job {job.job_id} has two modes on one line"
            for mode in job.modes:
                if not 0 <= mode.line < m:
                    yield f"job {job.job_id}: unknown line index {mode.line}"
                if mode.duration < 1:
                    yield f"job {job.job_id}: duration {mode.duration} < 1 minute"
                if mode.release < 0:
                    yield f"job {job.job_id}: release {mode.release} before minute 0"
            if job.pinned and (len(job.modes) != 1 or job.pinned_start < 0):
                yield f"job {job.job_id}: a pinned job needs one mode and a start >= 0"
            if job.preferred_line is not None and job.preferred_line not in lines:
                yield f"job {job.job_id}: preferred line {job.preferred_line} is not one of its lines"
            if (job.previous_line is None) != (job.previous_start is None) or (
                    job.previous_line is not None and (job.previous_line not in lines or job.previous_start < 0)):
                yield f"job {job.job_id}: a previous place needs one of its lines and a start >= 0"

    def _horizon(self, line: int) -> int:
        """A time no semi-active schedule of the line reaches: the latest release or pinned
        end, plus every job's longest duration and largest incoming changeover."""
        latest = 0
        work = 0
        for j, job in enumerate(self.jobs):
            mode = job.mode_on(line)
            if mode is None:
                continue
            fixed = job.pinned_start + mode.duration if job.pinned else mode.release
            latest = max(latest, fixed)
            work += mode.duration + self.most_changeover_into(line, j)
        return latest + work + 1

    @property
    def num_jobs(self) -> int:
        return len(self.jobs)

    @property
    def num_lines(self) -> int:
        return len(self.lines)

    def jobs_on(self, line: int) -> list[int]:
        """Indices of the jobs that may run on ``line``, in index order."""
        return [j for j, job in enumerate(self.jobs) if job.mode_on(line) is not None]

    def changeover(self, line: int, before: int | None, after: int) -> int:
        """Changeover minutes on ``line`` when ``after`` follows ``before`` (None: first job)."""
        if before is None:
            return 0
        return int(self.changeover_minutes[line][self.classes[before], self.classes[after]])

    def most_changeover_into(self, line: int, job: int) -> int:
        """The largest changeover on ``line`` before ``job``, whatever precedes it."""
        return int(self.most_incoming[line][self.classes[job]])
