"""Pushing dataset rows through the API: merge with the stored dataset, validate the whole, store.

A push is checked exactly like a CSV dataset: the stored dataset is turned back into text
tables, the pushed rows are merged in, and :func:`connectors.dataset.parse_tables` reads the
result. Any error means nothing is stored and every issue comes back at once; otherwise the
merged dataset replaces the stored one in the same transaction.

Merging (``mode``):

- ``upsert`` (default): a pushed row replaces the stored rows with the same key and other
  rows stay. The key is the table's id (``item_id``, ``po_id`` + ``line``, …); for
  ``bom`` it is ``parent_id`` (a pushed parent's lines replace all its stored lines) and
  for ``supplier_offers`` the offer (``supplier_id``, ``item_id``, ``mpn``: a pushed offer
  replaces all its price breaks).
- ``replace``: the pushed rows become the whole table (how an ERP says that a purchase
  order was closed or a reel used up).

A pushed row is a whole row, as a CSV line would be: a column left out takes its default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from sqlmodel import Session

from connectors.dataset import DatasetError, Issue, parse_tables
from connectors.dataset.cells import format_cell, format_typed
from connectors.store import import_dataset, load_dataset
from connectors.store.models import DEFAULT_SITE
from mrp.dataset import TABLES, Dataset

Mode = Literal["upsert", "replace"]

#: Rows sharing these columns are replaced together by an upsert.
UPSERT_KEYS: dict[str, tuple[str, ...]] = {
    **{name: table.key for name, table in TABLES.items()},
    "bom": ("parent_id",),
    "supplier_offers": ("supplier_id", "item_id", "mpn"),
}


@dataclass
class TablePush:
    """What one table's push did."""

    table: str
    received: int
    replaced: int
    removed: int
    total: int


@dataclass
class PushResult:
    tables: list[TablePush]
    warnings: list[Issue] = field(default_factory=list)


class PushRejected(Exception):
    """The merged dataset has errors; ``issues`` locate each in the request where they can."""

    def __init__(self, issues: list[dict[str, Any]]) -> None:
        super().__init__(f"{sum(i['severity'] == 'error' for i in issues)} error(s) in the pushed data")
        self.issues = issues


def text_tables(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The dataset as the CSV reader would see it: one text cell per value, every column."""
    return {
        name: pd.DataFrame({c.name: [format_typed(v, c.kind) for v in dataset.table(name)[c.name]]
                            for c in table.columns}, columns=table.column_names, dtype=object)
        for name, table in TABLES.items()
    }


def _cell(value: Any) -> str:
    return "" if value is None else format_cell(value)


def merge(current: pd.DataFrame, table: str, rows: Sequence[Mapping[str, Any]], mode: Mode) -> tuple[pd.DataFrame, int, int]:
    """Kept stored rows first, then the pushed rows in request order; returns (merged, replaced, removed)."""
    pushed = pd.DataFrame([{k: _cell(v) for k, v in row.items()} for row in rows], dtype=object)
    columns = list(dict.fromkeys([*current.columns, *pushed.columns]))
    if mode == "replace":
        kept = current.iloc[0:0]
        replaced, removed = 0, len(current)
    else:
        key = list(UPSERT_KEYS[table])
        missing = [k for k in key if k not in pushed.columns]
        if missing or pushed.empty or current.empty:
            kept = current
        else:
            pushed_keys = set(map(tuple, pushed[key].fillna("").to_numpy().tolist()))
            hit = current[key].apply(tuple, axis=1).isin(pushed_keys) if len(current) else pd.Series([], dtype=bool)
            kept = current[~hit]
        replaced, removed = len(current) - len(kept), 0
    merged = pd.concat([kept.reindex(columns=columns), pushed.reindex(columns=columns)], ignore_index=True)
    return merged.fillna("").astype(object), replaced, removed


def push(session: Session, tables: Mapping[str, Sequence[Mapping[str, Any]]], *, mode: Mode = "upsert",
         settings: Mapping[str, Any] | None = None, site: str = DEFAULT_SITE) -> PushResult:
    """Merge into the dataset of ``site`` (added by its first push), validate and store within the
    session's transaction; raises :class:`PushRejected`."""
    stored = load_dataset(session, site=site)
    every = text_tables(stored)
    raw = {name: frame for name, frame in every.items() if len(frame)}
    kept_rows: dict[str, int] = {}
    results = []
    for name, rows in tables.items():
        merged, replaced, removed = merge(every[name], name, rows, mode)
        kept_rows[name] = len(merged) - len(rows)
        raw[name] = merged
        results.append(TablePush(name, len(rows), replaced, removed, len(merged)))
    raw_settings = {**dataclasses.asdict(stored.settings), **(settings or {})}
    try:
        dataset, warnings = parse_tables(raw, raw_settings, source="API")
    except DatasetError as exc:
        raise PushRejected([locate(i, kept_rows) for i in exc.issues]) from exc
    import_dataset(session, dataset, site=site)
    return PushResult(results, warnings)


def locate(issue: Issue, kept_rows: Mapping[str, int]) -> dict[str, Any]:
    """An issue as the pusher needs it: which table, and which row of the request (0-based)
    or ``stored`` when the problem is in a row already stored (e.g. it names a removed item)."""
    table = issue.file.removesuffix(".csv")
    out = {**dataclasses.asdict(issue), "table": table, "request_row": None, "stored": False}
    if issue.row is not None:
        position = issue.row - 2  # the header is row 1
        pushed_from = kept_rows.get(table)
        if pushed_from is not None and position >= pushed_from:
            out["request_row"] = position - pushed_from
        else:
            out["stored"] = True
    return out
