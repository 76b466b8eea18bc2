"""The CSV dataset: reader with validation, writer, and the plan-folder writer (format v1)."""

from connectors.dataset.checks import CHECKS, validate_dataset
from connectors.dataset.issues import DatasetError, Issue
from connectors.dataset.reader import parse_tables, read_dataset
from connectors.dataset.writer import write_dataset, write_plan

__all__ = [
    "CHECKS",
    "DatasetError",
    "Issue",
    "parse_tables",
    "read_dataset",
    "validate_dataset",
    "write_dataset",
    "write_plan",
]
