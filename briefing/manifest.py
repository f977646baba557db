"""Load and validate `brief.yaml` into a `Manifest`.

The schema is declared once, as tables of `schema.Field`s (`FIELDS`, `AUDIENCE_FIELDS`);
every problem is reported with the line of its key, all at once.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from .errors import BriefingError, InvalidValue, ManifestError, Reporter, raise_all
from .model import Audience, Manifest, SectionSource, Signoff, SourcesOptions, TimelineOptions
from .paper import PAPERS
from .schema import Field, FieldType, Record, boolean, day, mapping, one_of, parse, scalar_text, text, text_list, \
    upper_text, whole_number
from .yamlfile import YamlList, YamlMap, load_yaml

MANIFEST_NAME = "brief.yaml"
LANGUAGES = ("id", "en")
ORIENTATIONS = ("portrait", "landscape")
PDF_STANDARDS = ("none", "ua-1", "a-2b", "a-3b", "ua-1+a-2b", "ua-1+a-3b")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _identifier(value: Any) -> str:
    if isinstance(value, str) and _ID_RE.match(value):
        return value
    raise InvalidValue("must be lowercase letters, digits, '.', '_' or '-'")


def _file_options(choices: dict[str, tuple[Any, ...]], target: type) -> FieldType:
    """A key that is a file name, or a mapping with 'file' and options."""
    known = ", ".join(["file", *choices])

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return target(text(value))
        if not isinstance(value, dict) or not isinstance(value.get("file"), str):
            raise InvalidValue(f"must be a file name, or a mapping with 'file' (known keys: {known})")
        for key, item in value.items():
            if key == "file":
                continue
            if key not in choices:
                raise InvalidValue(f"has unknown key '{key}' (known: {known})")
            allowed = choices[key]
            if item not in allowed or isinstance(item, bool) != isinstance(allowed[0], bool):
                raise InvalidValue(f"'{key}' must be one of " +
                                   ", ".join(str(c).lower() if isinstance(c, bool) else c for c in allowed))
        return target(**dict(value))

    return convert


def _labels(value: Any) -> dict[str, str]:
    from .i18n import LABELS

    if not isinstance(value, dict):
        raise InvalidValue("must map label names to texts")
    unknown = [k for k in value if k not in LABELS["en"]]
    if unknown:
        raise InvalidValue(f"has unknown label '{unknown[0]}' (known: {', '.join(sorted(LABELS['en']))})")
    if not all(isinstance(t, str) and t.strip() for t in value.values()):
        raise InvalidValue("must map label names to non-empty texts")
    return {k: str(t) for k, t in value.items()}


def _printers(value: Any) -> dict[str, str]:
    if isinstance(value, dict) and all(isinstance(v, dict) and set(v) <= {"max_level"} and isinstance(v.get("max_level"), str)
                                       for v in value.values()):
        return {str(k): x["max_level"].strip().upper() for k, x in value.items()}
    raise InvalidValue("must map printer queue names to {max_level: LEVEL}")


CLEARANCE_POSITIONS = ("cover", "end")


def _logo(value: Any) -> str:
    """A file name, or a mapping {file, height} with the height in millimetres (5-40)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict) and isinstance(value.get("file"), str) and set(value) <= {"file", "height"}:
        height = value.get("height", 12)
        if isinstance(height, (int, float)) and not isinstance(height, bool) and 5 <= height <= 40:
            return str(value["file"]).strip()
        raise InvalidValue("'height' must be a number of millimetres from 5 to 40")
    raise InvalidValue("must be an image file name, or a mapping with 'file' and 'height' (mm)")


