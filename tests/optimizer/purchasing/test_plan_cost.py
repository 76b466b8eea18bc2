"""The reported plan cost, recomputed from the suggestions table alone.

The cost function here is written independently of the optimiser: all-units prices looked
up in the offer rows, and the least-cost matching as a transportation problem (one
variable per suggestion and requirement day, plus surplus) solved by CBC.
"""

from __future__ import annotations

import pandas as pd
import pulp
from pulp.apis.coin_api import pulp_cbc_path
import pytest

from tests.optimizer.purchasing.builders import AS_OF, offer, offers_table, requirements, run

NEEDS = {"CAP": {3: 400, 17: 900, 45: 1200, 80: 300}, "MCU": {10: 40, 30: 35, 60: 50}, "RES": {2: 5000, 50: 8000}}
OFFERS = (
    offer("DIST", "CAP", 7, [(1, 0.02), (1000, 0.015)], stock_qty=1500, stock_lead_time_days=2),
    offer("MFR", "CAP", 28, [(4000, 0.008), (20000, 0.006)], min_order_qty=4000, order_multiple=4000),
    offer("DIST", "MCU", 7, [(1, 4.0), (25, 3.6), (100, 3.2)], stock_qty=30),
    offer("BRK", "MCU", 3, [(1, 9.0)], max_qty=60),
    offer("MFR", "MCU", 42, [(90, 2.5)], order_multiple=90),
    offer("DIST", "RES", 5, [(1, 0.004), (5000, 0.002)], order_multiple=100),
)
SETTINGS = {"holding_rate": 0.3, "late_penalty": 0.2, "order_cost": 1.5, "horizon_days": 120}


def _independent_cost(suggestions: pd.DataFrame) -> float:
    table = offers_table(*OFFERS)
    hold = SETTINGS["holding_rate"] / 365
    problem = pulp.LpProblem("recompute", pulp.LpMinimize)
    terms = []
    for item_id, group in suggestions.groupby("item_id"):
        needs = requirements({item_id: NEEDS[item_id]})
        need_days = [(d - pd.Timestamp(AS_OF)).days for d in needs.date]
        supply_x = {}
        for s in group.itertuples():
            rows = table[(table.item_id == item_id) & (table.supplier_id == s.supplier_id) & (table.mpn == s.mpn)]
            price = rows.loc[rows.break_qty <= s.quantity, "unit_price"].iloc[-1]
            assert s.unit_price == pytest.approx(price)
            terms.append(s.quantity * price + SETTINGS["order_cost"])
            arrival = (s.receipt_date - pd.Timestamp(AS_OF)).days
            flows = []
            for r, d in enumerate(need_days):
                x = problem.add_variable(f"x_{s.suggestion_id}_{r}", 0)
                per_unit = hold * (d - arrival) if arrival <= d else SETTINGS["late_penalty"] * (arrival - d)
                terms.append(price * per_unit * x)
                flows.append(x)
                supply_x.setdefault(r, []).append(x)
            surplus = problem.add_variable(f"s_{s.suggestion_id}", 0)
            terms.append(price * hold * max(SETTINGS["horizon_days"] - arrival, 0) * surplus)
            problem += pulp.lpSum(flows) + surplus == s.quantity
        for r, q in enumerate(needs.quantity):
            problem += pulp.lpSum(supply_x[r]) == q
    problem += pulp.lpSum(terms)
    problem.solve(pulp.COIN_CMD(path=pulp_cbc_path, msg=False))
    assert pulp.LpStatus[problem.status] == "Optimal"
    return pulp.value(problem.objective)


def test_reported_cost_equals_independent_recomputation_from_suggestions():
    result = run(NEEDS, *OFFERS, **SETTINGS)
    assert result.exceptions.empty
    assert result.summary["optimised_cost"] == pytest.approx(_independent_cost(result.suggestions), rel=1e-6)
    assert result.summary["optimised_cost"] <= result.summary["mrp_cost"] + 1e-9
    assert result.summary["status"] == "optimal"


def test_coverage_serves_every_requirement_exactly():
    result = run(NEEDS, *OFFERS, **SETTINGS)
    served = result.coverage.groupby(["item_id", "need_date"]).quantity.sum()
    wanted = requirements(NEEDS).set_index(["item_id", "date"]).quantity
    assert served.to_dict() == pytest.approx(wanted.rename_axis(["item_id", "need_date"]).to_dict())
