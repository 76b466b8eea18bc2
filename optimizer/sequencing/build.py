"""From the jobs and lines tables to solver data: eligibility, durations, changeovers, pins.

This is the edge where string ids become indices and dates become working minutes.
Choices where the spec is silent (see docs/sequencing.md):

- durations and changeovers are whole working minutes, rounded up (a value within 1e-9
  of a whole number is that number); a job takes at least one minute;
- a line works ``round(hours_per_day × 60)`` minutes a day;
- a release (material ready, or ``as_of``) before ``as_of`` counts as ``as_of``; so does a
  pinned start;
- a pinned job keeps its line even when the line is not in its ``line_ids`` (the planner
  decided), but not when the line lacks feeder slots (then ``no_line``); pinned without a
  ``start_date`` pins the line only; pinned without a ``line_id`` is not pinned;
- pinned jobs that overlap on a line keep their order (by pinned start, then id); a later
  one starts when the earlier one and the changeover are done (reported ``pin_conflict``);
- a job finds its row of the previous plan by ``job_id``, else by item and due date (planned
  order ids are not stable); that row gives its previous line and start when the line may
  still run it and the start is not before ``as_of``'s shift; a pin given as a date alone
  (a work order's) keeps the previous start's time of day when the previous plan ran the
  job on that line that day, so a frozen job that did not move stays where it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings

from .problem import MINUTES_PER_DAY, Job, Line, Mode, ProblemData
from .shifts import day_start

JOB_COLUMNS = (
    "job_id", "item_id", "quantity", "due_date", "ready_date", "feeders", "line_ids",
    "placements_per_board", "pinned", "line_id", "start_date",
)
LINE_COLUMNS = (
    "line_id", "placements_per_hour", "feeder_slots", "hours_per_day", "changeover_base_minutes",
    "minutes_per_feeder_change",
)
PREVIOUS_COLUMNS = ("job_id", "item_id", "due", "line_id", "start")
ROUNDING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class JobFacts:
    """What the output needs of a job besides the solver data."""

    quantity: float
    due_day: int
    ready_day: int | None  # None: material availability unknown (never clear to build)


@dataclass(frozen=True)
class BuiltProblem:
    data: ProblemData
    facts: tuple[JobFacts, ...]
    origin: datetime
    exceptions: pd.DataFrame


def ceil_minutes(value: float | np.ndarray) -> int | np.ndarray:
    """Round minutes up, ignoring floating-point noise."""
    if isinstance(value, np.ndarray):
        return np.ceil(value - ROUNDING_TOLERANCE).astype(np.int64)
    return int(math.ceil(value - ROUNDING_TOLERANCE))


def build_problem(jobs: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings,
                  previous: pd.DataFrame | None = None) -> BuiltProblem:
    """Solver data of the jobs some line can run, and ``no_line``/``pin_conflict`` rows;
    ``previous`` is the last published schedule (columns :data:`PREVIOUS_COLUMNS`)."""
    _require_columns(jobs, JOB_COLUMNS, "jobs")
    _require_columns(lines, LINE_COLUMNS, "lines")
    if previous is not None:
        _require_columns(previous, PREVIOUS_COLUMNS, "previous schedule")
    if jobs["job_id"].duplicated().any():
        raise ValueError(f"duplicate job ids: {sorted(jobs.loc[jobs['job_id'].duplicated(), 'job_id'])}")
    lines = lines.sort_values("line_id", kind="stable").reset_index(drop=True)
    rows = jobs.sort_values("job_id", kind="stable").to_dict("records")
    origin = datetime.combine(settings.as_of, settings.shift_start)
    as_of = pd.Timestamp(settings.as_of)
    line_index = {line_id: k for k, line_id in enumerate(lines["line_id"])}
    slots = lines["feeder_slots"].to_numpy()
    minutes_per_day = [min(MINUTES_PER_DAY, max(1, round(h * 60))) for h in lines["hours_per_day"]]

    kept, eligible, issues = [], [], []
    for row in rows:
        lines_of_job, message = eligible_lines(row, line_index, slots)
        if lines_of_job:
            kept.append(row)
            eligible.append(lines_of_job)
        else:
            issues.append(_exception("no_line", row, message))

    classes, changeovers = setup_classes(kept, lines)
    before = _previous_places(kept, eligible, previous, line_index, pd.Timestamp(origin))
    durations = [
        {k: max(1, ceil_minutes(row["quantity"] * row["placements_per_board"] / lines.at[k, "placements_per_hour"] * 60))
         for k in ks}
        for row, ks in zip(kept, eligible)
    ]
    pins, pin_issues = _pinned_starts(kept, eligible, durations, classes, changeovers, minutes_per_day,
                                      pd.Timestamp(origin), before)
    issues += pin_issues

    built_jobs, facts = [], []
    for j, (row, ks) in enumerate(zip(kept, eligible)):
        due_day = _day(row["due_date"], as_of)
        ready_day = None if pd.isna(row["ready_date"]) else _day(row["ready_date"], as_of)
        release_day = max(0, ready_day or 0)
        modes = tuple(
            Mode(k, durations[j][k], day_start(release_day, minutes_per_day[k]), day_start(due_day, minutes_per_day[k]))
            for k in ks
        )
        preferred = line_index.get(row["line_id"]) if not _is_pinned(row) else None
        place = before.get(j)
        previous_line = None if place is None or _is_pinned(row) else place[0]
        previous_start = None if previous_line is None else _working_minute(place[1], pd.Timestamp(origin),
                                                                            minutes_per_day[previous_line])
        built_jobs.append(
            Job(
                job_id=str(row["job_id"]),
                item_id=str(row["item_id"]),
                modes=modes,
                pinned_start=pins.get(j),
                preferred_line=preferred if preferred in ks else None,
                due_key=due_day * MINUTES_PER_DAY,
                previous_line=previous_line,
                previous_start=previous_start,
            )
        )
        facts.append(JobFacts(float(row["quantity"]), due_day, ready_day))
    data = ProblemData(
        jobs=tuple(built_jobs),
        lines=tuple(Line(str(lid), w) for lid, w in zip(lines["line_id"], minutes_per_day)),
        changeover_minutes=tuple(changeovers),
        setup_classes=tuple(classes),
    )
    exceptions = pd.DataFrame(issues, columns=["type", "item_id", "ref_id", "date", "quantity", "message"])
    exceptions["date"] = pd.to_datetime(exceptions["date"])
    return BuiltProblem(data, tuple(facts), origin, exceptions)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} table lacks columns {missing}")


def _is_pinned(row: dict) -> bool:
    return bool(row["pinned"]) and bool(row["line_id"])


def _day(value, as_of: pd.Timestamp) -> int:
    return int((pd.Timestamp(value).normalize() - as_of).days)


def eligible_lines(row: dict, line_index: dict[str, int], slots: np.ndarray) -> tuple[list[int], str]:
    """Lines that can run the job, and why none can when the list is empty."""
    needed = len(row["feeders"])
    if _is_pinned(row):
        k = line_index.get(row["line_id"])
        if k is None:
            return [], f"pinned to unknown line {row['line_id']}"
        if slots[k] < needed:
            return [], f"pinned to line {row['line_id']} with {slots[k]} feeder slots; the job needs {needed} feeders"
        return [k], ""
    listed = tuple(row["line_ids"]) or tuple(line_index)
    known = [line_index[lid] for lid in listed if lid in line_index]
    fitting = sorted(k for k in known if slots[k] >= needed)
    if fitting:
        return fitting, ""
    if not known:
        return [], f"none of its lines exist: {';'.join(listed) or '(no lines)'}"
    return [], f"needs {needed} feeders; its lines have at most {max(slots[k] for k in known)} slots"


def setup_classes(rows: list[dict], lines: pd.DataFrame) -> tuple[list[int], list[np.ndarray]]:
    """Each job's setup class (its item and feeders) and, per line, the changeover between
    classes: ``c[l][a,b] = base_l + per_feeder_l × |feeders_b − feeders_a|``, 0 within an item.

    The matrices grow with the distinct setups, not the jobs; the shared feeders are
    counted with one matrix product of the classes' feeder incidence."""
    keys = sorted({(str(row["item_id"]), tuple(row["feeders"])) for row in rows})
    index = {key: k for k, key in enumerate(keys)}
    classes = [index[str(row["item_id"]), tuple(row["feeders"])] for row in rows]
    feeders = sorted({f for _, fs in keys for f in fs})
    column = {f: k for k, f in enumerate(feeders)}
    loaded = np.zeros((len(keys), len(feeders)), dtype=np.float32)  # exact: counts stay far below 2**24
    for k, (_, fs) in enumerate(keys):
        loaded[k, [column[f] for f in fs]] = 1.0
    new_feeders = (loaded.sum(axis=1)[None, :] - loaded @ loaded.T).astype(np.int64)
    items = np.array([item for item, _ in keys], dtype=object)
    same_item = items[:, None] == items[None, :]
    matrices = []
    for line in lines.itertuples(index=False):
        minutes = ceil_minutes(line.changeover_base_minutes + line.minutes_per_feeder_change * new_feeders.astype(float))
        matrices.append(np.where(same_item, 0, minutes).astype(np.int64))
    return classes, matrices


