"""Buyers' and planners' decisions on the published plan, and how the next run honours them.

Every function takes an open :class:`sqlmodel.Session` (the caller commits: the CLI, the
HTTP API and the web pages share these functions) and raises :class:`DecisionError` with a
sentence for the user when a decision cannot be taken.

Decisions act on the **published** plan (``current_plan``) of one site (keyword ``site``,
default ``default``); a decision belongs to the run it was taken on, hence to its site, and
reads only that site's dataset:

- A buyer **approves** a purchase suggestion, possibly **edited** first (quantity, due
  date, offer = supplier and MPN; the unit price is then re-read from the offer's price
  breaks), or **rejects** it. Each edit is checked (:func:`check_quantity`,
  :func:`check_receipt_date`). An approved suggestion becomes a line of an open purchase
  order ``RP-<nnnnn>`` (:func:`purchase_order_line`: one order per supplier until it goes to
  the ERP), status ``sent`` (awaiting the ERP). When the ERP's open orders, imported into
  the store, list that ``po_id`` it becomes ``confirmed`` and the ERP's lines count instead;
  ``cancel_po`` withdraws a sent line.
- Decisions name lines by their stable ids (``jobs.identity``): an edit not yet approved
  follows its line into the next published plan; one whose line has gone is kept and
  reported (:func:`gone_decisions`).
- A planner **pins** a scheduled job to a line and a start, or **freezes** the first N
  hours of the published schedule (every job starting in that window is pinned where it
  is), except jobs pinned explicitly (an explicit pin wins over a freeze). Each pin is
  checked (:func:`check_pin`). Pins stay until removed with ``unpin_job``.

Contract with the pipeline (:func:`decision_inputs`, applied to the run's dataset snapshot
before ``jobs.pipeline.run_plan``):

- ``purchase_orders``: each ``sent`` line is appended (po_id, line, item_id,
  supplier_id, quantity_open, due_date, unit_price), so MRP counts it as a scheduled receipt.
- ``work_orders``: a pinned open work order gets ``line_id``, ``pinned = True`` and
  ``start_date`` = the pin's date (the spec starts a pinned work order at ``shift_start``
  of its ``start_date``).
- ``pins`` (keyword ``pins=`` of ``run_plan``): one row per pinned *planned-order* job whose
  pin starts on or after ``as_of``. Columns ``job_id`` (str, the job's id in the plan it was
  pinned on — informative), ``item_id`` (str),
  ``due_date`` (datetime64[ns], the job's due date: with ``item_id`` the key that finds the
  job again), ``line_id`` (str), ``start`` (datetime64[ns], local time), ``source`` (``pin`` or ``freeze``: an explicit pin wins).
- ``rejected`` (keyword ``rejected=`` of ``run_plan``): one row per rejected suggestion,
  columns ``item_id``, ``supplier_id``, ``mpn`` (str), ``quantity`` (float64),
  ``order_date`` (datetime64[ns]); the pipeline does not suggest an identical line again.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import pandas as pd
from sqlmodel import Session, select

from connectors.erp.models import ErpDelivery
from connectors.store.dataset_io import load_settings
from connectors.store.ids import take_number
from connectors.store.models import (
    DEFAULT_SITE,
    BomLine,
    Item,
    JobPin,
    OfferBreak,
    PlanningRun,
    ScheduleRow,
    SmtLine,
    SmtProcess,
    SuggestionDecision,
    SuggestionRow,
    WorkOrder,
)
from connectors.store.plans import current_run_id, gone_decisions  # noqa: F401  (part of this module's interface)
from connectors.store.plans import site_runs
from connectors.store.runs import utc_now
from mrp.dataset import Dataset, dtype_of, is_counted

PINS_COLUMNS = {"job_id": "object", "item_id": "object", "due_date": "datetime64[ns]", "line_id": "object",
                "start": "datetime64[ns]", "source": "object"}
REJECTED_COLUMNS = {"item_id": "object", "supplier_id": "object", "mpn": "object", "quantity": "float64",
                    "order_date": "datetime64[ns]"}


class DecisionError(ValueError):
    """A decision that cannot be taken; the message says why, for the user."""


@dataclass
class DecisionInputs:
    """A dataset snapshot with the decisions applied, and the tables the pipeline takes beside it."""

    dataset: Dataset
    pins: pd.DataFrame
    rejected: pd.DataFrame


# --- purchase suggestions -------------------------------------------------------------------


def edit_suggestion(
    session: Session, suggestion_id: str, *, quantity: float | None = None, due_date: dt.date | None = None,
    supplier_id: str | None = None, mpn: str | None = None, expedite: bool = False, by: str = "", note: str = "",
    site: str = DEFAULT_SITE,
) -> SuggestionDecision:
    """Change a suggestion before approving it (the edit is kept; approval sends it)."""
    decision = _decision(session, suggestion_id, site)
    if decision.action == "approved":
        raise DecisionError(f"Suggestion {suggestion_id} is already approved as {decision.po_id}; cancel that PO first.")
    _apply_edit(session, decision, quantity=quantity, due_date=due_date, supplier_id=supplier_id, mpn=mpn,
                expedite=expedite, site=site)
    decision.action = "edited"
    return _stamp(session, decision, by, note)


def approve_suggestion(
    session: Session, suggestion_id: str, *, quantity: float | None = None, due_date: dt.date | None = None,
    supplier_id: str | None = None, mpn: str | None = None, expedite: bool = False, by: str = "", note: str = "",
    site: str = DEFAULT_SITE,
) -> SuggestionDecision:
    """Approve a suggestion (with optional last edits): it becomes a sent purchase order line."""
    decision = _decision(session, suggestion_id, site)
    if decision.action == "approved":
        raise DecisionError(f"Suggestion {suggestion_id} is already approved as {decision.po_id}.")
    _apply_edit(session, decision, quantity=quantity, due_date=due_date, supplier_id=supplier_id, mpn=mpn,
                expedite=expedite, site=site)
    decision.po_id, decision.po_line = purchase_order_line(session, decision.po_supplier_id, site)
    decision.action, decision.po_status = "approved", "sent"
    return _stamp(session, decision, by, note)


def purchase_order_line(session: Session, supplier_id: str, site: str = DEFAULT_SITE) -> tuple[str, str]:
    """Rule "one purchase order per supplier": an approval joins the supplier's open reelplan
    order of its site — approved lines not yet handed to the ERP (no send attempted) — as its
    next line; else it opens a new order ``RP-<nnnnn>`` (the store-wide ``purchase_order`` counter)."""
    attempted = select(ErpDelivery.reference)
    open_lines = session.exec(select(SuggestionDecision).where(
        SuggestionDecision.run_id.in_(site_runs(site)),
        SuggestionDecision.action == "approved", SuggestionDecision.po_status == "sent",
        SuggestionDecision.po_supplier_id == supplier_id, SuggestionDecision.po_id != "",
        SuggestionDecision.po_id.not_in(attempted),
    ).order_by(SuggestionDecision.id)).all()
    if open_lines:
        po_id = open_lines[0].po_id
        lines = [int(d.po_line) for d in open_lines if d.po_id == po_id and d.po_line.isdigit()]
        return po_id, str(max(lines, default=0) + 1)
    return f"RP-{take_number(session, 'purchase_order'):05d}", "1"


def reject_suggestion(session: Session, suggestion_id: str, *, by: str = "", note: str = "",
                      site: str = DEFAULT_SITE) -> SuggestionDecision:
    """Reject a suggestion: the next runs do not suggest the same line again."""
    decision = _decision(session, suggestion_id, site)
    if decision.action == "approved":
        raise DecisionError(f"Suggestion {suggestion_id} is already approved as {decision.po_id}; cancel that PO instead.")
    decision.action = "rejected"
    return _stamp(session, decision, by, note)


def cancel_po(session: Session, po_id: str, *, line: str | None = None, by: str = "",
              note: str = "", site: str = DEFAULT_SITE) -> SuggestionDecision:
    """Withdraw a purchase order line reelplan sent (``line`` may be left out when the order has one):
    runs stop counting it."""
    lines = session.exec(select(SuggestionDecision).where(SuggestionDecision.po_id == po_id,
                                                          SuggestionDecision.run_id.in_(site_runs(site)))
                         .order_by(SuggestionDecision.po_line)).all()
    if not lines:
        raise DecisionError(f"No purchase order {po_id} was sent by reelplan for site '{site}'.")
    if line is None and len(lines) > 1:
        raise DecisionError(f"Purchase order {po_id} has lines {', '.join(d.po_line for d in lines)}; "
                            "give the line to cancel (--line).")
    decision = next((d for d in lines if line is None or d.po_line == line), None)
    if decision is None:
        raise DecisionError(f"Purchase order {po_id} has no line {line}; its lines: "
                            f"{', '.join(d.po_line for d in lines)}.")
    if decision.po_status != "sent":
        raise DecisionError(f"Purchase order {po_id} is {decision.po_status}; only a sent one can be cancelled here.")
    decision.po_status = "cancelled"
    return _stamp(session, decision, by, note)


def list_decisions(session: Session, site: str = DEFAULT_SITE) -> list[SuggestionDecision]:
    """Every suggestion decision of ``site``, newest first."""
    return list(session.exec(select(SuggestionDecision).where(SuggestionDecision.run_id.in_(site_runs(site)))
                             .order_by(SuggestionDecision.id.desc())).all())


def gone_decisions_of(decisions: list[SuggestionDecision], present: set[str]) -> list[SuggestionDecision]:
    """Of ``decisions``, the open ones (edited) whose suggestion id is not in ``present``."""
    return [d for d in decisions if d.action in ("edited", "pending") and d.suggestion_id not in present]


def offer_unit_price(session: Session, item_id: str, supplier_id: str, mpn: str, quantity: float,
                     site: str = DEFAULT_SITE) -> float:
    """The all-units price of ``quantity`` from an offer: the price of the largest break not above it."""
    breaks = _offer_breaks(session, item_id, supplier_id, mpn, site)
    below = [b for b in breaks if b.break_qty <= quantity + 1e-9]
    if not below:
        raise DecisionError(
            f"{quantity:g} is below the smallest price break ({breaks[0].break_qty:g}) of {supplier_id} {mpn} for "
            f"{item_id}; give a quantity of at least {breaks[0].break_qty:g}.")
    return below[-1].unit_price


def check_quantity(session: Session, item_id: str, supplier_id: str, mpn: str, quantity: float,
                   site: str = DEFAULT_SITE) -> None:
    """Rule "order quantity": above zero, whole units for a counted item, and at least the offer's
    minimum order quantity and smallest price break, in the offer's order multiple."""
    if not quantity > 0:
        raise DecisionError(f"The quantity must be above zero, not {quantity:g}.")
    item = session.get(Item, (site, item_id))
    if item is not None and is_counted(item.uom) and abs(quantity - round(quantity)) > 1e-9:
        raise DecisionError(
            f"{item_id} is counted in {item.uom or 'pcs'}: give whole units, e.g. {math.floor(quantity):g} or "
            f"{math.ceil(quantity):g}, not {quantity:g}.")
    breaks = _offer_breaks(session, item_id, supplier_id, mpn, site)
    offer = breaks[0]
    least = max(offer.min_order_qty or 0.0, offer.break_qty)
    if quantity < least - 1e-9:
        what = "minimum order quantity" if (offer.min_order_qty or 0.0) >= offer.break_qty else "smallest price break"
        raise DecisionError(
            f"{quantity:g} is below the {what} ({least:g}) of {supplier_id} {mpn} for {item_id}; "
            f"give at least {least:g}.")
    multiple = offer.order_multiple or 0.0
    if multiple > 0 and abs(quantity / multiple - round(quantity / multiple)) > 1e-9:
        below, above = math.floor(quantity / multiple) * multiple, math.ceil(quantity / multiple) * multiple
        accepted = f"{below:g} or {above:g}" if below >= least - 1e-9 else f"{above:g}"
        raise DecisionError(
            f"{quantity:g} is not a multiple of the order multiple ({multiple:g}) of {supplier_id} {mpn} for "
            f"{item_id}; give {accepted}.")


