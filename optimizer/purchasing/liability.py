"""NCNR liability: which purchase lines the customers have authorised, and what the EMS risks.

A customer authorises material for its forecast only ``material_authorisation_days`` ahead
of ``as_of`` (``customers.csv``; empty: all its forecast). A purchase line (an open PO line or
a suggested line) serves demands through pegging; the part of it pegged to a customer's
forecast due after ``as_of + material_authorisation_days`` is unauthorised. When the line is
non-cancellable, non-returnable (NCNR), that part is the EMS's own exposure: quantity, and
value at the line's unit price.

Pure: tables in, the ``liability`` plan table (:data:`LIABILITY_COLUMNS`) out. docs/purchasing.md
("NCNR liability") holds the rule, its tie-breaks and a worked example.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from mrp.codes import id_codes, ids_among
from mrp.plan import PLAN_COLUMNS

LIABILITY_COLUMNS = PLAN_COLUMNS["liability"]
#: What :func:`ncnr_liability` reads of each purchase line, and of each line's pegs.
LINE_COLUMNS = ("source", "ref_id", "item_id", "unit_price", "ncnr")
PEG_COLUMNS = ("source", "ref_id", "demand_id", "quantity")


def po_lines(purchase_orders: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Open PO lines as purchase lines (:data:`LINE_COLUMNS`; ``ref_id`` is ``po_id/line``, as in
    pegging). A PO names no MPN: it is NCNR when an offer of its supplier for its item is NCNR.
    Its value is at its own ``unit_price``; a PO without one is valued at the lowest unit price
    of those NCNR offers' breaks up to its open quantity (0 when it is not NCNR)."""
    po = purchase_orders
    ncnr_offers = offers.loc[offers["ncnr"].astype(bool), ["supplier_id", "item_id", "break_qty", "unit_price"]]
    keyed = po.assign(ref_id=po["po_id"].astype(str) + "/" + po["line"].astype(str),
                      supplier_id=po["supplier_id"].astype(str), item_id=po["item_id"].astype(str))
    pairs = keyed[["ref_id", "supplier_id", "item_id", "quantity_open"]].merge(
        ncnr_offers.astype({"supplier_id": str, "item_id": str}), on=["supplier_id", "item_id"], how="inner")
    reachable = pairs.loc[pairs["break_qty"] <= pairs["quantity_open"] + 1e-9]
    ncnr_ref = set(pairs["ref_id"])
    offer_price = reachable.groupby("ref_id")["unit_price"].min()
    own = keyed["unit_price"].to_numpy(dtype=float)
    fallback = keyed["ref_id"].map(offer_price).to_numpy(dtype=float)
    price = np.where(np.isnan(own), np.nan_to_num(fallback, nan=0.0), own)
    return pd.DataFrame({
        "source": "po", "ref_id": keyed["ref_id"].to_numpy(dtype=object),
        "item_id": keyed["item_id"].to_numpy(dtype=object),
        "unit_price": price, "ncnr": keyed["ref_id"].isin(ncnr_ref).to_numpy(dtype=bool),
    }, columns=list(LINE_COLUMNS))