def _pinned_starts(rows, eligible, durations, classes, changeovers, minutes_per_day,
                   origin: pd.Timestamp, before: dict[int, tuple[int, pd.Timestamp]]) -> tuple[dict[int, int], list[dict]]:
    """Pinned starts in working minutes; overlapping pins on a line are pushed back in order."""
    by_line: dict[int, list[tuple[int, int]]] = {}
    for j, row in enumerate(rows):
        if _is_pinned(row) and not pd.isna(row["start_date"]):
            k = eligible[j][0]
            pin = pd.Timestamp(row["start_date"])
            if pin == pin.normalize() and j in before and before[j][0] == k and before[j][1].normalize() == pin:
                pin = before[j][1]  # the date of the previous start: keep its time of day
            wanted = max(0, _pinned_minute(pin, origin, minutes_per_day[k]))
            by_line.setdefault(k, []).append((wanted, j))
    starts, issues = {}, []
    for k, pinned in sorted(by_line.items()):
        previous, free_at = None, 0
        for wanted, j in sorted(pinned, key=lambda p: (p[0], rows[p[1]]["job_id"])):
            earliest = free_at + (0 if previous is None else int(changeovers[k][classes[previous], classes[j]]))
            starts[j] = max(wanted, earliest)
            if starts[j] > wanted:
                issues.append(
                    _exception("pin_conflict", rows[j], f"pinned start moved {starts[j] - wanted} working minutes "
                               f"later: line busy with {rows[previous]['job_id']}", date=rows[j]["start_date"])
                )
            previous, free_at = j, starts[j] + durations[j][k]
    return starts, issues


