"""The optimiser against an exhaustive search on tiny instances (one item, two need days).

The search enumerates every plan of at most two lines — every offer, from stock or not,
every order day (not only the optimiser's candidate days), every quantity on the offer's
grid up to what could be useful — and costs each with its own matching, written here:
all splits of the two needs between the lines. With two need days and a positive order
cost a third line never pays, so this is the true optimum.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tests.optimizer.purchasing.builders import offer, run

HORIZON_DAYS = 20


def _instance(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    needs = dict(zip(sorted(rng.choice(np.arange(1, 10), 2, replace=False).tolist()), rng.integers(1, 8, 2).tolist()))
    offers = []
    for supplier in ("P", "Q"):
        price = float(rng.integers(5, 20))
        step = float(rng.choice([1, 2, 3]))
        second = float(rng.integers(4, 12))
        stock = float(rng.integers(3, 9)) if rng.random() < 0.5 else math.nan
        offers.append(dict(supplier=supplier, lead=int(rng.integers(0, 6)), step=step, moq=float(rng.integers(0, 4)),
                           breaks=[(1.0, price), (second, price * float(rng.uniform(0.5, 0.9)))], stock=stock))
    return dict(needs=needs, offers=offers, holding_rate=float(rng.uniform(1, 30)),
                late_penalty=float(rng.uniform(0.02, 0.5)), order_cost=float(rng.uniform(1, 8)))


def _brute_force(inst: dict) -> float:
    (d1, n1), (d2, n2) = sorted(inst["needs"].items())
    hold, late = inst["holding_rate"] / 365, inst["late_penalty"]
    options = []  # (offer index, from stock, arrival day, quantity, unit price)
    for k, o in enumerate(inst["offers"]):
        smallest = max(o["moq"], o["breaks"][0][0])
        smallest = math.ceil(smallest / o["step"] - 1e-9) * o["step"]
        largest = max(n1 + n2, o["breaks"][-1][0]) + o["step"]
        quantities = [q for q in np.arange(o["step"], largest + o["step"], o["step"]) if q >= smallest - 1e-9]
        modes = [(False, o["lead"])] + ([(True, 2)] if not math.isnan(o["stock"]) else [])
        for (from_stock, lead), order_day, q in itertools.product(modes, range(0, HORIZON_DAYS + 1), quantities):
            if from_stock and q > o["stock"]:
                continue
            price = [p for b, p in o["breaks"] if b <= q + 1e-9][-1]
            options.append((k, from_stock, order_day + lead, float(q), price))

    def unit(price: float, arrival: int, need_day: int) -> float:
        return price * (hold * (need_day - arrival) if arrival <= need_day else late * (arrival - need_day))

    def surplus(price: float, arrival: int) -> float:
        return price * hold * max(HORIZON_DAYS - arrival, 0)

    best = math.inf
    for (k, fs, a, q, p) in options:
        if q >= n1 + n2:
            best = min(best, q * p + inst["order_cost"] + n1 * unit(p, a, d1) + n2 * unit(p, a, d2)
                       + (q - n1 - n2) * surplus(p, a))
    for (k1, fs1, a1, q1, p1), (k2, fs2, a2, q2, p2) in itertools.combinations_with_replacement(options, 2):
        if q1 + q2 < n1 + n2:
            continue
        if fs1 and fs2 and k1 == k2 and q1 + q2 > inst["offers"][k1]["stock"]:
            continue
        fixed = q1 * p1 + q2 * p2 + 2 * inst["order_cost"]
        x = np.arange(n1 + 1)[:, None]  # units of need 1 from line 1
        y = np.arange(n2 + 1)[None, :]  # units of need 2 from line 1
        ok = (x + y <= q1) & ((n1 - x) + (n2 - y) <= q2)
        cost = (x * unit(p1, a1, d1) + y * unit(p1, a1, d2) + (n1 - x) * unit(p2, a2, d1) + (n2 - y) * unit(p2, a2, d2)
                + (q1 - x - y) * surplus(p1, a1) + (q2 - (n1 - x) - (n2 - y)) * surplus(p2, a2))
        best = min(best, fixed + float(np.min(np.where(ok, cost, np.inf))))
    return best


@pytest.mark.parametrize("seed", range(10))
def test_optimiser_matches_exhaustive_search(seed):
    inst = _instance(seed)
    offers = [offer(o["supplier"], "A", o["lead"], o["breaks"], min_order_qty=o["moq"], order_multiple=o["step"],
                    stock_qty=o["stock"], stock_lead_time_days=2) for o in inst["offers"]]
    result = run({"A": inst["needs"]}, *offers, holding_rate=inst["holding_rate"], late_penalty=inst["late_penalty"],
                 order_cost=inst["order_cost"], horizon_days=HORIZON_DAYS)
    assert result.summary["optimised_cost"] == pytest.approx(_brute_force(inst), rel=1e-3)


@pytest.mark.parametrize("seed", range(10))
def test_optimiser_matches_exhaustive_search_under_an_aml(seed):
    # The customer of both needs accepts only Q's MPN: the search over Q's offer alone is the optimum.
    inst = _instance(seed)
    offers = [offer(o["supplier"], "A", o["lead"], o["breaks"], min_order_qty=o["moq"], order_multiple=o["step"],
                    stock_qty=o["stock"], stock_lead_time_days=2) for o in inst["offers"]]
    result = run({"A": inst["needs"]}, *offers, holding_rate=inst["holding_rate"], late_penalty=inst["late_penalty"],
                 order_cost=inst["order_cost"], horizon_days=HORIZON_DAYS,
                 pegs={"A": {d: {"C1": q} for d, q in inst["needs"].items()}}, approved=[("C1", "A", "A-Q")])
    assert set(result.suggestions.supplier_id) == {"Q"}
    only_q = {**inst, "offers": [o for o in inst["offers"] if o["supplier"] == "Q"]}
    assert result.summary["optimised_cost"] == pytest.approx(_brute_force(only_q), rel=1e-3)
