"""Web users, their passwords, the sign-in backoff and the signed-in sessions (no browser)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.api.auth import Permission, Role
from connectors.store import open_store, write_session
from connectors.store.models import WebUser
from connectors.web.sessions import Sessions, SignedIn
from connectors.web.users import (
    LoginThrottle, UserError, check_password, create_user, disable_user, list_users, session_secret, set_password,
)


@pytest.fixture
def engine(tmp_path: Path):
    return open_store(f"sqlite:///{tmp_path / 'store.db'}")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_password_is_kept_only_as_an_argon2id_hash_and_checked(engine):
    with write_session(engine) as session:
        create_user(session, name=" anna ", role="buyer", password="s3cret-pass")
    with write_session(engine) as session:
        stored = session.get(WebUser, 1)
        assert stored.name == "anna" and stored.role == "buyer"
        assert stored.password_hash.startswith("$argon2id$") and "s3cret-pass" not in stored.password_hash
        assert check_password(session, "anna", "s3cret-pass").name == "anna"
        assert check_password(session, "anna", "s3cret-pasS") is None
        assert check_password(session, "nobody", "s3cret-pass") is None


def test_a_disabled_user_or_an_old_password_no_longer_signs_in(engine):
    with write_session(engine) as session:
        create_user(session, name="bob", role=Role.PLANNER, password="first-password")
        set_password(session, "bob", "second-password")
        assert check_password(session, "bob", "first-password") is None
        assert check_password(session, "bob", "second-password").name == "bob"
        disable_user(session, "bob")
        assert check_password(session, "bob", "second-password") is None
        assert [u.name for u in list_users(session)] == ["bob"]


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("", "buyer", "long-enough", "needs a name"),
    ("anna", "boss", "long-enough", "Unknown role 'boss'; use one of erp, buyer, planner, admin"),
    ("anna", "buyer", "short", "at least 8 characters (this one has 5)"),
])
def test_a_bad_user_is_refused_with_the_reason(engine, name, role, password, message):
    with write_session(engine) as session, pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_user(session, name=name, role=role, password=password)


def test_a_name_is_taken_once(engine):
    with write_session(engine) as session:
        create_user(session, name="anna", role="buyer", password="long-enough")
        with pytest.raises(UserError, match="already a user 'anna'"):
            create_user(session, name="anna", role="admin", password="long-enough")


def test_the_cookie_key_is_made_once_and_kept(engine):
    with write_session(engine) as session:
        first = session_secret(session)
    with write_session(engine) as session:
        assert session_secret(session) == first
    assert len(first) >= 40


def test_failed_sign_ins_wait_longer_and_longer_after_the_free_ones():
    clock = Clock()
    throttle = LoginThrottle(clock, free_failures=3, base_wait_s=30, max_wait_s=100)
    assert [throttle.failed("Anna") for _ in range(3)] == [1, 2, 3]
    assert throttle.wait_seconds("anna") == 30  # names are compared without case
    clock.now += 10
    assert throttle.wait_seconds("anna") == 20
    assert throttle.wait_seconds("bob") == 0
    clock.now += 20
    assert throttle.wait_seconds("anna") == 0
    throttle.failed("anna")
    assert throttle.wait_seconds("anna") == 60
    throttle.failed("anna")
    assert throttle.wait_seconds("anna") == 100  # 120 capped
    throttle.succeeded("anna")
    assert throttle.wait_seconds("anna") == 0


@given(st.integers(min_value=0, max_value=40), st.floats(min_value=0, max_value=5000))
def test_the_wait_never_exceeds_the_cap_and_ends(failures, elapsed):
    clock = Clock()
    throttle = LoginThrottle(clock, free_failures=3, base_wait_s=30, max_wait_s=900)
    for _ in range(failures):
        throttle.failed("x")
    clock.now += elapsed
    wait = throttle.wait_seconds("x")
    assert 0 <= wait <= 900
    if failures < 3 or elapsed >= 900:
        assert wait == 0


def test_a_session_ends_after_the_idle_time_and_at_sign_out():
    clock = Clock()
    sessions = Sessions(clock, idle_s=60)
    anna = SignedIn("anna", Role.BUYER)
    sessions.sign_in("browser-1", anna)
    clock.now += 50
    assert sessions.user("browser-1") == anna  # opening a page keeps it alive
    clock.now += 50
    assert sessions.user("browser-1") == anna
    assert sessions.user("browser-2") is None and sessions.user(None) is None
    clock.now += 61
    assert sessions.user("browser-1") is None
    sessions.sign_in("browser-1", anna)
    sessions.sign_out("browser-1")
    assert sessions.user("browser-1") is None


def test_a_web_user_has_exactly_the_permissions_of_the_api_role():
    assert SignedIn("anna", Role.BUYER).can(Permission.DECIDE_PURCHASES)
    assert not SignedIn("anna", Role.BUYER).can(Permission.TRIGGER_RUN)
    assert not SignedIn("anna", Role.BUYER).can(Permission.SCHEDULE_JOBS)
    assert SignedIn("bob", Role.PLANNER).can(Permission.SCHEDULE_JOBS)
    assert SignedIn("bob", Role.PLANNER).principal.token_id == 0


def _reelplan(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "reelplan"), *args], input=stdin, capture_output=True,
                          text=True, timeout=300)


def test_the_user_commands_create_list_and_refuse(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    done = _reelplan("user", "create", "--role", "planner", "--name", "bob", "--password-stdin", "--db", db,
                     stdin="a long password\n")
    assert done.returncode == 0, done.stderr
    refused = _reelplan("user", "create", "--role", "buyer", "--name", "eve", "--password-stdin", "--db", db,
                        stdin="short\n")
    assert refused.returncode == 2 and "at least 8 characters" in refused.stdout and "Traceback" not in refused.stderr
    listed = _reelplan("user", "list", "--db", db)
    assert "bob" in listed.stdout and "planner" in listed.stdout and "eve" not in listed.stdout
    engine = open_store(db)
    with write_session(engine) as session:
        assert check_password(session, "bob", "a long password").role == "planner"
