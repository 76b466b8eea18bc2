"""Planning invariants on random small factories (hypothesis).

- every independent demand is pegged in full at level 0;
- every unit of supply is pegged exactly once (to a demand or as surplus);
- planned buy orders respect minimum and multiple;
- consigned reels serve only their owner;
- projected on hand never drops below zero;
- shuffling the input rows changes nothing.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrp.dataset import Dataset
from mrp.demand import consume_forecast
from mrp.engine import plan_mrp
from mrp.exceptions import ExceptionLog
from tests.mrp.builders import factories

def _supply_quantities(ds: Dataset, planned: pd.DataFrame) -> dict[tuple[str, str], float]:
    reels = ds.inventory[ds.inventory["quantity"] > 0]
    qty = {(i, r): q for i, r, q in zip(reels["item_id"], reels["reel_id"], reels["quantity"])}
    qty.update({(i, f"{p}/{line}"): q for i, p, line, q in zip(ds.purchase_orders["item_id"], ds.purchase_orders["po_id"],
                                                                ds.purchase_orders["line"],
                                                                ds.purchase_orders["quantity_open"])})
    qty.update({(i, o): q for i, o, q in zip(planned["item_id"], planned["order_id"], planned["receipt_quantity"])})
    return qty


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories())
def test_planning_invariants(ds: Dataset):
    result = plan_mrp(ds)
    peg = result.pegging

    independent = consume_forecast(ds.demand, ds.settings, ExceptionLog())
    demands = dict(zip(independent["demand_id"], independent["quantity"].tolist()))
    level0 = peg[peg["level"] == 0].groupby("demand_id")["quantity"].sum().to_dict()
    assert level0.keys() == demands.keys()
    for demand_id, qty in demands.items():
        assert abs(level0[demand_id] - qty) < 1e-6, demand_id

    supplied = peg.groupby(["item_id", "supply_id"])["quantity"].sum()
    expected = _supply_quantities(ds, result.planned_orders)
    for key, qty in supplied.items():
        assert abs(qty - expected[key]) < 1e-6, key
    for key, qty in expected.items():
        assert abs(supplied.get(key, 0.0) - qty) < 1e-6, key

    items = ds.items.set_index("item_id")
    for row in result.planned_orders[result.planned_orders["type"] == "buy"].itertuples():
        assert row.quantity >= items.at[row.item_id, "min_order_qty"] - 1e-9
        multiple = items.at[row.item_id, "order_multiple"]
        if not pd.isna(multiple):
            assert abs(row.quantity / multiple - round(row.quantity / multiple)) < 1e-9

    owner = dict(zip(ds.inventory["reel_id"], ds.inventory["owner"]))
    customer = dict(zip(ds.demand["demand_id"], ds.demand["customer_id"]))
    stock = peg[(peg["supply_type"] == "stock") & (peg["demand_id"] != "")]
    for demand_id, reel_id in zip(stock["demand_id"], stock["supply_id"]):
        assert owner[reel_id] in ("company", customer[demand_id])

    assert (result.mrp_records["projected_on_hand"] >= -1e-6).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories(), st.randoms(use_true_random=False))
def test_shuffled_input_rows_give_the_same_plan(ds: Dataset, rnd):
    first = plan_mrp(ds)
    shuffled = Dataset(settings=ds.settings, **{
        name: ds.table(name).sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
        for name in ("items", "bom", "demand", "inventory", "purchase_orders", "work_orders", "suppliers",
                     "supplier_offers", "smt_lines", "smt_process")})
    second = plan_mrp(shuffled)
    for name in ("planned_orders", "exceptions", "pegging", "mrp_records"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
