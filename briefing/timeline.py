"""Load `timeline.yaml`: dated events, validated and sorted chronologically.

Dates are a year (`1948`), a month (`2022-05`), a day (`2019-04-25`) or a range of
two of the same kind joined by `/` (`1950/1953`). An approximate date keeps a
sortable `date` and shows its `label` instead ("awal 1990-an").
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .errors import InvalidValue, Reporter, TimelineError
from .model import Citation, CiteItem, Inline, SourcePos, TimelineDate, TimelineEvent
from .schema import Field, Record, any_text, boolean, level_name, names, parse, text
from .yamlfile import YamlList, YamlMap, load_yaml

_PATTERNS = (
    ("day", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("year", re.compile(r"^(\d{4})$")),
)


def parse_date(raw: Any) -> TimelineDate:
    """Parse a timeline date; raise ValueError with a readable reason."""
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return TimelineDate(raw, None, "day")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise ValueError("a date must be written as YYYY, YYYY-MM, YYYY-MM-DD or a range A/B")
    parts = [p.strip() for p in raw.split("/")]
    if len(parts) > 2:
        raise ValueError(f"'{raw}' has more than one '/'")
    start, precision = _parse_point(parts[0])
    if len(parts) == 1:
        return TimelineDate(start, None, precision)
    end, end_precision = _parse_point(parts[1])
    if end_precision != precision:
        raise ValueError(f"'{raw}': both ends of a range must be written the same way")
    if end < start:
        raise ValueError(f"'{raw}': the range ends before it starts")
    return TimelineDate(start, end, precision)


def _parse_point(text: str) -> tuple[dt.date, str]:
    for precision, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        year, month, day = (numbers + [1, 1])[:3]
        try:
            return dt.date(year, month, day), precision
        except ValueError:
            raise ValueError(f"'{text}' is not a real date") from None
    raise ValueError(f"'{text}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")


def load_timeline(path: Path) -> tuple[TimelineEvent, ...]:
    """Read and validate the events in *path*, sorted by date (ties keep file order)."""
    from .files import read_text

    if not path.exists():
        raise TimelineError("timeline file not found (named by 'timeline:' in brief.yaml)", path)
    data = load_yaml(read_text(path), path)
    if data is None:
        return ()
    if not isinstance(data, YamlList):
        raise TimelineError("the timeline must be a list of events (each starting with '- date:')", path, 1)
    reporter = Reporter()
    events = [_event(item, path, line, index, reporter) for index, (item, line) in enumerate(zip(data, data.lines), start=1)]
    reporter.raise_if_errors()
    return tuple(sorted((e for e in events if e is not None), key=lambda e: (e.date.start, e.date.end or e.date.start)))


def timeline_date(value: Any) -> TimelineDate:
    """The field type of a timeline date (see parse_date)."""
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidValue(f"bad date: {exc}") from None


def _label(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InvalidValue("must be a text")


def _cite(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if isinstance(items, list) and all(isinstance(c, str) and c.strip() for c in items):
        return tuple(c.strip().lstrip("@") for c in items)
    raise InvalidValue("must be a source id or a list of them")


_NEEDS_TITLE = "{who}{when} needs a 'title'"

#: One event of the timeline file (the loader passes `who`, "event 3", and `when`, " (2022)").
EVENT = Record({
    "date": Field(timeline_date, required=True, message="{who}: {problem}"),
    "title": Field(text, required=True, message=_NEEDS_TITLE, missing=_NEEDS_TITLE),
    "text": Field(any_text, default="", attr="markdown"),
    "tags": Field(names("must be a list of words", strip=False), default=()),
    "highlight": Field(boolean, default=False),
    "label": Field(_label),
    "cite": Field(_cite, default=()),
    "level": Field(level_name),
}, error=TimelineError, unknown="{who}: unknown key '{key}'{hint}", bad="{who}: '{key}' {problem}",
   missing="{who} has no '{key}'", list_known=True)


def _event(item: Any, path: Path, line: int, index: int, reporter: Reporter) -> TimelineEvent | None:
    """One event, its `text:` kept as written: Markdown is parsed in the parse stage."""
    where = f"event {index}"
    if not isinstance(item, YamlMap):
        reporter.error(TimelineError(f"{where} must be a mapping with at least 'date' and 'title'", path, line))
        return None
    values, ok = parse(item, EVENT, path, reporter, who=where, when=f" ({item['date']})" if "date" in item else "")
    if not ok:
        return None
    date, label, cite = values.pop("date"), values.pop("label", None), values.pop("cite")
    if label:
        date = TimelineDate(date.start, date.end, date.precision, label)
    inlines: tuple[Inline, ...] = ()
    if cite:
        inlines = (Citation(tuple(CiteItem(c) for c in cite), SourcePos(path, item.lines["cite"])),)
    return TimelineEvent(date=date, text=inlines, pos=SourcePos(path, line), markdown_line=_text_line(item, line), **values)


def _text_line(item: YamlMap, line: int) -> int:
    """The line the event's text starts on (below `text: |`), past the blank lines stripped off it."""
    raw = item.get("text")
    if not isinstance(raw, str):
        return item.lines.get("text", line)
    return item.value_lines["text"] + raw[:len(raw) - len(raw.lstrip())].count("\n")
