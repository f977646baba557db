"""Stage 4, lay out: a `Document` becomes PDF bytes. The only package that imports reportlab.

`render_pdf` builds the story from the document model, plans the page geometry
(title block, body column, timeline sidebar), and runs platypus; a deferred canvas
prints "page X of Y" once the page count is known. A table of contents, when wanted,
needs ReportLab's multi-pass build; in "auto" mode it is added only when the first
layout shows the edition is long enough to need one.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from .. import i18n
from ..crossrefs import uses_page_numbers
from ..version import __version__
from ..errors import BriefingWarning, LayoutError
from ..model import Document, SourcesOptions
from ..notes import numbered_notes
from ..themes import Theme
from . import copyline, rl_compat
from .booklet import impose_booklet
from .contents import ContentsTable, Entry, assign_outline
from .copyline import Holder, copy_text
from .cover import Cover
from .decor import COPY_LINE_SIZE, PageDecor
from .fonts import GlyphPlan, face, glyph_plan, local_font_versions, register_local_fonts
from .fonts import use_cache_dir as use_font_cache
from .geometry import Geometry, make_geometry
from .hyphenation import prime_patterns
from .layoutlog import LayoutLog, Placement
from .markup import MarkupWriter
from .notes import NotePlacer, endnote_flowables, note_texts, sidenote_style
from .pages import BriefDocTemplate, DeferredCanvas, RectoBreak, Sidebar, SidebarFlush
from .paragraphs import LineLender, Paragraph, lending
from .sources import appendix_flowables
from .story import Story, StoryBuilder, clearance_block, photo_credits
from .structure import finish_document
from .tagging import Tagger, language_tag
from ..paper import HALF_LETTER, SIZES
from .theme import Styles, color, family, make_styles
from .timeline import (chronology_appendix, chronology_entries, chronology_placement, placement, timeline_block,
                       timeline_flowables)

__all__ = ["RenderedPdf", "render_pdf", "impose_booklet", "glyphs_for", "lending_between_builds"]

logger = logging.getLogger("briefing")

#: In "auto" mode, editions longer than this get a table of contents.
TOC_AFTER_PAGES = 6
#: Layout passes at most to settle page references (`[halaman @fig-peta]`) whose numbers move text.
MAX_REFERENCE_PASSES = 3
#: A brief whose last page its text fills less than this share of is laid out again, pulled in.
SHORT_TAIL = 0.25
#: The scales figures take in the pulled-in layouts, tried in order (the sources are set closer too).
PULLED_IN = (0.85, 0.7)
#: A further pulled-in layout is skipped when the last page's text is more than this many times
#: the height the earlier pages could still give it (`_may_save_page`).
PULL_IN_MARGIN = 2.0


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[BriefingWarning, ...] = ()
    copy_slot: Holder | None = field(default=None, compare=False)
    """The copy line's objects when it had its slot (`copyline.py`): later copies are stamped from this PDF."""
    destinations: dict[str, int] = field(default_factory=dict, compare=False)
    """The page of each named destination (headings, labelled figures and tables, sources)."""
    placements: tuple[Placement, ...] = field(default=(), compare=False)
    """Every flowable placed, page by page, when a layout log was asked for (`layoutlog.format_log`)."""
    last_fill: float = field(default=1.0, compare=False)
    """The share of the last page's body columns its text fills."""
    tail_height: float = field(default=0.0, compare=False)
    """The height (points) the text takes of the last page's body columns."""
    spare_height: float = field(default=0.0, compare=False)
    """The height the text leaves free in the earlier pages' body columns plus what the figures
    could still lose (down to `figures.MIN_SCALE`): the most a layout with smaller figures can win."""


