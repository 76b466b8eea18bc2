"""Read a dataset folder (or raw text tables) into a typed, checked :class:`Dataset`.

Bad input never half-loads: every problem found is collected in one pass and raised together
as a :class:`DatasetError`; warnings come back beside the Dataset.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from connectors.dataset.checks import CheckContext, run_checks, sort_issues
from connectors.dataset.issues import DatasetError, Issue, has_errors
from connectors.dataset.parse import ParsedTable, parse_table
from connectors.dataset.settings import SETTINGS_FILE, load_settings_file, parse_settings
from mrp.dataset import ITEM_REF, TABLES, Dataset, empty_table


def read_dataset(
    path: Path,
    *,
    as_of: date | None = None,
    horizon_days: int | None = None,
    today: date | None = None,
) -> tuple[Dataset, list[Issue]]:
    """Read a dataset folder; returns the Dataset and the warnings; raises DatasetError listing every problem.

    ``as_of``/``horizon_days`` override ``settings.toml``; ``today`` is what ``as_of`` defaults to
    when neither gives it (the clock's date when None).
    """
    path = Path(path)
    if not path.is_dir():
        raise DatasetError([Issue(
            "missing_folder", str(path), None, None, None,
            f"{path} is not a folder; give the folder that holds items.csv and the other dataset files.",
        )])
    raw: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    for name, table in TABLES.items():
        file = path / table.file
        if file.is_file():
            frame, problems = read_csv_text(file)
            issues += problems
            if frame is not None:
                raw[name] = frame
            elif name == "demand" and [p.code for p in problems] == ["empty_file"]:
                raw[name] = pd.DataFrame(columns=table.column_names, dtype=object)  # given, without rows
    settings, problems = load_settings_file(path / SETTINGS_FILE)
    issues += problems
    if as_of is not None:
        settings["as_of"] = as_of
    if horizon_days is not None:
        settings["horizon_days"] = horizon_days
    try:
        ds, warnings = parse_tables(raw, settings, today=today, source="csv")
    except DatasetError as exc:
        unreadable = {i.file for i in issues if i.is_error}
        found = [i for i in exc.issues if not (i.code == "missing_file" and i.file in unreadable)]
        raise DatasetError(sort_issues(issues + found)) from None
    if has_errors(issues):
        raise DatasetError(sort_issues(issues + warnings))
    return ds, sort_issues(issues + warnings)


#: The delimiter the format expects, and the others a spreadsheet may have written.
DELIMITER = ","
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def read_csv_text(file: Path) -> tuple[pd.DataFrame | None, list[Issue]]:
    """A CSV file as text cells (header as columns, every line a row, blank lines as empty rows).

    pyarrow's CSV reader reads the file, every column as text; a file it refuses (a row with
    more or fewer values than the header, a line break inside quotes, text that is not UTF-8)
    is read again by pandas, which words the problem or pads the short rows.
    """
    if file.stat().st_size == 0:
        return _empty_file(file.name)
    header = _header_line(file)
    problem = check_delimiter(file.name, header)
    if problem is not None:
        return None, [problem]
    frame = _read_arrow(file, header)
    return (frame, []) if frame is not None else _read_pandas(file)


def detect_delimiter(header: str) -> str:
    """The delimiter of a file: whichever of comma, semicolon and tab its header row holds most
    often outside quotes (a comma when none, or on a tie)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max(DELIMITER_NAMES, key=lambda d: (unquoted.count(d), d == DELIMITER))


def check_delimiter(file: str, header: str) -> Issue | None:
    """`bad_delimiter` when the header row is separated by something other than commas: the file
    is then not read at all, so its garbled columns raise nothing else."""
    found = detect_delimiter(header)
    if found == DELIMITER:
        return None
    return Issue(
        "bad_delimiter", file, 1, None, header,
        f"{file} uses {DELIMITER_NAMES[found]} between values, but the format expects commas; "
        "save it as 'CSV UTF-8 (comma delimited)'. The file was not read.",
    )


def _header_line(file: Path) -> str:
    """The first line of the file as text (undecodable bytes replaced: the reader reports them)."""
    with open(file, "rb") as fh:
        first = fh.readline()
    return first.decode("utf-8-sig", errors="replace").rstrip("\r\n")


