"""The store's id counters: the next free number of each kind of stable id.

A counter only grows. A store planned before counters existed starts each counter above
every number the store has handed out: the ids of its published plans' lines and of its
decisions, pins and purchase orders.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, select

from connectors.store.models import IdCounter, JobPin, PlannedOrderRow, SuggestionDecision, SuggestionRow

_NUMBER = re.compile(r"(\d+)$")


def _number(identifier: str | None) -> int:
    match = _NUMBER.search(identifier or "")
    return int(match.group(1)) if match else 0


def next_numbers(session: Session, kinds: tuple[str, ...]) -> dict[str, int]:
    """The next free number of each kind (``suggestion``, ``planned_order``, ``purchase_order``)."""
    out = {}
    for kind in kinds:
        row = session.get(IdCounter, kind)
        out[kind] = row.next_number if row is not None else _highest_issued(session, kind) + 1
    return out


def save_numbers(session: Session, counters: dict[str, int]) -> None:
    """Store the counters (never lowering one)."""
    for kind, number in counters.items():
        row = session.get(IdCounter, kind) or IdCounter(kind=kind, next_number=number)
        row.next_number = max(row.next_number, number)
        session.add(row)
    session.flush()


def take_number(session: Session, kind: str) -> int:
    """Hand out one number of ``kind`` (stored at once, in the caller's transaction)."""
    number = next_numbers(session, (kind,))[kind]
    save_numbers(session, {kind: number + 1})
    return number


def _highest_issued(session: Session, kind: str) -> int:
    if kind == "suggestion":
        ids = list(session.exec(select(SuggestionRow.suggestion_id).distinct()))
        ids += list(session.exec(select(SuggestionDecision.suggestion_id).distinct()))
    elif kind == "planned_order":
        ids = list(session.exec(select(PlannedOrderRow.order_id).where(
            PlannedOrderRow.run_id == select(func.max(PlannedOrderRow.run_id)).scalar_subquery())))
        ids += list(session.exec(select(JobPin.job_id).distinct()))
    else:
        ids = list(session.exec(select(SuggestionDecision.po_id).distinct()))
    return max((_number(i) for i in ids), default=0)
