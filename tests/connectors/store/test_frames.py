"""Bulk inserts: chunk after chunk in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pandas as pd
import psycopg
import pytest
from sqlalchemy import select

from connectors.dataset import read_dataset
from connectors.store import frames, write_session
from connectors.store.models import Item
from mrp.dataset import TABLES
from tests.connectors.store.fixtures import GATEWAY


def _items() -> pd.DataFrame:
    """The worked example's five items twice over (ids of the copy end in -2): ten rows."""
    items = read_dataset(GATEWAY)[0].items
    copy = items.assign(item_id=items["item_id"] + "-2", lot_size=float("nan"))
    return pd.concat([items, copy], ignore_index=True)


def _stored(engine) -> list[tuple]:
    table = Item.__table__
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(
            select(table.c.row_no, table.c.item_id, table.c.type, table.c.lead_time_days, table.c.lot_size)
            .order_by(table.c.row_no))]


def test_every_chunk_lands_in_order_with_its_row_numbers(engine, monkeypatch):
    monkeypatch.setattr(frames, "ROWS_PER_CHUNK", 3)
    items = _items()
    with write_session(engine) as session:
        count = frames.insert_frame(session.connection(), items, Item.__table__, TABLES["items"].column_names)
    assert count == 10
    expected = [(n + 1, r.item_id, r.type, r.lead_time_days, None if pd.isna(r.lot_size) else r.lot_size)
                for n, r in enumerate(items.itertuples())]
    assert _stored(engine) == expected
    assert [row[1] for row in expected[4:6]] == ["RES", "GW100-2"]  # the chunk boundaries fall inside the copy


def test_a_failure_in_a_later_chunk_leaves_nothing(engine, monkeypatch):
    monkeypatch.setattr(frames, "ROWS_PER_CHUNK", 3)
    items = _items()
    items.loc[8, "item_id"] = "GW100"  # the primary key repeats in the third chunk
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)), write_session(engine) as session:
        frames.insert_frame(session.connection(), items, Item.__table__, TABLES["items"].column_names)
    assert _stored(engine) == []
