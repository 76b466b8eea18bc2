"""The planning dataset: the typed tables of format v1 (see README, "Dataset format").

One schema drives everything that touches a dataset: the CSV reader parses and checks
columns against it, the store mirrors it, the writer emits it. The core only ever sees a
:class:`Dataset` whose tables have exactly the columns listed here, in this order, with
these dtypes:

- ``str``      -> object column of Python ``str`` ("" when empty)
- ``int``      -> ``int64`` when the column has a default, else ``float64`` with NaN
- ``float``    -> ``float64`` (NaN when empty and no default)
- ``date``     -> ``datetime64[ns]`` at midnight (NaT when empty)
- ``bool``     -> ``bool``
- ``enum``     -> like ``str``, lower-cased, one of ``choices``

Defaults that the spec states as constants are filled in by the reader. Defaults that
depend on other data stay empty (NaN) and are resolved by the core:
``items.order_multiple`` (1 for counted items), ``bom.attrition_pct`` and
``bom.setup_loss_qty`` (the child's), ``inventory.floor_life_hours_left`` (unlimited).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, time
from typing import Any, Literal

import pandas as pd

ColumnKind = Literal["str", "int", "float", "date", "bool", "enum"]

COUNTED_UOMS = frozenset({"pcs", "pc", "ea", "each", "pce", "unit", "units"})


@dataclass(frozen=True)
class Column:
    """One column of a dataset file: its type, default and the checks a value must pass."""

    name: str
    kind: ColumnKind
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    min_exclusive: bool = False
    max_value: float | None = None
    ref: str | None = None  # "table.column" this value must exist in


@dataclass(frozen=True)
class Table:
    """One file of the dataset."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, kind: ColumnKind, **kw: Any) -> Column:
    return Column(name, kind, **kw)


NONNEG = {"min_value": 0.0}
POSITIVE = {"min_value": 0.0, "min_exclusive": True}
ITEM_REF = "items.item_id"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "items",
            (
                _c("item_id", "str", required=True),
                _c("description", "str", default=""),
                _c("type", "enum", required=True, choices=("make", "buy")),
                _c("uom", "str", default="pcs"),
                _c("lead_time_days", "int", default=0, **NONNEG),
                _c("safety_stock", "float", default=0.0, **NONNEG),
                _c("lot_rule", "enum", default="L4L", choices=("L4L", "FOQ", "POQ")),
                _c("lot_size", "float", **POSITIVE),
                _c("lot_period_days", "int", **POSITIVE),
                _c("min_order_qty", "float", default=0.0, **NONNEG),
                _c("order_multiple", "float", **POSITIVE),
                _c("attrition_pct", "float", default=0.0, **NONNEG),
                _c("setup_loss_qty", "float", default=0.0, **NONNEG),
                _c("yield_pct", "float", default=100.0, max_value=100.0, **POSITIVE),
                _c("min_usable_qty", "float", default=0.0, **NONNEG),
                _c("lifecycle", "enum", default="active", choices=("active", "nrnd", "eol")),
                _c("last_time_buy_date", "date"),
            ),
            key=("item_id",),
            required=True,
        ),
        Table(
            "bom",
            (
                _c("parent_id", "str", required=True, ref=ITEM_REF),
                _c("child_id", "str", required=True, ref=ITEM_REF),
                _c("qty_per", "float", required=True, **POSITIVE),
                _c("attrition_pct", "float", **NONNEG),
                _c("setup_loss_qty", "float", **NONNEG),
                _c("ref_des", "str", default=""),
                _c("feeder", "bool", default=True),
                _c("valid_from", "date"),
                _c("valid_to", "date"),
            ),
        ),
        Table(
            "demand",
            (
                _c("demand_id", "str", required=True),
                _c("customer_id", "str", required=True),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("due_date", "date", required=True),
                _c("quantity", "float", required=True, **POSITIVE),
                _c("kind", "enum", default="order", choices=("order", "forecast")),
                _c("priority", "int", default=100),
            ),
            key=("demand_id",),
        ),
        Table(
            "inventory",
            (
                _c("reel_id", "str", required=True),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("quantity", "float", required=True, **NONNEG),
                _c("owner", "str", default="company"),
                _c("status", "enum", default="available", choices=("available", "quarantine", "hold")),
                _c("location", "str", default=""),
                _c("date_code", "str", default=""),
                _c("lot", "str", default=""),
                _c("msl_level", "str", default=""),
                _c("floor_life_hours_left", "float"),
            ),
            key=("reel_id",),
        ),
        Table(
            "purchase_orders",
            (
                _c("po_id", "str", required=True),
                _c("line", "str", default="1"),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("supplier_id", "str", default="", ref="suppliers.supplier_id"),
                _c("quantity_open", "float", required=True, **POSITIVE),
                _c("due_date", "date", required=True),
                _c("unit_price", "float", **NONNEG),
            ),
            key=("po_id", "line"),
        ),
        Table(
            "work_orders",
            (
                _c("wo_id", "str", required=True),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("quantity_open", "float", required=True, **POSITIVE),
                _c("start_date", "date"),
                _c("due_date", "date", required=True),
                _c("status", "enum", default="planned", choices=("planned", "released")),
                _c("customer_id", "str", default=""),
                _c("line_id", "str", default="", ref="smt_lines.line_id"),
                _c("pinned", "bool", default=False),
            ),
            key=("wo_id",),
        ),
        Table(
            "suppliers",
            (
                _c("supplier_id", "str", required=True),
                _c("name", "str", default=""),
                _c("on_time_pct", "float", min_value=0.0, max_value=100.0),
                _c("min_order_value", "float", **NONNEG),
            ),
            key=("supplier_id",),
        ),
        Table(
            "supplier_offers",
            (
                _c("supplier_id", "str", required=True, ref="suppliers.supplier_id"),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("mpn", "str", default=""),
                _c("manufacturer", "str", default=""),
                _c("lead_time_days", "int", required=True, **NONNEG),
                _c("min_order_qty", "float", default=0.0, **NONNEG),
                _c("order_multiple", "float", default=1.0, **POSITIVE),
                _c("break_qty", "float", required=True, **NONNEG),
                _c("unit_price", "float", required=True, **POSITIVE),
                _c("stock_qty", "float", **NONNEG),
                _c("stock_lead_time_days", "int", default=2, **NONNEG),
                _c("max_qty", "float", **NONNEG),
                _c("ncnr", "bool", default=False),
            ),
            key=("supplier_id", "item_id", "mpn", "break_qty"),
        ),
        Table(
            "smt_lines",
            (
                _c("line_id", "str", required=True),
                _c("placements_per_hour", "float", required=True, **POSITIVE),
                _c("feeder_slots", "int", required=True, **POSITIVE),
                _c("hours_per_day", "float", default=16.0, max_value=24.0, **POSITIVE),
                _c("changeover_base_minutes", "float", default=20.0, **NONNEG),
                _c("minutes_per_feeder_change", "float", default=2.0, **NONNEG),
            ),
            key=("line_id",),
        ),
        Table(
            "smt_process",
            (
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("placements_per_board", "float", required=True, **POSITIVE),
                _c("line_ids", "str", default=""),
            ),
            key=("item_id",),
        ),
        Table(
            "customers",
            (
                _c("customer_id", "str", required=True),
                _c("name", "str", default=""),
                _c("material_authorisation_days", "int", **NONNEG),
            ),
            key=("customer_id",),
        ),
        Table(
            "approved_mpns",
            (
                _c("customer_id", "str", required=True, ref="customers.customer_id"),
                _c("item_id", "str", required=True, ref=ITEM_REF),
                _c("mpn", "str", required=True),
            ),
            key=("customer_id", "item_id", "mpn"),
        ),
    )
}

