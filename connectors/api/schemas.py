"""Request and response bodies of the API (what the OpenAPI document shows)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from mrp.dataset import TABLES
from mrp.plan import PLAN_COLUMNS

DatasetTable = StrEnum("DatasetTable", {name: name for name in TABLES})  # type: ignore[misc]
PlanTable = StrEnum("PlanTable", {name: name for name in PLAN_COLUMNS})  # type: ignore[misc]

#: One cell of a pushed row: text, number, true/false or null (empty).
Cell = str | int | float | bool | None
Row = dict[str, Cell]


class RowsIn(BaseModel):
    rows: list[Row] = Field(description="Whole rows with the dataset's column names (see the dataset format).")


class DatasetIn(BaseModel):
    tables: dict[DatasetTable, list[Row]] = Field(description="Rows per table, checked and stored together.")
    settings: dict[str, Cell] = Field(default_factory=dict, description="Plan settings to change (e.g. as_of).")
    mode: Literal["upsert", "replace"] = "upsert"


class IssueOut(BaseModel):
    code: str
    table: str
    file: str
    row: int | None = Field(description="Row of the merged table as a CSV file would number it (header = 1).")
    request_row: int | None = Field(description="0-based index of the pushed row at fault, if it was pushed.")
    stored: bool = Field(description="True when the problem is in a row already stored, not in this request.")
    column: str | None
    value: str | None
    message: str
    severity: Literal["error", "warning"]


class ProblemOut(BaseModel):
    detail: str | list[Any]
    issues: list[IssueOut] = []


class TablePushOut(BaseModel):
    table: str
    received: int
    replaced: int = Field(description="Stored rows an upsert replaced.")
    removed: int = Field(description="Stored rows a replace dropped.")
    total: int = Field(description="Rows of the table now stored.")


class PushOut(BaseModel):
    tables: list[TablePushOut]
    warnings: list[IssueOut]


class PageOut(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class PlanPageOut(PageOut):
    run_id: int = Field(description="The run these rows come from.")
    published_at: dt.datetime | None


class RunOut(BaseModel):
    id: int
    site: str = Field(description="The site (factory) the run planned.")
    trigger: str
    status: str
    stage: str
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    published_at: dt.datetime | None
    error: str
    counts: dict[str, Any]
    costs: dict[str, Any]
    stage_seconds: dict[str, Any]
    budget: dict[str, Any] = Field(default_factory=dict, description=(
        "The run budget: budget_minutes, and per stage its seconds, share_seconds, stopped_by "
        "(null, work_limit or wall_clock) and, when a limit ended it, cut (what that means for the plan)."))
    tables: list[str]
    scenario: str = Field("", description="the scenario the run planned (never published); empty for the store's data")
    request_token: str | None = Field(None, description="the token of the request that started the run "
                                                        "(POST /scenarios/run), if any")
    current: bool = Field(description="True for the run whose plan is published now.")
    decisions_gone: list[dict[str, Any]] = Field(
        default_factory=list, description="GET /runs/{id} only: edits made on earlier plans whose line is not in this "
                                          "run's plan (kept, not sent; the buyer decides again on the new line).")


class RunsOut(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[RunOut]
