"""Seeded synthetic planning datasets of any size that plan like a running EMS factory.

:func:`generate_dataset` shapes a factory like the sample one, only bigger and anonymous:
end items (box builds) over sub-assemblies over PCBAs over purchased components, with
offers, reels, open orders, demand and SMT lines. Everything is drawn from one seeded
``numpy`` generator with whole-array operations (no per-row Python), so 30,000 items and
150,000 demand lines take a few seconds, and the same arguments give identical tables.

The structure, for ``levels = L`` (low-level codes ``0 .. L-1``):

- make items sit on levels ``0 .. L-2``; level ``L-2`` are the PCBAs (the SMT items);
- every make item on level ``k >= 1`` has a parent on level ``k-1`` and every make item
  above the PCBAs a child on level ``k+1``, so the deepest chain has exactly ``L`` items;
  make items belong to the customer of their end item (boards are customer-specific);
- buy items are leaves: components (feeder parts of the PCBAs, each used at least once,
  popular ones on many boards) and mechanical parts (feeder ``false``: enclosures,
  labels, cable, hung under the upper levels, or under the PCBAs when ``L = 2``);
- edges only point one level down or to a buy item, so the BOM has no cycle.

Like a factory that has been running for a while, the near term is already supplied: the
generator estimates each item's requirements (:class:`_Requirements`, a short explosion of
the demand through the BOM and the make lead times, independent of the engine) and gives
finished goods stock for the orders inside the cumulative make lead time, component reels
for the next two weeks and open PO lines for the rest of each part's lead time. The SMT
lines are sized from the estimated board work of the first four weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
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
#: Days of the detailed SMT window the lines are sized on (the `schedule_horizon_days` default).
SMT_WINDOW_DAYS = 28
#: Share of line time the estimated board work of the SMT window fills (changeovers come on top).
SMT_TARGET_LOAD = 0.70
#: Board jobs per line and week the number of lines aims at.
SMT_TARGET_JOBS_PER_LINE_WEEK = 15
SMT_PLACEMENTS_PER_HOUR_RANGE = (8_000.0, 120_000.0)
#: Estimated requirements are covered with this margin, plus a quarter week's use on top
#: (the estimate leaves out forecast consumption and lot sizing).
COVER_MARGIN = 1.0
COVER_BUFFER_WEEKS = 0.25
#: Weeks of component requirements covered by reels on hand; open PO lines cover the rest
#: of the lead time, one line per this many weeks at most.
STOCK_WEEKS = 2
PO_BLOCK_WEEKS = 4


def generate_dataset(
    n_items: int,
    n_demands: int,
    levels: int = 3,
    seed: int = 0,
    as_of: date = DEFAULT_AS_OF,
    n_customers: int | None = None,
    n_lines: int | None = None,
    horizon_days: int = 365,
) -> Dataset:
    """A consistent random dataset of ``n_items`` items and ``n_demands`` demand lines.

    ``levels`` is the number of item levels of the deepest BOM chain (2: boards and their
    components; 3: box builds, boards, components; ...). ``n_customers`` defaults to one
    per ten end items (at least 3); ``n_lines`` (SMT lines) defaults to what the board work
    of the first four weeks needs. Deterministic in all arguments.
    """
    if levels < 2:
        raise ValueError("levels must be at least 2 (a make item and its components)")
    n_make = max(levels - 1, int(round(n_items * MAKE_SHARE)))
    if n_items < n_make + 2:
        raise ValueError(f"n_items={n_items} is too small for {levels} levels")
    if n_demands < 0 or (n_lines is not None and n_lines < 1):
        raise ValueError("n_demands must be >= 0 and n_lines >= 1")
    rng = np.random.default_rng(seed)
    n_ends = int((_make_levels(n_make, levels) == 0).sum())
    customers = _customer_ids(n_customers or max(3, n_ends // 10))
    factory = _Factory(rng, n_items, n_make, levels, as_of, customers)
    demand = factory.demand_table(n_demands)
    work_orders = factory.draw_work_orders()
    needs = _Requirements.estimate(factory, demand, work_orders, horizon_days)
    items = factory.items_table(needs)
    bom = factory.bom_table()
    suppliers = _suppliers_table(rng, max(4, min(60, n_items // 500)))
    offers = factory.offers_table(len(suppliers))
    smt_process = factory.smt_process_table(bom)
    lines = _smt_lines_table(rng, needs, smt_process, factory, n_lines)
    smt_process = _restrict_lines(rng, smt_process, lines)
    cover = factory.cover(needs, items, offers)
    ems = _EmsBuying(np.random.default_rng([seed, EMS_STREAM]), factory, items, offers)
    return Dataset(
        settings=PlanSettings(as_of=as_of, horizon_days=horizon_days),
        items=ems.items,
        bom=bom,
        demand=demand,
        inventory=factory.inventory_table(needs, cover, items),
        purchase_orders=factory.purchase_orders_table(cover),
        work_orders=factory.work_orders_table(work_orders, lines),
        suppliers=suppliers,
        supplier_offers=ems.offers,
        smt_lines=lines,
        smt_process=smt_process,
        customers=ems.customers,
        approved_mpns=ems.approved_mpns,
    )


#: The EMS buying data is drawn from its own stream (seeded by the seed and this number), so
#: it leaves every other table exactly as without it.
EMS_STREAM = 18
#: Material authorisation windows drawn per customer (None: all forecast authorised).
AUTHORISATION_DAYS = (None, 60, 90, 90, 120, 180)
#: Offers of parts with at least this lead time are NCNR with probability NCNR_SHARE.
NCNR_MIN_LEAD_DAYS = 112
NCNR_SHARE = 0.5
AML_SHARE = 0.03  # of buy items with two or more offers: a second source and an AML
EOL_SHARE, NRND_SHARE = 0.01, 0.02


class _EmsBuying:
    """Customers with their authorisation windows, second-source MPNs with a customer's AML,
    NCNR offers on long-lead parts, and end-of-life parts with a last-time-buy date."""

    def __init__(self, rng: np.random.Generator, factory: _Factory, items: pd.DataFrame, offers: pd.DataFrame):
        customers = factory.customers
        days = [AUTHORISATION_DAYS[k] for k in rng.integers(0, len(AUTHORISATION_DAYS), len(customers))]
        self.customers = schema_frame("customers", {
            "customer_id": customers, "name": [f"Customer {c.removeprefix('CUST-')}" for c in customers.astype(str)],
            "material_authorisation_days": [np.nan if d is None else float(d) for d in days],
        })
        offers = offers.copy()
        offer_key = (offers["supplier_id"] + "|" + offers["item_id"]).to_numpy()
        keys, first = np.unique(offer_key, return_index=True)
        long_lead = offers["lead_time_days"].to_numpy()[first] >= NCNR_MIN_LEAD_DAYS
        ncnr = long_lead & (rng.random(len(keys)) < NCNR_SHARE)
        offers["ncnr"] = np.isin(offer_key, keys[ncnr])
        self.offers, self.approved_mpns = self._second_sources(rng, factory, offers)
        self.items = self._lifecycle(rng, factory, items)

    @staticmethod
    def _second_sources(rng: np.random.Generator, factory: _Factory,
                        offers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """On a few items with two or more offers, the second supplier (by id) sells another
        maker's part (the MPN + ``-ALT``); one customer whose board uses the item approves only
        the first MPN."""
        suppliers = offers.groupby("item_id", sort=True)["supplier_id"].unique()
        several = suppliers[suppliers.map(len) > 1]
        chosen = several.index.to_numpy(dtype=object)[rng.random(len(several)) < AML_SHARE]
        second = pd.Series({item: sorted(several[item])[1] for item in chosen}, dtype=object)
        original = offers.loc[offers["item_id"].isin(chosen)].drop_duplicates("item_id").set_index("item_id")["mpn"]
        alt = (offers["item_id"].map(second) == offers["supplier_id"]).to_numpy()
        offers.loc[alt, "mpn"] = offers.loc[alt, "mpn"] + "-ALT"
        edges = factory.edges
        parent_of = pd.Series(edges["parent"].to_numpy(), index=factory.item_ids[edges["child"].to_numpy()])
        parent_of = parent_of[~parent_of.index.duplicated()]
        customer = factory.customers[factory.make_customer[parent_of.reindex(chosen).to_numpy(dtype=np.int64)]]
        aml = schema_frame("approved_mpns", {
            "customer_id": customer.astype(str).tolist(), "item_id": [str(i) for i in chosen],
            "mpn": [str(m) for m in original.reindex(chosen)],
        })
        return offers, aml

    @staticmethod
    def _lifecycle(rng: np.random.Generator, factory: _Factory, items: pd.DataFrame) -> pd.DataFrame:
        """1 % of bought parts end-of-life, with a last-time buy 30–180 days after as_of; 2 % NRND."""
        items = items.copy()
        buy = (items["type"] == "buy").to_numpy()
        draw = rng.random(len(items))
        eol = buy & (draw < EOL_SHARE)
        nrnd = buy & (draw >= EOL_SHARE) & (draw < EOL_SHARE + NRND_SHARE)
        items["lifecycle"] = pd.Series(np.where(eol, "eol", np.where(nrnd, "nrnd", "active")), index=items.index,
                                       dtype=object)
        last_buy = pd.Series(_dates(factory.as_of, rng.integers(30, 181, len(items))).astype("datetime64[ns]"))
        items["last_time_buy_date"] = last_buy.where(eol).to_numpy()
        return items


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


def _round_up(quantity: np.ndarray, multiple: np.ndarray) -> np.ndarray:
    """``quantity`` rounded up to a whole multiple of ``multiple`` (element by element)."""
    return np.ceil(quantity / multiple - 1e-9) * multiple


@dataclass
class _Requirements:
    """The generator's own estimate of what the demand asks of each item, day by day.

    Demand is taken after forecast consumption (:func:`_after_consumption`).
    ``make_release[i, d]``: units of make item ``i`` started on day ``d`` (days counted
    from ``as_of``), each day's need started its lead time plus its lot pull
    (:meth:`_Factory.lot_pull_days`) earlier and divided by its yield, planned work orders
    on their start day; ``buy_weekly[j, w]``: units of buy item ``j`` used in week ``w``;
    ``make_stock``: goods on hand that cover what each make item is needed for inside its
    cumulative lead time (plus a week), so that nothing has to start before today. Lot
    sizing enters only as that average pull: the cover adds a buffer.
    """

    make_release: np.ndarray
    buy_weekly: np.ndarray
    make_stock: np.ndarray

    @classmethod
    def estimate(cls, factory: _Factory, demand: pd.DataFrame, work_orders: dict[str, np.ndarray],
                 horizon_days: int) -> _Requirements:
        n_days = horizon_days + 1
        offset = (demand["due_date"].to_numpy("datetime64[D]") - np.datetime64(factory.as_of, "D")).astype(int)
        forecast = demand["kind"].to_numpy(dtype=str) == "forecast"
        kept = (offset <= horizon_days) & ~(forecast & (offset < 0))
        item = factory.index_of(demand["item_id"].to_numpy(dtype=str))
        quantity = _after_consumption(item, offset, demand["quantity"].to_numpy(), forecast,
                                      demand["priority"].to_numpy())
        independent = np.zeros((factory.n_make, n_days))
        np.add.at(independent, (item[kept], np.maximum(offset[kept], 0)), quantity[kept])
        in_cover = np.arange(n_days)[None, :] < (factory.cumulative_lead_days() + 7)[:, None]
        need = independent
        make_stock = np.zeros(factory.n_make)
        release = np.zeros_like(need)
        planned = work_orders["status"] == "planned"
        wo_item = work_orders["item"][planned]
        wo_start = np.clip(work_orders["start"][planned], 0, n_days - 1)
        make_edges = factory.edges[factory.edges["child"].to_numpy() < factory.n_make]
        start_offset = factory.make_lead_days + factory.lot_pull_days()
        for level in range(factory.levels - 1):
            members = factory.level_members(level)
            make_stock[members] = (need[members] * in_cover[members]).sum(axis=1)
            need[members] *= ~in_cover[members]
            release[members] = _started(need[members], start_offset[members], factory.make_yield[members])
            on_level = np.isin(wo_item, members)
            np.add.at(release, (wo_item[on_level], wo_start[on_level]), work_orders["quantity"][planned][on_level])
            edges = make_edges[np.isin(make_edges["parent"].to_numpy(), members)]
            np.add.at(need, edges["child"].to_numpy(),
                      edges["qty_per"].to_numpy()[:, None] * release[edges["parent"].to_numpy()])
        return cls(make_release=release, buy_weekly=factory.component_weeks(release), make_stock=make_stock)

    def board_work(self, boards: np.ndarray, window_days: int) -> np.ndarray:
        """Units of each board started in the first ``window_days`` days."""
        return self.make_release[boards, :window_days].sum(axis=1)

    def board_weeks_active(self, boards: np.ndarray, window_days: int) -> np.ndarray:
        """Weeks of the window in which each board has units to start."""
        weeks = window_days // 7
        per_week = self.make_release[boards, : weeks * 7].reshape(len(boards), weeks, 7).sum(axis=2)
        return (per_week > 0).sum(axis=1)


def _after_consumption(item: np.ndarray, day: np.ndarray, quantity: np.ndarray, forecast: np.ndarray,
                       priority: np.ndarray, back_days: int = 30, forward_days: int = 30) -> np.ndarray:
    """Each demand line's quantity once orders have consumed forecast (MRP rule 1, in short):
    orders in date order take forecast of their item (each item has one customer here) within
    ``[day - back_days, day + forward_days]``, backwards from their day, then forwards."""
    left = quantity.astype(float).copy()
    rows = np.flatnonzero(forecast)
    rows = rows[np.lexsort((rows, day[rows], item[rows]))]
    span = int(day.max() - day.min()) + back_days + forward_days + 2 if len(day) else 1
    key = item[rows].astype(np.int64) * span + (day[rows] - (day.min() if len(day) else 0))
    orders = np.flatnonzero(~forecast)
    orders = orders[np.lexsort((orders, priority[orders], day[orders]))]
    base = day.min() if len(day) else 0
    for row in orders:
        at = int(item[row]) * span + int(day[row] - base)
        first = np.searchsorted(key, at - back_days, side="left")
        last = np.searchsorted(key, at + forward_days, side="right")
        if first == last:
            continue
        window = rows[first:last]
        before = day[window] <= day[row]
        wanted = left[row]
        for candidate in np.concatenate([window[before][::-1], window[~before]]):
            taken = min(wanted, left[candidate])
            left[candidate] -= taken
            wanted -= taken
            if wanted <= 0:
                break
    return left


def _started(need: np.ndarray, lead_days: np.ndarray, yield_pct: np.ndarray) -> np.ndarray:
    """Each row's need moved its lead time earlier (the start day) and divided by its yield."""
    n_days = need.shape[1]
    columns = np.arange(n_days)[None, :] + lead_days[:, None]
    shifted = np.take_along_axis(need, np.minimum(columns, n_days - 1), axis=1) * (columns < n_days)
    # Whatever is due inside the lead time can only start today.
    shifted[:, 0] += np.where(np.arange(n_days)[None, :] < lead_days[:, None], need, 0.0).sum(axis=1)
    return shifted / (yield_pct[:, None] / 100.0)


