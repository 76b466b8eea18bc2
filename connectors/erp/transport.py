"""HTTP out: one httpx client with explicit timeouts and retries with backoff.

Errors form a small tree (after ``httpx._exceptions``)::

    ErpError                 anything that went wrong talking to an ERP
     ├── ErpUnavailable      timeouts, connection failures, 5xx/429 — still failing after every retry
     └── ErpRejected         the ERP answered 4xx: bad request, bad key, missing record (never retried)

A retry repeats a whole *operation*, not only a request: connectors pass
:meth:`RetryingClient.retrying` a function that first looks for what an earlier attempt may
have created (the response of a create can be lost after the ERP committed it) and only
then creates. That is what makes a retry never create a second purchase order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Every outbound call has these limits unless the connector is given others.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


class ErpError(Exception):
    """Talking to an ERP failed; ``request`` says which call ("POST https://...")."""

    def __init__(self, message: str, *, request: str = "") -> None:
        super().__init__(f"{message} ({request})" if request else message)
        self.request = request


class ErpUnavailable(ErpError):
    """The ERP could not be reached or kept failing (timeouts, 5xx) after every attempt."""

    def __init__(self, message: str, *, request: str = "", attempts: int = 0) -> None:
        super().__init__(message, request=request)
        self.attempts = attempts


class ErpRejected(ErpError):
    """The ERP refused the call (4xx). Retrying the same call would fail the same way."""

    def __init__(self, message: str, *, request: str = "", status_code: int = 0, body: Any = None) -> None:
        super().__init__(message, request=request)
        self.status_code = status_code
        self.body = body


class _Transient(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, message: str, request: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.request = request
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: ``attempts`` tries in all, exponential backoff."""

    attempts: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def delay_seconds(self, failed_attempts: int, retry_after_seconds: float | None = None) -> float:
        """Wait before the next try: backoff × 2^(failures−1), or the server's Retry-After, capped."""
        delay = self.backoff_seconds * 2 ** (failed_attempts - 1)
        if retry_after_seconds is not None:
            delay = max(delay, retry_after_seconds)
        return min(delay, self.max_backoff_seconds)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class RetryingClient:
    """An httpx client for one ERP: base URL, auth headers, timeouts, retry policy.

    ``transport`` lets tests put a fake ERP behind it (``httpx.MockTransport``); ``sleep``
    lets them skip the waiting between retries.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.retry = retry
        self._sleep = sleep or time.sleep
        self._http = httpx.Client(
            base_url=base_url,
            headers={"User-Agent": "reelplan", "Accept": "application/json", **(headers or {})},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RetryingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One attempt; raises ``_Transient`` (worth retrying) or :class:`ErpRejected`."""
        where = f"{method} {self._http.base_url.join(path)}"
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out: {exc.__class__.__name__}", where) from exc
        except httpx.TransportError as exc:
            raise _Transient(f"connection failed: {exc.__class__.__name__}", where) from exc
        if response.status_code in RETRIED_STATUS:
            raise _Transient(f"HTTP {response.status_code}", where, _retry_after(response))
        if response.is_error:
            body = _body(response)
            raise ErpRejected(
                f"the ERP refused the call with HTTP {response.status_code}: {_summary(body)}",
                request=where, status_code=response.status_code, body=body,
            )
        return response

    def retrying(self, operation: Callable[[], T]) -> T:
        """Run ``operation`` until it succeeds, is rejected, or the attempts run out."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except _Transient as exc:
                if attempt >= self.retry.attempts:
                    raise ErpUnavailable(
                        f"gave up after {attempt} attempts, last: {exc}", request=exc.request, attempts=attempt,
                    ) from exc
                delay = self.retry.delay_seconds(attempt, exc.retry_after_seconds)
                log.warning("ERP call %s failed (%s); retry %d in %.2f s", exc.request, exc, attempt, delay)
                self._sleep(delay)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call that is safe to repeat (reads, or writes the ERP de-duplicates), with retries."""
        return self.retrying(lambda: self.send_once(method, path, **kwargs))


def _summary(body: Any) -> str:
    """The ERP's own error message, without its traceback."""
    if isinstance(body, dict):
        for key in ("message", "exception", "exc_type", "detail", "error"):
            if body.get(key):
                return str(body[key])[:300]
    return str(body)[:300]
