"""Odoo (19+) through its External JSON-2 API.

Every call is ``POST /json/2/<model>/<method>`` with ``Authorization: bearer <api key>``
(and ``X-Odoo-Database`` when the server hosts several databases); the body holds the
method's named parameters, the answer is the method's return value, errors come back as
4xx/5xx with ``{"name", "message", "arguments", "context", "debug"}``. Each call is one
transaction on the Odoo side.

Ids: an item is a ``product.product`` by its Internal Reference (``default_code``); a
supplier or customer is a ``res.partner`` by its Reference (``ref``). Records without one
are named ``odoo:<id>``, which this connector also understands on the way back.

Purchase orders are created as drafts (RFQs) in one ``create`` call (lines as ``(0, 0,
vals)`` commands, so all or nothing) with ``origin`` set to the order's reference; before
every attempt the connector looks for a ``purchase.order`` with that origin, so a retry
after a lost response finds the order instead of creating a second one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import httpx
import pandas as pd

from connectors.erp.orders import ApprovedPurchaseOrder, SentPurchaseOrder
from connectors.erp.tables import iso_day, raw_table, uom
from connectors.erp.transport import DEFAULT_TIMEOUT, ErpRejected, RetryingClient, RetryPolicy

log = logging.getLogger(__name__)

PAGE_SIZE = 500
LOCAL_ID_PREFIX = "odoo:"
#: Purchase orders reelplan sends are referenced ``RP-<run>-<suggestion>`` (jobs.decisions).
REELPLAN_PREFIX = "RP-"


def _many2one_id(value: Any) -> int | None:
    """Odoo reads a many2one as ``[id, "display name"]`` (or ``false`` when empty)."""
    return int(value[0]) if value else None


def _odoo_datetime(day: date) -> str:
    return f"{day.isoformat()} 00:00:00"


class OdooClient:
    """Calls model methods over JSON-2; ``call`` retries, ``call_once`` does not."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        database: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        headers = {"Authorization": f"bearer {api_key}"}
        if database:
            headers["X-Odoo-Database"] = database
        self.http = RetryingClient(url, headers=headers, timeout=timeout, retry=retry, transport=transport, sleep=sleep)

    def call_once(self, model: str, method: str, **params: Any) -> Any:
        return self.http.send_once("POST", f"/json/2/{model}/{method}", json=params).json()

    def call(self, model: str, method: str, **params: Any) -> Any:
        return self.http.retrying(lambda: self.call_once(model, method, **params))

    def search_read_all(self, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
        """Every matching record, page by page, in id order (so imports are deterministic)."""
        records: list[dict[str, Any]] = []
        while True:
            page = self.call(model, "search_read", domain=domain, fields=fields,
                             offset=len(records), limit=PAGE_SIZE, order="id")
            records.extend(page)
            if len(page) < PAGE_SIZE:
                return records

    def close(self) -> None:
        self.http.close()


class OdooConnector:
    """Approved purchase orders into Odoo; items, BOMs, stock, open POs and sales orders out."""

    def __init__(self, client: OdooClient) -> None:
        self.client = client

    # --- purchase orders out -------------------------------------------------------------

    def send_purchase_order(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder:
        return self.client.http.retrying(lambda: self._find_or_create(order))

    def _find_or_create(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder:
        found = self.client.call_once("purchase.order", "search_read", domain=[["origin", "=", order.reference]],
                                      fields=["id", "name"], limit=1)
        if found:
            return SentPurchaseOrder(order.reference, str(found[0]["id"]), created=False, details={"name": found[0]["name"]})
        partner_id = self._record_id("res.partner", "ref", order.supplier_id)
        product_ids = {item: self._record_id("product.product", "default_code", item)
                       for item in sorted({line.item_id for line in order.lines})}
        values = {
            "partner_id": partner_id,
            "origin": order.reference,
            "date_order": _odoo_datetime(order.order_date),
            "date_planned": _odoo_datetime(order.required_by),
            "order_line": [
                [0, 0, {
                    "product_id": product_ids[line.item_id],
                    "product_qty": line.quantity,
                    "price_unit": line.unit_price,
                    "date_planned": _odoo_datetime(line.receipt_date),
                    "name": f"{line.item_id} {line.mpn}".strip(),
                }]
                for line in order.lines
            ],
        }
        created = self.client.call_once("purchase.order", "create", vals_list=[values])
        log.info("created Odoo purchase order %s for %s", created[0], order.reference)
        return SentPurchaseOrder(order.reference, str(created[0]), created=True)

    def _record_id(self, model: str, code_field: str, code: str) -> int:
        if code.startswith(LOCAL_ID_PREFIX):
            return int(code.removeprefix(LOCAL_ID_PREFIX))
        ids = self.client.call_once(model, "search", domain=[[code_field, "=", code]], limit=2)
        if len(ids) != 1:
            problem = "no" if not ids else "more than one"
            raise ErpRejected(f"{problem} {model} with {code_field} = {code!r} in Odoo", status_code=404)
        return int(ids[0])

    # --- dataset in ----------------------------------------------------------------------

    def import_raw_tables(self) -> dict[str, pd.DataFrame]:
        """Items, BOMs, stock, open POs, suppliers and open sales orders as raw dataset tables."""
        products = self.client.search_read_all(
            "product.product", [], ["id", "default_code", "name", "uom_id", "product_tmpl_id"])
        codes = {p["id"]: _code(p, "default_code") for p in products}

        def code_of(product: int | None) -> str:
            # A product outside the import (archived) keeps a name the validation then reports.
            return codes.get(product, f"{LOCAL_ID_PREFIX}{product}")

        def item_of(many2one: Any) -> str:
            return code_of(_many2one_id(many2one))

        variants: dict[int, list[int]] = {}
        for p in products:
            variants.setdefault(_many2one_id(p["product_tmpl_id"]), []).append(p["id"])

        boms = self.client.search_read_all(
            "mrp.bom", [["type", "=", "normal"]], ["id", "product_tmpl_id", "product_id", "product_qty"])
        parent_of = {b["id"]: self._bom_parent(b, variants) for b in boms}
        bom_lines = self.client.search_read_all("mrp.bom.line", [], ["id", "bom_id", "product_id", "product_qty"])
        bom_qty = {b["id"]: float(b["product_qty"] or 1.0) for b in boms}
        bom_rows = [
            {"parent_id": code_of(parent_of[bom]), "child_id": item_of(line["product_id"]),
             "qty_per": float(line["product_qty"]) / bom_qty[bom]}
            for line in bom_lines
            if (bom := _many2one_id(line["bom_id"])) in parent_of and parent_of[bom] is not None
        ]
        made = {r["parent_id"] for r in bom_rows}
        items = [
            {"item_id": codes[p["id"]], "description": p["name"] or "",
             "type": "make" if codes[p["id"]] in made else "buy", "uom": uom(_name(p["uom_id"]))}
            for p in products
        ]

        quants = self.client.search_read_all(
            "stock.quant", [["location_id.usage", "=", "internal"], ["quantity", ">", 0]],
            ["id", "product_id", "quantity", "location_id", "lot_id"])
        inventory = [
            {"reel_id": f"odoo-quant-{q['id']}", "item_id": item_of(q["product_id"]),
             "quantity": float(q["quantity"]), "location": _name(q["location_id"]), "lot": _name(q["lot_id"])}
            for q in quants
        ]

        po_lines = self.client.search_read_all(
            "purchase.order.line", [["state", "=", "purchase"]],
            ["id", "order_id", "product_id", "partner_id", "product_qty", "qty_received", "date_planned", "price_unit"])
        partners = self._partners(_many2one_id(line["partner_id"]) for line in po_lines)
        po_ids = self._po_ids(_many2one_id(line["order_id"]) for line in po_lines)
        purchase_orders = [
            {"po_id": po_ids[_many2one_id(line["order_id"])], "line": str(line["id"]),
             "item_id": item_of(line["product_id"]),
             "supplier_id": partners[_many2one_id(line["partner_id"])],
             "quantity_open": float(line["product_qty"]) - float(line["qty_received"]),
             "due_date": iso_day(line["date_planned"]), "unit_price": float(line["price_unit"])}
            for line in po_lines
            if float(line["product_qty"]) > float(line["qty_received"])
        ]
        suppliers = [{"supplier_id": sid} for sid in sorted({r["supplier_id"] for r in purchase_orders})]

        orders = {o["id"]: o for o in self.client.search_read_all(
            "sale.order", [["state", "=", "sale"]], ["id", "name", "partner_id", "commitment_date", "date_order"])}
        so_lines = self.client.search_read_all(
            "sale.order.line", [["order_id", "in", sorted(orders)]],
            ["id", "order_id", "product_id", "product_uom_qty", "qty_delivered"]) if orders else []
        customers = self._partners(_many2one_id(o["partner_id"]) for o in orders.values())
        demand = [
            {"demand_id": f"{order['name']}/{line['id']}", "customer_id": customers[_many2one_id(order["partner_id"])],
             "item_id": item_of(line["product_id"]),
             "due_date": iso_day(order["commitment_date"] or order["date_order"]),
             "quantity": float(line["product_uom_qty"]) - float(line["qty_delivered"]), "kind": "order"}
            for line in so_lines
            if (order := orders[_many2one_id(line["order_id"])])
            and float(line["product_uom_qty"]) > float(line["qty_delivered"])
        ]
        return {
            "items": raw_table("items", items),
            "bom": raw_table("bom", bom_rows),
            "inventory": raw_table("inventory", inventory),
            "suppliers": raw_table("suppliers", suppliers),
            "purchase_orders": raw_table("purchase_orders", purchase_orders),
            "demand": raw_table("demand", demand),
        }

    @staticmethod
    def _bom_parent(bom: dict[str, Any], variants: dict[int | None, list[int]]) -> int | None:
        """The product a BoM builds: its variant, else its template's only variant."""
        if bom["product_id"]:
            return _many2one_id(bom["product_id"])
        candidates = variants.get(_many2one_id(bom["product_tmpl_id"]), [])
        if len(candidates) != 1:
            log.warning("Odoo BoM %s is shared by %d variants; left out", bom["id"], len(candidates))
            return None
        return candidates[0]

    def _po_ids(self, ids: Iterable[int | None]) -> dict[int | None, str]:
        """A purchase order's id in the dataset: reelplan's reference (``origin``) for the orders
        reelplan sent, so the store sees its own approval confirmed; else Odoo's name."""
        wanted = sorted({i for i in ids if i is not None})
        records = self.client.search_read_all("purchase.order", [["id", "in", wanted]], ["id", "name", "origin"])
        return {r["id"]: r["origin"] if str(r["origin"] or "").startswith(REELPLAN_PREFIX) else r["name"]
                for r in records}

    def _partners(self, ids: Iterable[int | None]) -> dict[int | None, str]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        records = self.client.search_read_all("res.partner", [["id", "in", wanted]], ["id", "ref"])
        return {r["id"]: _code(r, "ref") for r in records}


def _code(record: dict[str, Any], field: str) -> str:
    return str(record.get(field) or f"{LOCAL_ID_PREFIX}{record['id']}")


def _name(many2one: Any) -> str:
    return str(many2one[1]) if many2one else ""

