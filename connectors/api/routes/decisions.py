"""Buyers' decisions on purchase suggestions and planners' pins, through the jobs functions.

Each acts on the published plan of one site (``?site=``, default ``default``).

Each decision runs in one transaction with its audit entry (who, when, before, after). A
decision the rules refuse (unknown suggestion, already approved, no such line…) is answered
409 with the reason. With an ERP configured, an approved order is sent to it right after
the answer (a failure is recorded in the outbox and retried by ``reelplan erp send-orders``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, HTTPException, Path, Request
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from connectors.api import audit
from connectors.api.actions import Outbox, PlanningActions
from connectors.api.auth import Permission, Principal
from connectors.api.deps import KnownSite, WriteSession, caller
from connectors.erp.outbox import deliver_pending
from connectors.store.models import JobPin, SuggestionDecision
from connectors.store.plans import site_runs

Id = Annotated[str, Path(min_length=1, max_length=200)]


class SuggestionChange(BaseModel):
    quantity: float | None = Field(None, le=1e12, description="checked like the CLI's: above zero, whole units "
                                                             "for a counted item, the offer's MOQ, multiple and breaks")
    due_date: dt.date | None = None
    supplier_id: str | None = Field(None, min_length=1, max_length=200)
    mpn: str | None = Field(None, max_length=200)
    expedite: bool = Field(False, description="the due date is a negotiated expedite (before order date + lead time)")
    note: str = Field("", max_length=2000)


class NoteIn(BaseModel):
    note: str = Field("", max_length=2000)


class CancelIn(NoteIn):
    line: str | None = Field(None, min_length=1, max_length=20, description="the line, when the order has several")


class PinIn(BaseModel):
    line_id: str = Field(min_length=1, max_length=200)
    start: str = Field(min_length=1, max_length=40, description="local date and time of day, YYYY-MM-DDTHH:MM "
                                                               "(e.g. 2027-04-20T06:00); a date alone is refused")


class FreezeIn(BaseModel):
    hours: float = Field(gt=0, le=24 * 366, description="freeze jobs starting within this many hours of the plan's first shift")


CONFLICT = {409: {"description": "The decision cannot be taken; `detail` says why."}}


def _decision_before(session: Session, suggestion_id: str, site: str) -> SuggestionDecision | None:
    """The standing decision on a suggestion of ``site`` (ids are stable: it may come from an earlier plan)."""
    return session.exec(select(SuggestionDecision).where(SuggestionDecision.suggestion_id == suggestion_id,
                                                         SuggestionDecision.run_id.in_(site_runs(site)))
                        .order_by(SuggestionDecision.id.desc())).first()


def _dump(record: Any) -> Any:
    if isinstance(record, list):
        return [_dump(r) for r in record]
    return audit.jsonable(record.model_dump()) if hasattr(record, "model_dump") else audit.jsonable(record)


def build_router(actions: PlanningActions) -> APIRouter:
    """Routes for the actions that were handed in; the others are absent from the API."""
    router = APIRouter(prefix="/api/v1", tags=["decisions"])

    def decide(session: Session, who: Principal, action: str, target: str, before: Any,
               call: Callable[[], Any]) -> Any:
        before_dump = _dump(before) if before is not None else None
        try:
            after = call()
        except actions.decision_error as exc:
            raise HTTPException(409, detail=str(exc)) from exc
        audit.record(session, who, action, target, before=before_dump, after=_dump(after))
        return _dump(after)

    def suggestion_route(verb: str, function: Callable[..., Any], edits: bool) -> None:
        def endpoint(suggestion_id: Id, session: WriteSession, who: caller(Permission.DECIDE_PURCHASES),
                     request: Request, background: BackgroundTasks, site: KnownSite,
                     body: Annotated[SuggestionChange, Body()] = SuggestionChange()) -> dict:
            before = _decision_before(session, suggestion_id, site)
            kwargs = body.model_dump(exclude={"note"}) if edits else {}
            after = decide(session, who, f"suggestion.{verb}", f"suggestion:{suggestion_id}", before,
                           lambda: function(session, suggestion_id, by=who.name, note=body.note, site=site, **kwargs))
            outbox: Outbox | None = request.app.state.outbox
            if verb == "approve" and outbox is not None and outbox.send_on_approve:
                session.commit()  # the order must be stored before it is sent
                background.add_task(deliver_pending, request.app.state.engine, outbox.sink,
                                    connector=outbox.name, references=[after["po_id"]])
            return after

        endpoint.__name__ = f"{verb}_suggestion"
        router.add_api_route(f"/suggestions/{{suggestion_id}}/{verb}", endpoint, methods=["POST"], responses=CONFLICT,
                             summary=f"{verb.capitalize()} a purchase suggestion of the published plan")

    for verb, function, edits in (("approve", actions.approve_suggestion, True), ("edit", actions.edit_suggestion, True),
                                  ("reject", actions.reject_suggestion, False)):
        if function is not None:
            suggestion_route(verb, function, edits)

    if actions.cancel_po is not None:
        cancel_po = actions.cancel_po

        @router.post("/purchase-orders/{po_id}/cancel", responses=CONFLICT,
                     summary="Withdraw a purchase order line reelplan sent")
        def cancel_purchase_order(po_id: Id, session: WriteSession, who: caller(Permission.DECIDE_PURCHASES),
                                  site: KnownSite, body: Annotated[CancelIn, Body()] = CancelIn()) -> dict:
            before = session.exec(select(SuggestionDecision).where(
                SuggestionDecision.po_id == po_id, SuggestionDecision.run_id.in_(site_runs(site)))).first()
            return decide(session, who, "purchase_order.cancel", f"po:{po_id}", before,
                          lambda: cancel_po(session, po_id, line=body.line, by=who.name, note=body.note, site=site))

    if actions.pin_job is not None:
        pin_job = actions.pin_job

        @router.post("/jobs/{job_id}/pin", responses=CONFLICT, summary="Pin a scheduled job to a line and a start")
        def pin(job_id: Id, body: PinIn, session: WriteSession, who: caller(Permission.SCHEDULE_JOBS),
                site: KnownSite) -> dict:
            before = _active_pins(session, job_id, site)
            return decide(session, who, "job.pin", f"job:{job_id}", before,
                          lambda: pin_job(session, job_id, line_id=body.line_id, start=body.start, by=who.name,
                                          site=site))

    if actions.unpin_job is not None:
        unpin_job = actions.unpin_job

        @router.post("/jobs/{job_id}/unpin", responses=CONFLICT, summary="Remove a job's pins")
        def unpin(job_id: Id, session: WriteSession, who: caller(Permission.SCHEDULE_JOBS), site: KnownSite) -> dict:
            before = _active_pins(session, job_id, site)
            removed = decide(session, who, "job.unpin", f"job:{job_id}", before,
                             lambda: unpin_job(session, job_id, by=who.name, site=site))
            return {"job_id": job_id, "removed": removed}

    if actions.freeze_schedule is not None:
        freeze_schedule = actions.freeze_schedule

        @router.post("/schedule/freeze", responses=CONFLICT,
                     summary="Pin every job starting in the first hours of the published schedule")
        def freeze(body: FreezeIn, session: WriteSession, who: caller(Permission.SCHEDULE_JOBS),
                   site: KnownSite) -> dict:
            pins = decide(session, who, "schedule.freeze", f"hours:{body.hours:g}", None,
                          lambda: freeze_schedule(session, body.hours, by=who.name, site=site))
            return {"pinned": pins}

    return router


def _active_pins(session: Session, job_id: str, site: str) -> list[JobPin]:
    return list(session.exec(select(JobPin).where(JobPin.job_id == job_id, JobPin.active,
                                                  JobPin.run_id.in_(site_runs(site)))))
