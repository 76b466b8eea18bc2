"""What a client sees when something goes wrong: a JSON body, never a stack trace.

- bad dataset rows: 422 with every issue (code, file, row, column, value, message, severity);
- a request body over the size limit: 413 (FastAPI's ``max_body_size``, counted as the body
  arrives, so an oversized upload is cut off rather than read whole);
- anything unexpected: 500 ``{"detail": "internal server error", "error_id": ...}``; the
  traceback goes to the server log under the same ``error_id``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.dataset import DatasetError

log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DatasetError)
    async def _dataset(_request: Request, exc: DatasetError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc), "issues": [asdict(i) for i in exc.issues]})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        log.error("unhandled error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "internal server error", "error_id": error_id})
