"""Blocks -> platypus flowables, dispatched on block type from a table.

`StoryBuilder.story` returns a `Story`: the flowables with the warnings and photo
credits met on the way, so nothing has to be read back from the builder afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    FrameBG,
    ImageAndFlowables,
    Indenter,
    KeepTogether,
    Spacer,
    Table as RLTable,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from .. import i18n
from ..errors import BriefingWarning, ImageError
from ..images import LOW_DPI, inspect
from ..model import (
    Block,
    Callout,
    CodeBlock,
    Figure,
    Heading,
    Inline,
    ListBlock,
    Paragraph as ParaBlock,
    Quote,
    Rule,
    Section,
    Table,
    Text,
)
from .caps import caps_label
from .contents import Entry, HeadingParagraph
from .figures import NATURAL_DPI, FigureFlowable, Span, prepared_image
from .fonts import register_fonts
from .geometry import Geometry
from .markup import MarkupWriter, destination, plain_text
from .paragraphs import Paragraph
from . import rl_compat
from .rl_compat import FixedSizeFlowable
from .theme import HAIRLINE, RULE, Styles, color, family, portion_markup
from ..themes import Theme


@dataclass(frozen=True)
class Story:
    """What laying out the blocks produced."""

    flowables: list[Flowable]
    warnings: tuple[BriefingWarning, ...] = ()
    """Layout warnings (an image printing below LOW_DPI), with file and line."""
    credits: tuple[tuple[int, str], ...] = ()
    """(figure number, credit) of every credited figure, for the photo-credits appendix."""
    outline: tuple[Entry, ...] = ()
    """The headings a table of contents lists (given by `assign_outline` on the whole story)."""


@dataclass
class StoryBuilder:
    theme: Theme
    styles: Styles
    locale: i18n.Locale
    geometry: Geometry
    markup: MarkupWriter
    cache_dir: Path | None = None
    levels: tuple[str, ...] = ()
    """The brief's handling levels, lowest first: paragraphs of passages above the lowest are marked."""

    INSET_FRACTION = 0.42
    PARAGRAPH_CHUNK = 3000
    """Characters per piece when a pathologically long paragraph is set in pieces."""
    INSET_WRAP_PARAGRAPHS = 3
    SMALL_TABLE_ROWS = 8

    def __post_init__(self) -> None:
        self.width = self.geometry.main.width
        self._list_styles: dict[tuple[float, bool], ParagraphStyle] = {}
        self._list_indent = 0.0
        self.escape = self.markup.escape
        self._figures = 0
        self._credits: list[tuple[int, str]] = []
        self._warnings: list[BriefingWarning] = []
        self._inset_room: _InsetRoom | None = None
        self._hanging_styles: dict[tuple[str, int, float], ParagraphStyle] = {}

    def story(self, sections: tuple[Section, ...]) -> Story:
        """The flowables of *sections*; figures are numbered from 1 in each story."""
        self._figures, self._credits, self._warnings = 0, [], []
        flowables = [flowable for section in sections for flowable in self.section(section)]
        return Story(flowables, tuple(self._warnings), tuple(self._credits))

    def section(self, section: Section) -> list[Flowable]:
        title = f"{section.number} {section.title}" if section.number else section.title
        style = self._hanging(self.styles.breakable(self.styles.h1, title), section.number, self.theme.accent)
        heading = HeadingParagraph(destination(section.anchor) + self.escape(section.title),
                                   style, title, 0, section.pos.path, bulletText=section.number)
        first = section.blocks[0] if section.blocks else None
        return [*self._room_for_inset(first, [heading]), heading, *self.blocks(section.blocks)]

    def _room_for_inset(self, following: Block | None, lead: list[Flowable]) -> list[Flowable]:
        """Keep-with-next cannot hold an inset (ImageAndFlowables refuses to be kept together),
        so a heading before one asks for the room the heading and the inset need, or a new page."""
        if isinstance(following, Figure) and following.width == "inset":
            self._inset_room = _InsetRoom(lead)
            return [self._inset_room]
        return []

    def blocks(self, blocks: tuple[Block, ...]) -> list[Flowable]:
        result: list[Flowable] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if isinstance(block, Figure) and block.width == "inset":
                beside = _paragraph_run(blocks, index + 1, self.INSET_WRAP_PARAGRAPHS)
                result.extend(_glue_leading(self.inset(block, beside)))
                index += 1 + len(beside)
                continue
            flowables = BUILDERS[type(block)](self, block)
            if _introduces(block, following):
                flowables[-1].keepWithNext = 1
            if isinstance(block, Heading):
                result.extend(self._room_for_inset(following, flowables))
            result.extend(_glue_leading(flowables))
            index += 1
        return result

    # -- figures

    def figure(self, block: Figure) -> list[Flowable]:
        if block.width == "inset":
            return self.inset(block, [])
        span = None
        width = self.width
        if block.width == "full":
            span = Span(self.geometry.block.x, self.geometry.block.width)
            width = self.geometry.block.width
        return [self._figure_flowable(block, width, span)]

    def inset(self, block: Figure, beside: list[ParaBlock]) -> list[Flowable]:
        """A narrow figure with the following paragraphs wrapped beside it."""
        width = self.width * self.INSET_FRACTION
        figure = self._figure_flowable(block, width, None)
        figure.spaceBefore = figure.spaceAfter = 0
        text = [flow for paragraph in beside for flow in self.paragraph(paragraph)]
        side = block.side
        padding = {"imageLeftPadding": 9 if side == "right" else 0, "imageRightPadding": 9 if side == "left" else 0}
        holder = _SizedBox(figure, width)
        if self._inset_room is not None:  # the heading before it asks for this much room
            self._inset_room.inset = holder
            self._inset_room = None
        return [Spacer(0, 4), ImageAndFlowables(holder, text, imageSide=side, imageBottomPadding=6, **padding)]

    def _figure_flowable(self, block: Figure, width: float, span: Span | None) -> FigureFlowable:
        info = inspect(block.path, block.pos.path, block.pos.line)  # cached since the Markdown stage
        max_height = self.geometry.main.height * 0.55
        natural = block.pixels[0] * 72 / NATURAL_DPI
        placed = min(width, max_height * block.pixels[0] / block.pixels[1], natural)
        try:
            image, dpi = prepared_image(info, placed, self.cache_dir, self.theme.grayscale, self.theme.cmyk)
        except ImageError as error:  # pixels that cannot be converted: at the figure's line
            raise ImageError(error.message, block.pos.path, block.pos.line) from None
        if dpi < LOW_DPI:
            self._warnings.append(BriefingWarning(
                f"image '{block.path.name}' prints at {dpi:.0f} dpi (below {LOW_DPI}); it will look blurred",
                block.pos.path, block.pos.line))
        elif placed == natural and natural < width - 1:
            need = round(width * NATURAL_DPI / 72)
            self._warnings.append(BriefingWarning(
                f"image '{block.path.name}' has too few pixels to fill its width at {NATURAL_DPI:.0f} dpi: it prints "
                f"at its own size, {natural / 72 * 25.4:.0f} mm wide; supply one at least {need} px wide",
                block.pos.path, block.pos.line))
        self._figures += 1
        caption = None
        if block.caption:
            label = f"{self.locale.label('figure')} {self._figures}"
            caption = Paragraph(f"<b>{self.escape(label)}.</b> {self.markup.write(block.caption)}",
                                self.styles.breakable(self.styles.caption, plain_text(block.caption)))
        credit = Paragraph(self.escape(block.credit), self.styles.credit) if block.credit else None
        if block.credit:
            self._credits.append((self._figures, block.credit))
        return FigureFlowable(image, block.pixels, caption, credit, max_height, block.alt, span, natural)

    def heading(self, block: Heading) -> list[Flowable]:
        style = {2: self.styles.h2, 3: self.styles.h3}.get(block.level, self.styles.h4)
        text = self.markup.write(block.children)
        plain = plain_text(block.children)
        if block.number:
            plain = f"{block.number} {plain}"
        style = self._hanging(self.styles.breakable(style, plain), block.number, None)
        text = destination(block.anchor) + text
        if block.level > 3:
            return [Paragraph(text, style, bulletText=block.number)]
        return [HeadingParagraph(text, style, plain, block.level - 1, bulletText=block.number)]

    def _hanging(self, style: ParagraphStyle, number: str | None, colour: str | None) -> ParagraphStyle:
        """*style* with the heading's number hanging in the margin of its own text, so a heading
        that wraps turns over under its first word, not under its number."""
        if not number:
            return style
        width = stringWidth(number, style.fontName, style.fontSize)
        gap = max(2 * stringWidth("\u00a0", style.fontName, style.fontSize), 0.6 * style.fontSize)
        key = (style.name, id(style), round(width, 2))
        hanging = self._hanging_styles.get(key)
        if hanging is None:
            extra = {"bulletColor": color(colour)} if colour else {}
            hanging = self._hanging_styles[key] = ParagraphStyle(
                f"{style.name}-hanging", parent=style, leftIndent=style.leftIndent + width + gap,
                bulletIndent=style.leftIndent, bulletFontName=style.fontName, bulletFontSize=style.fontSize, **extra)
        return hanging

    def paragraph(self, block: ParaBlock, style=None) -> list[Flowable]:  # type: ignore[no-untyped-def]
        style = self.styles.breakable(style or self.styles.body, plain_text(block.children))
        chunks = _chunks(block.children, self.PARAGRAPH_CHUNK)
        mark = portion_markup(self.theme, self.levels, block.portion)
        if len(chunks) == 1:
            return [Paragraph(mark + self.markup.write(block.children), style)]
        # ReportLab's line breaking grows worse than linearly with paragraph length (minutes
        # for a megabyte), so a very long paragraph is set as consecutive pieces.
        joined = ParagraphStyle(f"{style.name}-piece", parent=style, spaceAfter=0, spaceBefore=0)
        pieces = [Paragraph((mark if i == 0 else "") + self.markup.write(chunk), joined)
                  for i, chunk in enumerate(chunks[:-1])]
        return [*pieces, Paragraph(self.markup.write(chunks[-1]), style)]

    def list_block(self, block: ListBlock, depth: int = 0) -> list[Flowable]:
        """Lists as bulleted paragraphs: they split, keep and hyphenate like body text."""
        step = 18.0 if block.ordered else 13.0
        indent = self._list_indent + step
        result: list[Flowable] = []
        opening = 0
        for index, item in enumerate(block.items):
            if index == 1:
                opening = len(result)  # where the second item begins
            marker = f"{block.start + index}." if block.ordered else ("\u2022" if depth % 2 == 0 else "\u2013")
            if not item or not isinstance(item[0], ParaBlock):  # an empty item, or one opening with a code
                # block, quote or list: the marker stands by itself beside the item's first line
                bullet = Paragraph("&#160;", self._list_style(indent, step, marker), bulletText=marker)
                result.append(_Marker(bullet, takes_room=not item))
            first = True
            for inner in item:
                if isinstance(inner, ParaBlock):
                    style = self.styles.breakable(self._list_style(indent, step, marker if first else None), plain_text(inner.children))
                    result.append(Paragraph(self.markup.write(inner.children), style, bulletText=marker if first else None))
                elif isinstance(inner, ListBlock):
                    outer, self._list_indent = self._list_indent, indent
                    result.extend(self.list_block(inner, depth + 1)[:-1])
                    self._list_indent = outer
                else:
                    result.extend([Indenter(indent, 0), *BUILDERS[type(inner)](self, inner), Indenter(-indent, 0)])
                first = False
        result.append(SpaceAfter(4))
        if depth == 0 and 1 < len(block.items) <= SHORT_LIST:  # a float may come before or after, never inside
            for flowable in result[opening:]:
                flowable.keeps_floats_out = True
        return result

    def _list_style(self, indent: float, step: float, marker: str | None) -> ParagraphStyle:
        key = (indent, marker is not None)
        style = self._list_styles.get(key)
        if style is None:
            style = ParagraphStyle(
                f"list-{indent}", parent=self.styles.list_item, leftIndent=indent, bulletIndent=indent - step + 1,
                bulletFontName=self.styles.list_item.fontName, bulletColor=color(self.theme.accent),
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
        register_fonts((family(self.theme.mono_font),))
        # Tabs stop every 4 columns (CommonMark's rule); spaces become no-break spaces
        # before escaping, so the tags of fallback-font runs keep their own spaces.
        lines = [self.escape(line.expandtabs(4).replace(" ", "\u00a0")) for line in block.text.split("\n")]
        pieces = [lines[i:i + 60] for i in range(0, len(lines), 60)]  # long listings split across pages
        return [Spacer(0, 2), *(Paragraph("<br/>".join(piece), self.styles.code) for piece in pieces), SpaceAfter(8)]

    def rule(self, block: Rule) -> list[Flowable]:
        return [HRFlowable(width="30%", thickness=HAIRLINE, color=color(self.theme.rule), spaceBefore=6, spaceAfter=10, hAlign="CENTER")]

    def table(self, block: Table) -> list[Flowable]:
        head = [Paragraph(self.markup.write(cell), self.styles.breakable(self.styles.table_head, plain_text(cell))) for cell in block.header]
        rows = [[Paragraph(self.markup.write(cell), self.styles.breakable(self.styles.table_cell, plain_text(cell))) for cell in row]
                for row in block.rows]
        columns = max([len(head), *(len(r) for r in rows)]) if (head or rows) else 0
        if columns == 0:
            return []
        data = [_pad(head, columns)] + [_pad(row, columns) for row in rows]
        widths = _column_widths(block, columns, self.width)
        rule = color(self.theme.rule)
        style = TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), self.styles.table_cell.fontName),
                ("LINEABOVE", (0, 0), (-1, 0), 1, color(self.theme.accent)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, color(self.theme.accent)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, rule),
                ("BACKGROUND", (0, 0), (-1, 0), color(self.theme.accent_light)),
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
        if len(data) <= self.SMALL_TABLE_ROWS:  # a short table is read as one: never split it
            return [Spacer(0, 2), KeepTogether([table]), SpaceAfter(10)]
        return [Spacer(0, 2), table, SpaceAfter(10)]

    def callout(self, block: Callout) -> list[Flowable]:
        """A tinted box that may break across pages (FrameBG colours behind its content)."""
        label = block.title or self.locale.label(block.kind)
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
            fill = self.theme.paper
            stroke = {"strokeWidth": RULE, "strokeColor": color(self.theme.accent)}
        pad = 9
        label_flow = caps_label(label, self.styles.box_label, self.markup)
        return [
            Spacer(0, 4),
            FrameBG(color=color(fill), start=True, **stroke),
            Indenter(pad, pad),
            Spacer(0, pad - 2),
            KeepTogether([label_flow, *inner[:1]]),
            *inner[1:],
            Spacer(0, pad - 5),
            Indenter(-pad, -pad),
            FrameBG(start=False),
            SpaceAfter(10),
        ]