def _read_arrow(file: Path, header: str) -> pd.DataFrame | None:
    """The cells of a well-formed file, or None when pyarrow refuses it or a row has another
    number of values than the header (pandas then reads it, or words the problem)."""
    width = len(next(csv.reader([header]), [])) or 1
    names = [f"c{i}" for i in range(width)]
    mismatched: list[int] = []

    def _invalid(row: pacsv.InvalidRow) -> str:
        mismatched.append(row.number or 0)
        return "skip"

    try:
        table = pacsv.read_csv(
            file,
            read_options=pacsv.ReadOptions(column_names=names, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=DELIMITER, ignore_empty_lines=False,
                                             invalid_row_handler=_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    if mismatched:
        return None
    columns = [table.column(n).to_numpy(zero_copy_only=False) for n in names]
    first = [str(c[0]) if len(c) else "" for c in columns]
    if first:
        first[0] = first[0].removeprefix("\ufeff")
    return pd.DataFrame({i: c[1:] for i, c in enumerate(columns)}, dtype=object).set_axis(first, axis=1)


def _read_pandas(file: Path) -> tuple[pd.DataFrame | None, list[Issue]]:
    try:
        cells = pd.read_csv(
            file, dtype=str, keep_default_na=False, header=None, skip_blank_lines=False,
            encoding="utf-8-sig", sep=DELIMITER,
        )
    except pd.errors.EmptyDataError:
        return _empty_file(file.name)
    except UnicodeDecodeError:
        return None, [Issue(
            "bad_encoding", file.name, None, None, None,
            f"{file.name} is not UTF-8 text; save it as 'CSV UTF-8 (comma delimited)'.",
        )]
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        expected = re.search(r"Expected (\d+) fields", str(exc))
        row = int(match.group(1)) if match else None
        detail = (f"row {row} has {match.group(2)} values but the header has {expected.group(1)} columns"
                  if match and expected else str(exc))
        return None, [Issue(
            "bad_csv", file.name, row, None, None,
            f"{file.name} cannot be read: {detail}; quote values that contain commas.",
        )]
    cells = cells.fillna("")
    header = cells.iloc[0].tolist()
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame.astype(object), []


def _empty_file(file: str) -> tuple[pd.DataFrame | None, list[Issue]]:
    required = TABLES[file.removesuffix(".csv")].required
    return None, [Issue(
        "empty_file", file, None, None, None,
        f"{file} is empty; it needs at least the header row."
        + ("" if required else " It is treated as having no rows."),
        "error" if required else "warning",
    )]


def parse_tables(
    raw: dict[str, pd.DataFrame],
    settings: dict[str, Any] | None = None,
    *,
    today: date | None = None,
    source: str = "csv",
) -> tuple[Dataset, list[Issue]]:
    """Type and check raw text tables (table name -> DataFrame of ``str`` cells, header as columns,
    rows in file order); returns the Dataset and the warnings, raises DatasetError on errors.

    Issues name the contract's file (``items.csv``) and number rows as that file would show
    them (header row 1), whatever the ``source``; ``source`` only words the messages.
    """
    plan_settings, issues = parse_settings(settings or {}, today=today)
    parsed: dict[str, ParsedTable] = {}
    for name, table in TABLES.items():
        if name in raw:
            parsed[name] = parse_table(table, raw[name])
            issues += parsed[name].issues
        else:
            parsed[name] = ParsedTable(empty_table(name), np.array([], dtype=int))
    if "items" not in raw:
        where = "in the dataset folder" if source == "csv" else f"in the {source} input"
        issues.append(Issue("missing_file", "items.csv", None, None, None,
                            f"items.csv is missing {where}; it is required and lists every item."))

    ds = Dataset(plan_settings, **{name: p.frame for name, p in parsed.items()})
    ctx = CheckContext(ds, {name: p.rows for name, p in parsed.items()}, frozenset(raw))
    issues += [i for i in run_checks(ctx) if not _already_explained(i, parsed, "items" in raw)]
    issues = sort_issues(issues)
    if has_errors(issues):
        raise DatasetError(issues)
    return ds, issues


def _already_explained(issue: Issue, parsed: dict[str, ParsedTable], items_given: bool) -> bool:
    """A check's issue that only repeats a reading problem: an unreadable cell, a missing column,
    or references to items when there is no items.csv at all."""
    table = parsed.get(issue.file.removesuffix(".csv"))
    if table is None:
        return False
    if issue.column in table.missing_columns or (issue.row, issue.column) in table.bad_cells:
        return True
    if not items_given and issue.column in TABLES[issue.file.removesuffix(".csv")].column_names:
        return TABLES[issue.file.removesuffix(".csv")].column(issue.column).ref == ITEM_REF
    return False
