"""Writing: a dataset reads back equal; a plan folder is complete, ordered and byte-for-byte stable."""

from __future__ import annotations

import errno
import json
import os
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.dataset import PlanFolderError, read_dataset, write_dataset, write_plan
from connectors.dataset.cells import format_cell, format_number
from mrp.dataset import TABLES, Dataset, PlanSettings
from mrp.plan import PLAN_COLUMNS, Plan, empty_plan_table
from tests.connectors.dataset.helpers import VALID


def _assert_same(a: Dataset, b: Dataset) -> None:
    assert a.settings == b.settings
    for name in TABLES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name), check_exact=True)


@pytest.mark.parametrize("example", ["small", "gateway"])
def test_a_written_dataset_reads_back_equal(tmp_path, example):
    ds, _ = read_dataset(VALID / example, today=date(2026, 1, 1))
    write_dataset(ds, tmp_path / "copy")
    again, warnings = read_dataset(tmp_path / "copy", today=date(2000, 1, 1))
    _assert_same(ds, again)
    assert warnings == []


def test_numbers_are_written_without_float_noise(tmp_path):
    ds, _ = read_dataset(VALID / "small")
    write_dataset(ds, tmp_path)
    items = (tmp_path / "items.csv").read_text(encoding="utf-8").splitlines()
    assert items[3] == "MCU,Microcontroller,buy,pcs,60,100,FOQ,2500,,0,2500,0.5,2,100,10,active,"
    bom = (tmp_path / "bom.csv").read_text(encoding="utf-8").splitlines()
    assert bom[3] == "PCB1,RES,12,2,,R1-R12,true,,2027-03-01"
    assert bom[5] == "PCB1,PASTE,0.0125,,,,false,,"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_written_number_reads_back_as_the_same_float(x):
    assert float(format_number(x)) == x


def test_text_with_commas_quotes_and_accents_reads_back(tmp_path):
    ds, _ = read_dataset(VALID / "gateway")
    ds.items.loc[0, "description"] = 'Gateway, rev "B" — 10 µF'
    ds.items.loc[1, "description"] = "  padded  "
    write_dataset(ds, tmp_path)
    _assert_same(ds, read_dataset(tmp_path)[0])


def test_only_tables_with_rows_are_written_and_stale_ones_removed(tmp_path):
    ds, _ = read_dataset(VALID / "gateway")
    (tmp_path / "smt_lines.csv").write_text("line_id,placements_per_hour,feeder_slots\nOLD,1,1\n", encoding="utf-8")
    write_dataset(ds, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bom.csv", "demand.csv", "inventory.csv", "items.csv", "settings.toml",
    ]


