"""The title block on page 1: a full-width band with organisation, title and subtitle,
then the date, authors and notice below it."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from pathlib import Path

from .. import i18n
from ..images import inspect
from ..model import Document
from .caps import caps_label
from .copyline import CopySlot, Holder, copy_text
from .figures import PrintImage, draw_print_image, prepared_image
from .vector import draw_drawing, svg_drawing
from .markup import MarkupWriter
from .geometry import COVER_TOP, Rect
from .paragraphs import Paragraph
from .theme import HAIRLINE, Styles, color
from ..themes import Theme


#: The most of the title band's width a logo takes: a wider one is set lower, so the title keeps its room.
LOGO_SHARE = 1 / 3


class Cover:
    """The title block on page 1: a full-width band, then date, authors and notice."""

    PAD = 6 * mm

    def __init__(self, document: Document, theme: Theme, styles: Styles, locale: i18n.Locale,
                 page_size: tuple[float, float], block: Rect, markup: MarkupWriter, cache_dir: Path | None = None,
                 copy_slot: Holder | None = None):
        m = document.manifest
        self.logo = _logo(document, cache_dir, styles.cover_title.fontName, block.width * LOGO_SHARE)
        """(image or vector drawing, width, height) of the cover logo, right-aligned in the band, or None."""
        escape = markup.escape
        self.theme = theme
        self.page_width, self.page_height = page_size
        self.block = block
        band = []
        if m.organisation:
            band.append(caps_label(m.organisation, styles.cover_org, markup))
        band.append(Paragraph(escape(m.title), styles.cover_title))
        if m.subtitle:
            band.append(Paragraph(escape(m.subtitle), styles.cover_subtitle))
        meta_bits = [locale.date(m.date)]
        control = document.printing.control_number
        if control:
            meta_bits.append(f"{locale.label('control_number')} {control}")
        if document.printing.version:
            meta_bits.append(f"{locale.label('version')} {document.printing.version}")
        if m.authors:
            meta_bits.append(f"{locale.label('authors')}: {', '.join(m.authors)}")
        below = [Paragraph(escape("  ·  ".join(meta_bits)), styles.cover_meta)]
        copy_line = copy_text(document)
        if copy_slot is not None:  # one line, whatever the name: later copies are stamped (copyline.py)
            below.append(CopySlot(copy_slot, styles.cover_meta.leading))
        elif copy_line:
            below.append(Paragraph(f"<b>{escape(copy_line)}</b>", styles.cover_meta))
        if m.recipients:
            label = locale.label("recipients")
            below.append(Paragraph(f"<b>{escape(label)}:</b> {escape('; '.join(m.recipients))}", styles.cover_meta))
        if m.notice:
            below.append(Paragraph(escape(m.notice), styles.cover_notice))
        self.band = band
        self.below = below
        width = block.width
        self.band_width = width - (self.logo[1] + self.PAD if self.logo else 0)
        text_height = sum(p.wrap(self.band_width, 1000)[1] for p in band) + 4 * (len(band) - 1)
        self.band_height = self.PAD * 2 + max(text_height, self.logo[2] if self.logo else 0)
        self.below_height = 4 * mm + sum(p.wrap(width, 1000)[1] + 2 for p in below) + 5 * mm
        self.height = self.band_height + self.below_height

    def draw(self, canvas: Canvas, bleed: float = 0.0) -> None:
        """Draw the title block; the band runs to the page edges (and *bleed* beyond them)."""
        theme = self.theme
        top = self.page_height - COVER_TOP
        canvas.saveState()
        canvas.setFillColor(color(theme.accent))
        canvas.rect(-bleed, top - self.band_height, self.page_width + 2 * bleed, self.band_height, stroke=0, fill=1)
        canvas.restoreState()
        if self.logo:
            image, width, height = self.logo
            draw = draw_drawing if isinstance(image, Drawing) else draw_print_image
            draw(canvas, image, self.block.x + self.block.width - width, top - self.PAD - height, width, height)
        y = top - self.PAD
        for paragraph in self.band:
            _, h = paragraph.wrap(self.band_width, 1000)
            y -= h
            paragraph.drawOn(canvas, self.block.x, y)
            y -= 4
        y = top - self.band_height - 4 * mm
        for paragraph in self.below:
            _, h = paragraph.wrap(self.block.width, 1000)
            y -= h
            paragraph.drawOn(canvas, self.block.x, y)
            y -= 2
        canvas.saveState()
        canvas.setStrokeColor(color(theme.rule))
        canvas.setLineWidth(HAIRLINE)
        rule_y = top - self.height + 2.5 * mm
        canvas.line(self.block.x, rule_y, self.block.x + self.block.width, rule_y)
        canvas.restoreState()


def _logo(document: Document, cache_dir: Path | None, font: str,
          max_width: float) -> tuple[PrintImage | Drawing, float, float] | None:
    """The manifest's logo prepared for print at its declared height (in the theme's colours),
    or at *max_width* when that height would make it wider; an SVG as vector shapes."""
    manifest, theme = document.manifest, document.theme
    if not manifest.logo:
        return None
    height = manifest.logo_height * mm
    if manifest.logo.lower().endswith(".svg"):
        pdf_a = any(part.startswith("a-") for part in document.printing.pdf_standard.split("+"))
        drawing = svg_drawing(Path(manifest.logo), theme, font, pdf_a)
        return drawing, *_logo_size(drawing.width, drawing.height, height, max_width)
    info = inspect(Path(manifest.logo), Path(manifest.logo), None)  # checked when the brief loaded
    width, height = _logo_size(info.width, info.height, height, max_width)
    image, _ = prepared_image(info, width, cache_dir, theme.grayscale, theme.cmyk)
    return image, width, height


def _logo_size(width: float, height: float, slot: float, max_width: float) -> tuple[float, float]:
    """The placed size of a logo *width* × *height* (any unit): *slot* high, unless that is wider than *max_width*."""
    placed = slot * width / height
    return (placed, slot) if placed <= max_width else (max_width, max_width * height / width)
