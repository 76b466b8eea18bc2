"""The sample factory: it reads cleanly, is what its builder makes, and holds every situation
its README promises (each checked here on the data, with bounds worked out independently; the
action messages the README names, on the MRP engine's plan)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import sample_data
from connectors.dataset import read_dataset
from mrp.dataset import TABLES
from mrp.engine import plan_mrp
from mrp.plan import EXCEPTION_TYPES
from sample_data.build_ems_factory import build
from tests.sample_data.helpers import deepest_chain, feeder_count, reference_problems, schema_problems

SAMPLE = Path(sample_data.__file__).parent
AS_OF = pd.Timestamp("2026-11-23")
DEFER_DAYS = 7
#: Longest chain of production lead times (box build 3-5 + board 3-5 + programming 2 days).
MAX_MAKE_LEAD_DAYS = 14


@pytest.fixture(scope="module")
def read():
    return read_dataset(SAMPLE / "ems_factory")


@pytest.fixture(scope="module")
def ds(read):
    return read[0]


def test_reads_without_errors_or_warnings(read):
    ds, warnings = read
    assert warnings == []
    assert ds.settings.as_of == AS_OF.date()
    assert ds.settings.horizon_days == 365


def test_committed_files_are_what_the_builder_makes(ds):
    built = build()
    for name in TABLES:
        pd.testing.assert_frame_equal(ds.table(name), built.table(name), obj=name)


def test_schema_and_references(ds):
    assert schema_problems(ds) == []
    assert reference_problems(ds) == []


def test_three_customers_each_with_its_product(ds):
    products = ds.demand.groupby("customer_id")["item_id"].agg(set).to_dict()
    assert set(products) == {"NORDLINK", "CARDIA", "DRIVETEK"}
    assert "GW-4200" in products["NORDLINK"]
    assert products["CARDIA"] == {"PCBA-MON300"}
    assert "MC-750" in products["DRIVETEK"]


def test_between_150_and_250_components_all_used(ds):
    buy = set(ds.items.loc[ds.items["type"] == "buy", "item_id"])
    assert 150 <= len(buy) <= 250
    assert buy == set(ds.bom["child_id"]) - set(ds.items.loc[ds.items["type"] == "make", "item_id"])


def test_box_build_over_pcba_over_programmed_part_over_component(ds):
    assert deepest_chain(ds.bom) == 4
    chain = [
        ("GW-4200", "PCBA-GW4200-MAIN"), ("PCBA-GW4200-MAIN", "PRG-GW4200-MCU"), ("PRG-GW4200-MCU", "IC-STM32U585"),
    ]
    pairs = set(zip(ds.bom["parent_id"], ds.bom["child_id"]))
    assert set(chain) <= pairs


def test_three_smt_lines_and_a_process_for_every_pcba(ds):
    assert len(ds.smt_lines) == 3
    assert ds.smt_lines["placements_per_hour"].between(25_000, 60_000).all()
    boards = set(ds.items.loc[ds.items["item_id"].str.startswith("PCBA-"), "item_id"])
    assert set(ds.smt_process["item_id"]) == boards
    current = ds.bom[ds.bom["feeder"] & ds.bom["valid_to"].isna()]
    placements = current.groupby("parent_id")["qty_per"].sum()
    for board, per_board in zip(ds.smt_process["item_id"], ds.smt_process["placements_per_board"]):
        assert per_board == placements[board]


def test_not_on_feeders_bare_boards_and_box_build_parts(ds):
    lines = ds.bom.set_index(["parent_id", "child_id"])["feeder"]
    assert not lines[("PCBA-GW4200-MAIN", "PCB-GW4200-MAIN")]
    assert not lines[("PCBA-GW4200-MAIN", "CON-RJ45-MAG")]
    assert not ds.bom.loc[ds.bom["parent_id"].isin(["GW-4200", "MC-750"]), "feeder"].any()
    assert lines[("PCBA-GW4200-MAIN", "CAP-0402-100N-16V")]


def test_lot_rules_yields_and_reel_multiples_are_mixed(ds):
    items = ds.items.set_index("item_id")
    assert set(items["lot_rule"]) == {"L4L", "FOQ", "POQ"}
    assert items.loc["PCB-GW4200-MAIN", "lot_size"] == 1000
    assert items.loc["PCBA-GW4200-MAIN", "lot_period_days"] == 14
    boards = items[items.index.str.startswith("PCBA-")]
    assert boards["yield_pct"].between(97, 99.5).all()
    assert items.loc["CAP-0402-100N-16V", "order_multiple"] == 10_000
    assert items.loc["CAP-0603-10U-16V", "order_multiple"] == 4_000
    passives = items[items.index.str.match(r"(CAP|RES)-0[24]0[12]-")]
    assert passives["attrition_pct"].between(2, 5).all()
    assert passives["setup_loss_qty"].between(20, 25).all()
    assert (items["safety_stock"] > 0).sum() >= 3
    assert (items["min_order_qty"] > 0).sum() >= 3
    assert (ds.bom["attrition_pct"].notna()).any() and (ds.bom["setup_loss_qty"].notna()).any()


def _ids(frame: pd.DataFrame, mask, column: str) -> set[str]:
    return set(frame.loc[mask, column])


def test_past_due_and_beyond_horizon_demand(ds):
    d = ds.demand
    past_due = _ids(d, (d["kind"] == "order") & (d["due_date"] < AS_OF), "demand_id")
    assert past_due == {"SO-24817-10", "SO-24833-10", "SO-24841-10"}
    beyond = _ids(d, d["due_date"] > AS_OF + pd.Timedelta(days=365), "demand_id")
    assert beyond == {"FC-NORDLINK-2712", "FC-NORDLINK-2801", "FC-DRIVETEK-2712"}
    months = d.loc[d["kind"] == "forecast", "due_date"].dt.to_period("M").nunique()
    assert months >= 12


def _reel_facts(ds) -> pd.DataFrame:
    return ds.inventory.merge(ds.items[["item_id", "min_usable_qty"]], on="item_id")


def test_stranded_reels_are_below_their_minimum(ds):
    r = _reel_facts(ds)
    stranded = _ids(r, (r["status"] == "available") & (r["quantity"] < r["min_usable_qty"]), "reel_id")
    assert stranded == {"R2601188", "R2601905", "R2602267"}


def test_reels_that_need_a_bake_and_reels_with_floor_life_left(ds):
    r = _reel_facts(ds)
    usable = (r["status"] == "available") & (r["quantity"] >= r["min_usable_qty"])
    assert _ids(r, usable & (r["floor_life_hours_left"] <= 0), "reel_id") == {"R2604417", "R2605102"}
    partial = r[usable & (r["floor_life_hours_left"] > 0) & (r["floor_life_hours_left"] < 168)]
    assert {"R2604418", "R2605230", "R2603816"} <= set(partial["reel_id"])
    assert (r.loc[r["floor_life_hours_left"].notna(), "msl_level"] != "").all()


def test_quarantine_hold_and_consigned_reels(ds):
    r = ds.inventory
    assert _ids(r, r["status"] == "quarantine", "reel_id") == {"R2603391", "R2604431"}
    assert _ids(r, r["status"] == "hold", "reel_id") == {"R2603012", "R2602718"}
    consigned = r[r["owner"] != "company"].set_index("reel_id")["owner"].to_dict()
    assert consigned == {"R2603815": "CARDIA", "R2603816": "CARDIA", "R2604023": "NORDLINK", "R2605560": "DRIVETEK"}


def test_engineering_changes_one_done_one_inside_the_horizon(ds):
    b = ds.bom
    ended = b[b["valid_to"].notna()].set_index("child_id")["valid_to"]
    started = b[b["valid_from"].notna()].set_index("child_id")["valid_from"]
    assert ended["IC-ATECC608A"] == started["IC-ATECC608B"] < AS_OF
    assert AS_OF < ended["IC-ADP150"] == started["IC-TPS7A2033"] < AS_OF + pd.Timedelta(days=365)


def _po(ds, po_id: str, line: str = "1") -> pd.Series:
    pos = ds.purchase_orders
    return pos[(pos["po_id"] == po_id) & (pos["line"] == line)].iloc[0]


def _usable_company_stock(ds, item: str) -> float:
    r = _reel_facts(ds)
    ok = (
        (r["item_id"] == item) & (r["owner"] == "company") & (r["status"] == "available")
        & (r["quantity"] >= r["min_usable_qty"]) & ~(r["floor_life_hours_left"] <= 0)
    )
    return float(r.loc[ok, "quantity"].sum())


def _units_per_end_item(ds, item: str) -> dict[str, float]:
    """Most units of ``item`` one unit of each demanded item can consume (lines valid today or
    later, yields and attrition applied, setup losses ignored)."""
    items = ds.items.set_index("item_id")
    b = ds.bom[ds.bom["valid_to"].isna() | (ds.bom["valid_to"] > AS_OF)]

    def per_unit(parent: str) -> float:
        if parent == item:
            return 1.0
        started = 100.0 / items.loc[parent, "yield_pct"] if items.loc[parent, "type"] == "make" else 1.0
        total = 0.0
        lines = b[b["parent_id"] == parent]
        for child, qty, attrition in zip(lines["child_id"], lines["qty_per"], lines["attrition_pct"]):
            pct = items.loc[child, "attrition_pct"] if pd.isna(attrition) else attrition
            total += started * qty * (1 + pct / 100) * per_unit(child)
        return total

    return {end: per_unit(end) for end in set(ds.demand["item_id"])}


def _demand_upper_bound(ds, item: str, until: pd.Timestamp) -> float:
    """Units of ``item`` that all live demand (every order, forecasts from ``as_of`` on; none
    consumed, none covered by open work orders) due up to ``until`` plus the make lead times
    could need: an upper bound (forecast from before ``as_of`` has expired, rule 1)."""
    factor = _units_per_end_item(ds, item)
    d = ds.demand
    live = (d["kind"] == "order") | (d["due_date"] >= AS_OF)
    d = d[live & (d["due_date"] <= until + pd.Timedelta(days=MAX_MAKE_LEAD_DAYS))]
    items = ds.items.set_index("item_id")
    setup_losses = items.loc[item, "setup_loss_qty"] * len(d)
    return float((d["quantity"] * d["item_id"].map(factor)).sum()) + setup_losses


@pytest.mark.parametrize(
    ("po_id", "line", "item"), [("PO-45230", "1", "IC-PCA9555"), ("PO-45188", "3", "CAP-0603-10U-16V")]
)
def test_early_orders_are_not_needed_until_well_after_their_due_date(ds, po_id, line, item):
    po = _po(ds, po_id, line)
    assert po["item_id"] == item
    needed_from = po["due_date"] + pd.Timedelta(days=DEFER_DAYS)
    assert _usable_company_stock(ds, item) >= _demand_upper_bound(ds, item, needed_from)


def test_order_due_after_the_stock_runs_out_but_inside_the_lead_time(ds):
    po = _po(ds, "PO-45241")
    assert po["item_id"] == "IC-STM32U585"
    firm = ds.demand[(ds.demand["item_id"] == "GW-4200") & (ds.demand["kind"] == "order")]
    latest_due = po["due_date"] - pd.Timedelta(days=MAX_MAKE_LEAD_DAYS)
    needed_before = firm.loc[firm["due_date"] <= latest_due, "quantity"].sum()
    wos = ds.work_orders
    covered_by_work_orders = wos.loc[wos["item_id"].isin(["GW-4200", "PCBA-GW4200-MAIN"]), "quantity_open"].sum()
    assert _usable_company_stock(ds, "IC-STM32U585") < needed_before - covered_by_work_orders
    assert (po["due_date"] - AS_OF).days <= _planning_lead_days(ds, "IC-STM32U585")


def test_an_order_for_a_part_no_bom_uses_any_more(ds):
    po = _po(ds, "PO-45260")
    lines = ds.bom[ds.bom["child_id"] == po["item_id"]]
    assert len(lines) and (lines["valid_to"] <= AS_OF).all()
    assert po["item_id"] not in set(ds.demand["item_id"])


def test_late_open_orders(ds):
    pos = ds.purchase_orders
    late = set((pos["po_id"] + "/" + pos["line"])[pos["due_date"] < AS_OF])
    assert late == {"PO-45102/1", "PO-45102/2", "PO-45117/1"}


def test_every_open_line_was_ordered_before_as_of_from_an_offer_at_its_price(ds):
    """What an ERP holds: each line placed on an offer of its supplier at least that offer's lead
    time before it is due (so before as_of), in the offer's and the reel's multiples, at least
    the offer's minimum, at the all-units price its quantity reaches."""
    offers = ds.supplier_offers
    reel = ds.items.set_index("item_id")["order_multiple"]
    for po in ds.purchase_orders.itertuples(index=False):
        offered = offers[(offers["supplier_id"] == po.supplier_id) & (offers["item_id"] == po.item_id)]
        assert po.due_date - pd.Timedelta(days=int(offered["lead_time_days"].min())) < AS_OF, po
        prices = []
        for _, offer in offered.groupby("mpn"):
            entry = max(offer["min_order_qty"].iloc[0], offer["break_qty"].min())
            if po.quantity_open >= entry and po.quantity_open % offer["order_multiple"].iloc[0] == 0:
                prices.append(offer.loc[offer["break_qty"] <= po.quantity_open, "unit_price"].min())
        assert any(po.unit_price == pytest.approx(price) for price in prices), po
        if not pd.isna(reel[po.item_id]):
            assert po.quantity_open % reel[po.item_id] == 0, po


