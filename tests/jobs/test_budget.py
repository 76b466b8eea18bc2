"""The run budget: each stage's share, the wall-clock safety net, and what the summary says."""

from __future__ import annotations

from jobs.budget import STAGE_SHARES, RunBudget, StageEvent, plan_stages


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_runs_shares_add_up_to_the_whole_budget():
    for stages in (plan_stages(optimize=True, schedule=True, read=True, write=True),
                   ("read", "mrp", "purchasing", "sequencing", "publish")):
        assert abs(sum(STAGE_SHARES[s] for s in stages) - 1.0) < 1e-12


def test_each_stage_gets_its_share_plus_what_earlier_stages_left_unused():
    clock, events = FakeClock(), []
    budget = RunBudget(10, plan_stages(optimize=True, schedule=True, read=True, write=True),
                       progress=events.append, clock=clock)
    # 600 s: read 30, mrp 90, purchasing 270, sequencing 150, write 60.
    with budget.stage("read") as read:
        assert (read.share_s, read.wall_limit_s) == (30.0, 30.0)
        clock.now += 10
    with budget.stage("mrp") as mrp:
        assert (mrp.share_s, mrp.wall_limit_s) == (90.0, 110.0)  # 20 s left over from reading
        clock.now += 200  # MRP cannot stop early: it overruns
    with budget.stage("purchasing") as purchasing:
        # 210 s spent of the 120 s that read and MRP had: nothing left over, the share stays.
        assert (purchasing.share_s, purchasing.wall_limit_s) == (270.0, 270.0)
        clock.now += 100
        purchasing.report({"stopped_by": "work_limit", "cut": "12 of 40 items use the plain MRP lines"}, "40 items")
    with budget.stage("sequencing", seconds=5) as sequencing:  # a --schedule-time-limit flag
        assert (sequencing.share_s, sequencing.wall_limit_s) == (5.0, 5.0)
        clock.now += 5
    summary = budget.summary()
    assert summary["budget_minutes"] == 10
    assert summary["stages"]["mrp"]["seconds"] == 200 and "against its share of 90 s" in summary["stages"]["mrp"]["cut"]
    assert summary["stages"]["purchasing"] == {"seconds": 100, "share_seconds": 270.0, "stopped_by": "work_limit",
                                               "cut": "12 of 40 items use the plain MRP lines"}
    assert summary["stages"]["sequencing"] == {"seconds": 5, "share_seconds": 5.0, "stopped_by": None}
    assert summary["stopped_early"] == ["purchasing"] and summary["wall_clock_fired"] == []
    assert [(e.name, e.phase, e.index, e.count) for e in events][:4] == [
        ("read", "start", 1, 5), ("read", "end", 1, 5), ("mrp", "start", 2, 5), ("mrp", "end", 2, 5)]
    ends = [e for e in events if e.phase == "end"]
    assert ends[2].line() == "[3/5] purchasing done in 100.0 s (40 items) · 4:50 of budget left"
    assert events[0].line() == "[1/5] read started · 10:00 of budget left"


def test_a_stage_event_reads_as_its_stage_name():
    assert str(StageEvent("mrp", 2, 4, "start", 0.0, 1800.0)) == "mrp"
