"""SMT jobs from the MRP plan: feeders, material-ready dates, work orders."""

from pathlib import Path

import numpy as np
import pandas as pd

import sample_data
from connectors.dataset import read_dataset
from mrp.engine import plan_mrp
from mrp.smt import _with_purchasing, smt_jobs
from optimizer.purchasing import optimize_purchasing
from tests.mrp.builders import dataset

FACTORY = dict(
    items="""
        item_id,type,lead_time_days
        BOARD,make,2
        MCU,buy,30
        CAP,buy,0
        PCB,buy,0
        OLDCAP,buy,0
    """,
    bom="""
        parent_id,child_id,qty_per,feeder,valid_to
        BOARD,MCU,1,true,
        BOARD,CAP,10,true,
        BOARD,PCB,1,false,
        BOARD,OLDCAP,2,true,2026-12-01
    """,
    inventory="""
        reel_id,item_id,quantity
        R1,CAP,100000
        R2,MCU,100
    """,
    work_orders="""
        wo_id,item_id,quantity_open,start_date,due_date,status,line_id,pinned
        W1,BOARD,50,2026-11-20,2026-11-25,released,L1,true
        W2,BOARD,80,2026-12-10,2026-12-12,planned,,false
    """,
    demand="""
        demand_id,customer_id,item_id,due_date,quantity
        D1,K,BOARD,2026-12-20,200
    """,
    smt_lines="""
        line_id,placements_per_hour,feeder_slots
        L1,30000,120
    """,
    smt_process="""
        item_id,placements_per_board,line_ids
        BOARD,400,L1
    """,
)


def jobs(coverage=None) -> pd.DataFrame:
    ds = dataset(**FACTORY)
    return smt_jobs(ds, plan_mrp(ds), coverage).set_index("job_id")


def test_jobs_are_the_planned_orders_and_work_orders_of_smt_items():
    got = jobs()
    assert list(got.index) == ["PL-BOARD-0001", "W1", "W2"]
    # the company's work orders (50 + 80) cover part of D1: 70 more are built.
    assert got.loc["PL-BOARD-0001", "quantity"] == 70
    assert got.loc["W1", "pinned"] and got.loc["W1", "line_id"] == "L1"
    assert got.loc["W1", "line_ids"] == ("L1",)


def test_feeders_are_buy_children_on_feeder_lines_valid_on_the_release_day():
    got = jobs()
    # W1 starts before the OLDCAP line expires (Dec 1), the others after it.
    assert got.loc["W1", "feeders"] == ("CAP", "MCU", "OLDCAP")
    assert got.loc["W2", "feeders"] == ("CAP", "MCU")
    assert got.loc["PL-BOARD-0001", "feeders"] == ("CAP", "MCU")


def test_material_is_ready_when_the_last_feeder_supply_arrives():
    got = jobs()
    # W1 is released: its material is issued. W2 takes 80 MCU and 800 CAP from reels on hand.
    assert got.loc["W1", "ready_date"] == pd.Timestamp("2026-11-23")
    assert got.loc["W2", "ready_date"] == pd.Timestamp("2026-11-23")
    # The planned order (released Dec 18) needs 70 MCU: the reel's last 20, and 50 bought with a
    # 30-day lead time from today: on hand Dec 23.
    assert got.loc["PL-BOARD-0001", "ready_date"] == pd.Timestamp("2026-12-23")


def test_the_purchasing_plan_decides_when_bought_material_arrives():
    covered = pd.DataFrame({"item_id": ["MCU"], "need_date": [pd.Timestamp("2026-12-18")],
                            "receipt_date": [pd.Timestamp("2026-12-15")], "quantity": [50.0]})
    assert jobs(covered).loc["PL-BOARD-0001", "ready_date"] == pd.Timestamp("2026-12-15")
    short = covered.assign(quantity=40.0)
    assert pd.isna(jobs(short).loc["PL-BOARD-0001", "ready_date"])


def test_on_the_sample_factory_every_bought_draw_takes_the_arrival_the_purchasing_plan_gives():
    """The joined arrival dates against a row-by-row reading of the rule."""
    ds, _ = read_dataset(Path(sample_data.__file__).parent / "ems_factory")
    mrp = plan_mrp(ds)
    buy = mrp.planned_orders[mrp.planned_orders["type"] == "buy"]
    coverage = optimize_purchasing(mrp.net_requirements, buy, ds.supplier_offers, ds.suppliers, ds.items, ds.settings,
                                   requirement_pegs=mrp.requirement_pegs, time_limit_s=60).coverage
    material = mrp.material.copy()
    got = _with_purchasing(material, mrp, coverage)
    bought = set(buy["order_id"])
    expected = []
    for row in material.itertuples():
        key = (str(row.component_id), pd.Timestamp(row.need_date))
        need = mrp.net_requirements[(mrp.net_requirements["item_id"] == key[0])
                                    & (mrp.net_requirements["date"] == key[1])]["quantity"]
        if row.supply_id not in bought or need.empty:
            expected.append(row.available_date)
            continue
        cover = coverage[(coverage["item_id"] == key[0]) & (coverage["need_date"] == key[1])]
        enough = not cover.empty and cover["quantity"].sum() >= need.sum() - 1e-6
        expected.append(cover["receipt_date"].max() if enough else pd.NaT)
    expected = pd.Series(pd.to_datetime(expected), index=material.index)
    assert got.isna().sum() > 0 and (got != material["available_date"]).sum() > 0  # both cases occur
    assert np.array_equal(got.to_numpy(), expected.to_numpy().astype(got.dtype), equal_nan=True)
