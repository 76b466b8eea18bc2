"""Reading a dataset folder: every defect reported with its row, valid data typed as the schema says."""

from __future__ import annotations

import csv
from datetime import date, time

import numpy as np
import pandas as pd
import pytest

from connectors.dataset import DatasetError, Issue, parse_tables, read_dataset, write_dataset
from mrp.dataset import TABLES, PlanSettings, dtype_of
from tests.connectors.dataset.helpers import DATA, INVALID, VALID, codes, raw_tables

AS_OF = date(2026, 11, 23)
DEFECTS = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def _expected(defect: str) -> list[tuple[str, str, str, str, str]]:
    with open(INVALID / defect / "expected_issues.csv", newline="", encoding="utf-8") as fh:
        return sorted((r["code"], r["file"], r["row"], r["column"], r["value"]) for r in csv.DictReader(fh))


def _located(issue: Issue) -> tuple[str, str, str, str, str]:
    row = "" if issue.row is None else str(issue.row)
    return (issue.code, issue.file, row, issue.column or "", issue.value or "")


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_is_reported_exactly_where_it_is(defect):
    with pytest.raises(DatasetError) as raised:
        read_dataset(INVALID / defect, today=AS_OF)
    errors = raised.value.errors
    assert sorted(_located(i) for i in errors) == _expected(defect)
    assert all(i.message.strip() for i in errors)


def test_all_defects_are_reported_in_one_pass():
    with pytest.raises(DatasetError) as raised:
        read_dataset(INVALID / "many_defects", today=AS_OF)
    assert {i.code for i in raised.value.errors} == {
        "foq_without_lot_size", "bom_cycle", "negative", "duplicate_id", "bad_date", "unknown_ref",
    }


def test_a_bom_cycle_names_its_items_in_order():
    with pytest.raises(DatasetError) as raised:
        read_dataset(INVALID / "bom_cycle", today=AS_OF)
    assert {i.message.split(":")[0] for i in raised.value.errors} == {"BOM cycle A -> B -> C -> A"}


def test_a_date_in_another_format_is_explained():
    with pytest.raises(DatasetError) as raised:
        read_dataset(INVALID / "bad_date", today=AS_OF)
    message = raised.value.errors[0].message
    assert "YYYY-MM-DD" in message and "2027-01-04" in message and "2027-04-01" in message


def test_error_names_the_first_problem():
    with pytest.raises(DatasetError, match=r"1 error\(s\).*inventory.csv, row 2, quantity"):
        read_dataset(INVALID / "negative_quantity", today=AS_OF)


# --- valid data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    ds, warnings = read_dataset(VALID / "small", today=date(2000, 1, 1))
    assert warnings == []
    return ds


def test_every_table_has_the_schema_columns_and_dtypes(small):
    for name, table in TABLES.items():
        frame = small.table(name)
        assert list(frame.columns) == table.column_names
        assert {c: str(frame[c].dtype) for c in frame.columns} == {c: dtype_of(name, c) for c in table.column_names}
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0


