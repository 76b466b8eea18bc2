"""The ``reelplan`` command. Each sub-module registers its commands on :data:`app`.

Failures a user can fix (a store that cannot be opened, an unknown site) are one line on stderr and exit 2;
any other failure is one line and exit 1. ``reelplan --debug COMMAND`` shows the traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="reelplan",
    help="Planning engine for electronics contract manufacturers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FAILED, EXIT_ENVIRONMENT = 1, 2


class _State:
    debug = False


state = _State()


@app.callback()
def options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of a failure (before the command).")] = False,
) -> None:
    """Planning engine for electronics contract manufacturers."""
    state.debug = debug


def _register() -> None:
    # Imported for their side effect: each module adds its commands to ``app``.
    from jobs.cli import plan  # noqa: F401
    from jobs.cli import generate  # noqa: F401
    from jobs.cli import runs, scenarios, store  # noqa: F401
    from jobs.cli import serve, sites, users  # noqa: F401
    from jobs.cli import validate  # noqa: F401


def main() -> None:
    _register()
    from connectors.store import StoreUnavailable
    from connectors.store.sites import BadSiteName, UnknownSite

    try:
        app()
    except (StoreUnavailable, UnknownSite, BadSiteName) as exc:
        if state.debug:
            raise
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_ENVIRONMENT)
    except Exception as exc:  # noqa: BLE001 - the command's contract: one line, exit 1, traceback with --debug
        if state.debug:
            raise
        Console(stderr=True).print(f"[bold red]error:[/] {type(exc).__name__}: {exc} "
                                   "(run again as `reelplan --debug ...` for the traceback)", highlight=False,
                                   soft_wrap=True)
        sys.exit(EXIT_FAILED)
