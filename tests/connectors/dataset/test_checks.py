"""The check registry on typed Datasets, and the cycle search it relies on."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from connectors.dataset import CHECKS, read_dataset, validate_dataset
from connectors.dataset.checks import find_cycles
from tests.connectors.dataset.helpers import VALID, codes

DOCS = Path(__file__).resolve().parents[3] / "docs" / "dataset.md"


def test_valid_examples_pass_every_check():
    for example in ("small", "gateway"):
        ds, _ = read_dataset(VALID / example, today=date(2026, 11, 23))
        assert validate_dataset(ds) == []


def test_a_dataset_built_in_code_gets_the_same_checks():
    ds, _ = read_dataset(VALID / "gateway")
    ds.bom.loc[3, "child_id"] = "RESISTOR"
    ds.bom.loc[1, "qty_per"] = -1.0
    ds.items.loc[2, "type"] = "bought"
    assert codes(validate_dataset(ds)) == [
        ("bad_choice", "items.csv", 4, "type"),
        ("negative", "bom.csv", 3, "qty_per"),
        ("unknown_ref", "bom.csv", 5, "child_id"),
    ]


def test_no_cycle_in_a_diamond():
    assert find_cycles({"A": ["B", "C"], "B": ["D"], "C": ["D"]}) == []


def test_every_cycle_is_found_with_its_items_in_order():
    cycles = find_cycles({"A": ["B"], "B": ["C"], "C": ["A", "D"], "X": ["Y"], "Y": ["X"]})
    assert sorted(cycles) == [["A", "B", "C"], ["X", "Y"]]


def test_a_long_chain_does_not_exhaust_the_stack():
    chain = {f"N{i:05d}": [f"N{i + 1:05d}"] for i in range(20_000)}
    assert find_cycles(chain) == []
    chain["N20000"] = ["N00000"]
    (cycle,) = find_cycles(chain)
    assert len(cycle) == 20_001


def test_every_check_code_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE))
    assert set(CHECKS) <= documented


def test_ems_buying_data_warns_of_an_mpn_no_offer_carries_an_eol_part_and_an_unknown_customer():
    from tests.mrp.builders import dataset

    ds = dataset(
        items="""
            item_id,type,lifecycle,last_time_buy_date
            A,make,active,
            R1,buy,eol,
            R2,buy,eol,2027-03-31
            R3,buy,nrnd,
        """,
        demand="""
            demand_id,customer_id,item_id,due_date,quantity,kind
            D1,ACME,A,2027-01-04,10,order
            D2,ACEM,A,2027-02-01,10,forecast
        """,
        supplier_offers="""
            supplier_id,item_id,mpn,lead_time_days,break_qty,unit_price,ncnr
            S1,R1,RC-1,10,0,0.02,true
            S2,R1,RC-2,10,0,0.03,false
        """,
        customers="""
            customer_id,name,material_authorisation_days
            ACME,Acme Corp,90
            BOLT,Bolt Ltd,
        """,
        approved_mpns="""
            customer_id,item_id,mpn
            ACME,R1,RC-1
            BOLT,R1,RC-3
            BOLT,R2,RC-1
        """,
    )
    assert [(i.code, i.file, i.row, i.column, i.value, i.severity) for i in validate_dataset(ds)] == [
        ("eol_without_last_time_buy", "items.csv", 3, "last_time_buy_date", "", "warning"),
        ("unknown_customer", "demand.csv", 3, "customer_id", "ACEM", "warning"),
        ("mpn_not_offered", "approved_mpns.csv", 3, "mpn", "RC-3", "warning"),
        ("mpn_not_offered", "approved_mpns.csv", 4, "mpn", "RC-1", "warning"),
    ]
    assert "did you mean 'ACME'" in validate_dataset(ds)[1].message