def test_constant_defaults_are_filled_and_data_dependent_ones_left_empty(small):
    items = small.items.set_index("item_id")
    assert items.loc["GW1", "uom"] == "pcs"
    assert items.loc["GW1", "lot_rule"] == "L4L"
    assert items.loc["GW1", "safety_stock"] == 0.0
    assert items.loc["GW1", "yield_pct"] == 100.0
    assert np.isnan(items.loc["GW1", "order_multiple"])  # 1 for counted items: the core decides
    assert items.loc["PCB1", "yield_pct"] == 97.5
    assert items.loc["RES", "uom"] == "EA"
    assert items.loc["RES", "lot_period_days"] == 28
    assert items.loc["MCU", "lot_size"] == 2500

    bom = small.bom
    assert bom["feeder"].tolist() == [False, True, True, True, False, False]
    assert bom["attrition_pct"].isna().tolist() == [True, True, False, True, True, True]
    assert bom.loc[2, "valid_to"] == pd.Timestamp("2027-03-01") and pd.isna(bom.loc[2, "valid_from"])
    assert bom.loc[4, "qty_per"] == 0.0125

    assert small.demand["kind"].tolist() == ["order", "forecast", "forecast"]
    assert small.demand["priority"].tolist() == [10, 100, 100]

    inventory = small.inventory
    assert inventory["owner"].tolist() == ["company", "company", "ACME", "company"]
    assert inventory["status"].tolist() == ["available", "available", "quarantine", "available"]
    assert inventory["floor_life_hours_left"].isna().tolist() == [True, False, True, True]

    assert small.purchase_orders["line"].tolist() == ["1", "2", "1"]
    assert small.work_orders["pinned"].tolist() == [True, False]
    assert pd.isna(small.work_orders.loc[1, "start_date"])

    offers = small.supplier_offers
    assert offers["stock_lead_time_days"].tolist() == [2, 2, 2, 3]
    assert offers["order_multiple"].tolist() == [2500, 2500, 5000, 1]
    assert offers["min_order_qty"].tolist() == [2500, 2500, 0, 0]

    lines = small.smt_lines.set_index("line_id")
    assert lines.loc["SMT1", ["hours_per_day", "changeover_base_minutes", "minutes_per_feeder_change"]].tolist() == [16, 20, 2]
    assert small.smt_process.loc[0, "line_ids"] == "SMT1;SMT2"


def test_settings_come_from_settings_toml(small):
    assert small.settings == PlanSettings(as_of=AS_OF, horizon_days=180, shift_start=time(7, 30), holding_rate=0.2)


def test_the_worked_example_reads_cleanly():
    ds, warnings = read_dataset(VALID / "gateway")
    assert warnings == []
    assert ds.settings.as_of == AS_OF
    assert ds.items["item_id"].tolist() == ["GW100", "PCBA1", "MCU", "CAP", "RES"]
    assert ds.items["yield_pct"].tolist() == [100, 98, 100, 100, 100]
    assert ds.items["attrition_pct"].tolist() == [0, 0, 0, 2, 1]
    assert ds.items["lot_rule"].tolist() == ["L4L", "L4L", "L4L", "FOQ", "POQ"]
    assert ds.inventory["owner"].tolist() == ["company", "company", "ACME", "company"]


# --- settings ----------------------------------------------------------------------------------


def _items_only(tmp_path, settings: str | None = None):
    (tmp_path / "items.csv").write_text("item_id,type\nA,make\n", encoding="utf-8")
    if settings is not None:
        (tmp_path / "settings.toml").write_text(settings, encoding="utf-8")
    return tmp_path


def test_as_of_may_be_a_toml_date_or_an_iso_string(tmp_path):
    ds, _ = read_dataset(_items_only(tmp_path, 'as_of = "2027-02-01"\nshift_start = "6:15"\n'))
    assert ds.settings.as_of == date(2027, 2, 1)
    assert ds.settings.shift_start == time(6, 15)


def test_command_line_values_win_over_settings_toml(tmp_path):
    folder = _items_only(tmp_path, "as_of = 2027-02-01\nhorizon_days = 90\n")
    ds, _ = read_dataset(folder, as_of=date(2027, 3, 1), horizon_days=30, today=date(2000, 1, 1))
    assert (ds.settings.as_of, ds.settings.horizon_days) == (date(2027, 3, 1), 30)


def test_as_of_defaults_to_today_and_everything_else_to_the_spec(tmp_path):
    ds, _ = read_dataset(_items_only(tmp_path), today=date(2027, 5, 5))
    assert ds.settings == PlanSettings(
        as_of=date(2027, 5, 5), horizon_days=365, forecast_back_days=30, forecast_forward_days=30,
        holding_rate=0.25, order_cost=0.0, late_penalty=1.0, shift_start=time(6, 0), bake_hours=24.0, defer_days=7,
    )


