"""Bulk inserts: chunk after chunk in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from connectors.dataset import read_dataset
from connectors.store import frames, open_store, write_session
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


def test_every_kind_of_value_comes_back_as_it_went_in(engine):
    # PostgreSQL takes the rows as CSV text (COPY), SQLite as Python values: text with the CSV
    # writer's own characters, an empty string against a missing one, floats to the last bit,
    # a categorical column, dates and times all come back the same from both.
    metadata = sa.MetaData()
    table = sa.Table("kinds", metadata, sa.Column("row_no", sa.Integer, primary_key=True), sa.Column("text", sa.Text),
                     sa.Column("code", sa.Text), sa.Column("number", sa.Float), sa.Column("count", sa.Integer),
                     sa.Column("flag", sa.Boolean), sa.Column("day", sa.Date), sa.Column("at", sa.DateTime),
                     sa.Column("run_id", sa.Integer))
    metadata.create_all(engine)
    frame = pd.DataFrame({
        "text": ['plain', 'a, "quoted"\nline', '', None],
        "code": pd.Categorical(["PO-1", None, "PO-2", "PO-1"]),
        "number": [0.1 + 0.2, 1e20, float("nan"), 1 / 3],
        "count": [1, -2, 3, 4],
        "flag": [True, False, True, False],
        "day": pd.to_datetime(["2026-11-23", None, "2027-01-31", "2026-12-24"]),
        "at": pd.to_datetime(["2026-11-23 06:30:15.25", "2026-11-24 22:00:00.00", None, "2026-12-24 00:00:00.00"]),
    })
    with write_session(engine) as session:
        frames.insert_frame(session.connection(), frame, table, list(frame.columns), run_id=7)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(select(table).order_by(table.c.row_no))]
    assert rows == [
        (1, "plain", "PO-1", 0.30000000000000004, 1, True, dt.date(2026, 11, 23), dt.datetime(2026, 11, 23, 6, 30, 15, 250000), 7),
        (2, 'a, "quoted"\nline', None, 1e20, -2, False, None, dt.datetime(2026, 11, 24, 22, 0), 7),
        (3, "", "PO-2", None, 3, True, dt.date(2027, 1, 31), None, 7),
        (4, None, "PO-1", 1 / 3, 4, False, dt.date(2026, 12, 24), dt.datetime(2026, 12, 24, 0, 0), 7),
    ]


def test_sqlite_stores_dates_and_times_as_the_text_sqlite3_writes_for_them(tmp_path):
    # Rows published before dates were sent as text were written by sqlite3's adapters
    # (date.isoformat(), datetime.isoformat(" ")): both kinds of rows must read and compare alike.
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    metadata = sa.MetaData()
    table = sa.Table("days", metadata, sa.Column("row_no", sa.Integer, primary_key=True), sa.Column("day", sa.Date),
                     sa.Column("at", sa.DateTime))
    metadata.create_all(engine)
    frame = pd.DataFrame({"day": pd.to_datetime(["2026-11-23", None, "2027-01-02"]),
                          "at": pd.to_datetime(["2026-11-23 06:30:15.250", "2026-11-24 22:00:00.000", None])})
    with write_session(engine) as session:
        frames.insert_frame(session.connection(), frame, table, ["day", "at"])
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT typeof(day), day, at FROM days ORDER BY row_no").all()
    engine.dispose()
    assert [tuple(r) for r in stored] == [("text", "2026-11-23", "2026-11-23 06:30:15.250000"),
                                          ("null", None, "2026-11-24 22:00:00"), ("text", "2027-01-02", None)]


def test_a_categorical_column_keeps_its_labels_in_every_chunk(engine, monkeypatch):
    # A chunk is a slice of the frame: its codes index the whole column's categories, some of
    # which it does not use (PostgreSQL turns them into text once for all chunks).
    monkeypatch.setattr(frames, "ROWS_PER_CHUNK", 2)
    metadata = sa.MetaData()
    table = sa.Table("codes", metadata, sa.Column("row_no", sa.Integer, primary_key=True), sa.Column("code", sa.Text))
    metadata.create_all(engine)
    frame = pd.DataFrame({"code": pd.Categorical(["S-3", "S-1", None, "S-2", "S-1"], categories=["S-1", "S-2", "S-3", "S-9"])})
    with write_session(engine) as session:
        frames.insert_frame(session.connection(), frame, table, ["code"])
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(select(table).order_by(table.c.row_no))]
    assert rows == [(1, "S-3"), (2, "S-1"), (3, None), (4, "S-2"), (5, "S-1")]
