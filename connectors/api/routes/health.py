"""The one endpoint without a token: is the server up and its database reachable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from connectors.api.deps import get_engine

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and database check (no token needed)")
def health(engine: Annotated[Engine, Depends(get_engine)]) -> JSONResponse:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # the reason goes to the log of whoever runs the database, not to the caller
        return JSONResponse(status_code=503, content={"status": "unavailable", "database": "unreachable"})
    return JSONResponse(content={"status": "ok", "database": "ok"})
