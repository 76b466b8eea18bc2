"""A bounded fuzz run of the OpenAPI schema (schemathesis): whatever a client sends, no 5xx.

Every operation gets a fixed number of generated requests (hypothesis, derandomized so the
run is the same every time) with an admin token, on a store holding the small dataset and a
published plan. ``POST /api/v1/runs`` and ``POST /api/v1/scenarios/run`` are left out: they
start real planning runs (their own tests cover them).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from connectors.api.app import create_app
from connectors.api.settings import ApiSettings
from connectors.store import open_store
from jobs.cli.serve import planning_actions
from tests.connectors.api.conftest import auth, make_tokens
from tests.connectors.api.sample_plan import load_small, publish

EXAMPLES_PER_OPERATION = 12
LEFT_OUT = {("POST", "/api/v1/runs"), ("POST", "/api/v1/scenarios/run")}


def test_no_generated_request_makes_the_server_fail(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    load_small(engine)
    publish(engine)
    headers = auth(make_tokens(engine)["admin"])
    app = create_app(ApiSettings(max_body_bytes=256 * 1024), engine=engine,
                     actions=dataclasses.replace(planning_actions(), run_now=None))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    calls, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in LEFT_OUT:
            continue

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            response = case.call(headers=headers)
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")

        check()
    engine.dispose()
    assert calls >= 100
    assert failures == []
