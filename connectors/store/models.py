"""The store's tables (SQLModel): the dataset, its settings, plans by run, runs and decisions.

The store holds the datasets of several sites (factories) side by side. Dataset tables
mirror :data:`mrp.dataset.TABLES` column for column (same names, same meaning; a test holds
them together), plus ``site``, the site the row belongs to, and ``row_no``, the row's
position in the dataset, so an export gives the rows back in the order they were imported.
Tables with a key in the schema use ``site`` and that key as primary key; ``bom`` has none
and is keyed by ``site`` and ``row_no``. A store of one factory has one site, ``default``.

There are no foreign keys between dataset tables: the dataset is checked as a whole by the
validation stage of every run (the same checks as the CSV reader), which reports every
problem at once instead of failing on the first insert.

Plan tables hold the outputs of :data:`mrp.plan.PLAN_COLUMNS` and the rough-cut capacity
(:data:`mrp.plan.CAPACITY_LOAD_COLUMNS`), one set per run (``run_id``);
a run plans one site (``planning_runs.site``), and which run is a site's published plan is
recorded in ``current_plan`` (one row per site). Decisions and pins belong to the run they
were taken on, hence to its site.

Datetimes are stored without a time zone: run and decision timestamps in UTC, schedule
times (job starts, pins) in the factory's local time like the dataset's dates.

The initial Alembic revision (``migrations/versions/0001_initial.py``) creates exactly these
tables; a test compares the migrated database with this module.
"""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

#: The site of a store that holds one factory; commands plan it when no site is given.
DEFAULT_SITE = "default"
#: The ``site`` of store-wide rows (the purchase order counter); no site may be named so.
STORE_WIDE = ""


def _site_key() -> Any:
    return Field(default=DEFAULT_SITE, primary_key=True)


class Site(SQLModel, table=True):
    """A site (factory) whose dataset the store holds; ``default`` is always there.

    ``imported_at`` (UTC) is when its dataset was last imported (None: never).
    """

    __tablename__ = "sites"

    name: str = Field(primary_key=True)
    imported_at: dt.datetime | None = Field(default=None, sa_type=DateTime)


# --- dataset -----------------------------------------------------------------------------


class Item(SQLModel, table=True):
    __tablename__ = "items"

    site: str = _site_key()
    item_id: str = Field(primary_key=True)
    row_no: int = 0
    description: str = ""
    type: str
    uom: str = "pcs"
    lead_time_days: int = 0
    safety_stock: float = 0.0
    lot_rule: str = "L4L"
    lot_size: float | None = None
    lot_period_days: int | None = None
    min_order_qty: float = 0.0
    order_multiple: float | None = None
    attrition_pct: float = 0.0
    setup_loss_qty: float = 0.0
    yield_pct: float = 100.0
    min_usable_qty: float = 0.0
    lifecycle: str = "active"
    last_time_buy_date: dt.date | None = None


class BomLine(SQLModel, table=True):
    __tablename__ = "bom"

    site: str = _site_key()
    row_no: int = Field(primary_key=True)
    parent_id: str = Field(index=True)
    child_id: str = Field(index=True)
    qty_per: float
    attrition_pct: float | None = None
    setup_loss_qty: float | None = None
    ref_des: str = ""
    feeder: bool = True
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class Demand(SQLModel, table=True):
    __tablename__ = "demand"

    site: str = _site_key()
    demand_id: str = Field(primary_key=True)
    row_no: int = 0
    customer_id: str
    item_id: str = Field(index=True)
    due_date: dt.date
    quantity: float
    kind: str = "order"
    priority: int = 100


class Reel(SQLModel, table=True):
    """One reel, tray, tube or lot on hand (``inventory.csv``)."""

    __tablename__ = "inventory"

    site: str = _site_key()
    reel_id: str = Field(primary_key=True)
    row_no: int = 0
    item_id: str = Field(index=True)
    quantity: float
    owner: str = "company"
    status: str = "available"
    location: str = ""
    date_code: str = ""
    lot: str = ""
    msl_level: str = ""
    floor_life_hours_left: float | None = None


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_orders"

    site: str = _site_key()
    po_id: str = Field(primary_key=True)
    line: str = Field(default="1", primary_key=True)
    row_no: int = 0
    item_id: str = Field(index=True)
    supplier_id: str = ""
    quantity_open: float
    due_date: dt.date
    unit_price: float | None = None


class WorkOrder(SQLModel, table=True):
    __tablename__ = "work_orders"

    site: str = _site_key()
    wo_id: str = Field(primary_key=True)
    row_no: int = 0
    item_id: str = Field(index=True)
    quantity_open: float
    start_date: dt.date | None = None
    due_date: dt.date
    status: str = "planned"
    customer_id: str = ""
    line_id: str = ""
    pinned: bool = False


