"""Resolve citations: check every key, number sources in order of first citation.

Numbering follows reading order: the sections in order, then the timeline. A source
keeps its number wherever it is cited again. Sources nothing cites are warnings.
"""

from __future__ import annotations

import difflib
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from .errors import BriefingError, BriefingWarning, MalformedSourceWarning, ManifestError, raise_all
from .model import Citation, Source


def iter_citations(node: Any) -> Iterator[Citation]:
    """Every Citation inside *node* (a block, inline, section or tuple of them), in order."""
    if isinstance(node, Citation):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from iter_citations(item)
    else:
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, (tuple, Citation)) or is_dataclass(value):
                yield from iter_citations(value)


@lru_cache(maxsize=None)
def _child_fields(cls: type) -> tuple[str, ...]:
    """The field names of a model class, looked up once per class rather than per node."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()


def resolve_citations(
    citations: list[Citation],
    sources: tuple[Source, ...],
    manifest_path: Path,
    problems: list[BriefingError] | None = None,
) -> tuple[tuple[Source, ...], tuple[Source, ...], list[BriefingWarning]]:
    """Return (cited sources in first-citation order, uncited sources, warnings).

    *citations* are in reading order (`iter_citations` over the sections, then the
    timeline). Unknown keys raise, or with *problems* are recorded there and skipped.
    """
    broken = {source.id: source for source in sources if source.problem}
    usable = tuple(source for source in sources if not source.problem)
    by_id = {source.id: source for source in usable}
    order: dict[str, Source] = {}
    cited_broken: set[str] = set()
    errors: list[BriefingError] = []
    for citation in citations:
        for item in citation.items:
            source = by_id.get(item.key)
            if item.key in broken:
                if item.key not in cited_broken:
                    errors.append(_broken(broken[item.key], citation))
                cited_broken.add(item.key)
            elif source is None:
                errors.append(_unknown(item.key, citation, by_id, manifest_path))
            elif item.key not in order:
                order[item.key] = source
    if problems is None:
        raise_all(errors)
    else:
        problems.extend(errors)
    uncited = tuple(s for s in usable if s.id not in order)
    warnings: list[BriefingWarning] = [
        MalformedSourceWarning(f"{s.problem} (nothing cites it, so it is left out)", s.pos.path, s.pos.line)
        for s in sources if s.problem and s.id not in cited_broken
    ]
    warnings += [BriefingWarning(f"source '{s.id}' is never cited", s.pos.path, s.pos.line) for s in uncited]
    return tuple(order.values()), uncited, warnings


def _broken(source: Source, citation: Citation) -> BriefingError:
    """A citation of a malformed item: the error is the item's, at its line, saying where it is cited."""
    where = f"{citation.pos.path.name}:{citation.pos.line}" if citation.pos.line else citation.pos.path.name
    return ManifestError(f"{source.problem} (cited at {where})", source.pos.path, source.pos.line)


def _unknown(key: str, citation: Citation, by_id: dict[str, Source], manifest_path: Path) -> BriefingError:
    if not by_id:
        return ManifestError(
            f"citation [@{key}] but the brief has no sources file (add 'sources: sources.yaml' to brief.yaml)",
            citation.pos.path, citation.pos.line,
        )
    close = difflib.get_close_matches(key, list(by_id), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return BriefingError(f"unknown source '{key}' in citation{hint}", citation.pos.path, citation.pos.line)