def render_pdf(document: Document, cache_dir: Path | None = None, layout_log: bool = False) -> RenderedPdf:
    """Lay out *document* and return the finished PDF (and layout warnings, e.g. low dpi);
    with *layout_log*, also where the last layout pass placed every flowable.

    A numbered copy is the copy before with its copy line stamped in, when both lines have
    their slot (`copyline.py`); else it is laid out in full.
    """
    text = copy_text(document)
    if text is None:
        copyline.forget()
    else:
        stamped: RenderedPdf | None = copyline.stamped(document, text, (cache_dir, layout_log))
        if stamped is not None:
            return stamped
    prime_patterns(document.manifest.language, cache_dir)
    use_font_cache(cache_dir)
    glyphs = glyphs_for(document)  # registers the theme's and the brief's own fonts
    mode = document.printing.toc
    styles, lender, keep = _lending_for(document)
    references = uses_page_numbers((document.sections, document.timeline))
    render = _Passes(partial(_render, document, cache_dir, glyphs, styles, layout_log=layout_log), mode, references,
                     lender, keep)
    rendered = render(with_toc=mode == "on")
    with_toc = mode == "on" or (mode == "auto" and rendered.pages > TOC_AFTER_PAGES)
    if with_toc and mode == "auto":
        rendered = render(with_toc=True)
    rendered, scale = _pull_in(render, with_toc, rendered)
    if references:  # page references print the pages the last pass found
        for _ in range(MAX_REFERENCE_PASSES - 1):
            again = render(with_toc=with_toc, pages=rendered.destinations, scale=scale)
            settled = again.destinations == rendered.destinations
            rendered = again
            if settled:
                break
    if text is not None:
        copyline.keep(document, rendered, rendered.copy_slot, (cache_dir, layout_log))
    return rendered


#: Whether each build keeps its line breaks for the next build in this process (`lending_between_builds`).
_BETWEEN_BUILDS = [False]
#: The styles and line lender kept for the next build or numbered copy: (what the styles are
#: made of, the styles, the lender), at most one (`_lending_for`).
_KEPT: list[tuple[tuple[object, ...], Styles, LineLender]] = []


@contextmanager
def lending_between_builds() -> Iterator[None]:
    """Builds inside keep their line breaks for the next build in this process (`briefing watch`:
    a rebuild after an edit breaks only the paragraphs that changed or moved to another width).
    The next build outside lets them go."""
    previous, _BETWEEN_BUILDS[0] = _BETWEEN_BUILDS[0], True
    try:
        yield
    finally:
        _BETWEEN_BUILDS[0] = previous


def _lending_for(document: Document) -> tuple[Styles, LineLender, bool]:
    """The styles and line lender of *document*'s layouts, and whether its last layout keeps its
    lines: one set of styles, so that a paragraph has the same style object in every layout.

    Numbered copies differ only in the copy line (`build.prepare_copy`), so each copy's layouts
    borrow the lines of the copy before; so does a build after one made in `lending_between_builds`.
    Lines are lent only between layouts made with the same styles and the same font files.
    """
    made_of = (document.theme, document.manifest.language, document.hyphenation)
    if document.printing.copy is None and not _BETWEEN_BUILDS[0]:
        _KEPT.clear()
        return make_styles(*made_of), LineLender(), False
    measured_in = (*made_of, local_font_versions(document.theme.font_files))  # a font file replaced: new lines
    if not _KEPT or _KEPT[0][0] != measured_in:
        _KEPT[:] = [(measured_in, make_styles(*made_of), LineLender())]
    return _KEPT[0][1], _KEPT[0][2], True


def _pull_in(render: Callable[..., RenderedPdf], with_toc: bool, rendered: RenderedPdf) -> tuple[RenderedPdf, float]:
    """A brief that ends on a page holding a few lines is laid out again with its figures
    smaller (PULLED_IN, never below `figures.MIN_SCALE`) and its sources set closer; the first
    layout that saves the page is kept, with the figures' scale, else the first one (1.0).

    A page holding three sources reads as if something were missing; two or three lines won
    back on every earlier page bring them in, at the cost of an extra layout only for such briefs
    (less its writing: one that does not save the page is laid out but never written).
    """
    if rendered.pages < 2 or rendered.last_fill >= SHORT_TAIL:
        return rendered, 1.0
    again = None
    for scale in PULLED_IN:
        if again is not None and not _may_save_page(again, rendered.pages):
            logger.info("layout pass for pull-in %g skipped: the last page's %.0f pt cannot move into %.0f pt",
                        scale, again.tail_height, again.spare_height)
            break
        # the layout before holds its PDF objects in reference cycles, which the build's raised
        # collection threshold would keep alive through this one: ~18 MB of the large brief's peak
        gc.collect(1)
        again = render(with_toc=with_toc, scale=scale, written_below=rendered.pages)
        if again.pages < rendered.pages:
            return again, scale
    return rendered, 1.0


