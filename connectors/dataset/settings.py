"""``settings.toml``: plan parameters, read leniently (a number may be quoted) and checked."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from connectors.dataset.cells import date_hint, format_cell, format_number, parse_date_text, parse_number_text
from connectors.dataset.issues import Issue
from mrp.dataset import SETTINGS_KEYS, PlanSettings

SETTINGS_FILE = "settings.toml"

#: key -> (kind, smallest allowed value). Every one of these may not be negative.
_NUMBERS: dict[str, tuple[type, float]] = {
    "horizon_days": (int, 0),
    "forecast_back_days": (int, 0),
    "forecast_forward_days": (int, 0),
    "holding_rate": (float, 0),
    "order_cost": (float, 0),
    "late_penalty": (float, 0),
    "bake_hours": (float, 0),
    "defer_days": (int, 0),
    "schedule_horizon_days": (int, 0),
    "budget_minutes": (float, 0.1),
}
#: settings kept in a TOML table of their own: ``[run] budget_minutes = 30``.
_TABLES: dict[str, tuple[str, ...]] = {"run": ("budget_minutes",)}
_FLAGS = ("allow_empty_demand",)
_DEFAULTS = PlanSettings(as_of=date(2000, 1, 1))


def load_settings_file(path: Path) -> tuple[dict[str, Any], list[Issue]]:
    """The raw key/value table of ``settings.toml`` ({} when the file is absent)."""
    if not path.exists():
        return {}, []
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig")), []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        return {}, [Issue(
            "bad_settings", SETTINGS_FILE, int(line.group(1)) if line else None, None, None,
            f"{SETTINGS_FILE} cannot be read ({exc}); write one `key = value` per line, "
            "e.g. as_of = 2026-11-23 and shift_start = \"06:00\".",
        )]


def parse_settings(raw: dict[str, Any], *, today: date | None = None) -> tuple[PlanSettings, list[Issue]]:
    """PlanSettings from the raw table; ``as_of`` falls back to ``today`` (then the clock).

    Bad values are reported and replaced by their default so every other check still runs.
    """
    issues: list[Issue] = []
    values: dict[str, Any] = {}
    for key, value in _flatten(raw).items():
        if key not in SETTINGS_KEYS:
            issues.append(Issue(
                "unknown_setting", SETTINGS_FILE, None, key, format_cell(value),
                f"Setting {key} is not known and is ignored; the settings are {', '.join(SETTINGS_KEYS)}.",
                "warning",
            ))
            continue
        parsed, problem = _parse_value(key, value)
        if problem:
            issues.append(Issue(problem[0], SETTINGS_FILE, None, key, _text(value), problem[1]))
        else:
            values[key] = parsed
    as_of = values.pop("as_of", None) or today or date.today()
    return PlanSettings(as_of=as_of, **values), issues


def _flatten(raw: dict[str, Any]) -> dict[str, Any]:
    """Keys of the known tables (``[run]``) lifted to the top level beside the others."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _TABLES and isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[inner if inner in _TABLES[key] else f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


def _text(value: Any) -> str:
    return value if isinstance(value, str) else format_cell(value)


def _parse_value(key: str, value: Any) -> tuple[Any, tuple[str, str] | None]:
    if key == "as_of":
        return _parse_as_of(value)
    if key == "shift_start":
        return _parse_shift_start(value)
    if key in _FLAGS:
        return _parse_flag(key, value)
    kind, low = _NUMBERS[key]
    number = _number(value)
    if number is None:
        return None, ("not_a_number", f"{key} must be a number, e.g. {key} = {format_number(getattr(_DEFAULTS, key))}.")
    if kind is int and not float(number).is_integer():
        return None, ("not_an_integer", f"{key} must be a whole number of days, not {format_number(number)}.")
    if number < low:
        return None, ("negative", f"{key} must be at least {low}, not {format_number(number)}.")
    return kind(number), None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return parse_number_text(value)
    return None


def _parse_as_of(value: Any) -> tuple[date | None, tuple[str, str] | None]:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value, None
    parsed = parse_date_text(value) if isinstance(value, str) else None
    if parsed is None:
        return None, ("bad_date", f"as_of: {date_hint(_text(value))}")
    return parsed, None


def _parse_flag(key: str, value: Any) -> tuple[bool | None, tuple[str, str] | None]:
    if isinstance(value, bool):
        return value, None
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true", None
    return None, ("not_a_flag", f"{key} must be true or false, e.g. {key} = true, not {_text(value)}.")


def _parse_shift_start(value: Any) -> tuple[time | None, tuple[str, str] | None]:
    if isinstance(value, time):
        return value, None
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value.strip()):
        try:
            return time.fromisoformat(value.strip().zfill(5 if value.strip().count(":") == 1 else 8)), None
        except ValueError:
            pass
    return None, ("bad_time", f"shift_start must be a time of day written \"HH:MM\", e.g. shift_start = \"06:00\", not {_text(value)}.")


def settings_to_toml(settings: PlanSettings) -> str:
    """``settings.toml`` text holding every setting, in the order of :class:`PlanSettings`."""
    lines, tables = [], {name: [] for name in _TABLES}
    for key in SETTINGS_KEYS:
        value = getattr(settings, key)
        table = next((name for name, keys in _TABLES.items() if key in keys), None)
        target = tables[table] if table else lines
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, time):
            text = f'"{value.strftime("%H:%M:%S" if value.second else "%H:%M")}"'
        elif isinstance(value, date):
            text = value.isoformat()
        else:
            text = format_number(value)
        target.append(f"{key} = {text}")
    for name, rows in tables.items():
        lines += ["", f"[{name}]", *rows]
    return "\n".join(lines) + "\n"
