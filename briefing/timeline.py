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

from .errors import BriefingError, TimelineError, raise_all
from .model import Citation, CiteItem, Inline, SourcePos, TimelineDate, TimelineEvent
from .yamlfile import YamlList, YamlMap, load_yaml

EVENT_KEYS = {"date", "title", "text", "tags", "highlight", "label", "cite", "level"}
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
    events: list[TimelineEvent] = []
    errors: list[BriefingError] = []
    for index, (item, line) in enumerate(zip(data, data.lines), start=1):
        try:
            events.append(_event(item, path, line, index))
        except BriefingError as exc:  # a bad field, or bad Markdown in its text
            errors.extend(getattr(exc, "errors", [exc]))
    raise_all(errors)
    return tuple(sorted(events, key=lambda e: (e.date.start, e.date.end or e.date.start)))


def _event(item: Any, path: Path, line: int, index: int) -> TimelineEvent:
    """One event, its `text:` kept as written: Markdown is parsed in the parse stage."""
    where = f"event {index}"
    if not isinstance(item, YamlMap):
        raise TimelineError(f"{where} must be a mapping with at least 'date' and 'title'", path, line)
    for key in item:
        if key not in EVENT_KEYS:
            raise TimelineError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(EVENT_KEYS))})", path, item.lines[key])
    if "date" not in item:
        raise TimelineError(f"{where} has no 'date'", path, line)
    try:
        date = parse_date(item["date"])
    except ValueError as exc:
        raise TimelineError(f"{where}: bad date: {exc}", path, item.lines["date"]) from None
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise TimelineError(f"{where} ({item['date']}) needs a 'title'", path, item.lines.get("title", line))
    label = item.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise TimelineError(f"{where}: 'label' must be a text", path, item.lines["label"])
    if label:
        date = TimelineDate(date.start, date.end, date.precision, label.strip())
    text = item.get("text", "")
    if not isinstance(text, str):
        raise TimelineError(f"{where}: 'text' must be a text", path, item.lines["text"])
    tags = item.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise TimelineError(f"{where}: 'tags' must be a list of words", path, item.lines["tags"])
    highlight = item.get("highlight", False)
    if not isinstance(highlight, bool):
        raise TimelineError(f"{where}: 'highlight' must be true or false", path, item.lines["highlight"])
    cite = item.get("cite", [])
    if isinstance(cite, str):
        cite = [cite]
    if not isinstance(cite, list) or not all(isinstance(c, str) and c.strip() for c in cite):
        raise TimelineError(f"{where}: 'cite' must be a source id or a list of them", path, item.lines["cite"])
    inlines: tuple[Inline, ...] = ()
    if cite:
        inlines = (Citation(tuple(CiteItem(c.strip().lstrip("@")) for c in cite), SourcePos(path, item.lines["cite"])),)
    level = item.get("level")
    if level is not None and not isinstance(level, str):
        raise TimelineError(f"{where}: 'level' must be a handling level name", path, item.lines["level"])
    return TimelineEvent(date, title.strip(), inlines, tuple(tags), highlight, SourcePos(path, line),
                         level.strip().upper() if level else None, text.strip(), item.lines.get("text", line))
