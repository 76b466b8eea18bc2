"""Working minutes of a line and the wall clock.

A line works ``W`` minutes a day from ``shift_start`` (``W = hours_per_day × 60``). The
model counts time in *working minutes* of each line: minute 0 is ``shift_start`` on
``as_of``, and minute ``t`` is minute ``t mod W`` of the shift of day ``t div W``. A job or
changeover that reaches the end of a shift stops and continues at the next shift start,
so in working minutes it is one unbroken interval, and shifts cost nothing in the model.

Wall-clock times are counted in minutes from the same origin (``shift_start`` on
``as_of``); a day is 1440 wall minutes.
"""

from __future__ import annotations

from .problem import MINUTES_PER_DAY


def day_start(day: int, minutes_per_day: int) -> int:
    """Working minute at ``shift_start`` of ``day`` (days after ``as_of``; may be negative)."""
    return day * minutes_per_day


def wall_start(minute: int, minutes_per_day: int) -> int:
    """Wall minute at which work at working ``minute`` begins (a start never sits in a pause)."""
    day, offset = divmod(minute, minutes_per_day)
    return day * MINUTES_PER_DAY + offset


def wall_end(minute: int, minutes_per_day: int) -> int:
    """Wall minute at which work up to working ``minute`` is done: an end that falls on a
    shift end is that shift's end, not the next shift's start."""
    if minute <= 0:
        return wall_start(minute, minutes_per_day)
    return wall_start(minute - 1, minutes_per_day) + 1

