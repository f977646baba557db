"""Stage 4, lay out: a `Document` becomes PDF bytes. The only package that imports reportlab.

`render_pdf` builds the story from the document model, plans the page geometry
(title block, body column, timeline sidebar), and runs platypus; a deferred canvas
prints "page X of Y" once the page count is known. A table of contents, when wanted,
needs ReportLab's multi-pass build; in "auto" mode it is added only when the first
layout shows the edition is long enough to need one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import inch
from reportlab.platypus import Spacer
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from .. import __version__, i18n
from ..errors import BriefingWarning, LayoutError
from ..model import Document, SourcesOptions
from .booklet import impose_booklet
from .contents import ContentsTable, assign_outline
from .cover import Cover
from .decor import PageDecor
from .fonts import GlyphPlan, face, glyph_plan, register_fonts
from .hyphenation import prime_patterns
from .markup import GLYPHS, MarkupWriter, escape
from .pages import BriefDocTemplate, DeferredCanvas, RectoBreak, Sidebar, SidebarFlush, make_geometry
from .paragraphs import Paragraph
from .sources import appendix_flowables
from .story import HeadingParagraph, StoryBuilder
from .theme import PAPER_SIZES, color, family, make_styles
from .timeline import timeline_flowables

__all__ = ["RenderedPdf", "render_pdf", "impose_booklet", "glyphs_for"]

# Image streams compressed, not ASCII85-encoded in pure Python.
rl_config.useA85 = 0

#: In "auto" mode, editions longer than this get a table of contents.
TOC_AFTER_PAGES = 6


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[BriefingWarning, ...] = ()


def render_pdf(document: Document, cache_dir: Path | None = None) -> RenderedPdf:
    """Lay out *document* and return the finished PDF (and layout warnings, e.g. low dpi)."""
    theme = document.theme
    prime_patterns(document.manifest.language, cache_dir)
    register_fonts(tuple(dict.fromkeys(family(f) for f in (theme.body_font, theme.heading_font))))
    token = GLYPHS.set(glyphs_for(document))
    try:
        mode = document.printing.toc
        rendered = _render(document, cache_dir, with_toc=mode == "on")
        if mode == "auto" and rendered.pages > TOC_AFTER_PAGES:
            rendered = _render(document, cache_dir, with_toc=True)
        return rendered
    finally:
        GLYPHS.reset(token)


def glyphs_for(document: Document) -> GlyphPlan:
    theme = document.theme
    families = tuple(dict.fromkeys(family(f) for f in (theme.body_font, theme.heading_font)))
    return glyph_plan(families, document.fallback_fonts)


def page_size(paper: str, orientation: str) -> tuple[float, float]:
    size = PAPER_SIZES.get(paper) or (5.5 * inch, 8.5 * inch)  # HalfLetter, for Letter booklets
    return landscape(size) if orientation == "landscape" else size


def _render(document: Document, cache_dir: Path | None, with_toc: bool) -> RenderedPdf:
    manifest, theme, printing = document.manifest, document.theme, document.printing
    language = manifest.language
    locale = i18n.Locale(language, tuple(manifest.labels.items()))
    styles = make_styles(theme, language)
    size = page_size(printing.paper, printing.orientation)
    has_sidebar = bool(document.timeline)
    side = manifest.timeline.side if manifest.timeline else "right"

    provisional = make_geometry(theme, size, has_sidebar, 0, side, printing.duplex)
    cover = Cover(document, theme, styles, locale, size, provisional.block)
    geometry = make_geometry(theme, size, has_sidebar, cover.height, side, printing.duplex)

    sources = manifest.sources or SourcesOptions("")
    numbers = {source.id: number for number, source in enumerate(document.cited, start=1)}
    markup = MarkupWriter(family(theme.mono_font), theme.accent, numbers, sources.markers, family(theme.body_font))

    sidebar = None
    if geometry.sidebar is not None:
        entries = timeline_flowables(document.timeline, styles, locale, markup, theme)
        sidebar = Sidebar(entries, locale.label("timeline"), locale.label("continued"), styles, theme)

    builder = StoryBuilder(theme, styles, locale, geometry, markup, cache_dir)
    story = [flowable for section in document.sections for flowable in builder.section(section)]
    appendix = appendix_flowables(document.cited, document.uncited, sources, theme, styles, locale,
                                  geometry.main.width, HeadingParagraph)
    if appendix and printing.duplex and printing.appendix_recto:
        story.append(RectoBreak())
    story += appendix
    if manifest.photo_credits:
        story += builder.photo_credits()
    story.append(SidebarFlush())
    entries = assign_outline(story)

    decor = _decor(document, locale, styles, size, cover)
    decor.geometries = (geometry, geometry.mirrored() if printing.duplex else geometry)
    buffer = io.BytesIO()
    doc = BriefDocTemplate(
        buffer,
        geometry=geometry,
        decor=decor,
        sidebar=sidebar,
        mirror_pages=printing.duplex,
        title=manifest.title,
        author="; ".join(manifest.authors) or (manifest.organisation or ""),
        subject=manifest.subject or manifest.subtitle or "",
        creator=f"briefing {__version__}",
        lang={"id": "id-ID", "en": "en-GB"}.get(language, language),
        invariant=1,
        initialFontName=face(family(theme.body_font)),
        pageCompression=1,
        enforceColorSpace="cmyk" if theme.cmyk else None,
        **decor.boxes(),
    )
    if with_toc:
        story[0:0] = _contents(entries, doc.heading_pages, locale, styles, theme)
    canvasmaker = partial(DeferredCanvas, finish_page=decor.finish_page)
    _fix_creation_date(doc, manifest.date)
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except RLLayoutError as exc:
        heading, path = doc.last_heading
        where = f"after the heading '{heading}' (page {doc.page})" if heading else f"on page {doc.page}"
        raise LayoutError(
            f"an element {where} is too large for any page ({str(exc).splitlines()[0][:160]}); "
            "split it into smaller parts or make it smaller", path) from None
    return RenderedPdf(buffer.getvalue(), doc.page, tuple(builder.warnings))


def _contents(entries, pages: dict[str, int], locale: i18n.Locale, styles, theme) -> list:  # type: ignore[no-untyped-def]
    """A linked table of contents of the section titles and their subheadings."""
    table = ContentsTable(entries, [styles.toc_1, styles.toc_2], pages, color(theme.ink))
    return [Paragraph(escape(locale.label("contents")), styles.h2), table, Spacer(0, 10)]


def _decor(document: Document, locale: i18n.Locale, styles, size, cover: Cover) -> PageDecor:  # type: ignore[no-untyped-def]
    m, printing = document.manifest, document.printing
    footer = [x for x in (m.organisation, m.title) if x]
    if printing.control_number:
        footer.append(f"{locale.label('control_number')} {printing.control_number}")
    copy_line = None
    if printing.copy:
        number, total, name = printing.copy
        copy_line = locale.label("copy_of").format(number=number, total=total, name=name)
    return PageDecor(
        theme=document.theme,
        styles=styles,
        printing=printing,
        trim_size=size,
        title=m.title,
        date_text=locale.date(m.date),
        footer_left=" · ".join(footer),
        marking=m.marking,
        page_label=locale.label("page_of"),
        draft_label=locale.label("draft"),
        copy_line=copy_line,
        cover=cover.draw,
        glyphs=GLYPHS.get(),
    )


def _fix_creation_date(doc: BriefDocTemplate, date: dt.date) -> None:
    """CreationDate/ModDate come from SOURCE_DATE_EPOCH, else the brief's own date."""
    stamp = f"D:{date:%Y%m%d}000000+00'00'"
    from_env = bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    original = doc.beforeDocument

    def before_document() -> None:
        if not from_env:
            doc.canv._doc.setDateFormatter(lambda *_: stamp)
        doc.canv.showOutline()
        original()

    doc.beforeDocument = before_document  # type: ignore[method-assign]
