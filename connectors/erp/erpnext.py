"""ERPNext (Frappe) through its REST API.

Lists are ``GET /api/resource/<DocType>?fields=[...]&filters=[...]&limit_start=&limit_page_length=``
answering ``{"data": [...]}``; one document is ``GET /api/resource/<DocType>/<name>`` and a
new one ``POST /api/resource/<DocType>``, both answering ``{"data": {...}}``. Authentication
is ``Authorization: token <api_key>:<api_secret>``. Errors come back as 4xx/5xx with
``{"exc_type", "exception", "_server_messages"}``.

Ids: ERPNext links by document name, so an item is its ``item_code``, a supplier or customer
its name; nothing needs translating. Purchase orders are created as drafts (``docstatus`` 0)
with the order's reference in ``reference_field`` (default ``title``; a custom field such as
``reelplan_reference`` is cleaner where an admin can add one). Before every attempt the
connector lists purchase orders carrying that reference, so a retry after a lost response
finds the order instead of creating a second one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pandas as pd

from connectors.erp.orders import ApprovedPurchaseOrder, SentPurchaseOrder
from connectors.erp.tables import iso_day, raw_table, uom
from connectors.erp.transport import DEFAULT_TIMEOUT, RetryingClient, RetryPolicy

log = logging.getLogger(__name__)

PAGE_SIZE = 500
OPEN_PO_STATUSES = ["To Receive and Bill", "To Receive"]
OPEN_SO_STATUSES = ["To Deliver and Bill", "To Deliver"]
#: Purchase orders reelplan sends are referenced ``RP-<run>-<suggestion>`` (jobs.decisions).
REELPLAN_PREFIX = "RP-"


def _path(doctype: str, name: str | None = None) -> str:
    path = f"/api/resource/{quote(doctype)}"
    return f"{path}/{quote(name, safe='')}" if name is not None else path


class ERPNextClient:
    """Reads and creates Frappe documents; reads retry, ``create_once`` does not."""

    def __init__(
        self,
        url: str,
        api_key: str,
        api_secret: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        headers = {"Authorization": f"token {api_key}:{api_secret}"}
        self.http = RetryingClient(url, headers=headers, timeout=timeout, retry=retry, transport=transport, sleep=sleep)

    def list_once(self, doctype: str, fields: list[str], filters: list[Any], start: int = 0,
                  page_length: int = PAGE_SIZE) -> list[dict[str, Any]]:
        params = {
            "fields": json.dumps(fields), "filters": json.dumps(filters), "order_by": "name asc",
            "limit_start": start, "limit_page_length": page_length,
        }
        return self.http.send_once("GET", _path(doctype), params=params).json()["data"]

    def list_all(self, doctype: str, fields: list[str], filters: list[Any]) -> list[dict[str, Any]]:
        """Every matching document, page by page, in name order."""
        records: list[dict[str, Any]] = []
        while True:
            page = self.http.retrying(lambda: self.list_once(doctype, fields, filters, start=len(records)))
            records.extend(page)
            if len(page) < PAGE_SIZE:
                return records

    def get(self, doctype: str, name: str) -> dict[str, Any]:
        return self.http.request("GET", _path(doctype, name)).json()["data"]

    def create_once(self, doctype: str, doc: dict[str, Any]) -> dict[str, Any]:
        return self.http.send_once("POST", _path(doctype), json=doc).json()["data"]

    def close(self) -> None:
        self.http.close()


class ERPNextConnector:
    """Approved purchase orders into ERPNext; items, BOMs, stock, open POs and sales orders out."""

    def __init__(self, client: ERPNextClient, *, company: str, warehouse: str | None = None,
                 reference_field: str = "title") -> None:
        self.client = client
        self.company = company
        self.warehouse = warehouse
        self.reference_field = reference_field

    def send_purchase_order(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder:
        return self.client.http.retrying(lambda: self._find_or_create(order))

    def _find_or_create(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder:
        found = self.client.list_once("Purchase Order", ["name"], [[self.reference_field, "=", order.reference]],
                                      page_length=1)
        if found:
            return SentPurchaseOrder(order.reference, found[0]["name"], created=False)
        warehouse = {"warehouse": self.warehouse} if self.warehouse else {}
        doc = {
            "supplier": order.supplier_id,
            "company": self.company,
            "transaction_date": order.order_date.isoformat(),
            "schedule_date": order.required_by.isoformat(),
            self.reference_field: order.reference,
            "docstatus": 0,
            "items": [
                {"item_code": line.item_id, "qty": line.quantity, "rate": line.unit_price,
                 "schedule_date": line.receipt_date.isoformat(), "supplier_part_no": line.mpn, **warehouse}
                for line in order.lines
            ],
        }
        created = self.client.create_once("Purchase Order", doc)
        log.info("created ERPNext purchase order %s for %s", created["name"], order.reference)
        return SentPurchaseOrder(order.reference, created["name"], created=True)

    def import_raw_tables(self) -> dict[str, pd.DataFrame]:
        """Items, BOMs, stock, open POs, suppliers and open sales orders as raw dataset tables."""
        items = self.client.list_all(
            "Item", ["name", "item_name", "stock_uom", "default_bom", "lead_time_days", "safety_stock",
                     "min_order_qty"], [["disabled", "=", 0]])
        item_rows = [
            {"item_id": it["name"], "description": it.get("item_name") or "",
             "type": "make" if it.get("default_bom") else "buy", "uom": uom(it.get("stock_uom")),
             "lead_time_days": it.get("lead_time_days") or 0, "safety_stock": float(it.get("safety_stock") or 0),
             "min_order_qty": float(it.get("min_order_qty") or 0)}
            for it in items
        ]
        bom_rows = []
        for head in self.client.list_all("BOM", ["name"], [["is_active", "=", 1], ["is_default", "=", 1],
                                                           ["docstatus", "=", 1]]):
            bom = self.client.get("BOM", head["name"])
            per = float(bom.get("quantity") or 1.0)
            bom_rows.extend({"parent_id": bom["item"], "child_id": line["item_code"], "qty_per": float(line["qty"]) / per}
                            for line in bom.get("items", []))

        bins = self.client.list_all("Bin", ["name", "item_code", "warehouse", "actual_qty"], [["actual_qty", ">", 0]])
        inventory = [
            {"reel_id": f"{b['warehouse']}/{b['item_code']}", "item_id": b["item_code"],
             "quantity": float(b["actual_qty"]), "location": b["warehouse"]}
            for b in bins
        ]

        purchase_orders = []
        for head in self.client.list_all("Purchase Order", ["name"], [["docstatus", "=", 1],
                                                                      ["status", "in", OPEN_PO_STATUSES]]):
            po = self.client.get("Purchase Order", head["name"])
            # reelplan's own orders keep its reference, so the store sees its approval confirmed
            reference = str(po.get(self.reference_field) or "")
            po_id = reference if reference.startswith(REELPLAN_PREFIX) else po["name"]
            purchase_orders.extend(
                {"po_id": po_id, "line": str(line["idx"]), "item_id": line["item_code"],
                 "supplier_id": po["supplier"], "quantity_open": float(line["qty"]) - float(line.get("received_qty") or 0),
                 "due_date": iso_day(line.get("schedule_date") or po.get("schedule_date")),
                 "unit_price": float(line.get("rate") or 0)}
                for line in po.get("items", [])
                if float(line["qty"]) > float(line.get("received_qty") or 0)
            )
        suppliers = [{"supplier_id": s} for s in sorted({r["supplier_id"] for r in purchase_orders})]

        demand = []
        for head in self.client.list_all("Sales Order", ["name"], [["docstatus", "=", 1],
                                                                   ["status", "in", OPEN_SO_STATUSES]]):
            so = self.client.get("Sales Order", head["name"])
            demand.extend(
                {"demand_id": f"{so['name']}/{line['idx']}", "customer_id": so["customer"], "item_id": line["item_code"],
                 "due_date": iso_day(line.get("delivery_date") or so.get("delivery_date")),
                 "quantity": float(line["qty"]) - float(line.get("delivered_qty") or 0), "kind": "order"}
                for line in so.get("items", [])
                if float(line["qty"]) > float(line.get("delivered_qty") or 0)
            )
        return {
            "items": raw_table("items", item_rows),
            "bom": raw_table("bom", bom_rows),
            "inventory": raw_table("inventory", inventory),
            "suppliers": raw_table("suppliers", suppliers),
            "purchase_orders": raw_table("purchase_orders", purchase_orders),
            "demand": raw_table("demand", demand),
        }
