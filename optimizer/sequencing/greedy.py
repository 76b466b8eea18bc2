"""The greedy schedule: earliest due date first, setup-aware; CP-SAT's warm start and fallback.

Pinned jobs are placed first, at their pins. Then, repeatedly, the unscheduled jobs due
within a day of the most urgent one (at most ``max_candidates`` of them, in due order)
are tried on every line they may run on: appended after the line's last job, or in an
idle gap before a job whose start the insertion does not delay. The placement that
finishes earliest on the wall clock wins (a small changeover finishes earlier, which is
what makes the rule setup-aware), then the one adding the least changeover, then the
preferred line. Every step keeps the schedule feasible, so the greedy always answers.

Kept jobs (those that stay where the previous plan had them, see :mod:`.sequencer`) are
placed with the pinned jobs, in the order of their previous starts, as long as their
line's timetable keeps every pin.

The greedy is bounded: it counts its work (the placements it weighs and the jobs it
re-times after each insertion: those from the insertion on), and once ``work_limit`` of it is spent (or the wall clock passes ``deadline``) each remaining job, in due
order, simply goes to the end of the line that finishes it first (``GreedyReport.appended``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .problem import MINUTES_PER_DAY, ProblemData
from .shifts import wall_end
from .timetable import InfeasibleSequence, ScheduledJob, Timetable, time_line, timetable


@dataclass(frozen=True)
class _LineTimes:
    """A line's timed sequence and the positions that have idle time before them."""

    scheduled: list[ScheduledJob]
    gaps: list[int]

    @classmethod
    def of(cls, data: ProblemData, line: int, sequence: list[int], old: _LineTimes | None = None,
           position: int = 0) -> _LineTimes:
        """Time ``sequence``; with ``old``, the times of the same line before a job was
        inserted at ``position``, only the jobs from there on are timed again."""
        kept = old.scheduled[:position] if old is not None else []
        scheduled = kept + time_line(data, line, sequence[len(kept):], after=kept[-1] if kept else None)
        gaps = [k for k in old.gaps if k < len(kept)] if old is not None else []
        for k in range(len(kept), len(scheduled)):
            if scheduled[k].setup_start > (scheduled[k - 1].end if k else 0):
                gaps.append(k)
        return cls(scheduled, gaps)


@dataclass(frozen=True)
class _Placement:
    job: int
    line: int
    position: int
    end: int


@dataclass(frozen=True)
class GreedyReport:
    """How much the greedy worked (placements weighed plus jobs re-timed after each
    insertion) and how many jobs it only appended."""

    work: int
    appended: int


def greedy_schedule(data: ProblemData, *, window_minutes: int = MINUTES_PER_DAY, max_candidates: int = 16,
                    kept: dict[int, list[int]] | None = None, work_limit: int | None = None,
                    deadline: float | None = None) -> tuple[Timetable, GreedyReport]:
    """A feasible schedule built by setup-aware earliest-due-date insertion; ``kept`` gives,
    per line, jobs to place first in that order (with the pinned ones)."""
    sequences = _fixed_sequences(data, kept or {})
    times = [_LineTimes.of(data, line, seq) for line, seq in enumerate(sequences)]
    placed = {j for seq in sequences for j in seq}
    waiting = sorted(
        (j for j in range(data.num_jobs) if j not in placed),
        key=lambda j: (data.jobs[j].due_key, min(m.release for m in data.jobs[j].modes), j),
    )
    weighed, appended = 0, 0
    for_limit = work_limit if work_limit is not None else float("inf")
    while waiting:
        if weighed >= for_limit or (deadline is not None and time.perf_counter() > deadline):
            appended = len(waiting)
            _append_in_due_order(data, sequences, times, waiting)
            break
        horizon = data.jobs[waiting[0]].due_key + window_minutes
        candidates = [j for j in waiting[:max_candidates] if data.jobs[j].due_key <= horizon]
        options = [p for j in candidates for p in _placements(data, j, sequences, times)]
        best = min((_rank(data, p, sequences), p) for p in options)[1]
        sequences[best.line].insert(best.position, best.job)
        times[best.line] = _LineTimes.of(data, best.line, sequences[best.line], times[best.line], best.position)
        weighed += len(options) + len(sequences[best.line]) - best.position
        waiting.remove(best.job)
    return timetable(data, sequences), GreedyReport(weighed, appended)


def _fixed_sequences(data: ProblemData, kept: dict[int, list[int]]) -> list[list[int]]:
    """Per line, the pinned jobs and the kept ones in order of start (pin or previous
    start); a line whose kept jobs would break a pin keeps only its pinned jobs."""
    sequences = []
    for line in range(data.num_lines):
        pinned = [j for j, job in enumerate(data.jobs) if job.pinned and job.modes[0].line == line]
        order = sorted(pinned, key=lambda j: (data.jobs[j].pinned_start, j))
        if kept.get(line):
            merged = sorted(pinned + kept[line], key=lambda j: (_planned_start(data, j, line), j))
            try:
                time_line(data, line, merged)
                order = merged
            except InfeasibleSequence:
                pass
        sequences.append(order)
    return sequences


def _planned_start(data: ProblemData, j: int, line: int) -> int:
    job = data.jobs[j]
    return job.pinned_start if job.pinned else job.previous_start


def _append_in_due_order(data: ProblemData, sequences: list[list[int]], times: list[_LineTimes],
                         waiting: list[int]) -> None:
    """Each waiting job, in order, at the end of the line that finishes it first."""
    ends = [t.scheduled[-1].end if t.scheduled else 0 for t in times]
    for j in waiting:
        def finish(mode):
            seq = sequences[mode.line]
            before = seq[-1] if seq else None
            start = max(mode.release, ends[mode.line] + data.changeover(mode.line, before, j))
            return wall_end(start + mode.duration, data.lines[mode.line].minutes_per_day), mode.line, start
        _, line, start = min(finish(m) for m in data.jobs[j].modes)
        sequences[line].append(j)
        ends[line] = start + data.jobs[j].mode_on(line).duration


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
