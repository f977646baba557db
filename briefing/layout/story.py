"""Blocks -> platypus flowables, dispatched on block type from a table.

`StoryBuilder.story` returns a `Story`: the flowables with the warnings and photo
credits met on the way, so nothing has to be read back from the builder afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    FrameBG,
    ImageAndFlowables,
    Indenter,
    KeepTogether,
    PageBreak,
    Spacer,
    Table as RLTable,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from .. import i18n
from ..errors import BriefingWarning, ImageError
from ..images import LOW_DPI, inspect
from ..notes import iter_footnotes
from ..model import (
    Block,
    Callout,
    CodeBlock,
    Figure,
    Heading,
    Inline,
    Keep,
    ListBlock,
    PageBreak as PageBreakBlock,
    Paragraph as ParaBlock,
    Quote,
    Rule,
    Section,
    Signoff,
    Table,
    Text,
    plain_text,
)
from .caps import caps_label
from .contents import Entry, HeadingParagraph
from .figures import NATURAL_DPI, FigureFlowable, Span, prepared_image
from .fonts import register_fonts
from .geometry import Geometry
from .markup import MarkupWriter, destination
from .paragraphs import Paragraph
from . import rl_compat
from .layoutlog import mark_source
from .notes import MarginFloat
from .rl_compat import FixedSizeFlowable
from .tables import TableBlock
from .theme import HAIRLINE, RULE, Styles, color, family, portion_markup
from ..themes import BoxKind, Theme


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
    figure_scale: float = 1.0
    """The share of their size figures print at: less in a layout pulled in to save a last page."""

    INSET_FRACTION = 0.42
    PARAGRAPH_CHUNK = 3000
    """Characters per piece when a pathologically long paragraph is set in pieces."""
    INSET_WRAP_PARAGRAPHS = 3
    SMALL_TABLE_ROWS = 8
    CELL_PADDING = 4.0

    def __post_init__(self) -> None:
        self.width = self.geometry.main.width
        self._list_styles: dict[tuple[float, bool], ParagraphStyle] = {}
        self._list_indent = 0.0
        self.escape = self.markup.escape
        self._figures = 0
        self._credits: list[tuple[int, str]] = []
        self._warnings: list[BriefingWarning] = []
        self._hanging_styles: dict[tuple[str, int, float], ParagraphStyle] = {}
        self._cell_styles: dict[tuple[str, str], ParagraphStyle] = {}

    def story(self, sections: tuple[Section, ...], after_first: list[Flowable] | None = None) -> Story:
        """The flowables of *sections*, and *after_first* after the first one; figures are
        numbered from 1 in each story."""
        self._figures, self._credits, self._warnings = 0, [], []
        flowables: list[Flowable] = []
        for index, section in enumerate(sections):
            flowables += self.section(section)
            if index == 0:
                flowables += after_first or []
        return Story(flowables, tuple(self._warnings), tuple(self._credits))

    def section(self, section: Section) -> list[Flowable]:
        title = f"{section.number} {section.title}" if section.number else section.title
        style = self._hanging(self.styles.breakable(self.styles.h1, title), section.number, self.theme.accent)
        heading = HeadingParagraph(destination(section.anchor) + self.escape(section.title),
                                   style, title, 0, section.pos.path, bulletText=section.number)
        heading.section_language = section.language  # a section in another language is tagged with it
        mark_source([heading], section.pos)
        start = [PageBreak()] if section.break_before else []
        return [*start, heading, *self.blocks(section.blocks)]

    def blocks(self, blocks: tuple[Block, ...]) -> list[Flowable]:
        result: list[Flowable] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if isinstance(block, Figure) and block.width == "inset" and self.geometry.sidebar is not None:
                result.append(self.margin_figure(block))  # the text beside it runs at full measure
                index += 1
                continue
            if isinstance(block, Figure) and block.width == "inset":
                beside = _paragraph_run(blocks, index + 1, self.INSET_WRAP_PARAGRAPHS)
                result.extend(_glue_leading(self.inset(block, beside)))
                index += 1 + len(beside)
                continue
            flowables = BUILDERS[type(block)](self, block)
            if isinstance(block, Table) and index and _introduces(blocks[index - 1], block):  # held under its introduction
                _anchored(flowables)
            self._mark_notes(block, flowables)
            mark_source(flowables, block.pos)
            if _introduces(block, following):
                flowables[-1].keepWithNext = 1
            result.extend(_glue_leading(flowables))
            index += 1
        return result

    def _mark_notes(self, block: Block, flowables: list[Flowable]) -> None:
        """Tell the page which footnotes these flowables call, so a two-column page keeps
        room for them at the column's foot before it sets the text."""
        if not self.markup.notes:  # a brief without footnotes: no block need be searched
            return
        numbers = tuple(self.markup.notes[ref.key] for ref in iter_footnotes(block) if ref.key in self.markup.notes)
        if numbers:
            for flowable in flowables:
                flowable.note_numbers = numbers

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

    def margin_figure(self, block: Figure) -> Flowable:
        """An inset figure on a page with a margin column goes into that column, beside its place."""
        assert self.geometry.sidebar is not None
        figure = self._figure_flowable(block, self.geometry.sidebar.width, None)
        figure.spaceBefore = figure.spaceAfter = 0
        # In the text (a page without a margin) it keeps about a body column's width, centred.
        margin = MarginFloat(figure, f"figure '{block.path.name}'", self.geometry.sidebar.width * 1.6)
        mark_source([margin], block.pos)
        return margin

    def inset(self, block: Figure, beside: list[ParaBlock]) -> list[Flowable]:
        """A narrow figure with the following paragraphs wrapped beside it."""
        width = self.width * self.INSET_FRACTION
        figure = self._figure_flowable(block, width, None)
        figure.spaceBefore = figure.spaceAfter = 0
        text: list[Flowable] = []
        for paragraph in beside:
            text += self.paragraph(paragraph)
            mark_source(text, paragraph.pos)
        side = block.side
        padding = {"imageLeftPadding": 9 if side == "right" else 0, "imageRightPadding": 9 if side == "left" else 0}
        flowables = [Spacer(0, 4), _Inset(_SizedBox(figure, width), text, imageSide=side, imageBottomPadding=6, **padding)]
        mark_source(flowables, block.pos)
        return flowables

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
        number = block.number if block.number is not None else self._figures  # numbered in the model
        caption = None
        if block.caption:
            label = f"{self.locale.label('figure')} {number}"
            caption = Paragraph(f"{destination(block.label)}<b>{self.escape(label)}.</b> {self.markup.write(block.caption)}",
                                self.styles.breakable(self.styles.caption, plain_text(block.caption)))
        credit = Paragraph(self.escape(block.credit), self.styles.credit) if block.credit else None
        if block.credit:
            self._credits.append((number, block.credit))
        figure = FigureFlowable(image, block.pixels, caption, credit, max_height, block.alt, span, natural)
        figure.scale = self.figure_scale
        return figure

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
        chunks = text_chunks(block.children, self.PARAGRAPH_CHUNK)
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
                    mark_source(result[-1:], inner.pos)  # each item at its own line
                elif isinstance(inner, ListBlock):
                    outer, self._list_indent = self._list_indent, indent
                    result.extend(self.list_block(inner, depth + 1)[:-1])
                    self._list_indent = outer
                else:
                    result.extend([Indenter(indent, 0), *_anchored(BUILDERS[type(inner)](self, inner)), Indenter(-indent, 0)])
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
                result.extend([Indenter(14, 14), *_anchored(BUILDERS[type(inner)](self, inner)), Indenter(-14, -14)])
        return result

    def code(self, block: CodeBlock) -> list[Flowable]:
        register_fonts((family(self.theme.mono_font),))
        # Tabs stop every 4 columns (CommonMark's rule); spaces become no-break spaces
        # before escaping, so the tags of fallback-font runs keep their own spaces.
        lines = [self.escape(line.expandtabs(4).replace(" ", "\u00a0")) for line in block.text.split("\n")]
        pieces = [lines[i:i + 60] for i in range(0, len(lines), 60)]  # long listings split across pages
        return [Spacer(0, 2), *(Paragraph("<br/>".join(piece), self.styles.code) for piece in pieces), SpaceAfter(8)]

    def rule(self, _block: Rule) -> list[Flowable]:
        return [HRFlowable(width="30%", thickness=HAIRLINE, color=color(self.theme.rule), spaceBefore=6, spaceAfter=10, hAlign="CENTER")]

    def table(self, block: Table) -> list[Flowable]:
        """A numbered caption above, the "Sumber: …" line below; columns as wide as their content asks."""
        columns = max([len(block.header), *(len(r) for r in block.rows)]) if (block.header or block.rows) else 0
        if columns == 0:
            return []
        aligns = [*block.aligns, *(["left"] * (columns - len(block.aligns)))]
        head = [self._cell(cell, self.styles.table_head, aligns[i]) for i, cell in enumerate(block.header)]
        rows = [[self._cell(cell, self.styles.table_cell, aligns[i]) for i, cell in enumerate(row)] for row in block.rows]
        data = [_pad(head, columns)] + [_pad(row, columns) for row in rows]
        widths = self._column_widths(block, columns)
        # Shares of the width it is set at: a page set in two columns narrows the table to its column.
        shares = [f"{100 * width / sum(widths):.4f}%" for width in widths]
        table = _FlexTable(data, colWidths=shares, repeatRows=1, splitInRow=1, style=self._table_style(), hAlign="LEFT")
        caption = self._table_caption(block)
        source = self._table_source(block)
        continued = self._table_continued(block)
        mark_source(continued, block.pos)
        # a short table is read as one: moved whole, never split
        kept = TableBlock(caption[0] if caption else None, table, source[0] if source else None, SpaceAfter(10),
                          continued=continued[0] if continued else None, splits=len(data) > self.SMALL_TABLE_ROWS)
        return [Spacer(0, 2), kept]

    def _table_style(self) -> TableStyle:
        """Booktabs: a rule above the header and below the last row, a hairline under the header,
        no vertical rules and none between rows: the page's two rule weights, nothing else."""
        accent = color(self.theme.accent)
        return TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), self.styles.table_cell.fontName),
                ("LINEABOVE", (0, 0), (-1, 0), RULE, accent),
                ("LINEBELOW", (0, 0), (-1, 0), HAIRLINE, accent),
                ("LINEBELOW", (0, -1), (-1, -1), RULE, accent),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )

    def _cell(self, cell: tuple[Inline, ...], base: ParagraphStyle, align: str) -> Paragraph:
        """A cell's paragraph: aligned as its column (GFM `---:`, `:---:`), never hyphenated."""
        key = (base.name, align)
        style = self._cell_styles.get(key)
        if style is None:
            alignment = {"right": TA_RIGHT, "center": TA_CENTER}.get(align, TA_LEFT)
            style = ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=alignment, hyphenationLang="")
            self._cell_styles[key] = style
        return Paragraph(self.markup.write(cell), self.styles.breakable(style, plain_text(cell)))

    def _table_caption(self, block: Table) -> list[Flowable]:
        if block.number is None and not block.caption:
            return []
        label = f"{self.locale.label('table')} {block.number}." if block.number is not None else ""
        text = f"{destination(block.label)}<b>{self.escape(label)}</b> {self.markup.write(block.caption)}".strip()
        return [Paragraph(text, self.styles.breakable(self._caption_style(), plain_text(block.caption)))]

    def _caption_style(self) -> ParagraphStyle:
        return ParagraphStyle("table-caption", parent=self.styles.caption, spaceBefore=0, spaceAfter=4, keepWithNext=1)

    def _table_continued(self, block: Table) -> list[Flowable]:
        """The caption over a later part of a split table: "Tabel 1 (lanjutan)"."""
        if block.number is None and not block.caption:
            return []
        continued = self.escape(self.locale.label("continued"))
        if block.number is None:
            return [Paragraph(f"{self.markup.write(block.caption)} {continued}", self._caption_style())]
        label = self.escape(f"{self.locale.label('table')} {block.number}")
        return [Paragraph(f"<b>{label}</b> {continued}", self._caption_style())]

    def _table_source(self, block: Table) -> list[Flowable]:
        if not block.source:
            return []
        style = ParagraphStyle("table-source", parent=self.styles.credit, alignment=TA_LEFT, spaceBefore=3)
        label = self.escape(f"{self.locale.label('table_source')}:")
        return [Paragraph(f"{label} {self.markup.write(block.source)}", style)]

    def _column_widths(self, block: Table, columns: int) -> list[float]:
        """Widths from measured text: each column gets its longest word, then room towards its
        longest line in proportion to what it lacks (a browser's automatic table layout)."""
        pad = 2 * self.CELL_PADDING + 0.5
        widest = [0.0] * columns
        longest_word = [0.0] * columns
        for row, style in ((block.header, self.styles.table_head), *((r, self.styles.table_cell) for r in block.rows)):
            for index, cell in enumerate(row):
                text = plain_text(cell)
                measure = partial(stringWidth, fontName=style.fontName, fontSize=style.fontSize)
                widest[index] = max(widest[index], measure(text) + pad)
                longest_word[index] = max([longest_word[index], *(measure(w) + pad for w in text.split())])
        return _share_width(longest_word, widest, self.width)

    def keep(self, block: Keep) -> list[Flowable]:
        """`::: keep`: its blocks on one page (moved on whole when they do not fit)."""
        return [KeepTogether(_anchored(self.blocks(block.blocks)))]

    def page_break(self, _block: PageBreakBlock) -> list[Flowable]:
        return [PageBreak()]

    def pull_quote(self, block: Callout) -> list[Flowable]:
        """`::: quote`: large italic words between two short accent rules, no box."""
        style = ParagraphStyle("pull-quote", parent=self.styles.quote, fontSize=self.styles.quote.fontSize + 3,
                               leading=self.styles.quote.leading + 4, textColor=color(self.theme.accent),
                               leftIndent=0, rightIndent=0, spaceAfter=2)
        inner = [f for item in block.blocks for f in (self.paragraph(item, style) if isinstance(item, ParaBlock)
                                                      else _anchored(BUILDERS[type(item)](self, item)))]
        rule = partial(HRFlowable, width="25%", thickness=RULE, color=color(self.theme.accent), hAlign="LEFT")
        return [KeepTogether([rule(spaceBefore=6, spaceAfter=6), *inner, rule(spaceBefore=2, spaceAfter=12)])]

    def _box_label(self, block: Callout, own: BoxKind | None) -> str:
        """The label over a box; an assessment's says how confident the analyst is."""
        label = block.title or (own.label(self.locale.language) if own else self.locale.label(block.kind))
        if block.confidence:
            label = f"{label} · {self.locale.label('confidence.' + block.confidence)}"
        return label

    def callout(self, block: Callout) -> list[Flowable]:
        """A tinted box that may break across pages (FrameBG colours behind its content)."""
        if block.kind == "quote":
            return self.pull_quote(block)
        if block.kind == "readalso" and self.geometry.sidebar is not None:
            return [self.aside(block)]
        own = next((box for box in self.theme.boxes if box.name == block.kind), None)
        label = self._box_label(block, own)
        inner_style = self.styles.bluf if block.kind == "bluf" else self.styles.box_body
        if block.kind == "assessment":  # judgement, set apart from reporting: italic
            inner_style = ParagraphStyle("assessment", parent=inner_style, fontName=self.styles.quote.fontName)
        inner: list[Flowable] = []
        for item in block.blocks:
            if isinstance(item, ParaBlock):
                inner.extend(self.paragraph(item, inner_style))
            else:
                inner.extend(_anchored(BUILDERS[type(item)](self, item)))
        fill, stroke, label_ink = self._box_look(block.kind, own)
        pad = 9
        label_style = self.styles.box_label
        if label_ink is not None:
            label_style = ParagraphStyle(f"{block.kind}-label", parent=label_style, textColor=color(label_ink))
        label_flow = caps_label(label, label_style, self.markup)
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

    def _box_look(self, kind: str, own: BoxKind | None) -> tuple[str, dict[str, object], str | None]:
        """A box's fill, outline (FrameBG's stroke settings) and label colour (None: the accent)."""
        theme = self.theme
        if own is not None:  # a kind the theme defines
            stroke: dict[str, object] = {"strokeWidth": 0}
            if own.rule:
                stroke = {"strokeWidth": RULE, "strokeColor": color(own.rule)}
                if own.rule_style == "dashed":
                    stroke["strokeDashArray"] = [3, 2]
            return own.background or theme.tint, stroke, own.label_ink
        if kind == "readalso":  # a related-reading pointer: outlined, not tinted
            return theme.paper, {"strokeWidth": RULE, "strokeColor": color(theme.accent)}, None
        if kind == "warning":  # a caution: outlined in the alarm colour
            return theme.paper, {"strokeWidth": RULE, "strokeColor": color(theme.danger)}, theme.danger
        if kind == "assessment":  # the analyst's own view: a dashed outline on the tint
            return theme.tint, {"strokeWidth": RULE, "strokeColor": color(theme.accent), "strokeDashArray": [3, 2]}, None
        return theme.accent_light if kind in ("bluf", "keypoints") else theme.tint, {"strokeWidth": 0}, None

    def aside(self, block: Callout) -> Flowable:
        """A read-also pointer in the margin column, beside the paragraph it follows: a rule,
        the label, the text — the column's width, so it never takes the body's measure."""
        label = caps_label(block.title or self.locale.label(block.kind), self.styles.box_label, self.markup)
        inner = [flow for item in block.blocks if isinstance(item, ParaBlock)
                 for flow in self.paragraph(item, self.styles.caption)]
        rule = HRFlowable(width="100%", thickness=RULE, color=color(self.theme.accent), spaceBefore=0, spaceAfter=3)
        return MarginFloat(_Stack([rule, label, *inner]), "read-also box")


