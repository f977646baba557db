"""What is printed around the text on every page: markings, running heads, footers,
page numbers, the draft watermark, copy numbers and crop marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..model import PrintSettings
from ..themes import Theme
from .bidi import visual
from .copyline import Holder, draw_head
from .fonts import GlyphPlan
from .geometry import Geometry
from .theme import HAIRLINE, Styles, color, marking_color

BLEED = 3 * mm
#: Size of the running head and footer text, and the least space between their two ends.
FURNITURE_SIZE = 8.0
FURNITURE_GAP = 6 * mm
#: Size of the copy line at the head of every page.
COPY_LINE_SIZE = 7.5
#: Room outside the trim for the bleed and the crop marks.
SLUG = 12 * mm


@dataclass
class PageDecor:
    theme: Theme
    styles: Styles
    printing: PrintSettings
    trim_size: tuple[float, float]
    title: str
    """The running title (the manifest's `short_title`, else its title), shortened to fit."""
    date_text: str
    footer_left: tuple[str, str, str]
    """(before, title, after) of the footer line; the title part gives way when room runs out."""
    marking: str | None
    page_label: str
    """A format string with {page} and {total}."""
    draft_label: str
    copy_line: str | None
    cover: Callable[[Canvas, float], None]
    """Draws the title block; its argument is the bleed to extend the band into."""
    geometries: tuple[Geometry, Geometry]
    """(recto, verso) geometry: where "page X of Y" goes on each kind of page."""
    glyphs: GlyphPlan | None = None
    """Fallback fonts for characters the theme's fonts lack, as in the body text."""
    copy_slot: Holder | None = None
    """The copy line's own objects, when it has its slot (`copyline.py`): drawn instead of *copy_line*."""
    _font: tuple[str, float] = ("", 0.0)
    """The font last set, which `_text` returns to after a fallback run."""

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
        self._begin(canvas)
        self.cover(canvas, BLEED if self.printing.marks else 0.0)
        self._furniture(canvas, geometry)

    def later_page(self, canvas: Canvas, geometry: Geometry, page: int) -> None:
        self._begin(canvas)
        self._running_head(canvas, geometry, page)
        self._furniture(canvas, geometry)

    def finish_page(self, canvas: Canvas, page: int, total: int) -> None:
        """Called at save time, when the page count is known: the footer line and "Halaman X dari Y".

        The footer text takes what the longest page label of this document leaves, so it
        never runs into the number, whatever the title or paper.
        """
        g = self.geometries[1] if self._verso(page) else self.geometries[0]
        canvas.saveState()
        self._set_font(canvas, self.styles.cover_meta.fontName, FURNITURE_SIZE)
        canvas.setFillColor(color(self.theme.muted))
        text = self.page_label.format(page=page, total=total)
        widest = self._width(self.page_label.format(page=total, total=total))
        footer = self._footer_text(g.block.width - widest - FURNITURE_GAP)
        y = g.block.y - 8 * mm
        left, right = (text, footer) if self._verso(page) else (footer, text)
        self._text(canvas, g.block.x, y, left)
        self._text(canvas, g.block.x + g.block.width, y, right, "right")
        canvas.restoreState()
        if self.printing.draft:
            self._watermark(canvas)

    # -- pieces

    def _footer_text(self, room: float) -> str:
        """Organisation · title · control number and edition, the title shortened to *room*."""
        before, title, after = self.footer_left
        fixed = " · ".join(x for x in (before, "", after) if x)
        title_room = room - self._width(fixed) - (self._width(" · ") if title else 0.0)
        title = self._fit(title, title_room) if title else ""
        return self._fit(" · ".join(x for x in (before, title, after) if x), room)

    def _width(self, text: str) -> float:
        """Width of one line of *text* in the current font, fallback runs included."""
        font, size = self._font
        runs = self.glyphs.runs(visual(text)) if self.glyphs is not None else [(visual(text), None)]
        return float(sum(stringWidth(run, run_font or font, size) for run, run_font in runs))

    def _fit(self, text: str, room: float) -> str:
        """*text*, or as many of its words as fit in *room* points followed by an ellipsis."""
        if self._width(text) <= room:
            return text
        words = text.split()
        while words:
            words.pop()
            shortened = " ".join(words).rstrip(" ,;:·–—-") + "\u2026"
            if words and self._width(shortened) <= room:
                return shortened
        cut = text
        while cut and self._width(cut + "\u2026") > room:  # one word longer than the room: cut it
            cut = cut[:-1]
        return cut + "\u2026" if cut else ""

    def _set_font(self, canvas: Canvas, name: str, size: float) -> None:
        canvas.setFont(name, size)
        self._font = (name, size)

    def _text(self, canvas: Canvas, x: float, y: float, text: str, align: str = "left") -> None:
        """Draw one line of text at *x* (its left, right or centre), in fallback fonts where needed."""
        text = visual(text)
        runs = self.glyphs.runs(text) if self.glyphs is not None else [(text, None)]
        if len(runs) == 1 and runs[0][1] is None:
            draw = {"left": canvas.drawString, "right": canvas.drawRightString, "centre": canvas.drawCentredString}
            draw[align](x, y, text)
            return
        font, size = self._font
        widths = [stringWidth(run, run_font or font, size) for run, run_font in runs]
        x -= {"left": 0.0, "right": sum(widths), "centre": sum(widths) / 2}[align]
        for (run, run_font), width in zip(runs, widths):
            canvas.setFont(run_font or font, size)
            canvas.drawString(x, y, run)
            x += width
        canvas.setFont(font, size)

    def _verso(self, page: int) -> bool:
        return self.printing.duplex and page % 2 == 0

    def _begin(self, canvas: Canvas) -> None:
        """Shift to the trim area (print marks)."""
        if self.offset:
            canvas.translate(self.offset, self.offset)
            self._crop_marks(canvas)

    def _running_head(self, canvas: Canvas, g: Geometry, page: int) -> None:
        canvas.saveState()
        y = g.block.top + 5 * mm
        self._set_font(canvas, self.styles.cover_meta.fontName, FURNITURE_SIZE)
        canvas.setFillColor(color(self.theme.muted))
        title = self._fit(self.title, g.block.width - self._width(self.date_text) - FURNITURE_GAP)
        left, right = (self.date_text, title) if self._verso(page) else (title, self.date_text)
        self._text(canvas, g.block.x, y, left)
        self._text(canvas, g.block.x + g.block.width, y, right, "right")
        canvas.setStrokeColor(color(self.theme.rule))
        canvas.setLineWidth(HAIRLINE)
        canvas.line(g.block.x, y - 2.5 * mm, g.block.x + g.block.width, y - 2.5 * mm)
        canvas.restoreState()

    def _furniture(self, canvas: Canvas, g: Geometry) -> None:
        """Footer rule and text, the banner marking top and bottom, the copy number."""
        t = self.theme
        width, height = self.trim_size
        canvas.saveState()
        canvas.setStrokeColor(color(t.rule))
        canvas.setLineWidth(HAIRLINE)
        footer_y = g.block.y - 8 * mm  # the footer's text is drawn by finish_page
        canvas.line(g.block.x, footer_y + 4 * mm, g.block.x + g.block.width, footer_y + 4 * mm)
        if self.marking:
            self._set_font(canvas, self.styles.sidebar_date.fontName, 9)
            canvas.setFillColor(marking_color(t, self.marking))
            self._text(canvas, width / 2, height - 10 * mm, self.marking, "centre")
            self._text(canvas, width / 2, 7 * mm, self.marking, "centre")
        if self.copy_slot is not None:
            draw_head(canvas, self.copy_slot, width / 2, height - 13.5 * mm)
        elif self.copy_line:
            self._set_font(canvas, self.styles.sidebar_date.fontName, COPY_LINE_SIZE)
            canvas.setFillColor(color(t.ink))
            self._text(canvas, width / 2, height - 13.5 * mm, self.copy_line, "centre")
        canvas.restoreState()

    def _watermark(self, canvas: Canvas) -> None:
        """A diagonal light-grey draft mark over everything on the page, with version and date.

        Drawn last, so boxes and images cannot hide it, and multiplied onto the page, so
        the text under it stays as dark as it was (a plain grey would lighten it).
        """
        width, height = self.trim_size
        canvas.saveState()
        canvas.setBlendMode("Multiply")
        canvas.setFillAlpha(0.6)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(54)
        canvas.setFillColor(color(self.theme.watermark))
        self._set_font(canvas, self.styles.h1.fontName, 110)
        self._text(canvas, 0, -20, self.draft_label, "centre")
        self._set_font(canvas, self.styles.cover_meta.fontName, 14)
        details = " · ".join(x for x in (self.printing.version, self.date_text) if x)
        self._text(canvas, 0, -48, details, "centre")
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
