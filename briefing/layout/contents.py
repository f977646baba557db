"""A table of contents laid out in one pass.

ReportLab's TableOfContents learns its entries while the document is laid out, so it
needs a second (often a third) full layout. Here the entries — every section title
and first-level subheading — are known before layout from the story itself, so the
table's height is fixed from the start; only the page numbers are not, and those are
printed when the deferred canvas writes the pages out, once every heading has a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from . import rl_compat
from .paragraphs import Paragraph
from .markup import MarkupWriter

#: Headings deeper than this are left out of the table of contents.
CONTENTS_DEPTH = 1


@dataclass(frozen=True)
class Entry:
    level: int
    markup: str
    key: str
    """The heading's bookmark: where the entry links, and how its page is found."""


class HeadingParagraph(Paragraph):
    """A heading that the document template turns into a PDF bookmark.

    It takes ReportLab's Paragraph arguments too, because a paragraph's `split` makes its
    parts with its own class; a heading taller than a page splits, and the first part
    keeps the bookmark.
    """

    def __init__(self, text: str | None, style: ParagraphStyle, outline_title: str = "", outline_level: int = 0,
                 source_path: Path | None = None, bulletText: Any = None, frags: list[Any] | None = None):  # noqa: N803
        super().__init__(text, style, bulletText, frags)
        self.outline_title = outline_title
        self.outline_level = outline_level
        self.source_path = source_path
        """The section file it comes from: where a layout error is reported."""
        self.outline_key = ""
        """Its bookmark, given by `assign_outline` (a heading without one is not bookmarked)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if parts and isinstance(parts[0], HeadingParagraph):
            first = parts[0]
            first.outline_title, first.outline_level = self.outline_title, self.outline_level
            first.source_path, first.outline_key = self.source_path, self.outline_key
        return parts


def assign_outline(story: list[Flowable], markup: MarkupWriter) -> list[Entry]:
    """Give every heading in *story* its bookmark key and outline level; return the
    entries a table of contents lists, in order.

    An outline level never jumps more than one below the previous heading's (a PDF
    outline cannot skip a level), which is the level the heading is listed at.
    """
    entries: list[Entry] = []
    previous = -1
    count = 0
    for flowable in story:
        if not isinstance(flowable, HeadingParagraph):
            continue
        count += 1
        level = min(flowable.outline_level, previous + 1)
        previous = level
        flowable.outline_key = f"h{count}"
        flowable.outline_level = level
        if level <= CONTENTS_DEPTH:
            entries.append(Entry(level, markup.escape(flowable.outline_title), flowable.outline_key))
    return entries


class ContentsTable(Flowable):
    """Entries with dot leaders and page numbers, each linked to its heading.

    *pages* maps bookmark keys to page numbers; the document template fills it as
    headings are placed, and it is read only when the pages are written out.
    """

    NUMBER_WIDTH = 22.0
    DOT_GAP = 4.5

    def __init__(self, entries: list[Entry], styles: list[ParagraphStyle], pages: dict[str, int], ink: Any):
        super().__init__()
        self.entries = entries
        self.styles = styles
        self.pages = pages
        self.ink = ink
        self._paragraphs: list[Paragraph] = []
        self._heights: list[float] = []

    def _style(self, level: int) -> ParagraphStyle:
        return self.styles[min(level, len(self.styles) - 1)]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._paragraphs = [Paragraph(f'<a href="#{entry.key}">{entry.markup}</a>', self._style(entry.level))
                            for entry in self.entries]
        text_width = avail_width - self.NUMBER_WIDTH
        self._heights = [p.wrap(text_width, avail_height)[1] + p.getSpaceAfter() for p in self._paragraphs]
        self.width, self.height = avail_width, sum(self._heights)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        used, count = 0.0, 0
        for height in self._heights:
            if used + height > avail_height:
                break
            used, count = used + height, count + 1
        if count == 0 or count == len(self.entries):
            return []
        return [ContentsTable(self.entries[:count], self.styles, self.pages, self.ink),
                ContentsTable(self.entries[count:], self.styles, self.pages, self.ink)]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        text_width = self.width - self.NUMBER_WIDTH
        for entry, paragraph, height in zip(self.entries, self._paragraphs, self._heights):
            top -= height
            bottom = top + paragraph.getSpaceAfter()
            paragraph.drawOn(canvas, x, bottom)
            style = paragraph.style
            extra = rl_compat.last_line_slack(paragraph)
            text_end = x + style.leftIndent + (text_width - style.leftIndent - style.rightIndent) - extra
            baseline = bottom + (paragraph.height - (rl_compat.line_count(paragraph) - 1) * style.leading) - style.fontSize
            canvas.at_finish(_page_number(entry.key, self.pages, text_end, x + self.width, baseline,
                                          bottom, top + height, style, self.ink, self.DOT_GAP))


def _page_number(key: str, pages: dict[str, int], text_end: float, right: float, baseline: float,
                 bottom: float, top: float, style: ParagraphStyle, ink: Any, gap: float) -> Callable[[Canvas], None]:
    """What draws one entry's dot leader, page number and number link, once the page is known."""

    def draw(canvas: Canvas) -> None:
        number = str(pages.get(key, "?"))
        canvas.saveState()
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(ink)
        number_width = canvas.stringWidth(number, style.fontName, style.fontSize)
        canvas.drawRightString(right, baseline, number)
        dot = canvas.stringWidth(".", style.fontName, style.fontSize)
        start = text_end + gap
        # Dots on a fixed grid, so the leaders of all entries line up.
        first = start + (-start) % gap
        count = int((right - number_width - gap - dot - first) // gap) + 1
        if count > 0:
            canvas.setFillColor(style.textColor)
            canvas.drawString(first, baseline, "." * count, charSpace=gap - dot)
        canvas.restoreState()
        canvas.linkRect("", key, (right - number_width - 1, bottom, right, top - style.spaceAfter), relative=0,
                        thickness=0, name=f"contents-{key}")  # named: the page's own counter is rewound

    return draw
