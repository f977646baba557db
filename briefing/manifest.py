"""Load and validate `brief.yaml` into a `Manifest`.

The schema is declared once, as a table of fields; every problem is reported with
the line of its key, all at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import BriefingError, ManifestError, raise_all
from .model import Audience, Manifest, SectionSource, Signoff, SourcesOptions, TimelineOptions
from .paper import PAPERS
from .yamlfile import YamlList, YamlMap, load_yaml

MANIFEST_NAME = "brief.yaml"
LANGUAGES = ("id", "en")
ORIENTATIONS = ("portrait", "landscape")
PDF_STANDARDS = ("none", "ua-1", "a-2b", "a-3b", "ua-1+a-2b", "ua-1+a-3b")
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
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            return f"'{value.strip()}' is not a real date"
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


def _is_scalar_text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return None
    return "must be a text"


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


def _file_options(choices: dict[str, tuple[Any, ...]], target: type) -> tuple[Callable[[Any], str | None], Callable[[Any], Any]]:
    """check/convert for a key that is a file name, or a mapping with 'file' and options."""
    known = ", ".join(["file", *choices])

    def check(value: Any) -> str | None:
        if isinstance(value, str):
            return _is_text(value)
        if not isinstance(value, dict) or not isinstance(value.get("file"), str):
            return f"must be a file name, or a mapping with 'file' (known keys: {known})"
        for key, item in value.items():
            if key == "file":
                continue
            if key not in choices:
                return f"has unknown key '{key}' (known: {known})"
            allowed = choices[key]
            if item not in allowed or isinstance(item, bool) != isinstance(allowed[0], bool):
                return f"'{key}' must be one of " + ", ".join(str(c).lower() if isinstance(c, bool) else c for c in allowed)
        return None

    def convert(value: Any) -> Any:
        return target(value.strip()) if isinstance(value, str) else target(**dict(value))

    return check, convert


TIMELINE_OPTIONS = _file_options({"side": ("right", "left"), "order": ("chronological", "reverse")}, TimelineOptions)
SOURCES_OPTIONS = _file_options(
    {"qr": (True, False), "further_reading": (True, False), "markers": ("brackets", "superscript")}, SourcesOptions
)


def _is_labels(value: Any) -> str | None:
    from .i18n import LABELS

    if not isinstance(value, dict):
        return "must map label names to texts"
    unknown = [k for k in value if k not in LABELS["en"]]
    if unknown:
        return f"has unknown label '{unknown[0]}' (known: {', '.join(sorted(LABELS['en']))})"
    if not all(isinstance(t, str) and t.strip() for t in value.values()):
        return "must map label names to non-empty texts"
    return None


def _is_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping of names to values"


def _is_printers(value: Any) -> str | None:
    if isinstance(value, dict) and all(isinstance(v, dict) and set(v) <= {"max_level"} and isinstance(v.get("max_level"), str)
                                       for v in value.values()):
        return None
    return "must map printer queue names to {max_level: LEVEL}"


CLEARANCE_POSITIONS = ("cover", "end")


def _is_logo(value: Any) -> str | None:
    """A file name, or a mapping {file, height} with the height in millimetres (5-40)."""
    if isinstance(value, str):
        return _is_text(value)
    if isinstance(value, dict) and isinstance(value.get("file"), str) and set(value) <= {"file", "height"}:
        height = value.get("height", 12)
        if isinstance(height, (int, float)) and not isinstance(height, bool) and 5 <= height <= 40:
            return None
        return "'height' must be a number of millimetres from 5 to 40"
    return "must be an image file name, or a mapping with 'file' and 'height' (mm)"


def _clearance_entries(value: Any) -> Any:
    return value.get("signoff") if isinstance(value, dict) else value


def _is_clearance(value: Any) -> str | None:
    """A list of {role, name, date}, or a mapping {position: cover|end, signoff: [...]}."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"position", "signoff"})
        if unknown:
            return f"has unknown key '{unknown[0]}' (known: position, signoff)"
        if value.get("position", "end") not in CLEARANCE_POSITIONS:
            return "'position' must be one of " + ", ".join(CLEARANCE_POSITIONS)
    entries = _clearance_entries(value)
    if not isinstance(entries, list) or not entries:
        return "must be a list of {role, name, date} (or a mapping with 'position' and 'signoff')"
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not set(entry) <= {"role", "name", "date"} \
                or _is_text(entry.get("role")) or _is_text(entry.get("name")):
            return f"entry {number} must be a mapping with 'role' and 'name' texts (and an optional 'date')"
        if "date" in entry and _is_date(entry["date"]):
            return f"entry {number}: 'date' {_is_date(entry['date'])}"
    return None


def _to_clearance(value: Any) -> tuple[Signoff, ...]:
    return tuple(Signoff(e["role"].strip(), e["name"].strip(), _to_date(e["date"]) if "date" in e else None)
                 for e in _clearance_entries(value))


FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(_is_id),
    "title": FieldSpec(_is_text, str.strip, required=True),
    "short_title": FieldSpec(_is_text, str.strip),
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
    "timeline": FieldSpec(*TIMELINE_OPTIONS),
    "sources": FieldSpec(*SOURCES_OPTIONS),
    "variables": FieldSpec(_is_mapping, dict),
    "levels": FieldSpec(_is_text_list, lambda v: tuple(x.strip().upper() for x in _to_tuple(v))),
    "recipients": FieldSpec(_is_text_list, _to_tuple),
    "audiences": FieldSpec(_is_mapping),  # checked in detail by parse_audiences
    "labels": FieldSpec(lambda v: _is_labels(v), lambda v: {k: str(t) for k, t in v.items()}),
    "theme": FieldSpec(_is_text, str.strip),
    "photo_credits": FieldSpec(_is_bool),
    "orientation": FieldSpec(_one_of(ORIENTATIONS)),
    "duplex": FieldSpec(_is_bool),
    "appendix_recto": FieldSpec(_is_bool),
    "print_marks": FieldSpec(_is_bool),
    "draft": FieldSpec(_is_bool),
    "control_number": FieldSpec(_is_scalar_text, lambda v: str(v).strip()),
    "version": FieldSpec(_is_scalar_text, lambda v: str(v).strip()),
    "toc": FieldSpec(lambda v: None if v in (True, False, "auto") else "must be true, false or auto",
                     lambda v: {True: "on", False: "off"}.get(v, "auto")),
    "tagged": FieldSpec(_is_bool),
    "pdf_standard": FieldSpec(_one_of(PDF_STANDARDS)),
    "footnotes": FieldSpec(_one_of(("sidenotes", "endnotes"))),
    "printers": FieldSpec(_is_printers, lambda v: {str(k): x["max_level"].strip().upper() for k, x in v.items()}),
    "clearance": FieldSpec(_is_clearance, _to_clearance),
    "logo": FieldSpec(_is_logo, lambda v: (v if isinstance(v, str) else v["file"]).strip()),
}

AUDIENCE_FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(_is_text, str.strip),
    "language": FieldSpec(_one_of(LANGUAGES)),
    "level": FieldSpec(_is_text, lambda v: v.strip().upper()),
    "marking": FieldSpec(_is_text, lambda v: v.strip().upper()),
    "include": FieldSpec(_is_text_list, _to_tuple),
    "exclude": FieldSpec(_is_text_list, _to_tuple),
    "variables": FieldSpec(_is_mapping, dict),
    "page_budget": FieldSpec(lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v > 0 else "must be a whole number of pages"),
    "paper": FieldSpec(_one_of(PAPERS)),
    "title": FieldSpec(_is_text, str.strip),
    "short_title": FieldSpec(_is_text, str.strip),
    "subtitle": FieldSpec(_is_text, str.strip),
    "organisation": FieldSpec(_is_text, str.strip),
    "notice": FieldSpec(_is_text, str.strip),
    "recipients": FieldSpec(_is_text_list, _to_tuple),
    "timeline_tags": FieldSpec(_is_text_list, _to_tuple),
    "theme": FieldSpec(_is_text, str.strip),
    "orientation": FieldSpec(_one_of(ORIENTATIONS)),
    "pdf_standard": FieldSpec(_one_of(PDF_STANDARDS)),
    "printer": FieldSpec(_is_text, str.strip),
    **{key: FIELDS[key] for key in ("duplex", "appendix_recto", "print_marks", "draft", "toc", "photo_credits",
                                    "footnotes")},
    "sources": FieldSpec(_is_bool),  # false: this edition prints no sources appendix
}

#: Audience keys whose value replaces the manifest's in that edition (the command line's flags still win).
EDITION_SETTINGS = ("language", "title", "short_title", "subtitle", "paper", "organisation", "notice", "orientation", "duplex",
                    "appendix_recto", "print_marks", "draft", "toc", "photo_credits", "footnotes", "theme")


def load_manifest(root: Path) -> tuple[Manifest, Path]:
    """Read `root/brief.yaml`; raise ManifestError naming every bad key and its line."""
    path = root / MANIFEST_NAME
    if not path.exists():
        raise ManifestError(f"no {MANIFEST_NAME} here: is this a brief folder?", path)
    from .files import read_text

    data = load_yaml(read_text(path), path)
    if not isinstance(data, YamlMap):
        raise ManifestError("the manifest must be a mapping of keys to values", path, 1)
    return parse_manifest(data, path, default_id=_default_id(root)), path