def _may_save_page(tried: RenderedPdf, pages: int) -> bool:
    """Whether a layout with the figures smaller than in *tried* (a pulled-in layout of as many
    *pages* that failed) might still end a page earlier; False only when it clearly cannot.

    Every pulled-in layout sets the sources alike, so the next one differs from *tried* only in
    its figures, which cannot print below `MIN_SCALE`. For the last page to go, its text must
    move into what the earlier pages leave free plus what the figures can still lose; both are
    measured in *tried* (`spare_height`). Text moved between body columns of different widths
    reflows (a wide column takes it in fewer lines; on A4 with a timeline the body column is
    about 1.4 times a two-column page's) and a page top drops a heading's space before it, so
    the last page's text must exceed PULL_IN_MARGIN times that room before the layout is skipped.
    """
    if tried.pages != pages:  # another page count: the tail alone says nothing
        return True
    return tried.tail_height <= PULL_IN_MARGIN * tried.spare_height


class _Passes:
    """Counts the layout passes of one edition and logs each (`briefing -v`): each costs a full
    layout, less the line breaks a pass lends the next (`paragraphs.LineLender`).

    The lines lent live through the next layout, so they are kept only while another layout
    may follow: not from a pulled-in layout, which is the last unless it fails to save the page
    (page references aside), and let go once a layout ends in a way none can follow. With *keep*
    (numbered copies, `lending_between_builds`) every layout keeps them: another build follows.
    """

    def __init__(self, render: Callable[..., RenderedPdf], mode: str, references: bool, lender: LineLender,
                 keep: bool = False):
        self.render, self.count, self.mode, self.references = render, 0, mode, references
        self.lender, self.keep = lender, keep

    def __call__(self, *, with_toc: bool, pages: dict[str, int] | None = None, scale: float = 1.0,
                 written_below: int | None = None) -> RenderedPdf:
        """One layout; with *written_below*, its PDF is written only when it has fewer pages
        (a pulled-in layout that does not save the page is discarded: `RenderedPdf.data` is empty)."""
        self.count += 1
        self.lender.keeping = scale >= 1 or self.references or self.keep
        with lending(self.lender):
            rendered = self.render(with_toc=with_toc, pages=pages, scale=scale,
                                   laid_out=partial(self._laid_out, with_toc, written_below))
        self.lender.next_layout()
        why = ("page references" if pages is not None else f"pull-in {scale:g}" if scale < 1
               else "first" if self.count == 1 else "table of contents")
        logger.info("layout pass %d (%s): %d pages, last page %.0f %% full", self.count, why, rendered.pages,
                  100 * rendered.last_fill)
        return rendered

    def _laid_out(self, with_toc: bool, written_below: int | None, pages: int, last_fill: float) -> bool:
        """Told before the PDF is written (its peak memory): let the lines go when no layout can
        follow; whether to write the PDF (not when it has *written_below* pages or more)."""
        may_follow = (self.references or self.keep or (pages >= 2 and last_fill < SHORT_TAIL)
                      or (self.mode == "auto" and not with_toc and pages > TOC_AFTER_PAGES))
        if not may_follow:
            self.lender.release()
        return written_below is None or pages < written_below


def glyphs_for(document: Document) -> GlyphPlan:
    theme = document.theme
    register_local_fonts(theme.font_files)
    families = tuple(dict.fromkeys(family(f) for f in (theme.body_font, theme.heading_font)))
    return glyph_plan(families, document.fallback_fonts)


def page_size(paper: str, orientation: str) -> tuple[float, float]:
    size = SIZES.get(paper) or HALF_LETTER  # for Letter booklets
    return landscape(size) if orientation == "landscape" else size


