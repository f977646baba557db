"""Declared fields for every YAML record, and the field types they share.

A record (the manifest, an audience, a section's front matter, a timeline event, a
source, a theme, a recipient) is a table of `Field`s. `parse` checks a mapping against
it and reports every unknown key (with a did-you-mean), bad value and missing required
key to the `Reporter`, each at the line of its key (or of the bad item of a list), so
one run names every problem.

A field type is a function from the YAML value to the model's value that raises
`InvalidValue` with what the value must be ("must be true or false"); the record's
message templates put the key and the record's name around it. A value that holds
records of its own is read by a `Nested` type (`One`, `Table`, `Items`), which parses
them with their own `Record`, so a problem deep inside is named at its own line too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
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

    type: FieldType | Nested = _same
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
    spread: bool = False
    """The value is a nested record whose fields are the outer record's (`logo: {file, height}`
    sets the manifest's `logo` and `logo_height`)."""


@dataclass(frozen=True)
class Record:
    """A kind of YAML record: its fields and how its messages read.

    Templates are formatted with `key`, `problem`, `hint` (did-you-mean) and the
    context the loader passes (e.g. `who`: "event 3", "source 'kcna'"); inside another
    record also `prefix` ("timeline."), `parent` ("timeline"), and `entry` (the name of a
    table's entry) or `number` (a list item's, from 1).
    """

    fields: Mapping[str, Field]
    error: type[BriefingError] = ManifestError
    unknown: str = "unknown key '{key}'{hint}"
    bad: str = "'{key}' {problem}"
    missing: str = "missing required key '{key}'"
    list_known: bool = False
    """Name the known keys when no key is close to an unknown one."""
    build: Callable[[dict[str, Any]], Any] | None = None
    """Makes the model's value of a nested record from its converted fields (default: the dict)."""


@dataclass(frozen=True)
class Where:
    """Where a value sits: its file, the run's reporter, its key's line and the message context."""

    path: Path
    reporter: Reporter
    line: int | None
    context: Mapping[str, str]

    def report(self, record: Record, template: str, line: int | None, **values: str) -> None:
        self.reporter.error(record.error(template.format(**values, **self.context), self.path, line))

    def inside(self, name: str, line: int | None, **context: str) -> Where:
        """The place of the value of key (or entry) *name*, at *line*."""
        parent = self.context.get("prefix", "") + name
        return Where(self.path, self.reporter, line, {**self.context, "prefix": parent + ".", "parent": parent, **context})


class Nested:
    """A field type whose value holds records of its own (a sub-mapping, a table, a list).

    Unlike a plain field type it reports each problem inside at that problem's own line;
    it raises InvalidValue only when the value as a whole has the wrong shape.
    """

    def read(self, value: Any, where: Where) -> Any:
        raise NotImplementedError


_FAILED: Any = object()


def parse(data: Mapping[str, Any], record: Record, path: Path, reporter: Reporter, at: int | None = None,
          **context: str) -> tuple[dict[str, Any], bool]:
    """The converted values of *data* (a YamlMap), and whether every field was good.

    Each problem goes to *reporter* at the line of its key (a missing key: the record's, or
    *at*, the line that names the record, such as its key in a table of records).
    """
    start = len(reporter.errors)
    values = _fields(data, record, Where(path, reporter, at or getattr(data, "line", None), context))
    return values, len(reporter.errors) == start


def _fields(data: Mapping[str, Any], record: Record, where: Where) -> dict[str, Any]:
    """Every field of *data* converted; each problem reported, the bad fields left out."""
    lines: Mapping[str, int] = getattr(data, "lines", {})
    values: dict[str, Any] = {}
    for key, value in data.items():
        spec = record.fields.get(key)
        line = lines.get(key, where.line)
        if spec is None:
            where.report(record, record.unknown, line, key=key, hint=hint(key, record.fields, record.list_known))
            continue
        try:
            converted = spec.type.read(value, where.inside(key, line)) if isinstance(spec.type, Nested) \
                else spec.type(value)
        except InvalidValue as problem:
            where.report(record, spec.message or record.bad, problem.line or line, key=key, problem=str(problem))
            continue
        if converted is _FAILED:
            continue
        if spec.spread:
            values.update(converted)
        else:
            values[spec.attr or key] = converted
    for key, spec in record.fields.items():
        if key in data:
            continue
        if spec.required:
            where.report(record, spec.missing or record.missing, where.line, key=key)
        elif spec.default is not _ABSENT:
            values[spec.attr or key] = spec.default
    return values


def _record(data: Mapping[str, Any], record: Record, where: Where) -> Any:
    """The model's value of one nested record, or _FAILED once a problem in it is reported."""
    start = len(where.reporter.errors)
    values = _fields(data, record, where)
    if len(where.reporter.errors) > start:
        return _FAILED
    return record.build(values) if record.build else values


