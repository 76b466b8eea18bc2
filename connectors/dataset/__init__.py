"""The CSV dataset: reader with validation, writer, and the plan-folder writer (format v1)."""

from connectors.dataset.checks import CHECKS, validate_dataset
from connectors.dataset.issues import DatasetError, Issue
from connectors.dataset.reader import parse_tables, read_dataset
from connectors.dataset.writer import PLAN_FORMATS, PlanFolderError, check_plan_folder, write_dataset, write_plan

__all__ = [
    "CHECKS",
    "PLAN_FORMATS",
    "DatasetError",
    "Issue",
    "PlanFolderError",
    "check_plan_folder",
    "parse_tables",
    "read_dataset",
    "validate_dataset",
    "write_dataset",
    "write_plan",
]
