"""The run budget: every stage of a plan or nightly run gets a share of ``budget_minutes``.

``settings.toml`` ``[run] budget_minutes`` (default 30) bounds the whole ``reelplan plan``
command or nightly run. Each stage has a fixed share of it (:data:`STAGE_SHARES`). A stage
that can stop early (purchasing, sequencing) receives two limits derived from its share:

- a **deterministic work limit** (solver work units, iterations, counters), computed from the
  share alone, so the same dataset and settings give the same plan on an idle and on a
  saturated machine — this is the limit meant to end a search;
- a **wall-clock safety net**: the share plus whatever earlier stages left unused, so the run
  as a whole stays within its budget even when the machine is slower than the calibration.

A stage reports which limit ended it (``stopped_by``: ``None``, ``"work_limit"`` or
``"wall_clock"``) and, when one did, what that means for the plan (``cut``). MRP, reading and
writing cannot return a partial answer; when they overrun their share, the report says so and
the later stages' safety nets shrink accordingly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: Share of the run budget per stage (a run's stages add up to 1). ``read`` is reading and validating
#: the dataset (from files or the store), ``write`` writing the plan folder or publishing.
STAGE_SHARES: dict[str, float] = {
    "read": 0.05,
    "mrp": 0.15,
    "purchasing": 0.45,
    "sequencing": 0.25,
    "write": 0.10,
    "publish": 0.10,  # the nightly run's "write": into the store instead of a folder
}


def plan_stages(*, optimize: bool, schedule: bool, read: bool = False, write: bool = False) -> tuple[str, ...]:
    """The stages a run goes through, in order (``read``/``write`` when the caller times them too)."""
    wanted = {"read": read, "mrp": True, "purchasing": optimize, "sequencing": schedule, "write": write}
    return tuple(name for name, on in wanted.items() if on)


@dataclass(frozen=True)
class StageEvent:
    """A stage starting or ending, for a progress display: stage ``index`` of ``count``."""

    name: str
    index: int
    count: int
    phase: str  # "start" or "end"
    elapsed_s: float  # in this stage (0 at its start)
    budget_left_s: float  # of the whole run, at this moment
    detail: str = ""

    def __str__(self) -> str:
        return self.name

    def line(self) -> str:
        """One line a person reads, e.g. ``[2/3] purchasing done in 12.4 s (1,204 items) · 27:31 of budget left``."""
        head = f"[{self.index}/{self.count}] {self.name}"
        left = f"{_clock(self.budget_left_s)} of budget left"
        if self.phase == "start":
            return f"{head} started · {left}"
        detail = f" ({self.detail})" if self.detail else ""
        return f"{head} done in {self.elapsed_s:.1f} s{detail} · {left}"


Progress = Callable[[StageEvent], None]


@dataclass
class StageRecord:
    """What ``summary.json`` says of one stage."""

    seconds: float
    share_seconds: float
    stopped_by: str | None = None
    cut: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seconds": self.seconds, "share_seconds": self.share_seconds,
                               "stopped_by": self.stopped_by}
        if self.cut:
            out["cut"] = self.cut
        return out


@dataclass
class StageClock:
    """Handed to the code of one stage: its limits, and where it reports how it ended."""

    name: str
    share_s: float
    wall_limit_s: float
    stopped_by: str | None = None
    cut: str | None = None
    detail: str = ""

    def report(self, summary: dict[str, Any] | None, detail: str = "") -> None:
        """Take ``stopped_by``/``cut`` from a stage's summary, and a progress detail."""
        if summary:
            self.stopped_by = summary.get("stopped_by")
            self.cut = summary.get("cut")
        self.detail = detail


@dataclass
class RunBudget:
    """Hands each stage its limits and keeps the per-stage record for the summary."""

    minutes: float
    stages: tuple[str, ...]
    progress: Progress | None = None
    clock: Callable[[], float] = time.monotonic
    records: dict[str, StageRecord] = field(default_factory=dict)
    _started: float | None = None
    _spent_shares: float = 0.0

    @property
    def total_s(self) -> float:
        return self.minutes * 60.0

    def share_s(self, name: str) -> float:
        """The stage's share of the budget in seconds (the basis of its deterministic limit)."""
        return STAGE_SHARES[name] * self.total_s

    def left_s(self) -> float:
        if self._started is None:
            return self.total_s
        return self.total_s - (self.clock() - self._started)

    @contextmanager
    def stage(self, name: str, seconds: float | None = None) -> Iterator[StageClock]:
        """Run one stage: announce it, hand it its limits, record how long it took and how it ended.

        ``seconds``, when given, replaces the stage's share (a ``--...-time-limit`` flag)."""
        if self._started is None:
            self._started = self.clock()
        self._spent_shares += self.share_s(name)
        unused_before = max(0.0, (self._spent_shares - self.share_s(name)) - (self.clock() - self._started))
        share = self.share_s(name) if seconds is None else seconds
        stage = StageClock(name, share, share + unused_before if seconds is None else seconds)
        index = self.stages.index(name) + 1 if name in self.stages else len(self.records) + 1
        count = max(len(self.stages), index)
        self._emit(StageEvent(name, index, count, "start", 0.0, self.left_s()))
        began = self.clock()
        yield stage
        seconds = round(self.clock() - began, 3)
        cut = stage.cut
        if cut is None and seconds > stage.wall_limit_s and stage.stopped_by is None:
            cut = (f"{name} took {seconds:.0f} s against its share of {share:.0f} s; "
                   "later stages had less time")
        self.records[name] = StageRecord(seconds, round(share, 3), stage.stopped_by, cut)
        self._emit(StageEvent(name, index, count, "end", seconds, self.left_s(), stage.detail))

    def _emit(self, event: StageEvent) -> None:
        if self.progress:
            self.progress(event)

    def summary(self) -> dict[str, Any]:
        """``summary.json``'s ``run`` entry: budget, and per stage its seconds, share and limit."""
        cut = {name: r.cut for name, r in self.records.items() if r.cut}
        return {
            "budget_minutes": self.minutes,
            "stages": {name: r.as_dict() for name, r in self.records.items()},
            "stopped_early": sorted(n for n, r in self.records.items() if r.stopped_by),
            "wall_clock_fired": sorted(n for n, r in self.records.items() if r.stopped_by == "wall_clock"),
            **({"cuts": cut} if cut else {}),
        }


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"
