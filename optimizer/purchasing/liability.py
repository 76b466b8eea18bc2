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

from mrp.codes import ids_among
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

    ``lines``: :data:`LINE_COLUMNS`; ``pegs``: :data:`PEG_COLUMNS`, how much of each line
    serves each demand. A peg to no demand (safety stock, surplus) or to a demand not in
    ``demand`` is the company's own and not listed. Rows by customer, source, ref_id, authorised.
    """
    columns = {"customer_id": object, "item_id": object, "source": object, "ref_id": object,
               "quantity": float, "value": float, "ncnr": bool, "authorised": bool}
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    if pegs.empty or lines.empty or demand.empty:
        return empty
    customer_of = pd.Series(demand["customer_id"].astype(str).to_numpy(),
                            index=demand["demand_id"].astype(str).to_numpy())
    authorised = authorised_demand(demand, customers, as_of)
    peg = pegs.loc[_listed(pegs, lines, authorised)]
    peg = peg.assign(demand_id=peg["demand_id"].astype(str), ref_id=peg["ref_id"].astype(str))
    peg = peg.loc[peg["demand_id"].isin(customer_of.index)]
    peg = peg.assign(customer_id=peg["demand_id"].map(customer_of),
                     authorised=peg["demand_id"].map(authorised).astype(bool))
    line = lines.assign(ref_id=lines["ref_id"].astype(str))
    parts = peg.merge(line, on=["source", "ref_id"], how="inner")
    parts = parts.loc[parts["ncnr"] | ~parts["authorised"]]
    if parts.empty:
        return empty
    key = ["customer_id", "source", "ref_id", "authorised", "item_id", "ncnr", "unit_price"]
    rows = parts.groupby(key, as_index=False, sort=True)["quantity"].sum()
    rows = rows.loc[rows["quantity"] > 1e-9]
    rows["value"] = rows["quantity"] * rows["unit_price"]
    return rows[list(LIABILITY_COLUMNS)].astype(columns).reset_index(drop=True)


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
