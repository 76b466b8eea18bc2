"""Customers' approved manufacturer lists (AML) in purchasing: which offers may cover a need.

A customer with at least one ``approved_mpns`` row for an item accepts only those MPNs for
it; a customer with none, and demand with no customer, accept any. A buy requirement is
covered only by offers whose MPN every customer its pegged demand belongs to accepts, so an
item's net requirements are split into parts, one per distinct accepted set (customers
whose lists are the same share a part; the customers that accept any MPN share the
unrestricted part):

- the net requirement of a day goes to the parts of that day's pegged demand pro rata to
  what each part's demand requires that day (whole units for counted items, largest
  remainders first, ties to the earlier part); a day with no pegged demand is unrestricted;
- a part buys only from the offers whose MPN it accepts; an offer's allocation cap and
  shelf stock are shared out between the parts that may use it, pro rata to their needs
  and floored to the order multiple;
- a part with no approved offer is not bought: exception ``no_approved_offer``, its needs
  are short;
- MRP's planned orders of a split item (the plain MRP baseline) are shared out the same
  way: each order pro rata to the parts' needs due from its due date to the next order's.

An item whose requirements all fall in one part is not split; with no ``approved_mpns``
rows for it, nothing here changes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from mrp.codes import categorical_ids, id_codes
from mrp.dataset import PlanSettings
from optimizer.purchasing.data import Offer, day_offsets, round_down_to_step

#: Separates an item id from its part number in a part's key (no item id holds it).
PART_MARK = "\x1f"


@dataclass(frozen=True)
class Part:
    """The share of one item's net requirements that one accepted set of MPNs covers."""

    key: str  # the item id when the item is not split, else item id + PART_MARK + number
    item_id: str
    accepted: frozenset[str] | None  # None: any MPN
    customers: tuple[str, ...]  # the customers whose demand it serves ("" for demand with no customer)
    need_days: np.ndarray
    need_qty: np.ndarray
    offers: tuple[Offer, ...]  # the approved ones, caps shared
    offered: tuple[Offer, ...]  # every offer of the item
    remark: str = ""  # said first on its lines' reasons (a last-time buy)

    @property
    def restricted(self) -> bool:
        return self.accepted is not None

    def note(self) -> str:
        """What its lines' reasons say first: the remark, then for a restricted part its AML."""
        return "; ".join(t for t in (self.remark, self._aml()) if t)

    def _aml(self) -> str:
        if self.accepted is None:
            return ""
        who = [c for c in self.customers if c]
        mpns = ", ".join(sorted(self.accepted))
        if len(who) == 1:
            return f"AML: customer {who[0]} accepts only MPN{'s' if len(self.accepted) > 1 else ''} {mpns}"
        return f"AML: customers {', '.join(who)} accept only MPN{'s' if len(self.accepted) > 1 else ''} {mpns}"


def accepted_mpns(approved: pd.DataFrame | None) -> dict[str, dict[str, frozenset[str]]]:
    """Per item, the MPNs each customer with rows for it accepts."""
    if approved is None or approved.empty:
        return {}
    out: dict[str, dict[str, frozenset[str]]] = {}
    for (item_id, customer_id), rows in approved.groupby(["item_id", "customer_id"], sort=True):
        out.setdefault(str(item_id), {})[str(customer_id)] = frozenset(rows.mpn.astype(str))
    return out


def aml_parts(needs: dict[str, tuple[np.ndarray, np.ndarray]], offers: dict[str, tuple[Offer, ...]],
              approved: pd.DataFrame | None, pegs: pd.DataFrame | None, counted: dict[str, bool],
              settings: PlanSettings) -> dict[str, list[Part]]:
    """The parts of every item with net requirements (one unrestricted part for most)."""
    lists = accepted_mpns(approved)
    by_day = _pegged_by_customer(pegs, set(lists) & set(needs), settings)
    out: dict[str, list[Part]] = {}
    for item_id, (days, qty) in needs.items():
        item_offers = offers.get(item_id, ())
        if item_id not in lists:
            out[item_id] = [Part(item_id, item_id, None, (), days, qty, item_offers, item_offers)]
            continue
        out[item_id] = split_item(item_id, days, qty, item_offers, lists[item_id], by_day.get(item_id, {}),
                                  counted.get(item_id, True))
    return out


