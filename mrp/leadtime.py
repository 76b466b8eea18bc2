"""Lead times for offsetting (rule 7).

A buy item's lead time is that of its cheapest offer at the offer's own minimum
(its smallest price break if that is larger), ties to the shorter lead time: the offer a
buyer would normally use. Without offers the item master's ``lead_time_days`` applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrp.dataset import OFFER_KEY


def offer_entry_prices(offers: pd.DataFrame) -> pd.DataFrame:
    """One row per offer: its entry quantity and the all-units price paid there."""
    if offers.empty:
        return pd.DataFrame(columns=[*OFFER_KEY, "lead_time_days", "entry_qty", "entry_price"])
    frame = offers.sort_values([*OFFER_KEY, "break_qty"], kind="stable")
    grouped = frame.groupby(list(OFFER_KEY), sort=True)
    head = grouped.agg(lead_time_days=("lead_time_days", "first"), min_order_qty=("min_order_qty", "first"),
                       first_break=("break_qty", "min")).reset_index()
    head["entry_qty"] = np.maximum(head["min_order_qty"], head["first_break"])
    merged = frame.merge(head[[*OFFER_KEY, "entry_qty"]], on=list(OFFER_KEY))
    eligible = merged[merged["break_qty"] <= merged["entry_qty"] + 1e-9].sort_values([*OFFER_KEY, "break_qty"])
    price = eligible.groupby(list(OFFER_KEY), sort=True)["unit_price"].last().rename("entry_price")
    return head.merge(price.reset_index(), on=list(OFFER_KEY))[[*OFFER_KEY, "lead_time_days", "entry_qty", "entry_price"]]


def buy_lead_times(items: pd.DataFrame, offers: pd.DataFrame) -> dict[str, int]:
    """Lead time in days per item id (make items: their own production lead time)."""
    lead = dict(zip(items["item_id"], items["lead_time_days"].astype(int)))
    entry = offer_entry_prices(offers)
    if entry.empty:
        return lead
    best = entry.sort_values(["item_id", "entry_price", "lead_time_days"], kind="stable").drop_duplicates("item_id")
    buy = set(items.loc[items["type"] == "buy", "item_id"])
    for item_id, days in zip(best["item_id"], best["lead_time_days"]):
        if item_id in buy:
            lead[item_id] = int(days)
    return lead