def test_a_pipeline_of_open_orders_over_the_coming_months(ds):
    pos = ds.purchase_orders
    buy = ds.items.loc[ds.items["type"] == "buy", "item_id"]
    assert pos["item_id"].nunique() >= 0.6 * len(buy)
    assert (pos.groupby("po_id").size() >= 3).sum() >= 10
    assert pos["due_date"].dt.to_period("M").nunique() >= 8
    assert set(pos["supplier_id"]) == set(ds.suppliers["supplier_id"])


#: README "Short parts": the only purchased parts whose needs inside the lead time are not covered.
SHORT_PARTS = {"IC-STM32G474", "MOD-BG95-M3", "IC-DRV8353RS", "IC-ADS1292R", "CAP-0402-1U-16V", "HS-MC750"}


@pytest.fixture(scope="module")
def mrp(ds):
    return plan_mrp(ds)


def test_only_the_short_parts_and_the_past_due_builds_are_released_late(ds, mrp):
    late = mrp.exceptions[mrp.exceptions["type"] == "late_release"]
    buy = set(ds.items.loc[ds.items["type"] == "buy", "item_id"])
    assert set(late["item_id"]) & buy == SHORT_PARTS
    orders = mrp.planned_orders.set_index("order_id")
    make_orders = late.loc[~late["item_id"].isin(buy), "ref_id"]
    assert len(make_orders) and (orders.loc[make_orders, "due_date"] == AS_OF).all()


