"""Import, load and export: the store gives back exactly the dataset it was given, and bad
data changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert

from connectors.dataset import DatasetError, read_dataset
from connectors.store import export_dataset, import_folder, load_dataset, read_snapshot, write_session
from connectors.store.models import Item
from mrp.dataset import TABLES, Dataset
from tests.connectors.store.fixtures import DATA, GATEWAY, SMALL

EMS_FACTORY = Path(__file__).resolve().parents[3] / "sample_data" / "ems_factory"


def assert_same_dataset(actual: Dataset, expected: Dataset) -> None:
    assert actual.settings == expected.settings
    for name in TABLES:
        pd.testing.assert_frame_equal(actual.table(name), expected.table(name), check_exact=True, obj=name)


def _stored(engine) -> Dataset:
    with read_snapshot(engine) as session:
        return load_dataset(session)


@pytest.mark.parametrize("folder", [GATEWAY, SMALL, EMS_FACTORY], ids=lambda p: p.name)
def test_a_dataset_comes_back_from_the_store_unchanged(engine, folder, tmp_path):
    if not folder.is_dir():
        pytest.skip(f"{folder} is not there")
    original, _ = read_dataset(folder)
    import_folder(engine, folder)
    assert_same_dataset(_stored(engine), original)

    with read_snapshot(engine) as session:
        export_dataset(session, tmp_path / "exported")
    again, warnings = read_dataset(tmp_path / "exported")
    assert warnings == []
    assert_same_dataset(again, original)


def test_an_import_replaces_the_previous_dataset(engine):
    import_folder(engine, SMALL)
    import_folder(engine, GATEWAY)
    assert_same_dataset(_stored(engine), read_dataset(GATEWAY)[0])


def test_bad_data_is_reported_and_changes_nothing(engine):
    import_folder(engine, GATEWAY)
    with pytest.raises(DatasetError) as failure:
        import_folder(engine, DATA / "invalid" / "bom_cycle")
    assert any(issue.code == "bom_cycle" for issue in failure.value.errors)
    assert_same_dataset(_stored(engine), read_dataset(GATEWAY)[0])


def test_a_failure_while_writing_rolls_the_whole_import_back(engine):
    import_folder(engine, GATEWAY)
    small, _ = read_dataset(SMALL)
    with pytest.raises(RuntimeError), write_session(engine) as session:
        from connectors.store import import_dataset

        import_dataset(session, small)
        raise RuntimeError("crash after every table was written")
    assert_same_dataset(_stored(engine), read_dataset(GATEWAY)[0])


def test_the_planning_date_can_be_overridden_when_loading(engine):
    import_folder(engine, GATEWAY, horizon_days=90)
    with read_snapshot(engine) as session:
        dataset = load_dataset(session, as_of=dt.date(2026, 12, 1))
    assert dataset.settings.as_of == dt.date(2026, 12, 1)
    assert dataset.settings.horizon_days == 90


def test_rows_added_without_a_position_come_first_in_key_order(engine):
    # e.g. written by an ERP push rather than an import: row_no stays 0, the key orders them.
    import_folder(engine, GATEWAY)
    with write_session(engine) as session:
        session.connection().execute(insert(Item.__table__), [
            {"item_id": "ZZZ", "type": "buy"}, {"item_id": "AAA", "type": "buy"},
        ])
    items = _stored(engine).items
    assert list(items["item_id"]) == ["AAA", "ZZZ", "GW100", "PCBA1", "MCU", "CAP", "RES"]
    assert list(items.loc[0, ["lot_rule", "yield_pct", "uom"]]) == ["L4L", 100.0, "pcs"]
