"""Options shared by several ``reelplan`` commands: one spelling, one help text."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

AsOfOption = Annotated[
    datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Planning date (overrides settings.toml).")
]
HorizonOption = Annotated[
    int | None, typer.Option("--horizon-days", min=0, help="Horizon in days (overrides settings.toml).")
]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL, e.g. sqlite:///reelplan.db or postgresql+psycopg://user@host/db "
                              "[default: $REELPLAN_DB_URL, else sqlite:///reelplan.db]."),
]
SiteOption = Annotated[
    str,
    typer.Option("--site", envvar="REELPLAN_SITE",
                 help="Site (factory) of the store; `reelplan sites` lists them."),
]
