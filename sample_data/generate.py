"""Seeded synthetic planning datasets of any size, for scale tests and benchmarks.

:func:`generate_dataset` shapes a factory like the sample one, only bigger and anonymous:
end items (box builds) over sub-assemblies over PCBAs over purchased components, with
offers, reels, open orders, demand and SMT lines. Everything is drawn from one seeded
``numpy`` generator with whole-array operations (no per-row Python), so 30,000 items and
150,000 demand lines take a second or two, and the same arguments give identical tables.

The structure, for ``levels = L`` (low-level codes ``0 .. L-1``):

- make items sit on levels ``0 .. L-2``; level ``L-2`` are the PCBAs (the SMT items);
- every make item on level ``k >= 1`` has a parent on level ``k-1`` and every make item
  above the PCBAs a child on level ``k+1``, so the deepest chain has exactly ``L`` items;
- buy items are leaves: components (feeder parts of the PCBAs, each used at least once,
  popular ones on many boards) and mechanical parts (feeder ``false``: enclosures,
  labels, cable, hung under the upper levels, or under the PCBAs when ``L = 2``);
- edges only point one level down or to a buy item, so the BOM has no cycle.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from mrp.dataset import Dataset, PlanSettings
from sample_data.tables import schema_frame

DEFAULT_AS_OF = date(2026, 11, 23)
#: Share of make items among all items (a contract manufacturer buys most of its parts).
MAKE_SHARE = 0.08
#: Share of buy items that are mechanical parts rather than SMT components.
MECHANICAL_SHARE = 0.06
#: Share of buy items without any supplier offer (reported ``no_offer``).
NO_OFFER_SHARE = 0.03
REEL_QUANTITIES = np.array([2500, 3000, 4000, 5000, 10000, 15000])
BUY_LEAD_TIMES_DAYS = np.array([7, 14, 21, 28, 42, 56, 84, 112, 182, 364])
BUY_LEAD_TIME_WEIGHTS = np.array([4, 10, 12, 14, 12, 10, 10, 8, 6, 2], dtype=float)
MANUFACTURERS = np.array(
    ["Murata", "Yageo", "Samsung", "TDK", "Vishay", "Texas Instruments", "STMicroelectronics",
     "Nexperia", "onsemi", "Analog Devices", "Microchip", "Molex", "TE Connectivity", "Wurth"]
)
MPN_PREFIXES = np.array(
    ["GRM", "RC", "CL", "C", "CRCW", "TPS", "STM", "PMV", "NC", "ADP", "PIC", "MX", "TE", "WE"]
)


def generate_dataset(
    n_items: int,
    n_demands: int,
    levels: int = 3,
    seed: int = 0,
    as_of: date = DEFAULT_AS_OF,
    n_customers: int | None = None,
    n_lines: int = 3,
    horizon_days: int = 365,
) -> Dataset:
    """A consistent random dataset of ``n_items`` items and ``n_demands`` demand lines.

    ``levels`` is the number of item levels of the deepest BOM chain (2: boards and their
    components; 3: box builds, boards, components; ...). ``n_customers`` defaults to one
    per ten end items (at least 3). Deterministic in all arguments.
    """
    if levels < 2:
        raise ValueError("levels must be at least 2 (a make item and its components)")
    n_make = max(levels - 1, int(round(n_items * MAKE_SHARE)))
    if n_items < n_make + 2:
        raise ValueError(f"n_items={n_items} is too small for {levels} levels")
    if n_demands < 0 or n_lines < 1:
        raise ValueError("n_demands must be >= 0 and n_lines >= 1")
    rng = np.random.default_rng(seed)
    factory = _Factory(rng, n_items, n_make, levels, as_of)
    customers = _customer_ids(n_customers or max(3, len(factory.level_members(0)) // 10))
    end_item_customer = customers[rng.integers(0, len(customers), len(factory.level_members(0)))]
    items = factory.items_table()
    bom = factory.bom_table()
    suppliers = _suppliers_table(rng, max(4, min(60, n_items // 500)))
    offers = factory.offers_table(len(suppliers))
    lines = _smt_lines_table(rng, n_lines)
    return Dataset(
        settings=PlanSettings(as_of=as_of, horizon_days=horizon_days),
        items=items,
        bom=bom,
        demand=factory.demand_table(n_demands, end_item_customer, customers),
        inventory=factory.inventory_table(customers),
        purchase_orders=_purchase_orders_table(rng, offers, as_of),
        work_orders=factory.work_orders_table(end_item_customer, lines),
        suppliers=suppliers,
        supplier_offers=offers,
        smt_lines=lines,
        smt_process=factory.smt_process_table(bom, lines),
    )


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded ids, e.g. ``P-000042``, for a whole array of numbers at once."""
    digits = np.asarray(numbers).astype(str)
    if digits.size == 0:
        return digits
    return np.char.add(prefix, np.char.zfill(digits, width))


