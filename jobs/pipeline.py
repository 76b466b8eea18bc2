"""One planning run: MRP, then purchasing optimisation, then SMT sequencing.

The pipeline composes the pure stages and times them; it reads no files and no clock
other than the stage timer. ``reelplan plan``, the nightly job and the API all call
:func:`run_plan`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from mrp.dataset import Dataset
from mrp.engine import MrpResult, plan_mrp
from mrp.plan import Plan

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@contextmanager
def _stage(name: str, timings: dict[str, float], progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(name)
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 3)
    log.info("stage %s took %.3f s", name, timings[name])


def run_plan(
    dataset: Dataset,
    *,
    optimize: bool = True,
    schedule: bool = True,
    optimize_time_limit_s: float = 60.0,
    schedule_time_limit_s: float = 30.0,
    progress: Progress | None = None,
    pins: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
) -> Plan:
    """Plan a validated dataset. Stages left out leave their tables as None."""
    timings: dict[str, float] = {}
    with _stage("mrp", timings, progress):
        mrp = plan_mrp(dataset)
    plan = Plan(
        planned_orders=mrp.planned_orders,
        exceptions=mrp.exceptions,
        pegging=mrp.pegging,
        mrp_records=mrp.mrp_records,
    )
    plan.summary = _summary(dataset, mrp, timings)
    return plan


def _summary(dataset: Dataset, mrp: MrpResult, timings: dict[str, float]) -> dict[str, Any]:
    exceptions = mrp.exceptions["type"].value_counts().sort_index()
    return {
        "as_of": dataset.settings.as_of.isoformat(),
        "horizon_days": dataset.settings.horizon_days,
        "counts": {
            **mrp.counts,
            "exceptions_by_type": {str(k): int(v) for k, v in exceptions.items()},
        },
        "stage_seconds": timings,
    }
