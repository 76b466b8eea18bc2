"""A real server and a real browser for the workspace tests.

The server is ``reelplan serve`` in a subprocess on 127.0.0.1 (a free port), on a temporary
SQLite store loaded with the sample factory and planned once (as of 2026-11-23), with one
user per role. The browser is Debian's Chromium driven by Playwright; without
``/usr/bin/chromium`` the tests skip, unless ``REELPLAN_TEST_REQUIRE_BROWSER=1`` (CI), where
they fail. With ``REELPLAN_WEB_SCREENSHOTS=DIR`` the tests save a picture of each page there.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image  # pillow comes with matplotlib

from connectors.store import import_folder, open_store, write_session
from connectors.web.users import create_user
from jobs.runs import RunOptions, execute_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SAMPLE = Path(__file__).resolve().parents[3] / "sample_data" / "ems_factory"
AS_OF = "2026-11-23"
PASSWORD = "correct horse battery"
#: name -> role of the users the server knows.
USERS = {"anna": "buyer", "bob": "planner", "carl": "buyer", "root": "admin"}


@dataclass
class Server:
    url: str
    db_path: Path
    log_path: Path

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Rows read straight from the store's SQLite file (the tests' independent view)."""
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(sql, params).fetchall()


#: Short solver limits: the tests check decisions and pages, not plan quality.
SOLVER_LIMITS = {"REELPLAN_OPTIMIZE_TIME_LIMIT_S": "5", "REELPLAN_SCHEDULE_TIME_LIMIT_S": "5"}


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REELPLAN_ERP_", "REELPLAN_WEB_"))}
    return {**env, **SOLVER_LIMITS}


def _reelplan(*args: str, stdin: str | None = None) -> None:
    command = [str(Path(sys.executable).parent / "reelplan"), *args]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=600, env=_environment())
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("REELPLAN_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium) and REELPLAN_TEST_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing: the browser tests need Debian's chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("workspace")
    db_path = root / "store.db"
    db = f"sqlite:///{db_path}"
    engine = open_store(db)
    import_folder(engine, SAMPLE)
    execute_run(engine, as_of=dt.date.fromisoformat(AS_OF), trigger="manual",
                options=RunOptions(optimize_time_limit_s=5, schedule_time_limit_s=5))
    with write_session(engine) as session:
        for name, role in USERS.items():
            if name != "anna":
                create_user(session, name=name, role=role, password=PASSWORD)
    engine.dispose()
    # One user through the command line, as an administrator creates them.
    _reelplan("user", "create", "--role", "buyer", "--name", "anna", "--password-stdin", "--db", db,
              stdin=PASSWORD + "\n")
    port = _free_port()
    env = _environment()
    env["REELPLAN_WEB_LOGIN_WAIT_S"] = "3600"  # a locked name stays locked for the whole test
    log_path = root / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "reelplan"), "serve", "--db", db, "--port", str(port)],
            cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"reelplan serve did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield Server(url=url, db_path=db_path, log_path=log_path)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[object]:
    """A fresh browser context (no cookies) with one page, 1280×800."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: object, name: str) -> None:
    """Save a picture of the page when REELPLAN_WEB_SCREENSHOTS names a folder."""
    folder = os.environ.get("REELPLAN_WEB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate("document.querySelectorAll('.q-notification').forEach(n => n.remove())")
        path = Path(folder) / f"{name}.png"
        page.screenshot(path=str(path))
        with Image.open(path) as picture:  # a 256-colour palette keeps the pictures small
            small = picture.convert("RGB").quantize(colors=256)
        small.save(path, optimize=True)
