"""Resolve citations: check every key, number sources in order of first citation.

Numbering follows reading order: the sections in order, then the timeline. A source
keeps its number wherever it is cited again. Sources nothing cites are warnings (in a
brief without audiences; an audience's edition leaves sources out on purpose).
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator

from .errors import BriefingError, BriefingWarning, MalformedSourceWarning, ManifestError, Reporter
from .model import Citation, Source, iter_nodes


def iter_citations(node: Any) -> Iterator[Citation]:
    """Every Citation inside *node* (a block, inline, section or tuple of them), in order."""
    return iter_nodes(node, Citation)


def resolve_citations(citations: list[Citation], sources: tuple[Source, ...],
                      reporter: Reporter) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    """Return (cited sources in first-citation order, uncited sources).

    *citations* are in reading order (`iter_citations` over the sections, then the
    timeline). Each citation of an unknown key is reported, and skipped. A malformed
    item (`problem` set) is an error where it is cited and a MalformedSourceWarning
    in every edition that does not cite it; it is neither cited nor uncited.
    """
    broken = {source.id: source for source in sources if source.problem}
    usable = tuple(source for source in sources if not source.problem)
    by_id = {source.id: source for source in usable}
    order: dict[str, Source] = {}
    cited_broken: set[str] = set()
    for citation in citations:
        for item in citation.items:
            source = by_id.get(item.key)
            if item.key in broken:
                if item.key not in cited_broken:
                    reporter.error(_broken(broken[item.key], citation))
                cited_broken.add(item.key)
            elif source is None:
                reporter.error(_unknown(item.key, citation, by_id))
            elif item.key not in order:
                order[item.key] = source
    for source in sources:
        if source.problem and source.id not in cited_broken:
            reporter.warn(MalformedSourceWarning(f"{source.problem} (nothing cites it, so it is left out)",
                                                 source.pos.path, source.pos.line))
    return tuple(order.values()), tuple(s for s in usable if s.id not in order)


def uncited_warning(source: Source) -> BriefingWarning:
    return BriefingWarning(f"source '{source.id}' is never cited", source.pos.path, source.pos.line)


def _broken(source: Source, citation: Citation) -> BriefingError:
    """A citation of a malformed item: the error is the item's, at its line, saying where it is cited."""
    where = f"{citation.pos.path.name}:{citation.pos.line}" if citation.pos.line else citation.pos.path.name
    return ManifestError(f"{source.problem} (cited at {where})", source.pos.path, source.pos.line)


def _unknown(key: str, citation: Citation, by_id: dict[str, Source]) -> BriefingError:
    if not by_id:
        return ManifestError(
            f"citation [@{key}] but the brief has no sources file (add 'sources: sources.yaml' to brief.yaml)",
            citation.pos.path, citation.pos.line,
        )
    close = difflib.get_close_matches(key, list(by_id), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return BriefingError(f"unknown source '{key}' in citation{hint}", citation.pos.path, citation.pos.line)
