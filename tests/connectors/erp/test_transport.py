"""Retries with backoff on timeouts and 5xx, never on 4xx; real timeouts on a real socket."""

from __future__ import annotations

import http.server
import threading
import time

import httpx
import pytest

from connectors.erp.transport import ErpRejected, ErpUnavailable, RetryingClient, RetryPolicy
from tests.connectors.erp.fakes import FakeServer
from tests.connectors.erp.helpers import FAST_RETRY, SleepRecorder


class Echo(FakeServer):
    def dispatch(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing":
            return httpx.Response(404, json={"message": "no such record", "debug": "Traceback ..."})
        return httpx.Response(200, json={"ok": True})


def client(server: FakeServer, sleep: SleepRecorder) -> RetryingClient:
    return RetryingClient("http://erp.test", retry=FAST_RETRY, transport=server.transport, sleep=sleep)


def test_backoff_doubles_from_the_base_and_stops_at_the_cap() -> None:
    policy = RetryPolicy(attempts=6, backoff_seconds=0.5, max_backoff_seconds=3.0)
    assert [policy.delay_seconds(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.delay_seconds(1, retry_after_seconds=2.5) == 2.5


@pytest.mark.parametrize("kind", ["outage", "drop", "slow"])
def test_a_passing_failure_is_retried_until_it_succeeds(kind: str) -> None:
    server, sleep = Echo(), SleepRecorder()
    server.inject(kind, times=2)
    assert client(server, sleep).request("GET", "/ping").json() == {"ok": True}
    assert len(server.requests) == 3
    assert sleep.delays == [0.5, 1.0]


def test_a_lasting_outage_gives_up_after_every_attempt() -> None:
    server, sleep = Echo(), SleepRecorder()
    server.inject("outage", times=10)
    with pytest.raises(ErpUnavailable) as err:
        client(server, sleep).request("GET", "/ping")
    assert err.value.attempts == 4
    assert len(server.requests) == 4
    assert sleep.delays == [0.5, 1.0, 2.0]
    assert "http://erp.test/ping" in str(err.value)


def test_a_refusal_is_not_retried_and_keeps_the_erp_message_without_its_traceback() -> None:
    server, sleep = Echo(), SleepRecorder()
    with pytest.raises(ErpRejected) as err:
        client(server, sleep).request("GET", "/missing")
    assert err.value.status_code == 404
    assert "no such record" in str(err.value) and "Traceback" not in str(err.value)
    assert len(server.requests) == 1 and sleep.delays == []


def test_retry_after_from_the_server_is_honoured() -> None:
    class Busy(Echo):
        calls = 0

        def dispatch(self, request: httpx.Request) -> httpx.Response:
            self.calls += 1
            if self.calls == 1:
                return httpx.Response(429, headers={"Retry-After": "3"})
            return super().dispatch(request)

    server, sleep = Busy(), SleepRecorder()
    client(server, sleep).request("GET", "/ping")
    assert sleep.delays == [3.0]


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).hits += 1
        time.sleep(2.0)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_the_read_timeout_is_enforced_on_a_real_socket() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        retry = RetryPolicy(attempts=2, backoff_seconds=0.0)
        # The server answers 200 after 2 s: only the 0.1 s read timeout, on both attempts, makes this fail.
        with RetryingClient(url, timeout=httpx.Timeout(0.1), retry=retry) as slow_erp, pytest.raises(ErpUnavailable):
            slow_erp.request("GET", "/slow")
        assert _SlowHandler.hits == 2
    finally:
        server.shutdown()
        server.server_close()
