"""Sites: the factories whose datasets the store holds side by side.

A site is named when its dataset is first imported (``reelplan import DIR --site NAME``);
``default`` is always there, so a store of one factory never names one. Every command that
reads or plans takes a site and refuses an unknown one, listing the known sites, before
any work starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from connectors.store.models import DEFAULT_SITE, CurrentPlan, PlanningRun, PlanSetting, Site

#: A site's name: a letter or digit, then letters, digits, ``_`` or ``-`` (it names lock files).
SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
ACCEPTED_NAMES = "1 to 40 letters, digits, '_' or '-', starting with a letter or digit"


class UnknownSite(LookupError):
    """A site the store does not hold; the message lists the ones it does."""


class BadSiteName(ValueError):
    """A site name that is not accepted; the message says what is."""


def check_site_name(name: str) -> str:
    """``name`` if it is a valid site name, else :class:`BadSiteName` saying what is accepted."""
    if not SITE_NAME.fullmatch(name or ""):
        raise BadSiteName(f"'{name}' is not a site name; give {ACCEPTED_NAMES}, e.g. 'plant-2'.")
    return name


def site_names(session: Session) -> list[str]:
    """The sites the store holds, ``default`` first, then by name."""
    names = set(session.exec(select(Site.name)).all()) | {DEFAULT_SITE}
    return sorted(names, key=lambda n: (n != DEFAULT_SITE, n))


def sites_with_data(session: Session) -> list[str]:
    """The sites whose dataset has been imported (an import always stores the plan settings), in
    the order of :func:`site_names`; ``default`` is left out until something is imported into it."""
    imported = set(session.exec(select(PlanSetting.site).distinct()).all())
    return [name for name in site_names(session) if name in imported]


def check_site(session: Session, name: str) -> str:
    """``name`` if the store holds that site; else :class:`UnknownSite` listing the known ones."""
    known = site_names(session)
    if name not in known:
        raise UnknownSite(f"The store has no site '{name}'; its sites: {', '.join(known)}. "
                          f"A site is added by importing its dataset: reelplan import DIR --site {name}.")
    return name


def add_site(session: Session, name: str, *, imported_at: dt.datetime) -> Site:
    """Record that site ``name`` (checked) has its dataset imported at ``imported_at``; adds it if new."""
    site = session.get(Site, check_site_name(name)) or Site(name=name)
    site.imported_at = imported_at
    session.add(site)
    session.flush()
    return site


@dataclass(frozen=True)
class SiteStatus:
    """A site, whether and when its dataset was imported, its latest run and its published plan's run."""

    name: str
    has_data: bool
    imported_at: dt.datetime | None
    last_run: PlanningRun | None
    published_run_id: int | None


def site_statuses(session: Session) -> list[SiteStatus]:
    """Every site with its latest run (any status) and its published plan."""
    imported = dict(session.exec(select(Site.name, Site.imported_at)).all())
    latest = dict(session.exec(select(PlanningRun.site, func.max(PlanningRun.id)).group_by(PlanningRun.site)).all())
    published = dict(session.exec(select(CurrentPlan.site, CurrentPlan.run_id)).all())
    with_data = set(sites_with_data(session))
    return [
        SiteStatus(name=name, has_data=name in with_data, imported_at=imported.get(name),
                   last_run=session.get(PlanningRun, latest[name]) if name in latest else None,
                   published_run_id=published.get(name))
        for name in site_names(session)
    ]