@dataclass
class _Cover:
    """What keeps the near term supplied: reels of each buy item and open PO lines."""

    stock: np.ndarray  # units on hand per buy item
    po_item: np.ndarray  # buy item index per PO line
    po_week: np.ndarray
    po_quantity: np.ndarray
    po_supplier: np.ndarray
    po_price: np.ndarray


class _Factory:
    """The item master and BOM drawn once; the tables that refer to items derive from it."""

    def __init__(self, rng: np.random.Generator, n_items: int, n_make: int, levels: int, as_of: date,
                 customers: np.ndarray):
        self.rng = rng
        self.as_of = as_of
        self.levels = levels
        self.customers = customers
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
        self.make_lead_days = rng.integers(1, 6, n_make)
        self.make_yield = rng.choice(np.array([97.0, 98, 98.5, 99, 99.5, 100]), n_make)
        # PCBAs built weekly (some fortnightly, some in fixed lots), upper levels weekly or L4L.
        board = self.make_level == levels - 2
        draw = rng.random(n_make)
        self.make_rule = np.where(board, np.where(draw < 0.85, "POQ", "FOQ"),
                                  np.where(draw < 0.6, "POQ", np.where(draw < 0.9, "L4L", "FOQ")))
        self.make_period_days = np.where(board & (rng.random(n_make) < 0.2), 14, 7)
        self.make_customer = np.zeros(n_make, dtype=np.int64)
        self._draw_bom()

    def level_members(self, level: int) -> np.ndarray:
        """Indices (into ``item_ids``) of the make items on ``level``."""
        return np.flatnonzero(self.make_level == level)

    def index_of(self, item_ids: np.ndarray) -> np.ndarray:
        """Positions of make item ids (make ids sort in index order within each prefix)."""
        order = np.argsort(self.item_ids[: self.n_make], kind="stable")
        return order[np.searchsorted(self.item_ids[: self.n_make][order], item_ids)]

    # --- BOM -------------------------------------------------------------------------
    def _draw_bom(self) -> None:
        rng = self.rng
        parents, children, qty, feeder = [], [], [], []
        ends = self.level_members(0)
        self.make_customer[ends] = rng.integers(0, len(self.customers), len(ends))
        for level in range(self.levels - 2):
            upper, lower = self.level_members(level), self.level_members(level + 1)
            first_parent = upper[rng.integers(0, len(upper), len(lower))]
            self.make_customer[lower] = self.make_customer[first_parent]
            p = np.concatenate([first_parent, upper])
            c = np.concatenate([lower, self._child_of_same_customer(upper, lower)])
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

    def _child_of_same_customer(self, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
        """A child for every upper item, of its own customer where that customer has one."""
        rng = self.rng
        by_customer = lower[np.argsort(self.make_customer[lower], kind="stable")]
        sorted_customers = self.make_customer[by_customer]
        customer = self.make_customer[upper]
        first = np.searchsorted(sorted_customers, customer, side="left")
        count = np.searchsorted(sorted_customers, customer, side="right") - first
        own = by_customer[np.minimum(first + (rng.random(len(upper)) * np.maximum(count, 1)).astype(int),
                                     len(lower) - 1)]
        return np.where(count > 0, own, lower[rng.integers(0, len(lower), len(upper))])

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

    def lot_pull_days(self) -> np.ndarray:
        """How much earlier, on average, a make item's lot starts than the needs it covers,
        weighted by quantity: a quarter of its POQ period, half a week for FOQ (lots of about
        two weeks), none for L4L (measured against the engine on generated factories)."""
        return np.select([self.make_rule == "POQ", self.make_rule == "FOQ"], [self.make_period_days // 4, 3], 0)

    def cumulative_lead_days(self) -> np.ndarray:
        """Each make item's lead time (and lot pull) plus the longest of its make children's."""
        own = self.make_lead_days + self.lot_pull_days()
        cumulative = own.astype(np.int64).copy()
        make_edges = self.edges[self.edges["child"].to_numpy() < self.n_make]
        for level in range(self.levels - 3, -1, -1):
            on_level = make_edges[self.make_level[make_edges["parent"].to_numpy()] == level]
            longest = np.zeros(self.n_make, dtype=np.int64)
            np.maximum.at(longest, on_level["parent"].to_numpy(), cumulative[on_level["child"].to_numpy()])
            members = self.level_members(level)
            cumulative[members] = own[members] + longest[members]
        return cumulative

    def component_weeks(self, release: np.ndarray) -> np.ndarray:
        """Weekly use of each buy item by the make items' starts, with attrition and setup loss."""
        n_weeks = -(-release.shape[1] // 7)
        padded = np.zeros((release.shape[0], n_weeks * 7))
        padded[:, : release.shape[1]] = release
        weekly = padded.reshape(release.shape[0], n_weeks, 7).sum(axis=2)
        buy_edges = self.edges[self.edges["child"].to_numpy() >= self.n_make]
        parent = buy_edges["parent"].to_numpy()
        use = buy_edges["qty_per"].to_numpy()[:, None] * weekly[parent] * 1.05 + 25.0 * (weekly[parent] > 0)
        out = np.zeros((self.n_buy, n_weeks))
        np.add.at(out, buy_edges["child"].to_numpy() - self.n_make, use)
        return out

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
    def items_table(self, needs: _Requirements) -> pd.DataFrame:
        """Lot rules as a planner sets them: PCBAs built weekly (POQ 7, some fortnightly),
        upper levels weekly or lot-for-lot, most bought parts on POQ of two to eight weeks,
        reel parts often lot-for-lot (the reel multiple makes the lot), a few FOQ."""
        rng = self.rng
        n_make, n_buy = self.n_make, self.n_buy
        n = n_make + n_buy
        is_make = np.arange(n) < n_make
        component = np.concatenate([np.zeros(n_make, bool), ~self.is_mechanical])
        counted = np.concatenate([np.ones(n_make, bool), self.uom == "pcs"])
        reel_qty = np.concatenate([np.zeros(n_make), self.reel_qty]).astype(float)
        draw = rng.random(n_buy)
        rule = np.concatenate([self.make_rule, np.where(
            self.reel_qty > 0,
            np.where(draw < 0.25, "L4L", np.where(draw < 0.92, "POQ", "FOQ")),
            np.where(draw < 0.15, "L4L", np.where(draw < 0.85, "POQ", "FOQ")),
        )])
        make_period = np.concatenate([self.make_period_days, np.zeros(n_buy)]).astype(float)
        buy_period = rng.choice(np.array([14.0, 28, 56]), n, p=[0.25, 0.55, 0.20])
        weekly = np.concatenate([needs.make_release.sum(axis=1) / 52.0, needs.buy_weekly[:, :52].mean(axis=1)])
        lot_step = np.where(reel_qty > 0, reel_qty, np.where(is_make, 10.0, 100.0))
        lot_size = np.maximum(_round_up(np.where(is_make, 2.0, 4.0) * weekly, lot_step), lot_step)
        safety = ~is_make & (rng.random(n) < 0.10)
        description = np.concatenate([
            np.array(["Box build", "Sub-assembly", "PCBA"])[
                np.where(self.make_level == self.levels - 2, 2, np.where(self.make_level == 0, 0, 1))],
            np.where(self.is_mechanical, "Mechanical part", "SMT component"),
        ])
        frame = schema_frame("items", {
            "item_id": self.item_ids,
            "description": np.char.add(np.char.add(description.astype(str), " "), self.item_ids),
            "type": np.where(is_make, "make", "buy"),
            "uom": np.concatenate([np.full(n_make, "pcs"), self.uom]),
            "lead_time_days": np.concatenate([self.make_lead_days, self.buy_lead_days]),
            "safety_stock": np.where(safety, np.maximum(100.0, _round_up(weekly, np.full(n, 100.0))), 0.0),
            "lot_rule": rule,
            "lot_size": np.where(rule == "FOQ", lot_size, np.nan),
            "lot_period_days": np.where(rule == "POQ", np.where(is_make, make_period, buy_period), np.nan),
            "min_order_qty": np.where(
                ~is_make & (reel_qty == 0) & (rng.random(n) < 0.2), rng.choice(np.array([100.0, 500, 1000]), n), 0.0
            ),
            "order_multiple": np.where(reel_qty > 0, reel_qty, np.nan),
            "attrition_pct": np.where(component, rng.choice(np.array([0.0, 0.5, 1, 2, 3, 5]), n), 0.0),
            "setup_loss_qty": np.where(component & counted, rng.choice(np.array([0.0, 2, 5, 10, 20, 25]), n), 0.0),
            "yield_pct": np.concatenate([self.make_yield, np.full(n_buy, 100.0)]),
            "min_usable_qty": np.where(
                (reel_qty > 0) & (rng.random(n) < 0.25), rng.choice(np.array([100.0, 200, 300]), n), 0.0
            ),
        })
        return frame.sort_values("item_id", ignore_index=True)

    # --- demand ----------------------------------------------------------------------
    def demand_table(self, n_demands: int) -> pd.DataFrame:
        """Firm orders over the next eight weeks (3 % past due), weekly forecasts (Mondays)
        from week six to beyond the horizon (2 % expired); 5 % of lines are spare boards or
        sub-assemblies. Each line is its item's customer's."""
        rng = self.rng
        ends = self.level_members(0)
        spare = rng.random(n_demands) < 0.05
        item = np.where(spare, rng.integers(0, self.n_make, n_demands), ends[rng.integers(0, len(ends), n_demands)])
        forecast = rng.random(n_demands) < 0.6
        order_day = np.where(rng.random(n_demands) < 0.03, rng.integers(-10, 0, n_demands),
                             rng.integers(0, 57, n_demands))
        monday = (7 - self.as_of.weekday()) % 7
        forecast_day = np.where(rng.random(n_demands) < 0.02, rng.integers(-14, 0, n_demands),
                                monday + 7 * rng.integers(6, 62, n_demands))
        quantity = np.where(forecast, rng.integers(2, 40, n_demands) * 5, rng.integers(1, 100, n_demands))
        return schema_frame("demand", {
            "demand_id": _ids("D", np.arange(1, n_demands + 1), max(6, len(str(n_demands)))),
            "customer_id": self.customers[self.make_customer[item]],
            "item_id": self.item_ids[item],
            "due_date": _dates(self.as_of, np.where(forecast, forecast_day, order_day)),
            "quantity": quantity.astype(float),
            "kind": np.where(forecast, "forecast", "order"),
            "priority": rng.choice(np.array([10, 50, 100]), n_demands, p=[0.05, 0.15, 0.80]),
        })

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
        first_break = np.maximum(np.maximum(moq, multiple), 1.0)
        # An allocation is never below what the offer sells at least.
        max_qty = np.where(rng.random(n_off) < 0.02,
                           np.maximum(rng.integers(1, 50, n_off) * 1000.0, first_break), np.nan)
        price = self.base_price[buy] * rng.uniform(0.8, 1.6, n_off)
        n_breaks = rng.integers(2, 5, n_off)
        row = np.repeat(np.arange(n_off), n_breaks)
        step = np.arange(len(row)) - np.repeat(np.cumsum(n_breaks) - n_breaks, n_breaks)
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

    def cover(self, needs: _Requirements, items: pd.DataFrame, offers: pd.DataFrame) -> _Cover:
        """Reels for the first ``STOCK_WEEKS`` weeks (plus safety stock) and PO lines for the
        weeks up to one week past each part's planning lead time (that of its offer with the
        lowest price at the smallest break, as MRP takes it), each line as late as it can be."""
        first = offers.drop_duplicates(["supplier_id", "item_id", "mpn"])
        best = first.sort_values(["item_id", "unit_price", "lead_time_days", "supplier_id"], kind="stable")
        best = best.drop_duplicates("item_id")
        buy_ids = self.item_ids[self.n_make:]
        position = np.searchsorted(buy_ids, best["item_id"].to_numpy(dtype=str))
        lead = self.buy_lead_days.astype(np.int64).copy()
        lead[position] = best["lead_time_days"].to_numpy()
        step = np.ones(self.n_buy)
        step[position] = np.maximum(best["order_multiple"].to_numpy(), 1.0)
        smallest = np.ones(self.n_buy)
        smallest[position] = best["break_qty"].to_numpy()
        supplier = np.full(self.n_buy, "", dtype=object)
        supplier[position] = best["supplier_id"].to_numpy()
        price = np.zeros(self.n_buy)
        price[position] = best["unit_price"].to_numpy()
        master = items.set_index("item_id").loc[buy_ids]
        safety = master["safety_stock"].to_numpy()
        reel = np.where(self.reel_qty > 0, self.reel_qty, 1.0)
        weeks = needs.buy_weekly.shape[1]
        # No offer: no PO can be open, so reels cover the whole lead time.
        covered_weeks = np.minimum(np.ceil((lead + 7) / 7).astype(int), weeks)
        stock_weeks = np.where(self.has_offer, np.minimum(STOCK_WEEKS, covered_weeks), covered_weeks)
        buffer = COVER_BUFFER_WEEKS * needs.buy_weekly[:, :13].mean(axis=1)
        cumulative = np.cumsum(needs.buy_weekly, axis=1) * COVER_MARGIN + (safety + buffer)[:, None]
        at = np.maximum(stock_weeks - 1, 0)
        stock = np.where(stock_weeks > 0, _round_up(cumulative[np.arange(self.n_buy), at], reel), 0.0)
        supply = stock.copy()
        po_item, po_week, po_qty = [], [], []
        for week in range(STOCK_WEEKS, weeks):
            due = (week < covered_weeks) & self.has_offer & (cumulative[:, week] > supply + 1e-9)
            if not due.any():
                continue
            block_end = np.minimum(week + PO_BLOCK_WEEKS, covered_weeks) - 1
            wanted = cumulative[np.arange(self.n_buy), block_end] - supply
            quantity = np.maximum(_round_up(wanted, step), smallest)
            chosen = np.flatnonzero(due)
            po_item.append(chosen)
            po_week.append(np.full(len(chosen), week))
            po_qty.append(quantity[chosen])
            supply[chosen] += quantity[chosen]
        po_items = np.concatenate(po_item) if po_item else np.zeros(0, dtype=np.int64)
        return _Cover(
            stock=stock,
            po_item=po_items,
            po_week=np.concatenate(po_week) if po_week else np.zeros(0, dtype=np.int64),
            po_quantity=np.concatenate(po_qty) if po_qty else np.zeros(0),
            po_supplier=supplier[po_items].astype(str),
            po_price=price[po_items],
        )

    def inventory_table(self, needs: _Requirements, cover: _Cover, items: pd.DataFrame) -> pd.DataFrame:
        """Make items on hand for what they are needed for inside their cumulative lead time; full
        reels (or one lot) of each buy item for its first weeks; and, on 15 % of buy items,
        one more reel that planning must treat specially: quarantine, hold, consigned to a
        customer, moisture-sensitive (some need a bake) or too short to load."""
        rng = self.rng
        n_make = self.n_make
        make = np.flatnonzero(needs.make_stock > 0)
        make_qty = np.ceil(needs.make_stock[make])
        reel = self.reel_qty.astype(float)
        full_reels = np.where(reel > 0, np.ceil(cover.stock / np.where(reel > 0, reel, 1.0) - 1e-9), 0).astype(int)
        lots = np.where((reel == 0) & (cover.stock > 0), 1, 0)
        per_buy = full_reels + lots
        buy = np.repeat(np.arange(self.n_buy), per_buy)
        buy_qty = np.where(reel[buy] > 0, reel[buy], cover.stock[buy])
        special = np.flatnonzero(rng.random(self.n_buy) < 0.15)
        kinds = np.array(["quarantine", "hold", "consigned", "msl", "short"])
        kind = rng.choice(kinds, len(special), p=[0.2, 0.1, 0.25, 0.3, 0.15])
        kind[: len(kinds)] = kinds[: len(kind)]  # each situation at least once
        min_usable = items.set_index("item_id").loc[self.item_ids[n_make + special], "min_usable_qty"].to_numpy()
        kind = np.where((kind == "short") & (min_usable == 0), "quarantine", kind)
        special_qty = np.where(kind == "short", np.floor(min_usable / 2),
                               np.where(reel[special] > 0, reel[special], rng.integers(1, 20, len(special)) * 50.0))
        item = np.concatenate([make, n_make + buy, n_make + special])
        n = len(item)
        quantity = np.concatenate([make_qty, buy_qty, special_qty])
        kind_all = np.concatenate([np.full(len(make) + len(buy), "normal"), kind])
        msl = kind_all == "msl"
        floor_life = np.where(msl, rng.choice(np.array([0.0, 12.5, 48, 96, 168, np.nan]), n), np.nan)
        floor_life[np.flatnonzero(msl)[:1]] = 0.0  # one reel needs a bake
        week = np.char.zfill(rng.integers(1, 53, n).astype(str), 2)
        year_week = np.char.add(rng.integers(24, 27, n).astype(str), week)
        consigned = kind_all == "consigned"
        status = np.where(np.isin(kind_all, ["quarantine", "hold"]), kind_all, "available")
        return schema_frame("inventory", {
            "reel_id": _ids("R", np.arange(1, n + 1), max(6, len(str(n)))),
            "item_id": self.item_ids[item],
            "quantity": quantity,
            "owner": np.where(consigned, self.customers[rng.integers(0, len(self.customers), n)], "company"),
            "status": status,
            "location": np.char.add(
                np.where(msl, "DRY-", np.where(item >= n_make, "SMD-", "FG-")),
                np.char.zfill(rng.integers(1, 400, n).astype(str), 3),
            ),
            "date_code": year_week,
            "lot": _ids("L", rng.integers(0, 10_000_000, n), 7),
            "msl_level": np.where(msl, rng.choice(np.array(["2a", "3", "3", "3", "4", "5a"]), n), ""),
            "floor_life_hours_left": floor_life,
        })

    def purchase_orders_table(self, cover: _Cover) -> pd.DataFrame:
        """The open PO lines of the cover, due on the first day of their week, on the offer
        MRP plans the part on; up to four lines per PO of one supplier, in due-date order."""
        order = np.lexsort((cover.po_item, cover.po_week, cover.po_supplier))
        supplier = cover.po_supplier[order]
        week = cover.po_week[order]
        frame = pd.DataFrame({"supplier": supplier, "week": week})
        within = frame.groupby("supplier").cumcount().to_numpy()
        po_number = frame.groupby([frame["supplier"], within // 4], sort=True).ngroup().to_numpy()
        n = len(order)
        return schema_frame("purchase_orders", {
            "po_id": _ids("PO-", po_number + 1, max(5, len(str(n)))),
            "line": (within % 4 + 1).astype(str),
            "item_id": self.item_ids[self.n_make + cover.po_item[order]],
            "supplier_id": supplier,
            "quantity_open": cover.po_quantity[order],
            "due_date": _dates(self.as_of, 7 * week),
            "unit_price": cover.po_price[order],
        })

    def draw_work_orders(self) -> dict[str, np.ndarray]:
        """Open work orders on 5 % of make items: released ones started in the last ten days,
        planned ones starting in the next four weeks."""
        rng = self.rng
        n_wo = min(self.n_make, max(4, self.n_make // 20))
        item = np.sort(rng.choice(self.n_make, n_wo, replace=False))
        released = rng.random(n_wo) < 0.4
        released[0], released[-1] = True, False  # both kinds; the last is a board when any is
        start = np.where(released, rng.integers(-10, 0, n_wo), rng.integers(0, 30, n_wo))
        return {
            "item": item,
            "status": np.where(released, "released", "planned"),
            "start": start,
            "due": start + rng.integers(2, 8, n_wo),
            "quantity": rng.integers(1, 100, n_wo) * 10.0,
        }

    def work_orders_table(self, drawn: dict[str, np.ndarray], lines: pd.DataFrame) -> pd.DataFrame:
        """The drawn work orders; half the board orders prefer a line, and the first planned
        board order is pinned to the widest line."""
        rng = self.rng
        item = drawn["item"]
        n_wo = len(item)
        released = drawn["status"] == "released"
        customer = np.full(n_wo, "", dtype=object)
        at_top = self.make_level[item] == 0
        customer[at_top] = self.customers[self.make_customer[item[at_top]]]
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
            "quantity_open": drawn["quantity"],
            "start_date": _dates(self.as_of, drawn["start"]),
            "due_date": _dates(self.as_of, drawn["due"]),
            "status": drawn["status"],
            "customer_id": customer,
            "line_id": line,
            "pinned": pinned,
        })

    def smt_process_table(self, bom: pd.DataFrame) -> pd.DataFrame:
        """Every PCBA runs on SMT; placements = its current feeder parts per board (lines that
        an engineering change ends are left out); any line for now (see ``_restrict_lines``)."""
        boards = self.level_members(self.levels - 2)
        feeder_lines = bom[bom["feeder"].to_numpy() & bom["valid_to"].isna().to_numpy()]
        placements = feeder_lines.groupby("parent_id")["qty_per"].sum()
        board_ids = self.item_ids[boards]
        per_board = placements.reindex(board_ids, fill_value=0.0).to_numpy()
        return schema_frame("smt_process", {
            "item_id": board_ids,
            "placements_per_board": np.maximum(per_board, 1.0),
            "line_ids": np.full(len(boards), ""),
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


def _smt_lines_table(rng: np.random.Generator, needs: _Requirements, smt_process: pd.DataFrame,
                     factory: _Factory, n_lines: int | None) -> pd.DataFrame:
    """Lines sized on the estimated board work of the first ``SMT_WINDOW_DAYS`` days: as many
    lines as give about ``SMT_TARGET_JOBS_PER_LINE_WEEK`` board jobs per line and week (unless
    ``n_lines`` is given; more or fewer where the line speed would leave
    ``SMT_PLACEMENTS_PER_HOUR_RANGE``), then placements per hour set so that the work fills
    ``SMT_TARGET_LOAD`` of their time."""
    boards = factory.level_members(factory.levels - 2)
    per_board = smt_process["placements_per_board"].to_numpy()
    placements = float((needs.board_work(boards, SMT_WINDOW_DAYS) * per_board).sum())
    jobs = float(needs.board_weeks_active(boards, SMT_WINDOW_DAYS).sum())
    low, high = SMT_PLACEMENTS_PER_HOUR_RANGE
    if n_lines is None:
        line_hours = SMT_TARGET_LOAD * SMT_WINDOW_DAYS * 20.0  # 16 and 24 hour lines, on average
        fewest = int(np.ceil(placements / (line_hours * high * 0.9)))
        most = int(placements / (line_hours * low * 1.1))
        by_jobs = int(round(jobs / (SMT_TARGET_JOBS_PER_LINE_WEEK * SMT_WINDOW_DAYS / 7)))
        n_lines = max(1, min(max(by_jobs, fewest), max(fewest, most)))
    hours = rng.choice(np.array([16.0, 24.0]), n_lines)
    speed = rng.uniform(0.6, 1.4, n_lines)
    scale = placements / (SMT_TARGET_LOAD * SMT_WINDOW_DAYS * float((speed * hours).sum()))
    placements_per_hour = np.clip(np.round(speed * max(scale, 1.0) / 500.0) * 500.0, low, high)
    return schema_frame("smt_lines", {
        "line_id": _ids("SMT", np.arange(1, n_lines + 1), 1),
        "placements_per_hour": placements_per_hour,
        "feeder_slots": np.array([160, 120, 80])[np.arange(n_lines) % 3].astype("int64"),
        "hours_per_day": hours,
        "changeover_base_minutes": rng.choice(np.array([15.0, 20, 25, 30]), n_lines),
        "minutes_per_feeder_change": rng.choice(np.array([1.5, 2, 2.5]), n_lines),
    })


def _restrict_lines(rng: np.random.Generator, smt_process: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """A quarter of the boards may run only on one or two named lines."""
    n = len(smt_process)
    line_ids = lines["line_id"].to_numpy(dtype=str)
    first = line_ids[rng.integers(0, len(line_ids), n)]
    second = line_ids[rng.integers(0, len(line_ids), n)]
    pair = np.where(first < second, np.char.add(np.char.add(first, ";"), second), first)
    restricted = rng.random(n) < 0.25
    return schema_frame("smt_process", {
        "item_id": smt_process["item_id"].to_numpy(),
        "placements_per_board": smt_process["placements_per_board"].to_numpy(),
        "line_ids": np.where(restricted, pair, ""),
    })