def check_receipt_date(session: Session, decision: SuggestionDecision, as_of: dt.date,
                       site: str = DEFAULT_SITE) -> None:
    """Rule "receipt date": not before the plan's as-of date, and not before the order date plus the
    offer's lead time (its stock lead time when its distributor stock covers the quantity) unless
    the line is marked a negotiated expedite. The order date is the suggestion's, or as_of if earlier."""
    due = decision.po_due_date
    if due is None:
        return
    if due < as_of:
        raise DecisionError(f"The receipt date {due} is before the plan's date {as_of}; give {as_of} or later.")
    if decision.po_expedite:
        return
    offer = _offer_breaks(session, decision.item_id, decision.po_supplier_id, decision.po_mpn, site)[0]
    from_stock = offer.stock_qty is not None and offer.stock_qty >= (decision.po_quantity or 0.0) - 1e-9
    lead = offer.stock_lead_time_days if from_stock else offer.lead_time_days
    ordered = max(decision.order_date or as_of, as_of)
    earliest = ordered + dt.timedelta(days=int(lead))
    if due < earliest:
        raise DecisionError(
            f"The receipt date {due} is before the order date {ordered} plus the lead time of {decision.po_supplier_id} "
            f"{decision.po_mpn} ({lead} days); give {earliest} or later, or mark a negotiated expedite (--expedite).")


