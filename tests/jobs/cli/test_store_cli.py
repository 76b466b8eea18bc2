"""``reelplan import`` / ``reelplan export``: what an operator sees, and the exit codes."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from connectors.dataset import read_dataset

import jobs.cli.store  # noqa: F401  (registers the commands)
from jobs.cli import app
from tests.connectors.store.fixtures import DATA, GATEWAY


def _reelplan(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})


def test_import_then_export_gives_the_dataset_back(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    imported = _reelplan("import", GATEWAY, "--db", db)
    assert imported.exit_code == 0, imported.output
    assert "5 items, 4 bom, 3 demand, 4 inventory" in imported.output

    exported = _reelplan("export", tmp_path / "out", "--db", db)
    assert exported.exit_code == 0, exported.output
    assert "Exported 5 items" in exported.output
    again, original = read_dataset(tmp_path / "out")[0], read_dataset(GATEWAY)[0]
    assert again.settings == original.settings
    for name in ("items", "bom", "demand", "inventory"):
        pd.testing.assert_frame_equal(again.table(name), original.table(name))


def test_bad_data_is_listed_exits_two_and_loads_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("REELPLAN_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")  # the environment names the store
    assert _reelplan("import", GATEWAY).exit_code == 0
    result = _reelplan("import", DATA / "invalid" / "bom_cycle")
    assert result.exit_code == 2
    assert "bom_cycle" in result.output or "cycle" in result.output
    assert "nothing was loaded" in result.output
    assert (tmp_path / "store.db").exists()
