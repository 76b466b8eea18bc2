"""The EMS buying rules through the whole plan (tests/data/valid/ems_rules, the small dataset plus
customers, one AML row, a second MCU offer, a last-time buy and an item past its last-time buy).

- ACME approves only MPN STM32F4 for MCU (ARROW, 3.40); BETA has no list, so its share goes to
  MOUSER's GD32F4 at 2.60, the cheaper offer — the one every MCU line uses without the AML.
- RES's last-time-buy date is 2026-12-20: nothing of RES is ordered or released after it.
- BOARD's date (2026-11-01) has passed: nothing is planned or bought, what stock and the open
  order do not cover is reported day by day.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from connectors.dataset import read_dataset
from jobs.pipeline import run_plan

DATA = Path(__file__).parents[1] / "data" / "valid" / "ems_rules"
LTB = pd.Timestamp("2026-12-20")


@pytest.fixture(scope="module")
def plan():
    ds, _ = read_dataset(DATA)
    return run_plan(ds, optimize=True, schedule=False, optimize_time_limit_s=60, documents=False), ds


def test_acme_share_of_the_mcu_is_bought_only_as_its_approved_mpn(plan):
    result, _ = plan
    mcu = result.purchase_suggestions.loc[result.purchase_suggestions.item_id == "MCU"]
    assert set(mcu.loc[mcu.customers.str.contains("ACME"), "mpn"]) == {"STM32F4"}
    assert all(r.startswith("AML: customer ACME accepts only MPN STM32F4") for r in
               mcu.loc[mcu.mpn == "STM32F4", "reason"])
    assert set(mcu.loc[mcu.customers == "BETA", "mpn"]) == {"GD32F4"}


def test_without_the_aml_every_mcu_line_is_the_cheaper_mpn(tmp_path):
    folder = tmp_path / "no_aml"
    shutil.copytree(DATA, folder)
    (folder / "approved_mpns.csv").unlink()
    ds, _ = read_dataset(folder)
    result = run_plan(ds, optimize=True, schedule=False, optimize_time_limit_s=60, documents=False)
    mcu = result.purchase_suggestions.loc[result.purchase_suggestions.item_id == "MCU"]
    assert len(mcu) and set(mcu.mpn) == {"GD32F4"}


def test_the_last_time_buy_is_one_line_by_the_date_and_no_release_after_it(plan):
    result, _ = plan
    res = result.purchase_suggestions.loc[result.purchase_suggestions.item_id == "RES"]
    assert len(res) == 1 and res.order_date.iloc[0] <= LTB
    orders = result.planned_orders.loc[result.planned_orders.item_id == "RES"]
    assert (orders.release_date <= LTB).all()
    ltb = result.exceptions.loc[result.exceptions["type"] == "last_time_buy"]
    assert list(ltb.item_id) == ["RES"]
    assert ltb.ref_id.iloc[0] == res.suggestion_id.iloc[0] and ltb.quantity.iloc[0] == res.quantity.iloc[0]
    # The line covers what the planned orders due after 2026-12-20 + 14 days (RES's lead time) need.
    later = orders.loc[orders.due_date > LTB + pd.Timedelta(days=14), "quantity"].sum()
    assert res.quantity.iloc[0] >= later > 0


def test_an_item_past_its_last_time_buy_is_short_of_what_stock_and_open_orders_miss(plan):
    result, ds = plan
    assert "BOARD" not in set(result.planned_orders.item_id)
    assert "BOARD" not in set(result.purchase_suggestions.item_id)
    short = result.exceptions.loc[result.exceptions["type"] == "no_supply_after_eol"]
    assert set(short.item_id) == {"BOARD"}
    gross = result.mrp_records.loc[result.mrp_records.item_id == "BOARD", "gross"].sum()
    on_hand = ds.inventory.loc[(ds.inventory.item_id == "BOARD") & (ds.inventory.status == "available"), "quantity"].sum()
    on_order = ds.purchase_orders.loc[ds.purchase_orders.item_id == "BOARD", "quantity_open"].sum()
    assert short.quantity.sum() == pytest.approx(gross - on_hand - on_order)
