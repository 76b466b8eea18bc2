"""SMT jobs from the MRP plan: what the line sequencer schedules.

A job is a planned order or open work order of an item in ``smt_process``; ``released``
marks a released work order (always sequenced in detail). Its feeders
are the item's direct ``buy`` children whose BOM line has ``feeder`` true and is valid
on the job's release day. Its material is on hand on the latest day any feeder
component's supply pegged to the job arrives: stock and open orders as MRP drew them,
a planned order on the later of its due date and release + lead time — or, when the
purchasing plan is given, the receipt of the suggestions that cover that requirement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrp.dataset import Dataset
from mrp.engine import MrpResult

JOB_COLUMNS = ("job_id", "item_id", "quantity", "due_date", "ready_date", "feeders", "line_ids",
               "placements_per_board", "pinned", "line_id", "start_date", "released")


def smt_jobs(ds: Dataset, mrp: MrpResult, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per job (columns :data:`JOB_COLUMNS`), sorted by job id."""
    process = ds.smt_process.set_index("item_id")
    as_of = pd.Timestamp(ds.settings.as_of)
    planned = mrp.planned_orders[mrp.planned_orders["item_id"].isin(process.index)]
    wo = ds.work_orders[ds.work_orders["item_id"].isin(process.index)]
    wo_release = wo["start_date"].where(wo["start_date"] >= as_of, as_of).fillna(as_of)
    jobs = pd.concat([
        pd.DataFrame({"job_id": planned["order_id"], "item_id": planned["item_id"], "quantity": planned["quantity"],
                      "due_date": planned["due_date"], "release": planned["release_date"], "released": False,
                      "pinned": False, "line_id": "", "start_date": pd.NaT}),
        pd.DataFrame({"job_id": wo["wo_id"], "item_id": wo["item_id"], "quantity": wo["quantity_open"],
                      "due_date": wo["due_date"], "release": wo_release, "released": wo["status"] == "released",
                      "pinned": wo["pinned"], "line_id": wo["line_id"], "start_date": wo["start_date"]}),
    ], ignore_index=True)
    if jobs.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in JOB_COLUMNS})
    jobs["start_date"] = pd.to_datetime(jobs["start_date"])
    buy = set(ds.items.loc[ds.items["type"] == "buy", "item_id"])
    feeder_lines = ds.bom[ds.bom["feeder"] & ds.bom["child_id"].isin(buy) & ds.bom["parent_id"].isin(process.index)]
    by_parent = {parent: _validity(lines) for parent, lines in feeder_lines.groupby("parent_id")}
    jobs["feeders"] = _feeders(by_parent, jobs["item_id"], jobs["release"])
    jobs["line_ids"] = [tuple(s for s in str(process.at[item, "line_ids"]).split(";") if s.strip())
                        for item in jobs["item_id"]]
    jobs["placements_per_board"] = jobs["item_id"].map(process["placements_per_board"]).astype(float)
    jobs["ready_date"] = _job_ready(jobs, _ready_dates(mrp, coverage), as_of)
    return jobs[list(JOB_COLUMNS)].sort_values("job_id", kind="stable").reset_index(drop=True)


def _validity(lines: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An item's feeder lines as arrays: component, valid from, valid to (open ends as the
    earliest and latest day numpy knows)."""
    start = lines["valid_from"].to_numpy(dtype="datetime64[ns]")
    end = lines["valid_to"].to_numpy(dtype="datetime64[ns]")
    start = np.where(np.isnat(start), np.datetime64(pd.Timestamp.min.ceil("D")), start)
    end = np.where(np.isnat(end), np.datetime64(pd.Timestamp.max.floor("D")), end)
    return lines["child_id"].to_numpy(dtype=object), start, end


def _feeders(by_parent: dict, items: pd.Series, releases: pd.Series) -> list[tuple[str, ...]]:
    """Each job's feeders: its item's feeder lines valid on its release day (one answer
    per item and day)."""
    known: dict[tuple[str, np.datetime64], tuple[str, ...]] = {}
    result = []
    for item, release in zip(items, releases.to_numpy(dtype="datetime64[ns]")):
        key = (item, release)
        if key not in known:
            lines = by_parent.get(item)
            if lines is None:
                known[key] = ()
            else:
                children, start, end = lines
                known[key] = tuple(sorted(set(children[(start <= release) & (release < end)])))
        result.append(known[key])
    return result


def _ready_dates(mrp: MrpResult, coverage: pd.DataFrame | None) -> pd.Series:
    """Latest arrival of the supply drawn per (job, component) (index ``order_id``,
    ``component_id``); NaT when part of it never arrives."""
    material = mrp.material.copy()
    if coverage is not None and not material.empty:
        material["available_date"] = _with_purchasing(material, mrp, coverage)
    keys = [material["order_id"].rename("order_id"), material["component_id"].rename("component_id")]
    arrival = pd.to_datetime(material["available_date"])
    latest = arrival.groupby(keys).max()
    latest[arrival.isna().groupby(keys).any()] = pd.NaT
    return latest


def _with_purchasing(material: pd.DataFrame, mrp: MrpResult, coverage: pd.DataFrame) -> pd.Series:
    """Arrival of planned buy supply taken from the purchasing plan's coverage of that day's need:
    the latest receipt covering the (component, need date)'s net requirement, NaT when the
    purchasing plan covers less than it; other rows keep their arrival."""
    net = mrp.net_requirements.groupby(["item_id", "date"])["quantity"].sum()
    covered = coverage.groupby(["item_id", "need_date"]).agg(quantity=("quantity", "sum"),
                                                             receipt=("receipt_date", "max"))
    orders = mrp.planned_orders
    buy = material["supply_id"].isin(orders.loc[orders["type"] == "buy", "order_id"]).to_numpy()
    keys = pd.MultiIndex.from_arrays([material["component_id"].astype(str).to_numpy(dtype=object),
                                      pd.to_datetime(material["need_date"]).to_numpy()])
    need = net.reindex(keys).to_numpy(dtype=float)
    cover = covered.reindex(keys)
    quantity = cover["quantity"].to_numpy(dtype=float)
    taken = buy & ~np.isnan(need)
    short = taken & (np.isnan(quantity) | (quantity < need - 1e-6))
    dates = material["available_date"].to_numpy(copy=True)
    dates[short] = np.datetime64("NaT")
    dates[taken & ~short] = cover["receipt"].to_numpy(dtype=dates.dtype)[taken & ~short]
    return pd.Series(dates, index=material.index)


def _job_ready(jobs: pd.DataFrame, ready: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """A released work order is ready on ``as_of``; another job on the latest arrival of
    its feeders' supply (``as_of`` at the earliest, and for a feeder MRP drew nothing for),
    NaT when part of that supply never arrives."""
    pairs = jobs[["job_id", "feeders"]].explode("feeders").dropna(subset=["feeders"])
    index = pd.MultiIndex.from_arrays([pairs["job_id"], pairs["feeders"]])
    drawn = index.isin(ready.index)
    arrival = pd.Series(pd.Timestamp(as_of), index=pairs.index, dtype="datetime64[ns]")
    arrival[drawn] = ready.reindex(index[drawn]).to_numpy()
    latest = arrival.groupby(pairs["job_id"]).max()
    latest[arrival.isna().groupby(pairs["job_id"]).any()] = pd.NaT
    result = jobs["job_id"].map(latest).astype("datetime64[ns]")
    result = result.where(result.isna() | (result > as_of), as_of)
    without_feeders = ~jobs["job_id"].isin(latest.index)
    result[without_feeders | jobs["released"].astype(bool)] = as_of
    return result