def split_item(item_id: str, days: np.ndarray, qty: np.ndarray, offers: tuple[Offer, ...],
               accepted: dict[str, frozenset[str]], pegged: dict[int, dict[str, float]], counted: bool) -> list[Part]:
    """One item's parts: its net requirement of each day shared by accepted set (module docstring)."""
    def group_of(customer: str) -> frozenset[str] | None:
        return accepted.get(customer)

    share: dict[frozenset[str] | None, dict[int, float]] = {}
    customers: dict[frozenset[str] | None, set[str]] = {}
    for day, need in zip(days.tolist(), qty.tolist()):
        weights: dict[frozenset[str] | None, float] = {}
        for customer, q in pegged.get(day, {}).items():
            group = group_of(customer)
            weights[group] = weights.get(group, 0.0) + q
            customers.setdefault(group, set()).add(customer)
        weights = {g: w for g, w in weights.items() if w > 0} or {None: 1.0}
        order = sorted(weights, key=_group_order)
        for group, part in zip(order, prorate(need, [weights[g] for g in order], counted)):
            if part > 0:
                share.setdefault(group, {})[day] = part
    groups = sorted(share, key=_group_order)
    parts = []
    for n, group in enumerate(groups):
        key = item_id if len(groups) == 1 else f"{item_id}{PART_MARK}{n + 1}"
        part_days = np.array(sorted(share[group]), dtype=np.int64)
        part_qty = np.array([share[group][d] for d in part_days.tolist()], dtype=float)
        approved = tuple(o for o in offers if group is None or o.mpn in group)
        parts.append(Part(key, item_id, group, tuple(sorted(customers.get(group, ()))), part_days, part_qty,
                          approved, offers))
    return _share_caps(parts)


def prorate(total: float, weights: list[float], counted: bool) -> list[float]:
    """``total`` shared pro rata to ``weights``; for counted items in whole units, the units
    left after rounding down going to the largest remainders (ties to the earlier share)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    if not counted:
        return exact
    base = [math.floor(x + 1e-9) for x in exact]
    left = total - sum(base)
    units = int(math.floor(left + 1e-9))
    for k in sorted(range(len(exact)), key=lambda k: (-(exact[k] - base[k]), k))[:units]:
        base[k] += 1
    rest = total - sum(base)
    if rest > 1e-9:  # a fractional total: its fraction to the largest share
        base[max(range(len(base)), key=lambda k: (base[k], -k))] += rest
    return [float(b) for b in base]


def _group_order(group: frozenset[str] | None) -> tuple:
    return (group is not None, tuple(sorted(group or ())))


def _share_caps(parts: list[Part]) -> list[Part]:
    """An offer's allocation cap and shelf stock shared by the parts that may use it, pro rata to
    their total needs, floored to the offer's multiple."""
    if len(parts) < 2:
        return parts
    users: dict[Offer, list[int]] = {}
    for k, part in enumerate(parts):
        for offer in part.offers:
            users.setdefault(offer, []).append(k)
    shared = [list(p.offers) for p in parts]
    for offer, ks in users.items():
        if len(ks) < 2 or (offer.max_qty is None and offer.stock_qty <= 0):
            continue
        total = sum(float(parts[k].need_qty.sum()) for k in ks)
        for k in ks:
            fraction = float(parts[k].need_qty.sum()) / total if total > 0 else 1.0 / len(ks)
            cap = None if offer.max_qty is None else round_down_to_step(offer.max_qty * fraction, offer.step)
            stock = round_down_to_step(offer.stock_qty * fraction, offer.step)
            own = replace(offer, max_qty=cap, stock_qty=stock if stock >= offer.min_qty else 0.0)
            shared[k][parts[k].offers.index(offer)] = own
    return [replace(p, offers=tuple(o)) for p, o in zip(parts, shared)]


