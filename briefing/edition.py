"""Editions: one brief, tailored per audience.

`plan_edition` picks what an audience gets before templating (section files and
their per-audience or per-language variants, include/exclude rules, section levels,
timeline events); `tailor` then removes restricted passages and figures from the
parsed blocks, and `check_leaks` fails the build if anything still cited is above
the audience's clearance. Every omission is recorded for the `--report`.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BriefingError, ManifestError, UnknownAudience, raise_all
from .i18n import LABELS
from .manifest import EDITION_SETTINGS
from .model import (
    Audience,
    Block,
    Brief,
    Callout,
    Citation,
    Figure,
    Keep,
    ListBlock,
    Manifest,
    Paragraph,
    Quote,
    Restricted,
    Section,
    SectionSource,
    Source,
    SourcePos,
    TimelineEvent,
)


@dataclass(frozen=True)
class Omission:
    """Something left out of an edition, and why: a line of the edition report."""

    what: str
    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.what} ({self.where}): {self.why}"


@dataclass(frozen=True)
class Edition:
    audience: Audience | None
    manifest: Manifest
    """The manifest with the audience's language, title, subtitle, paper and recipients applied."""
    sections: tuple[SectionSource, ...]
    timeline: tuple[TimelineEvent, ...]
    sources: tuple[Source, ...]
    omitted: tuple[Omission, ...]

    @property
    def name(self) -> str:
        return f"{self.manifest.id}-{self.audience.id}" if self.audience else self.manifest.id


def select_audiences(manifest: Manifest, names: tuple[str, ...]) -> list[Audience | None]:
    """The audiences to build: the named ones, else all of them, else one plain edition."""
    by_id = {a.id: a for a in manifest.audiences}
    unknown = [n for n in names if n not in by_id]
    if unknown:
        valid = ", ".join(by_id) or "none: the manifest declares no audiences"
        from .hints import did_you_mean

        raise UnknownAudience(f"unknown audience '{unknown[0]}'{did_you_mean(unknown[0], by_id)} (valid: {valid})")
    if names:
        return [by_id[n] for n in dict.fromkeys(names)]
    return list(manifest.audiences) or [None]


def plan_edition(brief: Brief, audience: Audience | None) -> Edition:
    manifest = _edition_manifest(brief.manifest, audience)
    omitted: list[Omission] = []
    sections = []
    for source in brief.sections:
        chosen = _variant(source, audience, manifest.language)
        reason = _section_excluded(chosen, audience, brief.manifest.levels)
        if reason:
            omitted.append(Omission(f"section '{chosen.id}'", _rel(chosen.path, brief.root), reason))
        else:
            sections.append(chosen)
    events = brief.timeline_variants.get(manifest.language, brief.timeline)
    timeline = []
    for event in events:
        reason = _event_excluded(event, audience, brief.manifest.levels)
        if reason:
            omitted.append(Omission(f"timeline event '{event.title}'", _rel_pos(event.pos, brief.root), reason))
        else:
            timeline.append(event)
    sources = brief.source_variants.get(manifest.language, brief.sources)
    return Edition(audience, manifest, tuple(sections), tuple(timeline), sources, tuple(omitted))


def _edition_manifest(manifest: Manifest, audience: Audience | None) -> Manifest:
    if audience is None:
        return manifest
    changes: dict[str, Any] = {"variables": {**manifest.variables, **audience.variables}}
    if audience.title is not None:  # the brief's short title shortens the brief's title, not this one
        changes["short_title"] = None
    for key in EDITION_SETTINGS:
        value = getattr(audience, key)
        if value is not None:
            changes[key] = value
    if audience.sources_appendix is not None:
        changes["sources_appendix"] = audience.sources_appendix
    if audience.recipients:
        changes["recipients"] = audience.recipients
    return dataclasses.replace(manifest, **changes)


def _variant(source: SectionSource, audience: Audience | None, language: str) -> SectionSource:
    if audience is not None and audience.id in source.variants:
        return source.variants[audience.id]
    return source.variants.get(language, source)


def text_language(brief: Brief, chosen: SectionSource) -> str:
    """The language *chosen* is written in: a language variant's (`ringkasan.en.md`), the
    brief's for its own file; "" for an audience's variant (written for that edition)."""
    for source in brief.sections:
        if chosen is source:
            return brief.manifest.language
        for key, variant in source.variants.items():
            if variant is chosen:
                return key if key in LABELS else ""
    return ""


def _section_excluded(source: SectionSource, audience: Audience | None, levels: tuple[str, ...]) -> str | None:
    _check_level(source.level, levels, SourcePos(source.path, 1))
    if audience is None:
        return None
    names = {source.id, *source.tags}
    if source.audiences and audience.id not in source.audiences:
        return f"front matter restricts it to {', '.join(source.audiences)}"
    if audience.include and not names & set(audience.include):
        return "not in the audience's 'include' list"
    if names & set(audience.exclude):
        return "in the audience's 'exclude' list"
    return _above(source.level, audience, levels)


def _event_excluded(event: TimelineEvent, audience: Audience | None, levels: tuple[str, ...]) -> str | None:
    _check_level(event.level, levels, event.pos)
    if audience is None:
        return None
    if audience.timeline_tags and not set(event.tags) & set(audience.timeline_tags):
        return f"has none of the tags {', '.join(audience.timeline_tags)}"
    return _above(event.level, audience, levels)


def _above(level: str | None, audience: Audience, levels: tuple[str, ...]) -> str | None:
    if level is None or audience.level is None:
        return None
    if levels.index(level) > levels.index(audience.level):
        return f"level {level} is above the audience's {audience.level}"
    return None


