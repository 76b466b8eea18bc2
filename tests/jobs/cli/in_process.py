"""The ``reelplan`` command run in this process, as a test sees it."""

from __future__ import annotations

import sys

import pytest

from jobs.cli import main, state


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: object) -> tuple[int, str, str]:
    """Run ``reelplan ARGS`` (without ``--debug``); its exit code, standard output and error."""
    monkeypatch.setattr(sys, "argv", ["reelplan", *map(str, args)])
    monkeypatch.setattr(state, "debug", False)
    with pytest.raises(SystemExit) as stopped:
        main()
    out = capsys.readouterr()
    return stopped.value.code, out.out, out.err
