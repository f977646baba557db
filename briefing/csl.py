"""CSL-JSON as CSL means it: item positions, names, dates and rich-text titles.

Zotero, Better BibTeX and pandoc write names with particles and suffixes, dates as
`date-parts` (or `raw`/`literal` text, with `circa` and `season`), and titles with a
small HTML-like markup. Each reader here returns our values or raises ValueError
with a reason; `sources.py` attaches the item and its line.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from .model import Emph, Inline, Strong, Styled, Text, TimelineDate
from .timeline import parse_date

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_NUMERIC_DATE = re.compile(r"\d{4}(-\d\d){0,2}(\s*/\s*\d{4}(-\d\d){0,2})?")


@dataclass(frozen=True)
class JsonItem:
    """One element of the top-level JSON list, with the line of it and of each of its keys."""

    value: Any
    line: int
    lines: dict[str, int]


def json_items(text: str) -> list[JsonItem]:
    """The elements of a JSON list with their lines; raises json.JSONDecodeError or ValueError."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("a CSL-JSON file must be a list of items")
    starts = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_left(starts, offset) + 1

    items = []
    pos = _WS.match(text, 0).end() + 1  # type: ignore[union-attr]
    for value in data:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        keys = _key_offsets(text, pos) if isinstance(value, dict) else {}
        _, end = _DECODER.raw_decode(text, pos)
        items.append(JsonItem(value, line_of(pos), {k: line_of(o) for k, o in keys.items()}))
        pos = _WS.match(text, end).end() + 1  # type: ignore[union-attr]  # past ',' or ']'
    return items


def _key_offsets(text: str, pos: int) -> dict[str, int]:
    """Offset of each key of the JSON object starting at *pos* (the last one wins, as in json.loads)."""
    offsets: dict[str, int] = {}
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    while text[pos] == '"':
        key, end = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        offsets[key] = pos
        pos = _WS.match(text, _WS.match(text, end).end() + 1).end()  # type: ignore[union-attr]  # past ':'
        _, end = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    return offsets


# ---------------------------------------------------------------------------- names


def name(value: Any) -> str:
    """A CSL name in display order: "Vincent van Gogh", "Martin Luther King Jr.", "Jean de La Fontaine"."""
    if not isinstance(value, dict):
        raise ValueError("is not a name object")
    if value.get("literal"):
        return _text(value["literal"], "literal")
    parts = [_text(value[k], k) for k in ("given", "dropping-particle", "non-dropping-particle", "family")
             if value.get(k)]
    if not parts:
        raise ValueError("has no 'family', 'given' or 'literal'")
    shown = " ".join(parts)
    if value.get("suffix"):
        comma = value.get("comma-suffix") in (True, 1, "1", "true")
        shown += (", " if comma else " ") + _text(value["suffix"], "suffix")
    return shown


def _text(value: Any, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"'{key}' must be a text")
    return str(value).strip()


# ---------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class CslDate:
    """What a CSL date object says: a parsed date, or text to print as given, and qualifiers."""

    date: TimelineDate | None = None
    text: str | None = None
    circa: bool = False
    season: str | None = None


def date(value: Any) -> CslDate:
    """Read `{"date-parts": [[2021, 3, 4]]}` (a range has two), or `raw` / `literal` text."""
    if not isinstance(value, dict):
        raise ValueError("must be an object with 'date-parts', 'raw' or 'literal'")
    circa = value.get("circa") not in (None, False, 0, "", "0", "false")
    season = _season(value.get("season"))
    if "date-parts" in value:
        parts = value["date-parts"]
        return CslDate(_date_parts(parts), None, circa, _pseudo_month_season(parts) or season)
    if "literal" in value:
        return CslDate(None, _text(value["literal"], "literal"), circa, season)
    if "raw" in value:
        raw = _text(value["raw"], "raw")
        if _NUMERIC_DATE.fullmatch(raw):  # reads as a date, so an impossible one is an error, not text
            return CslDate(parse_date(raw), None, circa, season)
        return CslDate(None, raw, circa, season)
    raise ValueError("has no 'date-parts', 'raw' or 'literal'")