def parse_manifest(data: YamlMap, path: Path, default_id: str) -> Manifest:
    errors: list[BriefingError] = []
    values = _parse_fields(data, FIELDS, path, errors, prefix="")
    if "audiences" in values:
        values["audiences"] = _parse_audiences(data["audiences"], path, values.get("levels", ()), errors)
    _check_printer_levels(values, data, path, errors)
    raise_all(errors)
    values.setdefault("id", default_id)
    if isinstance(data.get("logo"), dict) and "height" in data["logo"]:
        values["logo_height"] = float(data["logo"]["height"])
    if isinstance(data.get("clearance"), dict):
        values["clearance_position"] = data["clearance"].get("position", "end")
    return Manifest(**values)


def _check_printer_levels(values: dict[str, Any], data: YamlMap, path: Path, errors: list[BriefingError]) -> None:
    """Each `printers.<queue>.max_level` must be one of the brief's levels."""
    levels = values.get("levels", ())
    for queue, level in values.get("printers", {}).items():
        if level not in levels:
            line = getattr(data["printers"], "lines", {}).get(queue, data.lines["printers"])
            known = ", ".join(levels) or "none: declare levels first"
            errors.append(ManifestError(f"printers.{queue}: unknown max_level '{level}' (levels: {known})", path, line))


def _parse_fields(data: YamlMap, fields: dict[str, FieldSpec], path: Path, errors: list[BriefingError],
                  prefix: str) -> dict[str, Any]:
    """Check every key of *data* against *fields*; collect problems with their lines."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        spec = fields.get(key)
        line = data.lines[key]
        if spec is None:
            errors.append(ManifestError(f"unknown key '{prefix}{key}'{_suggest(key, fields)}", path, line))
            continue
        problem = spec.check(value)
        if problem:
            errors.append(ManifestError(f"'{prefix}{key}' {problem}", path, line))
            continue
        values[key] = spec.convert(value)
    for key, spec in fields.items():
        if spec.required and key not in data:
            errors.append(ManifestError(f"missing required key '{prefix}{key}'", path, data.line))
    return values


def _parse_audiences(data: YamlMap, path: Path, levels: tuple[str, ...], errors: list[BriefingError]) -> tuple[Audience, ...]:
    audiences: list[Audience] = []
    for audience_id, given in data.items():
        line = data.lines[audience_id]
        if _is_id(audience_id):
            errors.append(ManifestError(f"audience id '{audience_id}' must be lowercase letters, digits, '-' or '_'", path, line))
            continue
        spec = given
        if spec is None:
            spec = YamlMap()
            spec.line, spec.lines = line, {}
        if not isinstance(spec, YamlMap):
            errors.append(ManifestError(f"audience '{audience_id}' must be a mapping of settings", path, line))
            continue
        values = _parse_fields(spec, AUDIENCE_FIELDS, path, errors, prefix=f"audiences.{audience_id}.")
        if "level" in values and values["level"] not in levels:
            known = ", ".join(levels) if levels else "none: declare 'levels' first"
            errors.append(ManifestError(f"audience '{audience_id}': unknown level '{values['level']}' (levels: {known})",
                                        path, spec.lines["level"]))
        values.setdefault("label", audience_id.replace("-", " ").title())
        if "sources" in values:
            values["sources_appendix"] = values.pop("sources")
        audiences.append(Audience(id=audience_id, **values, lines=_audience_lines(spec, line)))
    return tuple(audiences)


def _audience_lines(spec: YamlMap, line: int) -> dict[str, int]:
    lines = {"": line, **spec.lines}
    for key in ("include", "exclude", "timeline_tags"):
        names = spec.get(key)
        if isinstance(names, YamlList):
            lines.update({f"{key}:{name}": item_line for name, item_line in zip(names, names.lines)})
    return lines


def check_references(manifest: Manifest, sections: tuple[SectionSource, ...] | None, event_tags: set[str] | None,
                     path: Path) -> None:
    """Every name an audience uses resolves: a typo is an error, not a silently empty edition or timeline.

    `include`/`exclude` name section ids or tags; `timeline_tags` name tags of timeline events.
    None for *sections* or *event_tags* (a file of them failed to load) skips those names.
    """
    names = {name for s in sections or () for v in (s, *s.variants.values()) for name in (v.id, *v.tags)}
    checks = [(key, names, "section id or tag") for key in ("include", "exclude") if sections is not None]
    if event_tags is not None:
        checks.append(("timeline_tags", event_tags, "tag of a timeline event"))
    errors: list[BriefingError] = []
    for audience in manifest.audiences:
        for key, known, what in checks:
            for name in getattr(audience, key):
                if name in known:
                    continue
                close = difflib.get_close_matches(name, sorted(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(known)) or 'none'})"
                line = audience.lines.get(f"{key}:{name}", audience.lines.get(key))
                errors.append(ManifestError(f"audience '{audience.id}': '{key}' names '{name}', which is no {what}{hint}",
                                            path, line))
    raise_all(errors)


def _default_id(root: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", root.resolve().name.lower()).strip("-")
    return slug or "brief"


def _suggest(key: str, fields: dict[str, FieldSpec] = FIELDS) -> str:
    close = difflib.get_close_matches(key, fields, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
