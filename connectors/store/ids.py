"""The store's id counters: the next free number of each kind of stable id.

A counter only grows. Plan lines (``suggestion``, ``planned_order``) are numbered per site;
purchase orders (``purchase_order``) across the store, in the store-wide counter
(site :data:`connectors.store.models.STORE_WIDE`), so two sites never send the same PO number.
A store planned before counters existed starts each counter above every number the store
has handed out: the ids of the site's published plans' lines and of its decisions, pins and
(for purchase orders, of any site) purchase orders.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, select

from connectors.store.models import (
    DEFAULT_SITE, STORE_WIDE, IdCounter, JobPin, PlannedOrderRow, SuggestionDecision, SuggestionRow,
)
from connectors.store.plans import site_runs

_NUMBER = re.compile(r"(\d+)$")
#: Kinds numbered across the store rather than per site.
STORE_WIDE_KINDS = frozenset({"purchase_order"})


def _number(identifier: str | None) -> int:
    match = _NUMBER.search(identifier or "")
    return int(match.group(1)) if match else 0


def _counter_site(kind: str, site: str) -> str:
    return STORE_WIDE if kind in STORE_WIDE_KINDS else site


def next_numbers(session: Session, kinds: tuple[str, ...], site: str = DEFAULT_SITE) -> dict[str, int]:
    """The next free number of each kind (``suggestion``, ``planned_order``, ``purchase_order``) at ``site``."""
    out = {}
    for kind in kinds:
        row = session.get(IdCounter, (_counter_site(kind, site), kind))
        out[kind] = row.next_number if row is not None else _highest_issued(session, kind, site) + 1
    return out


def save_numbers(session: Session, counters: dict[str, int], site: str = DEFAULT_SITE) -> None:
    """Store the counters of ``site`` (never lowering one)."""
    for kind, number in counters.items():
        key = _counter_site(kind, site)
        row = session.get(IdCounter, (key, kind)) or IdCounter(site=key, kind=kind, next_number=number)
        row.next_number = max(row.next_number, number)
        session.add(row)
    session.flush()


def take_number(session: Session, kind: str, site: str = DEFAULT_SITE) -> int:
    """Hand out one number of ``kind`` at ``site`` (stored at once, in the caller's transaction)."""
    number = next_numbers(session, (kind,), site)[kind]
    save_numbers(session, {kind: number + 1}, site)
    return number


def _highest_issued(session: Session, kind: str, site: str) -> int:
    runs = site_runs(site)
    if kind == "suggestion":
        ids = list(session.exec(select(SuggestionRow.suggestion_id).where(SuggestionRow.run_id.in_(runs)).distinct()))
        ids += list(session.exec(select(SuggestionDecision.suggestion_id)
                                 .where(SuggestionDecision.run_id.in_(runs)).distinct()))
    elif kind == "planned_order":
        ids = list(session.exec(select(PlannedOrderRow.order_id).where(
            PlannedOrderRow.run_id == select(func.max(PlannedOrderRow.run_id))
            .where(PlannedOrderRow.run_id.in_(runs)).scalar_subquery())))
        ids += list(session.exec(select(JobPin.job_id).where(JobPin.run_id.in_(runs)).distinct()))
    else:
        ids = list(session.exec(select(SuggestionDecision.po_id).distinct()))
    return max((_number(i) for i in ids), default=0)
