"""NCNR liability: the worked example of docs/purchasing.md by hand, and its invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.purchasing.liability import (
    LIABILITY_COLUMNS, authorised_demand, liability_totals, ncnr_liability, po_lines, suggestion_lines,
)

AS_OF = dt.date(2027, 1, 4)  # ACME's 30-day window ends 2027-02-03


def _demand(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "demand_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "due_date": pd.to_datetime([r[2] for r in rows]), "kind": [r[3] for r in rows],
    })


def _customers(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "name": "",
                         "material_authorisation_days": pd.array([r[1] for r in rows], dtype="Int64")})


DEMAND = _demand([
    ("D1", "ACME", "2027-01-25", "forecast"),  # inside ACME's window
    ("D2", "ACME", "2027-03-01", "forecast"),  # beyond it
    ("D3", "BOLT", "2027-03-01", "forecast"),  # BOLT authorises all its forecast
    ("D4", "ACME", "2027-03-01", "order"),  # a firm order is always authorised
    ("D5", "ACME", "2027-02-03", "forecast"),  # on the window's last day: authorised
])
CUSTOMERS = _customers([("ACME", 30), ("BOLT", None)])
OFFERS = pd.DataFrame({
    "supplier_id": ["S1", "S1", "S2"], "item_id": ["R1", "R1", "R1"], "mpn": ["MPN-A", "MPN-A", "MPN-B"],
    "break_qty": [0.0, 1000.0, 0.0], "unit_price": [2.0, 1.8, 1.0], "ncnr": [True, True, False],
})


def test_a_forecast_is_authorised_up_to_the_windows_last_day_and_an_order_always():
    assert authorised_demand(DEMAND, CUSTOMERS, AS_OF).to_dict() == {
        "D1": True, "D2": False, "D3": True, "D4": True, "D5": True,
    }


@pytest.mark.parametrize("categorical", [False, True])
def test_the_worked_example_an_ncnr_line_half_inside_the_window(categorical):
    suggestions = pd.DataFrame({"suggestion_id": ["PS1", "PS2"], "item_id": ["R1", "R1"], "supplier_id": ["S1", "S2"],
                                "mpn": ["MPN-A", "MPN-B"], "unit_price": [2.0, 1.0]})
    pos = pd.DataFrame({"po_id": ["PO1", "PO2"], "line": ["1", "1"], "item_id": ["R1", "R1"],
                        "supplier_id": ["S1", ""], "quantity_open": [45.0, 10.0], "unit_price": [1.5, np.nan]})
    lines = pd.concat([po_lines(pos, OFFERS), suggestion_lines(suggestions, OFFERS)], ignore_index=True)
    assert lines[["ref_id", "ncnr", "unit_price"]].values.tolist() == [
        ["PO1/1", True, 1.5], ["PO2/1", False, 0.0], ["PS1", True, 2.0], ["PS2", False, 1.0]]
    pegs = pd.DataFrame([
        ("suggestion", "PS1", "D1", 100.0), ("suggestion", "PS1", "D2", 100.0), ("suggestion", "PS1", "D3", 50.0),
        ("suggestion", "PS2", "D2", 30.0), ("suggestion", "PS2", "D4", 20.0),
        ("po", "PO1/1", "D2", 40.0), ("po", "PO2/1", "D1", 10.0), ("po", "PO1/1", "", 5.0),
    ], columns=["source", "ref_id", "demand_id", "quantity"])
    if categorical:  # as the pipeline hands them over: ids as codes
        pegs = pegs.astype({"source": "category", "ref_id": "category", "demand_id": "category"})

    table = ncnr_liability(lines, pegs, DEMAND, CUSTOMERS, AS_OF)

    assert list(table.columns) == list(LIABILITY_COLUMNS)
    assert table.values.tolist() == [
        ["ACME", "R1", "po", "PO1/1", 40.0, 60.0, True, False],
        ["ACME", "R1", "suggestion", "PS1", 100.0, 200.0, True, False],
        ["ACME", "R1", "suggestion", "PS1", 100.0, 200.0, True, True],
        ["ACME", "R1", "suggestion", "PS2", 30.0, 30.0, False, False],
        ["BOLT", "R1", "suggestion", "PS1", 50.0, 100.0, True, True],
    ]
    assert liability_totals(table) == {
        "exposure_value": 260.0,
        "by_customer": {
            "ACME": {"exposure_quantity": 140.0, "exposure_value": 260.0, "authorised_ncnr_value": 200.0},
            "BOLT": {"exposure_quantity": 0.0, "exposure_value": 0.0, "authorised_ncnr_value": 100.0},
        },
    }


def test_a_po_without_a_price_is_valued_at_its_ncnr_offers_price_for_its_quantity():
    pos = pd.DataFrame({"po_id": ["PO1", "PO2"], "line": ["1", "2"], "item_id": ["R1", "R1"],
                        "supplier_id": ["S1", "S1"], "quantity_open": [500.0, 1000.0], "unit_price": [np.nan, np.nan]})
    assert po_lines(pos, OFFERS).unit_price.tolist() == [2.0, 1.8]


def test_without_customers_or_ncnr_offers_nothing_is_listed():
    lines = pd.DataFrame([("suggestion", "PS1", "R1", 1.0, False)],
                         columns=["source", "ref_id", "item_id", "unit_price", "ncnr"])
    pegs = pd.DataFrame([("suggestion", "PS1", "D2", 10.0)], columns=["source", "ref_id", "demand_id", "quantity"])
    assert ncnr_liability(lines, pegs, DEMAND, _customers([]), AS_OF).empty


@st.composite
def _cases(draw):
    n_lines = draw(st.integers(1, 5))
    lines = pd.DataFrame({
        "source": draw(st.lists(st.sampled_from(["po", "suggestion"]), min_size=n_lines, max_size=n_lines)),
        "ref_id": [f"L{i}" for i in range(n_lines)],
        "item_id": "R1",
        "unit_price": draw(st.lists(st.integers(1, 20), min_size=n_lines, max_size=n_lines)),
        "ncnr": draw(st.lists(st.booleans(), min_size=n_lines, max_size=n_lines)),
    })
    lines["unit_price"] = lines.unit_price.astype(float) / 4
    pegs = draw(st.lists(st.tuples(st.integers(0, n_lines - 1), st.sampled_from([*DEMAND.demand_id, ""]),
                                   st.integers(1, 50)), max_size=12))
    peg = pd.DataFrame({"ref_id": [f"L{p[0]}" for p in pegs], "demand_id": [p[1] for p in pegs],
                        "quantity": [float(p[2]) for p in pegs]})
    peg["source"] = peg.ref_id.map(dict(zip(lines.ref_id, lines.source)))
    days = draw(st.lists(st.one_of(st.none(), st.integers(0, 90)), min_size=2, max_size=2))
    return lines, peg, _customers([("ACME", days[0]), ("BOLT", days[1])])


@given(_cases())
@settings(max_examples=60, deadline=None)
def test_an_ncnr_lines_rows_add_up_to_what_it_is_pegged_to_customer_demand(case):
    lines, pegs, customers = case
    table = ncnr_liability(lines, pegs, DEMAND, customers, AS_OF)
    authorised = authorised_demand(DEMAND, customers, AS_OF)
    for line in lines.itertuples(index=False):
        own = pegs.loc[(pegs.ref_id == line.ref_id) & pegs.demand_id.isin(DEMAND.demand_id)]
        rows = table.loc[table.ref_id == line.ref_id]
        beyond = own.loc[~own.demand_id.map(authorised).astype(bool)]
        if line.ncnr:
            assert np.isclose(rows.quantity.sum(), own.quantity.sum())
        else:
            assert not rows.authorised.any()
        assert np.isclose(rows.loc[~rows.authorised].quantity.sum(), beyond.quantity.sum())
        assert np.allclose(rows.value, rows.quantity * line.unit_price)
    exposed = table.loc[table.ncnr & ~table.authorised]
    assert np.isclose(liability_totals(table)["exposure_value"], exposed.value.sum())
