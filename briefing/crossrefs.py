"""Number an edition's figures and tables, and resolve its cross-references (`@fig-peta`, `@sec-prospek`).

Runs on the tailored sections and the edition's timeline, so numbers count what this edition
prints and a reference in an event's text or a footnote links like one in the body. A label is
`{#fig-…}` on a figure, `{#tbl-…}` on a table caption, `{#sec-…}` on a heading, or a
section's front matter `id` (as `sec-<id>`). An unknown label and a label defined twice
are errors at their lines. A page reference (`[halaman @fig-peta]`) keeps its words;
the layout adds the page number.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from . import i18n
from .errors import MarkdownError, Reporter
from .model import (Block, Callout, CrossRef, Figure, Heading, Keep, ListBlock, Quote, Section, SectionSource,
                    SourcePos, Table, TimelineEvent)

#: The i18n label that names each kind of target ("Gambar", "Tabel", "Bagian").
_KIND_LABELS = {"fig": "figure", "tbl": "table", "sec": "section"}


@dataclass(frozen=True)
class Target:
    """What a label refers to: its printed name ("Gambar 2"), destination and where it is defined."""

    text: str
    anchor: str | None
    pos: SourcePos


def resolve_crossrefs(sections: list[Section], brief_sections: tuple[SectionSource, ...], language: str,
                      labels: dict[str, str], reporter: Reporter,
                      timeline: tuple[TimelineEvent, ...] = ()) -> tuple[list[Section], tuple[TimelineEvent, ...]]:
    """Number figures and tables, give labelled blocks their destinations, and fill in every
    reference: in the sections (footnotes included) and in the *timeline*'s event texts."""
    locale = i18n.Locale(language, tuple(labels.items()))
    numbered = number_blocks(sections)
    targets = _targets(numbered, locale, reporter)
    resolver = _Resolver(targets, {f"sec-{s.id}": s.title for s in brief_sections}, reporter)
    resolved = [dataclasses.replace(section, blocks=resolver.blocks(section.blocks)) for section in numbered]
    events = tuple(resolver.node(event) for event in timeline)
    anchored = [dataclasses.replace(s, anchor=f"sec-{s.id}") if f"sec-{s.id}" in resolver.used else s for s in resolved]
    return anchored, events


def number_blocks(sections: list[Section]) -> list[Section]:
    """Figures and tables numbered from 1 in the order they print, across the edition."""
    counts = {"figure": 0, "table": 0}

    def walk(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        result: list[Block] = []
        for block in blocks:
            numbered: Block = block
            if isinstance(block, (Figure, Table)):
                kind = "figure" if isinstance(block, Figure) else "table"
                counts[kind] += 1
                numbered = dataclasses.replace(block, number=counts[kind])
            elif isinstance(block, (Callout, Quote, Keep)):
                numbered = dataclasses.replace(block, blocks=walk(block.blocks))
            elif isinstance(block, ListBlock):
                numbered = dataclasses.replace(block, items=tuple(walk(item) for item in block.items))
            result.append(numbered)
        return tuple(result)

    return [dataclasses.replace(section, blocks=walk(section.blocks)) for section in sections]


def _targets(sections: list[Section], locale: i18n.Locale, reporter: Reporter) -> dict[str, Target]:
    targets: dict[str, Target] = {}

    def add(label: str, target: Target) -> None:
        first = targets.get(label)
        if first is not None:
            reporter.error(MarkdownError(f"the label '#{label}' is defined twice (first at {first.pos}); "
                                         "give each figure, table and section its own label",
                                         target.pos.path, target.pos.line))
            return
        targets[label] = target

    for section in sections:
        name = f"{locale.label('section')} {section.number}" if section.number else section.title
        add(f"sec-{section.id}", Target(name, f"sec-{section.id}", section.pos))
        for block in _labelled(section.blocks):
            assert block.label is not None
            if isinstance(block, Heading):
                name = f"{locale.label('section')} {block.number}" if block.number else _plain(block)
                add(block.label, Target(name, block.anchor or block.label, block.pos))
            else:
                kind = "figure" if isinstance(block, Figure) else "table"
                add(block.label, Target(f"{locale.label(kind)} {block.number}", block.label, block.pos))
    return targets


def _plain(heading: Heading) -> str:
    from .model import plain_text

    return plain_text(heading.children)


def _labelled(blocks: tuple[Block, ...]) -> list[Heading | Figure | Table]:
    found: list[Heading | Figure | Table] = []
    for block in blocks:
        if isinstance(block, (Heading, Figure, Table)) and block.label:
            found.append(block)
        elif isinstance(block, (Callout, Quote, Keep)):
            found.extend(_labelled(block.blocks))
        elif isinstance(block, ListBlock):
            found.extend(b for item in block.items for b in _labelled(item))
    return found


class _Resolver:
    """Fills in every cross-reference of the sections; unknown labels are reported."""

    def __init__(self, targets: dict[str, Target], left_out: dict[str, str], reporter: Reporter):
        self.targets = targets
        self.left_out = left_out
        self.reporter = reporter
        self.used: set[str] = set()
        """The destinations some reference leads to."""

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(self.node(block) for block in blocks)

    def node(self, node: Any) -> Any:
        """*node* with its cross-references filled in; labelled headings get their destination."""
        if isinstance(node, CrossRef):
            return self.reference(node)
        if isinstance(node, tuple):
            items = tuple(self.node(item) for item in node)
            return node if all(new is old for new, old in zip(items, node)) else items
        if not dataclasses.is_dataclass(node) or isinstance(node, SourcePos):
            return node
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if isinstance(value, tuple) and (new := self.node(value)) is not value:
                changes[field.name] = new
        if isinstance(node, Heading) and node.label and node.anchor is None:
            changes["anchor"] = node.label
        return dataclasses.replace(node, **changes) if changes else node  # unchanged: itself, not a copy

    def reference(self, ref: CrossRef) -> CrossRef:
        target = self.targets.get(ref.label)
        if target is not None:
            if target.anchor:
                self.used.add(target.anchor)
            return dataclasses.replace(ref, text=ref.prefix or target.text, target=target.anchor)
        if ref.label in self.left_out:  # a section this edition leaves out: its title, unlinked, no page
            return dataclasses.replace(ref, text=self.left_out[ref.label], prefix=None, target=None)
        close = difflib.get_close_matches(ref.label, list(self.targets), n=1, cutoff=0.6)
        hint = f"did you mean '@{close[0]}'? " if close else ""
        known = ", ".join(f"@{label}" for label in list(self.targets)[:6])
        self.reporter.error(MarkdownError(
            f"cross-reference '@{ref.label}' refers to no label in this edition; {hint}"
            f"label a figure {{#fig-…}}, a table caption {{#tbl-…}} or a heading {{#sec-…}} (known: {known})",
            ref.pos.path, ref.pos.line))
        return dataclasses.replace(ref, text=ref.prefix or ref.label, target=None)


def uses_page_numbers(node: Any) -> bool:
    """Whether *node* (sections, blocks, inlines) holds a page reference, which needs a second layout pass."""
    if isinstance(node, CrossRef):
        return node.prefix is not None
    if isinstance(node, tuple):
        return any(uses_page_numbers(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, (SourcePos, type)):
        return any(uses_page_numbers(getattr(node, f.name)) for f in dataclasses.fields(node)
                   if isinstance(getattr(node, f.name), tuple))
    return False