def test_the_pipeline_needs_no_action_messages_beyond_the_readme_scenarios(mrp):
    exceptions = mrp.exceptions

    def refs(kind: str) -> set[str]:
        return set(exceptions.loc[exceptions["type"] == kind, "ref_id"])

    assert refs("expedite") == {"PO-45241/1", "PO-45281/1", "PO-45295/1", "PO-45270/2", "PO-45270/3", "WO-26-1181"}
    assert refs("defer") == {"PO-45230/1", "PO-45188/3", "PO-45102/1", "PO-45102/2", "PO-45117/1", "PO-45270/1"}
    assert refs("cancel") == {"PO-45260/1"}


def _planning_lead_days(ds, item: str) -> int:
    """Rule 7: the lead time of the offer cheapest at its minimum (or smallest break)."""
    offers = ds.supplier_offers[ds.supplier_offers["item_id"] == item]
    best = None
    for _, offer in offers.groupby(["supplier_id", "mpn"]):
        qty = max(offer["min_order_qty"].iloc[0], offer["break_qty"].min())
        price = offer.loc[offer["break_qty"] <= qty].sort_values("break_qty")["unit_price"].iloc[-1]
        candidate = (price, int(offer["lead_time_days"].iloc[0]))
        best = candidate if best is None else min(best, candidate)
    return best[1]