class _Stack(Flowable):
    """Flowables one above the other, as one piece for the margin column."""

    def __init__(self, items: list[Flowable]):
        super().__init__()
        self.items = items

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = sum(item.wrap(availWidth, availHeight)[1] + item.getSpaceAfter() for item in self.items)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for item in self.items:
            _, height = item.wrap(self.width, self.height)
            y -= height
            item.drawOn(self.canv, 0, y)
            y -= item.getSpaceAfter()


class _FlexTable(RLTable):
    """A table whose column shares are worked out again when it is set at another width
    (ReportLab works them out once): in a body column of a two-column page it narrows."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if getattr(self, "_set_width", availWidth) != availWidth:
            rl_compat.forget_table_widths(self)
        self._set_width = availWidth
        width, height = super().wrap(availWidth, availHeight)
        return float(width), float(height)


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
    Keep: StoryBuilder.keep,  # type: ignore[dict-item]
    PageBreakBlock: StoryBuilder.page_break,  # type: ignore[dict-item]
}


def clearance_block(signoffs: tuple[Signoff, ...], theme: Theme, styles: Styles, locale: i18n.Locale,
                    markup: MarkupWriter) -> list[Flowable]:
    """The sign-off table: role, name and date of each who prepared, reviewed or approved the brief."""
    if not signoffs:
        return []
    role_style = ParagraphStyle("clearance-role", parent=styles.table_head, hyphenationLang="")
    cell_style = ParagraphStyle("clearance-cell", parent=styles.table_cell, hyphenationLang="")
    known = ("prepared", "reviewed", "approved")
    rows = [[Paragraph(markup.escape(locale.label(f"clearance.{s.role}") if s.role in known else s.role), role_style),
             Paragraph(markup.escape(s.name), cell_style),
             Paragraph(markup.escape(locale.date(s.date)) if s.date else "", cell_style)] for s in signoffs]
    label = Paragraph(markup.escape(locale.label("clearance").upper()), styles.box_label)
    table = _FlexTable(rows, colWidths=["28%", "40%", "32%"], hAlign="LEFT", style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), cell_style.fontName),  # a Table sets a font for every cell
        ("LINEABOVE", (0, 0), (-1, 0), RULE, color(theme.accent)),  # the page's two rule weights
        ("LINEBELOW", (0, 0), (-1, -2), HAIRLINE, color(theme.rule)),
        ("LINEBELOW", (0, -1), (-1, -1), RULE, color(theme.accent)),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [Spacer(0, 6), KeepTogether([label, table]), SpaceAfter(12)]  # overlaps a heading's space before


def photo_credits(figure_credits: tuple[tuple[int, str], ...], styles: Styles, locale: i18n.Locale,
                  markup: MarkupWriter) -> list[Flowable]:
    """The "Kredit Foto" appendix: every figure's credit, by figure number."""
    if not figure_credits:
        return []
    title = locale.label("photo_credits")
    figure = locale.label("figure")
    entries = [Paragraph(f"{markup.escape(figure)} {number}. {markup.escape(credit)}", styles.source_entry)
               for number, credit in figure_credits]
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

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
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