def _render(document: Document, cache_dir: Path | None, glyphs: GlyphPlan, base_styles: Styles, with_toc: bool,
            pages: dict[str, int] | None = None, scale: float = 1.0, layout_log: bool = False,
            laid_out: Callable[[int, float], bool] | None = None) -> RenderedPdf:
    """One layout (*scale* below 1 pulls it in: figures that much smaller, sources closer)."""
    manifest, theme, printing = document.manifest, document.theme, document.printing
    locale, styles = i18n.Locale(manifest.language, tuple(manifest.labels.items())), _styles(base_styles, scale)
    size = page_size(printing.paper, printing.orientation)
    notes = numbered_notes(document.sections)
    endnotes = manifest.footnotes == "endnotes"
    side = manifest.timeline.side if manifest.timeline and not printing.duplex else "right"  # duplex: outer side
    markup = _markup_writer(document, glyphs, {key: number for key, (number, _) in notes.items()}, endnotes)
    markup.pages = pages or {}
    where = _timeline_placement(document, styles, size, side)
    provisional = make_geometry(theme, size, where == "sidebar", 0, side, printing.duplex)
    slot = _copy_slot(document, styles, provisional.block.width)
    cover = Cover(document, theme, styles, locale, size, provisional.block, markup, cache_dir, slot)
    geometry = make_geometry(theme, size, where == "sidebar", cover.height, side, printing.duplex)
    sidebar = _sidebar(document, geometry, styles, locale, markup)
    chronology = _chronology(document, where, geometry, styles, locale, markup)
    builder = StoryBuilder(theme, styles, locale, geometry, markup, cache_dir, manifest.levels, scale)
    story = _story(document, builder, geometry.main.width, endnote_flowables(notes, styles, locale, markup) if endnotes else [],
                   chronology)
    placer = None
    if geometry.sidebar is not None or (notes and not endnotes):  # margin material and notes at a column's foot
        texts = {} if endnotes else note_texts(notes, markup)
        placer = NotePlacer(texts, sidenote_style(styles), {number: call.pos for number, call in notes.values()})
    buffer, log = io.BytesIO(), LayoutLog() if layout_log else None
    doc = _doc_template(buffer, document, geometry, _decor(document, locale, styles, size, cover, geometry, glyphs, slot),
                        sidebar, placer, log)
    flowables = story.flowables
    if with_toc:
        flowables = [*_contents(list(story.outline), doc.heading_pages, locale, styles, theme, markup), *flowables]
    destinations: dict[str, int] = {}
    tagger = _tagger(cover, flowables, sidebar, document) if printing.tagged else None
    canvasmaker = partial(_RecordingCanvas, finish_page=doc.decor.finish_page, destinations=destinations,
                          laid_out=laid_out and partial(_laid_out, laid_out, doc),
                          tagger=tagger, finish_document=partial(_finish_document, tagger, document))
    try:
        with rl_compat.pdf_settings():
            doc.build(flowables, canvasmaker=canvasmaker)
    except RLLayoutError as exc:
        heading, path = doc.last_heading
        where = f"after the heading '{heading}' (page {doc.page})" if heading else f"on page {doc.page}"
        raise LayoutError(
            f"an element {where} is too large for any page ({_described(exc)}); "
            "split it into smaller parts or make it smaller", path) from None
    warnings = story.warnings + (placer.warnings() if placer else ())
    return RenderedPdf(buffer.getvalue(), doc.page, warnings, slot, destinations,
                       placements=tuple(log.placements if log else ()), last_fill=doc.last_page_fill,
                       **_room(doc))


def _copy_slot(document: Document, styles: Styles, width: float) -> Holder | None:
    """The copy line's slot: on the cover in the title block's meta style (bold), at the head
    as `decor.py` sets it; None when the edition is no numbered copy or its line has none."""
    meta = styles.cover_meta
    return copyline.holder_for(copy_text(document), (meta.fontName, meta.fontSize, meta.textColor),
                               (styles.sidebar_date.fontName, COPY_LINE_SIZE, color(document.theme.ink)), width)


def _described(exc: RLLayoutError) -> str:
    """ReportLab's account of the element, without the memory address it names the element by
    (which would make the message differ from run to run)."""
    return re.sub(r"@0x[0-9A-Fa-f]+", "", str(exc).splitlines()[0])[:160]


def _laid_out(tell: Callable[[int, float], bool], doc: BriefDocTemplate, pages: int) -> bool:
    """Tell *tell* the page count and the last page's fill, once every page is laid out; whether
    to write the PDF, as *tell* answers."""
    return tell(pages, doc.last_page_fill)


def _room(doc: BriefDocTemplate) -> dict[str, float]:
    """The last page's text height and the earlier pages' free room plus the figures' slack."""
    *earlier, (tail, _) = doc.page_room or [(0.0, 0.0)]
    free = sum(max(0.0, room - used) for used, room in earlier)
    return {"tail_height": tail, "spare_height": free + doc.figure_slack}


