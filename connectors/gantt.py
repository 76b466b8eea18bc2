"""The planner's Gantt charts of the SMT lines, as SVG bytes (the caller writes the files).

Rendering is translation, not planning: this module draws ``schedule.csv`` rows (with
``clear_to_build``) and knows nothing of the solver. Each chart covers a fixed window
from ``shift_start`` on ``as_of``: the detailed window (``schedule_horizon_days``) and the
next 14 days. One row per line; a job is a bar labelled with its item (and job id when
there is room; a label that does not fit its bar is left out), on time in blue, late in
red with a dark outline; a job not clear to build is hatched; the changeover before a
job is a grey bar; a job's due time is a tick under its bar (red when the job ends after
it); off-shift time is shaded and weekends are tinted. A job that runs across a shift end
is drawn in pieces, one per shift. Drawn with matplotlib's object API (no pyplot, no
global backend), with a fixed SVG id salt and no date stamp, so the same schedule gives
the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mrp.dataset import PlanSettings

ON_TIME, LATE, LATE_EDGE, CHANGEOVER, OFF_SHIFT, WEEKEND = (
    "#4c78a8", "#e45756", "#7a0000", "#b0b0b0", "#ececec", "#f7f3e3")
NEAR_DAYS = 14
FONT_SIZE = 6.5
CHAR_WIDTH = 0.55  # average glyph width in em of the sans-serif font, to decide whether a label fits
INCHES_PER_DAY = {NEAR_DAYS: 2.2}
DEFAULT_INCHES_PER_DAY = 1.2
ROW_INCHES = 0.75
MIN_BAR_INCHES = 0.03


def gantt_pictures(schedule: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings) -> dict[str, bytes]:
    """The plan folder's charts: ``schedule_gantt.svg`` (the detailed window) and
    ``schedule_gantt_14d.svg`` (the next two weeks)."""
    return {
        "schedule_gantt.svg": render_gantt(schedule, lines, settings, days=settings.schedule_horizon_days),
        f"schedule_gantt_{NEAR_DAYS}d.svg": render_gantt(schedule, lines, settings, days=NEAR_DAYS),
    }


def render_gantt(schedule: pd.DataFrame, lines: pd.DataFrame, settings: PlanSettings, *, days: int = NEAR_DAYS,
                 image_format: str = "svg") -> bytes:
    """The chart of ``days`` days from ``shift_start`` on ``as_of``, as ``image_format``
    (``svg``, or ``png`` for a quick look)."""
    line_ids = sorted(lines["line_id"].astype(str))
    hours = dict(zip(lines["line_id"].astype(str), lines["hours_per_day"].astype(float)))
    first = datetime.combine(settings.as_of, settings.shift_start)
    last = first + timedelta(days=days)
    shown = _in_window(schedule, first, last)
    width = max(8.0, days * INCHES_PER_DAY.get(days, DEFAULT_INCHES_PER_DAY))
    figure = Figure(figsize=(width, 1.6 + ROW_INCHES * len(line_ids)))
    ax = figure.add_axes((0.06, 1.1 / figure.get_figheight(), 0.92, 1 - 1.5 / figure.get_figheight()))
    plot_inches = width * 0.92
    minutes_per_inch = days * 1440 / plot_inches

    _background(ax, line_ids, hours, first, last)
    following = shown.groupby("line_id", sort=False)["setup_start"].shift(-1).fillna(pd.Timestamp(last))
    for job, free_until in zip(shown.itertuples(index=False), following):
        row = line_ids.index(str(job.line_id))
        _draw_job(ax, job, row, (first, last), hours[str(job.line_id)], minutes_per_inch,
                  min(free_until.to_pydatetime(), last))

    ax.set_yticks(range(len(line_ids)), line_ids, fontsize=9)
    ax.set_ylim(len(line_ids) - 0.5, -0.5)
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d %b"))
    ax.tick_params(axis="x", labelsize=7 if days <= NEAR_DAYS else 6)
    ax.grid(axis="x", color="#999999", linewidth=0.4, alpha=0.6)
    ax.set_axisbelow(True)
    late = shown[shown["tardiness_minutes"] > 0]
    ax.set_title(
        f"SMT lines, {days} days from {first:%a %d %b %Y %H:%M} — {len(shown)} jobs, {len(late)} late "
        f"({late['tardiness_minutes'].sum() / 60:.1f} h late in total)", fontsize=10, loc="left")
    ax.legend(
        handles=[Patch(facecolor=ON_TIME, edgecolor="black", label="job (item, job id)"),
                 Patch(facecolor=LATE, edgecolor=LATE_EDGE, linewidth=1.5, label="late job"),
                 Patch(facecolor="white", edgecolor="black", hatch="///", label="not clear to build"),
                 Patch(facecolor=CHANGEOVER, label="changeover"),
                 Line2D([], [], color="black", marker="^", linestyle="none", markersize=5, label="due"),
                 Line2D([], [], color=LATE, marker="^", linestyle="none", markersize=5, label="due (missed)"),
                 Patch(facecolor=OFF_SHIFT, label="off shift"), Patch(facecolor=WEEKEND, label="weekend")],
        loc="upper left", bbox_to_anchor=(0.0, -0.45 / ROW_INCHES / max(1, len(line_ids)) - 0.04), fontsize=7,
        ncols=8, frameon=False,
    )
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "reelplan", "svg.fonttype": "none"}):
        metadata = {"Date": None} if image_format == "svg" else {"Software": None}
        figure.savefig(buffer, format=image_format, metadata=metadata, bbox_inches="tight", dpi=110)
    return buffer.getvalue()


def _in_window(schedule: pd.DataFrame, first: datetime, last: datetime) -> pd.DataFrame:
    """Jobs whose changeover or run overlaps the window, in a stable order."""
    setup = pd.to_datetime(schedule["setup_start"])
    end = pd.to_datetime(schedule["end"])
    shown = schedule[(end > pd.Timestamp(first)) & (setup < pd.Timestamp(last))]
    return shown.sort_values(["line_id", "start", "job_id"], kind="stable")


def _background(ax, line_ids: list[str], hours: dict[str, float], first: datetime, last: datetime) -> None:
    day = datetime.combine(first.date(), datetime.min.time())
    while day < last:
        if day.weekday() >= 5:
            ax.axvspan(mdates.date2num(day), mdates.date2num(day + timedelta(days=1)), color=WEEKEND, zorder=0)
        day += timedelta(days=1)
    for row, line_id in enumerate(line_ids):
        off = list(_off_shift(first, last, hours[line_id]))
        ax.broken_barh(_spans(off), (row - 0.45, 0.9), facecolors=OFF_SHIFT, zorder=0.5)


def _draw_job(ax, job, row: int, window: tuple[datetime, datetime], hours_per_day: float,
              minutes_per_inch: float, free_until: datetime) -> None:
    """The job's changeover, bar (at least ``MIN_BAR_INCHES`` wide, so a short job shows),
    due tick and label."""
    first, last = window
    late = job.tardiness_minutes > 0
    least = timedelta(minutes=MIN_BAR_INCHES * minutes_per_inch)
    if job.changeover_minutes:
        pieces = _clip(_on_shift(job.setup_start.to_pydatetime(), job.start.to_pydatetime(), first, hours_per_day),
                       first, last)
        ax.broken_barh(_spans(pieces), (row - 0.22, 0.44), facecolors=CHANGEOVER, zorder=2)
    pieces = _clip(_on_shift(job.start.to_pydatetime(), job.end.to_pydatetime(), first, hours_per_day), first, last)
    shown = [(a, max(b, a + least)) for a, b in pieces]
    ax.broken_barh(
        _spans(shown), (row - 0.3, 0.6), facecolors=LATE if late else ON_TIME,
        edgecolor=LATE_EDGE if late else "black", linewidth=1.4 if late else 0.4,
        hatch=None if job.clear_to_build else "///", zorder=3,
    )
    due = job.due.to_pydatetime()
    if first <= due <= last:
        ax.plot([mdates.date2num(due)], [row + 0.38], marker="^", markersize=4, linestyle="none",
                color=LATE if late else "black", zorder=4)
    if shown:
        _label(ax, job, row, max(shown, key=lambda p: p[1] - p[0]), (shown[-1][1], free_until), minutes_per_inch)


def _label(ax, job, row: int, piece: tuple[datetime, datetime], beside: tuple[datetime, datetime],
           minutes_per_inch: float) -> None:
    """Inside the bar's longest piece: the item and job id, or the item alone; else the
    item beside the bar when the line is free there; else nothing."""
    def fits(text: str, span: tuple[datetime, datetime]) -> bool:
        inches = (span[1] - span[0]).total_seconds() / 60 / minutes_per_inch
        return max(len(part) for part in text.split("\n")) * CHAR_WIDTH * FONT_SIZE / 72 + 0.04 <= inches

    for text in (f"{job.item_id}\n{job.job_id}", str(job.item_id)):
        if fits(text, piece):
            middle = piece[0] + (piece[1] - piece[0]) / 2
            ax.text(mdates.date2num(middle), row, text, ha="center", va="center", fontsize=FONT_SIZE,
                    color="white", linespacing=1.0, zorder=5, clip_on=True)
            return
    if fits(str(job.item_id), beside):
        ax.text(mdates.date2num(beside[0]), row, f" {job.item_id}", ha="left", va="center", fontsize=FONT_SIZE,
                color="#222222", zorder=5, clip_on=True)


def _spans(pieces: list[tuple[datetime, datetime]]) -> list[tuple[float, float]]:
    return [(mdates.date2num(a), mdates.date2num(b) - mdates.date2num(a)) for a, b in pieces]


def _clip(pieces: list[tuple[datetime, datetime]], first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
    return [(max(a, first), min(b, last)) for a, b in pieces if b > first and a < last]


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
