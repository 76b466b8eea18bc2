"""Scenario runs on a real Dask cluster (a scheduler and two workers on 127.0.0.1) against a
PostgreSQL store: the same plans as in this process, the published plan untouched, a worker
killed mid-run, a scheduler that does not answer, a SQLite store refused.

The runs leave out purchasing (the engine is the point here; the plan of each stage is
tested elsewhere) and keep SMT sequencing, whose deterministic work limit makes the plan the
same on every machine."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func
from sqlmodel import select

from connectors.store import import_folder, open_store, read_snapshot
from connectors.store.models import PLAN_MODELS, IdCounter, PlanningRun
from connectors.store.plans import current_run_id, load_plan
from jobs.engine import RunRequest, run_embedded, run_on_cluster
from jobs.runs import RunOptions, execute_run
from jobs.scenario_runs import create_scenario
from tests.connectors.store.fixtures import _pg_url, throwaway_database
from tests.jobs.cluster import free_port, local_cluster
from tests.jobs.cli.in_process import run_main

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ems_factory"
AS_OF = dt.date(2026, 11, 23)
OPTIONS = RunOptions(optimize=False, schedule=True)
SCENARIOS = {
    "cardia_up": [{"kind": "scale_demand", "factor": "1.3", "customer": "CARDIA"}],
    "murata_slip": [{"kind": "lead_time", "supplier": "MURATA", "add_days": "28"}],
    "smt2_down": [{"kind": "line_down", "line": "SMT2", "from": "2026-11-24", "to": "2026-11-27"}],
    "no_nordlink_forecast": [{"kind": "remove_demand", "customer": "NORDLINK", "demand_kind": "forecast"}],
}
#: Safety net for a run on the cluster; the tests wait for its outcome.
RUN_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def db_url() -> Iterator[str]:
    with throwaway_database("reelplan_engine") as name:
        url = _pg_url(name)
        engine = open_store(url)
        import_folder(engine, SAMPLE)
        execute_run(engine, as_of=AS_OF, options=OPTIONS)
        for scenario, changes in SCENARIOS.items():
            create_scenario(engine, scenario, changes)
        create_scenario(engine, "killed", [{"kind": "scale_demand", "factor": "1.1"}])
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def cluster(db_url, tmp_path_factory):
    with local_cluster(2, logs=tmp_path_factory.mktemp("dask") / "cluster.log") as running:
        yield running


@pytest.fixture
def engine(db_url):
    store = open_store(db_url)
    yield store
    store.dispose()


def _plan_tables(engine, run_id: int) -> dict[str, pd.DataFrame]:
    with read_snapshot(engine) as session:
        plan = load_plan(session, run_id)
    assert plan is not None
    return {name: getattr(plan, name) for name in PLAN_MODELS if getattr(plan, name) is not None}


def _published_state(engine) -> tuple:
    with read_snapshot(engine) as session:
        published = current_run_id(session)
        counters = sorted((c.kind, c.next_number) for c in session.exec(select(IdCounter)).all())
        run = session.get(PlanningRun, published)
        return published, run.status, counters, run.counts


def test_four_scenarios_on_the_cluster_give_the_plans_of_this_process_and_leave_the_published_plan(engine, db_url,
                                                                                                    cluster):
    before = _published_state(engine)
    published_tables = _plan_tables(engine, before[0])
    requests = [RunRequest(as_of=AS_OF, scenario=name, options=OPTIONS) for name in SCENARIOS]
    here = run_embedded(engine, [RunRequest(as_of=AS_OF, scenario=name, options=OPTIONS) for name in SCENARIOS])
    there = run_on_cluster(cluster.address, db_url, requests)
    assert [o.status for o in here] == [o.status for o in there] == ["finished"] * 4
    with read_snapshot(engine) as session:
        hosts = {session.get(PlanningRun, o.run_id).pid for o in there}
    assert hosts <= cluster.worker_pids() and hosts  # planned by the workers, not by this process
    for local, remote in zip(here, there):
        ours, theirs = _plan_tables(engine, local.run_id), _plan_tables(engine, remote.run_id)
        assert ours.keys() == theirs.keys()
        for name in ours:
            pd.testing.assert_frame_equal(ours[name], theirs[name], obj=f"{local.request.scenario}: {name}")
    # the changes show: CARDIA's demand up, the line down taking no job on its days
    cardia = _plan_tables(engine, there[0].run_id)["mrp_records"]
    base = published_tables["mrp_records"]
    assert cardia["gross"].sum() > base["gross"].sum()
    schedule = _plan_tables(engine, there[2].run_id)["schedule"]
    on_smt2 = schedule[schedule["line_id"] == "SMT2"]
    down = (on_smt2["start"] < pd.Timestamp("2026-11-28")) & (on_smt2["end"] > pd.Timestamp("2026-11-24"))
    assert not down.any(), on_smt2[down]
    assert _published_state(engine) == before
    for name, frame in _plan_tables(engine, before[0]).items():
        pd.testing.assert_frame_equal(frame, published_tables[name])


def test_a_worker_killed_mid_run_the_run_completes_once(engine, db_url, cluster):
    request = RunRequest(as_of=AS_OF, scenario="killed", options=OPTIONS)
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(result=run_on_cluster(cluster.address, db_url, [request])))
    thread.start()
    victim = None
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while victim is None and time.monotonic() < deadline and thread.is_alive():
        with read_snapshot(engine) as session:
            run = session.exec(select(PlanningRun).where(PlanningRun.request_token == request.token)).first()
        if run is not None and run.status == "running" and run.pid in cluster.worker_pids():
            victim = run.pid
        else:
            time.sleep(0.05)
    assert victim is not None, "the run never started on a worker"
    os.kill(victim, signal.SIGKILL)
    thread.join(RUN_TIMEOUT_S)
    assert not thread.is_alive()
    [result] = outcome["result"]
    assert result.status == "finished", result.error
    with read_snapshot(engine) as session:
        runs = session.exec(select(PlanningRun).where(PlanningRun.scenario == "killed")).all()
        assert len(runs) == 1 and runs[0].request_token == request.token and runs[0].pid != victim
        for name, model in PLAN_MODELS.items():
            stored = session.exec(select(func.count()).select_from(model).where(model.run_id == runs[0].id)).one()
            assert stored == runs[0].counts["outputs"].get(name, 0), name
    [again] = run_embedded(engine, [RunRequest(as_of=AS_OF, scenario="killed", options=OPTIONS)])
    ours, theirs = _plan_tables(engine, again.run_id), _plan_tables(engine, result.run_id)
    for name in ours:
        pd.testing.assert_frame_equal(ours[name], theirs[name], obj=name)


def test_a_scheduler_that_does_not_answer_is_one_line_and_the_store_is_unchanged(monkeypatch, capsys, engine, db_url):
    with read_snapshot(engine) as session:
        runs = session.exec(select(func.count()).select_from(PlanningRun)).one()
    address = f"tcp://127.0.0.1:{free_port()}"
    monkeypatch.setattr("jobs.engine.CONNECT_TIMEOUT_S", 2)
    code, _, err = run_main(monkeypatch, capsys, "scenario", "run", "cardia_up", "--db", db_url, "--scheduler", address,
                         "--as-of", AS_OF.isoformat(), "--skip-optimize")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: The Dask scheduler at {address} does not answer")
    with read_snapshot(engine) as session:
        assert session.exec(select(func.count()).select_from(PlanningRun)).one() == runs


def test_a_sqlite_store_is_refused_for_a_cluster_before_any_work(monkeypatch, capsys, tmp_path):
    db = tmp_path / "store.db"
    code, _, err = run_main(monkeypatch, capsys, "scenario", "run", "anything", "--db", f"sqlite:///{db}",
                         "--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2
    assert "A Dask cluster needs a store every worker can reach: give a PostgreSQL --db" in err
    assert not db.exists()


def test_run_now_on_the_cluster_publishes_one_run(monkeypatch, capsys, engine, db_url, cluster):
    before = _published_state(engine)[0]
    code, out, _ = run_main(monkeypatch, capsys, "run-now", "--db", db_url, "--scheduler", cluster.address,
                         "--as-of", AS_OF.isoformat(), "--skip-optimize")
    assert code in (0, None), out
    with read_snapshot(engine) as session:
        published = current_run_id(session)
        run = session.get(PlanningRun, published)
        newer = session.exec(select(PlanningRun).where(PlanningRun.id > before, PlanningRun.scenario == "")).all()
    assert published != before and run.status == "published" and run.request_token
    assert [r.id for r in newer] == [published]
    assert run.pid in cluster.worker_pids()
    assert f"Run {published} published (as of {AS_OF}) on the cluster." in " ".join(out.split())
