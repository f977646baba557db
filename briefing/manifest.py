"""Load and validate `brief.yaml` into a `Manifest`.

The schema is declared once, as a table of fields; every problem is reported with
the line of its key, all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import BriefingError, ManifestError, raise_all
from .model import Manifest, SourcesOptions, TimelineOptions
from .yamlfile import YamlMap, load_yaml

MANIFEST_NAME = "brief.yaml"
LANGUAGES = ("id", "en")
PAPERS = ("A4", "Letter")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class FieldSpec:
    """One manifest key: what it must be, and how to turn it into the model's value."""

    check: Callable[[Any], str | None]
    """Returns an error message, or None when the value is acceptable."""
    convert: Callable[[Any], Any] = lambda v: v
    required: bool = False


def _is_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return "must be a non-empty text"


def _is_text_list(value: Any) -> str | None:
    if isinstance(value, str):
        return None
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a list of texts"


def _to_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _is_date(value: Any) -> str | None:
    try:
        _to_date(value)
    except (TypeError, ValueError):
        return "must be a date written YYYY-MM-DD"
    return None


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        return dt.date.fromisoformat(value.strip())
    raise ValueError(value)


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return "must be one of " + ", ".join(choices)

    return check


def _is_id(value: Any) -> str | None:
    if isinstance(value, str) and _ID_RE.match(value):
        return None
    return "must be lowercase letters, digits, '.', '_' or '-'"


TIMELINE_CHOICES = {"side": ("right", "left"), "order": ("chronological", "reverse")}


def _is_timeline(value: Any) -> str | None:
    if isinstance(value, str):
        return _is_text(value)
    if not isinstance(value, dict) or not isinstance(value.get("file"), str):
        return "must be a file name, or a mapping with 'file' (and optionally 'side', 'order')"
    for key, item in value.items():
        if key == "file":
            continue
        if key not in TIMELINE_CHOICES:
            return f"has unknown key '{key}' (known: file, side, order)"
        if item not in TIMELINE_CHOICES[key]:
            return f"'{key}' must be one of " + ", ".join(TIMELINE_CHOICES[key])
    return None


def _to_timeline(value: Any) -> TimelineOptions:
    if isinstance(value, str):
        return TimelineOptions(value.strip())
    return TimelineOptions(**dict(value))


SOURCES_OPTIONS = {"qr": (True, False), "further_reading": (True, False), "markers": ("brackets", "superscript")}


def _is_sources(value: Any) -> str | None:
    if isinstance(value, str):
        return _is_text(value)
    if not isinstance(value, dict) or not isinstance(value.get("file"), str):
        return "must be a file name, or a mapping with 'file' (and optionally 'qr', 'further_reading', 'markers')"
    for key, item in value.items():
        if key == "file":
            continue
        if key not in SOURCES_OPTIONS:
            return f"has unknown key '{key}' (known: file, {', '.join(SOURCES_OPTIONS)})"
        if item not in SOURCES_OPTIONS[key] or (isinstance(item, bool) != isinstance(SOURCES_OPTIONS[key][0], bool)):
            return f"'{key}' must be one of " + ", ".join(str(c).lower() for c in SOURCES_OPTIONS[key])
    return None


def _to_sources(value: Any) -> SourcesOptions:
    if isinstance(value, str):
        return SourcesOptions(value.strip())
    return SourcesOptions(**dict(value))


def _is_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping of names to values"


FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(_is_id),
    "title": FieldSpec(_is_text, str.strip, required=True),
    "subtitle": FieldSpec(_is_text, str.strip),
    "date": FieldSpec(_is_date, _to_date, required=True),
    "language": FieldSpec(_one_of(LANGUAGES)),
    "organisation": FieldSpec(_is_text, str.strip),
    "authors": FieldSpec(_is_text_list, _to_tuple),
    "marking": FieldSpec(_is_text, lambda v: v.strip().upper()),
    "notice": FieldSpec(_is_text, str.strip),
    "subject": FieldSpec(_is_text, str.strip),
    "sections": FieldSpec(_is_text_list, _to_tuple),
    "numbered_headings": FieldSpec(_is_bool),
    "paper": FieldSpec(_one_of(PAPERS)),
    "timeline": FieldSpec(_is_timeline, _to_timeline),
    "sources": FieldSpec(_is_sources, _to_sources),
    "variables": FieldSpec(_is_mapping, dict),
}


def load_manifest(root: Path) -> tuple[Manifest, Path]:
    """Read `root/brief.yaml`; raise ManifestError naming every bad key and its line."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(f"no {MANIFEST_NAME} here: is this a brief folder?", path)
    from .brief import read_text

    data = load_yaml(read_text(path), path)
    if not isinstance(data, YamlMap):
        raise ManifestError("the manifest must be a mapping of keys to values", path, 1)
    return parse_manifest(data, path, default_id=_default_id(root)), path


def parse_manifest(data: YamlMap, path: Path, default_id: str) -> Manifest:
    errors: list[BriefingError] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        spec = FIELDS.get(key)
        line = data.lines[key]
        if spec is None:
            errors.append(ManifestError(f"unknown key '{key}'{_suggest(key)}", path, line))
            continue
        problem = spec.check(value)
        if problem:
            errors.append(ManifestError(f"'{key}' {problem}", path, line))
            continue
        values[key] = spec.convert(value)
    for key, spec in FIELDS.items():
        if spec.required and key not in data:
            errors.append(ManifestError(f"missing required key '{key}'", path, data.line))
    raise_all(errors)
    values.setdefault("id", default_id)
    return Manifest(**values)


def _default_id(root: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", root.resolve().name.lower()).strip("-")
    return slug or "brief"


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, FIELDS, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