def _decision(session: Session, suggestion_id: str, site: str) -> SuggestionDecision:
    """The decision on a suggestion of the site's published plan: its standing one (an edit made on
    an earlier plan follows the line, which keeps its id), else a new pending one."""
    run_id = _published_run(session, site)
    decision = session.exec(select(SuggestionDecision).where(SuggestionDecision.suggestion_id == suggestion_id,
                                                             SuggestionDecision.run_id.in_(site_runs(site)))
                            .order_by(SuggestionDecision.id.desc())).first()
    if decision is not None and decision.action in ("approved", "rejected"):
        return decision
    row = session.exec(
        select(SuggestionRow).where(SuggestionRow.run_id == run_id, SuggestionRow.suggestion_id == suggestion_id)
    ).first()
    if row is None:
        if decision is not None:
            raise DecisionError(
                f"Suggestion {suggestion_id} is no longer in the published plan (run {run_id}); its edit is kept and "
                "listed under lines gone (`reelplan decisions list`).")
        raise DecisionError(f"The published plan (run {run_id}) has no purchase suggestion {suggestion_id}.")
    if decision is None:
        return SuggestionDecision(
            run_id=run_id, suggestion_id=suggestion_id, action="pending", item_id=row.item_id or "",
            supplier_id=row.supplier_id or "", mpn=row.mpn or "", quantity=row.quantity, order_date=row.order_date,
            receipt_date=row.receipt_date, unit_price=row.unit_price, po_supplier_id=row.supplier_id or "",
            po_mpn=row.mpn or "", po_quantity=row.quantity, po_due_date=row.receipt_date, po_unit_price=row.unit_price,
            decided_at=utc_now(),
        )
    if decision.run_id != run_id:
        _carry_over(decision, row)
    return decision


