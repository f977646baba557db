"""Load the sources file (YAML, or CSL-JSON as exported by Zotero) into `Source`s."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import BriefingError, ErrorList, ManifestError, raise_all
from .files import read_text
from .model import Source, SourcePos
from .timeline import parse_date
from .yamlfile import YamlList, load_yaml

SOURCE_KEYS = {
    "id", "title", "author", "publisher", "date", "url", "accessed", "type", "note", "reliability", "credibility",
    "level",
}
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
    """Read a sources file; every problem is named with the file and line."""
    if not path.is_file():
        raise ManifestError("sources file not found (named by 'sources:' in brief.yaml)", path)
    text = read_text(path)
    if path.suffix.lower() == ".json":
        entries = _csl_entries(text, path)
    else:
        data = load_yaml(text, path)
        if data is None:
            return ()
        if not isinstance(data, YamlList):
            raise ManifestError("the sources file must be a list of sources (each starting with '- id:')", path, 1)
        entries = list(zip(data, data.lines))
    sources: list[Source] = []
    errors: list[BriefingError] = []
    seen: dict[str, int] = {}
    for item, line in entries:
        try:
            source = _source(item, path, line)
        except BriefingError as exc:
            errors.extend(getattr(exc, "errors", [exc]))
            continue
        if source.id in seen:
            errors.append(ManifestError(f"duplicate source id '{source.id}' (first on line {seen[source.id]})", path, line))
            continue
        seen[source.id] = line
        sources.append(source)
    raise_all(errors)
    return tuple(sources)


def _source(item: Any, path: Path, line: int) -> Source:
    """One source; every bad field is reported, each with its line."""
    if not isinstance(item, dict):
        raise ManifestError("each source must be a mapping with at least 'id' and 'title'", path, line)
    lines = getattr(item, "lines", {})
    errors: list[BriefingError] = []

    def fail(key: str, message: str) -> None:
        errors.append(ManifestError(message, path, lines.get(key, line)))

    for key in item:
        if key not in SOURCE_KEYS:
            fail(key, f"unknown source key '{key}' (known: {', '.join(sorted(SOURCE_KEYS))})")
    source_id = item.get("id")
    if not isinstance(source_id, str) or not _ID_RE.match(source_id):
        fail("id", "a source needs an 'id' of letters, digits and - _ : . /")
        raise errors[0] if len(errors) == 1 else ErrorList(errors)  # the other messages name the source by its id
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", f"source '{source_id}' needs a 'title'")
        title = ""
    values = _source_values(item, f"source '{source_id}'", fail)
    author = item.get("author", ())
    if isinstance(author, str):
        author = (author,)
    if not all(isinstance(a, str) for a in author):
        fail("author", f"source '{source_id}': 'author' must be a text or a list of texts")
    raise_all(errors)
    return Source(id=source_id, title=title.strip(), pos=SourcePos(path, line),
                  author=tuple(a.strip() for a in author), **values)


def _source_values(item: dict[str, Any], name: str, fail: Callable[[str, str], None]) -> dict[str, Any]:
    """The optional fields of a source, checked; *fail* records each bad one."""
    values: dict[str, Any] = {}
    if "level" in item:
        if not isinstance(item["level"], str):
            fail("level", f"{name}: 'level' must be a handling level name")
        else:
            values["level"] = item["level"].strip().upper()
    for key in ("publisher", "note"):
        if key in item:
            if not isinstance(item[key], str):
                fail(key, f"{name}: '{key}' must be a text")
            else:
                values[key] = item[key].strip()
    if "date" in item:
        try:
            values["date"] = parse_date(item["date"])
        except ValueError as exc:
            fail("date", f"{name}: bad date: {exc}")
    if "accessed" in item:
        accessed = parse_date(item["accessed"]) if _is_dateish(item["accessed"]) else None
        if accessed is None or accessed.precision != "day" or accessed.end is not None:
            fail("accessed", f"{name}: 'accessed' must be a day, YYYY-MM-DD")
        else:
            values["accessed"] = accessed.start
    if "url" in item:
        url = item["url"]
        if not isinstance(url, str) or not _valid_url(url):
            fail("url", f"{name}: malformed URL {url!r} (expected http:// or https://)")
        else:
            values["url"] = clean_url(url)
    if "type" in item:
        if item["type"] not in SOURCE_TYPES:
            fail("type", f"{name}: 'type' must be one of {', '.join(SOURCE_TYPES)}")
        else:
            values["type"] = item["type"]
    return values | _grading(item, name, fail)


def _grading(item: dict[str, Any], name: str, fail: Callable[[str, str], None]) -> dict[str, Any]:
    """The Admiralty grading: source reliability A-F, information credibility 1-6."""
    values: dict[str, Any] = {}
    reliability, credibility = item.get("reliability"), item.get("credibility")
    if reliability is not None:
        if str(reliability).upper() not in RELIABILITY or len(str(reliability)) != 1:
            fail("reliability", f"{name}: 'reliability' must be a letter A-F")
        else:
            values["reliability"] = str(reliability).upper()
    if credibility is not None:
        if str(credibility) not in CREDIBILITY or len(str(credibility)) != 1:
            fail("credibility", f"{name}: 'credibility' must be a digit 1-6")
        else:
            values["credibility"] = str(credibility)
    return values


def _is_dateish(value: Any) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


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


def _csl_entries(text: str, path: Path) -> list[tuple[dict[str, Any], int]]:
    """Map CSL-JSON items onto our keys. Lines are found by each item's `"id"`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(data, list):
        raise ManifestError("a CSL-JSON file must be a list of items", path, 1)
    entries = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise ManifestError(f"CSL-JSON item {index + 1} is not an object", path)
        entries.append((_from_csl(item), _line_of_id(text, item.get("id"))))
    return entries


def _from_csl(item: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"id": str(item.get("id", "")), "title": item.get("title")}
    authors = [_csl_name(a) for a in item.get("author", []) if isinstance(a, dict)]
    if authors:
        result["author"] = [a for a in authors if a]
    publisher = item.get("publisher") or item.get("container-title")
    if publisher:
        result["publisher"] = publisher
    if "issued" in item:
        result["date"] = _csl_date(item["issued"])
    if "accessed" in item:
        result["accessed"] = _csl_date(item["accessed"])
    if "URL" in item:
        result["url"] = item["URL"]
    if item.get("type") in CSL_TYPES:
        result["type"] = CSL_TYPES[item["type"]]
    if "note" in item:
        result["note"] = item["note"]
    return result


def _csl_name(name: dict[str, Any]) -> str:
    if "literal" in name:
        return str(name["literal"])
    return " ".join(str(name[k]) for k in ("given", "family") if name.get(k))


def _csl_date(value: Any) -> Any:
    """CSL `{"date-parts": [[2022, 10, 7]]}` -> our date text ("2022-10-07", "2022-10", "2022")."""
    try:
        parts = value["date-parts"]
        texts = ["-".join(f"{int(n):02d}" if i else f"{int(n):04d}" for i, n in enumerate(p)) for p in parts]
    except (KeyError, TypeError, ValueError):
        return value
    if len(texts) == 1 and len(texts[0]) == 10:
        return dt.date.fromisoformat(texts[0])
    return "/".join(texts)


def _line_of_id(text: str, source_id: Any) -> int:
    match = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(source_id)), text) if source_id is not None else None
    return text.count("\n", 0, match.start()) + 1 if match else 1


