"""The purchasing stage's limits: a deterministic work limit first, the wall clock as a safety net.

Work is counted in *work units*, about one microsecond of elapsed time on the reference
machine while it is shared (2 cores, load average 10–12: a process gets a quarter to a
third of a core; docs/purchasing.md, "Work limit"). Every step estimates its work
from the sizes of what it is given — never from how long it took — so how far the stage
gets depends only on the input and ``work_limit``: the same input and limit give the same
plan on an idle or a loaded machine. The wall clock only stops work that overruns
``time_limit_s``; the summary then says ``stopped_by: "wall_clock"``.

The constants below convert sizes into work units; they were measured on this machine
(3,000-item generated factory, sample factory) while other jobs shared its cores.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

#: Work units one second of budget buys: ``work_limit = WORK_PER_SECOND * seconds``.
WORK_PER_SECOND = 1_000_000
#: Per (need day × need day × offer option) cell of the lot-sizing recursion.
WORK_PER_LOT_SIZING_CELL = 0.3
#: Per state × event of the receipts recursion (:func:`optimizer.purchasing.receipts.receipt_work`).
WORK_PER_RECURSION_STEP = 1.0
#: Per estimated column of a block's LP relaxation.
WORK_PER_LP_COLUMN = 40.0
#: Per estimated column of a block's MILP (``MAX_NODES`` branch-and-bound nodes).
WORK_PER_MILP_COLUMN = 6_700.0
#: Per column of a costing program (:func:`optimizer.purchasing.cost.evaluate`).
WORK_PER_COSTING_COLUMN = 4.0
#: Per planned order turned into a plain MRP line.
WORK_PER_PLANNED_ORDER = 100.0
#: Per suggested line explained (reasons, alternative, demands).
WORK_PER_EXPLAINED_LINE = 250.0


@dataclass
class Budget:
    """Work units spent against ``work_limit`` (None: no limit) and a wall-clock deadline (None: none).

    ``afford`` is asked before optional work (improving on the plain MRP plan) and charges
    it when it fits; ``charge`` books work that must be done whatever the limit (the plain
    MRP plan, its cost, the suggestions table). ``stopped_by`` records the first limit that
    turned work away.
    """

    work_limit: float | None
    time_limit_s: float | None
    used: float = 0.0
    stopped_by: str | None = None
    _deadline: float = field(default=math.inf, repr=False)
    _kept_s: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if self.time_limit_s is not None:
            self._deadline = time.monotonic() + self.time_limit_s

    def afford(self, units: float) -> bool:
        """True (and charged) when ``units`` fit the work limit and the wall clock has not run out
        (the work limit is asked first: when it refuses, the reason is the same on every run)."""
        if self.work_limit is not None and self.used + units > self.work_limit:
            self.stopped_by = self.stopped_by or "work_limit"
            return False
        if self.out_of_time():
            return False
        self.used += units
        return True

    def charge(self, units: float) -> None:
        self.used += units

    def left(self) -> float:
        """Work units not yet spent (inf without a limit)."""
        return math.inf if self.work_limit is None else max(self.work_limit - self.used, 0.0)

    def keep_seconds(self, seconds: float) -> None:
        """Keeps ``seconds`` before the deadline for the work that must follow (costing the
        chosen lines, the suggestions table): optional work stops that much earlier."""
        self._kept_s = seconds

    def seconds_left(self) -> float:
        """Wall-clock seconds optional work may still use (inf without a deadline); the solvers' safety net."""
        return self._deadline - self._kept_s - time.monotonic()

    def out_of_time(self) -> bool:
        if self.seconds_left() <= 0.0:
            self.note_wall_clock()
            return True
        return False

    def note_wall_clock(self) -> None:
        """The deadline cut work short: the plan may now differ from run to run, which outranks the work limit."""
        self.stopped_by = "wall_clock"
