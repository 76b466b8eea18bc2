"""Stable ids (jobs.identity): hand-made cases and invariants."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.identity import PLANNED_ORDERS, SUGGESTIONS, assign_ids, match_lines, stable_plan
from mrp.plan import Plan

from .identity_reference import reference_match


def _suggestions(*rows: tuple) -> pd.DataFrame:
    """Rows of (suggestion_id, item_id, supplier_id, mpn, receipt_date)."""
    frame = pd.DataFrame(rows, columns=["suggestion_id", "item_id", "supplier_id", "mpn", "receipt_date"])
    return frame.assign(receipt_date=pd.to_datetime(frame["receipt_date"]))


def test_a_line_keeps_its_id_when_item_supplier_and_mpn_agree_and_the_date_moves():
    previous = _suggestions(("PS00003", "PAD", "ARROW", "P-1", "2027-01-10"),
                            ("PS00004", "PCB", "ARROW", "B-1", "2027-01-10"))
    new = _suggestions(("PS00001", "PCB", "ARROW", "B-1", "2027-01-14"),
                       ("PS00002", "PAD", "ARROW", "P-1", "2027-01-08"),
                       ("PS00003", "PAD", "MOUSER", "P-1", "2027-01-10"))
    ids, following = assign_ids(previous, new, SUGGESTIONS, retired=set(), next_number=5)
    # the Mouser line is another offer: a new line, numbered from the counter, never PS00003 again
    assert ids == ["PS00004", "PS00003", "PS00005"]
    assert following == 6


def test_each_new_line_takes_the_nearest_previous_line_of_its_group():
    previous = _suggestions(("A", "R", "S", "M", "2027-01-01"), ("B", "R", "S", "M", "2027-01-20"))
    new = _suggestions(("x", "R", "S", "M", "2027-01-18"), ("y", "R", "S", "M", "2027-01-09"),
                       ("z", "R", "S", "M", "2027-03-01"))
    # pairs by days apart: x-B 2, y-A 8, y-B 11, ... -> x keeps B, y keeps A, z is new
    assert match_lines(previous, new, key=SUGGESTIONS.key, date="receipt_date",
                       id_column="suggestion_id") == ["B", "A", None]


def test_on_a_tie_the_pair_earlier_in_the_date_order_wins():
    previous = _suggestions(("A", "R", "S", "M", "2027-01-10"))
    new = _suggestions(("x", "R", "S", "M", "2027-01-13"), ("y", "R", "S", "M", "2027-01-07"))
    # both 3 days away; y (Jan 7) comes before A in the list, x after it: y-A is nearer the start
    assert match_lines(previous, new, key=SUGGESTIONS.key, date="receipt_date",
                       id_column="suggestion_id") == [None, "A"]


def test_a_retired_id_is_never_matched_again():
    previous = _suggestions(("PS00007", "R", "S", "M", "2027-01-10"))
    new = _suggestions(("PS00001", "R", "S", "M", "2027-01-10"))
    ids, _ = assign_ids(previous, new, SUGGESTIONS, retired={"PS00007"}, next_number=8)
    assert ids == ["PS00008"]


def test_renaming_a_planned_order_renames_its_job_pegging_and_exceptions():
    previous = pd.DataFrame({"order_id": ["PL-PCB-0040"], "item_id": ["PCB"],
                             "due_date": pd.to_datetime(["2027-02-01"])})
    plan = Plan(
        planned_orders=pd.DataFrame({"order_id": ["PL-PCB-0001", "PL-PCB-0002"], "item_id": ["PCB", "PCB"],
                                     "due_date": pd.to_datetime(["2027-02-03", "2027-03-01"])}),
        schedule=pd.DataFrame({"job_id": ["PL-PCB-0002", "WO-1", "PL-PCB-0001"]}),
        pegging=pd.DataFrame({"supply_type": ["planned", "reel", "planned"],
                              "supply_id": pd.Categorical(["PL-PCB-0001", "R-9", "PL-PCB-0002"])}),
        exceptions=pd.DataFrame({"type": ["late_release"], "item_id": ["PCB"], "ref_id": ["PL-PCB-0002"],
                                 "message": ["PL-PCB-0002 is released late"]}),
    )
    stable, counters = stable_plan(plan, {"planned_orders": previous}, retired={}, counters={"planned_order": 41})
    assert list(stable.planned_orders["order_id"]) == ["PL-PCB-0040", "PL-PCB-0041"]
    assert list(stable.schedule["job_id"]) == ["PL-PCB-0041", "WO-1", "PL-PCB-0040"]
    assert list(stable.pegging["supply_id"].astype(str)) == ["PL-PCB-0040", "R-9", "PL-PCB-0041"]
    assert list(stable.exceptions["ref_id"]) == ["PL-PCB-0041"]
    assert list(stable.exceptions["message"]) == ["PL-PCB-0041 is released late"]
    assert counters == {"planned_order": 42}


def test_renaming_a_suggestion_renames_it_in_the_liability_but_not_a_po_of_the_same_name():
    previous = _suggestions(("PS00009", "MCU", "S1", "M-1", "2027-01-10"))
    plan = Plan(
        purchase_suggestions=_suggestions(("PS00001", "MCU", "S1", "M-1", "2027-01-12"),
                                          ("PS00002", "MCU", "S2", "M-2", "2027-01-12")),
        liability=pd.DataFrame({"customer_id": ["ACME", "ACME", "BETA"], "source": ["suggestion", "po", "suggestion"],
                                "ref_id": ["PS00001", "PS00001", "PS00002"], "quantity": [5.0, 6.0, 7.0]}),
    )
    stable, _ = stable_plan(plan, {"purchase_suggestions": previous}, retired={}, counters={"suggestion": 10})
    assert list(stable.purchase_suggestions["suggestion_id"]) == ["PS00009", "PS00010"]
    assert list(stable.liability["ref_id"]) == ["PS00009", "PS00001", "PS00010"]


def test_renaming_a_suggestion_renames_its_last_time_buy_exception_but_not_another_exception_of_that_id():
    previous = _suggestions(("PS00004", "RES", "S1", "R-1", "2027-02-01"))
    plan = Plan(
        purchase_suggestions=_suggestions(("PS00001", "RES", "S1", "R-1", "2027-02-03")),
        exceptions=pd.DataFrame({"type": ["last_time_buy", "shortage"], "item_id": ["RES", "RES"],
                                 "ref_id": ["PS00001", "PS00001"],
                                 "message": ["one line PS00001 by 2027-01-20", "short"]}),
    )
    stable, _ = stable_plan(plan, {"purchase_suggestions": previous}, retired={}, counters={"suggestion": 5})
    assert list(stable.exceptions["ref_id"]) == ["PS00004", "PS00001"]
    assert stable.exceptions["message"].iloc[0] == "one line PS00004 by 2027-01-20"


lines = st.lists(st.tuples(st.sampled_from(["R1", "R2"]), st.sampled_from(["S1", "S2"]), st.integers(0, 40)),
                 max_size=12)


def _frame(rows: list[tuple], prefix: str) -> pd.DataFrame:
    return _suggestions(*((f"{prefix}{n}", item, supplier, "M", pd.Timestamp("2027-01-01") + pd.Timedelta(days=d))
                          for n, (item, supplier, d) in enumerate(rows)))


@settings(max_examples=150, deadline=None)
@given(old=lines, new=lines, retire=st.sets(st.integers(0, 11)))
def test_ids_are_unique_matched_lines_keep_theirs_and_retired_ids_never_return(old, new, retire):
    previous = _frame(old, "PS9")
    retired = {f"PS9{n}" for n in retire}
    fresh = _frame(new, "tmp")
    ids, following = assign_ids(previous, fresh, SUGGESTIONS, retired=retired, next_number=1000)
    assert len(set(ids)) == len(ids)
    assert not set(ids) & retired
    kept = {i: n for n, i in enumerate(ids) if i.startswith("PS9")}
    by_id = previous.set_index("suggestion_id")
    for ident, n in kept.items():  # a kept id belongs to a previous line of the same item, supplier and MPN
        assert tuple(by_id.loc[ident, ["item_id", "supplier_id", "mpn"]]) == tuple(fresh.iloc[n][["item_id", "supplier_id", "mpn"]])
    # as many lines keep their id as each group can pair up
    usable = previous[~previous["suggestion_id"].isin(retired)]
    fresh_counts = fresh.groupby(["item_id", "supplier_id"]).size()
    pairable = sum(min(len(g), int(fresh_counts.get(k, 0))) for k, g in usable.groupby(["item_id", "supplier_id"]))
    assert len(kept) == pairable
    assert following == 1000 + len(ids) - len(kept)


@settings(max_examples=100, deadline=None)
@given(old=lines)
def test_the_same_plan_again_keeps_every_id(old):
    previous = _frame(old, "PS9")
    again = previous.assign(suggestion_id=[f"tmp{n}" for n in range(len(previous))])
    ids, _ = assign_ids(previous, again, SUGGESTIONS, retired=set(), next_number=1)
    # equal lines of one group are interchangeable; each keeps an id of a line with the same date
    dates = dict(zip(previous["suggestion_id"], previous["receipt_date"]))
    assert sorted(ids) == sorted(previous["suggestion_id"])
    assert [dates[i] for i in ids] == list(again["receipt_date"])


def test_planned_orders_are_matched_by_item_and_due_date():
    previous = pd.DataFrame({"order_id": ["PL-A-0001", "PL-A-0002"], "item_id": ["A", "A"],
                             "due_date": pd.to_datetime(["2027-01-01", "2027-01-15"])})
    new = pd.DataFrame({"order_id": ["n1"], "item_id": ["A"], "due_date": pd.to_datetime(["2027-01-12"])})
    assert assign_ids(previous, new, PLANNED_ORDERS, retired=set(), next_number=3) == (["PL-A-0002"], 3)


dated = st.lists(st.tuples(st.sampled_from(["R1", "R2", "R3"]), st.sampled_from(["S1", "S2"]),
                           st.one_of(st.integers(0, 30), st.none())), max_size=30)


def _dated_frame(rows: list[tuple], prefix: str) -> pd.DataFrame:
    return _suggestions(*((f"{prefix}{n:02d}", item, supplier, "M",
                           pd.NaT if d is None else pd.Timestamp("2027-01-01") + pd.Timedelta(days=d))
                          for n, (item, supplier, d) in enumerate(rows)))


@settings(max_examples=300, deadline=None)
@given(old=dated, new=dated, retire=st.sets(st.integers(0, 29)))
def test_the_compiled_matching_gives_the_ids_of_the_rule_written_line_by_line(old, new, retire):
    previous = _dated_frame(old, "PS9").sample(frac=1.0, random_state=len(old))  # ids out of order
    retired = {f"PS9{n:02d}" for n in retire}
    fresh = _dated_frame(new, "tmp")
    arguments = {"date": "receipt_date", "id_column": "suggestion_id", "retired": retired}
    assert match_lines(previous, fresh, key=SUGGESTIONS.key, **arguments) == reference_match(
        previous, fresh, key=list(SUGGESTIONS.key), **arguments)