def _carry_over(decision: SuggestionDecision, row: SuggestionRow) -> None:
    """An edit made on an earlier plan, moved onto the line as the published plan has it: the
    fields the buyer edited keep the edit, the others follow the new plan."""
    for made, edited, now in (("quantity", "po_quantity", row.quantity), ("receipt_date", "po_due_date", row.receipt_date),
                              ("unit_price", "po_unit_price", row.unit_price)):
        if getattr(decision, edited) == getattr(decision, made):
            setattr(decision, edited, now)
        setattr(decision, made, now)
    decision.order_date, decision.run_id = row.order_date, row.run_id


def _apply_edit(
    session: Session, decision: SuggestionDecision, *, quantity: float | None, due_date: dt.date | None,
    supplier_id: str | None, mpn: str | None, expedite: bool = False, site: str = DEFAULT_SITE,
) -> None:
    new_offer = (supplier_id is not None and supplier_id != decision.po_supplier_id) or (
        mpn is not None and mpn != decision.po_mpn)
    if supplier_id is not None:
        decision.po_supplier_id = supplier_id
        if mpn is None and new_offer:
            decision.po_mpn = _single_mpn(session, decision.item_id, supplier_id, site)
    if mpn is not None:
        decision.po_mpn = mpn
    if quantity is not None:
        decision.po_quantity = quantity
    if due_date is not None:
        decision.po_due_date = due_date
        decision.po_expedite = expedite
    if new_offer or quantity is not None:
        check_quantity(session, decision.item_id, decision.po_supplier_id, decision.po_mpn, decision.po_quantity,
                       site)
        decision.po_unit_price = offer_unit_price(
            session, decision.item_id, decision.po_supplier_id, decision.po_mpn, decision.po_quantity, site)
    if new_offer or due_date is not None:
        check_receipt_date(session, decision, _published_as_of(session, site), site)