def _pegged_by_customer(pegs: pd.DataFrame | None, items: set[str],
                        settings: PlanSettings) -> dict[str, dict[int, dict[str, float]]]:
    """Per item and need day, what each customer's pegged demand requires ("" = no customer)."""
    if pegs is None or pegs.empty or not items:
        return {}
    frame = pegs.loc[pegs.item_id.astype(str).isin(items)]
    if frame.empty:
        return {}
    peg = pd.DataFrame({"item_id": frame.item_id.astype(str).to_numpy(), "day": day_offsets(frame.date, settings),
                        "customer": frame.customer_id.astype(object).where(frame.customer_id.notna(), "")
                        .astype(str).to_numpy(), "qty": frame.quantity.to_numpy(dtype=float)})
    out: dict[str, dict[int, dict[str, float]]] = {}
    for (item_id, day, customer), q in peg.groupby(["item_id", "day", "customer"], sort=True).qty.sum().items():
        out.setdefault(item_id, {}).setdefault(int(day), {})[customer] = float(q)
    return out


def split_pegs(pegs: pd.DataFrame | None, parts: dict[str, list[Part]]) -> pd.DataFrame | None:
    """The requirement pegs with a split item's rows renamed to the part their customer belongs to.
    ``item_id`` comes back categorical, the parts' keys added to its categories: the rows are
    renamed by code, one lookup per (item, customer) found, not a text per row."""
    split = {item_id: ps for item_id, ps in parts.items() if len(ps) > 1}
    if pegs is None or pegs.empty or not split:
        return pegs
    item = categorical_ids(pegs.item_id)
    names = item.categories.astype(str)
    codes = item.codes.astype(np.int32)
    found = names.get_indexer(list(split))
    rows = np.flatnonzero(np.isin(codes, found[found >= 0]))
    customer, customers = id_codes(pegs.customer_id.iloc[rows])
    pair, inverse = np.unique(codes[rows].astype(np.int64) * len(customers) + customer, return_inverse=True)
    key_of = {(p.item_id, c): p.key for ps in split.values() for p in ps for c in p.customers}
    unrestricted = {item_id: next((p.key for p in ps if not p.restricted), ps[0].key) for item_id, ps in split.items()}
    keys = [key_of.get((names[i], customers[c]), unrestricted[names[i]])
            for i, c in zip((pair // len(customers)).tolist(), (pair % len(customers)).tolist())]
    named = names.append(pd.Index(sorted(set(keys)), dtype=names.dtype))
    codes[rows] = named.get_indexer(keys)[inverse.reshape(-1)]
    return pegs.assign(item_id=pd.Categorical.from_codes(codes, categories=named, validate=False))


def split_orders(orders: pd.DataFrame, parts: dict[str, list[Part]], counted: dict[str, bool],
                 settings: PlanSettings) -> pd.DataFrame:
    """MRP's planned orders with each order of a split item shared out between its parts, pro rata
    to the parts' needs due from the order's due date up to the next order's (all needs when none)."""
    split = {item_id: ps for item_id, ps in parts.items() if len(ps) > 1}
    if not split:
        return orders
    keep = orders.loc[~orders.item_id.isin(list(split))]
    rows = []
    for item_id, ps in split.items():
        mine = orders.loc[orders.item_id == item_id].copy()
        if mine.empty:
            continue
        mine["split_due"] = day_offsets(mine.due_date, settings)
        mine = mine.sort_values(["split_due", "order_id"], kind="stable")
        dues = mine.split_due.tolist()
        for n, order in enumerate(mine.itertuples(index=False)):
            end = next((d for d in dues[n + 1:] if d > order.split_due), math.inf)
            weights = [float(p.need_qty[(p.need_days >= order.split_due) & (p.need_days < end)].sum()) for p in ps]
            if sum(weights) <= 0:
                weights = [float(p.need_qty.sum()) for p in ps]
            for p, q in zip(ps, prorate(float(order.quantity), weights, counted.get(item_id, True))):
                if q > 0:
                    rows.append({**order._asdict(), "item_id": p.key, "quantity": q,
                                 "order_id": f"{order.order_id}{PART_MARK}{p.key}"})
    if not rows:
        return keep
    added = pd.DataFrame(rows).drop(columns="split_due")
    return pd.concat([keep, added[list(keep.columns)]], ignore_index=True)
