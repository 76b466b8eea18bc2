"""Independent references for the sequencer: a shift calendar on the wall clock, a
feasibility checker of schedule rows, and an exhaustive enumerator for tiny instances.

None of this uses the package's working-minute axis: times are datetimes, and a line's
shift is ``[shift_start, shift_start + hours_per_day)`` every day.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta

import pandas as pd

from mrp.dataset import PlanSettings

MINUTE = timedelta(minutes=1)


class Calendar:
    """One line's shifts."""

    def __init__(self, settings: PlanSettings, hours_per_day: float):
        self.origin = datetime.combine(settings.as_of, settings.shift_start)
        self.shift = timedelta(minutes=round(hours_per_day * 60))

    def _shift_of(self, t: datetime) -> datetime:
        return self.origin + timedelta(days=math.floor((t - self.origin) / timedelta(days=1)))

    def working(self, t: datetime) -> bool:
        """Whether ``t`` lies inside a shift (a start may not sit in a pause)."""
        return t - self._shift_of(t) < self.shift

    def minutes_between(self, a: datetime, b: datetime) -> int:
        """Working minutes in ``[a, b)`` (negative when b < a)."""
        if b < a:
            return -self.minutes_between(b, a)
        total, day = timedelta(0), self._shift_of(a)
        while day < b:
            lo, hi = max(a, day), min(b, day + self.shift)
            total += max(timedelta(0), hi - lo)
            day += timedelta(days=1)
        return round(total / MINUTE)

    def next_working(self, t: datetime) -> datetime:
        return t if self.working(t) else self._shift_of(t) + timedelta(days=1)

    def advance(self, t: datetime, minutes: int) -> datetime:
        """The time ``minutes`` working minutes after ``t`` (an end: may be a shift end)."""
        t = self.next_working(t) if minutes else t
        while minutes > 0:
            shift_end = self._shift_of(t) + self.shift
            step = min(minutes, round((shift_end - t) / MINUTE))
            t, minutes = t + step * MINUTE, minutes - step
            if minutes:
                t = self.next_working(shift_end)
        return t


def run_minutes(quantity: float, placements_per_board: float, placements_per_hour: float) -> int:
    return max(1, math.ceil(quantity * placements_per_board / placements_per_hour * 60 - 1e-9))


def changeover_minutes(line: dict, before: dict | None, after: dict) -> int:
    if before is None or before["item_id"] == after["item_id"]:
        return 0
    new = len(set(after["feeders"]) - set(before["feeders"]))
    return math.ceil(line["changeover_base_minutes"] + line["minutes_per_feeder_change"] * new - 1e-9)


def shift_start_of(date_value, settings: PlanSettings) -> datetime:
    return datetime.combine(pd.Timestamp(date_value).date(), settings.shift_start)


def pinned_start_of(value, settings: PlanSettings, calendar: Calendar) -> datetime:
    """A date alone pins to ``shift_start`` that day; a planner's time of day to the first
    working moment from it."""
    t = pd.Timestamp(value)
    if t == t.normalize():
        return shift_start_of(value, settings)
    return calendar.next_working(t.to_pydatetime())


def eligible(job: dict, line: dict) -> bool:
    fits = line["feeder_slots"] >= len(job["feeders"])
    if job["pinned"] and job["line_id"]:
        return fits and line["line_id"] == job["line_id"]
    return fits and (not job["line_ids"] or line["line_id"] in job["line_ids"])