BUILDERS: dict[type, Callable[[StoryBuilder, Block], list[Flowable]]] = {
    Heading: StoryBuilder.heading,  # type: ignore[dict-item]
    ParaBlock: StoryBuilder.paragraph,  # type: ignore[dict-item]
    ListBlock: StoryBuilder.list_block,  # type: ignore[dict-item]
    Quote: StoryBuilder.quote,  # type: ignore[dict-item]
    CodeBlock: StoryBuilder.code,  # type: ignore[dict-item]
    Rule: StoryBuilder.rule,  # type: ignore[dict-item]
    Table: StoryBuilder.table,  # type: ignore[dict-item]
    Callout: StoryBuilder.callout,  # type: ignore[dict-item]
    Figure: StoryBuilder.figure,  # type: ignore[dict-item]
}


def photo_credits(credits: tuple[tuple[int, str], ...], styles: Styles, locale: i18n.Locale,
                  markup: MarkupWriter) -> list[Flowable]:
    """The "Kredit Foto" appendix: every figure's credit, by figure number."""
    if not credits:
        return []
    title = locale.label("photo_credits")
    figure = locale.label("figure")
    entries = [Paragraph(f"{markup.escape(figure)} {number}. {markup.escape(credit)}", styles.source_entry)
               for number, credit in credits]
    return [HeadingParagraph(markup.escape(title), styles.h2, title, 1), *entries]


