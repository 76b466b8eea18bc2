"""The detailed SMT window and the rough-cut capacity load of the jobs after it.

Dataset format v1.1, "Detailed SMT window and rough-cut capacity". The detailed window is
``[as_of, as_of + schedule_horizon_days)``; the jobs of :func:`in_detailed_window` are
sequenced job by job, every other job is loaded week by week onto one line
(:func:`rough_cut_load`). Choices where the format is silent (docs/sequencing.md):

- a week runs Monday to Sunday; a line's available hours in a week are its
  ``hours_per_day`` times the days of that week inside the planning horizon
  ``[as_of, as_of + horizon_days)``, so the weeks cut by ``as_of`` and by the horizon's end
  are partial, and a week after the horizon has none;
- a later job loads its run hours (quantity × placements per board / placements per hour
  of the line), without changeover: the rough cut has no sequence; it is loaded in the
  week of its due date;
- the detailed schedule's hours (changeover and run) are loaded too, into the weeks they
  are worked in (a job across a week boundary is split at it), so a week shared by the
  detailed window and the rough cut shows the line's whole load.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings
from mrp.plan import CAPACITY_LOAD_COLUMNS, PLAN_COLUMNS

CAPACITY_COLUMNS = CAPACITY_LOAD_COLUMNS
EXCEPTION_COLUMNS = PLAN_COLUMNS["exceptions"]
HOURS_DIGITS = 2


def in_detailed_window(jobs: pd.DataFrame, settings: PlanSettings) -> np.ndarray:
    """A job is sequenced in detail when it is due, or its material is ready, before
    ``as_of + schedule_horizon_days``, or it is pinned to a line, or it is a released work
    order (column ``released``; a table without it has none)."""
    end = pd.Timestamp(settings.as_of) + pd.Timedelta(days=settings.schedule_horizon_days)
    due = pd.to_datetime(jobs["due_date"]).to_numpy() < end.to_datetime64()
    ready = pd.to_datetime(jobs["ready_date"])
    ready_soon = (ready.notna() & (ready < end)).to_numpy()
    pinned = (jobs["pinned"].astype(bool) & (jobs["line_id"].fillna("").astype(str) != "")).to_numpy()
    released = jobs["released"].astype(bool).to_numpy() if "released" in jobs.columns else np.zeros(len(jobs), bool)
    return due | ready_soon | pinned | released


class WeekLoad:
    """Hours loaded per (line, week) against the hours each line works that week.

    Days are counted from ``as_of`` (day 0) and weeks from the week of ``as_of`` (week 0,
    whose Monday is day ``-as_of.weekday()``), so the loading works on integers."""

    def __init__(self, lines: pd.DataFrame, settings: PlanSettings) -> None:
        self.as_of = pd.Timestamp(settings.as_of)
        self.monday = -self.as_of.weekday()  # day of week 0's Monday
        self.horizon_days = settings.horizon_days
        self.hours_per_day = dict(zip(lines["line_id"].astype(str), lines["hours_per_day"].astype(float)))
        self.load: dict[tuple[str, int], float] = {}
        for week in range(self.week_of(max(0, self.horizon_days - 1)) + 1 if self.horizon_days > 0 else 0):
            for line_id in self.hours_per_day:
                self.load[line_id, week] = 0.0

    def week_of(self, day: int) -> int:
        """The week of ``day`` (days after ``as_of``)."""
        return (day - self.monday) // 7

    def available(self, line_id: str, week: int) -> float:
        """``hours_per_day`` × the days of ``week`` inside ``[as_of, as_of + horizon_days)``."""
        first = self.monday + 7 * week
        days = min(first + 7, self.horizon_days) - max(first, 0)
        return self.hours_per_day[line_id] * max(0, days)

    def free(self, line_id: str, week: int) -> float:
        return self.available(line_id, week) - self.load.get((line_id, week), 0.0)

    def add(self, line_id: str, week: int, hours: float) -> None:
        self.load[line_id, week] = self.load.get((line_id, week), 0.0) + hours

    def add_worked(self, line_id: str, first_minute: int, last_minute: int, minutes_per_day: int) -> None:
        """Load working minutes ``[first_minute, last_minute)`` of a line working
        ``minutes_per_day`` (minute 0 is ``shift_start`` on ``as_of``), split where a week
        begins (``shift_start`` on Monday)."""
        minute = first_minute
        while minute < last_minute:
            week = self.week_of(minute // minutes_per_day)
            upto = min(last_minute, (self.monday + 7 * (week + 1)) * minutes_per_day)
            self.add(line_id, week, (upto - minute) / 60)
            minute = upto

    def monday_of(self, week: int) -> pd.Timestamp:
        return self.as_of + pd.Timedelta(days=self.monday + 7 * week)

    def table(self) -> pd.DataFrame:
        """``capacity_load`` rows by line and week; utilisation is empty for a week the
        line does not work in the horizon."""
        rows = []
        for (line_id, week), hours in sorted(self.load.items()):
            available = self.available(line_id, week)
            rows.append({
                "line_id": line_id, "week_start": self.monday_of(week), "load_hours": round(hours, HOURS_DIGITS),
                "available_hours": round(available, HOURS_DIGITS),
                "utilisation_pct": round(100 * hours / available, 1) if available > 0 else np.nan,
            })
        frame = pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))
        frame["week_start"] = pd.to_datetime(frame["week_start"]).astype("datetime64[ns]")
        return frame.astype({"line_id": object, "load_hours": "float64", "available_hours": "float64",
                             "utilisation_pct": "float64"})

    def overloaded_weeks(self) -> pd.DataFrame:
        """``overloaded_line_week`` exceptions: one per line and week loaded beyond its hours."""
        rows = []
        for (line_id, week), hours in sorted(self.load.items()):
            available = self.available(line_id, week)
            excess = round(hours - available, HOURS_DIGITS)
            monday = self.monday_of(week)
            if excess <= 0:
                continue
            works = (f"works {available:.1f} h" if available > 0
                     else "has no working hours (the week is outside the planning horizon)")
            rows.append({
                "type": "overloaded_line_week", "item_id": "", "ref_id": line_id, "date": monday,
                "quantity": excess,
                "message": f"line {line_id} is loaded with {hours:.1f} h in the week of {monday.date().isoformat()} "
                           f"but {works}; move {excess:.1f} h to another line or week, or add shifts",
            })
        frame = pd.DataFrame(rows, columns=list(EXCEPTION_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        return frame.astype({"quantity": "float64"})


def rough_cut_load(load: WeekLoad, later: list[tuple[dict, list[str]]], lines: pd.DataFrame) -> None:
    """Load each later job, in due-date order (then job id), into the week of its due date:
    on its preferred line (the work order's ``line_id``) when that line may run it, else on
    the line that may run it with the most free hours that week (then the first by id).
    ``later`` holds each job's row and the ids of the lines that may run it."""
    if not later:
        return
    speed = dict(zip(lines["line_id"].astype(str), lines["placements_per_hour"].astype(float)))
    due = pd.to_datetime(pd.Series([row["due_date"] for row, _ in later])).dt.normalize()
    days = ((due - load.as_of) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    order = sorted(range(len(later)), key=lambda k: (days[k], str(later[k][0]["job_id"])))
    for k in order:
        row, line_ids = later[k]
        week = load.week_of(int(days[k]))
        preferred = str(row["line_id"] or "")
        if preferred in line_ids:
            line_id = preferred
        else:
            line_id = max(sorted(line_ids), key=lambda lid: load.free(lid, week))
        load.add(line_id, week, float(row["quantity"]) * float(row["placements_per_board"]) / speed[line_id])