def _dates(as_of: date, offsets_days: np.ndarray) -> np.ndarray:
    return np.datetime64(as_of, "D") + np.asarray(offsets_days).astype("timedelta64[D]")


def _customer_ids(n: int) -> np.ndarray:
    return _ids("CUST-", np.arange(1, n + 1), max(3, len(str(n))))


class _Factory:
    """The item master and BOM drawn once; the tables that refer to items derive from it."""

    def __init__(self, rng: np.random.Generator, n_items: int, n_make: int, levels: int, as_of: date):
        self.rng = rng
        self.as_of = as_of
        self.levels = levels
        self.width = len(str(n_items))
        self.make_level = _make_levels(n_make, levels)
        n_buy = n_items - n_make
        self.n_make = n_make
        self.n_buy = n_buy
        self.is_mechanical = rng.random(n_buy) < MECHANICAL_SHARE
        self.is_mechanical[0] = False  # at least one SMT component
        prefixes = np.where(self.make_level == levels - 2, "PCBA-", np.where(self.make_level == 0, "FG-", "SA-"))
        make_ids = np.char.add(prefixes.astype(str), np.char.zfill(np.arange(1, n_make + 1).astype(str), self.width))
        buy_ids = _ids("P-", np.arange(1, n_buy + 1), self.width)
        self.item_ids = np.concatenate([make_ids, buy_ids])
        self.uom = np.where(self.is_mechanical & (rng.random(n_buy) < 0.15), "m", "pcs")
        self.reel_qty = np.where(
            ~self.is_mechanical & (rng.random(n_buy) < 0.45),
            REEL_QUANTITIES[rng.integers(0, len(REEL_QUANTITIES), n_buy)],
            0,
        )
        self.base_price = np.round(np.exp(rng.normal(-2.5, 2.0, n_buy)), 4).clip(0.0005, 250.0)
        lead_weights = BUY_LEAD_TIME_WEIGHTS / BUY_LEAD_TIME_WEIGHTS.sum()
        self.buy_lead_days = rng.choice(BUY_LEAD_TIMES_DAYS, n_buy, p=lead_weights)
        self.has_offer = rng.random(n_buy) >= NO_OFFER_SHARE
        self.has_offer[0] = True
        self._draw_bom()

    def level_members(self, level: int) -> np.ndarray:
        """Indices (into ``item_ids``) of the make items on ``level``."""
        return np.flatnonzero(self.make_level == level)

    # --- BOM -------------------------------------------------------------------------
    def _draw_bom(self) -> None:
        rng = self.rng
        parents, children, qty, feeder = [], [], [], []
        for level in range(self.levels - 2):
            upper, lower = self.level_members(level), self.level_members(level + 1)
            p = np.concatenate([upper[rng.integers(0, len(upper), len(lower))], upper])
            c = np.concatenate([lower, lower[rng.integers(0, len(lower), len(upper))]])
            parents.append(p)
            children.append(c)
            qty.append(np.where(rng.random(len(p)) < 0.85, 1.0, 2.0))
            feeder.append(np.zeros(len(p), dtype=bool))
        boards = self.level_members(self.levels - 2)
        components = self.n_make + np.flatnonzero(~self.is_mechanical)
        mechanical = self.n_make + np.flatnonzero(self.is_mechanical)
        # Every component on one board; popular ones (low rank) on many more.
        extra_per_board = rng.poisson(15, len(boards))
        rank_weight = 1.0 / (np.arange(len(components)) + 10.0)
        extra = rng.choice(components, extra_per_board.sum(), p=rank_weight / rank_weight.sum())
        p = np.concatenate([boards[rng.integers(0, len(boards), len(components))], np.repeat(boards, extra_per_board)])
        c = np.concatenate([components, extra])
        parents.append(p)
        children.append(c)
        qty.append(rng.choice(np.array([1.0, 1, 1, 2, 2, 3, 4, 6, 8, 12, 16, 24]), len(p)))
        feeder.append(np.ones(len(p), dtype=bool))
        upper = np.flatnonzero(self.make_level < self.levels - 2)
        if len(upper) == 0:
            upper = boards
        p = upper[rng.integers(0, len(upper), len(mechanical))]
        parents.append(p)
        children.append(mechanical)
        metres = self.uom[mechanical - self.n_make] == "m"
        pieces = rng.integers(1, 5, len(p)).astype(float)
        qty.append(np.where(metres, np.round(rng.uniform(0.2, 2.5, len(p)), 2), pieces))
        feeder.append(np.zeros(len(p), dtype=bool))
        edges = pd.DataFrame({
            "parent": np.concatenate(parents), "child": np.concatenate(children),
            "qty_per": np.concatenate(qty), "feeder": np.concatenate(feeder),
        }).drop_duplicates(["parent", "child"]).reset_index(drop=True)
        self.edges = self._with_engineering_changes(edges, components)

    def _with_engineering_changes(self, edges: pd.DataFrame, components: np.ndarray) -> pd.DataFrame:
        """About 1 % of feeder lines end on a change date and a replacement part starts then."""
        rng = self.rng
        n = len(edges)
        changed = np.flatnonzero(edges["feeder"].to_numpy() & (rng.random(n) < 0.01))
        change_day = _dates(self.as_of, rng.integers(20, 240, len(changed)))
        valid_from = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        valid_to = valid_from.copy()
        valid_to[changed] = change_day
        replacement = edges.iloc[changed].copy()
        replacement["child"] = components[rng.integers(0, len(components), len(changed))]
        edges = edges.assign(valid_from=valid_from, valid_to=valid_to)
        replacement = replacement.assign(valid_from=change_day, valid_to=np.datetime64("NaT"))
        return pd.concat([edges, replacement], ignore_index=True)

    def bom_table(self) -> pd.DataFrame:
        rng = self.rng
        e = self.edges
        n = len(e)
        override = rng.random(n) < 0.02
        frame = schema_frame("bom", {
            "parent_id": self.item_ids[e["parent"].to_numpy()],
            "child_id": self.item_ids[e["child"].to_numpy()],
            "qty_per": e["qty_per"].to_numpy(),
            "attrition_pct": np.where(override & e["feeder"].to_numpy(), 5.0, np.nan),
            "setup_loss_qty": np.where(override & e["feeder"].to_numpy(), 30.0, np.nan),
            "feeder": e["feeder"].to_numpy(),
            "valid_from": e["valid_from"].to_numpy(),
            "valid_to": e["valid_to"].to_numpy(),
        })
        return frame.sort_values(["parent_id", "child_id", "valid_from"], kind="stable", ignore_index=True)

    # --- item master -----------------------------------------------------------------
    def items_table(self) -> pd.DataFrame:
        rng = self.rng
        n_make, n_buy = self.n_make, self.n_buy
        n = n_make + n_buy
        is_make = np.arange(n) < n_make
        component = np.concatenate([np.zeros(n_make, bool), ~self.is_mechanical])
        counted = np.concatenate([np.ones(n_make, bool), self.uom == "pcs"])
        rule = np.where(
            is_make,
            rng.choice(np.array(["L4L", "FOQ", "POQ"]), n, p=[0.85, 0.10, 0.05]),
            rng.choice(np.array(["L4L", "FOQ", "POQ"]), n, p=[0.55, 0.15, 0.30]),
        )
        reel_qty = np.concatenate([np.zeros(n_make), self.reel_qty]).astype(float)
        level_names = np.array(["Box build", "Sub-assembly", "PCBA"])
        make_kind = np.where(self.make_level == self.levels - 2, 2, np.where(self.make_level == 0, 0, 1))
        buy_kind = np.where(self.is_mechanical, "Mechanical part", "SMT component")
        description = np.concatenate([level_names[make_kind], buy_kind])
        frame = schema_frame("items", {
            "item_id": self.item_ids,
            "description": np.char.add(np.char.add(description.astype(str), " "), self.item_ids),
            "type": np.where(is_make, "make", "buy"),
            "uom": np.concatenate([np.full(n_make, "pcs"), self.uom]),
            "lead_time_days": np.concatenate([rng.integers(1, 6, n_make), self.buy_lead_days]),
            "safety_stock": np.where(~is_make & (rng.random(n) < 0.10), rng.integers(1, 20, n) * 100.0, 0.0),
            "lot_rule": rule,
            "lot_size": np.where(rule == "FOQ", rng.choice(np.array([100.0, 500, 1000, 5000]), n), np.nan),
            "lot_period_days": np.where(rule == "POQ", rng.choice(np.array([7.0, 14, 28]), n), np.nan),
            "min_order_qty": np.where(
                ~is_make & (rng.random(n) < 0.2), rng.choice(np.array([100.0, 500, 1000]), n), 0.0
            ),
            "order_multiple": np.where(reel_qty > 0, reel_qty, np.nan),
            "attrition_pct": np.where(component, rng.choice(np.array([0.0, 0.5, 1, 2, 3, 5]), n), 0.0),
            "setup_loss_qty": np.where(component & counted, rng.choice(np.array([0.0, 2, 5, 10, 20, 25]), n), 0.0),
            "yield_pct": np.where(is_make, rng.choice(np.array([97.0, 98, 98.5, 99, 99.5, 100]), n), 100.0),
            "min_usable_qty": np.where(
                (reel_qty > 0) & (rng.random(n) < 0.25), rng.choice(np.array([100.0, 200, 300]), n), 0.0
            ),
        })
        return frame.sort_values("item_id", ignore_index=True)

    # --- demand ----------------------------------------------------------------------
    def demand_table(self, n_demands: int, end_item_customer: np.ndarray, customers: np.ndarray) -> pd.DataFrame:
        """Orders mostly in the next six months, forecasts over 14 (some beyond the horizon),
        a few past due; 5 % of lines are spare boards or sub-assemblies."""
        rng = self.rng
        ends = self.level_members(0)
        spare = rng.random(n_demands) < 0.05
        which_end = rng.integers(0, len(ends), n_demands)
        item = np.where(spare, rng.integers(0, self.n_make, n_demands), ends[which_end])
        customer = np.where(spare, customers[rng.integers(0, len(customers), n_demands)], end_item_customer[which_end])
        forecast = rng.random(n_demands) < 0.55
        offset = np.where(forecast, rng.integers(-15, 425, n_demands), rng.integers(-20, 180, n_demands))
        quantity = np.where(forecast, rng.integers(5, 200, n_demands) * 10, rng.integers(1, 500, n_demands))
        frame = schema_frame("demand", {
            "demand_id": _ids("D", np.arange(1, n_demands + 1), max(6, len(str(n_demands)))),
            "customer_id": customer,
            "item_id": self.item_ids[item],
            "due_date": _dates(self.as_of, offset),
            "quantity": quantity.astype(float),
            "kind": np.where(forecast, "forecast", "order"),
            "priority": rng.choice(np.array([10, 50, 100]), n_demands, p=[0.05, 0.15, 0.80]),
        })
        return frame

    # --- inventory -------------------------------------------------------------------
    def inventory_table(self, customers: np.ndarray) -> pd.DataFrame:
        """Reels of 70 % of the buy items (1-3 each) and finished goods of 10 % of make items."""
        rng = self.rng
        n_make = self.n_make
        stocked = np.concatenate([
            np.flatnonzero(rng.random(n_make) < 0.10),
            n_make + np.flatnonzero(rng.random(self.n_buy) < 0.70),
        ])
        item = np.repeat(stocked, rng.choice(np.array([1, 1, 1, 2, 2, 3]), len(stocked)))
        n = len(item)
        buy = item >= n_make
        reel_qty = np.where(buy, self.reel_qty[np.maximum(item - n_make, 0)], 0)
        quantity = np.where(
            reel_qty > 0,
            np.round(reel_qty * rng.uniform(0.0, 1.0, n) ** 0.7),
            rng.integers(1, 2000, n),
        ).astype(float)
        msl = buy & (reel_qty == 0) & (rng.random(n) < 0.25)
        msl_level = np.where(msl, rng.choice(np.array(["2a", "3", "3", "3", "4", "5a"]), n), "")
        floor_life = np.where(
            msl, rng.choice(np.array([0.0, 12.5, 48, 96, 168, np.nan]), n, p=[0.2, 0.1, 0.15, 0.15, 0.2, 0.2]), np.nan
        )
        consigned = buy & (rng.random(n) < 0.05)
        week = np.char.zfill(rng.integers(1, 53, n).astype(str), 2)
        year_week = np.char.add(rng.integers(24, 27, n).astype(str), week)
        frame = schema_frame("inventory", {
            "reel_id": _ids("R", np.arange(1, n + 1), max(6, len(str(n)))),
            "item_id": self.item_ids[item],
            "quantity": quantity,
            "owner": np.where(consigned, customers[rng.integers(0, len(customers), n)], "company"),
            "status": rng.choice(np.array(["available", "quarantine", "hold"]), n, p=[0.95, 0.03, 0.02]),
            "location": np.char.add(
                np.where(msl, "DRY-", np.where(buy, "SMD-", "FG-")),
                np.char.zfill(rng.integers(1, 400, n).astype(str), 3),
            ),
            "date_code": year_week,
            "lot": _ids("L", rng.integers(0, 10_000_000, n), 7),
            "msl_level": msl_level,
            "floor_life_hours_left": floor_life,
        })
        return frame

    # --- supply side -----------------------------------------------------------------
    def offers_table(self, n_suppliers: int) -> pd.DataFrame:
        """1-3 offers (distinct suppliers) per offered buy item, 2-4 all-units breaks each."""
        rng = self.rng
        offered = np.flatnonzero(self.has_offer)
        per_item = rng.choice(np.array([1, 2, 3]), len(offered), p=[0.5, 0.35, 0.15])
        buy = np.repeat(offered, per_item)
        n_off = len(buy)
        rank = np.arange(n_off) - np.repeat(np.cumsum(per_item) - per_item, per_item)
        supplier = (rng.integers(0, n_suppliers, len(offered))[np.searchsorted(offered, buy)] + rank) % n_suppliers
        manufacturer = rng.integers(0, len(MANUFACTURERS), self.n_buy)
        mpn = np.char.add(
            np.char.add(MPN_PREFIXES[manufacturer], rng.integers(1000, 99999, self.n_buy).astype(str)),
            rng.choice(np.array(["-TR", "RGTR", "KA88D", "FR-07L", "-7", "T6", "DBVR"]), self.n_buy),
        )
        reel = self.reel_qty[buy].astype(float)
        full_reels = np.where(rng.random(n_off) < 0.5, reel, 1.0)
        multiple = np.where(reel > 0, full_reels, rng.choice(np.array([1.0, 1, 10, 100]), n_off))
        moq = np.where(rng.random(n_off) < 0.4, multiple * rng.choice(np.array([1.0, 2, 5]), n_off), 0.0)
        lead_factor = rng.choice(np.array([0.25, 0.5, 1.0, 1.0, 1.25]), n_off)
        lead = np.clip(np.round(self.buy_lead_days[buy] * lead_factor), 1, BUY_LEAD_TIMES_DAYS.max())
        stock = np.where(rng.random(n_off) < 0.4, rng.integers(0, 200, n_off) * np.maximum(multiple, 10.0), np.nan)
        max_qty = np.where(rng.random(n_off) < 0.02, rng.integers(1, 50, n_off) * 1000.0, np.nan)
        price = self.base_price[buy] * rng.uniform(0.8, 1.6, n_off)
        n_breaks = rng.integers(2, 5, n_off)
        row = np.repeat(np.arange(n_off), n_breaks)
        step = np.arange(len(row)) - np.repeat(np.cumsum(n_breaks) - n_breaks, n_breaks)
        first_break = np.maximum(np.maximum(moq, multiple), 1.0)
        frame = schema_frame("supplier_offers", {
            "supplier_id": _ids("SUP-", supplier[row] + 1, 3),
            "item_id": self.item_ids[self.n_make + buy[row]],
            "mpn": mpn[buy[row]],
            "manufacturer": MANUFACTURERS[manufacturer[buy[row]]],
            "lead_time_days": lead[row].astype("int64"),
            "min_order_qty": moq[row],
            "order_multiple": multiple[row],
            "break_qty": first_break[row] * np.array([1.0, 10, 100, 1000])[step],
            "unit_price": np.maximum(np.round(price[row] * np.array([1.0, 0.86, 0.74, 0.65])[step], 5), 0.0001),
            "stock_qty": stock[row],
            "stock_lead_time_days": np.full(len(row), 2, dtype="int64"),
            "max_qty": max_qty[row],
        })
        return frame.sort_values(["supplier_id", "item_id", "break_qty"], ignore_index=True)

    def work_orders_table(self, end_item_customer: np.ndarray, lines: pd.DataFrame) -> pd.DataFrame:
        """Open work orders on 5 % of make items; the first planned board order is pinned."""
        rng = self.rng
        n_wo = min(self.n_make, max(4, self.n_make // 20))
        item = np.sort(rng.choice(self.n_make, n_wo, replace=False))
        released = rng.random(n_wo) < 0.4
        start = np.where(released, rng.integers(-10, 0, n_wo), rng.integers(0, 30, n_wo))
        due = start + rng.integers(2, 8, n_wo)
        ends = self.level_members(0)
        customer = np.full(n_wo, "", dtype=object)
        at_top = self.make_level[item] == 0
        customer[at_top] = end_item_customer[np.searchsorted(ends, item[at_top])]
        board = self.make_level[item] == self.levels - 2
        line_ids = lines["line_id"].to_numpy(dtype=str)
        line = np.where(board & (rng.random(n_wo) < 0.5), line_ids[rng.integers(0, len(line_ids), n_wo)], "")
        pinned = np.zeros(n_wo, dtype=bool)
        candidates = np.flatnonzero(board & ~released)
        if len(candidates):
            pinned[candidates[0]] = True
            line[candidates[0]] = line_ids[int(np.argmax(lines["feeder_slots"].to_numpy()))]
        return schema_frame("work_orders", {
            "wo_id": _ids("WO-", np.arange(1, n_wo + 1), max(5, len(str(n_wo)))),
            "item_id": self.item_ids[item],
            "quantity_open": rng.integers(1, 100, n_wo) * 10.0,
            "start_date": _dates(self.as_of, start),
            "due_date": _dates(self.as_of, due),
            "status": np.where(released, "released", "planned"),
            "customer_id": customer,
            "line_id": line,
            "pinned": pinned,
        })

    def smt_process_table(self, bom: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
        """Every PCBA runs on SMT; placements = its current feeder parts per board (lines that
        an engineering change ends are left out), a quarter restricted to one or two lines."""
        rng = self.rng
        boards = self.level_members(self.levels - 2)
        feeder_lines = bom[bom["feeder"].to_numpy() & bom["valid_to"].isna().to_numpy()]
        placements = feeder_lines.groupby("parent_id")["qty_per"].sum()
        board_ids = self.item_ids[boards]
        per_board = placements.reindex(board_ids, fill_value=0.0).to_numpy()
        line_ids = lines["line_id"].to_numpy(dtype=str)
        first = line_ids[rng.integers(0, len(line_ids), len(boards))]
        second = line_ids[rng.integers(0, len(line_ids), len(boards))]
        pair = np.where(first < second, np.char.add(np.char.add(first, ";"), second), first)
        restricted = rng.random(len(boards)) < 0.25
        return schema_frame("smt_process", {
            "item_id": board_ids,
            "placements_per_board": np.maximum(per_board, 1.0),
            "line_ids": np.where(restricted, pair, ""),
        })


def _make_levels(n_make: int, levels: int) -> np.ndarray:
    """Level of each make item: half are PCBAs, the rest spread evenly over the upper levels."""
    if levels == 2:
        return np.zeros(n_make, dtype=np.int64)
    n_boards = max(1, min(n_make // 2, n_make - (levels - 2)))
    upper = np.arange(n_make - n_boards) % (levels - 2)
    return np.sort(np.concatenate([upper, np.full(n_boards, levels - 2)]))


def _suppliers_table(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Suppliers; roughly one in ten, and always the first, asks a minimum order value."""
    min_value = np.where(rng.random(n) < 0.1, rng.choice(np.array([250.0, 500, 1000]), n), np.nan)
    min_value[0] = 500.0
    numbers = np.arange(1, n + 1)
    return schema_frame("suppliers", {
        "supplier_id": _ids("SUP-", numbers, 3),
        "name": _ids("Supplier ", numbers, 3),
        "on_time_pct": np.round(rng.uniform(80, 99.5, n), 1),
        "min_order_value": min_value,
    })


def _smt_lines_table(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return schema_frame("smt_lines", {
        "line_id": _ids("SMT", np.arange(1, n + 1), 1),
        "placements_per_hour": rng.integers(50, 121, n) * 500.0,
        "feeder_slots": np.array([160, 120, 80])[np.arange(n) % 3].astype("int64"),
        "hours_per_day": rng.choice(np.array([16.0, 24.0]), n),
        "changeover_base_minutes": rng.choice(np.array([15.0, 20, 25, 30]), n),
        "minutes_per_feeder_change": rng.choice(np.array([1.5, 2, 2.5]), n),
    })


def _purchase_orders_table(rng: np.random.Generator, offers: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Open PO lines on a quarter of the offers, up to four lines per PO of one supplier."""
    first_breaks = offers.drop_duplicates(["supplier_id", "item_id", "mpn"]).reset_index(drop=True)
    chosen = first_breaks[rng.random(len(first_breaks)) < 0.25].reset_index(drop=True)
    n = len(chosen)
    within = chosen.groupby("supplier_id").cumcount().to_numpy()
    po_number = chosen.groupby([chosen["supplier_id"], within // 4], sort=True).ngroup().to_numpy()
    lot = np.maximum(chosen["break_qty"].to_numpy(), 1.0)
    return schema_frame("purchase_orders", {
        "po_id": _ids("PO-", po_number + 1, max(5, len(str(n)))),
        "line": (within % 4 + 1).astype(str),
        "item_id": chosen["item_id"].to_numpy(),
        "supplier_id": chosen["supplier_id"].to_numpy(),
        "quantity_open": lot * rng.integers(1, 6, n),
        "due_date": _dates(as_of, rng.integers(-15, 150, n)),
        "unit_price": chosen["unit_price"].to_numpy(),
    })
