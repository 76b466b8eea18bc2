"""The audit log: every decision taken through the API or the web workspace, with who, when,
before and after. A web user is recorded by name and role, without a token id.

An entry is written in the same transaction as the decision it records, so there is never
a decision without its entry (nor an entry for a decision that was rolled back).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from connectors.api.auth import Principal
from connectors.api.models import AuditEntry


def jsonable(value: Any) -> Any:
    """Plain JSON values: ISO dates, None for NaN, lists for tuples, str for anything else."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump())
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    return str(value)


def record(session: Session, who: Principal, action: str, target: str, *, before: Any = None, after: Any = None,
           at: dt.datetime | None = None) -> AuditEntry:
    entry = AuditEntry(
        at=at or dt.datetime.now(dt.UTC).replace(tzinfo=None), token_id=who.token_id or None, token_name=who.name,
        role=who.role.value, action=action, target=target, before=jsonable(before), after=jsonable(after),
    )
    session.add(entry)
    session.flush()
    return entry