class SpaceAfter(Flowable):
    """The space after a block, as space rather than content: the frame lets it and the next
    block's space before overlap (the larger wins), and it vanishes at the top of a page.

    (A Spacer is content: after a box, a heading's space before would come on top of it.)
    """

    _ZEROSIZE = True

    def __init__(self, space: float):
        super().__init__()
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802 (ReportLab's name)
        frame = getattr(self, "_frame", None)
        return 0.0 if frame is not None and rl_compat.frame_at_top(frame) else self.space

    def draw(self) -> None:
        pass


class _Marker(Flowable):
    """A list item's bullet or number on its own, drawn over the first line of what follows.

    It takes no room (or one line, for an empty item) and keeps with the next flowable,
    so the marker never ends a page apart from its item.
    """

    def __init__(self, bullet: Paragraph, takes_room: bool):
        super().__init__()
        self.bullet = bullet
        self.takes_room = takes_room
        self.keepWithNext = 0 if takes_room else 1
        self.spaceAfter = bullet.style.spaceAfter if takes_room else 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self.bullet_height = self.bullet.wrap(avail_width, avail_height)
        self.width, self.height = avail_width, self.bullet_height if self.takes_room else 0.0
        return self.width, self.height

    def draw(self) -> None:
        self.bullet.drawOn(self.canv, 0, self.height - self.bullet_height)


#: A list of this many items or fewer is read as one: a floated figure never lands inside it.
SHORT_LIST = 6


class _InsetRoom(CondPageBreak):
    """Before a heading followed by an inset figure: a new page unless the heading and the whole
    inset fit in what is left (measured when placed, not a fixed share of the page)."""

    def __init__(self, lead: list[Flowable]):
        super().__init__(0)
        self.lead = lead
        self.inset: Flowable | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        need = sum(f.getSpaceBefore() + f.wrap(avail_width, avail_height)[1] + f.getSpaceAfter() for f in self.lead)
        if self.inset is not None:
            need += 4 + self.inset.wrap(avail_width, avail_height)[1] + 6  # its spacer and bottom padding
        self.height = need
        return super().wrap(avail_width, avail_height)  # type: ignore[no-any-return]


class _SizedBox(FixedSizeFlowable):
    """Gives ImageAndFlowables a fixed-width image: wraps its content at *width*, never shrunk."""

    def __init__(self, content: Flowable, width: float):
        super().__init__()
        self.content = content
        self.box_width = width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, height = self.content.wrap(self.box_width, avail_height)
        self.width, self.height = self.box_width, height
        return self.width, height

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, 0)


