"""The pipeline's pins: a planner's explicit pin wins over a freeze of the same job."""

from __future__ import annotations

import pandas as pd

from jobs.pipeline import _apply_pins


def jobs() -> pd.DataFrame:
    return pd.DataFrame({
        "job_id": ["PO-1", "PO-2"], "item_id": ["PCBA-A", "PCBA-B"],
        "due_date": pd.to_datetime(["2025-03-10", "2025-03-12"]), "pinned": [False, False], "line_id": ["", ""],
        "start_date": pd.to_datetime([pd.NaT, pd.NaT]),
    })


def pins(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["job_id", "item_id", "due_date", "line_id", "start", "source"])
    return frame.astype({"due_date": "datetime64[ns]", "start": "datetime64[ns]"})


def test_an_explicit_pin_wins_over_a_freeze_whatever_their_order():
    freeze = ("PO-7", "PCBA-A", "2025-03-10", "SMT1", "2025-03-04 06:00", "freeze")
    explicit = ("PO-7", "PCBA-A", "2025-03-10", "SMT2", "2025-03-05 14:00", "pin")
    for rows in ((freeze, explicit), (explicit, freeze)):
        pinned = _apply_pins(jobs(), pins(*rows)).set_index("job_id")
        assert pinned.at["PO-1", "line_id"] == "SMT2"
        assert pinned.at["PO-1", "start_date"] == pd.Timestamp("2025-03-05 14:00")
        assert not pinned.at["PO-2", "pinned"]


def test_a_freeze_alone_pins_the_job_where_it_was():
    freeze = ("PO-8", "PCBA-B", "2025-03-12", "SMT1", "2025-03-04 09:30", "freeze")
    pinned = _apply_pins(jobs(), pins(freeze)).set_index("job_id")
    assert pinned.at["PO-2", "pinned"] and pinned.at["PO-2", "line_id"] == "SMT1"
    assert pinned.at["PO-2", "start_date"] == pd.Timestamp("2025-03-04 09:30")
