"""Scenarios in the store, and a scenario's planning run.

A scenario is kept as its name, description and list of changes (:mod:`jobs.scenarios`);
it is checked against the store's dataset when it is created and again before every run.
A scenario run plans the store's dataset — decisions included, as a nightly run would —
with the changes applied, and stores the plan under a run marked with the scenario and
status ``finished``. It never takes the planning lock (several scenarios plan at once),
never publishes, and never moves the store's id counters: the published plan, its ids and
the decisions on it stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from connectors.dataset import validate_dataset
from connectors.store.dataset_io import load_dataset
from connectors.store.engine import read_snapshot, write_session
from connectors.store.models import Demand, PlanningRun, Scenario
from connectors.store.plans import current_run_id, load_plan, store_plan
from connectors.store.runs import start_run, utc_now
from jobs.budget import Progress, RunBudget, plan_stages
from jobs.compare import Side, compare_plans
from jobs.decisions import decision_inputs
from jobs.runs import (
    InvalidData, Planner, RunOptions, INPUT_TABLES, issues_text, StageTimer, default_planner, finish_run,
    keep_ids, published_schedule, record_failed_run,
)
from jobs.scenarios import ScenarioError, apply_changes, check_changes, free_id, parse_changes

#: The name ``scenario compare`` and the API give the published plan.
PUBLISHED = "published"
#: Finished runs of one scenario whose plans are kept (older ones are archived: record kept, rows deleted).
SCENARIO_PLANS_KEPT = 3


class ScenarioNotFound(LookupError):
    """No scenario of that name in the store."""


def create_scenario(engine: Engine, name: str, changes: list[dict[str, Any]], *, description: str = "",
                    created_by: str = "") -> Scenario:
    """Check ``changes`` against the store's dataset and store them as scenario ``name``.

    Raises :class:`ScenarioError` (nothing stored) for a bad name, a name taken, or changes
    that do not apply — every problem at once.
    """
    name = name.strip()
    if not name or name == PUBLISHED or any(c.isspace() for c in name):
        raise ScenarioError(f"'{name}' cannot name a scenario: give a name without spaces, other than "
                            f"'{PUBLISHED}' (the published plan's name).")
    typed = parse_changes(changes)
    if not typed:
        raise ScenarioError("a scenario needs at least one change (--change KIND:k=v,... or --file changes.toml).")
    with read_snapshot(engine) as session:
        demand_ids = set(session.exec(select(Demand.demand_id)).all())
        problems = check_changes(typed, load_dataset(session))
    if problems:
        raise ScenarioError("\n".join(problems))
    for change in typed:  # an added demand line gets its id now, so every run and comparison names it alike
        if change["kind"] == "add_demand" and not change.get("id"):
            change["id"] = free_id(demand_ids, "SCENARIO-")
            demand_ids.add(change["id"])
    scenario = Scenario(name=name, description=description, changes=typed, created_by=created_by,
                        created_at=utc_now())
    try:
        with write_session(engine) as session:
            session.add(scenario)
    except IntegrityError:
        raise ScenarioError(f"a scenario '{name}' exists already; delete it first "
                            f"(reelplan scenario delete {name}) or choose another name.") from None
    return scenario


def list_scenarios(session: Session) -> list[Scenario]:
    return list(session.exec(select(Scenario).order_by(Scenario.name)).all())


def get_scenario(session: Session, name: str) -> Scenario:
    scenario = session.exec(select(Scenario).where(Scenario.name == name)).first()
    if scenario is None:
        known = [s.name for s in list_scenarios(session)]
        raise ScenarioNotFound(f"no scenario '{name}'; the store has {', '.join(known) if known else 'none'} "
                               "(reelplan scenario list).")
    return scenario


def delete_scenario(engine: Engine, name: str) -> None:
    """Delete the scenario (its runs stay in the run history)."""
    with write_session(engine) as session:
        session.delete(get_scenario(session, name))


def latest_scenario_run(session: Session, name: str) -> PlanningRun | None:
    """The scenario's last finished run."""
    return session.exec(select(PlanningRun).where(PlanningRun.scenario == name, PlanningRun.status == "finished")
                        .order_by(PlanningRun.id.desc())).first()


def check_scenario(engine: Engine, name: str, as_of: dt.date | None = None) -> None:
    """Raise :class:`ScenarioNotFound` or :class:`ScenarioError` when scenario ``name`` cannot run
    on the store's data now (called before any run is started)."""
    with read_snapshot(engine) as session:
        scenario = get_scenario(session, name)
        problems = check_changes(scenario.changes, load_dataset(session, as_of=as_of))
    if problems:
        raise ScenarioError(f"scenario '{name}' no longer applies to the store's data:\n" + "\n".join(problems))