def _paragraph_run(blocks: tuple[Block, ...], start: int, limit: int) -> list[ParaBlock]:
    run: list[ParaBlock] = []
    for block in blocks[start:start + limit]:
        if not isinstance(block, ParaBlock):
            break
        run.append(block)
    return run


def _chunks(inlines: tuple[Inline, ...], limit: int) -> list[tuple[Inline, ...]]:
    """Cut inlines into runs of about *limit* characters, at spaces inside plain text."""
    if sum(len(plain_text((node,))) for node in inlines) <= limit:
        return [inlines]
    chunks: list[tuple[Inline, ...]] = []
    current: list[Inline] = []
    size = 0
    for node in inlines:
        pending = [node]
        while pending:
            item = pending.pop()
            length = len(plain_text((item,)))
            if size + length <= limit or not isinstance(item, Text):
                current.append(item)
                size += length
            else:
                cut = item.text.rfind(" ", 0, max(1, limit - size))
                if cut <= 0:
                    cut = max(1, limit - size) if size == 0 else 0
                if cut:
                    current.append(Text(item.text[:cut]))
                pending.append(Text(item.text[cut:].lstrip(" ")))
                chunks.append(tuple(current))
                current, size = [], 0
                continue
            if size >= limit:
                chunks.append(tuple(current))
                current, size = [], 0
    if current:
        chunks.append(tuple(current))
    return [chunk for chunk in chunks if chunk]


def _glue_leading(flowables: list[Flowable]) -> list[Flowable]:
    """Spacers and frame actions that open a block keep with its content.

    So a heading's keep-with-next reaches the block's first real line instead of
    stopping at an invisible spacer, and a heading never ends a page alone.
    """
    for flowable in flowables:
        if not isinstance(flowable, (Spacer, Indenter)):
            break
        flowable.keepWithNext = 1
    return flowables


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
