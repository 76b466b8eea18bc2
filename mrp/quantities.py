"""Rounding of computed quantities (format v1, "General rules").

Counted items plan in whole units, always rounded up; a value within 1e-9 of a whole
number *is* that number, so 2500.0000000001 stays 2500 instead of becoming 2501.
"""

from __future__ import annotations

import math

TOLERANCE = 1e-9


def ceil_whole(x: float) -> float:
    """Round up to a whole number, ignoring floating-point noise."""
    nearest = round(x)
    if abs(x - nearest) <= TOLERANCE:
        return float(nearest)
    return float(math.ceil(x))


def round_up_to_multiple(x: float, multiple: float) -> float:
    """The smallest multiple of ``multiple`` that is >= x (noise on x/multiple ignored)."""
    return ceil_whole(x / multiple) * multiple


def round_up(x: float, counted: bool) -> float:
    """Whole units for counted items; decimals stay as they are."""
    return ceil_whole(x) if counted else x


def apportion(total: float, weights: list[float], counted: bool) -> list[float]:
    """Split ``total`` in proportion to ``weights``; whole units for counted items.

    Largest remainder keeps the parts summing exactly to ``total`` (ties go to the
    earlier part), so pegged quantities add up to the requirement they split.
    """
    if len(weights) == 1:
        return [total] if weights[0] > 0 else [0.0]
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0.0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    if not counted:
        return exact
    floors = [math.floor(e + TOLERANCE) for e in exact]
    left = int(round(total - sum(floors)))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:max(left, 0)]:
        floors[i] += 1
    return [float(f) for f in floors]
