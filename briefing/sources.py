"""Load the sources file (YAML, or CSL-JSON as exported by Zotero) into `Source`s."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import BriefingError, ManifestError, raise_all
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
    from .brief import read_text

    if not path.exists():
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
        except ManifestError as exc:
            errors.append(exc)
            continue
        if source.id in seen:
            errors.append(ManifestError(f"duplicate source id '{source.id}' (first on line {seen[source.id]})", path, line))
            continue
        seen[source.id] = line
        sources.append(source)
    raise_all(errors)
    return tuple(sources)


def _source(item: Any, path: Path, line: int) -> Source:
    if not isinstance(item, dict):
        raise ManifestError("each source must be a mapping with at least 'id' and 'title'", path, line)
    lines = getattr(item, "lines", {})

    def fail(key: str, message: str) -> ManifestError:
        return ManifestError(message, path, lines.get(key, line))

    for key in item:
        if key not in SOURCE_KEYS:
            raise fail(key, f"unknown source key '{key}' (known: {', '.join(sorted(SOURCE_KEYS))})")
    source_id = item.get("id")
    if not isinstance(source_id, str) or not _ID_RE.match(source_id):
        raise fail("id", "a source needs an 'id' of letters, digits and - _ : . /")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", f"source '{source_id}' needs a 'title'")
    values: dict[str, Any] = {}
    if "level" in item:
        if not isinstance(item["level"], str):
            raise fail("level", f"source '{source_id}': 'level' must be a handling level name")
        values["level"] = item["level"].strip().upper()
    for key in ("publisher", "note"):
        if key in item:
            if not isinstance(item[key], str):
                raise fail(key, f"source '{source_id}': '{key}' must be a text")
            values[key] = item[key].strip()
    author = item.get("author", ())
    if isinstance(author, str):
        author = (author,)
    if not all(isinstance(a, str) for a in author):
        raise fail("author", f"source '{source_id}': 'author' must be a text or a list of texts")
    if "date" in item:
        try:
            values["date"] = parse_date(item["date"])
        except ValueError as exc:
            raise fail("date", f"source '{source_id}': bad date: {exc}") from None
    if "accessed" in item:
        try:
            accessed = parse_date(item["accessed"])
        except ValueError as exc:
            raise fail("accessed", f"source '{source_id}': bad 'accessed' date: {exc}") from None
        if accessed.precision != "day" or accessed.end is not None:
            raise fail("accessed", f"source '{source_id}': 'accessed' must be a day, YYYY-MM-DD")
        values["accessed"] = accessed.start
    if "url" in item:
        url = item["url"]
        if not isinstance(url, str) or not _valid_url(url):
            raise fail("url", f"source '{source_id}': malformed URL {url!r} (expected http:// or https://)")
        values["url"] = clean_url(url)
    if "type" in item:
        if item["type"] not in SOURCE_TYPES:
            raise fail("type", f"source '{source_id}': 'type' must be one of {', '.join(SOURCE_TYPES)}")
        values["type"] = item["type"]
    reliability, credibility = item.get("reliability"), item.get("credibility")
    if reliability is not None:
        if str(reliability).upper() not in RELIABILITY or len(str(reliability)) != 1:
            raise fail("reliability", f"source '{source_id}': 'reliability' must be a letter A-F")
        values["reliability"] = str(reliability).upper()
    if credibility is not None:
        if str(credibility) not in CREDIBILITY or len(str(credibility)) != 1:
            raise fail("credibility", f"source '{source_id}': 'credibility' must be a digit 1-6")
        values["credibility"] = str(credibility)
    return Source(id=source_id, title=title.strip(), pos=SourcePos(path, line),
                  author=tuple(a.strip() for a in author), **values)


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