@dataclass(frozen=True)
class One(Nested):
    """A mapping that is a record of its own (`logo: {file: …, height: 14}`).

    With a *shorthand*, a value that is not a mapping stands for that one key (`logo: x.png`).
    """

    record: Record
    shape: str
    """What the value must be (InvalidValue, at its key) when it is neither mapping nor shorthand."""
    shorthand: str | None = None

    def read(self, value: Any, where: Where) -> Any:
        if isinstance(value, dict):
            return _record(value, self.record, where)
        key = self.shorthand
        spec = self.record.fields.get(key) if key else None
        if key is None or spec is None or isinstance(value, bool):
            raise InvalidValue(self.shape)
        try:
            converted = spec.type.read(value, where) if isinstance(spec.type, Nested) else spec.type(value)
        except InvalidValue:
            raise InvalidValue(self.shape) from None
        if converted is _FAILED:
            return _FAILED
        others = replace(self.record, fields={name: f for name, f in self.record.fields.items() if name != key},
                         build=None)
        values = _record({}, others, where)
        if values is _FAILED:
            return _FAILED
        values[spec.attr or key] = converted
        return self.record.build(values) if self.record.build else values


@dataclass(frozen=True)
class Table(Nested):
    """A mapping of names to records of one kind (`audiences:`, `printers:`, a theme's `boxes:`)."""

    record: Record
    shape: str
    """What the value must be (InvalidValue, at its key) when it is not a mapping."""
    entry: str
    """Template for an entry that is not a mapping (at the entry's line)."""
    build: Callable[[str, dict[str, Any], Mapping[str, Any], int | None], Any] | None = None
    """The model's value of entry (name, converted fields, the entry's mapping, its line)."""
    name_problem: Callable[[str], str | None] | None = None
    """The template of what is wrong with an entry's name (at its line), or None."""
    empty: bool = False
    """An entry written without a value (`publik:`) is an empty record."""

    def read(self, value: Any, where: Where) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidValue(self.shape)
        lines: Mapping[str, int] = getattr(value, "lines", {})
        entries: dict[str, Any] = {}
        for name, given in value.items():
            line = lines.get(name, where.line)
            inner = where.inside(name, line, entry=name)
            problem = self.name_problem(name) if self.name_problem else None
            if problem:
                inner.report(self.record, problem, line)
                continue
            spec = {} if given is None and self.empty else given
            if not isinstance(spec, dict):
                inner.report(self.record, self.entry, line)
                continue
            built = _record(spec, self.record, inner)
            if built is not _FAILED:
                entries[name] = self.build(name, built, spec, line) if self.build else built
        return entries


@dataclass(frozen=True)
class Items(Nested):
    """A non-empty list of records of one kind (the sign-offs of `clearance:`)."""

    record: Record
    shape: str
    """What the value must be (InvalidValue, at its key) when it is not a non-empty list."""
    entry: str
    """Template for an item that is not a mapping (at the item's line)."""

    def read(self, value: Any, where: Where) -> tuple[Any, ...]:
        if not isinstance(value, list) or not value:
            raise InvalidValue(self.shape)
        lines: list[int] = getattr(value, "lines", [])
        items = []
        for number, item in enumerate(value, start=1):
            line = lines[number - 1] if lines else where.line
            inner = where.inside(str(number), line, number=str(number))
            if not isinstance(item, dict):
                inner.report(self.record, self.entry, line)
                continue
            items.append(_record(item, self.record, inner))
        return _FAILED if len(items) < len(value) or any(i is _FAILED for i in items) else tuple(items)


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


def any_case_of(choices: tuple[str, ...]) -> FieldType:
    """One of *choices* in any case, as the command line takes it (`paper: a4` as `--paper a4`),
    given back in the canonical spelling."""
    canonical = {choice.casefold(): choice for choice in choices}

    def convert(value: Any) -> str:
        if isinstance(value, str) and value.casefold() in canonical:
            return canonical[value.casefold()]
        raise InvalidValue("must be one of " + ", ".join(choices) + " (in any case)")

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


def placeholders(template: str) -> tuple[str, ...]:
    """The `{name}` placeholders of a built-in format template, in order."""
    return tuple(dict.fromkeys(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None))


def template(names: tuple[str, ...]) -> FieldType:
    """A non-empty text that may use the placeholders *names* (`{page}`) and nothing else.

    Checked when the brief loads, so filling it in later cannot fail; a literal brace is
    written `{{` or `}}`. A text that takes no placeholders is never filled in, so it comes
    back with its doubled braces made single.
    """
    takes = f"it takes {_joined(names)}" if names else "it takes no placeholders"

    def convert(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidValue("must be a non-empty text")
        try:
            fields = [(name, spec, conv) for _t, name, spec, conv in string.Formatter().parse(value) if name is not None]
        except ValueError:
            raise InvalidValue(f"has an unmatched brace ({takes}; write a literal brace as {{{{ or }}}})") from None
        for name, spec, conv in fields:
            if name not in names or spec or conv:
                written = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
                raise InvalidValue(f"has placeholder '{written}', which it does not take "
                                   f"({takes}; write a literal brace as {{{{ or }}}})")
        return value if names else value.format()

    return convert


def _joined(names: tuple[str, ...]) -> str:
    shown = ["{" + name + "}" for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
