"""Reading the audit log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func
from sqlmodel import col, select

from connectors.api.audit import jsonable
from connectors.api.auth import Permission
from connectors.api.deps import PageDep, ReadSession, caller
from connectors.api.models import AuditEntry
from connectors.api.schemas import PageOut

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=PageOut, summary="Decisions taken through the API, newest first")
def list_audit(session: ReadSession, page: PageDep, who: caller(Permission.READ_AUDIT),
               action: Annotated[str | None, Query(description="e.g. suggestion.approve")] = None) -> dict:
    query = select(AuditEntry)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    entries = session.exec(query.order_by(col(AuditEntry.id).desc()).offset(page.offset).limit(page.limit))
    return {"total": total, "limit": page.limit, "offset": page.offset,
            "items": [jsonable(e.model_dump()) for e in entries]}