def test_settings_are_written_as_toml_that_reads_back(tmp_path):
    ds = Dataset(PlanSettings(as_of=date(2027, 2, 3), holding_rate=0.1 + 0.2, bake_hours=12.5),
                 items=read_dataset(VALID / "gateway")[0].items)
    write_dataset(ds, tmp_path)
    text = (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert "as_of = 2027-02-03\n" in text and 'shift_start = "06:00"\n' in text and "horizon_days = 365\n" in text
    assert read_dataset(tmp_path)[0].settings == ds.settings


# --- plan folder -------------------------------------------------------------------------------


def _plan() -> Plan:
    planned = pd.DataFrame({
        "note": ["late", ""],  # an extra column: written after the contract's columns
        "due_date": pd.to_datetime(["2026-12-27", "2027-01-22"]),
        "order_id": ["PO-1", "PO-2"],
        "item_id": ["MCU", "MCU"],
        "type": ["buy", "buy"],
        "customer_id": ["", ""],
        "quantity": [2500.0, 0.1 + 0.2],
        "release_date": pd.to_datetime(["2026-11-23", "2026-11-23"]),
        "receipt_quantity": [2500.0, np.nan],
        "available_date": pd.to_datetime(["2027-02-01", None]),
        "priority": [100, 10],
    })
    schedule = pd.DataFrame({
        "job_id": ["J1"], "item_id": ["PCB1"], "quantity": [500], "line_id": ["SMT1"],
        "setup_start": pd.to_datetime(["2026-11-23 06:00"]), "start": pd.to_datetime(["2026-11-23 06:20"]),
        "end": pd.to_datetime(["2026-11-24 00:00"]), "due": pd.to_datetime(["2026-11-30 06:00"]),
        "changeover_minutes": [20.0], "tardiness_minutes": [0.0],
    })
    return Plan(
        planned_orders=planned,
        schedule=schedule,
        exceptions=empty_plan_table("exceptions"),
        summary={"as_of": date(2026, 11, 23), "counts": {"planned_orders": 2}, "gap": float("nan"),
                 "cost": np.float64(12.5), "solver": "optimal", "started": pd.Timestamp("2026-11-23 02:00")},
        extras={"kitting": pd.DataFrame({"reel_id": ["R1"], "quantity": [np.int64(1200)]})},
    )


def test_the_plan_folder_holds_the_tables_that_ran(tmp_path):
    write_plan(_plan(), tmp_path / "plan")
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [
        "exceptions.csv", "kitting.csv", "planned_orders.csv", "schedule.csv", "summary.json",
    ]
    assert (tmp_path / "plan" / "exceptions.csv").read_text(encoding="utf-8") == "type,item_id,ref_id,date,quantity,message\n"
    assert (tmp_path / "plan" / "kitting.csv").read_text(encoding="utf-8") == "reel_id,quantity\nR1,1200\n"


def test_plan_tables_put_the_contract_columns_first_and_format_values(tmp_path):
    write_plan(_plan(), tmp_path / "plan")
    lines = (tmp_path / "plan" / "planned_orders.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(PLAN_COLUMNS["planned_orders"]) + ",note"
    assert lines[1] == "PO-1,MCU,buy,,2500,2026-11-23,2026-12-27,2500,2027-02-01,100,late"
    assert lines[2] == "PO-2,MCU,buy,,0.3,2026-11-23,2027-01-22,,,10,"
    schedule = (tmp_path / "plan" / "schedule.csv").read_text(encoding="utf-8").splitlines()
    assert schedule[1] == "J1,PCB1,500,SMT1,2026-11-23T06:00,2026-11-23T06:20,2026-11-24T00:00,2026-11-30T06:00,20,0"


def test_a_plan_table_missing_a_contract_column_gets_it_empty(tmp_path):
    write_plan(Plan(pegging=pd.DataFrame({"demand_id": ["D1"], "quantity": [5.0]})), tmp_path / "plan")
    text = (tmp_path / "plan" / "pegging.csv").read_text(encoding="utf-8")
    assert text == "demand_id,item_id,supply_type,supply_id,quantity,level\nD1,,,,5,\n"


def test_the_summary_is_sorted_indented_json_with_iso_dates(tmp_path):
    write_plan(_plan(), tmp_path / "plan")
    text = (tmp_path / "plan" / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == {
        "as_of": "2026-11-23", "cost": 12.5, "counts": {"planned_orders": 2}, "gap": None,
        "solver": "optimal", "started": "2026-11-23T02:00",
    }
    assert text.startswith('{\n  "as_of": "2026-11-23",\n  "cost": 12.5,')


def test_writing_the_same_plan_twice_gives_the_same_bytes(tmp_path):
    write_plan(_plan(), tmp_path / "a")
    write_plan(_plan(), tmp_path / "b")
    for file in (tmp_path / "a").iterdir():
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes()


def test_a_new_plan_replaces_the_old_one_whole(tmp_path):
    write_plan(_plan(), tmp_path / "plan")
    write_plan(Plan(exceptions=empty_plan_table("exceptions")), tmp_path / "plan")
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == ["exceptions.csv", "summary.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no staging or old folder left behind


def test_other_files_in_the_plan_folder_are_kept_and_stale_plan_files_removed(tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "thesis.docx").write_text("precious", encoding="utf-8")
    (tmp_path / "plan" / "schedule.csv").write_text("old", encoding="utf-8")
    write_plan(Plan(exceptions=empty_plan_table("exceptions")), tmp_path / "plan")
    assert (tmp_path / "plan" / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == ["exceptions.csv", "summary.json", "thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "plan").write_text("not a folder", encoding="utf-8")
    with pytest.raises(PlanFolderError, match="is a file, not a folder"):
        write_plan(_plan(), tmp_path / "plan")


def test_a_failed_write_leaves_the_old_plan_in_place(tmp_path):
    write_plan(Plan(exceptions=empty_plan_table("exceptions")), tmp_path / "plan")
    before = (tmp_path / "plan" / "exceptions.csv").read_bytes()
    with pytest.raises(ValueError):
        write_plan(Plan(summary={"x": _Unwritable()}), tmp_path / "plan")
    assert (tmp_path / "plan" / "exceptions.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


class _Unwritable:
    def __str__(self) -> str:
        raise ValueError("cannot be written")


def test_plan_columns_are_written_as_their_cells_read_slice_by_slice(tmp_path, monkeypatch):
    """The whole-column text of a big table is, cell for cell, what the format asks of each value."""
    from connectors.dataset import writer

    monkeypatch.setattr(writer, "ROWS_PER_SLICE", 3)
    frame = pd.DataFrame({
        "order_id": pd.array(["PL-A-0001", 'say "hi", then', "", None, "Zoë", "B"], dtype="str"),
        "quantity": [2500.0, 0.1 + 0.2, np.nan, -0.0, 1.5e13, 12.0],
        "level": pd.array([0, None, 3, 1, None, 2], dtype="Int64"),
        "priority": np.array([10, 50, 100, 100, 1, 2], dtype=np.int64),
        "from_stock": [True, False, True, False, False, True],
        "due_date": pd.to_datetime(["2026-11-23", "2027-01-05 13:30", None, "2026-12-01", "2026-12-02", "2026-12-03"],
                                   format="ISO8601"),
        "start": pd.to_datetime(["2026-11-23 06:00", None, "2026-11-24 13:45", "2026-11-25", "2026-11-26", "2026-11-27"],
                                format="ISO8601"),
        "note": [date(2026, 11, 23), 3, None, "x", 2.5, float("nan")],
    })
    writer._write_plan_table(frame, ("order_id", "quantity"), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == [
        "order_id,quantity,level,priority,from_stock,due_date,start,note",
        "PL-A-0001,2500,0,10,true,2026-11-23,2026-11-23T06:00,2026-11-23",
        '"say ""hi"", then",0.3,,50,false,2027-01-05,,3',
        ",,3,100,true,,2026-11-24T13:45,",
        ",0,1,100,false,2026-12-01,2026-11-25T00:00,x",
        "Zoë,15000000000000,,1,false,2026-12-02,2026-11-26T00:00,2.5",
        "B,12,2,2,true,2026-12-03,2026-11-27T00:00,",
    ]


def test_categorical_id_columns_are_written_as_their_labels(tmp_path):
    ids = pd.Categorical.from_codes([1, 0, 1, -1], categories=pd.Index(["", "D1"], dtype="str"))
    items = pd.Categorical.from_codes([0, 0, 1, 1], categories=pd.Index(["CAP", "MCU"], dtype="str"))
    write_plan(Plan(pegging=pd.DataFrame({"demand_id": ids, "item_id": items, "quantity": [5.0, 2.5, 1.0, 3.0]})),
               tmp_path / "plan")
    lines = (tmp_path / "plan" / "pegging.csv").read_text().splitlines()
    assert lines[1:] == ["D1,CAP,,,5,", ",CAP,,,2.5,", "D1,MCU,,,1,", ",MCU,,,3,"]


# --- the CSV text against the csv module, Parquet, the plan folder ---------------------------------


# No carriage return: the csv module of Python 3.11 leaves a lone one unquoted, the writer quotes it
# (tested on its own below).
_CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12)


@settings(deadline=None)  # the first example compiles the writer's line joiner
@given(st.lists(st.tuples(_CELL_TEXT, st.floats(allow_infinity=False), st.integers(-10**15, 10**15)),
                min_size=0, max_size=8))
def test_plan_csv_is_what_the_csv_module_writes(tmp_path_factory, rows):
    """Arrow's text, joined and quoted by the writer, byte for byte against ``csv.writer`` fed
    the cells of :func:`format_cell` one by one."""
    import csv
    import io

    from connectors.dataset import writer

    frame = pd.DataFrame({
        "note": pd.Series([r[0] for r in rows], dtype=object),
        "quantity": pd.Series([r[1] for r in rows], dtype="float64"),
        "priority": pd.Series([r[2] for r in rows], dtype="int64"),
    })
    file = tmp_path_factory.mktemp("csv") / "t.csv"
    writer._write_plan_table(frame, ("note", "quantity", "priority"), file)
    expected = io.StringIO(newline="")
    out = csv.writer(expected, lineterminator="\n")
    out.writerow(["note", "quantity", "priority"])
    out.writerows([t, format_cell(q, digits=12), str(p)] for t, q, p in rows)
    assert file.read_bytes() == expected.getvalue().encode("utf-8")


def test_a_lone_empty_cell_is_quoted_as_the_csv_module_does(tmp_path):
    from connectors.dataset import writer

    writer._write_plan_table(pd.DataFrame({"ref_id": ["", "A,B", "C"]}), (), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == 'ref_id\n""\n"A,B"\nC\n'


def test_a_carriage_return_in_a_cell_is_quoted(tmp_path):
    from connectors.dataset import writer

    writer._write_plan_table(pd.DataFrame({"message": ["a\rb", "c"], "n": [1, 2]}), (), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b'message,n\n"a\rb",1\nc,2\n'


def test_parquet_holds_the_same_table_typed(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    write_plan(_plan(), tmp_path / "plan", format="parquet")
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [
        "exceptions.parquet", "kitting.parquet", "planned_orders.parquet", "schedule.parquet", "summary.json",
    ]
    planned = pq.read_table(tmp_path / "plan" / "planned_orders.parquet")
    assert planned.column_names == [*PLAN_COLUMNS["planned_orders"], "note"]
    assert planned.column("quantity").to_pylist() == [2500.0, 0.1 + 0.2]
    assert planned.column("due_date").to_pylist() == [date(2026, 12, 27), date(2027, 1, 22)]
    assert planned.column("available_date").to_pylist() == [date(2027, 2, 1), None]
    assert planned.column("receipt_quantity").to_pylist() == [2500.0, None]
    assert planned.column("priority").type == pa.int64() and planned.column("order_id").to_pylist() == ["PO-1", "PO-2"]
    schedule = pq.read_table(tmp_path / "plan" / "schedule.parquet").to_pylist()[0]
    assert schedule["start"] == datetime(2026, 11, 23, 6, 20) and schedule["end"] == datetime(2026, 11, 24)
    exceptions = pq.read_table(tmp_path / "plan" / "exceptions.parquet")
    assert exceptions.num_rows == 0 and exceptions.column_names == list(PLAN_COLUMNS["exceptions"])


def test_both_formats_side_by_side_and_the_csv_as_alone(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from connectors.dataset import writer

    monkeypatch.setattr(writer, "ROWS_PER_SLICE", 3)
    ids = pd.Categorical.from_codes([1, 0, 1, -1, 0, 1, 1], categories=pd.Index(["D0", "D1"], dtype="str"))
    pegging = pd.DataFrame({"demand_id": ids, "item_id": ["CAP"] * 7, "quantity": [5.0, 2.5, 1, 3, 4, 0.25, 7],
                            "level": pd.array([0, 1, 2, None, 0, 1, 2], dtype="Int64")})
    write_plan(Plan(pegging=pegging), tmp_path / "csv")
    write_plan(Plan(pegging=pegging), tmp_path / "both", format="both")
    assert (tmp_path / "both" / "pegging.csv").read_bytes() == (tmp_path / "csv" / "pegging.csv").read_bytes()
    file = pq.ParquetFile(tmp_path / "both" / "pegging.parquet")
    assert file.metadata.num_row_groups == 3  # streamed in slices of 3 rows
    table = file.read()
    assert table.column("demand_id").to_pylist() == ["D1", "D0", "D1", None, "D0", "D1", "D1"]
    assert table.column("quantity").to_pylist() == [5.0, 2.5, 1.0, 3.0, 4.0, 0.25, 7.0]
    assert table.column("level").to_pylist() == [0, 1, 2, None, 0, 1, 2]
    assert table.column("supply_type").null_count == 7  # a contract column the table lacks


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750), (0o002, 0o775)])
def test_the_plan_folder_gets_the_usual_permissions(tmp_path, umask, mode):
    import os

    old = os.umask(umask)
    try:
        write_plan(_plan(), tmp_path / "plan")
    finally:
        os.umask(old)
    assert (tmp_path / "plan").stat().st_mode & 0o777 == mode
    assert (tmp_path / "plan" / "planned_orders.csv").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(("error", "says"), [
    (errno.EROFS, "read-only file system; give a folder on a writable disk"),
    (errno.EACCES, "not writable for this user; give a folder you may write to"),
])
def test_an_unwritable_place_is_refused_before_anything_is_written(tmp_path, monkeypatch, error, says):
    import tempfile

    from connectors.dataset import check_plan_folder

    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(PlanFolderError, match=says):
        check_plan_folder(tmp_path / "deep" / "plan")
    with pytest.raises(PlanFolderError, match=says):
        write_plan(_plan(), tmp_path / "deep" / "plan")
    assert list(tmp_path.iterdir()) == []


def test_a_file_on_the_way_to_the_plan_folder_is_refused(tmp_path):
    from connectors.dataset import check_plan_folder

    (tmp_path / "x").write_text("a file", encoding="utf-8")
    with pytest.raises(PlanFolderError, match="is a file, so .* cannot be created"):
        check_plan_folder(tmp_path / "x" / "plan")