def test_an_unknown_setting_is_a_warning(tmp_path):
    _, warnings = read_dataset(_items_only(tmp_path, "as_of = 2027-02-01\nhorizn_days = 90\n"))
    assert codes(warnings) == [("unknown_setting", "settings.toml", None, "horizn_days")]


def test_a_broken_settings_file_is_an_error(tmp_path):
    with pytest.raises(DatasetError) as raised:
        read_dataset(_items_only(tmp_path, "as_of = \n"), today=AS_OF)
    assert codes(raised.value.errors) == [("bad_settings", "settings.toml", 1, None)]


# --- CSV details -------------------------------------------------------------------------------


def test_a_byte_order_mark_and_loose_header_spelling_are_tolerated(tmp_path):
    (tmp_path / "items.csv").write_bytes("\ufeff Item_ID ,TYPE\r\nA,make\r\n".encode("utf-8"))
    ds, warnings = read_dataset(tmp_path, today=AS_OF)
    assert ds.items["item_id"].tolist() == ["A"] and warnings == []


def test_a_spreadsheet_trailing_comma_and_empty_rows_are_harmless(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,type,\nA,make,\n,,\nB,buy,\n\n", encoding="utf-8")
    ds, warnings = read_dataset(tmp_path, today=AS_OF)
    assert ds.items["item_id"].tolist() == ["A", "B"] and warnings == []


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "items.csv").write_bytes(b"item_id,type,description\nA,make,Geh\xe4use\n")
    with pytest.raises(DatasetError) as raised:
        read_dataset(tmp_path, today=AS_OF)
    assert codes(raised.value.issues) == [("bad_encoding", "items.csv", None, None)]


def test_values_are_kept_exactly_as_written(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,type,description\n007,buy,NA\nnull,buy,\n", encoding="utf-8")
    ds, _ = read_dataset(tmp_path, today=AS_OF)
    assert ds.items["item_id"].tolist() == ["007", "null"]
    assert ds.items["description"].tolist() == ["NA", ""]


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(DatasetError) as raised:
        read_dataset(tmp_path / "nowhere")
    assert [i.code for i in raised.value.issues] == ["missing_folder"]


def test_an_empty_optional_file_means_none_with_a_warning(tmp_path):
    _items_only(tmp_path)
    (tmp_path / "bom.csv").write_text("", encoding="utf-8")
    ds, warnings = read_dataset(tmp_path, today=AS_OF)
    assert ds.bom.empty
    assert codes(warnings) == [("empty_file", "bom.csv", None, None)]


def test_other_files_in_the_folder_are_ignored(tmp_path):
    _items_only(tmp_path)
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "expected_planned_orders.csv").write_text("x\n1\n", encoding="utf-8")
    assert read_dataset(tmp_path, today=AS_OF)[1] == []


# --- references --------------------------------------------------------------------------------


def test_supplier_references_are_checked_only_when_suppliers_are_given():
    offers = "supplier_id,item_id,lead_time_days,break_qty,unit_price\nNOBODY,A,5,0,1.5"
    ds, warnings = parse_tables(raw_tables(items="item_id,type\nA,buy", supplier_offers=offers), today=AS_OF)
    assert ds.supplier_offers["supplier_id"].tolist() == ["NOBODY"] and warnings == []
    with pytest.raises(DatasetError) as raised:
        parse_tables(raw_tables(items="item_id,type\nA,buy", supplier_offers=offers,
                                suppliers="supplier_id\nARROW"), today=AS_OF)
    assert codes(raised.value.errors) == [("unknown_ref", "supplier_offers.csv", 2, "supplier_id")]


@pytest.mark.parametrize(("written", "hint"), [("MCU1", "did you mean 'MCU'?"), ("MCU ", "remove the spaces")])
def test_an_unknown_id_suggests_the_likely_one(written, hint):
    raw = raw_tables(items="item_id,type\nPCB,make\nMCU,buy", bom=f"parent_id,child_id,qty_per\nPCB,{written},1")
    with pytest.raises(DatasetError) as raised:
        parse_tables(raw, today=AS_OF)
    (issue,) = raised.value.errors
    assert (issue.code, issue.value) == ("unknown_ref", written) and hint in issue.message


