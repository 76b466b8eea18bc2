"""Buy: the buyer's purchase suggestions, by supplier, filtered and sorted in the store; inline
edits that show what they cost and which ordering rules they break; approve, reject, send to
the ERP; and the item panel (projected stock, offers, pegging, open orders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import run, ui
from sqlmodel import select

from connectors.api.auth import Permission
from connectors.erp.outbox import deliver_pending
from connectors.store.models import SuggestionDecision, SuggestionRow
from connectors.web import queries
from connectors.web.queries import REASONS, STATUSES, SUGGESTION_SORTS, SuggestionFilter
from connectors.web.sessions import SignedIn
from connectors.web.workspace import Workspace, day, money, number

# --- the lines grid (AG Grid) -----------------------------------------------------------------
#
# One page of lines at a time, read from the store; sorting a column asks the store again (the
# grid's own comparator keeps the store's order), the filters above the grid narrow the query.
# A column is one dict here: a new column is one more dict whose ``field`` names a column of
# ``queries.suggestion_page``'s rows.

#: Value formatters (JavaScript, run in the browser on the raw values the rows carry).
NUMBER = {"type": "rightAligned", ":valueFormatter": "p => p.value == null ? '' : "
          "p.value.toLocaleString('en-US', {maximumFractionDigits: 10})"}
PRICE = {"type": "rightAligned", ":valueFormatter": "p => p.value == null ? '' : "
         "p.value.toLocaleString('en-US', {minimumFractionDigits: 4, maximumFractionDigits: 4})"}
MONEY = {"type": "rightAligned", ":valueFormatter": "p => p.value == null ? '' : "
         "p.value.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})"}
#: Money that is shown only when there is some (a line's unauthorised NCNR value).
EXPOSURE = {"type": "rightAligned", ":valueFormatter": "p => !p.value ? '' : "
            "p.value.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})"}
#: A cell a buyer may edit while the line is pending or edited.
EDITABLE = {":editable": "p => p.data.editable", "cellClass": "reelplan-editable"}
#: The item id as a link that opens the item panel (the click arrives as ``cellClicked``).
ITEM_LINK = {":cellRenderer": "p => { const a = document.createElement('a'); a.href = '#'; "
             "a.className = 'text-primary'; a.dataset.testid = 'item-' + p.data.suggestion_id; "
             "a.textContent = p.value ?? ''; a.onclick = e => e.preventDefault(); return a; }"}

#: How long the page waits for the browser's grid to answer (its sort, its ticked lines).
BROWSER_WAIT_S = 10.0

SUGGESTION_COLUMNS: list[dict[str, Any]] = [
    {"field": "suggestion_id", "headerName": "Line", "minWidth": 95},
    {"field": "item_id", "headerName": "Item", "minWidth": 120, **ITEM_LINK},
    {"field": "supplier_id", "headerName": "Supplier", "minWidth": 85},
    {"field": "mpn", "headerName": "MPN", "minWidth": 95},
    {"field": "quantity", "headerName": "Quantity", "minWidth": 85, "cellEditor": "agNumberCellEditor",
     **NUMBER, **EDITABLE},
    {"field": "order_date", "headerName": "Order by", "minWidth": 110},
    {"field": "receipt_date", "headerName": "Receipt", "minWidth": 115, "cellEditor": "agDateStringCellEditor",
     **EDITABLE},
    {"field": "unit_price", "headerName": "Unit price", "minWidth": 85, **PRICE},
    {"field": "value", "headerName": "Value", "minWidth": 90, **MONEY},
    {"field": "unauthorised_value", "headerName": "Unauthorised NCNR", "minWidth": 110, **EXPOSURE},
    {"field": "status", "headerName": "Status", "minWidth": 105},
    {"field": "reason", "headerName": "Why", "minWidth": 140, "flex": 3, "tooltipField": "reason"},
]

_CANCEL_SLOT = r"""
<q-td :props="props">
  {{ props.value }}
  <q-btn v-if="props.value === 'sent'" flat dense no-caps color="negative" label="Cancel"
         @click="$parent.$emit('cancel', [props.row.po_id, props.row.po_line])" />
