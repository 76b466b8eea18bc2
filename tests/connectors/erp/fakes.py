"""Small in-memory fakes of the ERP APIs, served to the connectors through httpx.MockTransport.

They reproduce the request and response shapes the connectors rely on (paths, auth
headers, bodies, error objects) and can be told to fail: ``outage`` answers 503 without
doing anything, ``drop`` fails the connection, ``lost_response`` does the work and then
times out (the ERP committed, the client never heard), ``slow`` times out before doing it.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx


@dataclass
class Fault:
    kind: str  # "outage" | "drop" | "slow" | "lost_response"
    times: int
    match: str  # substring of "METHOD path" the fault applies to


@dataclass
class FakeServer:
    """Common machinery: request log, fault injection, a MockTransport to plug in."""

    requests: list[httpx.Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def inject(self, kind: str, times: int = 1, match: str = "") -> None:
        self.faults.append(Fault(kind, times, match))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = self._take_fault(request)
        if fault == "outage":
            return httpx.Response(503, json={"message": "Service Unavailable"})
        if fault == "drop":
            raise httpx.ConnectError("connection refused", request=request)
        if fault == "slow":
            raise httpx.ReadTimeout("read timed out", request=request)
        response = self.dispatch(request)
        if fault == "lost_response":
            raise httpx.ReadTimeout("read timed out", request=request)
        return response

    def _take_fault(self, request: httpx.Request) -> str | None:
        where = f"{request.method} {unquote(request.url.path)}"
        for fault in self.faults:
            if fault.times > 0 and fault.match in where:
                fault.times -= 1
                return fault.kind
        return None

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError


# --- generic webhook receiver -------------------------------------------------------------


@dataclass
class FakeWebhookReceiver(FakeServer):
    """Stores posted orders, de-duplicated by ``Idempotency-Key`` (201 first, 200 after)."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        if key in self.orders:
            return httpx.Response(200, json={"id": self.ids[key]})
        self.orders[key] = json.loads(request.content)
        self.ids[key] = f"WH-{len(self.ids) + 1}"
        return httpx.Response(201, json={"id": self.ids[key]})


# --- Odoo JSON-2 ----------------------------------------------------------------------------

#: many2one fields of the fake's models and the model they point to.
RELATIONS = {
    "product_id": "product.product", "product_tmpl_id": "product.template", "partner_id": "res.partner",
    "order_id": None, "bom_id": "mrp.bom", "location_id": "stock.location", "lot_id": "stock.lot",
    "uom_id": "uom.uom",
}
ORDER_OF_LINE = {"purchase.order.line": "purchase.order", "sale.order.line": "sale.order"}


def _odoo_error(status: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"name": name, "message": message, "arguments": [message, status],
                                        "context": {}, "debug": "Traceback (most recent call last): ..."})


@dataclass
class FakeOdoo(FakeServer):
    """``POST /json/2/<model>/<method>`` over in-memory records; many2ones read as [id, name]."""

    api_key: str = "odoo-key"
    records: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def add(self, model: str, **values: Any) -> int:
        record_id = next(self._ids)
        self.records.setdefault(model, {})[record_id] = {"id": record_id, **values}
        return record_id

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != f"bearer {self.api_key}":
            return _odoo_error(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
        parts = request.url.path.split("/")
        if parts[1:3] != ["json", "2"] or len(parts) != 5 or request.method != "POST":
            return _odoo_error(404, "werkzeug.exceptions.NotFound", "Not Found")
        model, method = parts[3], parts[4]
        params = json.loads(request.content)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _odoo_error(404, "werkzeug.exceptions.NotFound", f"no method {method}")
        try:
            return httpx.Response(200, json=handler(model, **params))
        except TypeError as exc:
            return _odoo_error(422, "builtins.TypeError", str(exc))

    # ORM methods -------------------------------------------------------------------------

    def _search(self, model: str, domain: list[Any], limit: int | None = None, offset: int = 0,
                order: str = "id", context: dict | None = None) -> list[int]:
        ids = [r["id"] for r in self.records.get(model, {}).values() if self._matches(model, r, domain)]
        ids.sort()
        return ids[offset: offset + limit if limit else None]

    def _search_read(self, model: str, domain: list[Any], fields: list[str], limit: int | None = None,
                     offset: int = 0, order: str = "id", context: dict | None = None) -> list[dict[str, Any]]:
        return [self._read_one(model, i, fields) for i in self._search(model, domain, limit, offset, order)]

    def _create(self, model: str, vals_list: list[dict[str, Any]], context: dict | None = None) -> list[int]:
        created = []
        for vals in vals_list:
            lines = vals.pop("order_line", [])
            record_id = self.add(model, state="draft", **vals)
            if model == "purchase.order":
                self.records[model][record_id]["name"] = f"P{record_id:05d}"
            for command, _zero, line_vals in lines:
                assert command == 0
                self.add(f"{model}.line", order_id=record_id, state="draft", **line_vals)
            created.append(record_id)
        return created

    # helpers -----------------------------------------------------------------------------

    def _display_name(self, model: str | None, record_id: int) -> str:
        record = self.records.get(model or "", {}).get(record_id, {})
        return str(record.get("name") or record.get("default_code") or record_id)

    def _read_one(self, model: str, record_id: int, fields: list[str]) -> dict[str, Any]:
        record = self.records[model][record_id]
        out: dict[str, Any] = {"id": record_id}
        for f in fields:
            value = record.get(f, False)
            if f in RELATIONS and value:
                target = ORDER_OF_LINE.get(model) if f == "order_id" else RELATIONS[f]
                value = [value, self._display_name(target, value)]
            out[f] = value
        return out

    def _value(self, model: str, record: dict[str, Any], path: str) -> Any:
        head, _, rest = path.partition(".")
        value = record.get(head, False)
        if not rest:
            return value
        target = ORDER_OF_LINE.get(model) if head == "order_id" else RELATIONS[head]
        return self._value(target, self.records[target][value], rest) if value else False

    def _matches(self, model: str, record: dict[str, Any], domain: list[Any]) -> bool:
        for path, op, expected in domain:
            value = self._value(model, record, path)
            ok = {"=": lambda: value == expected, "in": lambda: value in expected,
                  ">": lambda: value is not False and value > expected}[op]()
            if not ok:
                return False
        return True


# --- ERPNext / Frappe REST ----------------------------------------------------------------


def _frappe_error(status: int, exc_type: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"exc_type": exc_type, "exception": f"frappe.exceptions.{exc_type}: {message}",
                                        "_server_messages": json.dumps([json.dumps({"message": message})])})