def _timeline_placement(document: Document, styles: Styles, size: tuple[float, float], side: str) -> str:
    """Where the edition's timeline goes: "sidebar", "narrow" (the side column would be too
    narrow: a block or an appendix), "block" or "appendix"; "none" without events."""
    if not document.timeline:
        return "none"
    choice = document.manifest.timeline.placement if document.manifest.timeline else "auto"
    column = make_geometry(document.theme, size, True, 0, side, document.printing.duplex).sidebar
    assert column is not None
    return placement(choice, column.width, styles)


def _sidebar(document: Document, geometry: Geometry, styles: Styles, locale: i18n.Locale,
             markup: MarkupWriter) -> Sidebar | None:
    if geometry.sidebar is None:
        return None
    entries = timeline_flowables(document.timeline, styles, locale, markup, document.theme, document.manifest.levels)
    return Sidebar(entries, locale.label("timeline"), locale.label("continued"), styles, document.theme, markup,
                   locale.label("continues"))


@dataclass(frozen=True)
class _Chronology:
    """The timeline set in the text: as a block after the first section, or as an appendix."""

    block: list[Flowable] = field(default_factory=list)
    appendix: list[Flowable] = field(default_factory=list)


def _chronology(document: Document, where: str, geometry: Geometry, styles: Styles, locale: i18n.Locale,
                markup: MarkupWriter) -> _Chronology:
    if where not in ("narrow", "block", "appendix"):
        return _Chronology()
    theme, width = document.theme, geometry.main.width
    entries = chronology_entries(document.timeline, styles, locale, markup, theme, width, document.manifest.levels)
    if where == "narrow":
        where = chronology_placement(entries, width, geometry.main.height)
    if where == "block":
        return _Chronology(block=timeline_block(entries, locale.label("timeline"), styles, theme, markup))
    return _Chronology(appendix=chronology_appendix(entries, locale.label("chronology"), styles, markup))


def _styles(styles: Styles, scale: float) -> Styles:
    """The build's styles; in a pulled-in layout (*scale* below 1) the sources set closer."""
    if scale >= 1:
        return styles
    closer = ParagraphStyle("source_entry-closer", parent=styles.source_entry, leading=11.5, spaceAfter=3)
    return replace(styles, source_entry=closer)


def _finish_document(tagger: Tagger | None, document: Document, canvas: Canvas) -> None:
    """The structure tree, metadata and PDF/A part, added before ReportLab writes the file."""
    manifest = document.manifest
    tree = tagger.export(manifest.title, language_tag(manifest.language)) if tagger is not None else None
    finish_document(canvas, tree, document.printing.pdf_standard)


def _tagger(cover: Cover, flowables: list[Flowable], sidebar: Sidebar | None, document: Document) -> Tagger:
    """Structure elements for the cover's lines, the story, then the timeline as an aside."""
    tagger = Tagger(language_tag(document.manifest.language))
    tagger.tag_paragraphs([*cover.band, *cover.below])
    tagger.tag_story(flowables)
    if sidebar is not None:
        tagger.aside(sidebar.entries, language_tag(document.timeline_language or document.manifest.language))
    return tagger


