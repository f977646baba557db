"""Declared fields for every YAML record, and the field types they share.

A record (the manifest, an audience, a section's front matter, a timeline event, a
source, a theme, a recipient) is a table of `Field`s. `parse` checks a mapping against
it and reports every unknown key (with a did-you-mean), bad value and missing required
key to the `Reporter`, each at the line of its key (or of the bad item of a list), so
one run names every problem.

A field type is a function from the YAML value to the model's value that raises
`InvalidValue` with what the value must be ("must be true or false"); the record's
message templates put the key and the record's name around it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BriefingError, InvalidValue, ManifestError, Reporter

FieldType = Callable[[Any], Any]
_ABSENT: Any = object()


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    """One key of a record: its type, and what happens when it is absent or bad."""

    type: FieldType = _same
    """Checks and converts the YAML value; raises InvalidValue with what it must be."""
    required: bool = False
    default: Any = _ABSENT
    """The value when the key is absent (by default, absent keys are left out)."""
    attr: str | None = None
    """The model's name for the value, when it is not the key."""
    message: str | None = None
    """Template for a bad value, instead of the record's `bad`."""
    missing: str | None = None
    """Template for a missing required key, instead of the record's `missing`."""


@dataclass(frozen=True)
class Record:
    """A kind of YAML record: its fields and how its messages read.

    Templates are formatted with `key`, `problem`, `hint` (did-you-mean) and the
    context the loader passes (e.g. `who`: "event 3", "source 'kcna'").
    """

    fields: Mapping[str, Field]
    error: type[BriefingError] = ManifestError
    unknown: str = "unknown key '{key}'{hint}"
    bad: str = "'{key}' {problem}"
    missing: str = "missing required key '{key}'"
    list_known: bool = False
    """Name the known keys when no key is close to an unknown one."""


def parse(data: Mapping[str, Any], record: Record, path: Path, reporter: Reporter, at: int | None = None,
          **context: str) -> tuple[dict[str, Any], bool]:
    """The converted values of *data* (a YamlMap), and whether every field was good.

    Each problem goes to *reporter* at the line of its key (a missing key: the record's, or
    *at*, the line that names the record, such as its key in a table of records).
    """
    lines: Mapping[str, int] = getattr(data, "lines", {})
    line: int | None = at or getattr(data, "line", None)
    start = len(reporter.errors)
    values: dict[str, Any] = {}

    def report(template: str, key: str, at: int | None, **extra: str) -> None:
        reporter.error(record.error(template.format(key=key, **extra, **context), path, at))

    for key, value in data.items():
        spec = record.fields.get(key)
        if spec is None:
            report(record.unknown, key, lines.get(key, line), hint=hint(key, record.fields, record.list_known))
            continue
        try:
            values[spec.attr or key] = spec.type(value)
        except InvalidValue as problem:
            report(spec.message or record.bad, key, problem.line or lines.get(key, line), problem=str(problem))
    for key, spec in record.fields.items():
        if key in data:
            continue
        if spec.required:
            report(spec.missing or record.missing, key, line)
        elif spec.default is not _ABSENT:
            values[spec.attr or key] = spec.default
    return values, len(reporter.errors) == start


def hint(name: str, known: Mapping[str, Any] | list[str], list_known: bool = False) -> str:
    """" (did you mean 'x'?)" for a near name; else the known names, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (known: {', '.join(sorted(known))})" if list_known else ""


# ---------------------------------------------------------------------------- shared field types


def text(value: Any) -> str:
    """A non-empty text, stripped."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InvalidValue("must be a non-empty text")


def any_text(value: Any) -> str:
    """A text, perhaps empty, stripped."""
    if isinstance(value, str):
        return value.strip()
    raise InvalidValue("must be a text")


def upper_text(value: Any) -> str:
    """A non-empty text in capitals (markings, handling levels)."""
    return text(value).upper()


def level_name(value: Any) -> str | None:
    """A handling level name, in capitals (an empty value is no level)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue("must be a handling level name")
    return value.strip().upper() if value else None


def text_list(value: Any) -> tuple[str, ...]:
    """One text, or a list of non-empty texts."""
    if isinstance(value, str):
        return (value,)
    return tuple(_items(value, lambda v: isinstance(v, str) and bool(v.strip()), "must be a list of texts"))


def names(message: str, strip: bool = True) -> FieldType:
    """One name, or a list of names (each stripped); *message* says what they are."""
    def convert(value: Any) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        return tuple(v.strip() if strip else v for v in _items(items, lambda v: isinstance(v, str), message))

    return convert


def _items(value: Any, good: Callable[[Any], bool], message: str) -> list[Any]:
    """*value* if it is a list of good items; else InvalidValue at the line of the first bad item."""
    if not isinstance(value, list):
        raise InvalidValue(message)
    for index, item in enumerate(value):
        if not good(item):
            lines = getattr(value, "lines", None)
            raise InvalidValue(message, lines[index] if lines else None)
    return value


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidValue("must be true or false")


def one_of(choices: tuple[Any, ...], message: str | None = None) -> FieldType:
    """One of *choices*, as written."""
    def convert(value: Any) -> Any:
        if value in choices:
            return value
        raise InvalidValue(message or "must be one of " + ", ".join(choices))

    return convert


def scalar_text(value: Any) -> str:
    """A text, or a number read as text (a version `2`, a control number `0042`)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    raise InvalidValue("must be a text")


def mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    raise InvalidValue("must be a mapping of names to values")


def whole_number(message: str) -> FieldType:
    """A whole number above zero."""
    def convert(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        raise InvalidValue(message)

    return convert


def number(low: float, high: float) -> FieldType:
    """A number from *low* to *high*, as a float."""
    def convert(value: Any) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
            return float(value)
        raise InvalidValue(f"must be a number from {low:g} to {high:g}")

    return convert


_DAY_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def day(value: Any) -> dt.date:
    """A date written YYYY-MM-DD (YAML reads it as a date; an impossible one stays text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, str) and _DAY_RE.fullmatch(value.strip()):
        raise InvalidValue(f"'{value.strip()}' is not a real date")
    raise InvalidValue("must be a date written YYYY-MM-DD")