def _check_level(level: str | None, levels: tuple[str, ...], pos: SourcePos) -> None:
    if level is not None and level not in levels:
        known = ", ".join(levels) if levels else "none: declare 'levels' in brief.yaml"
        raise ManifestError(f"unknown handling level '{level}' (levels: {known})", pos.path, pos.line)


# ---------------------------------------------------------------------------- passages


def tailor(sections: list[Section], audience: Audience | None, levels: tuple[str, ...], root: Path,
           omitted: list[Omission], present: set[str], known: tuple[str, ...] | None = None) -> list[Section]:
    """Drop restricted passages and figures this audience may not see; unwrap the rest.

    With *known* (the manifest's audience ids), a passage for an audience not among
    them is an error at its line rather than a passage that silently never prints.
    """
    if known is not None:
        raise_all([error for s in sections for error in _unknown_passage_audiences(s.blocks, known)])
    return [dataclasses.replace(s, blocks=_blocks(s.blocks, audience, levels, root, omitted, present)) for s in sections]


def _unknown_passage_audiences(blocks: tuple[Block, ...], known: tuple[str, ...]) -> list[BriefingError]:
    errors: list[BriefingError] = []
    for block in blocks:
        for name in block.audiences if isinstance(block, Restricted) else ():
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = (f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(known)}") if known \
                    else "brief.yaml defines no audiences"
                errors.append(ManifestError(f"passage for audience '{name}', which brief.yaml does not define ({hint})",
                                            block.pos.path, block.pos.line))
        if isinstance(block, (Restricted, Quote, Callout, Keep)):
            errors += _unknown_passage_audiences(block.blocks, known)
        elif isinstance(block, ListBlock):
            errors += [e for item in block.items for e in _unknown_passage_audiences(item, known)]
    return errors


def _blocks(blocks: tuple[Block, ...], audience: Audience | None, levels: tuple[str, ...], root: Path,
            omitted: list[Omission], present: set[str]) -> tuple[Block, ...]:
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Restricted):
            _check_level(block.level, levels, block.pos)
            reason = _passage_excluded(block, audience, levels)
            if reason:
                omitted.append(Omission("passage", _rel_pos(block.pos, root), reason))
                continue
            if block.level:
                present.add(block.level)
            kept = _blocks(block.blocks, audience, levels, root, omitted, present)
            result.extend(_mark_portion(kept, block.level))
            continue
        if isinstance(block, Figure):
            _check_level(block.level, levels, block.pos)
            reason = _above(block.level, audience, levels) if audience else None
            if reason:
                omitted.append(Omission(f"figure '{block.path.name}'", _rel_pos(block.pos, root), reason))
                continue
            if block.level:
                present.add(block.level)
        elif isinstance(block, (Quote, Callout, Keep)):
            result.append(dataclasses.replace(block, blocks=_blocks(block.blocks, audience, levels, root, omitted, present)))
            continue
        elif isinstance(block, ListBlock):
            items = tuple(_blocks(item, audience, levels, root, omitted, present) for item in block.items)
            result.append(dataclasses.replace(block, items=items))
            continue
        result.append(block)
    return tuple(result)


def _mark_portion(blocks: tuple[Block, ...], level: str | None) -> tuple[Block, ...]:
    """The passage's paragraphs carry its level, so the page can mark each one (an inner passage's wins)."""
    if level is None:
        return blocks
    return tuple(dataclasses.replace(b, portion=level) if isinstance(b, Paragraph) and b.portion is None else b
                 for b in blocks)


def _passage_excluded(block: Restricted, audience: Audience | None, levels: tuple[str, ...]) -> str | None:
    if audience is None:
        return "for named audiences only" if block.audiences else None
    if block.audiences and audience.id not in block.audiences:
        return f"for {', '.join(block.audiences)} only"
    return _above(block.level, audience, levels)


# ---------------------------------------------------------------------------- leaks and marking


def check_leaks(cited: tuple[Source, ...], citations: list[Citation], audience: Audience | None,
                levels: tuple[str, ...]) -> None:
    """Fail if this edition would cite a source above the audience's clearance."""
    for source in cited:
        _check_level(source.level, levels, source.pos)
    if audience is None or audience.level is None:
        return
    restricted = {s.id: s for s in cited if _above(s.level, audience, levels)}
    errors: list[BriefingError] = []
    for citation in citations:
        for item in citation.items:
            leaked = restricted.get(item.key)
            if leaked is not None:
                errors.append(BriefingError(
                    f"leak: edition '{audience.id}' (cleared to {audience.level}) would cite source "
                    f"'{leaked.id}' marked {leaked.level}; restrict this passage with ::: only level={leaked.level}",
                    citation.pos.path, citation.pos.line))
    raise_all(errors)


def edition_marking(manifest: Manifest, audience: Audience | None, present: set[str]) -> str | None:
    """The banner: the audience's own marking, else the higher of the level the audience is
    cleared to and the highest level present, else the manifest's.

    An edition made for readers cleared to TERBATAS is handled as TERBATAS even when its
    pages happen to hold only unmarked text: the banner is the edition's, not its contents'.
    """
    if audience is not None and audience.marking:
        return audience.marking
    levels = manifest.levels
    if levels and (audience is not None or manifest.marking is None):
        found = [level for level in levels if level in present or (audience is not None and level == audience.level)]
        return (found or [levels[0]])[-1]
    return manifest.marking


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _rel_pos(pos: SourcePos, root: Path) -> str:
    where = _rel(pos.path, root)
    return f"{where}:{pos.line}" if pos.line else where
