"""The issue report a planner reads: one Rich table, errors first, with a one-line verdict."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from connectors.dataset.issues import Issue


def render_issues(issues: list[Issue], console: Console, *, title: str = "Dataset check") -> None:
    """Print every issue (file, row, column, value, message) and a count of errors and warnings."""
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    if issues:
        table = Table(title=title, show_lines=False, expand=False)
        table.add_column("", no_wrap=True)
        table.add_column("file", no_wrap=True)
        table.add_column("row", justify="right", no_wrap=True)
        table.add_column("column", no_wrap=True)
        table.add_column("value")
        table.add_column("message")
        for issue in sorted(issues, key=lambda i: not i.is_error):
            mark = "[bold red]error[/]" if issue.is_error else "[yellow]warning[/]"
            table.add_row(
                mark,
                issue.file,
                "" if issue.row is None else str(issue.row),
                issue.column or "",
                _escape(issue.value or ""),
                _escape(issue.message),
            )
        console.print(table)
    console.print(verdict(errors, warnings))


def verdict(errors: int, warnings: int) -> str:
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors:
        return f"[bold red]{counts}[/] — nothing was loaded; fix the errors and run again."
    return f"[green]{counts}[/] — the dataset is valid."


def _escape(text: str) -> str:
    """Values come from user files: keep Rich from reading ``[...]`` in them as markup."""
    return text.replace("[", "\\[")
