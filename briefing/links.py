"""Resolve internal links: `[text](#id)` leads to a section or a heading of the edition.

A target is a section id (`#prospek`) or a heading's slug, made as GitHub makes it
(`## Dampak Ekonomi` is `#dampak-ekonomi`). Every internal link resolves to a named
destination, so it is clickable in the PDF, or is an error at its line with a
did-you-mean. A link to a section this edition leaves out prints as its text.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import Any
from urllib.parse import unquote

from .errors import MarkdownError, Reporter
from .model import (Block, Callout, FootnoteRef, Heading, Inline, Keep, Link, ListBlock, Paragraph, Quote, Restricted,
                    Section, Table, plain_text)

_SLUG_DROP = re.compile(r"[^\w\- ]")


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def resolve_links(sections: list[Section], brief_ids: tuple[str, ...], reporter: Reporter) -> list[Section]:
    """Point every `#id` link at its destination and mark the sections and headings linked to.

    *brief_ids* are every section id of the brief, so that a link to a section this
    edition leaves out is told apart from a mistyped one. Each unresolved link is
    reported to *reporter* and printed as its text.
    """
    targets = _targets(sections)
    resolver = _Resolver(targets, set(brief_ids) - set(targets))
    linked = [dataclasses.replace(s, blocks=resolver.blocks(s.blocks)) for s in sections]
    for error in resolver.errors:
        reporter.error(error)
    if not resolver.used:
        return linked
    return [_mark(section, resolver.used) for section in linked]


def _targets(sections: list[Section]) -> dict[str, str]:
    """Link target -> destination name; a section id wins over a heading slug, the first heading over later ones."""
    targets: dict[str, str] = {s.id: f"sec-{s.id}" for s in sections}
    for section in sections:
        for heading in _headings(section.blocks):
            key = slug(plain_text(heading.children))
            targets.setdefault(key, f"sec-{section.id}-{key}")
    return targets


def _headings(blocks: tuple[Block, ...]) -> list[Heading]:
    found: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block)
        elif isinstance(block, (Callout, Quote, Restricted, Keep)):
            found.extend(_headings(block.blocks))
    return found


def _mark(section: Section, used: set[str]) -> Section:
    """Give the linked section heading and headings their destination names."""
    anchor = f"sec-{section.id}"

    def mark(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        result: list[Block] = []
        for block in blocks:
            if isinstance(block, Heading):
                name = f"{anchor}-{slug(plain_text(block.children))}"
                result.append(dataclasses.replace(block, anchor=name) if name in used else block)
            elif isinstance(block, (Callout, Quote, Restricted, Keep)):
                result.append(dataclasses.replace(block, blocks=mark(block.blocks)))
            else:
                result.append(block)
        return tuple(result)

    return dataclasses.replace(section, blocks=mark(section.blocks), anchor=anchor if anchor in used else None)


class _Resolver:
    """Rewrites the links of a section's blocks, collecting errors and the destinations used."""

    def __init__(self, targets: dict[str, str], left_out: set[str]):
        self.targets = targets
        self.left_out = left_out
        self.used: set[str] = set()
        self.errors: list[MarkdownError] = []

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: Block) -> Block:
        if isinstance(block, (Paragraph, Heading)):
            children = self.inlines(block.children)
            return block if children is block.children else dataclasses.replace(block, children=children)
        if isinstance(block, (Callout, Quote, Restricted, Keep)):
            return dataclasses.replace(block, blocks=self.blocks(block.blocks))
        if isinstance(block, ListBlock):
            return dataclasses.replace(block, items=tuple(self.blocks(item) for item in block.items))
        if isinstance(block, Table):
            return dataclasses.replace(block, header=self.row(block.header), caption=self.inlines(block.caption),
                                       source=self.inlines(block.source),
                                       rows=tuple(self.row(row) for row in block.rows))
        return block

    def row(self, cells: tuple[tuple[Inline, ...], ...]) -> tuple[tuple[Inline, ...], ...]:
        return tuple(self.inlines(cell) for cell in cells)

    def inlines(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        result: list[Inline] = []
        for node in inlines:
            children: Any = getattr(node, "children", None)
            if isinstance(node, Link) and node.url.startswith("#"):
                result.extend(self.link(node))
            elif isinstance(node, FootnoteRef):  # links inside a note lead where links in the text do
                result.append(dataclasses.replace(node, note=self.inlines(node.note)))
            elif children is not None:
                inner = self.inlines(children)
                result.append(node if inner is children else dataclasses.replace(node, children=inner))  # type: ignore[arg-type]  # a union of dataclasses
            else:
                result.append(node)
        unchanged = len(result) == len(inlines) and all(new is old for new, old in zip(result, inlines))
        return inlines if unchanged else tuple(result)  # unchanged: the same tuple, its nodes not copied

    def link(self, node: Link) -> list[Inline]:
        target = unquote(node.url[1:])  # markdown-it percent-encodes what is not ASCII
        name = self.targets.get(target) or self.targets.get(slug(target))
        if name is not None:
            self.used.add(name)
            return [dataclasses.replace(node, url=f"#{name}", children=self.inlines(node.children))]
        if target in self.left_out:  # the edition leaves that section out on purpose
            return list(self.inlines(node.children))
        close = difflib.get_close_matches(target, list(self.targets), n=1, cutoff=0.6)
        hint = f"did you mean '#{close[0]}'? " if close else ""
        known = ", ".join(f"#{t}" for t in list(self.targets)[:8])
        pos = node.pos
        self.errors.append(MarkdownError(
            f"internal link '#{target}' leads to no section or heading; {hint}"
            f"link to a section id or a heading (e.g. {known})",
            pos.path if pos else None, pos.line if pos else None))
        return list(node.children)
