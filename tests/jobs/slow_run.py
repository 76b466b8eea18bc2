"""A planning run that hangs in its planning stage, for the kill -9 test.

``python -m tests.jobs.slow_run DB_URL MARKER`` starts a run whose planner writes MARKER
and then sleeps until the process is killed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from connectors.store import open_store
from jobs.runs import execute_run


def _hang(dataset, *, progress, **_kwargs):
    progress("mrp")
    Path(sys.argv[2]).write_text("planning")
    time.sleep(120)
    raise AssertionError("should have been killed")


if __name__ == "__main__":
    execute_run(open_store(sys.argv[1]), as_of=dt.date(2026, 11, 23), trigger="test", planner=_hang)
