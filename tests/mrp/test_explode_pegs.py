"""Component requirements split over the parent order's pegging (rule 3 with rule 9).

``explode_level`` has a shortcut for the common order pegged to a single demand; these
properties check it against the rule written out plainly: every line rounded on its own,
lines of one child added up, the child's total split over the order's demands in
proportion (largest remainder for counted children), one BOM level deeper.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mrp.explode import explode_level
from mrp.quantities import ceil_whole

COUNTED = np.array([True, True, True, False])  # parent P (code 0), children C1, C2 counted, C3 in kg


def apportion(total: float, weights: list[float], counted: bool) -> list[float]:
    """Largest remainder, ties to the earlier part: the split the rule asks for, written plainly."""
    if len(weights) == 1:
        return [total if weights[0] > 0 else 0.0]
    if sum(weights) <= 0:
        return [0.0] * len(weights)
    exact = [total * w / sum(weights) for w in weights]
    if not counted:
        return exact
    floors = [math.floor(e + 1e-9) for e in exact]
    for i in sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))[:int(round(total - sum(floors)))]:
        floors[i] += 1
    return [float(f) for f in floors]


@st.composite
def bom_lines(draw: st.DrawFn) -> list[tuple]:
    """(child code, qty_per, attrition %, setup loss, valid from, valid to)."""
    return [(draw(st.sampled_from([1, 2, 3])), draw(st.sampled_from([1.0, 2.0, 0.25, 0.013, 3.0])),
             draw(st.sampled_from([0.0, 1.5, 5.0])), draw(st.sampled_from([0.0, 2.0, 25.0])),
             draw(st.sampled_from([-math.inf, 3.0])), draw(st.sampled_from([math.inf, 10.0])))
            for _ in range(draw(st.integers(1, 5)))]


def expected(lines: list[tuple], started: float, day: int, pegs: list[tuple]) -> dict[int, tuple]:
    totals: dict[int, float] = {}
    for child, qty_per, attrition, setup, valid_from, valid_to in lines:
        if valid_from <= day < valid_to:
            qty = started * qty_per * (1.0 + attrition / 100.0)
            qty = ceil_whole(ceil_whole(qty) + setup) if COUNTED[child] else qty + setup
            totals[child] = totals.get(child, 0.0) + qty
    out = {}
    for child, qty in totals.items():
        parts = apportion(qty, [w for _, _, w in pegs], bool(COUNTED[child]))
        segments = [(demand, -1 if level < 0 else level + 1, part)
                    for (demand, level, _), part in zip(pegs, parts) if part > 0]
        out[child] = (qty, segments or [(-1, -1, qty)])
    return out


def merged(pieces: list[tuple], surplus: float) -> list[tuple]:
    """The order's pegging: neighbouring pieces of one demand and level merged, surplus last."""
    out: list[tuple] = []
    for demand, level, qty in pieces:
        if out and out[-1][:2] == (demand, level):
            out[-1] = (demand, level, out[-1][2] + qty)
        else:
            out.append((demand, level, qty))
    return out + ([(-1, -1, surplus)] if surplus > 1e-9 else [])


pieces_strategy = st.lists(
    st.sampled_from([(0, 0), (1, 0), (0, 1), (-1, -1)]).flatmap(
        lambda key: st.sampled_from([1.0, 7.0, 12.5, 40.0]).map(lambda q: (*key, q))),
    min_size=0, max_size=4)


def explode_one(lines, started, day, pieces, surplus):
    child, qty_per, attrition, setup, valid_from, valid_to = (np.array(c) for c in zip(*lines))
    n = len(pieces)
    dem, lvl, qty = (np.array([p[i] for p in pieces], dtype=float if i == 2 else np.int64) for i in range(3))
    out = explode_level(
        np.array([0]), np.array([started]), np.array([day]), np.array([4]), np.array([50]), np.array([17]),
        np.array([5]), np.array([1]), np.array([0]), np.array([surplus]), np.array([True, False, False, False]),
        np.array([0]), np.array([n]), dem.astype(np.int64), lvl.astype(np.int64), qty,
        np.array([0, len(lines), len(lines), len(lines)]), np.array([len(lines)] * 4), child.astype(np.int64),
        qty_per, 1.0 + attrition / 100.0, setup, valid_from, valid_to, COUNTED[child.astype(np.int64)], COUNTED, 9, True)
    item, r_day, r_qty, cust, pri, parent, key1, key2, seq, s0, s1, s_dem, s_lvl, s_qty = out
    got = {}
    for r in range(len(item)):
        assert (r_day[r], cust[r], pri[r], parent[r], key1[r], key2[r], seq[r]) == (day, 4, 50, 17, 5, 1, 9 + r)
        got[int(item[r])] = (r_qty[r], [(int(s_dem[i]), int(s_lvl[i]), s_qty[i]) for i in range(s0[r], s1[r])])
    return got


@settings(max_examples=150, deadline=None)
@given(lines=bom_lines(), started=st.sampled_from([1.0, 7.0, 101.0, 2.5]), day=st.integers(0, 12),
       pieces=pieces_strategy, surplus=st.sampled_from([0.0, 3.0]))
def test_requirements_follow_the_lines_and_the_orders_pegging(lines, started, day, pieces, surplus):
    got = explode_one(lines, started, day, pieces, surplus)
    want = expected(lines, started, day, merged(pieces, surplus))
    assert got == want