# --- warnings ----------------------------------------------------------------------------------


ITEMS = "item_id,type,lead_time_days\nPCB,make,3\nMCU,buy,10"


def _warnings(**tables: str) -> list[tuple[str, str, int | None, str | None]]:
    _, warnings = parse_tables(raw_tables(**tables), today=AS_OF)
    assert all(w.severity == "warning" for w in warnings)
    return codes(warnings)


def test_an_unknown_column_is_ignored_with_a_warning():
    _, warnings = parse_tables(raw_tables(items="item_id,type,colour\nA,buy,red"), today=AS_OF)
    assert codes(warnings) == [("unknown_column", "items.csv", 1, "colour")]


def test_a_first_price_break_above_the_moq_is_a_warning():
    offers = (
        "supplier_id,item_id,mpn,lead_time_days,min_order_qty,break_qty,unit_price\n"
        "S1,MCU,X,10,100,1000,2.0\n"
        "S1,MCU,X,10,100,500,2.5\n"
        "S2,MCU,Y,10,0,250,2.5\n"     # no MOQ given: the first break is the minimum, as documented
        "S3,MCU,Z,10,500,500,2.5\n"   # MOQ at the first break: fine
    )
    assert _warnings(items=ITEMS, supplier_offers=offers) == [("break_above_moq", "supplier_offers.csv", 3, "break_qty")]


def test_a_lead_time_longer_than_the_horizon_is_a_warning():
    items = "item_id,type,lead_time_days\nPCB,make,3\nMCU,buy,400"
    offers = "supplier_id,item_id,lead_time_days,break_qty,unit_price\nS1,MCU,370,0,2\nS1,MCU,370,100,1.9"
    assert _warnings(items=items, supplier_offers=offers) == [
        ("lead_time_beyond_horizon", "items.csv", 3, "lead_time_days"),
        ("lead_time_beyond_horizon", "supplier_offers.csv", 2, "lead_time_days"),
    ]
    _, warnings = parse_tables(raw_tables(items=items, supplier_offers=offers), {"horizon_days": 400}, today=AS_OF)
    assert warnings == []


def test_a_reel_of_a_customer_without_demand_is_a_warning():
    reels = "reel_id,item_id,quantity,owner\nR1,MCU,10,ACME\nR2,MCU,10,BETA\nR3,MCU,10,company"
    demand = "demand_id,customer_id,item_id,due_date,quantity\nD1,ACME,PCB,2027-01-04,5"
    assert _warnings(items=ITEMS, inventory=reels, demand=demand) == [("unknown_owner", "inventory.csv", 3, "owner")]


def test_a_work_order_starting_after_its_due_date_is_a_warning():
    wo = "wo_id,item_id,quantity_open,start_date,due_date\nW1,PCB,5,2027-01-09,2027-01-04"
    assert _warnings(items=ITEMS, work_orders=wo) == [("start_after_due", "work_orders.csv", 2, "start_date")]


def test_warnings_travel_with_the_errors():
    with pytest.raises(DatasetError) as raised:
        parse_tables(raw_tables(items="item_id,type,colour\nA,sell,red"), today=AS_OF)
    assert codes(raised.value.issues) == [("bad_choice", "items.csv", 2, "type"), ("unknown_column", "items.csv", 1, "colour")]


# --- other sources -----------------------------------------------------------------------------


def test_parse_tables_accepts_rows_as_an_api_sends_them():
    raw = {"items": pd.DataFrame([
        {"item_id": "A", "type": "make", "lead_time_days": 3, "yield_pct": None},
        {"item_id": "B", "type": "buy", "lead_time_days": 14.0, "yield_pct": 99.5},
    ])}
    ds, _ = parse_tables(raw, {"as_of": "2027-01-01"}, source="api")
    assert ds.items["lead_time_days"].tolist() == [3, 14]
    assert ds.items["yield_pct"].tolist() == [100.0, 99.5]
    assert ds.settings.as_of == date(2027, 1, 1)