def _season(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = _text(value, "season")
    return {"13": "1", "14": "2", "15": "3", "16": "4"}.get(text, text)


#: Months that stand for seasons, as Zotero and Better BibTeX export them: citeproc-js's
#: 13-16 and EDTF's 21-24 (spring, summer, autumn, winter).
PSEUDO_MONTHS = {13: "1", 14: "2", 15: "3", 16: "4", 21: "1", 22: "2", 23: "3", 24: "4"}


def _pseudo_month_season(parts: Any) -> str | None:
    """The season of `[[2017, 14]]` ("2"), or of a range of seasons (`[[2017, 14], [2017, 15]]`: "2-3")."""
    if not isinstance(parts, list) or not all(_is_season(p) for p in parts):
        return None
    return "-".join(PSEUDO_MONTHS[_number(p[1]) or 0] for p in parts)


def _number(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _date_parts(parts: Any) -> TimelineDate:
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        raise ValueError("'date-parts' must be a list of one date (or two for a range), e.g. [[2021, 3, 4]]")
    if len(parts) == 2 and parts[1] in ([], [0], ["0"], [""]):
        raise ValueError(f"{parts}: an open-ended range (ending in {parts[1]}) has no end to print; "
                         "give it as text instead, e.g. {\"literal\": \"2014 onwards\"}")
    seasons = [_is_season(p) for p in parts]
    if any(seasons) and not all(seasons):
        raise ValueError(f"{parts}: a range from a season to a month cannot be printed from 'date-parts'; "
                         "give it as text instead, e.g. {\"literal\": \"Spring 2017–June 2018\"}")
    if all(seasons):  # the seasons themselves are read by _pseudo_month_season
        return _date_parts([p[:1] for p in parts])
    points = [_point(p) for p in parts]
    (start, precision), (end, end_precision) = points[0], points[-1]
    if len(points) == 1:
        return TimelineDate(start, None, precision)
    if end_precision != precision:
        raise ValueError(f"{parts}: both ends of a range must have the same parts")
    if end < start:
        raise ValueError(f"{parts}: the range ends before it starts")
    return TimelineDate(start, end, precision)


def _is_season(point: Any) -> bool:
    """`[year, 13-16 or 21-24]`: a season given as a month."""
    return isinstance(point, list) and len(point) == 2 and _number(point[1]) in PSEUDO_MONTHS


def _point(point: Any) -> tuple[dt.date, str]:
    if not isinstance(point, list) or not 1 <= len(point) <= 3:
        raise ValueError(f"has {point!r} in 'date-parts'; each date must be [year], [year, month] or [year, month, day]")
    try:
        numbers = [int(str(n).strip()) for n in point]
    except ValueError:
        raise ValueError(f"{point!r} must hold whole numbers") from None
    year, month, day = (numbers + [1, 1])[:3]
    if year <= 0:
        raise ValueError(f"{point!r} is a date BC, which briefing cannot print from 'date-parts'; "
                         f"give it as text instead: {{\"literal\": \"{_bc_text(numbers)}\"}}")
    if not 1 <= month <= 12:
        raise ValueError(f"{point!r}: month {month} is not a month (1-12)")
    try:
        return dt.date(year, month, day), ("year", "month", "day")[len(numbers) - 1]
    except ValueError:
        raise ValueError(f"{point!r} is not a real date") from None


def _bc_text(numbers: list[int]) -> str:
    """"15 March 44 BC" for [-44, 3, 15] (CSL counts -44 as 44 BC), as a suggestion to copy."""
    if not numbers[0]:
        return "1 BC"
    shown = f"{-numbers[0]} BC"
    if len(numbers) > 1 and 1 <= numbers[1] <= 12:
        shown = f"{dt.date(2000, numbers[1], 1):%B} {shown}"
        if len(numbers) > 2:
            shown = f"{numbers[2]} {shown}"
    return shown


# ---------------------------------------------------------------------------- rich text

_TAG = re.compile(r'<(/?)(i|b|sub|sup|sc)>|<span\s+class="nocase">|<span\s+style="font-variant:\s*small-caps;?">|</span>')
_STYLES = {"i": "i", "b": "b", "sub": "sub", "sup": "sup", "sc": "smallcaps"}


def rich_text(title: str) -> tuple[str, tuple[Inline, ...]]:
    """Plain text and inlines of a CSL title; `()` when it has no markup.

    `<i>`, `<b>`, `<sub>`, `<sup>`, `<sc>`, `<span style="font-variant:small-caps;">`
    and `<span class="nocase">` are markup; any other `<…>` is text, as CSL says.
    An unmatched closing tag is text; an unclosed one ends with the title.
    """
    if "<" not in title:
        return html.unescape(title), ()
    stack: list[tuple[str, list[Inline]]] = [("", [])]
    position = 0
    for match in _TAG.finditer(title):
        _add_text(stack[-1][1], title[position:match.start()])
        position = match.end()
        closing, tag = match.group(1), match.group(2)
        style = _STYLES[tag] if tag else ("nocase" if "nocase" in match.group(0) else "smallcaps")
        if not closing and not match.group(0).startswith("</"):
            stack.append((style, []))
        elif len(stack) > 1 and (stack[-1][0] == style or (tag is None and stack[-1][0] in ("nocase", "smallcaps"))):
            _close(stack)
        else:
            _add_text(stack[-1][1], match.group(0))
    _add_text(stack[-1][1], title[position:])
    while len(stack) > 1:
        _close(stack)
    inlines = tuple(stack[0][1])
    return _plain(inlines), inlines if any(not isinstance(n, Text) for n in inlines) else ()


def _add_text(into: list[Inline], text: str) -> None:
    if text:
        into.append(Text(html.unescape(text)))


def _close(stack: list[tuple[str, list[Inline]]]) -> None:
    style, children = stack.pop()
    wraps: dict[str, Callable[[tuple[Inline, ...]], Inline]] = {"i": Emph, "b": Strong}
    wrap = wraps.get(style)
    if wrap is not None:
        stack[-1][1].append(wrap(tuple(children)))
    elif style == "nocase":
        stack[-1][1].extend(children)
    else:
        stack[-1][1].append(Styled(style, tuple(children)))


def _plain(inlines: tuple[Inline, ...]) -> str:
    return "".join(n.text if isinstance(n, Text) else _plain(n.children) for n in inlines)  # type: ignore[union-attr]