class Supplier(SQLModel, table=True):
    __tablename__ = "suppliers"

    site: str = _site_key()
    supplier_id: str = Field(primary_key=True)
    row_no: int = 0
    name: str = ""
    on_time_pct: float | None = None
    min_order_value: float | None = None


class OfferBreak(SQLModel, table=True):
    """One price break of a supplier offer (``supplier_offers.csv``)."""

    __tablename__ = "supplier_offers"

    site: str = _site_key()
    supplier_id: str = Field(primary_key=True)
    item_id: str = Field(primary_key=True)
    mpn: str = Field(default="", primary_key=True)
    break_qty: float = Field(primary_key=True)
    row_no: int = 0
    manufacturer: str = ""
    lead_time_days: int
    min_order_qty: float = 0.0
    order_multiple: float = 1.0
    unit_price: float
    stock_qty: float | None = None
    stock_lead_time_days: int = 2
    max_qty: float | None = None
    ncnr: bool = False


class SmtLine(SQLModel, table=True):
    __tablename__ = "smt_lines"

    site: str = _site_key()
    line_id: str = Field(primary_key=True)
    row_no: int = 0
    placements_per_hour: float
    feeder_slots: int
    hours_per_day: float = 16.0
    changeover_base_minutes: float = 20.0
    minutes_per_feeder_change: float = 2.0


class SmtProcess(SQLModel, table=True):
    __tablename__ = "smt_process"

    site: str = _site_key()
    item_id: str = Field(primary_key=True)
    row_no: int = 0
    placements_per_board: float
    line_ids: str = ""


class Customer(SQLModel, table=True):
    """A customer of the EMS and how far ahead it authorises material for its forecast."""

    __tablename__ = "customers"

    site: str = _site_key()
    customer_id: str = Field(primary_key=True)
    row_no: int = 0
    name: str = ""
    material_authorisation_days: int | None = None


class ApprovedMpn(SQLModel, table=True):
    """One manufacturer part number a customer approves for one of its items (its AML)."""

    __tablename__ = "approved_mpns"

    site: str = _site_key()
    customer_id: str = Field(primary_key=True)
    item_id: str = Field(primary_key=True)
    mpn: str = Field(primary_key=True)
    row_no: int = 0


class PlanSetting(SQLModel, table=True):
    """One plan parameter of :class:`mrp.dataset.PlanSettings`, as text (ISO dates, ``HH:MM``)."""

    __tablename__ = "plan_settings"

    site: str = _site_key()
    key: str = Field(primary_key=True)
    value: str


#: dataset table name -> its model, in the order of :data:`mrp.dataset.TABLES`.
DATASET_MODELS: dict[str, type[SQLModel]] = {
    model.__tablename__: model
    for model in (
        Item, BomLine, Demand, Reel, PurchaseOrderLine, WorkOrder, Supplier, OfferBreak, SmtLine, SmtProcess, Customer,
        ApprovedMpn,
    )
}
#: Columns the store adds to every dataset table.
STORE_COLUMNS = ("site", "row_no")

# --- runs ----------------------------------------------------------------------------------


class PlanningRun(SQLModel, table=True):
    """One planning run of one site: what it did, how long each stage took, and how it ended.

    ``status`` is ``running``, ``published`` or ``failed`` (a scenario run: ``finished``);
    ``stage`` is the stage running (or the one that failed). Times are UTC.
    """

    __tablename__ = "planning_runs"

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(default=DEFAULT_SITE, index=True)
    trigger: str = "manual"
    status: str = Field(default="running", index=True)
    stage: str = ""
    as_of: dt.date
    started_at: dt.datetime = Field(sa_type=DateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=DateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=DateTime)
    host: str = ""
    pid: int = 0
    error: str = Field(default="", sa_type=Text)
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    stage_seconds: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    costs: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    #: Plan tables this run produced (a skipped stage leaves its tables out).
    tables: list[str] = Field(default_factory=list, sa_type=JSON)
    #: The scenario this run planned ("" for a run of the store's dataset as it is); a scenario
    #: run ends ``finished``, never ``published``.
    scenario: str = Field(default="", index=True)
    #: The submitter's token of a run handed to an engine: a task run again (its worker died)
    #: finds its run by this token, so the run is recorded once.
    request_token: str | None = Field(default=None, unique=True, index=True)


class Scenario(SQLModel, table=True):
    """A what-if question: the store's dataset with a list of changes (``jobs.scenarios``), not a copy of it."""

    __tablename__ = "scenarios"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = Field(default="", sa_type=Text)
    #: The changes in order, each ``{"kind": ..., <parameter>: <value>, ...}``.
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    created_by: str = ""
    created_at: dt.datetime = Field(sa_type=DateTime)


