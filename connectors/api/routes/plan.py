"""Pulling the published plan of a site (``?site=``, default ``default``): every table paginated
and filtered, each answer naming its run. A ``run_id`` must be a run of that site.

(No ``from __future__ import annotations`` here: the per-table endpoints are built in a
loop and FastAPI must see their real annotation objects.)
"""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field, create_model
from sqlalchemy import func
from sqlmodel import Session, col, select

from connectors.api.audit import jsonable
from connectors.api.auth import Permission
from connectors.api.deps import KnownSite, PageDep, ReadSession, caller
from connectors.api.schemas import PlanPageOut
from connectors.store.plans import load_plan_table
from connectors.workbook import workbook_bytes
from connectors.store.models import (
    DEFAULT_SITE, PLAN_MODELS, PLAN_STORE_COLUMNS, CurrentPlan, Demand, PlanningRun, SuggestionDecision,
)
from connectors.store.plans import site_runs

router = APIRouter(prefix="/api/v1/plan", tags=["plan"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Per plan table: its date column (filtered by ``date_from``/``date_to``) and exact-match filters.
PLAN_FILTERS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "planned_orders": ("due_date", ("item_id", "customer_id", "type")),
    "purchase_suggestions": ("order_date", ("item_id", "supplier_id")),
    "schedule": ("start", ("item_id", "line_id", "job_id")),
    "exceptions": ("date", ("item_id", "type", "ref_id")),
    "pegging": (None, ("item_id", "demand_id", "supply_type", "supply_id")),
    "mrp_records": ("date", ("item_id",)),
    "liability": (None, ("customer_id", "item_id", "source", "ref_id")),
    "capacity_load": ("week_start", ("line_id",)),
}

class _Filters(BaseModel):
    run_id: int | None = Field(None, ge=1, le=2**31 - 1, description="a run; default: the published plan")


class _DatedFilters(_Filters):
    date_from: dt.date | None = Field(None, description="first day included")
    date_to: dt.date | None = Field(None, description="last day included")


def _filter_model(name: str) -> type[_Filters]:
    date_column, exact = PLAN_FILTERS[name]
    fields: dict[str, Any] = {f: (str | None, None) for f in exact}
    if name in ("planned_orders", "pegging"):
        fields.setdefault("customer_id", (str | None, None))
    base = _Filters if date_column is None else _DatedFilters
    return create_model(f"{name.title().replace('_', '')}Filters", __base__=base, **fields)


def resolve_run(session: Session, run_id: int | None, site: str = DEFAULT_SITE) -> PlanningRun:
    """The run of ``site`` asked for, or the one whose plan is the site's published plan; 404 when there is none."""
    if run_id is None:
        current = session.get(CurrentPlan, site)
        if current is None:
            where = "" if site == DEFAULT_SITE else f" for site '{site}'"
            raise HTTPException(404, detail=f"no plan has been published yet{where}")
        run_id = current.run_id
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise HTTPException(404, detail=f"no run {run_id}")
    if run.site != site:
        raise HTTPException(404, detail=f"run {run_id} is a run of site '{run.site}', not '{site}'; "
                                        f"ask with site={run.site}")
    if run.status != "published":  # running, failed, or archived (its outputs pruned)
        raise HTTPException(404, detail=f"run {run_id} has no stored plan (it is {run.status})")
    return run


def plan_rows(session: Session, name: str, run: PlanningRun, filters: dict[str, Any],
              limit: int | None = None, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    if name not in run.tables:
        raise HTTPException(404, detail=f"run {run.id} has no {name} (its stage did not run)")
    model = PLAN_MODELS[name]
    query = select(model).where(model.run_id == run.id)
    date_column, _ = PLAN_FILTERS[name]
    for field, value in filters.items():
        if value is None or field in ("run_id", "date_from", "date_to"):
            continue
        if field == "customer_id" and name == "pegging":
            query = query.where(col(model.demand_id).in_(select(Demand.demand_id).where(
                Demand.site == run.site, Demand.customer_id == value)))
        else:
            query = query.where(getattr(model, field) == value)
    if date_column is not None:
        column = getattr(model, date_column)
        if filters.get("date_from") is not None:
            query = query.where(column >= filters["date_from"])
        if filters.get("date_to") is not None:
            query = query.where(column < filters["date_to"] + dt.timedelta(days=1))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    query = query.order_by(col(model.row_no)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = [jsonable(r.model_dump(exclude=set(PLAN_STORE_COLUMNS))) for r in session.exec(query)]
    return total, rows


def _suggestion_context(session: Session, run: PlanningRun, rows: list[dict[str, Any]]) -> None:
    """Add to each suggestion its buyer decision (the standing one on that line) and its context: the customer demand the item's
    planned supply is pegged to, and the item's exceptions in this run (the line's own reasons are
    its columns, as in purchase_suggestions.csv)."""
    items = sorted({r["item_id"] for r in rows if r.get("item_id")})
    decisions = {  # the newest decision on each line (ids are stable: an edit may come from an earlier plan)
        d.suggestion_id: d for d in session.exec(select(SuggestionDecision).where(
            SuggestionDecision.run_id <= run.id, col(SuggestionDecision.run_id).in_(site_runs(run.site)),
            col(SuggestionDecision.suggestion_id).in_([r["suggestion_id"] for r in rows]))
            .order_by(col(SuggestionDecision.id)))
    }
    pegged: dict[str, list[dict[str, Any]]] = {}
    if "pegging" in run.tables and items:
        peg = PLAN_MODELS["pegging"]
        query = (select(peg, Demand.customer_id, Demand.due_date)
                 .join(Demand, (col(Demand.demand_id) == col(peg.demand_id)) & (Demand.site == run.site), isouter=True)
                 .where(peg.run_id == run.id, col(peg.item_id).in_(items), peg.supply_type == "planned")
                 .order_by(col(peg.row_no)))
        for link, customer, due in session.exec(query):
            pegged.setdefault(link.item_id, []).append(jsonable(
                {"demand_id": link.demand_id or None, "customer_id": customer, "due_date": due,
                 "quantity": link.quantity}))
    exceptions: dict[str, list[dict[str, Any]]] = {}
    if "exceptions" in run.tables and items:
        exc = PLAN_MODELS["exceptions"]
        for e in session.exec(select(exc).where(exc.run_id == run.id, col(exc.item_id).in_(items))
                              .order_by(col(exc.row_no))):
            exceptions.setdefault(e.item_id, []).append(jsonable({"type": e.type, "date": e.date, "message": e.message}))
    for r in rows:
        d = decisions.get(r["suggestion_id"])
        r["decision"] = None if d is None else jsonable(d.model_dump(include={
            "action", "po_id", "po_status", "po_supplier_id", "po_quantity", "po_due_date", "po_unit_price",
            "note", "decided_by", "decided_at"}))
        r["context"] = {"pegged_demand": pegged.get(r["item_id"], []), "exceptions": exceptions.get(r["item_id"], [])}


def _register(name: str) -> None:
    filters_model = _filter_model(name)
    path = "/" + name.replace("_", "-")

    def endpoint(session: ReadSession, page: PageDep, filters: Annotated[filters_model, Query()],
                 who: caller(Permission.READ_PLAN), site: KnownSite) -> dict:
        run = resolve_run(session, filters.run_id, site)
        total, rows = plan_rows(session, name, run, filters.model_dump(), page.limit, page.offset)
        if name == "purchase_suggestions":
            _suggestion_context(session, run, rows)
        return {"run_id": run.id, "published_at": run.published_at, "total": total, "limit": page.limit,
                "offset": page.offset, "items": rows}

    endpoint.__name__ = f"read_{name}"
    router.add_api_route(path, endpoint, methods=["GET"], response_model=PlanPageOut,
                         summary=f"{name.replace('_', ' ').capitalize()} of a run (default: the published plan)")


for _name in PLAN_FILTERS:
    _register(_name)


@router.get("/purchase-suggestions.xlsx", summary="The buyer workbook of a run (default: the published plan)",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def read_workbook(session: ReadSession, who: caller(Permission.READ_PLAN), site: KnownSite,
                  run_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """The same workbook as ``purchase_suggestions.xlsx`` of the plan folder: one sheet per supplier."""
    run = resolve_run(session, run_id, site)
    if "purchase_suggestions" not in run.tables:
        raise HTTPException(404, detail=f"run {run.id} has no purchase_suggestions (its stage did not run)")
    book = workbook_bytes(load_plan_table(session, "purchase_suggestions", run.id), run.summary.get("purchasing") or {})
    return Response(book, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="purchase_suggestions_run{run.id}.xlsx"'})


@router.get("/summary", summary="The plan summary: counts, costs, solver status, stage times")
def read_summary(session: ReadSession, who: caller(Permission.READ_PLAN), site: KnownSite,
                 run_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> dict:
    run = resolve_run(session, run_id, site)
    return {"run_id": run.id, "published_at": jsonable(run.published_at), "as_of": jsonable(run.as_of),
            "summary": run.summary, "counts": run.counts, "costs": run.costs}
