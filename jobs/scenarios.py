"""What-if scenarios: the store's dataset with a list of changes, each kind one pure function.

A change is a plain mapping ``{"kind": KIND, <parameter>: <value>, ...}`` (JSON in the
store, ``KIND:k=v,...`` on the command line, a ``[[change]]`` table in a TOML file).
:func:`parse_changes` turns text values into typed ones and :func:`check_changes` tests
them against the dataset (unknown customer, item, supplier or line, a date range that
ends before it starts, a factor not above 0 ...) and reports every problem at once,
before any planning. :func:`apply_changes` then applies them in order, each by the
function of its kind; none of them touches its input.

A line down cannot be said in the dataset (its lines have no calendar): it becomes a
:class:`Downtime` row that the pipeline turns into a pinned block of the line
(:func:`jobs.pipeline.run_plan`, ``downtime``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from mrp.dataset import SETTINGS_KEYS, Dataset, PlanSettings

Change = dict[str, Any]


class ScenarioError(ValueError):
    """A change that cannot apply: the message says which change, what is wrong and what is accepted."""


@dataclass(frozen=True)
class Param:
    """One parameter of a change kind: its type (``str``, ``float``, ``int``, ``date``,
    ``enum``), whether it must be given, and its bounds."""

    kind: str
    required: bool = False
    positive: bool = False
    non_negative: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ChangeKind:
    name: str
    apply: Callable[..., Any]
    params: dict[str, Param]
    help: str


@dataclass
class ScenarioInputs:
    """A scenario's dataset, and the SMT lines it has down (``line_id``, ``start``, ``end`` dates, inclusive)."""

    dataset: Dataset
    downtime: pd.DataFrame


DOWNTIME_COLUMNS = ("line_id", "start", "end")
DEMAND_FILTER = {
    "customer": Param("str", help="customer_id"),
    "item": Param("str", help="item_id"),
    "demand_kind": Param("enum", choices=("order", "forecast"), help="the demand's kind: order or forecast"),
    "from": Param("date", help="first due date (YYYY-MM-DD)"),
    "to": Param("date", help="last due date (YYYY-MM-DD)"),
}
OFFER_FILTER = {
    "supplier": Param("str", required=True, help="supplier_id"),
    "item": Param("str", help="item_id (default: all the supplier's items)"),
}


# --- the change kinds ------------------------------------------------------------------------


def _demand_rows(demand: pd.DataFrame, change: Mapping[str, Any]) -> pd.Series:
    """The demand lines a change's filter selects: all of customer, item, kind and due date range given."""
    hit = pd.Series(True, index=demand.index)
    if change.get("id"):
        hit &= demand["demand_id"] == change["id"]
    if change.get("customer"):
        hit &= demand["customer_id"] == change["customer"]
    if change.get("item"):
        hit &= demand["item_id"] == change["item"]
    if change.get("demand_kind"):
        hit &= demand["kind"] == change["demand_kind"]
    if change.get("from"):
        hit &= demand["due_date"] >= pd.Timestamp(change["from"])
    if change.get("to"):
        hit &= demand["due_date"] <= pd.Timestamp(change["to"])
    return hit


