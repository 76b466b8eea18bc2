"""Where planning runs execute: in this process, or as tasks of a Dask distributed cluster.

Every planning run (a scenario run, the published run of ``run-now``) is a
:class:`RunRequest`, carried out by :func:`carry_out` against the store. With no cluster
configured (no ``--scheduler``, no ``REELPLAN_DASK_SCHEDULER``) the requests run one after
another in this process. With a scheduler address (``tcp://host:8786``) each request is a
task of that cluster: the workers open the store themselves, so it must be one they all
reach — PostgreSQL; a SQLite store is refused before any work.

Faults: Dask runs a task again on another worker when its worker dies. Each request carries
a token kept unique in the runs table, so the second attempt takes up the run the first one
recorded (``start_run``), and a finished run is never stored twice. A scheduler that does not
answer is reported in one line before anything is submitted.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from connectors.store.engine import create_store_engine, store_url
from connectors.store.models import DEFAULT_SITE
from connectors.store.sites import UnknownSite
from jobs.runs import InvalidData, RunFailed, RunInProgress, RunOptions, execute_run
from jobs.scenario_runs import ScenarioError, ScenarioNotFound, run_scenario

SCHEDULER_ENV = "REELPLAN_DASK_SCHEDULER"
#: Seconds to wait for the scheduler to answer before the command gives up.
CONNECT_TIMEOUT_S = 10


class EngineUnavailable(RuntimeError):
    """The cluster cannot be used (no answer, or a store its workers cannot share); one line with the fix."""


@dataclass(frozen=True)
class RunRequest:
    """One planning run to carry out: a scenario's (``scenario`` set) or the published plan's."""

    as_of: dt.date
    scenario: str = ""
    site: str = DEFAULT_SITE
    options: RunOptions = field(default_factory=RunOptions)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class RunOutcome:
    """How a request ended: the run it recorded (None when refused before recording one),
    its status, and the error in one line."""

    request: RunRequest
    run_id: int | None
    status: str
    error: str = ""
    #: exit code the command gives for this outcome: 0 done, 1 failed, 2 bad data, 3 refused (busy)
    code: int = 0


def scheduler_address(given: str | None) -> str | None:
    """The cluster to use: ``given`` (``--scheduler``), else ``REELPLAN_DASK_SCHEDULER``, else none (embedded)."""
    address = given or os.environ.get(SCHEDULER_ENV) or None
    return address.strip() if address else None


def carry_out(engine: Engine, request: RunRequest, progress: Callable[..., None] | None = None) -> RunOutcome:
    """Carry out one request on the store ``engine``; failures are outcomes, not exceptions."""
    try:
        if request.scenario:
            run = run_scenario(engine, request.scenario, as_of=request.as_of, options=request.options,
                               request_token=request.token, progress=progress)
        else:
            run = execute_run(engine, as_of=request.as_of, trigger="manual", options=request.options,
                              site=request.site, request_token=request.token, progress=progress)
    except (ScenarioError, ScenarioNotFound, UnknownSite) as exc:
        return RunOutcome(request, None, "refused", str(exc), 2)
    except RunInProgress as exc:
        return RunOutcome(request, None, "refused", str(exc), 3)
    except RunFailed as exc:
        return RunOutcome(request, exc.run_id, "failed", f"failed at {exc.stage}: {exc.error}",
                          2 if isinstance(exc.__cause__, InvalidData) else 1)
    if run.status == "failed":
        return RunOutcome(request, run.id, "failed", run.error.splitlines()[0] if run.error else "", 1)
    return RunOutcome(request, run.id, run.status)


def run_task(db_url: str, request: RunRequest) -> RunOutcome:
    """What a worker runs: open the shared store, carry out the request, close the store."""
    engine = create_store_engine(db_url)
    try:
        return carry_out(engine, request)
    finally:
        engine.dispose()


def run_embedded(engine: Engine, requests: list[RunRequest],
                 progress: Callable[..., None] | None = None) -> list[RunOutcome]:
    """The requests one after another in this process."""
    return [carry_out(engine, request, progress) for request in requests]


def check_cluster_store(db_url: str) -> None:
    """A cluster's workers share the store: refuse one they cannot share (SQLite) before any work."""
    if store_url(db_url).get_backend_name() == "sqlite":
        raise EngineUnavailable(
            "A Dask cluster needs a store every worker can reach: give a PostgreSQL --db "
            "(postgresql+psycopg://user@host/db), not SQLite; or leave out --scheduler to plan in this process.")


def connect(address: str) -> Any:
    """A Dask client on the scheduler at ``address``; :class:`EngineUnavailable` when it does not answer."""
    from distributed import Client

    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineUnavailable(f"The Dask scheduler at {address} does not answer ({_first_line(exc)}); "
                                f"start it (dask scheduler) or give the right --scheduler / {SCHEDULER_ENV}.") from None


def run_on_cluster(address: str, db_url: str, requests: list[RunRequest]) -> list[RunOutcome]:
    """Each request as a task of the cluster at ``address``; waits for all and returns their outcomes
    in order. The store must be PostgreSQL and the scheduler must answer, else
    :class:`EngineUnavailable` before anything is submitted."""
    check_cluster_store(db_url)
    client = connect(address)
    try:
        futures = [client.submit(run_task, db_url, request, key=f"reelplan-run-{request.token}", pure=False)
                   for request in requests]
        outcomes = []
        for request, future in zip(requests, futures):
            try:
                outcomes.append(future.result())
            except Exception as exc:  # noqa: BLE001 - the task failed outside the run (e.g. workers kept dying)
                outcomes.append(RunOutcome(request, None, "failed", f"{type(exc).__name__}: {_first_line(exc)}", 1))
        return outcomes
    finally:
        client.close()


def run_requests(engine: Engine, db_url: str, requests: list[RunRequest], *, scheduler: str | None = None,
                 progress: Callable[..., None] | None = None) -> list[RunOutcome]:
    """The requests on the cluster named by ``scheduler`` / ``REELPLAN_DASK_SCHEDULER``, else in this process."""
    address = scheduler_address(scheduler)
    if address is None:
        return run_embedded(engine, requests, progress)
    return run_on_cluster(address, db_url, requests)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def outcome_json(outcome: RunOutcome) -> dict[str, Any]:
    """An outcome as plain JSON values."""
    return {"scenario": outcome.request.scenario, "run_id": outcome.run_id, "status": outcome.status,
            "error": outcome.error, "token": outcome.request.token, "as_of": outcome.request.as_of.isoformat()}
