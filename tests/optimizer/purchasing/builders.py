"""Tiny purchasing problems built as DataFrames with the schema's columns and dtypes."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from mrp.dataset import PlanSettings, empty_table
from optimizer.purchasing import PurchasingResult, optimize_purchasing

AS_OF = date(2026, 1, 5)


def day(n: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF) + pd.Timedelta(days=n)


def settings(**overrides) -> PlanSettings:
    return PlanSettings(as_of=AS_OF, **overrides)


def offer(supplier_id: str, item_id: str, lead_time_days: int, breaks: list[tuple[float, float]], *,
          mpn: str | None = None, min_order_qty: float = 0.0, order_multiple: float = 1.0,
          stock_qty: float = np.nan, stock_lead_time_days: int = 2, max_qty: float = np.nan) -> list[dict]:
    """The price-break rows of one offer."""
    return [{"supplier_id": supplier_id, "item_id": item_id, "mpn": mpn or f"{item_id}-{supplier_id}",
             "manufacturer": "", "lead_time_days": lead_time_days, "min_order_qty": min_order_qty,
             "order_multiple": order_multiple, "break_qty": float(q), "unit_price": float(p),
             "stock_qty": stock_qty, "stock_lead_time_days": stock_lead_time_days, "max_qty": max_qty}
            for q, p in breaks]


def offers_table(*offers: list[dict]) -> pd.DataFrame:
    template = empty_table("supplier_offers")
    rows = [row for rows in offers for row in rows]
    return pd.DataFrame(rows, columns=template.columns).astype(template.dtypes.to_dict())


def suppliers_table(offers: pd.DataFrame, min_order_value: dict[str, float] | None = None) -> pd.DataFrame:
    ids = sorted(offers.supplier_id.unique())
    mov = min_order_value or {}
    return pd.DataFrame({"supplier_id": ids, "name": "", "on_time_pct": np.nan,
                         "min_order_value": [mov.get(s, np.nan) for s in ids]})


def requirements(needs: dict[str, dict[int, float]]) -> pd.DataFrame:
    rows = [(item_id, day(d), float(q)) for item_id, by_day in needs.items() for d, q in sorted(by_day.items())]
    return pd.DataFrame(rows, columns=["item_id", "date", "quantity"])


def l4l_orders(reqs: pd.DataFrame, lead_time_days: int) -> pd.DataFrame:
    """MRP's planned orders as if L4L: one per requirement, released lead time earlier (not before as_of)."""
    release = (reqs.date - pd.Timedelta(days=lead_time_days)).clip(lower=pd.Timestamp(AS_OF))
    return pd.DataFrame({"order_id": [f"PL{n}" for n in range(len(reqs))], "item_id": reqs.item_id,
                         "quantity": reqs.quantity, "release_date": release, "due_date": reqs.date})


def requirement_pegs(pegs: dict[str, dict[int, dict[str, float]]]) -> pd.DataFrame:
    """Whom each need day serves: item -> day -> customer -> quantity (one demand per customer and day)."""
    rows = [(item_id, day(d), f"D-{customer}-{d}", customer, float(q)) for item_id, by_day in pegs.items()
            for d, by_customer in sorted(by_day.items()) for customer, q in sorted(by_customer.items())]
    return pd.DataFrame(rows, columns=["item_id", "date", "demand_id", "customer_id", "quantity"])


def approved_table(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """(customer_id, item_id, mpn) rows of approved_mpns."""
    template = empty_table("approved_mpns")
    return pd.DataFrame(list(rows), columns=template.columns).astype(template.dtypes.to_dict())


def run(needs: dict[str, dict[int, float]], *offers: list[dict], min_order_value: dict[str, float] | None = None,
        mrp_lead_time_days: int = 0, time_limit_s: float = 20.0, work_limit: float | None = None,
        rejected: pd.DataFrame | None = None, planned_orders: pd.DataFrame | None = None,
        pegs: dict[str, dict[int, dict[str, float]]] | None = None, approved: list[tuple[str, str, str]] | None = None,
        last_time_buy: dict[str, int] | None = None, **setting_overrides) -> PurchasingResult:
    """Plan ``needs`` (item -> day -> quantity); ``pegs`` says whom they serve, ``approved`` the customers'
    AML rows, ``last_time_buy`` an item's last-time-buy day."""
    table = offers_table(*offers)
    reqs = requirements(needs)
    items = pd.DataFrame({"item_id": sorted(needs), "type": "buy", "uom": "pcs", "lead_time_days": 0})
    if last_time_buy:
        items["last_time_buy_date"] = [day(last_time_buy[i]) if i in last_time_buy else pd.NaT for i in items.item_id]
    orders = l4l_orders(reqs, mrp_lead_time_days) if planned_orders is None else planned_orders
    return optimize_purchasing(reqs, orders, table, suppliers_table(table, min_order_value),
                               items, settings(**setting_overrides), time_limit_s=time_limit_s, work_limit=work_limit,
                               rejected=rejected, requirement_pegs=requirement_pegs(pegs) if pegs else None,
                               approved_mpns=approved_table(*approved) if approved else None)


def lines(result: PurchasingResult) -> list[tuple[str, str, float, int, bool]]:
    """(item, supplier, quantity, order day, from stock) of each suggestion, sorted."""
    s = result.suggestions
    return sorted((i, sup, float(q), int((d - pd.Timestamp(AS_OF)).days), bool(fs))
                  for i, sup, q, d, fs in zip(s.item_id, s.supplier_id, s.quantity, s.order_date, s.from_stock))