def test_long_lead_parts_are_needed_sooner_than_their_lead_time(ds):
    d = ds.demand
    firm = d[(d["item_id"] == "GW-4200") & (d["kind"] == "order") & (d["due_date"] >= AS_OF)]
    soon = firm["due_date"].min()
    for item in ("IC-STM32U585", "IC-NRF52840", "IC-TPS62130"):
        assert _units_per_end_item(ds, item)["GW-4200"] > 0
        assert _planning_lead_days(ds, item) >= 112
        assert soon < AS_OF + pd.Timedelta(days=112 - MAX_MAKE_LEAD_DAYS)


def test_one_buy_item_without_any_offer(ds):
    buy = set(ds.items.loc[ds.items["type"] == "buy", "item_id"])
    assert buy - set(ds.supplier_offers["item_id"]) == {"HS-MC750"}


def test_supplier_kinds(ds):
    offers = ds.supplier_offers
    items = ds.items.set_index("item_id")
    direct = offers[offers["supplier_id"] == "MURATA"]
    assert (direct["min_order_qty"] == direct["item_id"].map(items["order_multiple"])).all()
    assert (direct["order_multiple"] == direct["min_order_qty"]).all()
    broker = offers[offers["supplier_id"] == "SUNRISE"]
    assert (broker["stock_qty"] > 0).all() and (broker["lead_time_days"] <= 7).all()
    distributor = offers[offers["supplier_id"] == "NBE"]
    assert (distributor["stock_qty"] > 0).any()
    for item, group in broker.groupby("item_id"):
        assert group["unit_price"].min() > distributor.loc[distributor["item_id"] == item, "unit_price"].max()
    allocated = offers.loc[offers["max_qty"].notna() & (offers["supplier_id"] != "SUNRISE"), ["supplier_id", "item_id"]]
    assert allocated.drop_duplicates().values.tolist() == [["NBE", "IC-STM32G474"]]
    assert (broker["max_qty"] == broker["stock_qty"]).all()  # a broker sells what it holds, no more
    assert ds.suppliers.set_index("supplier_id")["min_order_value"].dropna().to_dict() == {"MURATA": 2500}
    sources = offers.groupby("item_id")["supplier_id"].nunique()
    assert (sources == 1).sum() > 50 and (sources > 1).sum() > 20
    assert offers.groupby(["supplier_id", "item_id", "mpn"]).size().min() >= 2


