"""Load the sources file (YAML, or CSL-JSON as exported by Zotero) into `Source`s."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import csl
from .errors import BriefingError, InvalidValue, ManifestError, Reporter, raise_all
from .files import read_text
from .model import Source, SourcePos
from .schema import Field, FieldType, Record, any_text, one_of, parse, text
from .timeline import parse_date, timeline_date
from .yamlfile import YamlList, YamlMap, load_yaml

SOURCE_TYPES = ("news", "statement", "report", "dataset", "document", "article", "book", "web", "other")
RELIABILITY = "ABCDEF"
CREDIBILITY = "123456"
_ID_RE = re.compile(r"^[\w][\w:.#$%&+?<>~/-]*$")

#: CSL types -> ours.
CSL_TYPES = {
    "article-newspaper": "news", "article-magazine": "news", "broadcast": "news", "post-weblog": "web",
    "webpage": "web", "report": "report", "dataset": "dataset", "book": "book", "article-journal": "article",
    "article": "article", "legislation": "document", "regulation": "document", "treaty": "document",
    "legal_case": "document", "speech": "statement", "interview": "statement", "personal_communication": "statement",
}


def load_sources(path: Path) -> tuple[Source, ...]:
    """Read a sources file; every problem is named with the file and line.

    A malformed CSL-JSON item does not fail the load: it comes back as a Source with
    `problem` set, an error only if something cites it (see `cite.resolve_citations`).
    """
    if not path.exists():  # a named pipe or device exists: read_text names it as such
        raise ManifestError("sources file not found (named by 'sources:' in brief.yaml)", path)
    text = read_text(path)
    if path.suffix.lower() == ".json":
        sources = _csl_sources(text, path)
        raise_all(_duplicates(sources, path))
        return tuple(sources)
    data = load_yaml(text, path)
    if data is None:
        return ()
    if not isinstance(data, YamlList):
        raise ManifestError("the sources file must be a list of sources (each starting with '- id:')", path, 1)
    reporter = Reporter()
    attempts = [reporter.attempt(partial(_source, item, path, line, index=index))
                for index, (item, line) in enumerate(zip(data, data.lines), start=1)]
    loaded = [source for source in attempts if source is not None]
    for error in _duplicates(loaded, path):
        reporter.error(error)
    reporter.raise_if_errors()
    return tuple(loaded)


def _duplicates(sources: list[Source], path: Path) -> list[BriefingError]:
    """A second source with the same id, at the second one's line."""
    seen: dict[str, int] = {}
    errors: list[BriefingError] = []
    for source in sources:
        line = source.pos.line or 1
        if source.id in seen:
            errors.append(ManifestError(f"duplicate source id '{source.id}' (first on line {seen[source.id]})", path, line))
        elif source.id:
            seen[source.id] = line
    return errors


def _source_id(value: Any) -> str:
    if isinstance(value, str) and _ID_RE.match(value):
        return value
    raise InvalidValue("needs an 'id' of letters, digits and - _ : . /")