def test_without_items_the_message_names_the_source():
    with pytest.raises(DatasetError) as raised:
        parse_tables({}, source="api", today=AS_OF)
    (issue,) = raised.value.issues
    assert issue.code == "missing_file" and "api" in issue.message


# --- demand, delimiters, the two CSV readers ---------------------------------------------------


def test_an_empty_demand_file_is_an_error_unless_allowed(tmp_path):
    _items_only(tmp_path)
    for content in ("", "demand_id,customer_id,item_id,due_date,quantity\n"):
        (tmp_path / "demand.csv").write_text(content, encoding="utf-8")
        with pytest.raises(DatasetError) as raised:
            read_dataset(tmp_path, today=AS_OF)
        assert codes(raised.value.errors) == [("empty_demand", "demand.csv", None, None)]
        assert "allow_empty_demand = true" in raised.value.errors[0].message
    (tmp_path / "settings.toml").write_text("allow_empty_demand = true\n", encoding="utf-8")
    ds, warnings = read_dataset(tmp_path, today=AS_OF)
    assert ds.demand.empty and warnings == []


def test_no_demand_file_at_all_means_no_demand(tmp_path):
    ds, warnings = read_dataset(_items_only(tmp_path), today=AS_OF)
    assert ds.demand.empty and warnings == []


@pytest.mark.parametrize(("header", "found"), [("a;b;c", "semicolons"), ("a\tb\tc", "tabs")])
def test_a_file_with_another_delimiter_is_one_error_naming_both(tmp_path, header, found):
    (tmp_path / "items.csv").write_text(f"{header}\nA;make;x\n", encoding="utf-8")
    with pytest.raises(DatasetError) as raised:
        read_dataset(tmp_path, today=AS_OF)
    (issue,) = raised.value.issues
    assert (issue.code, issue.file, issue.row, issue.value) == ("bad_delimiter", "items.csv", 1, header)
    assert found in issue.message and "expects commas" in issue.message


@pytest.mark.parametrize(("header", "delimiter"), [
    ("item_id,type", ","), ("item_id;type", ";"), ("item_id\ttype", "\t"), ("item_id", ","),
    ('"a;b;c",type', ","), ("a;b,c;d", ";"), ("a;b,c", ","),
])
def test_the_delimiter_is_the_one_the_header_holds_most_outside_quotes(header, delimiter):
    from connectors.dataset.reader import detect_delimiter

    assert detect_delimiter(header) == delimiter


def _csv_files():
    return sorted(p for p in DATA.rglob("*.csv") if p.stat().st_size and "expected" not in p.name)


@pytest.mark.parametrize("file", _csv_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pyarrow_reads_every_test_file_as_pandas_does(file):
    from connectors.dataset.reader import _read_arrow, _read_pandas

    expected, problems = _read_pandas(file)
    frame = _read_arrow(file, file.read_text(encoding="utf-8-sig").splitlines()[0])
    if frame is None:  # refused: pandas reads the file (or words its problem)
        assert file.parent.name in REFUSED_BY_ARROW
        return
    assert problems == []
    pd.testing.assert_frame_equal(frame, expected)


#: Test folders holding a file pyarrow refuses: a row with more values than the header.
REFUSED_BY_ARROW = {"bad_csv"}


def test_a_generated_factory_reads_back_equal_through_pyarrow(tmp_path):
    """A realistic folder (every file, thousands of rows) read by pyarrow gives the Dataset it was written from."""
    from sample_data.generate import generate_dataset
    from tests.connectors.dataset.test_write import _assert_same

    ds = generate_dataset(300, 600, levels=4, seed=3)
    write_dataset(ds, tmp_path)
    again, _ = read_dataset(tmp_path, today=AS_OF)
    _assert_same(ds, again)
