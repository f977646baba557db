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
from pathlib import Path

from reportlab import rl_config
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from .. import __version__, i18n
from ..errors import BriefingWarning, LayoutError
from ..model import Document, SourcesOptions
from .cover import Cover
from .fonts import face, register_fonts
from .markup import MarkupWriter
from .pages import BriefDocTemplate, Decor, DeferredCanvas, Sidebar, SidebarFlush, make_geometry
from .sources import appendix_flowables
from .story import HeadingParagraph, StoryBuilder
from .theme import DEFAULT_THEME, PAPER_SIZES, Theme, make_styles
from .timeline import timeline_flowables

# Image streams compressed, not ASCII85-encoded in pure Python.
rl_config.useA85 = 0


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[BriefingWarning, ...] = ()


def render_pdf(document: Document, theme: Theme = DEFAULT_THEME, cache_dir: Path | None = None) -> RenderedPdf:
    """Lay out *document* and return the finished PDF (and layout warnings, e.g. low dpi)."""
    register_fonts()
    manifest = document.manifest
    language = manifest.language
    locale = i18n.Locale(language, tuple(manifest.labels.items()))
    styles = make_styles(theme, language)
    page_size = PAPER_SIZES[manifest.paper]
    has_sidebar = bool(document.timeline)
    side = manifest.timeline.side if manifest.timeline else "right"

    provisional = make_geometry(theme, page_size, has_sidebar, 0, side)
    cover = Cover(document, theme, styles, locale, provisional.page_width, provisional.block)
    geometry = make_geometry(theme, page_size, has_sidebar, cover.height, side)

    sources = manifest.sources or SourcesOptions("")
    numbers = {source.id: number for number, source in enumerate(document.cited, start=1)}
    markup = MarkupWriter(theme.mono, theme.accent, numbers, sources.markers)

    sidebar = None
    if geometry.sidebar is not None:
        entries = timeline_flowables(document.timeline, styles, locale, markup, theme.color(theme.accent))
        sidebar = Sidebar(entries, locale.label("timeline"), locale.label("continued"), styles, theme)

    builder = StoryBuilder(theme, styles, locale, geometry, markup, cache_dir)
    story = [flowable for section in document.sections for flowable in builder.section(section)]
    story += appendix_flowables(document.cited, document.uncited, sources, theme, styles, locale,
                                geometry.main.width, HeadingParagraph)
    story.append(SidebarFlush())

    buffer = io.BytesIO()
    doc = BriefDocTemplate(
        buffer,
        geometry=geometry,
        theme=theme,
        styles=styles,
        decor=_decor(document, locale),
        sidebar=sidebar,
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
    return RenderedPdf(buffer.getvalue(), doc.page, tuple(builder.warnings))


def _decor(document: Document, locale: i18n.Locale) -> Decor:
    m = document.manifest
    return Decor(
        title=m.title,
        date_text=locale.date(m.date),
        footer_left=" · ".join(x for x in (m.organisation, m.title) if x),
        marking=m.marking,
        page_label=locale.label("page_of"),
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