def run_scenario(engine: Engine, name: str, *, as_of: dt.date, options: RunOptions = RunOptions(),
                 planner: Planner | None = None, progress: Progress | None = None,
                 request_token: str | None = None) -> PlanningRun:
    """Plan the store's dataset as of ``as_of`` with scenario ``name``'s changes and store the
    plan, unpublished, under a run marked with the scenario; returns the run.

    ``request_token`` names the request: a second attempt (its worker died) takes up the run
    the first one recorded, and returns it unchanged once finished — the run is recorded once.
    The data is read, and the changes checked against it, before the run is recorded:
    :class:`ScenarioNotFound` / :class:`ScenarioError` leave nothing recorded;
    :class:`jobs.runs.RunFailed` after recording a failed run.
    """
    planner = planner or default_planner()
    started = time.perf_counter()
    with read_snapshot(engine) as session:
        changes = get_scenario(session, name).changes
        inputs = decision_inputs(session, load_dataset(session, as_of=as_of))
        previous = published_schedule(session)
    problems = check_changes(changes, inputs.dataset)
    if problems:
        raise ScenarioError(f"scenario '{name}' no longer applies to the store's data:\n" + "\n".join(problems))
    with write_session(engine) as session:
        run = start_run(session, trigger="scenario", as_of=as_of, options=asdict(options), scenario=name,
                        request_token=request_token)
    if run.status != "running":
        return run
    timer = StageTimer(engine, run.id, progress)
    stages = ("read", *plan_stages(optimize=options.optimize, schedule=options.schedule), "write")
    budget = RunBudget(30.0, stages, progress=timer.progress)
    try:
        with budget.stage("read") as read:
            with timer.stage("changes"):
                scenario = apply_changes(inputs.dataset, changes)
            with timer.stage("validate"):
                errors = [i for i in validate_dataset(scenario.dataset) if i.is_error]
                if errors:
                    raise InvalidData(issues_text(errors))
            read.report(None, f"{len(scenario.dataset.items):,} items, {len(scenario.dataset.demand):,} demand lines "
                              f"(read in {time.perf_counter() - started:.1f} s)")
        budget.minutes = scenario.dataset.settings.budget_minutes
        with timer.stage("plan"):
            plan = planner(
                scenario.dataset, optimize=options.optimize, schedule=options.schedule,
                optimize_time_limit_s=options.optimize_time_limit_s,
                schedule_time_limit_s=options.schedule_time_limit_s,
                progress=timer.progress, pins=inputs.pins, rejected=inputs.rejected, budget=budget,
                previous=previous, documents=False, downtime=scenario.downtime,
            )
        with budget.stage("write") as store, timer.stage("store"):
            with write_session(engine) as session:
                stored = session.exec(select(PlanningRun).where(PlanningRun.id == run.id).with_for_update()).one()
                if stored.status == "finished":  # another attempt of this request stored it first
                    return stored
                plan = keep_ids(session, plan, scenario.dataset, save=False)
                stored.counts = {"inputs": {t: len(scenario.dataset.table(t)) for t in INPUT_TABLES}}
                store_plan(session, stored, plan, now=utc_now(), keep_plans=SCENARIO_PLANS_KEPT)
                costs = stored.summary.get("costs")
                stored.costs = costs if isinstance(costs, dict) else {}
                run = stored
            store.report(None, f"{sum(run.counts.get('outputs', {}).values()):,} rows")
    except BaseException as exc:
        record_failed_run(engine, run.id, timer, exc)
        raise
    return finish_run(engine, run, timer, budget)


def scenario_json(scenario: Scenario, run: PlanningRun | None) -> dict[str, Any]:
    """A scenario and its last finished run as plain JSON values (``scenario list --json``, the API)."""
    return {"name": scenario.name, "description": scenario.description, "changes": scenario.changes,
            "created_by": scenario.created_by, "created_at": scenario.created_at.isoformat(),
            "last_run": {"run_id": run.id, "as_of": run.as_of.isoformat(), "costs": run.costs} if run else None}


def scenarios_json(session: Session) -> list[dict[str, Any]]:
    return [scenario_json(s, latest_scenario_run(session, s.name)) for s in list_scenarios(session)]


class NothingToCompare(LookupError):
    """A side of a comparison has no stored plan (a scenario never run, no published plan)."""


def compare_scenarios(session: Session, names: list[str], *, top: int = 10) -> dict[str, Any]:
    """The published plan (name ``published``) and the latest finished run of each named
    scenario, side by side (:func:`jobs.compare.compare_plans`)."""
    sides = []
    customers = dict(session.exec(select(Demand.demand_id, Demand.customer_id)).all())
    for name in names:
        if name == PUBLISHED:
            run_id = current_run_id(session)
            if run_id is None:
                raise NothingToCompare("no plan is published yet; run `reelplan run-now` first.")
            extra: dict[str, str] = {}
        else:
            scenario = get_scenario(session, name)
            run = latest_scenario_run(session, name)
            if run is None:
                raise NothingToCompare(f"scenario '{name}' has no finished run; run it first "
                                       f"(reelplan scenario run {name}).")
            run_id = run.id
            extra = {c["id"]: c["customer"] for c in scenario.changes if c["kind"] == "add_demand" and c.get("id")}
        plan = load_plan(session, run_id)
        if plan is None:
            raise NothingToCompare(f"run {run_id} of '{name}' has no stored plan any more.")
        sides.append(Side(name, run_id, plan, {**customers, **extra}))
    return compare_plans(sides, top=top)


__all__ = [
    "PUBLISHED", "NothingToCompare", "ScenarioError", "ScenarioNotFound", "check_scenario", "compare_scenarios", "create_scenario", "delete_scenario",
    "get_scenario", "latest_scenario_run", "list_scenarios", "run_scenario",
]
