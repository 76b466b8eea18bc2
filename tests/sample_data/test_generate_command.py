"""``reelplan generate``: a dataset folder the reader accepts, the same bytes for the same seed."""

from __future__ import annotations

from datetime import date

import typer
from typer.testing import CliRunner

from connectors.dataset import read_dataset
from jobs.cli.generate import generate


def _run(*args: str):
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command()(generate)
    return CliRunner().invoke(app, ["generate", *map(str, args)], env={"COLUMNS": "250"})


def test_writes_a_valid_dataset_of_the_requested_size(tmp_path):
    out = tmp_path / "big"
    result = _run(out, "--items", "200", "--demands", "500", "--levels", "4", "--seed", "3", "--as-of", "2027-01-04")
    assert result.exit_code == 0, result.output
    assert "200 items" in result.output and "500 demand" in result.output
    ds, warnings = read_dataset(out)
    assert warnings == []
    assert len(ds.items) == 200 and len(ds.demand) == 500
    assert ds.settings.as_of == date(2027, 1, 4)


def test_same_seed_same_files(tmp_path):
    for name in ("a", "b"):
        assert _run(tmp_path / name, "--items", "120", "--demands", "200", "--seed", "9").exit_code == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "supplier_offers.csv" in files and "settings.toml" in files
    for file in files:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_impossible_shape_is_a_usage_error(tmp_path):
    result = _run(tmp_path / "x", "--items", "5", "--levels", "5")
    assert result.exit_code == 2
    assert "too small" in result.output
