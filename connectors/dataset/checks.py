"""The dataset checks: one registry of vectorised checks over typed tables.

Each check looks at whole columns at once and returns an :class:`Issue` for every offending
row, located by its spreadsheet row. :data:`CHECKS` maps each issue code to its check; the
reader runs all of them after typing the tables, :func:`validate_dataset` runs them on a
Dataset built any other way (database, generator, API).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from connectors.dataset.cells import format_number, format_typed
from connectors.dataset.issues import Issue, Severity
from mrp.dataset import OFFER_KEY, PER_OFFER_COLUMNS, TABLES, Column, Dataset

COMPANY = "company"


@dataclass(frozen=True)
class CheckContext:
    """What a check sees: the typed tables, the spreadsheet row of each table row, and which
    tables were given at all (a reference to suppliers is checked only when suppliers are)."""

    ds: Dataset
    rows: Mapping[str, np.ndarray]
    given: frozenset[str]

    def report(
        self,
        table: str,
        mask: pd.Series | np.ndarray,
        column: str | None,
        code: str,
        message: Callable[[pd.Series], str],
        severity: Severity = "error",
        value: Callable[[pd.Series], str] | None = None,
    ) -> list[Issue]:
        """One issue per row where ``mask`` holds. ``message`` (and ``value``, which defaults to
        the cell of ``column``) get that row, whose ``name`` is its position in the table."""
        frame = self.ds.table(table).reset_index(drop=True)
        kind = TABLES[table].column(column).kind if column in TABLES[table].column_names else "str"
        issues = []
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            row = frame.iloc[position]
            text = value(row) if value else format_typed(row[column], kind) if column in frame.columns else None
            issues.append(Issue(
                code, TABLES[table].file, int(self.rows[table][position]), column, text, message(row), severity,
            ))
        return issues


def _items_by_type(ctx: CheckContext) -> dict[str, str]:
    items = ctx.ds.items
    return dict(zip(items["item_id"], items["type"]))


def _is_empty(series: pd.Series, col: Column) -> pd.Series:
    if col.kind in ("str", "enum"):
        return series.astype(str).str.strip() == ""
    return series.isna()


def _columns(ctx: CheckContext, kinds: tuple[str, ...] | None = None) -> Iterator[tuple[str, Column]]:
    """The columns of the schema (of the given kinds) in tables that have rows."""
    for name, table in TABLES.items():
        if ctx.ds.table(name).empty:
            continue
        for col in table.columns:
            if kinds is None or col.kind in kinds:
                yield name, col


# --- cell checks, driven by the schema --------------------------------------------------------


def check_empty_required(ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, col in _columns(ctx):
        if col.required:
            empty = _is_empty(ctx.ds.table(name)[col.name], col)
            issues += ctx.report(name, empty, col.name, "empty_required",
                                 lambda r, c=col.name: f"{c} is required; fill it in or remove the row.")
    return issues


def check_bad_choice(ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, col in _columns(ctx, ("enum",)):
        values = ctx.ds.table(name)[col.name]
        bad = ~values.isin(col.choices) & ~_is_empty(values, col)
        allowed = " or ".join(col.choices)
        issues += ctx.report(name, bad, col.name, "bad_choice",
                             lambda r, c=col.name, a=allowed: f"{c} must be {a}, not '{r[c]}'.")
    return issues


def _range_text(col: Column) -> str:
    parts = []
    if col.min_value is not None:
        parts.append(f"{'above' if col.min_exclusive else 'at least'} {format_number(col.min_value)}")
    if col.max_value is not None:
        parts.append(f"at most {format_number(col.max_value)}")
    return " and ".join(parts)


def _range_code(col: Column, values: np.ndarray) -> np.ndarray:
    """The range code each value breaks ('' if none): a column with a maximum reports
    `out_of_range`; otherwise below zero is `negative`, zero where it must be positive `not_positive`."""
    never = np.zeros(len(values), dtype=bool)
    if col.min_value is None:
        too_low = never
    else:
        too_low = values <= col.min_value if col.min_exclusive else values < col.min_value
    too_high = never if col.max_value is None else values > col.max_value
    codes = np.full(len(values), "", dtype=object)
    if col.max_value is not None:
        codes[too_low | too_high] = "out_of_range"
    else:
        codes[too_low & (values < 0)] = "negative"
        codes[too_low & (values >= 0)] = "not_positive" if col.min_value == 0 else "out_of_range"
    return codes


def check_range(code: str, ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, col in _columns(ctx, ("int", "float")):
        if col.min_value is None and col.max_value is None:
            continue
        bad = _range_code(col, ctx.ds.table(name)[col.name].to_numpy(dtype="float64")) == code
        issues += ctx.report(name, bad, col.name, code,
                             lambda r, c=col: f"{c.name} must be {_range_text(c)}, not {format_number(r[c.name])}.")
    return issues


#: The largest number accepted in a column, and what it counts: a value above it is a typing
#: slip (a part number in the quantity column, a missing decimal point), never a plan.
MAX_UNITS = 1e12
MAX_UNIT_PRICE = 1e9
MAX_DAYS = 3650
PRICE_COLUMNS = frozenset({"unit_price"})


def value_limit(col: Column) -> tuple[float, str] | None:
    """The limit of a numeric column and its unit: prices at most 1e9 per unit, day counts
    (lead times, lot periods) at most 3650 days, every other number (quantities, MOQ, price
    break quantities, qty_per, stock, caps) at most 1e12; None for a column bounded already."""
    if col.kind not in ("int", "float") or col.max_value is not None:
        return None
    if col.name in PRICE_COLUMNS:
        return MAX_UNIT_PRICE, "1e9 per unit"
    if col.name.endswith("_days"):
        return MAX_DAYS, "3650 days"
    return MAX_UNITS, "1e12 units"


def check_above_limit(ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, col in _columns(ctx, ("int", "float")):
        limit = value_limit(col)
        if limit is None:
            continue
        values = ctx.ds.table(name)[col.name].to_numpy(dtype="float64")
        bad = values > limit[0]
        issues += ctx.report(
            name, bad, col.name, "above_limit",
            lambda r, c=col.name, lim=limit: (
                f"{c} {format_number(r[c])} is above the limit of {lim[1]}; "
                "check for a slipped decimal point or a number typed into the wrong column."
            ),
        )
    return issues


def check_empty_demand(ctx: CheckContext) -> list[Issue]:
    if "demand" not in ctx.given or not ctx.ds.demand.empty or ctx.ds.settings.allow_empty_demand:
        return []
    return [Issue(
        "empty_demand", TABLES["demand"].file, None, None, None,
        "demand.csv has no rows: a plan without demand would cancel every open order; "
        "add the demand, or set allow_empty_demand = true in settings.toml to plan without it.",
    )]


# --- identity and references ------------------------------------------------------------------


def check_duplicate_id(ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, table in TABLES.items():
        frame = ctx.ds.table(name)
        if not table.key or frame.empty:
            continue
        key = list(table.key)
        complete = np.ones(len(frame), dtype=bool)
        for k in key:
            col = table.column(k)
            if col.required:
                complete &= ~_is_empty(frame[k], col).to_numpy()
        keyed = frame[key].astype(str)
        dup = keyed.duplicated(keep="first").to_numpy() & complete
        if not dup.any():
            continue
        labels = keyed.agg("/".join, axis=1).tolist()
        first_row: dict[str, int] = {}
        for position, label in enumerate(labels):
            first_row.setdefault(label, int(ctx.rows[name][position]))
        what = "+".join(key)
        issues += ctx.report(
            name, dup, key[0], "duplicate_id",
            lambda r, w=what, ls=labels, f=first_row: (
                f"{w} {ls[r.name]} also appears on row {f[ls[r.name]]}; ids must be unique — "
                "remove or rename one of the rows."
            ),
            value=lambda r, ls=labels: ls[r.name],
        )
    return issues


class _UnknownIds:
    """Messages for ids missing from a table, with a guess at the id meant.

    Guessing costs a scan of the known ids, so only the first :attr:`GUESSES` distinct unknown
    ids get one (a file full of unknown ids is a wrong file, not a typo).
    """

    GUESSES = 100

    def __init__(self, target: str, ids: pd.Series) -> None:
        self.file = TABLES[target].file
        self.known = set(ids.astype(str))
        self.sorted = sorted(self.known)
        self.hints: dict[str, str] = {}

    def message(self, column: str, value: str) -> str:
        return f"{column} '{value}' is not in {self.file}{self._hint(value)}"

    def _hint(self, value: str) -> str:
        if value not in self.hints:
            close = difflib.get_close_matches(value, self.sorted, n=1) if len(self.hints) < self.GUESSES else []
            if value.strip() in self.known:
                self.hints[value] = "; remove the spaces around it."
            elif close:
                self.hints[value] = f" — did you mean '{close[0]}'?"
            else:
                self.hints[value] = f"; add it to {self.file} or correct the id."
        return self.hints[value]


def check_unknown_ref(ctx: CheckContext) -> list[Issue]:
    issues = []
    for name, col in _columns(ctx):
        if col.ref is None:
            continue
        target_table, target_column = col.ref.split(".")
        if target_table == "suppliers" and "suppliers" not in ctx.given:
            continue
        unknown = _UnknownIds(target_table, ctx.ds.table(target_table)[target_column])
        values = ctx.ds.table(name)[col.name].astype(str)
        bad = ~values.isin(unknown.known) & (values.str.strip() != "")
        issues += ctx.report(name, bad, col.name, "unknown_ref",
                             lambda r, c=col.name, u=unknown: u.message(c, r[c]))
    return issues + _unknown_process_lines(ctx)


def _unknown_process_lines(ctx: CheckContext) -> list[Issue]:
    """``smt_process.line_ids`` is a ';'-separated list of smt_lines ids: one issue per unknown id."""
    unknown = _UnknownIds("smt_lines", ctx.ds.smt_lines["line_id"])
    issues = []
    for position, text in enumerate(ctx.ds.smt_process["line_ids"].astype(str)):
        for line_id in (p.strip() for p in text.split(";")):
            if line_id and line_id not in unknown.known:
                issues.append(Issue(
                    "unknown_ref", TABLES["smt_process"].file, int(ctx.rows["smt_process"][position]), "line_ids",
                    line_id, unknown.message("line_ids entry", line_id),
                ))
    return issues


# --- bill of materials ------------------------------------------------------------------------


def check_self_parent(ctx: CheckContext) -> list[Issue]:
    bom = ctx.ds.bom
    bad = (bom["parent_id"] == bom["child_id"]) & (bom["parent_id"].astype(str).str.strip() != "")
    return ctx.report("bom", bad, "child_id", "self_parent",
                      lambda r: f"{r['parent_id']} is listed as a component of itself; remove this line.")


def find_cycles(children: Mapping[str, list[str]]) -> list[list[str]]:
    """Cycles of a directed graph found by depth-first search, each as its nodes in order.

    One cycle per back edge, so every strongly connected part with a cycle yields at least
    one. Deterministic: nodes and children are visited in sorted order.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []
    for root in sorted(children):
        if root in state:
            continue
        path, where = [root], {root: 0}
        stack = [iter(sorted(children.get(root, ())))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                done = path.pop()
                del where[done]
                state[done] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycles.append(path[where[nxt]:])
            elif nxt not in state:
                state[nxt] = 1
                where[nxt] = len(path)
                path.append(nxt)
                stack.append(iter(sorted(children.get(nxt, ()))))
    return cycles


def _rotate(cycle: list[str]) -> list[str]:
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def check_bom_cycle(ctx: CheckContext) -> list[Issue]:
    bom = ctx.ds.bom
    parents, kids = bom["parent_id"].astype(str), bom["child_id"].astype(str)
    edges = (parents != kids) & (parents.str.strip() != "") & (kids.str.strip() != "")
    children: dict[str, list[str]] = {}
    for p, c in zip(parents[edges], kids[edges]):
        children.setdefault(p, []).append(c)
    children = {p: sorted(set(cs)) for p, cs in children.items()}
    issues: list[Issue] = []
    reported: set[tuple[str, str]] = set()
    for cycle in sorted(_rotate(c) for c in find_cycles(children)):
        links = set(zip(cycle, cycle[1:] + cycle[:1])) - reported
        if not links:
            continue
        reported |= links
        named = " -> ".join(cycle + cycle[:1])
        on_cycle = np.array([(p, c) in links for p, c in zip(parents, kids)], dtype=bool) & edges.to_numpy()
        issues += ctx.report(
            "bom", on_cycle, "child_id", "bom_cycle",
            lambda r, n=named: f"BOM cycle {n}: an item cannot contain itself; remove or correct one of these lines.",
        )
    return issues


def check_buy_with_bom(ctx: CheckContext) -> list[Issue]:
    types = _items_by_type(ctx)
    bad = ctx.ds.bom["parent_id"].map(types) == "buy"
    return ctx.report("bom", bad, "parent_id", "buy_with_bom",
                      lambda r: f"{r['parent_id']} is a buy item but has a BOM; "
                                "set its type to make in items.csv or remove its BOM lines.")


def check_bad_validity(ctx: CheckContext) -> list[Issue]:
    bom = ctx.ds.bom
    bad = bom["valid_from"].notna() & bom["valid_to"].notna() & (bom["valid_from"] >= bom["valid_to"])
    return ctx.report("bom", bad, "valid_to", "bad_validity",
                      lambda r: f"valid_to {format_typed(r['valid_to'], 'date')} must be after valid_from "
                                f"{format_typed(r['valid_from'], 'date')}, else the line never applies.")


# --- items ------------------------------------------------------------------------------------


def check_foq_without_lot_size(ctx: CheckContext) -> list[Issue]:
    items = ctx.ds.items
    bad = (items["lot_rule"] == "FOQ") & items["lot_size"].isna()
    return ctx.report("items", bad, "lot_size", "foq_without_lot_size",
                      lambda r: f"{r['item_id']} uses lot rule FOQ but has no lot_size; give the fixed order quantity.")


def check_poq_without_lot_period(ctx: CheckContext) -> list[Issue]:
    items = ctx.ds.items
    bad = (items["lot_rule"] == "POQ") & items["lot_period_days"].isna()
    return ctx.report("items", bad, "lot_period_days", "poq_without_lot_period",
                      lambda r: f"{r['item_id']} uses lot rule POQ but has no lot_period_days; "
                                "give the number of days one order should cover.")


# --- supplier offers --------------------------------------------------------------------------


def _offer_label(r: pd.Series) -> str:
    mpn = f" / {r['mpn']}" if str(r["mpn"]) else ""
    return f"{r['supplier_id']} / {r['item_id']}{mpn}"


def _offer_groups(offers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each offer row, and the position of each group's first row."""
    group = offers.groupby(list(OFFER_KEY), sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    return group, first


def check_offer_disagrees(ctx: CheckContext) -> list[Issue]:
    offers = ctx.ds.supplier_offers
    if offers.empty:
        return []
    group, first = _offer_groups(offers)
    first_of_row = first[group]
    issues = []
    for column in PER_OFFER_COLUMNS:
        values = offers[column].to_numpy(dtype="float64")
        ref = values[first_of_row]
        same = (values == ref) | (np.isnan(values) & np.isnan(ref))
        issues += ctx.report(
            "supplier_offers", ~same, column, "offer_disagrees",
            lambda r, c=column, ref=ref: (
                f"Offer {_offer_label(r)}: {c} is {format_number(r[c]) or 'empty'} here but "
                f"{format_number(ref[r.name]) or 'empty'} on row {ctx.rows['supplier_offers'][first_of_row[r.name]]}; "
                f"all price-break rows of one offer must agree on {c}."
            ),
        )
    return issues


def check_break_above_moq(ctx: CheckContext) -> list[Issue]:
    offers = ctx.ds.supplier_offers
    if offers.empty:
        return []
    group, _ = _offer_groups(offers)
    breaks = offers["break_qty"].to_numpy(dtype="float64")
    by_offer_then_break = np.lexsort((breaks, group))
    starts = np.r_[True, np.diff(group[by_offer_then_break]) != 0]
    first_break = np.zeros(len(offers), dtype=bool)
    first_break[by_offer_then_break[starts]] = True  # the row of each offer's smallest break
    moq = offers["min_order_qty"].to_numpy(dtype="float64")
    bad = first_break & (moq > 0) & (breaks > moq)
    return ctx.report(
        "supplier_offers", bad, "break_qty", "break_above_moq",
        lambda r: (
            f"Offer {_offer_label(r)}: the first price break {format_number(r['break_qty'])} is above the "
            f"minimum order quantity {format_number(r['min_order_qty'])}, so nothing below "
            f"{format_number(r['break_qty'])} can be bought; check the MOQ or add a break at it."
        ),
        "warning",
    )


# --- orders -----------------------------------------------------------------------------------


def check_planned_wo_without_start(ctx: CheckContext) -> list[Issue]:
    wo = ctx.ds.work_orders
    bad = (wo["status"] == "planned") & wo["start_date"].isna()
    return ctx.report("work_orders", bad, "start_date", "planned_wo_without_start",
                      lambda r: f"Work order {r['wo_id']} is planned but has no start_date; its components are "
                                "needed on that day — give it, or set status to released if they are issued.")


def check_wo_for_buy_item(ctx: CheckContext) -> list[Issue]:
    bad = ctx.ds.work_orders["item_id"].map(_items_by_type(ctx)) == "buy"
    return ctx.report("work_orders", bad, "item_id", "wo_for_buy_item",
                      lambda r: f"Work order {r['wo_id']} builds {r['item_id']}, which is a buy item; "
                                "only make items have work orders (use purchase_orders.csv for bought parts).")


def check_pinned_incomplete(ctx: CheckContext) -> list[Issue]:
    wo = ctx.ds.work_orders
    pinned = wo["pinned"].astype(bool)
    no_line = pinned & (wo["line_id"].astype(str).str.strip() == "")
    no_start = pinned & wo["start_date"].isna()
    message = "Work order {} is pinned but has no {}; a pinned order runs on its line_id from its start_date."
    return (
        ctx.report("work_orders", no_line, "line_id", "pinned_incomplete", lambda r: message.format(r["wo_id"], "line_id"))
        + ctx.report("work_orders", no_start & ~(wo["status"] == "planned"), "start_date", "pinned_incomplete",
                     lambda r: message.format(r["wo_id"], "start_date"))
    )


def check_smt_for_buy_item(ctx: CheckContext) -> list[Issue]:
    bad = ctx.ds.smt_process["item_id"].map(_items_by_type(ctx)) == "buy"
    return ctx.report("smt_process", bad, "item_id", "smt_for_buy_item",
                      lambda r: f"{r['item_id']} is a buy item; only make items run on SMT lines — "
                                "remove the row or set the item's type to make.")


# --- warnings: legal but suspicious ------------------------------------------------------------


def check_lead_time_beyond_horizon(ctx: CheckContext) -> list[Issue]:
    horizon = ctx.ds.settings.horizon_days
    message = (
        lambda r: f"Lead time {format_number(r['lead_time_days'])} days is longer than the planning horizon "
                  f"({horizon} days); is it right?"
    )
    items = ctx.ds.items
    offers = ctx.ds.supplier_offers
    first_row_of_offer = np.zeros(len(offers), dtype=bool)
    if not offers.empty:
        first_row_of_offer[_offer_groups(offers)[1]] = True
    return (
        ctx.report("items", items["lead_time_days"] > horizon, "lead_time_days", "lead_time_beyond_horizon", message, "warning")
        + ctx.report("supplier_offers", first_row_of_offer & (offers["lead_time_days"] > horizon).to_numpy(),
                     "lead_time_days", "lead_time_beyond_horizon", message, "warning")
    )


def check_unknown_owner(ctx: CheckContext) -> list[Issue]:
    customers = set(ctx.ds.demand["customer_id"].astype(str)) | set(ctx.ds.work_orders["customer_id"].astype(str))
    owner = ctx.ds.inventory["owner"].astype(str)
    bad = (owner != COMPANY) & (owner.str.strip() != "") & ~owner.isin(customers)
    return ctx.report("inventory", bad, "owner", "unknown_owner",
                      lambda r: f"Reel {r['reel_id']} is owned by '{r['owner']}', a customer with no demand or work "
                                "order, so it will not be used; write company if the company owns it.", "warning")


def check_start_after_due(ctx: CheckContext) -> list[Issue]:
    wo = ctx.ds.work_orders
    bad = wo["start_date"].notna() & (wo["start_date"] > wo["due_date"])
    return ctx.report("work_orders", bad, "start_date", "start_after_due",
                      lambda r: f"Work order {r['wo_id']} starts after its due date "
                                f"{format_typed(r['due_date'], 'date')}; check both dates.", "warning")


def check_mpn_not_offered(ctx: CheckContext) -> list[Issue]:
    """An approved MPN no offer of that item carries can never be bought (checked when offers are given)."""
    if "supplier_offers" not in ctx.given:
        return []
    offers = ctx.ds.supplier_offers
    offered = set(zip(offers["item_id"].astype(str), offers["mpn"].astype(str)))
    aml = ctx.ds.approved_mpns
    bad = np.array([pair not in offered for pair in zip(aml["item_id"].astype(str), aml["mpn"].astype(str))], dtype=bool)
    return ctx.report("approved_mpns", bad, "mpn", "mpn_not_offered",
                      lambda r: f"{r['customer_id']} approves MPN {r['mpn']} for {r['item_id']}, but no offer in "
                                "supplier_offers.csv carries it; check the MPN, or add an offer for it.", "warning")


def check_eol_without_last_time_buy(ctx: CheckContext) -> list[Issue]:
    items = ctx.ds.items
    bad = (items["lifecycle"] == "eol") & items["last_time_buy_date"].isna()
    return ctx.report("items", bad, "last_time_buy_date", "eol_without_last_time_buy",
                      lambda r: f"{r['item_id']} is end-of-life but has no last_time_buy_date, so it is planned "
                                "like an active part; give the last date it can be ordered.", "warning")


def check_unknown_customer(ctx: CheckContext) -> list[Issue]:
    """With customers.csv given, a demand's customer not in it authorises all its forecast and
    has no approved MPNs: legal, but likely a typo (checked only when customers.csv is given)."""
    if "customers" not in ctx.given:
        return []
    unknown = _UnknownIds("customers", ctx.ds.customers["customer_id"])
    values = ctx.ds.demand["customer_id"].astype(str)
    bad = ~values.isin(unknown.known) & (values.str.strip() != "")
    return ctx.report("demand", bad, "customer_id", "unknown_customer",
                      lambda r: unknown.message("customer_id", r["customer_id"])
                      + " Until then its forecast counts as authorised and it has no approved MPNs.", "warning")


CHECKS: dict[str, Callable[[CheckContext], list[Issue]]] = {
    "empty_required": check_empty_required,
    "bad_choice": check_bad_choice,
    "negative": partial(check_range, "negative"),
    "not_positive": partial(check_range, "not_positive"),
    "out_of_range": partial(check_range, "out_of_range"),
    "above_limit": check_above_limit,
    "empty_demand": check_empty_demand,
    "duplicate_id": check_duplicate_id,
    "unknown_ref": check_unknown_ref,
    "self_parent": check_self_parent,
    "bom_cycle": check_bom_cycle,
    "buy_with_bom": check_buy_with_bom,
    "bad_validity": check_bad_validity,
    "foq_without_lot_size": check_foq_without_lot_size,
    "poq_without_lot_period": check_poq_without_lot_period,
    "offer_disagrees": check_offer_disagrees,
    "planned_wo_without_start": check_planned_wo_without_start,
    "wo_for_buy_item": check_wo_for_buy_item,
    "pinned_incomplete": check_pinned_incomplete,
    "smt_for_buy_item": check_smt_for_buy_item,
    "break_above_moq": check_break_above_moq,
    "lead_time_beyond_horizon": check_lead_time_beyond_horizon,
    "unknown_owner": check_unknown_owner,
    "start_after_due": check_start_after_due,
    "mpn_not_offered": check_mpn_not_offered,
    "eol_without_last_time_buy": check_eol_without_last_time_buy,
    "unknown_customer": check_unknown_customer,
}


def run_checks(ctx: CheckContext) -> list[Issue]:
    return [issue for check in CHECKS.values() for issue in check(ctx)]


def validate_dataset(ds: Dataset) -> list[Issue]:
    """The checks on an already-typed Dataset; rows are numbered as its CSV files would show them."""
    rows = {name: np.arange(len(ds.table(name))) + 2 for name in TABLES}
    given = frozenset(name for name in TABLES if len(ds.table(name)))
    return sort_issues(run_checks(CheckContext(ds, rows, given)))


_FILE_ORDER = {t.file: i for i, t in enumerate(TABLES.values())}


def _sort_key(issue: Issue) -> tuple:
    table = TABLES.get(issue.file.removesuffix(".csv"))
    names = table.column_names if table else []
    column = names.index(issue.column) if issue.column in names else len(names)
    return (_FILE_ORDER.get(issue.file, -1), issue.row or 0, column, issue.column or "", issue.code, issue.message)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """File order of the contract, then row, then column order, then code: stable for reports and tests."""
    return sorted(issues, key=_sort_key)