class _RecordingCanvas(DeferredCanvas):
    """Notes the page of every named destination made during layout, for page references, and
    says when the layout is done (*laid_out*, with the page count), before the PDF is written;
    the PDF is not written when *laid_out* answers False (a layout that will be discarded)."""

    def __init__(self, *args: object, destinations: dict[str, int], laid_out: Callable[[int], bool] | None = None,
                 **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.destinations = destinations
        self.laid_out = laid_out

    def save(self) -> None:
        if self.laid_out is not None and not self.laid_out(len(self._pages)):
            return
        super().save()

    def bookmarkPage(self, key: str, *args: object, **kwargs: object) -> object:  # noqa: N802 (ReportLab's name)
        self.destinations.setdefault(key, self.getPageNumber())
        return super().bookmarkPage(key, *args, **kwargs)


def _markup_writer(document: Document, glyphs: GlyphPlan, notes: dict[str, int], endnotes: bool) -> MarkupWriter:
    """The one writer of paragraph markup for this document: source numbers, glyph coverage."""
    theme = document.theme
    sources = document.manifest.sources or SourcesOptions("")
    numbers = {source.id: number for number, source in enumerate(document.cited, start=1)}
    markers = sources.markers if document.manifest.sources_appendix else "none"  # no appendix: nothing to point at
    return MarkupWriter(family(theme.mono_font), theme.accent, numbers, markers, family(theme.body_font), glyphs,
                        notes, endnotes)


def _story(document: Document, builder: StoryBuilder, width: float, endnotes: list[Flowable],
           chronology: _Chronology) -> Story:
    """The sections (the timeline block after the first), the endnotes, the chronology and
    the sources appendices and the photo credits, with their outline."""
    manifest, printing = document.manifest, document.printing
    body = builder.story(document.sections, chronology.block)
    clearance = clearance_block(manifest.clearance, builder.theme, builder.styles, builder.locale, builder.markup)
    cover_block = manifest.clearance_position == "cover"
    flowables = [*(clearance if cover_block else []), *body.flowables, *([] if cover_block else clearance), *endnotes,
                 *chronology.appendix]
    appendix = appendix_flowables(document.cited, document.uncited, manifest.sources or SourcesOptions(""),
                                  builder.theme, builder.styles, builder.locale, width, builder.markup,
                                  manifest.levels) \
        if manifest.sources_appendix else []
    if appendix and printing.duplex and printing.appendix_recto:
        flowables.append(RectoBreak())
    flowables += appendix
    if manifest.photo_credits:
        flowables += photo_credits(body.credits, builder.styles, builder.locale, builder.markup)
    flowables.append(SidebarFlush())
    outline = assign_outline(flowables, builder.markup)
    return Story(flowables, body.warnings, body.credits, tuple(outline))


def _doc_template(buffer: io.BytesIO, document: Document, geometry: Geometry, decor: PageDecor,
                  sidebar: Sidebar | None, notes: NotePlacer | None, log: LayoutLog | None) -> BriefDocTemplate:
    manifest, theme, printing = document.manifest, document.theme, document.printing
    language = manifest.language
    return BriefDocTemplate(
        buffer,
        geometry=geometry,
        decor=decor,
        sidebar=sidebar,
        notes=notes,
        layout_log=log,
        mirror_pages=printing.duplex,
        date_stamp=_date_stamp(manifest.date),
        title=manifest.title,
        author="; ".join(manifest.authors) or (manifest.organisation or ""),
        subject=manifest.subject or manifest.subtitle or "",
        creator=f"briefing {__version__}",
        lang=language_tag(language),
        invariant=1,
        initialFontName=face(family(theme.body_font)),
        pageCompression=1,
        enforceColorSpace="cmyk" if theme.cmyk else None,
        **decor.boxes(),
    )


def _contents(entries: list[Entry], pages: dict[str, int], locale: i18n.Locale, styles: Styles, theme: Theme,
              markup: MarkupWriter) -> list[Flowable]:
    """A linked table of contents of the section titles and their subheadings."""
    table = ContentsTable(entries, [styles.toc_1, styles.toc_2], pages, color(theme.ink))
    return [Paragraph(markup.escape(locale.label("contents")), styles.h2), table, Spacer(0, 10)]


def _decor(document: Document, locale: i18n.Locale, styles: Styles, size: tuple[float, float], cover: Cover,
           geometry: Geometry, glyphs: GlyphPlan, slot: Holder | None) -> PageDecor:
    m, printing = document.manifest, document.printing
    after = [locale.label("edition").format(name=document.edition_label)] if document.edition_label else []
    if printing.control_number:
        after.append(f"{locale.label('control_number')} {printing.control_number}")
    return PageDecor(
        theme=document.theme,
        styles=styles,
        printing=printing,
        trim_size=size,
        title=m.short_title or m.title,
        date_text=locale.date(m.date),
        footer_left=(m.organisation or "", m.short_title or m.title, " · ".join(after)),
        marking=m.marking,
        page_label=locale.label("page_of"),
        draft_label=locale.label("draft"),
        copy_line=copy_text(document),
        cover=cover.draw,
        geometries=(geometry, geometry.mirrored() if printing.duplex else geometry),
        glyphs=glyphs,
        copy_slot=slot,
    )


def _date_stamp(date: dt.date) -> str | None:
    """CreationDate/ModDate: from SOURCE_DATE_EPOCH (ReportLab reads it: None), else the brief's own date."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None
    return f"D:{date:%Y%m%d}000000+00'00'"
