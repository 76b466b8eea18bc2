"""The planner's Gantt chart of the SMT lines, as SVG bytes (the caller writes the file).

One row per line; jobs in blue, late jobs in red, jobs not clear to build hatched;
changeovers in grey before their job; the lines' off-shift time shaded. A job that runs
across a shift end is drawn in pieces, one per shift. Drawn with matplotlib's object API
(no pyplot, no global backend), with a fixed SVG id salt and no date stamp, so the same
schedule gives the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mrp.dataset import PlanSettings

ON_TIME, LATE, CHANGEOVER, OFF_SHIFT = "#4c78a8", "#e45756", "#9d9d9d", "#eeeeee"


def render_gantt(schedule: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings) -> bytes:
    """SVG of the schedule (``schedule.csv`` rows with ``clear_to_build``) on ``lines``."""
    line_ids = sorted(lines["line_id"].astype(str))
    hours = dict(zip(lines["line_id"].astype(str), lines["hours_per_day"].astype(float)))
    first = datetime.combine(settings.as_of, settings.shift_start)
    last = max([first + timedelta(days=1), *pd.to_datetime(schedule["end"]).dt.to_pydatetime()])
    figure = Figure(figsize=(min(40.0, 8.0 + (last - first).days * 0.6), 1.2 + 0.6 * len(line_ids)))
    ax = figure.add_subplot()
    for row, line_id in enumerate(line_ids):
        ax.broken_barh(_spans(list(_off_shift(first, last, hours[line_id]))), (row - 0.45, 0.9), facecolors=OFF_SHIFT, zorder=0)
    for job in schedule.itertuples(index=False):
        row = line_ids.index(str(job.line_id))
        per_day = hours[str(job.line_id)]
        if job.changeover_minutes:
            pieces = _on_shift(job.setup_start.to_pydatetime(), job.start.to_pydatetime(), first, per_day)
            ax.broken_barh(_spans(pieces), (row - 0.3, 0.6), facecolors=CHANGEOVER, zorder=2)
        pieces = _on_shift(job.start.to_pydatetime(), job.end.to_pydatetime(), first, per_day)
        ax.broken_barh(
            _spans(pieces), (row - 0.3, 0.6), facecolors=LATE if job.tardiness_minutes > 0 else ON_TIME,
            edgecolor="black", linewidth=0.4, hatch=None if job.clear_to_build else "///", zorder=3,
        )
        if pieces:
            ax.text(mdates.date2num(pieces[0][0]), row, f" {job.job_id}", va="center", fontsize=5, zorder=4)
    ax.set_yticks(range(len(line_ids)), line_ids)
    ax.set_ylim(len(line_ids) - 0.5, -0.5)
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M"))
    figure.autofmt_xdate()
    ax.set_title(f"SMT schedule from {settings.as_of.isoformat()}")
    ax.legend(
        handles=[Patch(color=ON_TIME, label="job"), Patch(color=LATE, label="late job"),
                 Patch(facecolor="white", edgecolor="black", hatch="///", label="not clear to build"),
                 Patch(color=CHANGEOVER, label="changeover"), Patch(color=OFF_SHIFT, label="off shift")],
        loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=6, ncols=5, frameon=False,
    )
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "reelplan", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def _spans(pieces: list[tuple[datetime, datetime]]) -> list[tuple[float, float]]:
    return [(mdates.date2num(a), mdates.date2num(b) - mdates.date2num(a)) for a, b in pieces]


def _off_shift(first: datetime, last: datetime, hours_per_day: float):
    """Off-shift periods between ``first`` (a shift start) and ``last``."""
    if hours_per_day >= 24:
        return
    day = first
    while day < last:
        yield day + timedelta(hours=hours_per_day), day + timedelta(days=1)
        day += timedelta(days=1)


def _on_shift(start: datetime, end: datetime, first: datetime, hours_per_day: float) -> list[tuple[datetime, datetime]]:
    """The pieces of ``[start, end)`` inside shifts (shifts start daily at ``first``'s time)."""
    if hours_per_day >= 24:
        return [(start, end)] if end > start else []
    pieces = []
    day = first + timedelta(days=(start - first).days)
    while day < end:
        a, b = max(start, day), min(end, day + timedelta(hours=hours_per_day))
        if b > a:
            pieces.append((a, b))
        day += timedelta(days=1)
    return pieces
