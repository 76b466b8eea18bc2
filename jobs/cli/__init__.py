"""The ``reelplan`` command. Each sub-module registers its commands on :data:`app`."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="reelplan",
    help="Planning engine for electronics contract manufacturers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported for their side effect: each module adds its commands to ``app``.
    from jobs.cli import plan  # noqa: F401
    from jobs.cli import generate  # noqa: F401
    from jobs.cli import runs, store  # noqa: F401
    from jobs.cli import serve, users  # noqa: F401
    from jobs.cli import validate  # noqa: F401


def main() -> None:
    _register()
    app()