def test_work_orders_released_planned_and_one_pinned(ds):
    wos = ds.work_orders.set_index("wo_id")
    assert set(wos["status"]) == {"planned", "released"}
    assert wos.index[wos["pinned"]].tolist() == ["WO-26-1190"]
    pinned = wos.loc["WO-26-1190"]
    assert pinned["line_id"] == "SMT3" and pinned["status"] == "planned" and pinned["start_date"] >= AS_OF
    slots = ds.smt_lines.set_index("line_id")["feeder_slots"]
    assert feeder_count(ds, pinned["item_id"], pinned["start_date"]) <= slots["SMT3"]


def test_board_that_no_allowed_line_can_hold_and_one_too_big_for_smt3(ds):
    slots = ds.smt_lines.set_index("line_id")["feeder_slots"]
    allowed = ds.smt_process.set_index("item_id")["line_ids"]
    hmi_lines = allowed["PCBA-MC750-HMI"].split(";")
    assert feeder_count(ds, "PCBA-MC750-HMI", AS_OF) > max(slots[line] for line in hmi_lines)
    gateway = feeder_count(ds, "PCBA-GW4200-MAIN", AS_OF)
    assert slots["SMT3"] < gateway <= slots["SMT2"]


def test_readme_names_only_rows_that_exist_and_every_exception_type():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    folder = SAMPLE / "ems_factory"
    files = ("demand.csv", "inventory.csv", "purchase_orders.csv", "work_orders.csv")
    data = " ".join((folder / f).read_text(encoding="utf-8") for f in files)
    for ref in re.findall(r"\b(?:R26\d{5}|PO-\d{5}|WO-26-\d{4}|SO-\d{5}-\d{2}|FC-[A-Z]+-\d{4})\b", text):
        assert ref in data, ref
    for exception in EXCEPTION_TYPES:
        assert f"`{exception}`" in text, exception


def test_gateway_example_reads_without_errors():
    ds, warnings = read_dataset(SAMPLE / "gateway")
    assert len(ds.items) == 5 and warnings == []
