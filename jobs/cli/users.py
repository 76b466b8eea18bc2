"""``reelplan user create|password|disable|list``: the people who sign in to the web workspace.

A password is asked for twice at the terminal (never echoed), or read from standard input
with ``--password-stdin`` (one line, for scripts). Machines use API tokens instead
(``reelplan token create``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from connectors.api.auth import Role
from connectors.store import open_store, write_session
from connectors.web.users import UserError, create_user, disable_user, list_users, set_password
from jobs.cli import app

console = Console()
T = TypeVar("T")
user_app = typer.Typer(help="People who sign in to the web workspace (reelplan serve).", no_args_is_help=True)
app.add_typer(user_app, name="user")

DbOption = Annotated[str | None, typer.Option("--db", help="Store URL (default: REELPLAN_DB_URL, else ./reelplan.db).")]
StdinOption = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _change(db: str | None, change: Callable[[Session], T]) -> T:
    """Apply ``change`` to the store in one transaction; a refused change exits 2 with its reason."""
    try:
        with write_session(open_store(db)) as session:
            return change(session)
    except UserError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@user_app.command("create")
def user_create(
    role: Annotated[Role, typer.Option(help="What the user may do: the API roles (see docs/api.md, role matrix).")],
    name: Annotated[str, typer.Option(help="The name the user signs in with, e.g. 'anna'.")],
    password_stdin: StdinOption = False,
    db: DbOption = None,
) -> None:
    """Create a web user (password prompted, or read with --password-stdin)."""
    password = _password(password_stdin)
    user = _change(db, lambda session: create_user(session, name=name, role=role, password=password))
    console.print(f"User '{user.name}' (role {user.role}) created; they sign in at the workspace of `reelplan serve`.")


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    password_stdin: StdinOption = False,
    db: DbOption = None,
) -> None:
    """Give a user a new password."""
    password = _password(password_stdin)
    _change(db, lambda session: set_password(session, name, password))
    console.print(f"New password set for '{name}'.")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="The user's name.")], db: DbOption = None) -> None:
    """Stop a user from signing in (open pages are signed out at their next page)."""
    _change(db, lambda session: disable_user(session, name))
    console.print(f"User '{name}' disabled.")


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """Every web user: name, role, when created and disabled (never the password)."""
    with write_session(open_store(db)) as session:
        users = list_users(session)
    table = Table("name", "role", "created (UTC)", "disabled (UTC)")
    for u in users:
        table.add_row(u.name, u.role, f"{u.created_at:%Y-%m-%d %H:%M}",
                      f"{u.disabled_at:%Y-%m-%d %H:%M}" if u.disabled_at else "")
    console.print(table)