def _offer_breaks(session: Session, item_id: str, supplier_id: str, mpn: str, site: str) -> list[OfferBreak]:
    """The price breaks of one offer, smallest first; refused with the item's offers listed when there is none."""
    breaks = session.exec(
        select(OfferBreak).where(OfferBreak.site == site, OfferBreak.item_id == item_id,
                                 OfferBreak.supplier_id == supplier_id, OfferBreak.mpn == mpn)
        .order_by(OfferBreak.break_qty)
    ).all()
    if not breaks:
        raise DecisionError(f"{supplier_id} has no offer for {item_id} with MPN '{mpn}'; "
                            f"{_offers_of(session, item_id, site)}.")
    return list(breaks)


def _offers_of(session: Session, item_id: str, site: str) -> str:
    offers = sorted(set(session.exec(select(OfferBreak.supplier_id, OfferBreak.mpn).where(
        OfferBreak.site == site, OfferBreak.item_id == item_id)).all()))
    if not offers:
        return f"no supplier offers {item_id}"
    return f"offers for {item_id}: " + ", ".join(f"{s} MPN '{m}'" for s, m in offers)


def _single_mpn(session: Session, item_id: str, supplier_id: str, site: str) -> str:
    mpns = sorted(set(session.exec(
        select(OfferBreak.mpn).where(OfferBreak.site == site, OfferBreak.item_id == item_id,
                                     OfferBreak.supplier_id == supplier_id)).all()))
    if not mpns:
        raise DecisionError(f"{supplier_id} has no offer for {item_id}; {_offers_of(session, item_id, site)}.")
    if len(mpns) != 1:
        raise DecisionError(f"Give the MPN: {supplier_id} offers {item_id} as " + ", ".join(repr(m) for m in mpns) + ".")
    return mpns[0]


def _stamp(session: Session, decision: SuggestionDecision, by: str, note: str) -> SuggestionDecision:
    decision.decided_by, decision.decided_at = by, utc_now()
    decision.note = note or decision.note
    session.add(decision)
    session.flush()
    return decision


# --- schedule pins --------------------------------------------------------------------------

PIN_START_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def pin_start(text: str) -> dt.datetime:
    """A pin's start from text: a local date and time of day; a date alone is refused (which hour?)."""
    for pattern in PIN_START_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise DecisionError(f"The start '{text}' needs a date and a time of day, local time: give YYYY-MM-DDTHH:MM, "
                        "e.g. 2027-04-20T06:00.")


def check_pin(session: Session, job: ScheduleRow, line_id: str, start: dt.datetime, as_of: dt.date,
              site: str = DEFAULT_SITE) -> None:
    """Rule "pin": the line exists, the job's board may run on it (``smt_process.line_ids``, empty =
    every line) and its feeders fit the line's feeder slots; the start is not before as_of."""
    line = session.get(SmtLine, (site, line_id))
    if line is None:
        lines = ", ".join(session.exec(select(SmtLine.line_id).where(SmtLine.site == site)
                                       .order_by(SmtLine.line_id)).all()) or "none"
        raise DecisionError(f"There is no SMT line {line_id}; the lines are: {lines}.")
    process = session.get(SmtProcess, (site, job.item_id or ""))
    listed = [s.strip() for s in (process.line_ids if process else "").split(";") if s.strip()]
    if listed and line_id not in listed:
        raise DecisionError(f"{job.item_id} (job {job.job_id}) may run only on {', '.join(listed)} "
                            f"(smt_process.line_ids), not on {line_id}.")
    feeders = _feeder_count(session, job.item_id or "", start.date(), site)
    if feeders > line.feeder_slots:
        fitting = [lid for lid, slots in session.exec(select(SmtLine.line_id, SmtLine.feeder_slots)
                                                      .where(SmtLine.site == site).order_by(SmtLine.line_id)).all()
                   if slots >= feeders and (not listed or lid in listed)]
        raise DecisionError(f"Job {job.job_id} needs {feeders} feeders and {line_id} has {line.feeder_slots} slots; "
                            f"lines it fits: {', '.join(fitting) or 'none'}.")
    if start.date() < as_of:
        raise DecisionError(f"The start {start:%Y-%m-%d %H:%M} is before the plan's date {as_of}; give {as_of} or later.")


