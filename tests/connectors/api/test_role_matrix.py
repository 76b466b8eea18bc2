"""Every endpoint × every role, and no token: who may call what (docs/api.md, role matrix).

The matrix below is the specification, written out by hand; the test also fails when the
app grows an endpoint the matrix does not list. Calls that a role may make are sent with a
body the endpoint rejects (422), so the matrix is checked without side effects.
"""

from __future__ import annotations

import pytest
from tests.connectors.api.conftest import ApiClient, auth, make_client, make_tokens

EVERYONE = {"erp", "buyer", "planner", "admin"}
PUSHERS = {"erp", "admin"}
BUYERS = {"buyer", "admin"}
PLANNERS = {"planner", "admin"}

MATRIX: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/v1/data"): PUSHERS,
    ("PUT", "/api/v1/data/{table}"): PUSHERS,
    ("GET", "/api/v1/data/{table}"): PUSHERS,
    **{("GET", f"/api/v1/plan/{name}"): EVERYONE for name in (
        "planned-orders", "purchase-suggestions", "schedule", "exceptions", "pegging", "mrp-records", "liability",
        "capacity-load",
        "summary",
        "changes", "purchase-suggestions.xlsx")},
    ("GET", "/api/v1/runs"): EVERYONE,
    ("GET", "/api/v1/runs/{run_id}"): EVERYONE,
    ("POST", "/api/v1/runs"): {"erp", "planner", "admin"},
    ("POST", "/api/v1/suggestions/{suggestion_id}/approve"): BUYERS,
    ("POST", "/api/v1/suggestions/{suggestion_id}/edit"): BUYERS,
    ("POST", "/api/v1/suggestions/{suggestion_id}/reject"): BUYERS,
    ("POST", "/api/v1/purchase-orders/{po_id}/cancel"): BUYERS,
    ("POST", "/api/v1/jobs/{job_id}/pin"): PLANNERS,
    ("POST", "/api/v1/jobs/{job_id}/unpin"): PLANNERS,
    ("POST", "/api/v1/schedule/freeze"): PLANNERS,
    ("GET", "/api/v1/audit"): {"admin"},
    ("GET", "/api/v1/scenarios"): PLANNERS,
    ("POST", "/api/v1/scenarios"): PLANNERS,
    ("POST", "/api/v1/scenarios/run"): PLANNERS,
    ("GET", "/api/v1/scenarios/compare"): PLANNERS,
}
PUBLIC = {("GET", "/health")}
PATH_VALUES = {"{table}": "items", "{run_id}": "1", "{suggestion_id}": "S1", "{po_id}": "RP-1-S1", "{job_id}": "WO-1"}


def concrete(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace(name, value)
    return path


def call(client: ApiClient, method: str, path: str, headers: dict[str, str]) -> int:
    # ``[]`` where an object is expected: an allowed caller gets 422 and nothing happens.
    body = {"json": []} if method in ("POST", "PUT") else {}
    return client.request(method, concrete(path), headers=headers, **body).status_code


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    from connectors.store import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'store.db'}")
    yield make_client(engine), make_tokens(engine)
    engine.dispose()


def test_the_matrix_lists_every_endpoint_of_the_openapi_document(setup) -> None:
    client, _ = setup
    paths = client.get("/openapi.json").json()["paths"]
    assert {(m.upper(), p) for p, ops in paths.items() for m in ops} == set(MATRIX) | PUBLIC


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_without_a_token_every_endpoint_answers_401(setup, method: str, path: str) -> None:
    client, _ = setup
    response = client.request(method, concrete(path))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_a_role_reaches_exactly_the_endpoints_it_needs(setup, role: str, method: str, path: str) -> None:
    client, tokens = setup
    status = call(client, method, path, auth(tokens[role]))
    if role in MATRIX[(method, path)]:
        assert status not in (401, 403), f"{role} refused on {method} {path}"
    else:
        assert status == 403, f"{role} let through on {method} {path} ({status})"


def test_the_health_check_and_the_api_documentation_need_no_token(setup) -> None:
    client, _ = setup
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert client.get("/docs").status_code == 200  # the schema holds no data, only the contract