@dataclass
class FakeERPNext(FakeServer):
    """``/api/resource/<DocType>`` lists, reads and creates over in-memory documents."""

    api_key: str = "key"
    api_secret: str = "secret"
    docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _po_numbers: Any = field(default_factory=lambda: itertools.count(1))

    def add(self, doctype: str, name: str, **values: Any) -> None:
        self.docs.setdefault(doctype, {})[name] = {"name": name, "docstatus": 0, **values}

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != f"token {self.api_key}:{self.api_secret}":
            return _frappe_error(401, "AuthenticationError", "Invalid API key")
        parts = [unquote(p) for p in request.url.raw_path.decode().split("?")[0].split("/")]
        if parts[1:3] != ["api", "resource"] or len(parts) not in (4, 5):
            return _frappe_error(404, "DoesNotExistError", "Not found")
        doctype = parts[3]
        if request.method == "GET" and len(parts) == 4:
            return self._list(doctype, request.url.params)
        if request.method == "GET":
            doc = self.docs.get(doctype, {}).get(parts[4])
            if doc is None:
                return _frappe_error(404, "DoesNotExistError", f"{doctype} {parts[4]} not found")
            return httpx.Response(200, json={"data": doc})
        if request.method == "POST" and len(parts) == 4:
            return self._create(doctype, json.loads(request.content))
        return _frappe_error(405, "MethodNotAllowed", "Not allowed")

    def _list(self, doctype: str, params: httpx.QueryParams) -> httpx.Response:
        fields = json.loads(params.get("fields", '["name"]'))
        filters = json.loads(params.get("filters", "[]"))
        start = int(params.get("limit_start", 0))
        length = int(params.get("limit_page_length", 20))
        rows = [d for _, d in sorted(self.docs.get(doctype, {}).items()) if all(self._ok(d, f) for f in filters)]
        page = rows[start: start + length]
        return httpx.Response(200, json={"data": [{f: d.get(f) for f in fields} for d in page]})

    @staticmethod
    def _ok(doc: dict[str, Any], condition: list[Any]) -> bool:
        name, op, expected = condition
        value = doc.get(name)
        return {"=": lambda: value == expected, "in": lambda: value in expected,
                ">": lambda: value is not None and value > expected}[op]()

    def _create(self, doctype: str, doc: dict[str, Any]) -> httpx.Response:
        if doctype != "Purchase Order":
            return _frappe_error(403, "PermissionError", f"not permitted to create {doctype}")
        missing = [f for f in ("supplier", "company", "transaction_date", "items") if not doc.get(f)]
        if missing:
            return _frappe_error(417, "MandatoryError", f"missing: {', '.join(missing)}")
        if doc["supplier"] not in self.docs.get("Supplier", {}):
            return _frappe_error(417, "LinkValidationError", f"Could not find Supplier: {doc['supplier']}")
        for line in doc["items"]:
            if line.get("item_code") not in self.docs.get("Item", {}):
                return _frappe_error(417, "LinkValidationError", f"Could not find Item: {line.get('item_code')}")
        name = f"PUR-ORD-2025-{next(self._po_numbers):05d}"
        items = [{**line, "idx": i, "received_qty": 0} for i, line in enumerate(doc["items"], start=1)]
        self.add("Purchase Order", name, **{**doc, "items": items, "status": "Draft"})
        return httpx.Response(200, json={"data": self.docs["Purchase Order"][name]})
