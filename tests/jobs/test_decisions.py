"""Decisions on the published plan, and how the next run honours them (the contract in
``jobs/decisions.py``)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from connectors.store import import_folder, read_snapshot, write_session
from connectors.erp.models import ErpDelivery
from connectors.store.models import SmtLine, SuggestionDecision
from connectors.store.plans import load_plan
from jobs import decisions
from jobs.decisions import DecisionError
from jobs.runs import RunOptions, execute_run
from tests.connectors.store.fixtures import SMALL, engine, postgres_database, store_url  # noqa: F401
from tests.jobs.planners import RecordingPlanner, decision_plan

AS_OF = dt.date(2026, 11, 23)  # the small dataset's shift starts at 07:30; see decision_plan


@pytest.fixture
def store(engine):
    import_folder(engine, SMALL)
    execute_run(engine, as_of=AS_OF, planner=RecordingPlanner(decision_plan()))
    return engine


def _decide(engine, action, *args, **kwargs):
    with write_session(engine) as session:
        return action(session, *args, **kwargs)


def _next_run(engine, as_of: dt.date = AS_OF) -> dict:
    planner = RecordingPlanner(decision_plan())
    execute_run(engine, as_of=as_of, planner=planner)
    return planner.last


def test_an_approved_suggestion_is_an_open_po_the_next_run_counts(store):
    decision = _decide(store, decisions.approve_suggestion, "PS00001", quantity=10000, due_date=dt.date(2027, 1, 10),
                       expedite=True, by="ann")
    assert decision.po_expedite  # 10,000 exceed Arrow's stock: 56 days' lead time would mean 18 Jan
    assert (decision.po_id, decision.po_status, decision.decided_by) == ("RP-00001", "sent", "ann")
    assert decision.po_unit_price == 3.1  # 10,000 reaches the offer's second price break

    orders = _next_run(store)["dataset"].purchase_orders
    assert list(orders["po_id"]) == ["PO-100", "PO-100", "PO-101", "RP-00001"]
    added = orders.iloc[3]
    assert (added["line"], added["item_id"], added["supplier_id"], added["quantity_open"], added["unit_price"]) == (
        "1", "MCU", "ARROW", 10000.0, 3.1)
    assert added["due_date"] == pd.Timestamp("2027-01-10")
    assert orders["due_date"].dtype == "datetime64[ns]" and orders["line"].dtype == object


def test_an_edit_is_kept_until_the_suggestion_is_approved(store):
    _decide(store, decisions.edit_suggestion, "PS00002", quantity=10000, note="one reel more")
    assert list(_next_run(store)["dataset"].purchase_orders["po_id"]) == ["PO-100", "PO-100", "PO-101"]


def test_an_edit_to_a_quantity_below_the_minimum_order_quantity_is_refused(store):
    with pytest.raises(DecisionError, match="below the minimum order quantity \\(2500\\) of ARROW STM32F4 for MCU; give at least 2500"):
        _decide(store, decisions.approve_suggestion, "PS00001", quantity=1000)


def test_an_offer_must_exist_for_the_item(store):
    with pytest.raises(DecisionError, match="PCBWAY has no offer for MCU"):
        _decide(store, decisions.edit_suggestion, "PS00001", supplier_id="PCBWAY", mpn="")


def test_an_unknown_supplier_is_refused_with_the_offers_that_exist(store):
    with pytest.raises(DecisionError) as refused:
        _decide(store, decisions.edit_suggestion, "PS00001", supplier_id="NOPE")
    assert str(refused.value) == "NOPE has no offer for MCU; offers for MCU: ARROW MPN 'STM32F4'."


@pytest.mark.parametrize("quantity, message", [
    (5000.5, "MCU is counted in pcs: give whole units, e.g. 5000 or 5001, not 5000.5."),
    (7350, "7350 is not a multiple of the order multiple (2500) of ARROW STM32F4 for MCU; give 5000 or 7500."),
    (0, "The quantity must be above zero, not 0."),
])
def test_a_quantity_an_offer_cannot_deliver_is_refused_with_what_it_can(store, quantity, message):
    with pytest.raises(DecisionError) as refused:
        _decide(store, decisions.edit_suggestion, "PS00001", quantity=quantity)
    assert str(refused.value) == message
    with read_snapshot(store) as session:
        assert decisions.list_decisions(session) == []  # nothing was kept


def test_a_receipt_date_before_the_plan_or_the_lead_time_is_refused_unless_expedited(store):
    with pytest.raises(DecisionError, match=r"receipt date 2020-01-01 is before the plan's date 2026-11-23; "
                                            r"give 2026-11-23 or later"):
        _decide(store, decisions.edit_suggestion, "PS00001", due_date=dt.date(2020, 1, 1), expedite=True)
    # RES: ordered 1 Dec, 14 days' lead time -> 15 Dec at the earliest
    with pytest.raises(DecisionError, match=r"give 2026-12-15 or later, or mark a negotiated expedite"):
        _decide(store, decisions.edit_suggestion, "PS00002", due_date=dt.date(2026, 12, 10))
    assert _decide(store, decisions.edit_suggestion, "PS00002", due_date=dt.date(2026, 12, 15)).po_expedite is False
    edited = _decide(store, decisions.edit_suggestion, "PS00002", due_date=dt.date(2026, 12, 10), expedite=True)
    assert (edited.po_due_date, edited.po_expedite) == (dt.date(2026, 12, 10), True)


def test_a_suggestion_is_approved_once(store):
    _decide(store, decisions.approve_suggestion, "PS00001")
    with pytest.raises(DecisionError, match="already approved as RP-00001"):
        _decide(store, decisions.approve_suggestion, "PS00001")
    with pytest.raises(DecisionError, match="already approved"):
        _decide(store, decisions.reject_suggestion, "PS00001")


def test_a_rejected_suggestion_is_handed_to_the_next_run_as_rejected(store):
    _decide(store, decisions.reject_suggestion, "PS00002", by="bob", note="too early")
    rejected = _next_run(store)["rejected"]
    assert rejected.to_dict("records") == [{
        "item_id": "RES", "supplier_id": "ARROW", "mpn": "RC0603-10K", "quantity": 5000.0,
        "order_date": pd.Timestamp("2026-12-01")}]
    assert dict(rejected.dtypes.astype(str)) == {"item_id": "object", "supplier_id": "object", "mpn": "object",
                                                 "quantity": "float64", "order_date": "datetime64[ns]"}


def test_approvals_for_one_supplier_are_lines_of_one_po_and_a_new_po_once_it_was_sent(store):
    first = _decide(store, decisions.approve_suggestion, "PS00001")   # MCU from ARROW
    second = _decide(store, decisions.approve_suggestion, "PS00002")  # RES from ARROW
    assert [(d.po_id, d.po_line) for d in (first, second)] == [("RP-00001", "1"), ("RP-00001", "2")]
    orders = _next_run(store)["dataset"].purchase_orders
    assert list(zip(orders["po_id"], orders["line"]))[-2:] == [("RP-00001", "1"), ("RP-00001", "2")]
    with write_session(store) as session:
        session.add(ErpDelivery(reference="RP-00001", connector="webhook", status="delivered",
                                updated_at=dt.datetime(2026, 11, 23, 9, 0)))
        plan = decision_plan()
    plan.purchase_suggestions = plan.purchase_suggestions.assign(
        quantity=[5000.0, 10000.0])  # run 2: more of both; the approved lines are new lines
    execute_run(store, as_of=AS_OF, planner=RecordingPlanner(plan))
    third = _decide(store, decisions.approve_suggestion, "PS00003")
    assert (third.po_id, third.po_line) == ("RP-00002", "1")  # RP-00001 went to the ERP: a new order


def test_a_po_the_erp_confirms_is_counted_once_and_a_cancelled_line_not_at_all(store, tmp_path):
    _decide(store, decisions.approve_suggestion, "PS00001")
    _decide(store, decisions.approve_suggestion, "PS00002")
    with pytest.raises(DecisionError, match="RP-00001 has lines 1, 2; give the line to cancel"):
        _decide(store, decisions.cancel_po, "RP-00001")
    _decide(store, decisions.cancel_po, "RP-00001", line="2")
    erp = tmp_path / "erp"
    shutil.copytree(SMALL, erp)
    with (erp / "purchase_orders.csv").open("a") as orders:
        orders.write("RP-00001,1,MCU,ARROW,2500,2027-01-18,3.4\n")
    import_folder(store, erp)

    with read_snapshot(store) as session:
        status = {(d.po_id, d.po_line): d.po_status for d in decisions.list_decisions(session)}
    assert status == {("RP-00001", "1"): "confirmed", ("RP-00001", "2"): "cancelled"}
    orders = _next_run(store)["dataset"].purchase_orders
    assert list(zip(orders["po_id"], orders["line"])) == [("PO-100", "1"), ("PO-100", "2"), ("PO-101", "1"),
                                                          ("RP-00001", "1")]


def test_a_pinned_work_order_and_a_pinned_planned_job_reach_the_next_run(store):
    _decide(store, decisions.pin_job, "WO-1", line_id="SMT2", start=dt.datetime(2026, 12, 2, 7, 30))
    _decide(store, decisions.pin_job, "P7", line_id="SMT1", start=dt.datetime(2026, 12, 10, 12, 0))
    _decide(store, decisions.pin_job, "P7", line_id="SMT2", start=dt.datetime(2026, 12, 11, 7, 30))  # re-pinned

    given = _next_run(store)
    wo = given["dataset"].work_orders.set_index("wo_id").loc["WO-1"]
    assert (wo["line_id"], wo["pinned"], wo["start_date"]) == ("SMT2", True, pd.Timestamp("2026-12-02"))
    assert given["pins"].to_dict("records") == [{
        "job_id": "P7", "item_id": "PCB1", "due_date": pd.Timestamp("2026-12-20"), "line_id": "SMT2",
        "start": pd.Timestamp("2026-12-11 07:30"), "source": "pin"}]


def test_unpinning_frees_the_job(store):
    _decide(store, decisions.pin_job, "P7", line_id="SMT1", start=dt.datetime(2026, 12, 10, 12, 0))
    assert _decide(store, decisions.unpin_job, "P7") == 1
    assert _next_run(store)["pins"].empty


def test_a_pin_on_an_unknown_line_or_job_is_refused(store):
    with pytest.raises(DecisionError, match="no SMT line SMT9"):
        _decide(store, decisions.pin_job, "P7", line_id="SMT9", start=dt.datetime(2026, 12, 10))
    with pytest.raises(DecisionError, match="has no job P99"):
        _decide(store, decisions.pin_job, "P99", line_id="SMT1", start=dt.datetime(2026, 12, 10))


def test_a_pin_to_a_line_the_board_may_not_use_or_too_small_or_before_the_plan_is_refused(store):
    with write_session(store) as session:
        session.add(SmtLine(line_id="SMT3", placements_per_hour=9000, feeder_slots=200))
        session.get(SmtLine, ("default", "SMT2")).feeder_slots = 1
    with pytest.raises(DecisionError) as refused:
        _decide(store, decisions.pin_job, "P7", line_id="SMT3", start=dt.datetime(2026, 12, 10, 7, 30))
    assert str(refused.value) == "PCB1 (job P7) may run only on SMT1, SMT2 (smt_process.line_ids), not on SMT3."
    with pytest.raises(DecisionError) as refused:  # MCU and RES ride on feeders
        _decide(store, decisions.pin_job, "P7", line_id="SMT2", start=dt.datetime(2026, 12, 10, 7, 30))
    assert str(refused.value) == "Job P7 needs 2 feeders and SMT2 has 1 slots; lines it fits: SMT1."
    with pytest.raises(DecisionError, match="before the plan's date 2026-11-23; give 2026-11-23 or later"):
        _decide(store, decisions.pin_job, "P7", line_id="SMT1", start=dt.datetime(2026, 11, 20, 7, 30))


@pytest.mark.parametrize("text", ["2027-04-20", "20.04.2027 06:00", "tomorrow"])
def test_a_pin_start_needs_a_date_and_a_time_of_day(text):
    with pytest.raises(DecisionError, match="needs a date and a time of day, local time: give YYYY-MM-DDTHH:MM"):
        decisions.pin_start(text)
    assert decisions.pin_start("2027-04-20T06:00") == dt.datetime(2027, 4, 20, 6, 0)


def test_an_explicit_pin_wins_over_a_freeze(store):
    _decide(store, decisions.pin_job, "P7", line_id="SMT2", start=dt.datetime(2027, 4, 20, 7, 30))
    frozen = _decide(store, decisions.freeze_schedule, 24)  # P7 starts at 09:00 on 23 Nov in the published plan
    assert [p.job_id for p in frozen] == ["WO-1"]
    with read_snapshot(store) as session:
        pins = {(p.job_id, p.line_id, p.start, p.source) for p in decisions.active_pins(session)}
    assert pins == {("P7", "SMT2", dt.datetime(2027, 4, 20, 7, 30), "pin"),
                    ("WO-1", "SMT1", dt.datetime(2026, 11, 24, 7, 0), "freeze")}


def test_freezing_pins_every_job_starting_in_the_first_hours(store):
    # The plan opens at 07:30 on 23 Nov: 24 hours reach 07:30 on the 24th.
    pins = _decide(store, decisions.freeze_schedule, 24)
    assert [(p.job_id, p.line_id, p.start, p.source) for p in pins] == [
        ("P7", "SMT1", dt.datetime(2026, 11, 23, 9, 0), "freeze"),
        ("WO-1", "SMT1", dt.datetime(2026, 11, 24, 7, 0), "freeze"),
    ]
    given = _next_run(store)
    assert list(given["pins"]["job_id"]) == ["P7"]
    assert given["dataset"].work_orders.set_index("wo_id").loc["WO-1", "pinned"]


def test_pins_of_planned_jobs_that_should_have_started_are_dropped(store):
    _decide(store, decisions.freeze_schedule, 4)
    assert _next_run(store, as_of=dt.date(2026, 11, 24))["pins"].empty


def test_decisions_need_a_published_plan(engine):
    import_folder(engine, SMALL)
    with pytest.raises(DecisionError, match="No plan is published"):
        _decide(engine, decisions.approve_suggestion, "PS00001")


def test_a_rejected_line_keeps_its_id_retired_and_the_next_line_gets_a_new_one(store):
    _decide(store, decisions.reject_suggestion, "PS00002")
    _next_run(store)  # the stand-in planner suggests the same RES line again
    with read_snapshot(store) as session:
        ids = list(load_plan(session).purchase_suggestions["suggestion_id"])
    assert ids == ["PS00001", "PS00003"]  # MCU keeps its id; the rejected PS00002 is never given again
    _decide(store, decisions.reject_suggestion, "PS00003")
    with read_snapshot(store) as session:
        taken = decisions.list_decisions(session)
    assert [(d.run_id, d.suggestion_id, d.action) for d in taken] == [(2, "PS00003", "rejected"),
                                                                      (1, "PS00002", "rejected")]
    assert len(_next_run(store)["rejected"]) == 1  # identical rejections are passed once
    assert isinstance(taken[0], SuggestionDecision)


def test_an_edit_follows_its_line_into_the_next_plan_and_approval_sends_it(store):
    _decide(store, decisions.edit_suggestion, "PS00001", quantity=5000.0, note="buy ahead")
    _next_run(store)  # same lines: PS00001 is still the MCU line
    decision = _decide(store, decisions.approve_suggestion, "PS00001")
    assert (decision.run_id, decision.po_id, decision.po_quantity, decision.po_due_date) == (
        2, "RP-00001", 5000.0, dt.date(2027, 1, 18))
    assert decision.note == "buy ahead"


def test_an_edit_whose_line_has_gone_is_reported_not_lost(store):
    _decide(store, decisions.edit_suggestion, "PS00002", quantity=10000.0)
    plan = decision_plan()
    plan.purchase_suggestions = plan.purchase_suggestions.iloc[:1]  # the RES need went away
    execute_run(store, as_of=AS_OF, planner=RecordingPlanner(plan))
    with read_snapshot(store) as session:
        gone = decisions.gone_decisions(session, 2)
    assert [(d.suggestion_id, d.item_id, d.po_quantity) for d in gone] == [("PS00002", "RES", 10000.0)]
    with pytest.raises(DecisionError, match="PS00002 is no longer in the published plan"):
        _decide(store, decisions.approve_suggestion, "PS00002")


def test_the_pipeline_honours_the_decisions_of_the_previous_plan(engine):
    import_folder(engine, SMALL)
    options = RunOptions(optimize_time_limit_s=5.0, schedule_time_limit_s=5.0)
    execute_run(engine, as_of=AS_OF, options=options)
    with read_snapshot(engine) as session:
        first = load_plan(session)
    approved, rejected = first.purchase_suggestions.iloc[0], first.purchase_suggestions.iloc[-1]
    job = first.schedule[first.schedule["job_id"].str.startswith("PL-")].iloc[0]
    pinned_start = job["start"].to_pydatetime() + dt.timedelta(days=1)
    _decide(engine, decisions.approve_suggestion, approved["suggestion_id"])
    _decide(engine, decisions.reject_suggestion, rejected["suggestion_id"])
    _decide(engine, decisions.pin_job, job["job_id"], line_id="SMT2", start=pinned_start)

    execute_run(engine, as_of=AS_OF, options=options)
    with read_snapshot(engine) as session:
        second = load_plan(session)
    line = ["item_id", "supplier_id", "mpn", "quantity", "order_date"]
    again = second.purchase_suggestions[line].apply(tuple, axis=1).tolist()
    assert tuple(rejected[line]) not in again and tuple(approved[line]) not in again
    moved = second.schedule[(second.schedule["item_id"] == job["item_id"]) & (second.schedule["due"] == job["due"])]
    # The sequencer starts a pinned job at the shift start of the pinned day, as a pinned work order.
    assert moved["line_id"].tolist() == ["SMT2"]
    assert moved["start"].dt.normalize().tolist() == [pd.Timestamp(pinned_start.date())]


def test_a_second_run_of_the_same_data_keeps_every_id_and_a_rejection_retires_only_its_own(engine):
    import_folder(engine, SMALL)
    options = RunOptions(optimize_time_limit_s=5.0, schedule_time_limit_s=5.0)
    execute_run(engine, as_of=AS_OF, options=options)
    execute_run(engine, as_of=AS_OF, options=options)
    with read_snapshot(engine) as session:
        first, second = load_plan(session, 1), load_plan(session, 2)
    for name, column in (("purchase_suggestions", "suggestion_id"), ("planned_orders", "order_id"),
                         ("schedule", "job_id")):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), obj=name)
    assert first.purchase_suggestions["suggestion_id"].is_unique
    rejected = first.purchase_suggestions.iloc[0]
    _decide(engine, decisions.reject_suggestion, rejected["suggestion_id"])
    execute_run(engine, as_of=AS_OF, options=options)
    with read_snapshot(engine) as session:
        third_plan = load_plan(session, 3)
    third = third_plan.purchase_suggestions
    assert rejected["suggestion_id"] not in set(third["suggestion_id"])
    # The rejected line's need is not dropped: another line of its item covers it, on another
    # date or from another offer, or the plan reports it short.
    same_item = third[third["item_id"] == rejected["item_id"]]
    reported = third_plan.exceptions[(third_plan.exceptions["item_id"] == rejected["item_id"])
                                     & third_plan.exceptions["type"].isin(["shortage", "late_release"])]
    assert not same_item.empty or not reported.empty
    assert not ((same_item["supplier_id"] == rejected["supplier_id"]) & (same_item["mpn"] == rejected["mpn"])
                & (same_item["order_date"] == rejected["order_date"])).any()
    # Lines the rejection did not touch (same item, offer, order date and quantity) keep their ids;
    # the line that covers the rejected line's need instead is a new line with a new id.
    key = ["suggestion_id", "item_id", "supplier_id", "mpn", "order_date", "quantity"]
    kept = first.purchase_suggestions[key].iloc[1:].merge(third[key], on=key[1:], suffixes=("", "_now"))
    assert (kept["suggestion_id"] == kept["suggestion_id_now"]).all() and len(kept) > 0
    new = set(third["suggestion_id"]) - set(first.purchase_suggestions["suggestion_id"])
    assert all(int(i[2:]) > int(first.purchase_suggestions["suggestion_id"].str[2:].astype(int).max()) for i in new)