def _previous_places(rows: list[dict], eligible: list[list[int]], previous: pd.DataFrame | None,
                     line_index: dict[str, int], origin: pd.Timestamp) -> dict[int, tuple[int, pd.Timestamp]]:
    """Each job's line and start in the previous plan: the row of its ``job_id``, else a row
    of its item and due date (in start order, to jobs in id order) that no job claimed by id.
    Rows on a line the job may no longer use, or starting before ``origin``, give no place."""
    if previous is None or previous.empty:
        return {}
    rows_by_id = {str(r["job_id"]): r for r in previous.sort_values("start", kind="stable").to_dict("records")}
    claimed = {str(row["job_id"]) for row in rows if str(row["job_id"]) in rows_by_id}
    by_key: dict[tuple[str, pd.Timestamp], list[dict]] = {}
    for r in rows_by_id.values():
        if r["job_id"] not in claimed:
            by_key.setdefault((str(r["item_id"]), pd.Timestamp(r["due"]).normalize()), []).append(r)
    places = {}
    for j, row in enumerate(rows):
        match = rows_by_id.get(str(row["job_id"]))
        if match is None:
            candidates = by_key.get((str(row["item_id"]), pd.Timestamp(row["due_date"]).normalize()))
            match = candidates.pop(0) if candidates else None
        if match is None or pd.isna(match["start"]):
            continue
        line, start = line_index.get(str(match["line_id"])), pd.Timestamp(match["start"])
        if line in eligible[j] and start >= origin:
            places[j] = (line, start)
    return places


def _working_minute(start: pd.Timestamp, origin: pd.Timestamp, minutes_per_day: int) -> int:
    """Working minute of a wall-clock start (the next shift start when the line is off shift)."""
    day, minute = divmod(int((start - origin).total_seconds() // 60), MINUTES_PER_DAY)
    return day_start(day, minutes_per_day) + minute if minute < minutes_per_day else day_start(day + 1, minutes_per_day)


def _pinned_minute(start: pd.Timestamp, origin: pd.Timestamp, minutes_per_day: int) -> int:
    """Working minute of a pinned start. A date alone (midnight) means ``shift_start`` that day,
    as the format says for work orders; a planner's time of day is kept, or moved to the next
    shift start when the line is off shift then."""
    if start == start.normalize():
        return day_start(int((start - origin.normalize()).days), minutes_per_day)
    return _working_minute(start, origin, minutes_per_day)


def _exception(kind: str, row: dict, message: str, date=None) -> dict:
    return {
        "type": kind,
        "item_id": str(row["item_id"]),
        "ref_id": str(row["job_id"]),
        "date": row["due_date"] if date is None else date,
        "quantity": float(row["quantity"]),
        "message": message,
    }