class CurrentPlan(SQLModel, table=True):
    """A site's published plan: one row per site pointing at a run of it; switched in one transaction."""

    __tablename__ = "current_plan"

    site: str = Field(default=DEFAULT_SITE, primary_key=True)
    run_id: int = Field(foreign_key="planning_runs.id")
    published_at: dt.datetime = Field(sa_type=DateTime)


# --- plan outputs, one set per run ---------------------------------------------------------


def _run_id() -> Any:
    """A plan row's run: the first column of the primary key, with no foreign key to
    ``planning_runs``, so a publish of millions of rows does not look its run up once per row.

    The store keeps the rows true to their runs itself: it writes them only in the transaction
    that publishes (or stores) their run, after the run was recorded, and deletes them when it
    archives the run (:mod:`connectors.store.plans`); run records are never deleted.
    """
    return Field(sa_column=Column(Integer, primary_key=True))


class PlannedOrderRow(SQLModel, table=True):
    __tablename__ = "plan_planned_orders"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    order_id: str | None = None
    item_id: str | None = None
    type: str | None = None
    customer_id: str | None = None
    quantity: float | None = None
    release_date: dt.date | None = None
    due_date: dt.date | None = None
    receipt_quantity: float | None = None
    available_date: dt.date | None = None
    priority: int | None = None


class SuggestionRow(SQLModel, table=True):
    __tablename__ = "plan_purchase_suggestions"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    suggestion_id: str | None = None
    item_id: str | None = None
    supplier_id: str | None = None
    mpn: str | None = None
    quantity: float | None = None
    order_date: dt.date | None = None
    receipt_date: dt.date | None = None
    unit_price: float | None = None
    extended_price: float | None = None
    from_stock: bool | None = None
    # the buyer's reasons (optimizer.purchasing.explain.REASON_COLUMNS)
    lead_time_days: int | None = None
    reason: str | None = Field(default=None, sa_type=Text)
    serves: str | None = Field(default=None, sa_type=Text)
    demands: str | None = Field(default=None, sa_type=Text)
    customers: str | None = Field(default=None, sa_type=Text)
    days_late: int | None = None
    late_qty: float | None = None
    surplus_qty: float | None = None
    alternative: str | None = Field(default=None, sa_type=Text)
    alternative_cost_difference: float | None = None
    unauthorised_value: float | None = None  # NCNR exposure of the line (optimizer.purchasing.liability)


class ScheduleRow(SQLModel, table=True):
    __tablename__ = "plan_schedule"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    job_id: str | None = None
    item_id: str | None = None
    quantity: float | None = None
    line_id: str | None = None
    setup_start: dt.datetime | None = Field(default=None, sa_type=DateTime)
    start: dt.datetime | None = Field(default=None, sa_type=DateTime)
    end: dt.datetime | None = Field(default=None, sa_type=DateTime)
    due: dt.datetime | None = Field(default=None, sa_type=DateTime)
    changeover_minutes: float | None = None
    tardiness_minutes: float | None = None
    clear_to_build: bool | None = None


class ExceptionRow(SQLModel, table=True):
    __tablename__ = "plan_exceptions"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    type: str | None = None
    item_id: str | None = None
    ref_id: str | None = None
    date: dt.date | None = None
    quantity: float | None = None
    message: str | None = Field(default=None, sa_type=Text)


class PeggingRow(SQLModel, table=True):
    __tablename__ = "plan_pegging"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    demand_id: str | None = None
    item_id: str | None = None
    supply_type: str | None = None
    supply_id: str | None = None
    quantity: float | None = None
    level: int | None = None


class MrpRecordRow(SQLModel, table=True):
    __tablename__ = "plan_mrp_records"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    item_id: str | None = None
    date: dt.date | None = None
    gross: float | None = None
    scheduled_receipts: float | None = None
    projected_on_hand: float | None = None
    net: float | None = None
    planned_receipts: float | None = None
    planned_releases: float | None = None


class LiabilityRow(SQLModel, table=True):
    """A purchase line's part pegged to one customer's demand, authorised or not (NCNR liability)."""

    __tablename__ = "plan_liability"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    customer_id: str | None = None
    item_id: str | None = None
    source: str | None = None
    ref_id: str | None = None
    quantity: float | None = None
    value: float | None = None
    ncnr: bool | None = None
    authorised: bool | None = None


class CapacityLoadRow(SQLModel, table=True):
    """Rough-cut SMT capacity: hours loaded on a line in a week (Monday) beyond the detailed
    window, with the hours the line works that week (``capacity_load.csv``)."""

    __tablename__ = "plan_capacity_load"

    run_id: int = _run_id()
    row_no: int = Field(primary_key=True)
    line_id: str | None = None
    week_start: dt.date | None = None
    load_hours: float | None = None
    available_hours: float | None = None
    utilisation_pct: float | None = None


