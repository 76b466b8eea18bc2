"""Stand-ins for ``jobs.pipeline.run_plan`` that let a test control what a run plans and when."""

from __future__ import annotations

import threading
from typing import Any

from mrp.dataset import Dataset
from mrp.plan import Plan
from tests.connectors.store.sample_plans import sample_plan, schedule, suggestions


class RecordingPlanner:
    """Returns ``plan`` (a sample plan by default) and keeps what each call was given."""

    def __init__(self, plan: Plan | None = None) -> None:
        self.plan = plan or sample_plan("A")
        self.calls: list[dict[str, Any]] = []

    def __call__(self, dataset: Dataset, **kwargs: Any) -> Plan:
        self.calls.append({"dataset": dataset, **kwargs})
        kwargs["progress"]("mrp")
        return self.plan

    @property
    def last(self) -> dict[str, Any]:
        return self.calls[-1]


class BlockingPlanner(RecordingPlanner):
    """Signals ``started`` once planning has begun, then waits for ``release``."""

    def __init__(self, plan: Plan | None = None) -> None:
        super().__init__(plan)
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self, dataset: Dataset, **kwargs: Any) -> Plan:
        plan = super().__call__(dataset, **kwargs)
        self.started.set()
        assert self.release.wait(30), "never released"
        return plan


def failing_planner(dataset: Dataset, **kwargs: Any) -> Plan:
    kwargs["progress"]("purchasing")
    raise RuntimeError("solver exploded")


def decision_plan() -> Plan:
    """A plan of the small test dataset (tests/data/valid/small) with suggestions and jobs to decide on."""
    plan = sample_plan("A")
    plan.purchase_suggestions = suggestions(
        ("S1", "MCU", "ARROW", "STM32F4", 2500.0, "2026-11-23", "2027-01-18", 3.4),
        ("S2", "RES", "ARROW", "RC0603-10K", 5000.0, "2026-12-01", "2026-12-15", 0.002),
    )
    plan.schedule = schedule(
        ("P7", "PCB1", 200.0, "SMT1", "2026-11-23 09:00", "2026-11-23 10:00", "2026-12-20 07:30"),
        ("WO-1", "PCB1", 150.0, "SMT1", "2026-11-24 07:00", "2026-11-24 07:20", "2026-12-03 07:30"),
        ("P8", "PCB1", 100.0, "SMT2", "2026-11-24 08:00", "2026-11-24 09:00", "2026-12-27 07:30"),
    )
    return plan
