"""Load and validate `brief.yaml` into a `Manifest`.

The schema is declared once, as tables of `schema.Field`s (`FIELDS`, `AUDIENCE_FIELDS`);
every problem is reported with the line of its key, all at once.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from collections.abc import Callable, Mapping
from typing import Any

from .errors import BriefingError, InvalidValue, ManifestError, Reporter, raise_all
from .model import Audience, Manifest, SectionSource, Signoff, SourcesOptions, TimelineOptions
from .paper import PAPERS
from .schema import Field, Items, One, Record, Table, any_case_of, boolean, day, mapping, number, one_of, parse, placeholders, \
    scalar_text, template, text, text_list, \
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


#: The wording of every manifest record: the loader passes `prefix`, "" or "audiences.<id>.",
#: and a nested record's own prefix ("timeline.") comes with its key.
def _record(fields: dict[str, Field], build: Callable[[dict[str, Any]], Any] | None = None) -> Record:
    return Record(fields, unknown="unknown key '{prefix}{key}'{hint}", bad="'{prefix}{key}' {problem}",
                  missing="missing required key '{prefix}{key}'", build=build)


def _options(choices: dict[str, tuple[Any, ...]], target: type) -> One:
    """`timeline:`/`sources:`: a file name, or a mapping with 'file' and options."""
    fields = {"file": Field(text, required=True),
              **{key: Field(boolean if isinstance(allowed[0], bool) else one_of(allowed)) for key, allowed in choices.items()}}
    known = ", ".join(fields)
    return One(_record(fields, lambda values: target(**values)),
               f"must be a file name, or a mapping with 'file' (known keys: {known})", shorthand="file")


def _label_record() -> Record:
    """`labels:`: each built-in label's override, a template with that label's placeholders."""
    from .i18n import LABELS

    fields = {name: Field(template(placeholders(built_in))) for name, built_in in LABELS["en"].items()}
    return Record(fields, unknown="'{parent}' has unknown label '{key}'{hint}", bad="label '{key}' {problem}",
                  list_known=True)


_PRINTER = _record({"max_level": Field(upper_text, required=True)}, lambda values: values["max_level"])
_PRINTERS_SHAPE = "must map printer queue names to {max_level: LEVEL}"

CLEARANCE_POSITIONS = ("cover", "end")
_SIGNOFF_SHAPE = "'clearance' entry {number} must be a mapping with 'role' and 'name' texts (and an optional 'date')"
_SIGNOFF = Record({"role": Field(text, required=True), "name": Field(text, required=True), "date": Field(day, default=None)},
                  unknown="'clearance' entry {number}: unknown key '{key}'{hint}",
                  bad="'clearance' entry {number}: '{key}' {problem}", missing=_SIGNOFF_SHAPE,
                  build=lambda values: Signoff(**values))
_CLEARANCE_SHAPE = "must be a list of {role, name, date} (or a mapping with 'position' and 'signoff')"
#: `clearance:` a list of sign-offs, or {position: cover|end, signoff: [...]}.
_CLEARANCE = One(_record({"position": Field(one_of(CLEARANCE_POSITIONS), attr="clearance_position"),
                         "signoff": Field(Items(_SIGNOFF, _CLEARANCE_SHAPE, _SIGNOFF_SHAPE), required=True,
                                          attr="clearance")}),
                 _CLEARANCE_SHAPE, shorthand="signoff")
#: `logo:` an image file name, or {file, height} with the height in millimetres.
_LOGO = One(_record({"file": Field(text, required=True, attr="logo"),
                    "height": Field(number(5, 40), attr="logo_height",
                                    message="'{prefix}{key}' must be a number of millimetres from 5 to 40")}),
            "must be an image file name, or a mapping with 'file' and 'height' (mm)", shorthand="file")


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
    "language": Field(any_case_of(LANGUAGES)),
    "organisation": _TEXT,
    "authors": Field(text_list),
    "marking": Field(upper_text),
    "notice": _TEXT,
    "subject": _TEXT,
    "sections": Field(text_list),
    "numbered_headings": _FLAG,
    "paper": Field(any_case_of(PAPERS)),
    "timeline": Field(_options({"side": ("right", "left"), "order": ("chronological", "reverse"),
                                "placement": ("auto", "sidebar", "block", "appendix")}, TimelineOptions)),
    "sources": Field(_options({"qr": (True, False), "further_reading": (True, False),
                               "markers": ("brackets", "superscript")}, SourcesOptions)),
    "variables": Field(mapping),
    "levels": Field(_levels),
    "recipients": Field(text_list),
    "audiences": Field(mapping),  # the Table of AUDIENCE records, below (it shares these fields)
    "labels": Field(One(_label_record(), "must map label names to texts")),
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
    "pdf_standard": Field(any_case_of(PDF_STANDARDS)),
    "footnotes": Field(one_of(("sidenotes", "endnotes"))),
    "printers": Field(Table(_PRINTER, _PRINTERS_SHAPE, "'printers' must map printer queue names to {{max_level: LEVEL}}")),
    "clearance": Field(_CLEARANCE, spread=True),
    "logo": Field(_LOGO, spread=True),
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

def _audience_id(name: str) -> str | None:
    return None if _ID_RE.match(name) else "audience id '{entry}' must be lowercase letters, digits, '.', '-' or '_'"


def _audience(audience_id: str, values: dict[str, Any], spec: Mapping[str, Any], line: int | None) -> Audience:
    values.setdefault("label", audience_id.replace("-", " ").title())
    return Audience(id=audience_id, **values, lines=_audience_lines(spec, line))


def _audience_lines(spec: Mapping[str, Any], line: int | None) -> dict[str, int]:
    lines = {"": line, **getattr(spec, "lines", {})}
    for key in ("include", "exclude", "timeline_tags"):
        names = spec.get(key)
        if isinstance(names, YamlList):
            lines.update({f"{key}:{name}": item_line for name, item_line in zip(names, names.lines)})
    return lines


#: brief.yaml and each of its audiences (the loader passes `prefix`: "" or "audiences.<id>.").
MANIFEST = _record(FIELDS)
AUDIENCE = _record(AUDIENCE_FIELDS)
FIELDS["audiences"] = Field(Table(AUDIENCE, "must be a mapping of names to values", "audience '{entry}' must be a mapping of settings",
                                  _audience, name_problem=_audience_id, empty=True))

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
    _check_levels(data, values.get("levels", ()), path, reporter)
    reporter.raise_if_errors()
    values.setdefault("id", default_id)
    values["audiences"] = tuple(values.get("audiences", {}).values())
    return Manifest(**values)


#: The keys that name a handling level: (table, key, message).
_LEVEL_KEYS = (("audiences", "level", "audience '{name}': unknown level '{level}' (levels: {known})"),
               ("printers", "max_level", "printers.{name}: unknown max_level '{level}' (levels: {known})"))


def _check_levels(data: YamlMap, levels: tuple[str, ...], path: Path, reporter: Reporter) -> None:
    """Each audience's `level` and printer's `max_level` is one of the brief's `levels`.

    Read from the YAML itself, so a level is checked even where another key of its record is bad.
    """
    known = ", ".join(levels) or "none: declare 'levels' first"
    for table, key, message in _LEVEL_KEYS:
        entries = data.get(table)
        for name, entry in entries.items() if isinstance(entries, YamlMap) else ():
            level = entry.get(key) if isinstance(entry, YamlMap) else None
            if isinstance(level, str) and level.strip() and level.strip().upper() not in levels:
                reporter.error(ManifestError(message.format(name=name, level=level.strip().upper(), known=known), path,
                                             entry.lines[key]))


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

