"""Rounding of computed quantities (format v1, "General rules").

Counted items plan in whole units, always rounded up; a value within 1e-9 of a whole
number *is* that number, so 2500.0000000001 stays 2500 instead of becoming 2501.
Compiled (numba), since the walk rounds every planned order; callable from Python too.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

TOLERANCE = 1e-9


@njit(cache=True)
def ceil_whole(x: float) -> float:
    """Round up to a whole number, ignoring floating-point noise."""
    nearest = np.round(x)
    if abs(x - nearest) <= TOLERANCE:
        return nearest
    return float(math.ceil(x))


@njit(cache=True)
def round_up_to_multiple(x: float, multiple: float) -> float:
    """The smallest multiple of ``multiple`` that is >= x (noise on x/multiple ignored)."""
    return ceil_whole(x / multiple) * multiple