#: plan table name (as in :data:`mrp.plan.PLAN_COLUMNS`, and ``capacity_load`` of
#: :data:`mrp.plan.CAPACITY_LOAD_COLUMNS`) -> its model.
PLAN_MODELS: dict[str, type[SQLModel]] = {
    "planned_orders": PlannedOrderRow,
    "purchase_suggestions": SuggestionRow,
    "schedule": ScheduleRow,
    "exceptions": ExceptionRow,
    "pegging": PeggingRow,
    "mrp_records": MrpRecordRow,
    "liability": LiabilityRow,
    "capacity_load": CapacityLoadRow,
}
#: Columns the store adds to every plan table.
PLAN_STORE_COLUMNS = ("run_id", "row_no")
#: Columns a plan table keeps in the store beyond :data:`mrp.plan.PLAN_COLUMNS` (the buyer's
#: reasons on suggestions, clear to build on the schedule), in this order.
PLAN_EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "purchase_suggestions": ("lead_time_days", "reason", "serves", "demands", "customers", "days_late", "late_qty",
                             "surplus_qty", "alternative", "alternative_cost_difference", "unauthorised_value"),
    "schedule": ("clear_to_build",),
}


class IdCounter(SQLModel, table=True):
    """The next free number of a kind of stable id (``suggestion``, ``planned_order``,
    ``purchase_order``); it only grows, so no id is given twice.

    Plan lines are numbered per site (``site``); purchase orders across the store
    (``site`` :data:`STORE_WIDE`), as one ERP may take the orders of several sites.
    """

    __tablename__ = "id_counters"

    site: str = Field(default=DEFAULT_SITE, primary_key=True)
    kind: str = Field(primary_key=True)
    next_number: int = 1

# --- decisions -----------------------------------------------------------------------------


class SuggestionDecision(SQLModel, table=True):
    """A buyer's decision on one purchase suggestion of a published plan.

    The ``item_id`` … ``unit_price`` columns keep the suggestion as it was made (a rejection
    is matched on them); the ``po_*`` columns hold the purchase order line as edited and,
    once ``action`` is ``approved``, sent (``po_status`` ``sent``, then ``confirmed`` when
    the ERP's open orders list it, or ``cancelled``).
    """

    __tablename__ = "suggestion_decisions"
    __table_args__ = (UniqueConstraint("run_id", "suggestion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="planning_runs.id")
    suggestion_id: str
    action: str = Field(index=True)
    item_id: str
    supplier_id: str = ""
    mpn: str = ""
    quantity: float
    order_date: dt.date | None = None
    receipt_date: dt.date | None = None
    unit_price: float | None = None
    po_id: str = ""
    #: the line of ``po_id``: approvals for one supplier share a purchase order until it goes to the ERP
    po_line: str = "1"
    po_status: str = ""
    po_supplier_id: str = ""
    po_mpn: str = ""
    po_quantity: float | None = None
    po_due_date: dt.date | None = None
    po_unit_price: float | None = None
    #: the receipt date is a negotiated expedite (earlier than order date + lead time)
    po_expedite: bool = False
    note: str = ""
    decided_by: str = ""
    decided_at: dt.datetime = Field(sa_type=DateTime)


class JobPin(SQLModel, table=True):
    """A planner's pin: this job runs on ``line_id`` from ``start`` (local time).

    ``work_order`` pins an open work order (by ``job_id``); otherwise the job is a planned
    order, identified across runs by ``item_id`` and ``due_date``. ``source`` is ``pin`` or
    ``freeze``; a pin stays ``active`` until removed.
    """

    __tablename__ = "job_pins"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="planning_runs.id")
    job_id: str
    item_id: str
    due_date: dt.date | None = None
    work_order: bool = False
    line_id: str
    start: dt.datetime = Field(sa_type=DateTime)
    source: str = "pin"
    active: bool = Field(default=True, index=True)
    pinned_by: str = ""
    pinned_at: dt.datetime = Field(sa_type=DateTime)


# --- web workspace ---------------------------------------------------------------------------


class WebUser(SQLModel, table=True):
    """A person who signs in to the web workspace with a name and a password.

    Only an Argon2id hash of the password is kept. ``role`` is one of the API roles
    (erp, buyer, planner, admin). A user is never deleted, only ``disabled_at``, so the audit
    log can always name who decided what. Times are UTC.
    """

    __tablename__ = "web_users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str
    password_hash: str
    created_at: dt.datetime = Field(sa_type=DateTime)
    disabled_at: dt.datetime | None = Field(default=None, sa_type=DateTime)


class WebSecret(SQLModel, table=True):
    """The key that signs the workspace's session cookies (one row, made on first start)."""

    __tablename__ = "web_secret"

    id: int = Field(default=1, primary_key=True)
    secret: str
    created_at: dt.datetime = Field(sa_type=DateTime)