def check_schedule(result, jobs: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings) -> None:
    """Assert every rule of the spec on ``result`` (a SequencingResult)."""
    schedule, exceptions = result.schedule, result.exceptions
    job_rows = {r["job_id"]: r for r in jobs.to_dict("records")}
    line_rows = {r["line_id"]: r for r in lines.to_dict("records")}
    no_line = set(exceptions.loc[exceptions["type"] == "no_line", "ref_id"])
    moved_pins = set(exceptions.loc[exceptions["type"] == "pin_conflict", "ref_id"])
    assert sorted([*schedule["job_id"], *no_line]) == sorted(job_rows), "each job scheduled once or reported no_line"
    assert not set(schedule["job_id"]) & no_line
    for job_id in no_line:
        job = job_rows[job_id]
        assert not any(eligible(job, line) for line in line_rows.values()), f"{job_id} had a line"
    origin = datetime.combine(settings.as_of, settings.shift_start)
    for line_id, rows in schedule.groupby("line_id", sort=True):
        line = line_rows[line_id]
        calendar = Calendar(settings, line["hours_per_day"])
        previous, previous_end = None, None
        for row in rows.sort_values("start").to_dict("records"):
            job = job_rows[row["job_id"]]
            start, end, setup = (row[c].to_pydatetime() for c in ("start", "end", "setup_start"))
            assert eligible(job, line), f"{row['job_id']} on ineligible line {line_id}"
            assert calendar.working(start), f"{row['job_id']} starts off shift"
            assert calendar.working(setup) or setup == start, f"{row['job_id']} changeover starts off shift"
            assert calendar.minutes_between(start, end) == run_minutes(
                job["quantity"], job["placements_per_board"], line["placements_per_hour"]), f"{row['job_id']} duration"
            expected_changeover = changeover_minutes(line, previous, job)
            assert row["changeover_minutes"] == expected_changeover, f"{row['job_id']} changeover"
            assert calendar.minutes_between(setup, start) == expected_changeover
            if previous_end is not None:
                assert previous_end <= setup, f"{row['job_id']} overlaps the previous job on {line_id}"
            assert start >= origin
            pinned = job["pinned"] and job["line_id"] and not pd.isna(job["start_date"])
            if pinned:
                wanted = max(pinned_start_of(job["start_date"], settings, calendar), origin)
                assert start == wanted or (row["job_id"] in moved_pins and start > wanted), f"{row['job_id']} pin"
            elif not pd.isna(job["ready_date"]):
                assert start >= shift_start_of(job["ready_date"], settings), f"{row['job_id']} before its material"
            ready = None if pd.isna(job["ready_date"]) else max(shift_start_of(job["ready_date"], settings), origin)
            assert row["clear_to_build"] == (ready is not None and ready <= start)
            due = shift_start_of(job["due_date"], settings)
            assert row["due"].to_pydatetime() == due
            assert row["tardiness_minutes"] == max(0, calendar.minutes_between(due, end)), f"{row['job_id']} tardiness"
            previous, previous_end = job, end
    summary = result.summary
    assert summary["total_tardiness_minutes"] == schedule["tardiness_minutes"].sum()
    assert summary["total_changeover_minutes"] == schedule["changeover_minutes"].sum()


def best_by_enumeration(jobs: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings) -> tuple[int, int]:
    """Least (total tardiness, total changeover) over every assignment and order, each
    timed left-shifted on the wall clock (semi-active schedules are dominant)."""
    job_rows = jobs.to_dict("records")
    line_rows = lines.to_dict("records")
    calendars = [Calendar(settings, line["hours_per_day"]) for line in line_rows]
    origin = datetime.combine(settings.as_of, settings.shift_start)
    options = [[k for k, line in enumerate(line_rows) if eligible(job, line)] for job in job_rows]
    best = None
    for assignment in itertools.product(*options):
        per_line_best = []
        for k, line in enumerate(line_rows):
            mine = [j for j, a in enumerate(assignment) if a == k]
            per_line_best.append(min(
                (_time_line(line, calendars[k], [job_rows[j] for j in order], origin, settings)
                 for order in itertools.permutations(mine)),
                default=(0, 0),
            ))
        total = (sum(v[0] for v in per_line_best), sum(v[1] for v in per_line_best))
        best = total if best is None or total < best else best
    return best


def _time_line(line, calendar: Calendar, order, origin, settings):
    """(tardiness, changeover) of one line's order, or (inf, inf) when a pin is missed."""
    tardiness = changeover = 0
    previous, free_at = None, origin
    for job in order:
        co = changeover_minutes(line, previous, job)
        earliest = calendar.advance(free_at, co) if co else free_at
        if job["pinned"] and not pd.isna(job["start_date"]):
            start = max(pinned_start_of(job["start_date"], settings, calendar), origin)
            if start < earliest:
                return (math.inf, math.inf)
        else:
            ready = origin if pd.isna(job["ready_date"]) else max(origin, shift_start_of(job["ready_date"], settings))
            start = calendar.next_working(max(earliest, ready))
        end = calendar.advance(start, run_minutes(job["quantity"], job["placements_per_board"],
                                                       line["placements_per_hour"]))
        tardiness += max(0, calendar.minutes_between(shift_start_of(job["due_date"], settings), end))
        changeover += co
        previous, free_at = job, end
    return (tardiness, changeover)