def _feeder_count(session: Session, item_id: str, day: dt.date, site: str) -> int:
    """Distinct bought components on feeders of ``item_id`` whose BOM line is valid on ``day``."""
    lines = session.exec(select(BomLine).where(BomLine.site == site, BomLine.parent_id == item_id,
                                               BomLine.feeder)).all()
    bought = set(session.exec(select(Item.item_id).where(Item.site == site, Item.type == "buy")).all())
    return len({b.child_id for b in lines if b.child_id in bought and (b.valid_from is None or b.valid_from <= day)
                and (b.valid_to is None or day < b.valid_to)})


def pin_job(session: Session, job_id: str, *, line_id: str, start: dt.datetime | str, by: str = "",
            site: str = DEFAULT_SITE) -> JobPin:
    """Pin a job of the published schedule to ``line_id`` from ``start`` (local time; text is read by :func:`pin_start`)."""
    start = pin_start(start) if isinstance(start, str) else start
    run_id = _published_run(session, site)
    job = session.exec(select(ScheduleRow).where(ScheduleRow.run_id == run_id, ScheduleRow.job_id == job_id)).first()
    if job is None:
        raise DecisionError(f"The published schedule (run {run_id}) has no job {job_id}.")
    check_pin(session, job, line_id, start, _published_as_of(session, site), site)
    return _pin(session, run_id, job, line_id=line_id, start=start, by=by, source="pin", site=site)


def freeze_schedule(session: Session, hours: float, *, by: str = "", site: str = DEFAULT_SITE) -> list[JobPin]:
    """Pin every job of the published schedule that starts within ``hours`` of the plan's first shift
    where it is, except jobs a planner pinned explicitly: an explicit pin wins over a freeze."""
    if hours <= 0:
        raise DecisionError(f"Give a number of hours above zero, not {hours:g}.")
    run_id = _published_run(session, site)
    run = session.get(PlanningRun, run_id)
    opening = dt.datetime.combine(run.as_of, load_settings(session, as_of=run.as_of, site=site).shift_start)
    until = opening + dt.timedelta(hours=hours)
    jobs = session.exec(
        select(ScheduleRow).where(ScheduleRow.run_id == run_id, ScheduleRow.start < until).order_by(ScheduleRow.start)
    ).all()
    explicit = session.exec(select(JobPin).where(JobPin.active, JobPin.source == "pin",
                                                 JobPin.run_id.in_(site_runs(site)))).all()
    return [
        _pin(session, run_id, job, line_id=job.line_id, start=job.start, by=by, source="freeze", site=site)
        for job in jobs if job.line_id and not any(_pins_job(session, pin, job) for pin in explicit)
    ]


def _pins_job(session: Session, pin: JobPin, job: ScheduleRow) -> bool:
    """Whether ``pin`` is on ``job``: a work order by its id, a planned order by item and due date."""
    if pin.work_order:
        return pin.job_id == job.job_id
    return (pin.job_id == job.job_id or (pin.item_id == job.item_id and job.due is not None
                                         and pin.due_date == job.due.date()))


def unpin_job(session: Session, job_id: str, *, by: str = "", site: str = DEFAULT_SITE) -> int:
    """Remove the active pins of ``job_id`` at ``site``; returns how many there were."""
    pins = session.exec(select(JobPin).where(JobPin.job_id == job_id, JobPin.active,
                                             JobPin.run_id.in_(site_runs(site)))).all()
    for pin in pins:
        pin.active = False
        pin.pinned_by, pin.pinned_at = by or pin.pinned_by, utc_now()
        session.add(pin)
    session.flush()
    return len(pins)


def active_pins(session: Session, site: str = DEFAULT_SITE) -> list[JobPin]:
    """The active pins of ``site``, by start."""
    return list(session.exec(select(JobPin).where(JobPin.active, JobPin.run_id.in_(site_runs(site)))
                             .order_by(JobPin.start)).all())


def _pin(session: Session, run_id: int, job: ScheduleRow, *, line_id: str, start: dt.datetime, by: str,
         source: str, site: str) -> JobPin:
    work_order = session.get(WorkOrder, (site, job.job_id)) is not None
    due_date = job.due.date() if job.due is not None else None
    same = select(JobPin).where(JobPin.active, JobPin.run_id.in_(site_runs(site)))
    same = same.where(JobPin.job_id == job.job_id) if work_order else same.where(
        JobPin.work_order == False, JobPin.item_id == job.item_id, JobPin.due_date == due_date)  # noqa: E712
    for old in session.exec(same).all():
        old.active = False
        session.add(old)
    pin = JobPin(
        run_id=run_id, job_id=job.job_id, item_id=job.item_id or "", due_date=due_date, work_order=work_order,
        line_id=line_id, start=start, source=source, pinned_by=by, pinned_at=utc_now(),
    )
    session.add(pin)
    session.flush()
    return pin


