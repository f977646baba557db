"""Stage 4, lay out: a `Document` becomes PDF bytes. The only package that imports reportlab.

`render_pdf` builds the story from the document model, plans the page geometry
(title block, body column, timeline sidebar) and runs platypus once; a deferred
canvas prints "page X of Y" when the page count is known.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from functools import partial

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from .. import __version__, i18n
from ..errors import LayoutError
from ..model import Document, SourcesOptions
from .fonts import face, register_fonts
from .markup import MarkupWriter, escape
from .sources import appendix_flowables
from .pages import COVER_TOP, BriefDocTemplate, Decor, DeferredCanvas, Rect, SidebarFlush, make_geometry, paginate
from .story import HeadingParagraph, StoryBuilder
from .theme import DEFAULT_THEME, PAPER_SIZES, Styles, Theme, make_styles
from .timeline import timeline_flowables

# Image streams compressed, not ASCII85-encoded in pure Python.
rl_config.useA85 = 0

SIDEBAR_PAD = 3 * mm


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(document: Document, theme: Theme = DEFAULT_THEME) -> RenderedPdf:
    """Lay out *document* and return the finished PDF."""
    register_fonts()
    manifest = document.manifest
    language = manifest.language
    styles = make_styles(theme, language)
    page_size = PAPER_SIZES[manifest.paper]
    has_sidebar = bool(document.timeline)

    side = manifest.timeline.side if manifest.timeline else "right"
    provisional = make_geometry(theme, page_size, has_sidebar, 0, side)
    cover = _Cover(document, theme, styles, provisional.page_width, provisional.block)
    geometry = make_geometry(theme, page_size, has_sidebar, cover.height, side)

    sources = manifest.sources or SourcesOptions("")
    numbers = {source.id: number for number, source in enumerate(document.cited, start=1)}
    markup = MarkupWriter(theme.mono, theme.accent, numbers, sources.markers)

    sidebar_pages = paginate([], 0, 0, 0)
    if geometry.sidebar is not None:
        entries = timeline_flowables(document.timeline, theme, styles, language, markup)
        head = styles.sidebar_head.leading + styles.sidebar_head.spaceAfter + 2 * SIDEBAR_PAD
        first = geometry.sidebar_first()
        assert first is not None
        sidebar_pages = paginate(entries, geometry.sidebar.width - 2 * SIDEBAR_PAD,
                                 first.height - head, geometry.sidebar.height - head)

    builder = StoryBuilder(theme, styles, language, geometry.main.width, markup)
    story = [flowable for section in document.sections for flowable in builder.section(section)]
    story += appendix_flowables(document.cited, document.uncited, sources, theme, styles, language,
                                geometry.main.width, HeadingParagraph)
    story.append(SidebarFlush())

    buffer = io.BytesIO()
    doc = BriefDocTemplate(
        buffer,
        geometry=geometry,
        theme=theme,
        styles=styles,
        decor=_decor(document),
        sidebar=sidebar_pages,
        sidebar_label=i18n.label(language, "timeline"),
        continued_label=i18n.label(language, "continued"),
        cover=cover.draw,
        title=manifest.title,
        author="; ".join(manifest.authors) or (manifest.organisation or ""),
        subject=manifest.subject or manifest.subtitle or "",
        creator=f"briefing {__version__}",
        lang={"id": "id-ID", "en": "en-GB"}.get(language, language),
        invariant=1,
        initialFontName=face(theme.serif),
        pageCompression=1,
    )
    canvasmaker = partial(DeferredCanvas, finish_page=doc.draw_page_number)
    _fix_creation_date(doc, manifest.date)
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except RLLayoutError as exc:
        raise LayoutError(f"content cannot be placed on the page: {exc}") from None
    return RenderedPdf(buffer.getvalue(), doc.page)


def _decor(document: Document) -> Decor:
    m = document.manifest
    return Decor(
        title=m.title,
        date_text=i18n.format_date(m.date, m.language),
        footer_left=" · ".join(x for x in (m.organisation, m.title) if x),
        marking=m.marking,
        page_label=i18n.label(m.language, "page_of"),
    )


def _fix_creation_date(doc: BriefDocTemplate, date: dt.date) -> None:
    """CreationDate/ModDate come from SOURCE_DATE_EPOCH, else the brief's own date."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return
    stamp = f"D:{date:%Y%m%d}000000+00'00'"
    original = doc.beforeDocument

    def before_document() -> None:
        doc.canv._doc.setDateFormatter(lambda *_: stamp)
        doc.canv.showOutline()
        original()

    doc.beforeDocument = before_document  # type: ignore[method-assign]


class _Cover:
    """The title block on page 1: a full-width band, then date, authors and notice."""

    PAD = 6 * mm

    def __init__(self, document: Document, theme: Theme, styles: Styles, page_width: float, block: Rect):
        m = document.manifest
        self.theme = theme
        self.page_width = page_width
        self.block = block
        band = []
        if m.organisation:
            band.append(Paragraph(escape(m.organisation.upper()), styles.cover_org))
        band.append(Paragraph(escape(m.title), styles.cover_title))
        if m.subtitle:
            band.append(Paragraph(escape(m.subtitle), styles.cover_subtitle))
        meta_bits = [i18n.format_date(m.date, m.language)]
        if m.authors:
            meta_bits.append(f"{i18n.label(m.language, 'authors')}: {', '.join(m.authors)}")
        below = [Paragraph(escape("  ·  ".join(meta_bits)), styles.cover_meta)]
        if m.notice:
            below.append(Paragraph(escape(m.notice), styles.cover_notice))
        self.band = band
        self.below = below
        width = block.width
        self.band_height = self.PAD * 2 + sum(p.wrap(width, 1000)[1] for p in band) + 4 * (len(band) - 1)
        self.below_height = 4 * mm + sum(p.wrap(width, 1000)[1] + 2 for p in below) + 5 * mm
        self.height = self.band_height + self.below_height

    def draw(self, canvas: Canvas) -> None:
        theme = self.theme
        top = canvas._pagesize[1] - COVER_TOP
        canvas.saveState()
        canvas.setFillColor(theme.color(theme.accent))
        canvas.rect(0, top - self.band_height, self.page_width, self.band_height, stroke=0, fill=1)
        canvas.restoreState()
        y = top - self.PAD
        for paragraph in self.band:
            _, h = paragraph.wrap(self.block.width, 1000)
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
        canvas.setStrokeColor(theme.color(theme.rule))
        canvas.setLineWidth(0.5)
        rule_y = top - self.height + 2.5 * mm
        canvas.line(self.block.x, rule_y, self.block.x + self.block.width, rule_y)
        canvas.restoreState()
