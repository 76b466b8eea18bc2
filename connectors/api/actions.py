"""The planning actions the API exposes, handed in by ``jobs`` (imports go jobs -> connectors).

``reelplan serve`` fills this with the functions of :mod:`jobs.decisions` and
:mod:`jobs.runs` — the very functions the CLI calls. An action left ``None`` has no route:
the API does not pretend to offer what it cannot do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from connectors.erp.orders import PurchaseOrderSink


@dataclass(frozen=True)
class ScenarioActions:
    """What-if scenarios (``jobs.scenario_runs``): each function as ``reelplan scenario`` calls it."""

    #: ``list(session)``: the scenarios as JSON values (name, description, changes, created_by/at, last_run).
    list: Callable[[Session], list[dict[str, Any]]]
    #: ``create(engine, name, changes, description=, created_by=)``: the stored scenario as JSON values.
    create: Callable[..., dict[str, Any]]
    #: ``prepare_runs(engine, names, as_of)``: the run requests, checked (raises before any run starts).
    prepare_runs: Callable[[Engine, list[str], dt.date | None], list[Any]]
    #: ``run(engine, requests)``: carries them out (blocking; in this process or on the cluster).
    run: Callable[[Engine, list[Any]], Any]
    #: ``compare(session, names, top=)``: the comparison as JSON values.
    compare: Callable[..., dict[str, Any]]
    #: Raised for changes that do not apply or a cluster that cannot be used (answered 422).
    error: tuple[type[Exception], ...] = (ValueError,)
    #: Raised for an unknown scenario or one without a finished run (answered 404).
    not_found: tuple[type[Exception], ...] = (LookupError,)


@dataclass(frozen=True)
class PlanningActions:
    #: ``run_now(engine, as_of, site)`` plans the dataset of ``site`` and publishes it (blocking);
    #: ``as_of`` None plans as of today in the factory's zone.
    run_now: Callable[[Engine, dt.date | None, str], Any] | None = None
    #: Raised by ``run_now`` when another run of the site holds its planning lock.
    run_in_progress: type[Exception] = RuntimeError
    #: ``changes_since(session, run_id, since_run)``: table name -> rows with a ``change`` column.
    changes_since: Callable[[Session, int, int], dict[str, pd.DataFrame]] | None = None
    approve_suggestion: Callable[..., Any] | None = None
    edit_suggestion: Callable[..., Any] | None = None
    reject_suggestion: Callable[..., Any] | None = None
    cancel_po: Callable[..., Any] | None = None
    pin_job: Callable[..., Any] | None = None
    unpin_job: Callable[..., Any] | None = None
    freeze_schedule: Callable[..., Any] | None = None
    #: ``offer_unit_price(session, item_id, supplier_id, mpn, quantity, site)``: the price an edit would pay.
    offer_unit_price: Callable[..., float] | None = None
    #: Raised by the decision functions when a decision cannot be taken (answered 409).
    decision_error: type[Exception] = ValueError
    scenarios: ScenarioActions | None = None


@dataclass(frozen=True)
class Outbox:
    """Where approved purchase orders go right after approval (``reelplan erp send-orders`` retries)."""

    name: str
    sink: PurchaseOrderSink
    #: send each order right after its approval (else ``reelplan erp send-orders`` sends them, grouped)
    send_on_approve: bool = True
