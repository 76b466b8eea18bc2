"""The greedy schedule: earliest due date first, setup-aware; CP-SAT's warm start and fallback.

Pinned jobs are placed first, at their pins. Then, repeatedly, the unscheduled jobs due
within a day of the most urgent one (at most ``max_candidates`` of them, in due order)
are tried on every line they may run on: appended after the line's last job, or in an
idle gap before a job whose start the insertion does not delay. The placement that
finishes earliest on the wall clock wins (a small changeover finishes earlier, which is
what makes the rule setup-aware), then the one adding the least changeover, then the
preferred line. Every step keeps the schedule feasible, so the greedy always answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problem import MINUTES_PER_DAY, ProblemData
from .shifts import wall_end
from .timetable import ScheduledJob, Timetable, time_line, timetable


@dataclass(frozen=True)
class _LineTimes:
    """A line's timed sequence and the positions that have idle time before them."""

    scheduled: list[ScheduledJob]
    gaps: list[int]

    @classmethod
    def of(cls, data: ProblemData, line: int, sequence: list[int]) -> _LineTimes:
        scheduled = time_line(data, line, sequence)
        ends = [0] + [s.end for s in scheduled]
        gaps = [k for k, s in enumerate(scheduled) if s.setup_start > ends[k]]
        return cls(scheduled, gaps)


@dataclass(frozen=True)
class _Placement:
    job: int
    line: int
    position: int
    end: int


def greedy_schedule(data: ProblemData, *, window_minutes: int = MINUTES_PER_DAY, max_candidates: int = 16) -> Timetable:
    """A feasible schedule built by setup-aware earliest-due-date insertion."""
    sequences: list[list[int]] = [[] for _ in data.lines]
    pinned = sorted((j for j, job in enumerate(data.jobs) if job.pinned), key=lambda j: (data.jobs[j].pinned_start, j))
    for j in pinned:
        sequences[data.jobs[j].modes[0].line].append(j)
    times = [_LineTimes.of(data, line, seq) for line, seq in enumerate(sequences)]
    waiting = sorted(
        (j for j, job in enumerate(data.jobs) if not job.pinned),
        key=lambda j: (data.jobs[j].due_key, min(m.release for m in data.jobs[j].modes), j),
    )
    while waiting:
        horizon = data.jobs[waiting[0]].due_key + window_minutes
        candidates = [j for j in waiting[:max_candidates] if data.jobs[j].due_key <= horizon]
        best = min(
            (_rank(data, p, sequences), p) for j in candidates for p in _placements(data, j, sequences, times)
        )[1]
        sequences[best.line].insert(best.position, best.job)
        times[best.line] = _LineTimes.of(data, best.line, sequences[best.line])
        waiting.remove(best.job)
    return timetable(data, sequences)


def _placements(data: ProblemData, j: int, sequences: list[list[int]], times: list[_LineTimes]):
    """Where job ``j`` may go without moving any job already placed: at the end of a line
    or in an idle gap."""
    job = data.jobs[j]
    for mode in job.modes:
        line, seq, timed = mode.line, sequences[mode.line], times[mode.line].scheduled
        for position in [*times[mode.line].gaps, len(seq)]:
            before = seq[position - 1] if position else None
            before_end = timed[position - 1].end if position else 0
            if position < len(seq) and timed[position].setup_start - before_end < mode.duration:
                continue  # the gap is too short
            start = max(mode.release, before_end + data.changeover(line, before, j))
            end = start + mode.duration
            if position < len(seq) and end + data.changeover(line, j, seq[position]) > timed[position].start:
                continue
            yield _Placement(j, line, position, end)


def _rank(data: ProblemData, p: _Placement, sequences: list[list[int]]) -> tuple:
    seq = sequences[p.line]
    before = seq[p.position - 1] if p.position else None
    after = seq[p.position] if p.position < len(seq) else None
    added = data.changeover(p.line, before, p.job)
    if after is not None:
        added += data.changeover(p.line, p.job, after) - data.changeover(p.line, before, after)
    preferred = data.jobs[p.job].preferred_line
    return (
        wall_end(p.end, data.lines[p.line].minutes_per_day),
        added,
        preferred is not None and preferred != p.line,
        data.jobs[p.job].due_key,
        p.job,
        p.line,
        p.position,
    )
