"""What is printed around the text on every page: markings, running heads, footers,
page numbers, the draft watermark, copy numbers and crop marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..model import PrintSettings
from ..themes import Theme
from .geometry import Geometry
from .theme import Styles, color, marking_color

BLEED = 3 * mm
#: Room outside the trim for the bleed and the crop marks.
SLUG = 12 * mm


@dataclass
class PageDecor:
    theme: Theme
    styles: Styles
    printing: PrintSettings
    trim_size: tuple[float, float]
    title: str
    date_text: str
    footer_left: str
    marking: str | None
    page_label: str
    """A format string with {page} and {total}."""
    draft_label: str
    copy_line: str | None
    cover: Callable[[Canvas, float], None]
    """Draws the title block; its argument is the bleed to extend the band into."""
    geometries: tuple[Geometry, Geometry]
    """(recto, verso) geometry: where "page X of Y" goes on each kind of page."""

    @property
    def offset(self) -> float:
        return SLUG if self.printing.marks else 0.0

    @property
    def media_size(self) -> tuple[float, float]:
        width, height = self.trim_size
        return width + 2 * self.offset, height + 2 * self.offset

    def boxes(self) -> dict[str, Any]:
        """TrimBox and BleedBox for the document template, when printing with marks."""
        if not self.printing.marks:
            return {}
        o, (w, h) = self.offset, self.trim_size
        return {"trimBox": (o, o, o + w, o + h), "bleedBox": (o - BLEED, o - BLEED, o + w + BLEED, o + h + BLEED)}

    # -- hooks called by the page templates

    def first_page(self, canvas: Canvas, geometry: Geometry) -> None:
        self._begin(canvas, geometry)
        self.cover(canvas, BLEED if self.printing.marks else 0.0)
        self._furniture(canvas, geometry, 1)

    def later_page(self, canvas: Canvas, geometry: Geometry, page: int) -> None:
        self._begin(canvas, geometry)
        self._running_head(canvas, geometry, page)
        self._furniture(canvas, geometry, page)

    def finish_page(self, canvas: Canvas, page: int, total: int) -> None:
        """Called at save time, when the page count is known: "Halaman X dari Y"."""
        g = self.geometries[1] if self._verso(page) else self.geometries[0]
        canvas.saveState()
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(color(self.theme.muted))
        text = self.page_label.format(page=page, total=total)
        y = g.block.y - 8 * mm
        if self._verso(page):
            canvas.drawString(g.block.x, y, text)
        else:
            canvas.drawRightString(g.block.x + g.block.width, y, text)
        canvas.restoreState()

    # -- pieces

    def _verso(self, page: int) -> bool:
        return self.printing.duplex and page % 2 == 0

    def _begin(self, canvas: Canvas, geometry: Geometry) -> None:
        """Shift to the trim area (print marks), then draw what lies behind the text."""
        if self.offset:
            canvas.translate(self.offset, self.offset)
            self._crop_marks(canvas)
        if self.printing.draft:
            self._watermark(canvas, geometry)

    def _running_head(self, canvas: Canvas, g: Geometry, page: int) -> None:
        canvas.saveState()
        y = g.block.top + 5 * mm
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(color(self.theme.muted))
        left, right = (self.date_text, self.title) if self._verso(page) else (self.title, self.date_text)
        canvas.drawString(g.block.x, y, left)
        canvas.drawRightString(g.block.x + g.block.width, y, right)
        canvas.setStrokeColor(color(self.theme.rule))
        canvas.setLineWidth(0.5)
        canvas.line(g.block.x, y - 2.5 * mm, g.block.x + g.block.width, y - 2.5 * mm)
        canvas.restoreState()

    def _furniture(self, canvas: Canvas, g: Geometry, page: int) -> None:
        """Footer rule and text, the banner marking top and bottom, the copy number."""
        t = self.theme
        width, height = self.trim_size
        canvas.saveState()
        canvas.setStrokeColor(color(t.rule))
        canvas.setLineWidth(0.5)
        footer_y = g.block.y - 8 * mm
        canvas.line(g.block.x, footer_y + 4 * mm, g.block.x + g.block.width, footer_y + 4 * mm)
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(color(t.muted))
        if self._verso(page):
            canvas.drawRightString(g.block.x + g.block.width, footer_y, self.footer_left)
        else:
            canvas.drawString(g.block.x, footer_y, self.footer_left)
        if self.marking:
            canvas.setFont(self.styles.sidebar_date.fontName, 9)
            canvas.setFillColor(marking_color(t, self.marking))
            canvas.drawCentredString(width / 2, height - 10 * mm, self.marking)
            canvas.drawCentredString(width / 2, 7 * mm, self.marking)
        if self.copy_line:
            canvas.setFont(self.styles.sidebar_date.fontName, 7.5)
            canvas.setFillColor(color(t.ink))
            canvas.drawCentredString(width / 2, height - 13.5 * mm, self.copy_line)
        canvas.restoreState()

    def _watermark(self, canvas: Canvas, g: Geometry) -> None:
        """A diagonal light-grey draft mark behind the text, with version and date."""
        width, height = self.trim_size
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(54)
        canvas.setFillColor(color(self.theme.watermark))
        canvas.setFont(self.styles.h1.fontName, 110)
        canvas.drawCentredString(0, -20, self.draft_label)
        canvas.setFont(self.styles.cover_meta.fontName, 14)
        details = " · ".join(x for x in (self.printing.version, self.date_text) if x)
        canvas.drawCentredString(0, -48, details)
        canvas.restoreState()

    def _crop_marks(self, canvas: Canvas) -> None:
        """Hairline marks at the trim corners, starting outside the bleed."""
        width, height = self.trim_size
        gap, length = BLEED + 1 * mm, 6 * mm
        canvas.saveState()
        canvas.setStrokeColor(color(self.theme.marks))
        canvas.setLineWidth(0.25)
        for x in (0.0, width):
            for y in (0.0, height):
                sx = -1 if x == 0 else 1
                sy = -1 if y == 0 else 1
                canvas.line(x + sx * gap, y, x + sx * (gap + length), y)
                canvas.line(x, y + sy * gap, x, y + sy * (gap + length))
        canvas.restoreState()
