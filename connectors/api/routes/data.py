"""ERP pushes of master data and transactions, and reading them back, per site (``?site=``, default ``default``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from connectors.api import audit
from connectors.api.auth import Permission
from connectors.api.deps import ImportSite, KnownSite, PageDep, ReadSession, WriteSession, caller
from connectors.api.auth import Principal
from connectors.api.push import PushRejected, PushResult, locate, push, text_tables
from connectors.api.schemas import DatasetIn, DatasetTable, PageOut, ProblemOut, PushOut, RowsIn
from connectors.store import load_dataset
from connectors.store.models import DEFAULT_SITE

router = APIRouter(prefix="/api/v1/data", tags=["data"])

REJECTED = {422: {"model": ProblemOut, "description": "Bad rows: every issue, located; nothing stored."}}


def _answer(result: PushResult) -> dict:
    return {
        "tables": [vars(t) for t in result.tables],
        "warnings": [locate(w, {t.table: t.total - t.received for t in result.tables}) for w in result.warnings],
    }


def _push(session: WriteSession, who: Principal, tables: dict, mode: str, settings: dict | None = None,
          site: str = DEFAULT_SITE) -> dict | JSONResponse:
    try:
        result = push(session, tables, mode=mode, settings=settings, site=site)  # type: ignore[arg-type]
    except PushRejected as exc:  # nothing was written: the transaction ends empty
        return JSONResponse(status_code=422, content={"detail": str(exc), "issues": exc.issues})
    audit.record(session, who, "data.push", ",".join(tables),
                 after={"site": site, "mode": mode, "tables": [vars(t) for t in result.tables],
                        "settings": settings or {}})
    return _answer(result)


@router.post("", response_model=PushOut, responses=REJECTED,
             summary="Push several tables at once (checked and stored together, or not at all)")
def push_dataset(body: DatasetIn, session: WriteSession, who: caller(Permission.PUSH_DATA),
                 site: ImportSite) -> dict | JSONResponse:
    tables = {t.value: rows for t, rows in body.tables.items()}
    return _push(session, who, tables, body.mode, {k: v for k, v in body.settings.items()}, site)


@router.put("/{table}", response_model=PushOut, responses=REJECTED,
            summary="Bulk upsert (or replace) the rows of one table")
def push_table(
    table: DatasetTable, body: RowsIn, session: WriteSession, who: caller(Permission.PUSH_DATA), site: ImportSite,
    mode: Annotated[Literal["upsert", "replace"], Query(description="upsert by key, or replace the table")] = "upsert",
) -> dict | JSONResponse:
    return _push(session, who, {table.value: body.rows}, mode, site=site)


@router.get("/{table}", response_model=PageOut, summary="The stored rows of one table, as text")
def read_table(table: DatasetTable, session: ReadSession, page: PageDep,
               who: caller(Permission.READ_DATA), site: KnownSite) -> dict:
    frame = text_tables(load_dataset(session, site=site))[table.value]
    rows = frame.iloc[page.offset: page.offset + page.limit].to_dict("records")
    return {"total": len(frame), "limit": page.limit, "offset": page.offset, "items": rows}
