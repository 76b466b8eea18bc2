"""Named dependencies of the routes: the store's sessions, the site, the caller, paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session

from connectors.api.auth import Permission, Principal, require
from connectors.api.settings import ApiSettings
from connectors.store import read_snapshot, write_session
from connectors.store.models import DEFAULT_SITE
from connectors.store.sites import ACCEPTED_NAMES, BadSiteName, UnknownSite, check_site, check_site_name


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


def snapshot(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A read-only session over one consistent snapshot (a plan read never mixes two runs)."""
    with read_snapshot(engine) as session:
        yield session


def writer(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A session whose transaction commits when the route returns, and rolls back if it raises."""
    with write_session(engine) as session:
        yield session


ReadSession = Annotated[Session, Depends(snapshot)]
WriteSession = Annotated[Session, Depends(writer)]

_SITE_QUERY = Query(min_length=1, max_length=40, description=f"the site (factory): {ACCEPTED_NAMES}; "
                                                             f"default '{DEFAULT_SITE}'")


def known_site(engine: Annotated[Engine, Depends(get_engine)],
               site: Annotated[str, _SITE_QUERY] = DEFAULT_SITE) -> str:
    """The ``site`` query parameter, a site the store holds; 404 listing the known sites otherwise."""
    with read_snapshot(engine) as session:
        try:
            return check_site(session, site)
        except UnknownSite as exc:
            raise HTTPException(404, detail=str(exc)) from None


def site_to_import(site: Annotated[str, _SITE_QUERY] = DEFAULT_SITE) -> str:
    """The ``site`` query parameter of a push: a valid name (a new site is added by its first push); 422 otherwise."""
    try:
        return check_site_name(site)
    except BadSiteName as exc:
        raise HTTPException(422, detail=str(exc)) from None


KnownSite = Annotated[str, Depends(known_site)]
ImportSite = Annotated[str, Depends(site_to_import)]


class Page:
    """``limit``/``offset`` paging; a ``limit`` above the server's ``max_page_size`` is refused
    (422, naming the maximum), never silently cut."""

    def __init__(
        self,
        request: Request,
        limit: Annotated[int | None, Query(ge=1, description="rows per page, at most the server's maximum "
                                                             "(default 1000; a larger limit is answered 422)")] = None,
        offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="rows to skip")] = 0,
    ) -> None:
        settings: ApiSettings = request.app.state.settings
        if limit is not None and limit > settings.max_page_size:
            raise HTTPException(422, detail=f"limit {limit} is above the maximum page size {settings.max_page_size}; "
                                            f"ask for at most {settings.max_page_size} rows and page with offset")
        self.limit = min(limit or settings.default_page_size, settings.max_page_size)
        self.offset = offset


PageDep = Annotated[Page, Depends()]


def caller(permission: Permission) -> type[Principal]:
    """``Annotated[Principal, Depends(require(permission))]``: the caller, if allowed."""
    return Annotated[Principal, Depends(require(permission))]  # type: ignore[return-value]