class _Inset(ImageAndFlowables):
    """An inset figure with its text beside it. Where the figure does not fit in what is left
    of the column, the text comes up at full measure to fill it, and the figure opens the next
    column with the rest of its text beside it, so a heading before an inset needs room only
    for its text's opening lines and no hole opens above the figure."""

    def __init__(self, image: Flowable, text: list[Flowable], **options: Any):
        super().__init__(image, text, **options)
        self.image, self.text, self.options = image, text, options

    def text_first(self, width: float, height: float) -> Paragraph | None:
        """The paragraph that comes up before the figure when the figure does not fit: the
        first, when it can split at full measure (a whole one needs another beside the figure)."""
        first = self.text[0] if self.text else None
        if not isinstance(first, Paragraph):
            return None
        first.wrap(width, height)
        rl_compat.forget_inset_wrap(self)  # its text is wrapped beside the figure again when set
        return first if len(self.text) > 1 or rl_compat.line_count(first) >= 4 else None

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (ReportLab's names)
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if parts or self.text_first(availWidth, availHeight) is None:
            return parts
        before: list[Flowable] = []
        text, room = list(self.text), availHeight
        while len(text) > 1 and isinstance(text[0], Paragraph):  # whole paragraphs, while one stays for the figure
            tall = text[0].getSpaceBefore() + text[0].wrap(availWidth, room)[1]
            if tall > room:
                break
            before.append(text.pop(0))
            room -= tall + before[-1].getSpaceAfter()
        if room > 0 and isinstance(text[0], Paragraph):
            pieces = text[0].split(availWidth, room - text[0].getSpaceBefore())
            if len(pieces) == 2:
                before.append(pieces[0])
                text[0] = pieces[1]
        rl_compat.forget_inset_wrap(self)
        return [*before, _Inset(self.image, text, **self.options)] if before else []


class _SizedBox(FixedSizeFlowable):
    """Gives ImageAndFlowables a fixed-width image: wraps its content at *width*, never shrunk."""

    def __init__(self, content: Flowable, width: float):
        super().__init__()
        self.content = content
        self.box_width = width

    def wrap(self, _avail_width: float, avail_height: float) -> tuple[float, float]:
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


def text_chunks(inlines: tuple[Inline, ...], limit: int) -> list[tuple[Inline, ...]]:
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


def _anchored(flowables: list[Flowable]) -> list[Flowable]:
    """The tables among *flowables* stay where they stand (in a box, quote, list item or keep,
    or under the paragraph introducing them): only in a section's own flow may one float."""
    for flowable in flowables:
        if isinstance(flowable, TableBlock):
            flowable.floats = False
    return flowables


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


def _share_width(least: list[float], most: list[float], width: float) -> list[float]:
    """Column widths filling *width*: at least each column's longest word, growing towards its
    longest line; when even the longest words do not fit, in proportion to them."""
    least = [min(low, width) for low in least]
    if sum(least) >= width:
        return [width * low / sum(least) for low in least]
    if sum(most) <= width:  # everything fits on one line: the spare room goes by content
        spare = width - sum(most)
        return [high + spare * high / sum(most) for high in most]
    lacking = [max(high - low, 0.0) for low, high in zip(least, most)]
    room = width - sum(least)
    return [low + room * lack / sum(lacking) for low, lack in zip(least, lacking)]
