"""No stack traces to clients: unexpected errors are a plain 500 with an id the server logs."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from sqlalchemy import Engine

from connectors.api.app import create_app
from connectors.api.settings import ApiSettings
from jobs.cli.serve import planning_actions
from tests.connectors.api.conftest import ApiClient, auth
from tests.connectors.api.sample_plan import load_small, publish


def failing_changes(*_args: object) -> dict:
    raise RuntimeError("disk on fire at /var/lib/reelplan/secret")


def test_an_unexpected_error_is_a_500_without_details_and_is_logged_with_its_id(
        engine: Engine, tokens: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    load_small(engine)
    run = publish(engine)
    actions = dataclasses.replace(planning_actions(), changes_since=failing_changes)
    client = ApiClient(create_app(ApiSettings(), engine=engine, actions=actions), raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="connectors.api.errors"):
        response = client.get(f"/api/v1/plan/changes?since_run={run}", headers=auth(tokens["erp"]))
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"detail", "error_id"} and body["detail"] == "internal server error"
    assert "fire" not in response.text and "Traceback" not in response.text
    assert body["error_id"] in caplog.text and "disk on fire" in caplog.text


def test_malformed_json_is_a_422_that_says_where(client: ApiClient, tokens: dict[str, str]) -> None:
    response = client.put("/api/v1/data/items", content=b'{"rows": [', headers={
        **auth(tokens["erp"]), "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
