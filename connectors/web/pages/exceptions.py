"""Exceptions: every exception of the published plan, filtered by type and severity, each
linking to its item, its job or the buyer's lines of its item."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from connectors.api.auth import Permission
from connectors.web import queries
from connectors.web.queries import SEVERITIES
from connectors.web.workspace import Workspace, day, number

#: Exceptions about buying an item: each links to the item's lines on Buy.
BUY_TYPES = ("no_offer", "shortage", "late_release", "no_approved_offer", "last_time_buy", "no_supply_after_eol")

COLUMNS = [
    {"name": "severity", "label": "Severity", "field": "severity", "align": "left"},
    {"name": "type", "label": "Type", "field": "type", "align": "left"},
    {"name": "item_id", "label": "Item", "field": "item_id", "align": "left"},
    {"name": "ref_id", "label": "Concerns", "field": "ref_id", "align": "left"},
    {"name": "date", "label": "Date", "field": "date"},
    {"name": "quantity", "label": "Quantity", "field": "quantity"},
    {"name": "message", "label": "Message", "field": "message", "align": "left",
     "style": "white-space: normal; min-width: 360px"},
]
_LINK_SLOT = r"""
<q-td :props="props">
  <a v-if="props.row.item_href" :href="props.row.item_href" class="text-primary">{{ props.row.item_id }}</a>
</q-td>
"""
_REF_SLOT = r"""
<q-td :props="props">
  <a v-if="props.row.ref_href" :href="props.row.ref_href" class="text-primary">{{ props.row.ref_id }}</a>
  <span v-else>{{ props.row.ref_id }}</span>
</q-td>
"""
_SEVERITY_SLOT = r"""
<q-td :props="props">
  <q-badge :color="{high: 'negative', medium: 'warning', low: 'grey-6'}[props.value]">{{ props.value }}</q-badge>
</q-td>
"""


def register(ws: Workspace) -> None:
    @ui.page("/exceptions")
    def exceptions() -> RedirectResponse | None:
        user = ws.page("Exceptions", Permission.READ_PLAN)
        if isinstance(user, RedirectResponse):
            return user
        with ws.read() as session:
            plan = queries.published_run(session)
            types = queries.exception_types(session, plan) if plan else []
            window = queries.schedule_window(session, plan) if plan else {"jobs": []}
        if plan is None:
            ui.label("No plan is published yet.").classes("text-h6 q-pa-md")
            return None
        jobs = {j["job_id"] for j in window["jobs"]}
        state = {"offset": 0, "total": 0}
        size = ws.settings.page_size

        def refresh() -> None:
            with ws.read() as session:
                state["total"], rows = queries.exception_page(
                    session, plan, types=list(type_filter.value or []), severity_level=severity.value or "",
                    offset=state["offset"], limit=size)
            table.rows = [{
                **r, "date": day(r["date"]), "quantity": number(r["quantity"]),
                "item_href": f"/item/{r['item_id']}" if r["item_id"] else "",
                "ref_href": (f"/schedule?job={r['ref_id']}" if r["ref_id"] in jobs
                             else f"/buy?item={r['item_id']}" if r["type"] in BUY_TYPES
                             and r["item_id"] else ""),
            } for r in rows]
            table.update()
            label.set_text(f"{state['offset'] + 1 if state['total'] else 0}–{state['offset'] + len(rows)} "
                           f"of {state['total']}")

        def turn(step: int) -> None:
            state["offset"] = min(max(0, state["offset"] + step * size), max(0, (state["total"] - 1) // size * size))
            refresh()

        def reset() -> None:
            state["offset"] = 0
            refresh()

        with ui.column().classes("w-full q-pa-md gap-2"):
            ui.label(f"Exceptions · plan of run {plan.id}, as of {plan.as_of}").classes("text-h6")
            with ui.row().classes("items-end gap-3"):
                type_filter = ui.select(types, multiple=True, label="Types", on_change=reset).props(
                    'dense outlined use-chips data-testid="filter-type"').classes("w-96")
                severity = ui.select({"": "any severity", **{s: s for s in SEVERITIES}}, value="", label="Severity",
                                     on_change=reset).props('dense outlined data-testid="filter-severity"').classes("w-40")
            table = ui.table(columns=COLUMNS, rows=[], pagination=None).props(
                'flat bordered dense data-testid="exceptions"').classes("w-full")
            table.add_slot("body-cell-item_id", _LINK_SLOT)
            table.add_slot("body-cell-ref_id", _REF_SLOT)
            table.add_slot("body-cell-severity", _SEVERITY_SLOT)
            with ui.row().classes("items-center gap-2"):
                ui.button("Previous", on_click=lambda: turn(-1)).props("flat dense no-caps")
                label = ui.label("")
                ui.button("Next", on_click=lambda: turn(1)).props("flat dense no-caps")
        refresh()
        return None
