"""From job sequences to times: the semi-active timetable both the greedy and CP-SAT use.

Given the order of jobs on each line, every job starts as early as its release, its
pin and the previous job plus the changeover allow. Tardiness and changeover only grow
with later completions, so this left-shifted timetable is never worse than any other
timetable of the same sequences; the CP-SAT answer is passed through it too (the solver
is free to leave slack that costs nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from .problem import ProblemData


class InfeasibleSequence(ValueError):
    """Sequences that no timetable can honour (a pin missed, a job on a line it cannot use)."""


@dataclass(frozen=True)
class ScheduledJob:
    """A job's place in the timetable, in working minutes of its line."""

    job: int
    line: int
    setup_start: int
    start: int
    end: int
    changeover_minutes: int
    tardiness_minutes: int


@dataclass(frozen=True)
class Timetable:
    """Sequences with their times and the objective values."""

    sequences: tuple[tuple[int, ...], ...]
    scheduled: tuple[ScheduledJob, ...]
    total_tardiness_minutes: int
    total_changeover_minutes: int
    off_preference_jobs: int
    moved_jobs: int = 0

    @property
    def objective(self) -> tuple[int, int, int, int]:
        """Lexicographic objective: tardiness, then jobs moved from the previous plan, then
        changeover, then preferences missed."""
        return (self.total_tardiness_minutes, self.moved_jobs, self.total_changeover_minutes,
                self.off_preference_jobs)

    @property
    def makespan(self) -> int:
        return max((s.end for s in self.scheduled), default=0)


def time_line(data: ProblemData, line: int, sequence: list[int] | tuple[int, ...],
              after: ScheduledJob | None = None) -> list[ScheduledJob]:
    """Time one line's sequence left-shifted (``after``: the job it follows, already
    timed); raise :class:`InfeasibleSequence` when a job cannot run on the line or a
    pinned job cannot start at its pin."""
    scheduled = []
    previous, previous_end = (None, 0) if after is None else (after.job, after.end)
    for j in sequence:
        job = data.jobs[j]
        mode = job.mode_on(line)
        if mode is None:
            raise InfeasibleSequence(f"job {job.job_id} cannot run on line {data.lines[line].line_id}")
        changeover = data.changeover(line, previous, j)
        earliest = previous_end + changeover
        if job.pinned:
            if job.pinned_start < earliest:
                raise InfeasibleSequence(f"pinned job {job.job_id} cannot start at minute {job.pinned_start}")
            start = job.pinned_start
        else:
            start = max(mode.release, earliest)
        end = start + mode.duration
        scheduled.append(ScheduledJob(j, line, start - changeover, start, end, changeover, max(0, end - mode.due)))
        previous, previous_end = j, end
    return scheduled


def timetable(data: ProblemData, sequences: list[list[int]] | tuple[tuple[int, ...], ...]) -> Timetable:
    """Time the sequences (one per line) left-shifted; raise :class:`InfeasibleSequence`
    when they break a pin, an eligibility or do not schedule every job exactly once."""
    if len(sequences) != data.num_lines:
        raise InfeasibleSequence(f"{len(sequences)} sequences for {data.num_lines} lines")
    seen = [job for seq in sequences for job in seq]
    if sorted(seen) != list(range(data.num_jobs)):
        raise InfeasibleSequence("every job must appear in exactly one sequence")
    scheduled = sorted((s for line, seq in enumerate(sequences) for s in time_line(data, line, seq)),
                       key=lambda s: s.job)
    off_preference = sum(
        data.jobs[s.job].preferred_line is not None and data.jobs[s.job].preferred_line != s.line for s in scheduled
    )
    return Timetable(
        sequences=tuple(tuple(seq) for seq in sequences),
        scheduled=tuple(scheduled),
        total_tardiness_minutes=sum(s.tardiness_minutes for s in scheduled),
        total_changeover_minutes=sum(s.changeover_minutes for s in scheduled),
        off_preference_jobs=int(off_preference),
        moved_jobs=sum(moved(data, s) for s in scheduled),
    )


def moved(data: ProblemData, s: ScheduledJob) -> bool:
    """A job moves when the previous plan had it on another line or at another start."""
    job = data.jobs[s.job]
    return job.previous_line is not None and (s.line != job.previous_line or s.start != job.previous_start)
