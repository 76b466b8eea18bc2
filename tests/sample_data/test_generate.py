"""generate_dataset: seeded, sized as asked, consistent, and readable by the dataset reader."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from connectors.dataset import read_dataset, write_dataset
from mrp.dataset import TABLES
from sample_data.generate import _after_consumption, generate_dataset
from tests.sample_data.helpers import deepest_chain, reference_problems, schema_problems

AS_OF = pd.Timestamp("2026-11-23")


@pytest.fixture(scope="module")
def small():
    return generate_dataset(300, 1000, levels=4, seed=11)


def test_same_seed_gives_identical_tables(small):
    again = generate_dataset(300, 1000, levels=4, seed=11)
    for name in TABLES:
        pd.testing.assert_frame_equal(small.table(name), again.table(name), obj=name)
    assert small.settings == again.settings


def test_another_seed_gives_another_dataset(small):
    other = generate_dataset(300, 1000, levels=4, seed=12)
    assert not small.bom.equals(other.bom)
    assert not small.demand.equals(other.demand)


@pytest.mark.parametrize(("n_items", "n_demands", "levels"), [(40, 0, 2), (12, 30, 6), (300, 1000, 3), (2000, 5000, 6)])
def test_sizes_and_levels_are_as_requested(n_items, n_demands, levels):
    ds = generate_dataset(n_items, n_demands, levels=levels, seed=1)
    assert len(ds.items) == n_items
    assert len(ds.demand) == n_demands
    assert deepest_chain(ds.bom) == levels


def test_scales_to_thirty_thousand_items_and_150000_demand_lines():
    ds = generate_dataset(30_000, 150_000, levels=5, seed=2)
    assert len(ds.items) == 30_000
    assert len(ds.demand) == 150_000
    assert deepest_chain(ds.bom) == 5
    assert reference_problems(ds) == []


def test_tables_follow_the_schema_exactly(small):
    assert schema_problems(small) == []
    assert all(isinstance(v, str) for v in small.items["item_id"])


def test_references_are_valid(small):
    assert reference_problems(small) == []


def test_buy_items_are_leaves_and_every_buy_item_is_used(small):
    buy = set(small.items.loc[small.items["type"] == "buy", "item_id"])
    assert buy.isdisjoint(small.bom["parent_id"])
    assert buy <= set(small.bom["child_id"])


def test_every_smt_item_is_a_deepest_make_item_with_feeder_parts(small):
    boards = set(small.smt_process["item_id"])
    feeder_parents = set(small.bom.loc[small.bom["feeder"], "parent_id"])
    assert boards == feeder_parents
    make = small.items.loc[small.items["type"] == "make", "item_id"]
    assert boards == {i for i in make if i.startswith("PCBA-")}


def test_most_buy_items_have_offers_with_several_breaks(small):
    offers = small.supplier_offers
    buy = small.items.loc[small.items["type"] == "buy", "item_id"]
    offered = set(offers["item_id"])
    assert 0.9 * len(buy) <= len(offered) < len(buy)  # a few are left without: no_offer
    per_item = offers.drop_duplicates(["supplier_id", "item_id", "mpn"]).groupby("item_id").size()
    assert per_item.between(1, 3).all()
    breaks = offers.groupby(["supplier_id", "item_id", "mpn"])
    assert breaks.size().between(2, 4).all()
    falling = breaks.apply(lambda g: g.sort_values("break_qty")["unit_price"].is_monotonic_decreasing)
    assert falling.all()


def test_it_holds_the_situations_planning_must_handle(small):
    demand, reels, wos = small.demand, small.inventory, small.work_orders
    horizon_end = AS_OF + pd.Timedelta(days=365)
    assert ((demand["kind"] == "order") & (demand["due_date"] < AS_OF)).any()  # past due
    assert (demand["due_date"] > horizon_end).any()  # beyond horizon
    assert set(demand["kind"]) == {"order", "forecast"}
    assert (reels["owner"] != "company").any()  # consigned
    assert {"quarantine", "hold"} <= set(reels["status"])
    assert (reels["floor_life_hours_left"] == 0).any()  # needs bake
    assert set(wos["status"]) == {"planned", "released"}
    pinned = wos[wos["pinned"]]
    assert len(pinned) == 1 and pinned["line_id"].iloc[0] != "" and pinned["status"].iloc[0] == "planned"
    assert (small.bom["valid_to"].notna()).any() and (small.bom["valid_from"].notna()).any()
    assert (small.suppliers["min_order_value"] > 0).any()
    assert set(small.items["lot_rule"]) == {"L4L", "FOQ", "POQ"}


def test_a_written_dataset_reads_back_without_errors_or_warnings(small, tmp_path):
    write_dataset(small, tmp_path)
    ds, warnings = read_dataset(tmp_path)
    assert warnings == []
    assert ds.settings.as_of == date(2026, 11, 23)
    pd.testing.assert_frame_equal(ds.bom, small.bom)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="levels"):
        generate_dataset(100, 10, levels=1)
    with pytest.raises(ValueError, match="too small"):
        generate_dataset(4, 10, levels=4)


def test_orders_consume_forecast_backwards_then_forwards_within_the_window():
    # Item 0: forecasts of 50 on days 10, 35 and 60; an order of 70 on day 40 takes 50 from
    # day 35, then 20 from day 10 (backwards first, 30 days back is inside the window), and
    # nothing from day 60. Item 1's order does not touch item 0's forecast.
    item = np.array([0, 0, 0, 0, 1])
    day = np.array([10, 35, 60, 40, 40])
    quantity = np.array([50.0, 50, 50, 70, 500])
    forecast = np.array([True, True, True, False, False])
    left = _after_consumption(item, day, quantity, forecast, np.full(5, 100))
    np.testing.assert_array_equal(left, [30.0, 0, 50, 70, 500])


def test_an_order_takes_forecast_back_to_the_window_edge_only():
    item = np.zeros(3, dtype=np.int64)
    day = np.array([9, 10, 40])  # day 9 is 31 days before the order: outside
    left = _after_consumption(item, day, np.array([40.0, 40, 100]), np.array([True, True, False]),
                              np.full(3, 100))
    np.testing.assert_array_equal(left, [40.0, 0, 100])


def test_lines_are_sized_unless_their_number_is_given():
    sized = generate_dataset(3000, 3000, levels=5, seed=1)
    fixed = generate_dataset(3000, 3000, levels=5, seed=1, n_lines=4)
    assert len(sized.smt_lines) == 5 and len(fixed.smt_lines) == 4
    # Either way the lines' placements per day are sized on the same board work
    # (line speeds rounded to 500 placements per hour).

    def capacity(ds):
        return float((ds.smt_lines["placements_per_hour"] * ds.smt_lines["hours_per_day"]).sum())
    assert capacity(fixed) == pytest.approx(capacity(sized), rel=0.05)


def test_ems_buying_data_customers_second_sources_ncnr_and_end_of_life():
    from connectors.dataset import validate_dataset

    ds = generate_dataset(2000, 1500, levels=3, seed=4)
    assert set(ds.demand.customer_id) <= set(ds.customers.customer_id)
    first = ds.supplier_offers.drop_duplicates(["supplier_id", "item_id", "mpn"])
    assert first.ncnr.any() and (first.loc[first.ncnr, "lead_time_days"] >= 112).all()
    aml = ds.approved_mpns
    assert len(aml) >= 1
    for row in aml.itertuples(index=False):
        mpns = set(first.loc[first.item_id == row.item_id, "mpn"])
        assert row.mpn in mpns and len(mpns) == 2 and any(m.endswith("-ALT") for m in mpns)
        boards = ds.bom.loc[ds.bom.child_id == row.item_id, "parent_id"]
        owners = ds.demand.loc[ds.demand.item_id.isin(ds.bom.loc[ds.bom.child_id.isin(boards), "parent_id"])
                               | ds.demand.item_id.isin(boards), "customer_id"]
        assert owners.empty or row.customer_id in set(owners)
    eol = ds.items.loc[ds.items.lifecycle == "eol"]
    assert len(eol) >= 1 and eol.last_time_buy_date.notna().all() and (ds.items.type[eol.index] == "buy").all()
    assert (ds.items.loc[ds.items.lifecycle != "eol", "last_time_buy_date"].isna()).all()
    assert validate_dataset(ds) == []


def test_only_second_sources_of_items_with_an_aml_carry_another_mpn(small):
    offers = small.supplier_offers
    assert (offers.mpn.str.endswith("-ALT") == offers.item_id.isin(small.approved_mpns.item_id)
            & ~offers.mpn.isin(small.approved_mpns.mpn)).all()
