"""The Schedule page's parts that need no browser: the rough-cut capacity chart on hand-made rows, and
what a watcher of a run sees."""

from __future__ import annotations

import datetime as dt

from connectors.web.pages.schedule import OVERLOAD_COLOUR, capacity_chart, overloaded

MON1, MON2 = dt.date(2027, 1, 25), dt.date(2027, 2, 1)


def row(line: str, week: dt.date, load: float, available: float) -> dict:
    pct = round(100 * load / available, 1) if available else None
    return {"line_id": line, "week_start": week, "load_hours": load, "available_hours": available,
            "utilisation_pct": pct}


def test_a_week_is_overloaded_only_when_its_load_exceeds_its_hours():
    assert overloaded(row("SMT1", MON1, 96.0, 80.0))
    assert not overloaded(row("SMT1", MON1, 80.0, 80.0))
    assert overloaded(row("SMT1", MON1, 0.5, 0.0))  # a week the line does not work
    assert not overloaded(row("SMT1", MON1, 0.0, 0.0))


def test_one_series_per_line_in_the_lines_order_with_overloaded_weeks_red():
    rows = [row("SMT2", MON1, 8.0, 80.0), row("SMT1", MON1, 96.0, 80.0), row("SMT1", MON2, 40.0, 80.0),
            row("SMT3", MON2, 0.5, 0.0)]
    chart = capacity_chart(rows, ["SMT1", "SMT2"])
    assert chart["xAxis"]["data"] == ["2027-01-25", "2027-02-01"]
    assert [s["name"] for s in chart["series"]] == ["SMT1", "SMT2", "SMT3"]
    smt1, smt2, smt3 = chart["series"]
    # 96 h of 80 h is 120 %, 40 h of 80 h is 50 %, 8 h of 80 h is 10 %.
    assert [p["value"] for p in smt1["data"]] == [["2027-01-25", 120.0, 96.0, 80.0], ["2027-02-01", 50.0, 40.0, 80.0]]
    assert [p.get("itemStyle") for p in smt1["data"]] == [{"color": OVERLOAD_COLOUR}, None]
    assert smt2["data"][1] is None and smt2["data"][0]["value"][1] == 10.0
    assert smt3["data"][1]["itemStyle"] == {"color": OVERLOAD_COLOUR}
    assert smt1["markLine"]["data"] == [{"yAxis": 100}]
    assert chart["yAxis"]["max"] == 120


def test_the_scale_shows_the_100_percent_mark_when_every_line_is_light():
    assert capacity_chart([row("SMT1", MON1, 8.0, 80.0)], ["SMT1"])["yAxis"]["max"] == 100


def test_a_running_run_shows_its_stage_time_and_finished_stages():
    from connectors.store.models import PlanningRun
    from connectors.web.pages.schedule import run_progress

    started = dt.datetime(2026, 11, 23, 2, 0, 0)
    running = PlanningRun(id=7, status="running", stage="plan: purchasing (4/6)", as_of=MON1, started_at=started,
                          stage_seconds={"snapshot": 0.42, "validate": 1.06, "mrp": 3.0})
    assert run_progress(running, started + dt.timedelta(seconds=12.4)) == (
        "run 7: running · plan: purchasing (4/6) · 12 s · done: snapshot 0.4 s, validate 1.1 s, mrp 3.0 s")
    fresh = PlanningRun(id=8, status="running", stage="snapshot", as_of=MON1, started_at=started)
    assert run_progress(fresh, started) == "run 8: running · snapshot · 0 s"
