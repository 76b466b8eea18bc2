"""Component requirements split over the parent order's pegging (rule 3 with rule 9).

``explode`` has a shortcut for the common order pegged to a single demand; these
properties check it against the rule written out plainly: every line rounded on its own,
lines of one child added up, the child's total split over the order's demands in
proportion (largest remainder for counted children), one BOM level deeper.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from mrp.explode import BomLine, explode
from mrp.quantities import apportion, ceil_whole

CHILDREN = ["C1", "C2", "C3"]


@st.composite
def bom_lines(draw: st.DrawFn) -> list[BomLine]:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        child = draw(st.sampled_from(CHILDREN))
        lines.append(BomLine(
            child, draw(st.sampled_from([1.0, 2.0, 0.25, 0.013, 3.0])), draw(st.sampled_from([0.0, 1.5, 5.0])),
            draw(st.sampled_from([0.0, 2.0, 25.0])),
            draw(st.sampled_from([-math.inf, 3.0])), draw(st.sampled_from([math.inf, 10.0])),
            True, child != "C3"))
    return lines


def expected_requirements(lines: list[BomLine], started: float, day: int,
                          pegs: list[tuple]) -> dict[str, tuple[float, list[tuple]]]:
    totals: dict[str, float] = {}
    counted: dict[str, bool] = {}
    for line in lines:
        if line.valid_from_day <= day < line.valid_to_day:
            qty = started * line.qty_per * (1.0 + line.attrition_pct / 100.0)
            qty = ceil_whole(ceil_whole(qty) + line.setup_loss_qty) if line.child_counted else qty + line.setup_loss_qty
            totals[line.child_id] = totals.get(line.child_id, 0.0) + qty
            counted[line.child_id] = line.child_counted
    out = {}
    for child, qty in totals.items():
        parts = apportion(qty, [w for _, _, w in pegs], counted[child])
        segments = [(demand, None if level is None else level + 1, part)
                    for (demand, level, _), part in zip(pegs, parts) if part > 0]
        out[child] = (qty, segments or [(None, None, qty)])
    return out


pegs_strategy = st.lists(
    st.tuples(st.sampled_from(["D1", "D2", None]), st.sampled_from([0, 1, None]),
              st.sampled_from([0.0, 1.0, 7.0, 12.5, 40.0])),
    min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(lines=bom_lines(), started=st.sampled_from([1.0, 7.0, 101.0, 2.5]), day=st.integers(0, 12),
       pegs=pegs_strategy)
def test_requirements_follow_the_lines_and_the_orders_pegging(lines, started, day, pegs):
    got = explode(lines, "PL-P-0001", started, day, "K", 50, pegs, trace=True)
    want = expected_requirements(lines, started, day, pegs)
    assert sorted(got) == sorted(want)
    for child, req in got.items():
        assert (req.req_id, req.day, req.customer, req.priority, req.parent_id) == ("PL-P-0001", day, "K", 50,
                                                                                   "PL-P-0001")
        assert (req.quantity, req.segments) == want[child]