def _authors(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if isinstance(items, (list, tuple)) and all(isinstance(a, str) for a in items):
        return tuple(a.strip() for a in items)
    raise InvalidValue("must be a text or a list of texts")


def _level(value: Any) -> str:
    if isinstance(value, str):
        return value.strip().upper()
    raise InvalidValue("must be a handling level name")


def _accessed(value: Any) -> dt.date:
    try:
        accessed = parse_date(value)
    except ValueError as exc:
        raise InvalidValue(f"bad 'accessed' date: {exc}") from None
    if accessed.precision != "day" or accessed.end is not None:
        raise InvalidValue("'accessed' must be a day, YYYY-MM-DD")
    return accessed.start


def _url(value: Any) -> str:
    if isinstance(value, str) and _valid_url(value):
        return clean_url(value)
    raise InvalidValue(f"malformed URL {value!r} (expected http:// or https://)")


def _grade(scale: str, message: str) -> FieldType:
    """One character of an Admiralty grading scale (an empty value is no grading)."""
    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if str(value).upper() not in scale or len(str(value)) != 1:
            raise InvalidValue(message)
        return str(value).upper()

    return convert


_SENTENCE = "{who}: {problem}"

#: One source of a YAML sources file, or a CSL-JSON item mapped onto our keys. The loader passes
#: `who` ("source 'kcna'", "CSL item 2 ('kcna')") and `id_who` (who, when a CSL item's id is bad).
SOURCE = Record({
    "id": Field(_source_id, required=True, message="{id_who}a source {problem}",
                missing="{id_who}a source needs an 'id' of letters, digits and - _ : . /"),
    "title": Field(text, required=True, message="{who} needs a 'title'", missing="{who} needs a 'title'"),
    "author": Field(_authors, default=()),
    "publisher": Field(any_text),
    "note": Field(any_text),
    "date": Field(timeline_date, message=_SENTENCE),
    "accessed": Field(_accessed, message=_SENTENCE),
    "url": Field(_url, message=_SENTENCE),
    "type": Field(one_of(SOURCE_TYPES)),
    "reliability": Field(_grade(RELIABILITY, "must be a letter A-F")),
    "credibility": Field(_grade(CREDIBILITY, "must be a digit 1-6")),
    "level": Field(_level),
}, unknown="unknown source key '{key}'{hint}", bad="{who}: '{key}' {problem}", list_known=True)


def _source(item: Any, path: Path, line: int, who: str | None = None, extra: dict[str, Any] | None = None,
            index: int = 0) -> Source:
    """One source; every bad field is reported, each with its line.

    *who* names a CSL item in messages (its index, and its id or title); a YAML source is named
    by its id, or by its *index* in the file when the id is bad. *extra* holds CSL-only fields already read.
    """
    if not isinstance(item, dict):
        raise ManifestError("each source must be a mapping with at least 'id' and 'title'", path, line)
    id_who = f"{who}: " if who else ""
    if who is None:
        good_id = isinstance(item.get("id"), str) and _ID_RE.match(item["id"])
        who = f"source '{item['id']}'" if good_id else f"source {index}"
    reporter = Reporter()
    values, _ok = parse(item, SOURCE, path, reporter, who=who, id_who=id_who)
    reporter.raise_if_errors()
    return Source(pos=SourcePos(path, line), **(values | (extra or {})))


def _valid_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url.strip()


def clean_url(url: str) -> str:
    """Strip tracking parameters (utm_*, fbclid, gclid) so the printed URL is short and clean."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


# ---------------------------------------------------------------------------- CSL-JSON


def _csl_sources(text: str, path: Path) -> list[Source]:
    """Every CSL-JSON item as a Source; a malformed one carries its `problem` instead of failing the load."""
    try:
        items = csl.json_items(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    except ValueError as exc:
        raise ManifestError(str(exc), path, 1) from None
    sources = []
    for index, item in enumerate(items, start=1):
        who = _csl_who(index, item.value)
        try:
            mapped, extra = _from_csl(item, who, path)
            sources.append(_source(mapped, path, item.line, who, extra))
        except BriefingError as exc:
            item_id = item.value.get("id") if isinstance(item.value, dict) else None
            sources.append(Source(id=str(item_id) if item_id is not None else "", title="",
                                  pos=SourcePos(path, exc.line or item.line), problem=_problem(exc, who)))
    return sources


def _problem(error: BriefingError, who: str) -> str:
    """Every problem of one item in one message: "CSL item 2 ('b') needs a 'title'; malformed URL …"."""
    messages = [e.message for e in getattr(error, "errors", [error])]
    return "; ".join([messages[0], *(m.removeprefix(f"{who}: ") for m in messages[1:])])


def _csl_who(index: int, item: Any) -> str:
    """How messages name an item: its index, and its id or else the start of its title."""
    if isinstance(item, dict) and item.get("id") not in (None, ""):
        return f"CSL item {index} ('{item['id']}')"
    if isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip():
        title = item["title"].strip()
        return f"CSL item {index} (\u201c{title[:40]}{'…' if len(title) > 40 else ''}\u201d)"
    return f"CSL item {index}"


def _from_csl(item: Any, who: str, path: Path) -> tuple[YamlMap, dict[str, Any]]:
    """Map a CSL item onto our keys (checked by `_source`) plus CSL-only values already read."""
    if not isinstance(item.value, dict):
        raise ManifestError(f"{who} is not an object", path, item.line)
    value, lines = item.value, item.lines

    def fail(key: str, message: str) -> ManifestError:
        return ManifestError(f"{who}: {message}", path, lines.get(key, item.line))

    mapped = YamlMap(id=str(value.get("id", "")))
    mapped.line, mapped.lines = item.line, {}
    extra: dict[str, Any] = {}
    for ours, theirs in (("id", "id"), ("title", "title"), ("author", "author"), ("url", "URL"), ("note", "note"),
                         ("publisher", "publisher" if value.get("publisher") else "container-title")):
        if theirs in lines:
            mapped.lines[ours] = lines[theirs]
    if isinstance(value.get("title"), str):
        mapped["title"], markup = csl.rich_text(value["title"])
        if markup:
            extra["title_markup"] = markup
    elif "title" in value:
        mapped["title"] = value["title"]
    authors = _csl_authors(value.get("author", []), fail)
    if authors:
        mapped["author"] = authors
    publisher = value.get("publisher") or value.get("container-title")
    if publisher:  # a journal name's markup is dropped: the entry sets it in roman
        mapped["publisher"] = csl.rich_text(publisher)[0] if isinstance(publisher, str) else publisher
    extra.update(_csl_dates(value, fail))
    if "URL" in value:
        mapped["url"] = value["URL"]
    if isinstance(value.get("type"), str) and value["type"] in CSL_TYPES:
        mapped["type"] = CSL_TYPES[value["type"]]
    if "note" in value:
        mapped["note"] = value["note"]
    return mapped, extra


def _csl_authors(names: Any, fail: Any) -> list[str]:
    if not isinstance(names, list):
        raise fail("author", "'author' must be a list of names")
    authors = []
    for number, entry in enumerate(names, start=1):
        try:
            authors.append(csl.name(entry))
        except ValueError as exc:
            raise fail("author", f"author {number} {exc}") from None
    return authors


def _csl_dates(value: dict[str, Any], fail: Any) -> dict[str, Any]:
    """`issued` (any CSL date) and `accessed` (a day) as Source fields."""
    extra: dict[str, Any] = {}
    for key in ("issued", "accessed"):
        if key not in value:
            continue
        try:
            read = csl.date(value[key])
        except ValueError as exc:
            raise fail(key, f"'{key}' {exc}") from None
        if key == "accessed":
            if read.date is None or read.date.precision != "day" or read.date.end is not None:
                raise fail(key, "'accessed' must be one day, e.g. {\"date-parts\": [[2022, 10, 7]]}")
            extra["accessed"] = read.date.start
        else:
            extra.update(date=read.date, date_text=read.text, circa=read.circa, season=read.season)
    return extra