def _clearance(value: Any) -> tuple[Signoff, ...]:
    """A list of {role, name, date}, or a mapping {position: cover|end, signoff: [...]}."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"position", "signoff"})
        if unknown:
            raise InvalidValue(f"has unknown key '{unknown[0]}' (known: position, signoff)")
        if value.get("position", "end") not in CLEARANCE_POSITIONS:
            raise InvalidValue("'position' must be one of " + ", ".join(CLEARANCE_POSITIONS))
    entries = value.get("signoff") if isinstance(value, dict) else value
    if not isinstance(entries, list) or not entries:
        raise InvalidValue("must be a list of {role, name, date} (or a mapping with 'position' and 'signoff')")
    return tuple(_signoff(number, entry) for number, entry in enumerate(entries, start=1))


def _signoff(number: int, entry: Any) -> Signoff:
    if not isinstance(entry, dict) or not set(entry) <= {"role", "name", "date"} \
            or not isinstance(entry.get("role"), str) or not entry["role"].strip() \
            or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise InvalidValue(f"entry {number} must be a mapping with 'role' and 'name' texts (and an optional 'date')")
    try:
        date = day(entry["date"]) if "date" in entry else None
    except InvalidValue as problem:
        raise InvalidValue(f"entry {number}: 'date' {problem}") from None
    return Signoff(entry["role"].strip(), entry["name"].strip(), date)


def _toc(value: Any) -> str:
    if value in (True, False, "auto"):
        return {True: "on", False: "off"}.get(value, "auto")
    raise InvalidValue("must be true, false or auto")


def _levels(value: Any) -> tuple[str, ...]:
    return tuple(x.strip().upper() for x in text_list(value))


_TEXT = Field(text)
_FLAG = Field(boolean)

FIELDS: dict[str, Field] = {
    "id": Field(_identifier),
    "title": Field(text, required=True),
    "short_title": _TEXT,
    "subtitle": _TEXT,
    "date": Field(day, required=True),
    "language": Field(one_of(LANGUAGES)),
    "organisation": _TEXT,
    "authors": Field(text_list),
    "marking": Field(upper_text),
    "notice": _TEXT,
    "subject": _TEXT,
    "sections": Field(text_list),
    "numbered_headings": _FLAG,
    "paper": Field(one_of(PAPERS)),
    "timeline": Field(_file_options({"side": ("right", "left"), "order": ("chronological", "reverse"),
                                        "placement": ("auto", "sidebar", "block", "appendix")}, TimelineOptions)),
    "sources": Field(_file_options({"qr": (True, False), "further_reading": (True, False),
                                    "markers": ("brackets", "superscript")}, SourcesOptions)),
    "variables": Field(mapping),
    "levels": Field(_levels),
    "recipients": Field(text_list),
    "audiences": Field(mapping),  # each audience is checked against AUDIENCE by _parse_audiences
    "labels": Field(_labels),
    "theme": _TEXT,
    "photo_credits": _FLAG,
    "orientation": Field(one_of(ORIENTATIONS)),
    "duplex": _FLAG,
    "appendix_recto": _FLAG,
    "print_marks": _FLAG,
    "draft": _FLAG,
    "control_number": Field(scalar_text),
    "version": Field(scalar_text),
    "toc": Field(_toc),
    "tagged": _FLAG,
    "pdf_standard": Field(one_of(PDF_STANDARDS)),
    "footnotes": Field(one_of(("sidenotes", "endnotes"))),
    "printers": Field(_printers),
    "clearance": Field(_clearance),
    "logo": Field(_logo),
}

AUDIENCE_FIELDS: dict[str, Field] = {
    "label": _TEXT,
    "language": FIELDS["language"],
    "level": Field(upper_text),
    "marking": Field(upper_text),
    "include": Field(text_list),
    "exclude": Field(text_list),
    "variables": Field(mapping),
    "page_budget": Field(whole_number("must be a whole number of pages")),
    "paper": FIELDS["paper"],
    "title": _TEXT,
    "short_title": _TEXT,
    "subtitle": _TEXT,
    "organisation": _TEXT,
    "notice": _TEXT,
    "recipients": Field(text_list),
    "timeline_tags": Field(text_list),
    "theme": _TEXT,
    "orientation": FIELDS["orientation"],
    "pdf_standard": FIELDS["pdf_standard"],
    "printer": _TEXT,
    **{key: FIELDS[key] for key in ("duplex", "appendix_recto", "print_marks", "draft", "toc", "photo_credits",
                                    "footnotes")},
    "sources": Field(boolean, attr="sources_appendix"),  # false: this edition prints no sources appendix
}

#: brief.yaml and each of its audiences (the loader passes `prefix`: "" or "audiences.<id>.").
MANIFEST = Record(FIELDS, unknown="unknown key '{prefix}{key}'{hint}", bad="'{prefix}{key}' {problem}",
                  missing="missing required key '{prefix}{key}'")
AUDIENCE = Record(AUDIENCE_FIELDS, unknown=MANIFEST.unknown, bad=MANIFEST.bad, missing=MANIFEST.missing)

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
    reporter = Reporter()
    values, _ok = parse(data, MANIFEST, path, reporter, prefix="")
    if "audiences" in values:
        values["audiences"] = _parse_audiences(data["audiences"], path, values.get("levels", ()), reporter)
    _check_printer_levels(values, data, path, reporter)
    reporter.raise_if_errors()
    values.setdefault("id", default_id)
    if isinstance(data.get("logo"), dict) and "height" in data["logo"]:
        values["logo_height"] = float(data["logo"]["height"])
    if isinstance(data.get("clearance"), dict):
        values["clearance_position"] = data["clearance"].get("position", "end")
    return Manifest(**values)


def _check_printer_levels(values: dict[str, Any], data: YamlMap, path: Path, reporter: Reporter) -> None:
    """Each `printers.<queue>.max_level` must be one of the brief's levels."""
    levels = values.get("levels", ())
    for queue, level in values.get("printers", {}).items():
        if level not in levels:
            line = getattr(data["printers"], "lines", {}).get(queue, data.lines["printers"])
            known = ", ".join(levels) or "none: declare levels first"
            reporter.error(ManifestError(f"printers.{queue}: unknown max_level '{level}' (levels: {known})", path, line))


def _parse_audiences(data: YamlMap, path: Path, levels: tuple[str, ...], reporter: Reporter) -> tuple[Audience, ...]:
    audiences: list[Audience] = []
    for audience_id, given in data.items():
        line = data.lines[audience_id]
        if not _ID_RE.match(audience_id):
            reporter.error(ManifestError(f"audience id '{audience_id}' must be lowercase letters, digits, '-' or '_'",
                                         path, line))
            continue
        spec = given
        if spec is None:
            spec = YamlMap()
            spec.line, spec.lines = line, {}
        if not isinstance(spec, YamlMap):
            reporter.error(ManifestError(f"audience '{audience_id}' must be a mapping of settings", path, line))
            continue
        values, _ok = parse(spec, AUDIENCE, path, reporter, prefix=f"audiences.{audience_id}.")
        if "level" in values and values["level"] not in levels:
            known = ", ".join(levels) if levels else "none: declare 'levels' first"
            reporter.error(ManifestError(f"audience '{audience_id}': unknown level '{values['level']}' (levels: {known})",
                                         path, spec.lines["level"]))
        values.setdefault("label", audience_id.replace("-", " ").title())
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

