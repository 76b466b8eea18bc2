"""A decision taken from a page is checked against the user's role, whatever the page showed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import select

from connectors.api.actions import PlanningActions
from connectors.api.auth import Permission, Role
from connectors.api.models import AuditEntry
from connectors.store import open_store, read_snapshot
from connectors.web.sessions import Sessions, SignedIn
from connectors.web.settings import WebSettings
from connectors.web.users import LoginThrottle
from connectors.web.workspace import Workspace


class Refused(ValueError):
    pass


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(engine=open_store(f"sqlite:///{tmp_path / 'store.db'}"),
                     actions=PlanningActions(decision_error=Refused), outbox=None, settings=WebSettings(),
                     sessions=Sessions(time.monotonic, idle_s=60), throttle=LoginThrottle(time.monotonic))


def test_a_buyer_cannot_pin_even_by_a_forged_event(workspace):
    calls = []
    with pytest.raises(Refused, match="Role 'buyer' may not jobs:schedule"):
        workspace.decide(SignedIn("anna", Role.BUYER), Permission.SCHEDULE_JOBS, "job.pin", "job:J1", None,
                         lambda session: calls.append(session))
    assert calls == []
    with pytest.raises(RuntimeError, match="may not start a run"):
        workspace.start_run(SignedIn("anna", Role.BUYER), as_of=None)


def test_an_allowed_decision_is_audited_with_the_users_name(workspace):
    after = workspace.decide(SignedIn("bob", Role.PLANNER), Permission.SCHEDULE_JOBS, "job.unpin", "job:J1",
                             lambda session: None, lambda session: 0)
    assert after == 0
    with read_snapshot(workspace.engine) as session:
        entries = session.exec(select(AuditEntry)).all()
    assert [(e.action, e.target, e.token_id, e.token_name, e.role) for e in entries] == [
        ("job.unpin", "job:J1", None, "bob", "planner")]


def test_a_refused_decision_leaves_no_audit_entry(workspace):
    def refuse(session):
        raise Refused("no such job")

    with pytest.raises(Refused, match="no such job"):
        workspace.decide(SignedIn("bob", Role.PLANNER), Permission.SCHEDULE_JOBS, "job.unpin", "job:J9", None, refuse)
    with read_snapshot(workspace.engine) as session:
        assert session.exec(select(AuditEntry)).all() == []