def suggestion_lines(suggestions: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Suggested lines as purchase lines: NCNR when their offer (supplier, item, MPN) is."""
    ncnr = offers.loc[offers["ncnr"].astype(bool)]
    ncnr_keys = set(zip(ncnr["supplier_id"].astype(str), ncnr["item_id"].astype(str), ncnr["mpn"].astype(str)))
    keys = zip(suggestions["supplier_id"].astype(str), suggestions["item_id"].astype(str),
               suggestions["mpn"].astype(str))
    return pd.DataFrame({
        "source": "suggestion", "ref_id": suggestions["suggestion_id"].astype(str).to_numpy(dtype=object),
        "item_id": suggestions["item_id"].astype(str).to_numpy(dtype=object),
        "unit_price": suggestions["unit_price"].to_numpy(dtype=float),
        "ncnr": np.array([k in ncnr_keys for k in keys], dtype=bool),
    }, columns=list(LINE_COLUMNS))


def authorised_demand(demand: pd.DataFrame, customers: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Material for a demand is authorised by its customer unless the demand is forecast due
    after ``as_of + material_authorisation_days`` of its customer. A firm order is always
    authorised; so is forecast of a customer not in ``customers`` or with no window (empty
    days). Forecast due exactly on the window's last day is authorised. By ``demand_id``."""
    window = pd.Series(customers["material_authorisation_days"].astype("float64").to_numpy(),
                       index=customers["customer_id"].astype(str).to_numpy())
    days = demand["customer_id"].astype(str).map(window).to_numpy(dtype=float)
    last_day = pd.Timestamp(as_of) + pd.to_timedelta(np.nan_to_num(days, nan=0.0), unit="D")
    beyond = pd.to_datetime(demand["due_date"]).to_numpy() > last_day.to_numpy()
    unauthorised = (demand["kind"].astype(str).to_numpy() == "forecast") & ~np.isnan(days) & beyond
    return pd.Series(~unauthorised, index=demand["demand_id"].astype(str).to_numpy())


def ncnr_liability(lines: pd.DataFrame, pegs: pd.DataFrame, demand: pd.DataFrame, customers: pd.DataFrame,
                   as_of: dt.date) -> pd.DataFrame:
    """The liability table: one row per (line, customer, authorised) part of a purchase line
    pegged to customer demand, for every NCNR line and for the unauthorised parts of the
    others (an NCNR line's unauthorised part is the exposure; a cancellable line's can still be
    cancelled). ``quantity`` is the pegged quantity, ``value`` quantity × the line's unit price.

    ``lines``: :data:`LINE_COLUMNS`, one per (source, ref_id); ``pegs``: :data:`PEG_COLUMNS`, how
    much of each line serves each demand (ids may be categorical: they are read as codes, a
    plan's pegs run to millions). A peg to no demand (safety stock, surplus) or to a demand not
    in ``demand`` is the company's own and not listed. Rows by customer, source, ref_id, authorised.
    """
    columns = {"customer_id": object, "item_id": object, "source": object, "ref_id": object,
               "quantity": float, "value": float, "ncnr": bool, "authorised": bool}
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    if pegs.empty or lines.empty or demand.empty:
        return empty
    demand_ids = pd.Index(demand["demand_id"].astype(str).to_numpy(dtype=object))
    customer_ids, customer_rank = np.unique(demand["customer_id"].astype(str).to_numpy(dtype=object),
                                            return_inverse=True)
    authorised = authorised_demand(demand, customers, as_of)
    peg = pegs.loc[_listed(pegs, lines, authorised)]
    code, texts = id_codes(peg["demand_id"])
    of_demand = demand_ids.get_indexer(texts)[code]  # -1: no demand of the table
    of_line = _line_of(peg, lines)
    ncnr = lines["ncnr"].to_numpy(dtype=bool)
    is_authorised = authorised.to_numpy(dtype=bool)[of_demand]
    keep = (of_demand >= 0) & (of_line >= 0)
    keep &= ncnr[of_line] | ~is_authorised
    if not keep.any():
        return empty
    # Rows by customer, source, ref_id, authorised: (source, ref_id) names one line, whose item,
    # NCNR and price follow, so the lines' rank in (source, ref_id) order stands in for them.
    line_rank = np.empty(len(lines), dtype=np.int64)
    line_rank[_text_order(lines["source"], lines["ref_id"])] = np.arange(len(lines))
    key = ((customer_rank.reshape(-1)[of_demand[keep]] * len(lines) + line_rank[of_line[keep]]) * 2
           + is_authorised[keep])
    total = pd.Series(peg["quantity"].to_numpy(dtype=float)[keep]).groupby(key, sort=True).sum()
    total = total.loc[total.to_numpy() > 1e-9]
    group = total.index.to_numpy(dtype=np.int64)
    by_rank = np.argsort(line_rank)
    line = by_rank[(group // 2) % len(lines)]
    quantity = total.to_numpy(dtype=float)
    price = lines["unit_price"].to_numpy(dtype=float)[line]
    rows = pd.DataFrame({
        "customer_id": customer_ids[group // 2 // len(lines)],
        "item_id": lines["item_id"].astype(str).to_numpy(dtype=object)[line],
        "source": lines["source"].astype(str).to_numpy(dtype=object)[line],
        "ref_id": lines["ref_id"].astype(str).to_numpy(dtype=object)[line],
        "quantity": quantity, "value": quantity * price, "ncnr": ncnr[line], "authorised": (group % 2).astype(bool)})
    return rows[list(LIABILITY_COLUMNS)].astype(columns).reset_index(drop=True)


def _line_of(pegs: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """Each peg's row in ``lines`` by (source, ref_id) (-1: none), one lookup per line pegged."""
    source, sources = id_codes(pegs["source"])
    ref, refs = id_codes(pegs["ref_id"])
    inverse, pair = pd.factorize(source.astype(np.int64) * len(refs) + ref)
    known = pd.MultiIndex.from_arrays([lines["source"].astype(str).to_numpy(dtype=object),
                                       lines["ref_id"].astype(str).to_numpy(dtype=object)])
    found = known.get_indexer(pd.MultiIndex.from_arrays([sources[pair // len(refs)], refs[pair % len(refs)]]))
    return found[inverse]


def _text_order(*columns: pd.Series) -> np.ndarray:
    """Rows in the order of their texts, column by column (as a sorted grouping lists them)."""
    frame = pd.DataFrame({n: c.astype(str).to_numpy(dtype=object) for n, c in enumerate(columns)})
    return frame.sort_values(list(frame.columns), kind="stable").index.to_numpy()


def may_be_liable(line_ids: pd.Series, demand_ids: pd.Series, lines: pd.DataFrame, unauthorised: set[str]) -> np.ndarray:
    """Which pegs (of lines ``line_ids`` to demands ``demand_ids``, all of one source) can make a
    liability row: those of an NCNR line of ``lines``, or to an unauthorised demand. The others
    are left out before any table is joined: a plan of 150,000 demand lines has tens of millions
    of pegs. Categorical ids are looked up by their categories."""
    ncnr = set(lines.loc[lines["ncnr"].to_numpy(dtype=bool), "ref_id"].astype(str))
    return ids_among(line_ids, ncnr) | ids_among(demand_ids, unauthorised)


def _listed(pegs: pd.DataFrame, lines: pd.DataFrame, authorised: pd.Series) -> np.ndarray:
    """The pegs of every source that can make a liability row (:func:`may_be_liable`)."""
    unauthorised = set(authorised.index[~authorised.to_numpy(dtype=bool)])
    listed = ids_among(pegs["demand_id"], unauthorised).copy()
    for source, of_source in lines.groupby("source", sort=True):
        rows = (pegs["source"] == source).to_numpy()
        listed[rows] |= may_be_liable(pegs["ref_id"][rows], pegs["demand_id"][rows], of_source, unauthorised)
    return listed


def liability_totals(liability: pd.DataFrame) -> dict[str, Any]:
    """summary.json's ``liability``: the exposure (NCNR, unauthorised) in all and by customer,
    with each customer's authorised NCNR value beside it."""
    exposure = liability["ncnr"] & ~liability["authorised"]
    by_customer: dict[str, dict[str, float]] = {}
    for customer, rows in liability.groupby("customer_id", sort=True):
        exposed = rows.loc[rows["ncnr"] & ~rows["authorised"]]
        covered = rows.loc[rows["ncnr"] & rows["authorised"]]
        by_customer[str(customer)] = {
            "exposure_quantity": round(float(exposed["quantity"].sum()), 6),
            "exposure_value": round(float(exposed["value"].sum()), 6),
            "authorised_ncnr_value": round(float(covered["value"].sum()), 6),
        }
    return {"exposure_value": round(float(liability.loc[exposure, "value"].sum()), 6), "by_customer": by_customer}


def unauthorised_value(suggestions: pd.DataFrame, liability: pd.DataFrame) -> np.ndarray:
    """Each suggested line's exposure: the value of its NCNR, unauthorised rows (0 for the others),
    in the order of ``suggestions`` — what the buyer sees before approving the line."""
    exposed = liability.loc[(liability["source"] == "suggestion") & liability["ncnr"] & ~liability["authorised"]]
    by_line = exposed.groupby("ref_id")["value"].sum()
    return suggestions["suggestion_id"].astype(str).map(by_line).fillna(0.0).to_numpy(dtype=float)
