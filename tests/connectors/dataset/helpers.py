"""Helpers for the dataset tests: the data folders, and raw tables written as CSV text."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "data"
INVALID = DATA / "invalid"
VALID = DATA / "valid"


def raw_tables(**csv_text: str) -> dict[str, pd.DataFrame]:
    """Text tables as parse_tables takes them, from CSV text per table (``items="item_id,type\\nA,make"``)."""
    return {
        name: pd.read_csv(io.StringIO(text.strip() + "\n"), dtype=str, keep_default_na=False).astype(object)
        for name, text in csv_text.items()
    }


def codes(issues) -> list[tuple[str, str, int | None, str | None]]:
    return sorted((i.code, i.file, i.row, i.column) for i in issues)
