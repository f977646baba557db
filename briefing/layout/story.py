"""Blocks -> platypus flowables, dispatched on block type from a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    FrameBG,
    Indenter,
    KeepTogether,
    Paragraph,
    Spacer,
    Table as RLTable,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from .. import i18n
from ..model import Block, Callout, CodeBlock, Heading, ListBlock, Paragraph as ParaBlock, Quote, Rule, Section, Table
from .markup import MarkupWriter, escape, plain_text
from .theme import Styles, Theme


class HeadingParagraph(Paragraph):
    """A heading that the document template turns into a PDF bookmark."""

    def __init__(self, text: str, style, outline_title: str, outline_level: int):  # type: ignore[no-untyped-def]
        super().__init__(text, style)
        self.outline_title = outline_title
        self.outline_level = outline_level


@dataclass
class StoryBuilder:
    theme: Theme
    styles: Styles
    language: str
    width: float
    """Width of the body column, for tables."""
    markup: MarkupWriter

    def __post_init__(self) -> None:
        self._list_styles: dict[tuple[float, bool], ParagraphStyle] = {}
        self._list_indent = 0.0

    def section(self, section: Section) -> list[Flowable]:
        number = f'<font color="{self.theme.accent}">{section.number}</font>&#160;&#160;' if section.number else ""
        title = f"{section.number} {section.title}" if section.number else section.title
        heading = HeadingParagraph(number + escape(section.title), self.styles.h1, title, 0)
        return [heading, *self.blocks(section.blocks)]

    def blocks(self, blocks: tuple[Block, ...]) -> list[Flowable]:
        result: list[Flowable] = []
        for block, following in zip(blocks, (*blocks[1:], None)):
            flowables = BUILDERS[type(block)](self, block)
            if _introduces(block, following):
                flowables[-1].keepWithNext = 1
            result.extend(flowables)
        return result

    def heading(self, block: Heading) -> list[Flowable]:
        style = {2: self.styles.h2, 3: self.styles.h3}.get(block.level, self.styles.h4)
        text = self.markup.write(block.children)
        plain = plain_text(block.children)
        if block.number:
            text = f"{block.number}&#160;&#160;{text}"
            plain = f"{block.number} {plain}"
        if block.level > 3:
            return [Paragraph(text, style)]
        return [HeadingParagraph(text, style, plain, block.level - 1)]

    def paragraph(self, block: ParaBlock, style=None) -> list[Flowable]:  # type: ignore[no-untyped-def]
        return [Paragraph(self.markup.write(block.children), style or self.styles.body)]

    def list(self, block: ListBlock, depth: int = 0) -> list[Flowable]:
        """Lists as bulleted paragraphs: they split, keep and hyphenate like body text."""
        step = 18.0 if block.ordered else 13.0
        indent = self._list_indent + step
        result: list[Flowable] = []
        for index, item in enumerate(block.items):
            marker = f"{block.start + index}." if block.ordered else ("\u2022" if depth % 2 == 0 else "\u2013")
            first = True
            for inner in item:
                if isinstance(inner, ParaBlock):
                    style = self._list_style(indent, step, marker if first else None)
                    result.append(Paragraph(self.markup.write(inner.children), style, bulletText=marker if first else None))
                elif isinstance(inner, ListBlock):
                    outer, self._list_indent = self._list_indent, indent
                    result.extend(self.list(inner, depth + 1)[:-1])
                    self._list_indent = outer
                else:
                    result.extend([Indenter(indent, 0), *BUILDERS[type(inner)](self, inner), Indenter(-indent, 0)])
                first = False
        result.append(Spacer(0, 4))
        return result

    def _list_style(self, indent: float, step: float, marker: str | None) -> ParagraphStyle:
        key = (indent, marker is not None)
        style = self._list_styles.get(key)
        if style is None:
            style = ParagraphStyle(
                f"list-{indent}", parent=self.styles.list_item, leftIndent=indent, bulletIndent=indent - step + 1,
                bulletFontName=self.styles.list_item.fontName, bulletColor=colors.HexColor(self.theme.accent),
            )
            self._list_styles[key] = style
        return style

    def quote(self, block: Quote) -> list[Flowable]:
        result: list[Flowable] = []
        for inner in block.blocks:
            if isinstance(inner, ParaBlock):
                result.extend(self.paragraph(inner, self.styles.quote))
            else:
                result.extend([Indenter(14, 14), *BUILDERS[type(inner)](self, inner), Indenter(-14, -14)])
        return result

    def code(self, block: CodeBlock) -> list[Flowable]:
        lines = [escape(line).replace(" ", "&#160;") for line in block.text.split("\n")]
        return [Spacer(0, 2), Paragraph("<br/>".join(lines), self.styles.code), Spacer(0, 8)]

    def rule(self, block: Rule) -> list[Flowable]:
        return [HRFlowable(width="30%", thickness=0.6, color=colors.HexColor(self.theme.rule), spaceBefore=6, spaceAfter=10, hAlign="CENTER")]

    def table(self, block: Table) -> list[Flowable]:
        head = [Paragraph(self.markup.write(cell), self.styles.table_head) for cell in block.header]
        rows = [[Paragraph(self.markup.write(cell), self.styles.table_cell) for cell in row] for row in block.rows]
        columns = max([len(head), *(len(r) for r in rows)]) if (head or rows) else 0
        if columns == 0:
            return []
        data = [_pad(head, columns)] + [_pad(row, columns) for row in rows]
        widths = _column_widths(block, columns, self.width)
        rule = colors.HexColor(self.theme.rule)
        style = TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), self.styles.table_cell.fontName),
                ("LINEABOVE", (0, 0), (-1, 0), 1, colors.HexColor(self.theme.accent)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(self.theme.accent)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, rule),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(self.theme.accent_light)),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
        for index, align in enumerate(block.aligns):
            if align != "left":
                style.add("ALIGN", (index, 0), (index, -1), align.upper())
        table = RLTable(data, colWidths=widths, repeatRows=1, splitInRow=1, style=style, hAlign="LEFT")
        return [Spacer(0, 2), table, Spacer(0, 10)]

    def callout(self, block: Callout) -> list[Flowable]:
        """A tinted box that may break across pages (FrameBG colours behind its content)."""
        label = block.title or i18n.label(self.language, block.kind)
        inner_style = self.styles.bluf if block.kind == "bluf" else self.styles.box_body
        inner: list[Flowable] = []
        for item in block.blocks:
            if isinstance(item, ParaBlock):
                inner.extend(self.paragraph(item, inner_style))
            else:
                inner.extend(BUILDERS[type(item)](self, item))
        fill = self.theme.accent_light if block.kind in ("bluf", "keypoints") else self.theme.tint
        stroke: dict[str, object] = {"strokeWidth": 0}
        if block.kind == "readalso":  # a related-reading pointer: outlined, not tinted
            fill = "#ffffff"
            stroke = {"strokeWidth": 0.8, "strokeColor": colors.HexColor(self.theme.accent)}
        pad = 9
        label_flow = Paragraph(escape(label.upper()), self.styles.box_label)
        return [
            Spacer(0, 4),
            FrameBG(color=colors.HexColor(fill), start=True, **stroke),
            Indenter(pad, pad),
            Spacer(0, pad - 2),
            KeepTogether([label_flow, *inner[:1]]),
            *inner[1:],
            Spacer(0, pad - 5),
            Indenter(-pad, -pad),
            FrameBG(start=False),
            Spacer(0, 10),
        ]


BUILDERS: dict[type, Callable[[StoryBuilder, Block], list[Flowable]]] = {
    Heading: StoryBuilder.heading,  # type: ignore[dict-item]
    ParaBlock: StoryBuilder.paragraph,  # type: ignore[dict-item]
    ListBlock: StoryBuilder.list,  # type: ignore[dict-item]
    Quote: StoryBuilder.quote,  # type: ignore[dict-item]
    CodeBlock: StoryBuilder.code,  # type: ignore[dict-item]
    Rule: StoryBuilder.rule,  # type: ignore[dict-item]
    Table: StoryBuilder.table,  # type: ignore[dict-item]
    Callout: StoryBuilder.callout,  # type: ignore[dict-item]
}


def _introduces(block: Block, following: Block | None) -> bool:
    """A paragraph ending in ':' right before a list or table stays with it."""
    return (
        isinstance(block, ParaBlock)
        and isinstance(following, (ListBlock, Table))
        and plain_text(block.children).rstrip().endswith(":")
    )


def _pad(cells: list[Paragraph], columns: int) -> list[Paragraph | str]:
    return [*cells, *([""] * (columns - len(cells)))]


def _column_widths(block: Table, columns: int, width: float) -> list[float]:
    """Share the width by each column's longest text (square-rooted), with a floor."""
    longest = [1.0] * columns
    for row in (block.header, *block.rows):
        for index, cell in enumerate(row):
            longest[index] = max(longest[index], float(len(plain_text(cell))))
    weights = [max(length, 4.0) ** 0.5 for length in longest]
    total = sum(weights)
    floor = min(36.0, width / columns)
    widths = [max(floor, width * w / total) for w in weights]
    scale = width / sum(widths)
    return [w * scale for w in widths]