def _published_run(session: Session, site: str) -> int:
    run_id = current_run_id(session, site)
    if run_id is None:
        where = "" if site == DEFAULT_SITE else f" for site '{site}'"
        option = "" if site == DEFAULT_SITE else f" --site {site}"
        raise DecisionError(f"No plan is published yet{where}; run `reelplan run-now{option}` first.")
    return run_id


def _published_as_of(session: Session, site: str) -> dt.date:
    """The planning date of the site's published plan: decisions on it may not reach before it."""
    return session.get(PlanningRun, _published_run(session, site)).as_of


# --- into the next run ----------------------------------------------------------------------


def decision_inputs(session: Session, dataset: Dataset, site: str = DEFAULT_SITE) -> DecisionInputs:
    """Apply the standing decisions of ``site`` to a snapshot of its dataset (see the module docstring)."""
    runs = site_runs(site)
    sent = session.exec(select(SuggestionDecision).where(SuggestionDecision.po_status == "sent",
                                                         SuggestionDecision.run_id.in_(runs))
                        .order_by(SuggestionDecision.id)).all()
    known = set(dataset.purchase_orders["po_id"])
    orders = pd.DataFrame({
        "po_id": [d.po_id for d in sent if d.po_id not in known],
        "line": [d.po_line for d in sent if d.po_id not in known],
        "item_id": [d.item_id for d in sent if d.po_id not in known],
        "supplier_id": [d.po_supplier_id for d in sent if d.po_id not in known],
        "quantity_open": [d.po_quantity for d in sent if d.po_id not in known],
        "due_date": [d.po_due_date for d in sent if d.po_id not in known],
        "unit_price": [d.po_unit_price for d in sent if d.po_id not in known],
    })
    pins = active_pins(session, site)
    as_of = pd.Timestamp(dataset.settings.as_of)
    work_orders = _pin_work_orders(dataset.work_orders, [p for p in pins if p.work_order])
    planned = [p for p in pins if not p.work_order and pd.Timestamp(p.start).normalize() >= as_of]
    rejected = session.exec(select(SuggestionDecision).where(SuggestionDecision.action == "rejected",
                                                             SuggestionDecision.run_id.in_(runs))
                            .order_by(SuggestionDecision.id)).all()
    return DecisionInputs(
        dataset=replace(dataset, purchase_orders=_append(dataset.purchase_orders, orders), work_orders=work_orders),
        pins=_frame(PINS_COLUMNS, [(p.job_id, p.item_id, p.due_date, p.line_id, p.start, p.source) for p in planned]),
        rejected=_frame(REJECTED_COLUMNS, sorted({
            (d.item_id, d.supplier_id, d.mpn, d.quantity, d.order_date) for d in rejected}, key=str)),
    )


def _append(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return table
    typed = rows.astype({c: dtype_of("purchase_orders", c) for c in table.columns})[list(table.columns)]
    if table.empty:
        return typed.reset_index(drop=True)
    return pd.concat([table, typed], ignore_index=True)


def _pin_work_orders(work_orders: pd.DataFrame, pins: list[JobPin]) -> pd.DataFrame:
    by_wo = {p.job_id: p for p in pins}
    hit = work_orders["wo_id"].isin(list(by_wo))
    if not hit.any():
        return work_orders
    pinned = work_orders.copy()
    chosen = [by_wo[w] for w in pinned.loc[hit, "wo_id"]]
    pinned.loc[hit, "line_id"] = [p.line_id for p in chosen]
    pinned.loc[hit, "pinned"] = True
    pinned.loc[hit, "start_date"] = pd.to_datetime([p.start.date() for p in chosen]).astype("datetime64[ns]")
    return pinned


def _frame(columns: dict[str, str], rows: list[tuple]) -> pd.DataFrame:
    data = list(zip(*rows)) if rows else [[] for _ in columns]
    return pd.DataFrame({
        name: pd.Series(pd.to_datetime(pd.Series(list(values), dtype=object)) if kind.startswith("datetime")
                        else list(values), dtype=kind)
        for (name, kind), values in zip(columns.items(), data)
    })