def scale_demand(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Scale demand: the quantity of every demand line the filter selects (customer, item,
    demand_kind, due dates from/to, all optional) is multiplied by ``factor``."""
    demand = inputs.dataset.demand.copy()
    hit = _demand_rows(demand, change)
    demand.loc[hit, "quantity"] = demand.loc[hit, "quantity"] * float(change["factor"])
    return replace(inputs, dataset=replace(inputs.dataset, demand=demand))


def add_demand(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Add a demand line: ``quantity`` of ``item`` due on ``due`` for ``customer`` (demand_kind
    ``order`` unless given, priority 100 unless given, id ``id`` or ``SCENARIO-<n>``)."""
    demand = inputs.dataset.demand
    demand_id = change.get("id") or free_id(set(demand["demand_id"]), "SCENARIO-")
    row = {
        "demand_id": demand_id, "customer_id": change["customer"], "item_id": change["item"],
        "due_date": pd.Timestamp(change["due"]), "quantity": float(change["quantity"]),
        "kind": change.get("demand_kind") or "order", "priority": int(change.get("priority", 100)),
    }
    added = pd.concat([demand, pd.DataFrame([row]).astype(demand.dtypes.to_dict())], ignore_index=True)
    return replace(inputs, dataset=replace(inputs.dataset, demand=added))


def remove_demand(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Remove demand lines: every line the filter selects (id, customer, item, demand_kind,
    due dates from/to; at least one given) is taken out."""
    demand = inputs.dataset.demand
    kept = demand[~_demand_rows(demand, change)].reset_index(drop=True)
    return replace(inputs, dataset=replace(inputs.dataset, demand=kept))


def _offer_rows(offers: pd.DataFrame, change: Mapping[str, Any]) -> pd.Series:
    hit = offers["supplier_id"] == change["supplier"]
    if change.get("item"):
        hit &= offers["item_id"] == change["item"]
    return hit


def lead_time(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Change a supplier's lead time: its offers (of ``item`` only, when given) get lead time
    ``days``, or ``add_days`` more (fewer when negative; never below 0)."""
    offers = inputs.dataset.supplier_offers.copy()
    hit = _offer_rows(offers, change)
    if change.get("days") is not None:
        offers.loc[hit, "lead_time_days"] = int(change["days"])
    else:
        offers.loc[hit, "lead_time_days"] = (offers.loc[hit, "lead_time_days"] + int(change["add_days"])).clip(lower=0)
    return replace(inputs, dataset=replace(inputs.dataset, supplier_offers=offers))


def price(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Change a supplier's prices: every price break of its offers (of ``item`` only, when
    given) is multiplied by ``factor``."""
    offers = inputs.dataset.supplier_offers.copy()
    hit = _offer_rows(offers, change)
    offers.loc[hit, "unit_price"] = offers.loc[hit, "unit_price"] * float(change["factor"])
    return replace(inputs, dataset=replace(inputs.dataset, supplier_offers=offers))


def stock(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Change a supplier's stock: its offers (of ``item`` only, when given) have ``qty`` in
    stock at the distributor."""
    offers = inputs.dataset.supplier_offers.copy()
    offers.loc[_offer_rows(offers, change), "stock_qty"] = float(change["qty"])
    return replace(inputs, dataset=replace(inputs.dataset, supplier_offers=offers))


def remove_supplier(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Remove a supplier: none of its offers can be bought from (its open purchase orders
    still arrive)."""
    offers = inputs.dataset.supplier_offers
    kept = offers[offers["supplier_id"] != change["supplier"]].reset_index(drop=True)
    return replace(inputs, dataset=replace(inputs.dataset, supplier_offers=kept))


def line_down(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """A line down: SMT line ``line`` builds nothing from ``from`` to ``to`` (whole days, inclusive)."""
    row = pd.DataFrame([{"line_id": change["line"], "start": pd.Timestamp(change["from"]),
                         "end": pd.Timestamp(change["to"])}])
    downtime = row if inputs.downtime.empty else pd.concat([inputs.downtime, row], ignore_index=True)
    return replace(inputs, downtime=downtime)


def setting(inputs: ScenarioInputs, change: Mapping[str, Any]) -> ScenarioInputs:
    """Change settings: each other parameter names a plan setting (``horizon_days``,
    ``budget_minutes`` ...) and its new value."""
    values = {k: v for k, v in change.items() if k != "kind"}
    return replace(inputs, dataset=replace(inputs.dataset, settings=replace(inputs.dataset.settings, **values)))


def _type_of(name: str) -> type:
    return type(getattr(PlanSettings(as_of=dt.date(2000, 1, 1)), name))


CHANGE_KINDS: dict[str, ChangeKind] = {
    kind.name: kind
    for kind in (
        ChangeKind("scale_demand", scale_demand,
                   {"factor": Param("float", required=True, positive=True, help="multiplier, > 0"), **DEMAND_FILTER},
                   "multiply the quantity of the demand lines selected"),
        ChangeKind("add_demand", add_demand,
                   {"item": Param("str", required=True, help="item_id"),
                    "customer": Param("str", required=True, help="customer_id"),
                    "quantity": Param("float", required=True, positive=True, help="quantity, > 0"),
                    "due": Param("date", required=True, help="due date (YYYY-MM-DD)"),
                    "demand_kind": DEMAND_FILTER["demand_kind"],
                    "priority": Param("int", help="priority (default 100)"),
                    "id": Param("str", help="demand_id (default SCENARIO-<n>)")},
                   "add a demand line"),
        ChangeKind("remove_demand", remove_demand, {"id": Param("str", help="demand_id"), **DEMAND_FILTER},
                   "remove the demand lines selected (at least one filter)"),
        ChangeKind("lead_time", lead_time,
                   {**OFFER_FILTER, "days": Param("int", non_negative=True, help="new lead time in days"),
                    "add_days": Param("int", help="days added to the lead time (negative: fewer)")},
                   "change a supplier's lead time (days or add_days)"),
        ChangeKind("price", price, {**OFFER_FILTER, "factor": Param("float", required=True, positive=True,
                                                                      help="price multiplier, > 0")},
                   "multiply a supplier's prices"),
        ChangeKind("stock", stock, {**OFFER_FILTER, "qty": Param("float", required=True, non_negative=True,
                                                                 help="distributor stock, >= 0")},
                   "set a supplier's distributor stock"),
        ChangeKind("remove_supplier", remove_supplier, {"supplier": OFFER_FILTER["supplier"]},
                   "remove a supplier's offers"),
        ChangeKind("line_down", line_down,
                   {"line": Param("str", required=True, help="line_id"),
                    "from": Param("date", required=True, help="first day down (YYYY-MM-DD)"),
                    "to": Param("date", required=True, help="last day down (YYYY-MM-DD)")},
                   "an SMT line builds nothing between two dates"),
        ChangeKind("setting", setting,
                   {name: Param({int: "int", float: "float", bool: "bool"}.get(_type_of(name), "date")
                                if name != "shift_start" else "time", help=name)
                    for name in SETTINGS_KEYS},
                   "change plan settings (horizon_days, budget_minutes, ...)"),
    )
}


# --- reading and checking changes ------------------------------------------------------------


def parse_change_text(text: str) -> Change:
    """``KIND:k=v,k=v`` (the command line's spelling) as a change with text values."""
    kind, _, rest = text.partition(":")
    change: Change = {"kind": kind.strip()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"change '{text}': '{part}' is not key=value; write KIND:key=value,key=value "
                                f"(e.g. scale_demand:factor=1.3,customer=C1).")
        change[key.strip()] = value.strip()
    return change


def read_changes_toml(text: str, where: str = "the file") -> list[Change]:
    """The ``[[change]]`` tables of a TOML text, in order (``kind = "..."`` and the parameters)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where} is not valid TOML: {exc}.") from None
    changes = data.get("change")
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise ScenarioError(f"{where} has no [[change]] tables; write one per change, e.g.\n"
                            f"[[change]]\nkind = \"scale_demand\"\nfactor = 1.3\ncustomer = \"C1\"")
    return [dict(c) for c in changes]


def parse_changes(changes: list[Mapping[str, Any]]) -> list[Change]:
    """Each change with its values typed (dates as ``YYYY-MM-DD`` text, numbers as numbers);
    :class:`ScenarioError` lists every unknown kind or parameter and every bad value."""
    problems: list[str] = []
    typed: list[Change] = []
    for n, change in enumerate(changes, start=1):
        kind = CHANGE_KINDS.get(str(change.get("kind", "")))
        if kind is None:
            problems.append(f"change {n}: unknown kind '{change.get('kind', '')}'; known kinds: "
                            f"{', '.join(CHANGE_KINDS)}")
            continue
        out: Change = {"kind": kind.name}
        for key, value in change.items():
            if key == "kind":
                continue
            param = kind.params.get(key)
            if param is None:
                problems.append(f"change {n} ({kind.name}): unknown parameter '{key}'; accepted: "
                                f"{', '.join(kind.params)}")
                continue
            try:
                out[key] = _typed(value, param)
            except ValueError as exc:
                problems.append(f"change {n} ({kind.name}): {key}={value!r} {exc}")
        for key, param in kind.params.items():
            if param.required and key not in change:
                problems.append(f"change {n} ({kind.name}): {key} is missing ({param.help})")
        typed.append(out)
    if problems:
        raise ScenarioError("; ".join(problems) if len(problems) == 1 else "\n".join(problems))
    return typed


def _typed(value: Any, param: Param) -> Any:
    text = str(value).strip()
    if param.kind == "str":
        if not text:
            raise ValueError("is empty")
        return text
    if param.kind == "enum":
        if text.lower() not in param.choices:
            raise ValueError(f"is not one of {', '.join(param.choices)}")
        return text.lower()
    if param.kind == "date":
        try:
            return (value if isinstance(value, dt.date) else dt.date.fromisoformat(text)).isoformat()
        except ValueError:
            raise ValueError("is not a date; write YYYY-MM-DD") from None
    if param.kind == "time":
        try:
            return dt.time.fromisoformat(text).strftime("%H:%M")
        except ValueError:
            raise ValueError("is not a time; write HH:MM") from None
    if param.kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError("is not true or false")
        return text.lower() == "true"
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"is not a number ({param.help})") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("is not a finite number")
    if param.kind == "int":
        if number != int(number):
            raise ValueError("is not a whole number")
        number = int(number)
    if param.positive and number <= 0:
        raise ValueError("must be above 0")
    if param.non_negative and number < 0:
        raise ValueError("must be 0 or more")
    return number


def check_changes(changes: list[Change], dataset: Dataset) -> list[str]:
    """Every problem of typed ``changes`` against ``dataset``: names it does not know, date
    ranges that end before they start, a filter that selects nothing, one change asking two
    contradicting things. Empty when all apply."""
    customers = set(dataset.demand["customer_id"]) | set(dataset.customers["customer_id"])
    items = set(dataset.items["item_id"])
    suppliers = set(dataset.suppliers["supplier_id"]) | set(dataset.supplier_offers["supplier_id"])
    lines = set(dataset.smt_lines["line_id"])
    known = {"customer": ("customer", customers), "item": ("item", items), "supplier": ("supplier", suppliers),
             "line": ("SMT line", lines)}
    problems: list[str] = []
    for n, change in enumerate(changes, start=1):
        kind = change["kind"]
        where = f"change {n} ({kind})"
        for key, (noun, names) in known.items():
            value = change.get(key)
            if value is not None and value not in names and not (kind == "add_demand" and key == "customer"):
                problems.append(f"{where}: unknown {noun} '{value}'; the dataset has {_some(names)}")
        if change.get("from") and change.get("to") and change["from"] > change["to"]:
            problems.append(f"{where}: from {change['from']} is after to {change['to']}; give from <= to")
        if kind == "remove_demand" and not any(change.get(k) for k in ("id", *DEMAND_FILTER)):
            problems.append(f"{where}: give at least one of id, {', '.join(DEMAND_FILTER)} "
                            "(without a filter every demand line would go)")
        if kind == "remove_demand" and change.get("id") and change["id"] not in set(dataset.demand["demand_id"]):
            problems.append(f"{where}: unknown demand '{change['id']}'")
        if kind == "add_demand" and change.get("id") in set(dataset.demand["demand_id"]):
            problems.append(f"{where}: demand '{change['id']}' exists already; give a new id or none")
        if kind == "lead_time" and (change.get("days") is None) == (change.get("add_days") is None):
            problems.append(f"{where}: give exactly one of days (the new lead time) and add_days (days more)")
        if kind in ("lead_time", "price", "stock") and change.get("supplier") in suppliers and change.get("item"):
            offers = dataset.supplier_offers
            if not ((offers["supplier_id"] == change["supplier"]) & (offers["item_id"] == change["item"])).any():
                problems.append(f"{where}: supplier '{change['supplier']}' offers no '{change['item']}'")
        if kind == "setting" and len(change) == 1:
            problems.append(f"{where}: name at least one setting, e.g. setting:horizon_days=180")
        for name in ("horizon_days", "budget_minutes"):
            if kind == "setting" and change.get(name, 1) <= 0:
                problems.append(f"{where}: {name} must be above 0")
    return problems


def _some(names: set[str], limit: int = 8) -> str:
    shown = sorted(names)[:limit]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return (", ".join(shown) + more) if shown else "none"


def apply_changes(dataset: Dataset, changes: list[Change]) -> ScenarioInputs:
    """``dataset`` with ``changes`` applied in order (typed and checked: :func:`parse_changes`,
    :func:`check_changes`); the dataset given is not changed."""
    inputs = ScenarioInputs(dataset, pd.DataFrame({c: pd.Series(dtype="object") for c in DOWNTIME_COLUMNS}))
    for change in changes:
        kind = CHANGE_KINDS[change["kind"]]
        if kind.name == "setting":
            change = {k: _setting_value(k, v) for k, v in change.items()}
        inputs = kind.apply(inputs, change)
    return inputs


def _setting_value(name: str, value: Any) -> Any:
    if name == "kind":
        return value
    if name == "shift_start":
        return dt.time.fromisoformat(value)
    if name == "as_of":
        return dt.date.fromisoformat(value)
    return _type_of(name)(value)


def free_id(taken: set[str], prefix: str) -> str:
    """``prefix`` and the lowest number not in ``taken``."""
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def describe(change: Mapping[str, Any]) -> str:
    """A change as the command line writes it: ``KIND:k=v,...``."""
    rest = ",".join(f"{k}={v}" for k, v in change.items() if k != "kind")
    return f"{change['kind']}:{rest}" if rest else str(change["kind"])
