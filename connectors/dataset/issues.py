"""Problems found in a dataset, reported all at once so a planner can fix them in one go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem found in the input, located as a spreadsheet shows it.

    ``row`` counts the header as row 1, so the first data row is 2; ``None`` when the problem
    concerns a whole file (or a setting). ``message`` is a sentence a planner understands,
    with a suggested fix where there is one.
    """

    code: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class DatasetError(Exception):
    """Raised when the input has at least one error; ``issues`` holds every issue found (warnings too)."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        errors = [i for i in self.issues if i.is_error]
        first = errors[0] if errors else None
        where = f" ({_where(first)}: {first.message})" if first else ""
        super().__init__(f"{len(errors)} error(s) in the dataset{where}")

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


def _where(issue: Issue) -> str:
    parts = [issue.file]
    if issue.row is not None:
        parts.append(f"row {issue.row}")
    if issue.column:
        parts.append(issue.column)
    return ", ".join(parts)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)