#: Columns that hold per-offer values: all price-break rows of one offer must agree on them.
OFFER_KEY = ("supplier_id", "item_id", "mpn")
PER_OFFER_COLUMNS = (
    "lead_time_days", "min_order_qty", "order_multiple", "stock_qty", "stock_lead_time_days", "max_qty", "ncnr",
)


def empty_table(name: str) -> pd.DataFrame:
    """A table with the schema's columns and dtypes and no rows."""
    table = TABLES[name]
    return pd.DataFrame({c.name: pd.Series(dtype=_dtype(c)) for c in table.columns})


def _dtype(col: Column) -> str:
    if col.kind == "date":
        return "datetime64[ns]"
    if col.kind == "bool":
        return "bool"
    if col.kind == "float" or (col.kind == "int" and col.default is None):
        return "float64"
    if col.kind == "int":
        return "int64"
    return "object"


def dtype_of(table: str, column: str) -> str:
    return _dtype(TABLES[table].column(column))


@dataclass(frozen=True)
class PlanSettings:
    """Plan parameters (``settings.toml``); ``as_of`` is always explicit in the core."""

    as_of: date
    horizon_days: int = 365
    forecast_back_days: int = 30
    forecast_forward_days: int = 30
    holding_rate: float = 0.25
    order_cost: float = 0.0
    late_penalty: float = 1.0
    shift_start: time = time(6, 0)
    bake_hours: float = 24.0
    defer_days: int = 7
    schedule_horizon_days: int = 28
    budget_minutes: float = 30.0
    allow_empty_demand: bool = False

    @property
    def horizon_end(self) -> date:
        return self.as_of + pd.Timedelta(days=self.horizon_days).to_pytimedelta()


SETTINGS_KEYS = tuple(f.name for f in fields(PlanSettings))


def _empty(name: str) -> Any:
    return field(default_factory=lambda: empty_table(name))


@dataclass
class Dataset:
    """All tables of one dataset plus its settings. Tables are never None: absent = no rows."""

    settings: PlanSettings
    items: pd.DataFrame = _empty("items")
    bom: pd.DataFrame = _empty("bom")
    demand: pd.DataFrame = _empty("demand")
    inventory: pd.DataFrame = _empty("inventory")
    purchase_orders: pd.DataFrame = _empty("purchase_orders")
    work_orders: pd.DataFrame = _empty("work_orders")
    suppliers: pd.DataFrame = _empty("suppliers")
    supplier_offers: pd.DataFrame = _empty("supplier_offers")
    smt_lines: pd.DataFrame = _empty("smt_lines")
    smt_process: pd.DataFrame = _empty("smt_process")
    customers: pd.DataFrame = _empty("customers")
    approved_mpns: pd.DataFrame = _empty("approved_mpns")

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def is_counted(uom: str) -> bool:
    """Counted items (pieces) plan in whole numbers; others (kg, m, l) in decimals."""
    return (uom or "pcs").strip().lower() in COUNTED_UOMS
