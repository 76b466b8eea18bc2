"""Several sites in one store: each site plans exactly as its dataset alone would, a run of
one site leaves the others' published plans alone, each site has its own lock, and an
unknown site is refused with the known ones listed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from connectors.store import import_folder, open_store, read_snapshot
from connectors.store.models import PlanningRun
from connectors.store.plans import current_run_id, load_plan
from connectors.store.runs import list_runs
from connectors.store.sites import BadSiteName, UnknownSite, site_names, sites_with_data
from jobs.budget import RunBudget, StageClock
from jobs.pipeline import run_plan
from jobs.runs import RunInProgress, RunOptions, execute_run, plan_all_sites, plan_one_site
from mrp.dataset import Dataset
from mrp.plan import PLAN_COLUMNS, Plan
from tests.connectors.store.fixtures import SMALL, engine, postgres_database, store_url  # noqa: F401
from tests.connectors.store.sample_plans import sample_plan
from tests.jobs.planners import BlockingPlanner, RecordingPlanner

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ems_factory"
AS_OF = dt.date(2026, 11, 23)
#: Solver shares of the real pipeline, as the CLI tests give them.
OPTIONS = RunOptions(optimize_time_limit_s=5.0, schedule_time_limit_s=5.0)


class _WorkBoundBudget(RunBudget):
    """The run budget with the wall-clock safety net an hour away: every solver stage ends on its
    deterministic work limit, so a plan depends on its input only, however loaded the machine."""

    @contextmanager
    def stage(self, name: str, seconds: float | None = None) -> Iterator[StageClock]:
        with super().stage(name, seconds) as clock:
            clock.wall_limit_s = 3600.0
            yield clock


def work_bound_planner(dataset: Dataset, **kwargs: Any) -> Plan:
    """``jobs.pipeline.run_plan`` under a :class:`_WorkBoundBudget`."""
    given: RunBudget = kwargs.pop("budget")
    return run_plan(dataset, budget=_WorkBoundBudget(given.minutes, given.stages), **kwargs)


def _plan_of(engine, site: str):
    with read_snapshot(engine) as session:
        return load_plan(session, site=site)


def _assert_same_plan(plan, alone) -> None:
    for name in PLAN_COLUMNS:
        ours, theirs = getattr(plan, name), getattr(alone, name)
        assert (ours is None) == (theirs is None), name
        if ours is not None:
            pd.testing.assert_frame_equal(ours, theirs, obj=name)
    for key in ("counts", "costs", "schedule"):
        assert plan.summary.get(key) == alone.summary.get(key), key


def test_each_site_plans_as_its_dataset_alone_in_a_store_of_its_own(engine, store_url, tmp_path):
    """The sample factory and the small dataset share a store; a separate SQLite store per
    dataset is the independent reference."""
    import_folder(engine, SAMPLE, site="sample")
    import_folder(engine, SMALL, site="small")
    outcomes = plan_all_sites(engine, as_of=AS_OF, options=OPTIONS, planner=work_bound_planner)
    assert [(o.site, o.status) for o in outcomes] == [("sample", "published"), ("small", "published")]

    for site, folder in (("sample", SAMPLE), ("small", SMALL)):
        alone = open_store(f"sqlite:///{tmp_path / (site + '.db')}")
        try:
            import_folder(alone, folder)
            execute_run(alone, as_of=AS_OF, options=OPTIONS, planner=work_bound_planner)
            _assert_same_plan(_plan_of(engine, site), _plan_of(alone, "default"))
        finally:
            alone.dispose()
    with read_snapshot(engine) as session:
        assert [r.site for r in list_runs(session, site="small")] == ["small"]
        assert current_run_id(session) is None  # the default site has no dataset and was not planned


def test_the_same_keys_live_side_by_side_in_two_sites(engine):
    import_folder(engine, SMALL)
    import_folder(engine, SMALL, site="plant-2")
    with read_snapshot(engine) as session:
        assert site_names(session) == ["default", "plant-2"]
        assert sites_with_data(session) == ["default", "plant-2"]
    import_folder(engine, SAMPLE, site="plant-2")  # re-importing one site leaves the other's rows
    from connectors.store import load_dataset

    with read_snapshot(engine) as session:
        assert list(load_dataset(session).items["item_id"]) == ["GW1", "PCB1", "MCU", "RES", "PASTE", "BOARD"]
        assert len(load_dataset(session, site="plant-2").items) == 208


def test_a_run_of_one_site_leaves_the_published_plan_of_another_untouched(engine):
    import_folder(engine, SMALL, site="a")
    import_folder(engine, SMALL, site="b")
    first = execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(sample_plan("A")), site="a")
    before = _plan_of(engine, "a")
    other = execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(sample_plan("B")), site="b",
                        options=RunOptions(keep_plans=1))
    again = execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(sample_plan("B")), site="b",
                        options=RunOptions(keep_plans=1))
    with read_snapshot(engine) as session:
        assert (current_run_id(session, "a"), current_run_id(session, "b")) == (first.id, again.id)
        assert session.get(PlanningRun, first.id).status == "published"  # b's pruning keeps a's plans
        assert session.get(PlanningRun, other.id).status == "archived"
    after = _plan_of(engine, "a")
    for name in ("purchase_suggestions", "schedule", "mrp_records"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))
    assert after.purchase_suggestions["quantity"].iloc[0] == 20000.0  # plan A's numbers, not B's


def test_each_site_has_its_own_planning_lock(engine):
    import_folder(engine, SMALL, site="a")
    import_folder(engine, SMALL, site="b")
    slow = BlockingPlanner()
    outcome: list[PlanningRun] = []
    first = threading.Thread(target=lambda: outcome.append(execute_run(engine, as_of=AS_OF, planner=slow, site="a")))
    first.start()
    try:
        assert slow.started.wait(30)
        with pytest.raises(RunInProgress, match=r"Planning run 1 \(manual\) of site 'a' is in progress"):
            execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(), site="a")
        assert plan_one_site(engine, "a", as_of=AS_OF, planner=RecordingPlanner()).status == "busy"
        other = execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(), site="b")  # b plans meanwhile
        assert other.status == "published" and other.site == "b"
    finally:
        slow.release.set()
        first.join(30)
    assert outcome[0].status == "published" and outcome[0].site == "a"


def test_an_unknown_site_is_refused_with_the_known_ones_listed_and_nothing_recorded(engine):
    import_folder(engine, SMALL, site="plant-2")
    with pytest.raises(UnknownSite, match=r"no site 'plant-3'; its sites: default, plant-2\. .*--site plant-3"):
        execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(), site="plant-3")
    with pytest.raises(BadSiteName, match=r"'plant 3' is not a site name; give 1 to 40 letters"):
        import_folder(engine, SMALL, site="plant 3")
    with read_snapshot(engine) as session:
        assert session.get(PlanningRun, 1) is None
        assert site_names(session) == ["default", "plant-2"]