</q-td>
"""


def register(ws: Workspace) -> None:
    @ui.page("/buy")
    def buy(supplier: str = "", item: str = "") -> RedirectResponse | None:
        user = ws.page("Buy", Permission.READ_PLAN)
        if isinstance(user, RedirectResponse):
            return user
        with ws.read() as session:
            plan = queries.published_run(session)
            choices = queries.filter_choices(session, plan) if plan else {}
        if plan is None:
            ui.label("No plan is published yet.").classes("text-h6 q-pa-md")
            return None
        BuyPage(ws, user, plan, choices, supplier, item)
        return None

    @ui.page("/item/{item_id}")
    def item_page(item_id: str) -> RedirectResponse | None:
        user = ws.page("Item", Permission.READ_PLAN)
        if isinstance(user, RedirectResponse):
            return user
        with ui.column().classes("w-full q-pa-md"):
            item_panel(ws, item_id)
        return None


class BuyPage:
    """One buyer's view: filters, supplier totals, one page of lines, actions, approved orders."""

    def __init__(self, ws: Workspace, user: SignedIn, plan: Any, choices: dict, supplier: str, item: str) -> None:
        self.ws, self.user, self.plan = ws, user, plan
        self.may_decide = user.can(Permission.DECIDE_PURCHASES)
        self.offset, self.total = 0, 0
        self.sort, self.descending = "receipt_date", False
        self.drawn = False
        with ui.column().classes("w-full q-pa-md gap-2"):
            ui.label(f"Purchase suggestions · plan of run {plan.id}, as of {plan.as_of}").classes("text-h6")
            with ui.row().classes("items-end gap-3 w-full"):
                self.supplier = ui.select({"": "all suppliers", **{s: s for s in choices["suppliers"]}}, value=supplier,
                                          label="Supplier", on_change=self.reset).props(
                    'dense outlined data-testid="filter-supplier"').classes("w-40")
                self.customer = ui.select({"": "all customers", **{c: c for c in choices["customers"]}}, value="",
                                          label="Customer", on_change=self.reset).props("dense outlined").classes("w-40")
                self.item = ui.input("Item or description", value=item, on_change=self.reset).props(
                    'dense outlined clearable debounce=400 data-testid="filter-item"').classes("w-48")
                self.within = ui.number("Receipt within days", min=0, step=1, on_change=self.reset).props(
                    "dense outlined clearable").classes("w-40")
                self.status = ui.select({"": "any status", **{s: s for s in STATUSES}}, value="", label="Status",
                                        on_change=self.reset).props('dense outlined data-testid="filter-status"').classes("w-36")
                self.reason = ui.select({"": "any reason", **{k: label for k, (label, *_rest) in REASONS.items()}},
                                        value="", label="Reason", on_change=self.reset).props(
                    'dense outlined data-testid="filter-reason"').classes("w-52")
            self.totals = ui.row().classes("gap-2 w-full")
            self.message = ui.label("").classes("text-body2").props('data-testid="buy-message"')
            with ui.row().classes("items-center gap-2 w-full"):
                ui.button("Previous", on_click=lambda: self.turn(-1)).props("flat dense no-caps")
                self.page_label = ui.label("").props('data-testid="page-label"')
                ui.button("Next", on_click=lambda: self.turn(1)).props("flat dense no-caps")
                ui.space()
                if self.may_decide:
                    ui.label("Double-click a quantity or a receipt date to edit it; click a column title to "
                             "sort.").classes("text-caption text-grey-7")
                    ui.button("Approve selected", on_click=self.approve).props(
                        'color=positive no-caps data-testid="approve"')
                    ui.button("Reject selected", on_click=self.reject).props(
                        'color=negative outline no-caps data-testid="reject"')
                    ui.button("Send approved to ERP", on_click=self.send).props(
                        'color=primary outline no-caps data-testid="send"')
            self.grid = ui.aggrid(self._grid_options([]), auto_size_columns=False).classes("w-full").style(
                "height: auto").props(
                'data-testid="suggestions"')
            self.grid.on("sortChanged", self.sorted)
            self.grid.on("cellValueChanged", self.edit)
            self.grid.on("cellClicked", lambda e: self.open_item(e.args["data"]["item_id"])
                         if e.args.get("colId") == "item_id" else None)
            with ui.expansion("Approved orders", icon="local_shipping").classes("w-full").props(
                    'data-testid="approved-orders"') as self.approved_box:
                self.approved = ui.table(columns=[
                    {"name": k, "label": k.replace("_", " "), "field": k, "align": "left"}
                    for k in ("po_id", "po_line", "item_id", "supplier_id", "quantity", "due_date", "po_status",
                              "decided_by")
                ], rows=[], row_key="reference", pagination=None).props("flat dense").classes("w-full")
                if self.may_decide:
                    self.approved.add_slot("body-cell-po_status", _CANCEL_SLOT)
                    self.approved.on("cancel", lambda e: self.cancel(*e.args))
            self.dialog = ui.dialog().props("maximized=false")
        self.refresh()

    def where(self) -> SuggestionFilter:
        within = self.within.value
        return SuggestionFilter(supplier_id=self.supplier.value or "", customer_id=self.customer.value or "",
                                item=(self.item.value or "").strip(),
                                within_days=int(within) if within not in (None, "") else None,
                                status=self.status.value or "", reason=self.reason.value or "")

    def _grid_options(self, rows: list[dict]) -> dict:
        """The grid: the page's rows in the store's order, the sorted column marked, checkboxes
        for a buyer; only the columns the store sorts by are sortable."""
        columns = []
        for column in SUGGESTION_COLUMNS:
            sortable = column["field"] in SUGGESTION_SORTS
            columns.append({**column, "sortable": sortable,
                            **({":comparator": "() => 0"} if sortable else {}),  # the store has sorted them
                            **({"sort": "desc" if self.descending else "asc"} if column["field"] == self.sort else {})})
        return {
            "columnDefs": columns,
            "rowData": rows,
            ":getRowId": "p => p.data.suggestion_id",
            "domLayout": "autoHeight",
            "defaultColDef": {"resizable": True, "suppressHeaderMenuButton": True, "flex": 1},
            "sortingOrder": ["asc", "desc"],
            "singleClickEdit": False,
            "stopEditingWhenCellsLoseFocus": True,
            "tooltipShowDelay": 300,
            **({"rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                                 "enableClickSelection": False}} if self.may_decide else {}),
        }

    async def sorted(self) -> None:
        """A column title was clicked: ask the store for the page in that order."""
        state = await self.grid.run_grid_method("getColumnState", timeout=BROWSER_WAIT_S)
        sort = next(((c["colId"], c["sort"]) for c in state or [] if c.get("sort")), ("receipt_date", "asc"))
        if sort != (self.sort, "desc" if self.descending else "asc"):
            self.sort, self.descending = sort[0], sort[1] == "desc"
            self.reset()

    def reset(self) -> None:
        self.offset = 0
        self.refresh()

    def turn(self, step: int) -> None:
        size = self.ws.settings.page_size
        self.offset = min(max(0, self.offset + step * size), max(0, (self.total - 1) // size * size))
        self.refresh()

    def refresh(self) -> None:
        where, size = self.where(), self.ws.settings.page_size
        with self.ws.read() as session:
            self.total, rows = queries.suggestion_page(session, self.plan, where, sort=self.sort,
                                                       descending=self.descending, offset=self.offset, limit=size)
            totals = queries.supplier_totals(session, self.plan, where)
            approved = queries.approved_orders(session)
        options = self._grid_options([{
            **{column["field"]: r.get(column["field"]) for column in SUGGESTION_COLUMNS},
            "order_date": day(r["order_date"]), "receipt_date": day(r["receipt_date"]),
            "status": r["status"] + (f" · {r['po_id']}" if r["po_id"] else ""),
            "editable": self.may_decide and r["status"] in ("pending", "edited"),
        } for r in rows])
        self.grid.options.update(options)  # what the page is drawn with (first, or after a reconnect)
        if self.drawn:  # the grid in the browser keeps its columns, sort and ticks; only its rows change
            self.grid.run_grid_method("setGridOption", "rowData", options["rowData"])
        self.drawn = True
        self.page_label.set_text(f"lines {self.offset + 1 if self.total else 0}–{self.offset + len(rows)} of {self.total}")
        self.totals.clear()
        with self.totals:
            for t in totals:
                met = "met" if t["met"] else "not met"
                mov = f"minimum order {money(t['min_order_value'])} {met}" if t["min_order_value"] else "no minimum order"
                with ui.card().classes("q-px-sm q-py-xs gap-0").props(
                        f'flat bordered data-testid="supplier-{t["supplier_id"]}"'):
                    ui.label(f"{t['supplier_id']} · {t['name']}").classes("text-weight-bold text-body2")
                    ui.label(f"{t['lines']} lines · {money(t['value'])}").classes("text-body2")
                    ui.label(mov).classes("text-caption " + ("text-positive" if t["met"] else "text-negative"))
        self.approved.rows = [{**a, "quantity": number(a["quantity"]), "due_date": day(a["due_date"])} for a in approved]
        self.approved.update()

    # --- decisions ----------------------------------------------------------------------

    def _say(self, text: str, ok: bool) -> None:
        self.message.set_text(text)
        self.message.classes(replace="text-body2 " + ("text-positive" if ok else "text-negative"))
        ui.notify(text, type="positive" if ok else "negative")

    def _current(self, session: Any, suggestion_id: str) -> dict | None:
        row = session.exec(select(SuggestionRow).where(SuggestionRow.run_id == self.plan.id,
                                                       SuggestionRow.suggestion_id == suggestion_id)).first()
        decision = session.exec(select(SuggestionDecision).where(
            SuggestionDecision.run_id == self.plan.id, SuggestionDecision.suggestion_id == suggestion_id)).first()
        if row is None:
            return None
        if decision is None:
            return {"item_id": row.item_id, "supplier_id": row.supplier_id, "mpn": row.mpn, "quantity": row.quantity,
                    "unit_price": row.unit_price}
        return {"item_id": decision.item_id, "supplier_id": decision.po_supplier_id, "mpn": decision.po_mpn,
                "quantity": decision.po_quantity, "unit_price": decision.po_unit_price}

    def edit(self, event: Any) -> None:
        """A cell of the grid was edited (``cellValueChanged``): check, preview and save it."""
        suggestion_id, field, raw = event.args["data"]["suggestion_id"], event.args["colId"], event.args["newValue"]
        if field not in ("quantity", "receipt_date") or raw == event.args.get("oldValue"):
            return
        actions = self.ws.actions
        try:
            change: dict[str, Any] = ({"quantity": float(raw)} if field == "quantity"
                                      else {"due_date": dt.date.fromisoformat(str(raw).replace("/", "-"))})
        except ValueError:
            self._say(f"{raw!r} is not a {'number' if field == 'quantity' else 'date (YYYY-MM-DD)'}.", False)
            self.refresh()
            return
        preview = ""
        with self.ws.read() as session:
            line = self._current(session, suggestion_id)
            if line and "quantity" in change:
                broken = queries.order_rules(session, line["item_id"], line["supplier_id"], line["mpn"],
                                             change["quantity"])
                preview = f"Breaks: {', '.join(broken)}. " if broken else ""
                if actions.offer_unit_price is not None:
                    try:
                        unit = actions.offer_unit_price(session, line["item_id"], line["supplier_id"], line["mpn"],
                                                         change["quantity"])
                        delta = change["quantity"] * unit - (line["quantity"] or 0) * (line["unit_price"] or 0)
                        preview += f"Costs {delta:+,.2f} (unit price {unit:,.4f}). "
                    except actions.decision_error:
                        pass
        try:
            self.ws.decide(self.user, Permission.DECIDE_PURCHASES, "suggestion.edit",
                           f"suggestion:{suggestion_id}",
                           lambda s: _decision(s, self.plan.id, suggestion_id),
                           lambda s: actions.edit_suggestion(s, suggestion_id, by=self.user.name, **change))
        except actions.decision_error as exc:
            self._say(f"{preview}Refused: {exc}", False)
        else:
            self._say(f"{preview}Saved the edit of {suggestion_id}.", True)
        self.refresh()

    async def _each(self, verb: str, function: Any) -> list[str]:
        """Apply ``verb`` to every line ticked in the grid (and untick them); the purchase orders
        approvals went into."""
        done, refused, orders = [], [], []
        selected = await self.grid.run_grid_method("getSelectedRows", timeout=BROWSER_WAIT_S) or []
        self.grid.run_grid_method("deselectAll")
        for row in selected:
            suggestion_id = row["suggestion_id"]
            try:
                after = self.ws.decide(self.user, Permission.DECIDE_PURCHASES, f"suggestion.{verb}",
                                       f"suggestion:{suggestion_id}",
                                       lambda s, i=suggestion_id: _decision(s, self.plan.id, i),
                                       lambda s, i=suggestion_id: function(s, i, by=self.user.name))
                done.append(f"{suggestion_id}" + (f" as {after.po_id} line {after.po_line}" if verb == "approve" else ""))
                if verb == "approve" and after.po_id not in orders:
                    orders.append(after.po_id)
            except self.ws.actions.decision_error as exc:
                refused.append(str(exc))
        if not done and not refused:
            self._say("Select lines first (tick their boxes).", False)
        else:
            self._say(f"{verb.capitalize()}d {len(done)}: {', '.join(done)}." + (
                f" Refused: {' '.join(refused)}" if refused else ""), not refused)
        return orders

    def cancel(self, po_id: str, line: str) -> None:
        """Withdraw a sent purchase order line (the decisions' cancel_po)."""
        actions = self.ws.actions
        try:
            self.ws.decide(self.user, Permission.DECIDE_PURCHASES, "purchase_order.cancel", f"po:{po_id}/{line}",
                           lambda s: s.exec(select(SuggestionDecision).where(SuggestionDecision.po_id == po_id,
                                                                             SuggestionDecision.po_line == line)).first(),
                           lambda s: actions.cancel_po(s, po_id, line=line, by=self.user.name))
        except actions.decision_error as exc:
            self._say(f"Refused: {exc}", False)
        else:
            self._say(f"Cancelled {po_id} line {line}: runs stop counting it.", True)
        self.refresh()

    async def approve(self) -> None:
        references = await self._each("approve", self.ws.actions.approve_suggestion)
        self.refresh()
        if references and self.ws.outbox is not None:
            await self._deliver(references)

    async def reject(self) -> None:
        await self._each("reject", self.ws.actions.reject_suggestion)
        self.refresh()

    async def send(self) -> None:
        if not self.may_decide:
            return
        if self.ws.outbox is None:
            self._say("No ERP is configured (REELPLAN_ERP_KIND, see docs/erp.md): approved orders wait in the "
                      "outbox until `reelplan erp send-orders` or a server with an ERP sends them.", False)
            return
        await self._deliver(None)

    async def _deliver(self, references: list[str] | None) -> None:
        outbox = self.ws.outbox
        report = await run.io_bound(deliver_pending, self.ws.engine, outbox.sink, connector=outbox.name,
                                    references=references)
        failed = "; ".join(f"{r}: {e}" for r, e in report.failed.items())
        self._say(f"Sent to {outbox.name}: {', '.join(report.delivered) or 'nothing new'}."
                  + (f" Not delivered: {failed}" if failed else ""), not report.failed)
        self.refresh()

    def open_item(self, item_id: str) -> None:
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-full").style("max-width: 1100px"):
            with ui.row().classes("w-full"):
                ui.space()
                ui.button(icon="close", on_click=self.dialog.close).props("flat dense")
            item_panel(self.ws, item_id)
        self.dialog.open()


def _decision(session: Any, run_id: int, suggestion_id: str) -> SuggestionDecision | None:
    return session.exec(select(SuggestionDecision).where(SuggestionDecision.run_id == run_id,
                                                         SuggestionDecision.suggestion_id == suggestion_id)).first()


def item_panel(ws: Workspace, item_id: str) -> None:
    """One item: projected on hand with safety stock, offers and price breaks (chosen marked),
    the demands it serves (pegging) and its open purchase orders with their messages."""
    with ws.read() as session:
        plan = queries.published_run(session)
        detail = queries.item_detail(session, plan, item_id) if plan else None
    if detail is None:
        ui.label(f"No item {item_id} in the published plan.").classes("text-negative")
        return
    item = detail["item"]
    with ui.column().classes("w-full gap-2").props(f'data-testid="item-panel-{item_id}"'):
        ui.label(f"{item.item_id} · {item.description}").classes("text-h6")
        ui.label(f"{item.type} · lead time {item.lead_time_days} d · safety stock {number(item.safety_stock)} · "
                 f"MOQ {number(item.min_order_qty)} · multiple {number(item.order_multiple) or '—'}").classes("text-grey-8")
        records = detail["records"]
        ui.echart({
            "animation": False,
            "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "data": ["projected on hand", "gross requirement", "safety stock"]},
            "xAxis": {"type": "time"},
            "yAxis": {"type": "value"},
            "series": [
                {"name": "projected on hand", "type": "line", "step": "end", "symbolSize": 4,
                 "data": [[day(r["date"]), r["projected_on_hand"]] for r in records]},
                {"name": "gross requirement", "type": "bar", "barMaxWidth": 8,
                 "data": [[day(r["date"]), r["gross"]] for r in records]},
                {"name": "safety stock", "type": "line", "symbol": "none", "lineStyle": {"type": "dashed"},
                 "data": [[day(r["date"]), item.safety_stock] for r in records]},
            ],
        }).classes("w-full h-64")
        with ui.row().classes("w-full gap-4 items-start no-wrap"):
            with ui.column().classes("col"):
                ui.label("Offers and price breaks (★ the break the plan's lines buy at)").classes("text-subtitle1")
                ui.table(columns=_cols("chosen", "supplier_id", "mpn", "break_qty", "unit_price", "lead_time_days",
                                       "min_order_qty", "order_multiple"),
                         rows=[{**o, "chosen": "★" if o["chosen"] else ""} for o in detail["offers"]],
                         pagination=None).props("flat dense bordered").classes("w-full")
            with ui.column().classes("col"):
                ui.label("Open purchase orders").classes("text-subtitle1")
                ui.table(columns=_cols("po_id", "line", "supplier_id", "quantity_open", "due_date", "messages"),
                         rows=[{**p, "due_date": day(p["due_date"])} for p in detail["purchase_orders"]],
                         pagination=None).props("flat dense bordered").classes("w-full")
        ui.label("Demands it serves (pegging)").classes("text-subtitle1")
        ui.table(columns=_cols("demand_id", "customer_id", "demand_item_id", "due_date", "supply_type", "supply_id",
                               "quantity"),
                 rows=[{**p, "due_date": day(p["due_date"]), "quantity": number(p["quantity"])}
                       for p in detail["pegging"]], pagination=10).props("flat dense bordered").classes("w-full")


def _cols(*names: str) -> list[dict]:
    return [{"name": n, "label": n.replace("_", " "), "field": n, "align": "left"} for n in names]
