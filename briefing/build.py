"""The pipeline, in order: load -> (per edition) render -> parse -> tailor -> lay out -> write."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from .brief import check_output_path, load_brief
from .cite import iter_citations, resolve_citations, uncited_warning
from .edition import (Edition, Omission, check_leaks, edition_marking, plan_edition, select_audiences, tailor,
                      text_language)
from .errors import BriefingError, BriefingWarning, EditionsFailed, Reporter, UsageError, raise_all
from .files import is_regular_file, read_text
from .glyphs import glyph_warnings
from .crossrefs import resolve_crossrefs
from .images import use_cache_dir
from .links import resolve_links
from .markdown import number_headings, parse_inline, parse_markdown
from .model import (Block, Brief, Document, Figure, Inline, Manifest, PrintSettings, Section, SectionSource, Source,
                    SourcePos, Text, TimelineEvent, iter_nodes)
from .templating import Rendered, SectionRenderer, template_context
from .themes import Theme, to_cmyk, to_grayscale
from .outputs import sweep_stale_outputs
from .regexcache import compiled_from
from . import schema
from .workersocket import CACHE_DIR
from .write import sweep_temp_files, write_if_changed

if TYPE_CHECKING:
    from .layout import RenderedPdf

OUTPUT_DIR = "output"
log = logging.getLogger("briefing")
T = TypeVar("T")


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    edition: str
    """The audience id, or '' for a brief without audiences."""
    warnings: tuple[BriefingWarning, ...] = ()
    report: Path | None = None
    status: str = "written"
    """'written', 'unchanged' (the same bytes were already there) or 'failed'."""
    error: BriefingError | None = None
    """Why the edition failed (status 'failed')."""
    sheet_sides: int = 0
    """Pages of an imposed booklet PDF (two booklet pages each); 0 when not a booklet."""
    cited: tuple[str, ...] = ()
    """Ids of the sources this edition cites."""
    marking: str | None = None
    """The edition's banner marking, as printed on its pages."""
    copy: tuple[int, int, str] | None = None
    """(number, total, recipient) of a numbered controlled copy."""
    layout_log: str = ""
    """Where the layout placed each flowable (`--layout-log`); empty unless asked for."""


@dataclass(frozen=True)
class BuildOptions:
    """Command-line choices that override the manifest for this build."""

    strict: bool = False
    """Warnings fail the build before anything is written."""
    report: bool = False
    paper: str | None = None
    orientation: str | None = None
    duplex: bool | None = None
    print_marks: bool | None = None
    grayscale: bool = False
    cmyk: bool = False
    draft: bool | None = None
    toc: str | None = None
    booklet: bool = False
    pdf_standard: str | None = None
    layout_log: Path | None = None
    """Write each edition's layout log here: page, frame, flowable, source line (`--layout-log`)."""


Copy = tuple[int, int, str]
"""A numbered controlled copy: (number, of how many, recipient)."""

Job = tuple[str | None, Path | None, BuildOptions, Copy | None]
"""One PDF to make: (audience id, output path, options, copy)."""


class Stages:
    """Runs the stages of one edition, logging how long each took (shown by `briefing -v`)."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, name: str, stage: Callable[..., T], *args: Any) -> T:
        start = time.perf_counter()
        try:
            return stage(*args)
        finally:
            log.info("%s: %s %.1f ms", self.label, name, (time.perf_counter() - start) * 1000)


def build(root: Path, output: Path | None = None, strict: bool = False, audiences: tuple[str, ...] = (),
          report: bool = False, on_done: Callable[[BuildResult], None] | None = None,
          options: BuildOptions | None = None, copies: Path | None = None,
          on_start: Callable[[int], None] | None = None,
          on_removed: Callable[[Path], None] | None = None) -> list[BuildResult]:
    """Build every edition (or the named *audiences*) of the brief at *root*.

    With *copies* (a YAML list of recipients), each edition is built once per
    recipient as a numbered controlled copy. Editions build in parallel worker
    processes when there are several and more than one core. An edition that fails
    does not stop the others: each is reported to *on_done*, then EditionsFailed is
    raised. PDFs of editions that no longer exist are removed (only files a build
    wrote, unchanged since) and reported to *on_removed*.
    """
    options = options or BuildOptions()
    if strict or report:
        options = dataclasses.replace(options, strict=options.strict or strict, report=options.report or report)
    brief = Stages(root.resolve().name)("load", load_brief, root)
    use_cache_dir(brief.root / CACHE_DIR)
    if output is not None:
        check_output_path(brief, output)
    if options.layout_log is not None:
        check_log_path(brief, options.layout_log, output)
    targets = select_audiences(brief.manifest, audiences)
    recipients = load_recipients(copies) if copies else [None]
    if output is not None and len(targets) * len(recipients) > 1:
        raise UsageError("-o/--output names one file, but this build makes several PDFs; add --audience NAME")
    jobs = [
        (a.id if a else None, output, options, (index, len(recipients), name) if name else None)
        for a in targets
        for index, name in enumerate(recipients, start=1)
    ]
    results = _build_jobs(brief, jobs, output, options, every_edition=not audiences and any(a is not None for a in targets),
                          on_start=on_start, on_done=on_done)
    if options.layout_log is not None:
        write_layout_log(options.layout_log, results)
    if output is None:
        audience_ids = {a.id for a in brief.manifest.audiences} or {""}
        for path in sweep_stale_outputs(brief.root / OUTPUT_DIR, results, audience_ids):
            if on_removed is not None:
                on_removed(path)
    failed = [r for r in results if r.error is not None]
    if failed:
        raise EditionsFailed(len(failed), len(jobs))
    return results


def _build_jobs(brief: Brief, jobs: list[Job], output: Path | None, options: BuildOptions, every_edition: bool,
                on_start: Callable[[int], None] | None, on_done: Callable[[BuildResult], None] | None) -> list[BuildResult]:
    """Build the jobs, reporting each; with *every_edition*, the last result also carries the
    sources no edition cites (under --strict they fail the build before anything is written)."""
    every_edition = every_edition and bool(brief.sources)
    if every_edition and options.strict:  # fail before writing anything, as check would
        raise_all([warning.as_error() for warning in never_cited(brief, _cited_everywhere(brief))])
    sweep_temp_files(output.parent if output is not None else brief.root / OUTPUT_DIR)
    if on_start is not None:
        on_start(len(jobs))
    results: list[BuildResult] = []
    for built in _run_jobs(brief, jobs):
        if built.error is not None and len(jobs) == 1:
            raise built.error
        last = every_edition and len(results) == len(jobs) - 1  # the last: every edition's citations are known
        result = _with_never_cited(brief, [*results, built]) if last else built
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results


def build_edition(brief: Brief, audience_id: str | None, output: Path | None, options: BuildOptions,
                  copy: Copy | None = None) -> BuildResult:
    """One edition through the stages in order; the problems of a stage stop the build before the next."""
    reporter = Reporter()
    stage = Stages((audience_id or brief.manifest.id) + (f" copy {copy[0]}" if copy else ""))
    audience = next((a for a in brief.manifest.audiences if a.id == audience_id), None)
    edition = stage("plan", plan_edition, brief, audience)                              # 1b plan
    document, omitted = prepare_copy(brief, edition, options, reporter, copy, stage)     # 2 render .. 3b tailor
    with _frozen(brief.root / CACHE_DIR):
        stage("glyphs", check_glyphs, brief, document, reporter)                      # 3c glyph coverage
        check_accessibility(brief, document, reporter)
        reporter.raise_if_errors()
        pdf = stage("lay out", lay_out, brief, document, reporter, options.layout_log is not None)  # 4 lay out
    check_budget(brief, edition, pdf.pages, reporter, document.printing.paper if options.booklet else None)
    reporter.raise_if_errors()
    if options.strict:
        raise_all([warning.as_error() for warning in reporter.warnings])
    written = stage("write", write_edition, brief, edition, document, pdf, omitted, output, options, copy)  # 5 write
    return BuildResult(written.path, pdf.pages, written.size, audience_id or "", tuple(reporter.warnings),
                       written.report, "written" if written.changed else "unchanged", sheet_sides=written.sheet_sides,
                       cited=tuple(source.id for source in document.cited),
                       marking=document.manifest.marking, copy=copy, layout_log=_layout_log(brief, pdf))


def never_cited(brief: Brief, cited: set[str]) -> tuple[BriefingWarning, ...]:
    """A brief with audiences: each source that no edition cites (one edition leaving a source out is normal)."""
    return tuple(uncited_warning(source) for source in brief.sources if source.id not in cited and not source.problem)


def _with_never_cited(brief: Brief, results: list[BuildResult]) -> BuildResult:
    """The last edition's result, with the sources no edition cites added to its warnings.

    Only when every edition built: a failed one's citations are unknown.
    """
    last = results[-1]
    if any(result.error is not None for result in results):
        return last
    cited = {key for result in results for key in result.cited}
    return dataclasses.replace(last, warnings=last.warnings + never_cited(brief, cited))


def _cited_everywhere(brief: Brief) -> set[str]:
    """The sources cited by any edition, from preparing each (no layout); the editions report their own errors."""
    cited: set[str] = set()
    for audience in brief.manifest.audiences:
        document, _ = prepare_document(brief, plan_edition(brief, audience), BuildOptions(), Reporter())
        cited |= {source.id for source in document.cited}
    return cited


#: The glyph warnings of the last numbered copies' document: (what they were found in, the warnings).
_GLYPHS_OF_COPIES: list[tuple[tuple[object, ...], list[BriefingWarning]]] = []


def check_glyphs(brief: Brief, document: Document, reporter: Reporter) -> None:
    """Every printed character has a font: a located warning for each run that none has (see glyphs.py).

    Numbered copies share their document (`prepare_copy`) and `glyph_warnings` reads no copy
    line, so they are found once for all the copies.
    """
    cache_dir = brief.root / CACHE_DIR
    find = partial(reporter.attempt, partial(glyph_warnings, document, brief.manifest_path, cache_dir))
    if document.printing.copy is None:
        _GLYPHS_OF_COPIES.clear()
        warnings = find()
    else:
        key = (brief, *(getattr(document, f.name) for f in dataclasses.fields(document) if f.name != "printing"))
        if _GLYPHS_OF_COPIES and all(a is b for a, b in zip(_GLYPHS_OF_COPIES[0][0], key)):
            warnings = _GLYPHS_OF_COPIES[0][1]
        else:
            warnings = find()  # an error is not kept: each copy reports it
            _GLYPHS_OF_COPIES[:] = [(key, warnings)] if warnings is not None else []
    for warning in warnings or ():
        reporter.warn(warning)


def check_accessibility(brief: Brief, document: Document, reporter: Reporter) -> None:
    """An edition claiming PDF/UA-1: each figure without alt text or skipped heading level is
    an error. Any edition: a warning for a figure without alt text (or with its caption as
    alt text) and for theme text colours under WCAG AA contrast."""
    from .tagged import alt_text_warnings, contrast_warnings, ua_errors

    ua = "ua-1" in document.printing.pdf_standard
    if ua:
        for error in ua_errors(document):
            reporter.error(error)
    for warning in alt_text_warnings(document):
        if not (ua and "has no alt text" in warning.message):  # already an error
            reporter.warn(warning)
    path, lines = _theme_source(brief, document.manifest.theme)
    for warning in contrast_warnings(document.theme, path, lines):
        reporter.warn(warning)


def _theme_source(brief: Brief, spec: str) -> tuple[Path, dict[str, int]]:
    """Where a theme's colours are set: its file and the line of each key, or the manifest for a built-in theme."""
    from .themes import BUILTIN
    from .yamlfile import YamlMap, load_yaml

    if spec in BUILTIN:
        return brief.manifest_path, {}
    path = brief.root / spec
    data = load_yaml(read_text(path), path)
    return path, dict(data.lines) if isinstance(data, YamlMap) else {}


def _attempt(brief: Brief, audience_id: str | None, output: Path | None, options: BuildOptions,
             copy: Copy | None = None) -> BuildResult:
    """Build one edition; a problem in it becomes a failed result, so the other editions go on."""
    try:
        return build_edition(brief, audience_id, output, options, copy)
    except BriefingError as error:
        return BuildResult(output or brief.root / OUTPUT_DIR, 0, 0, audience_id or "", status="failed", error=error,
                           copy=copy)


def parse_brief(brief: Brief) -> tuple[Document, list[BriefingWarning]]:
    """The document of a brief's default edition (the first audience, or the only one)."""
    audience = brief.manifest.audiences[0] if brief.manifest.audiences else None
    reporter = Reporter()
    document, _ = prepare_document(brief, plan_edition(brief, audience), BuildOptions(), reporter)
    reporter.raise_if_errors()
    return document, reporter.warnings


def prepare_document(brief: Brief, edition: Edition, options: BuildOptions, reporter: Reporter,
                     copy: Copy | None = None, stage: Stages | None = None) -> tuple[Document, list[Omission]]:
    """Stages 2 to 3b: render the templates, parse the Markdown, tailor it to the audience, cite.

    A section that fails is reported and left out, so one run names the problems of
    every section; the caller decides whether to go on.
    """
    stage = stage or Stages(edition.audience.id if edition.audience else edition.manifest.id)
    rendered = stage("render", render_sections, brief, edition, reporter)                    # 2 render
    theme, fallbacks = edition_theme(brief, edition, options)
    box_kinds = tuple(box.name for box in theme.boxes)
    parsed = stage("parse", parse_sections, brief, rendered, reporter, box_kinds)            # 3 parse
    edition = dataclasses.replace(edition, timeline=stage("parse timeline", parse_timeline, edition.timeline, reporter))
    sections, timeline, omitted, present = stage("tailor", tailor_sections, brief, edition, parsed, reporter)  # 3b
    edition = dataclasses.replace(edition, timeline=timeline)
    cited, uncited = stage("cite", cite_sources, brief, edition, sections, reporter)
    present |= {s.level for s in cited if s.level}
    omitted += [Omission(f"source '{s.id}'", _where(s.pos, brief.root), "not cited in this edition") for s in uncited]
    manifest = dataclasses.replace(edition.manifest, marking=edition_marking(brief.manifest, edition.audience, present))
    document = Document(manifest, tuple(sections), edition.timeline, cited, uncited, theme,
                        print_settings(manifest, edition, options, copy), fallbacks,
                        brief.hyphenation.get(manifest.language, ()),
                        edition_label=edition.audience.label if edition.audience else None,
                        timeline_language="" if manifest.language in brief.timeline_variants else brief.manifest.language)
    return document, omitted


#: The last edition prepared for numbered copies: (key, document, omissions, errors, warnings).
_PREPARED_COPIES: list[tuple[Any, Document, list[Omission], list[BriefingError], list[BriefingWarning]]] = []


def prepare_copy(brief: Brief, edition: Edition, options: BuildOptions, reporter: Reporter, copy: Copy | None,
                 stage: Stages) -> tuple[Document, list[Omission]]:
    """`prepare_document`, done once for all the numbered copies of an edition.

    Copies differ only in their print settings' copy line (templates do not see it),
    so the rendered and parsed document is reused and its problems reported again.
    """
    if copy is None:
        return prepare_document(brief, edition, options, reporter, None, stage)
    key = (id(brief), edition.audience.id if edition.audience else None, options)
    if not _PREPARED_COPIES or _PREPARED_COPIES[0][0] != key:
        collected = Reporter()
        document, omitted = prepare_document(brief, edition, options, collected, None, stage)
        _PREPARED_COPIES[:] = [(key, document, omitted, collected.errors, collected.warnings)]
    _, document, omitted, errors, warnings = _PREPARED_COPIES[0]
    reporter.errors.extend(errors)
    reporter.warnings.extend(warnings)
    printing = dataclasses.replace(document.printing, copy=copy)
    return dataclasses.replace(document, printing=printing), list(omitted)


def render_sections(brief: Brief, edition: Edition, reporter: Reporter) -> list[tuple[SectionSource, Rendered, str | None]]:
    """Each section's template rendered for the edition, with its section number (if numbered)."""
    renderer = SectionRenderer(brief.partials_dir)
    context = template_context(edition.manifest, edition.audience)
    rendered = []
    number = 0
    for source in edition.sections:
        section_number = None
        if source.numbered and brief.manifest.numbered_headings:
            number += 1
            section_number = str(number)
        text = reporter.attempt(partial(renderer.render, source, context))
        if text is not None:
            rendered.append((source, text, section_number))
    return rendered


def parse_sections(brief: Brief, rendered: list[tuple[SectionSource, Rendered, str | None]],
                   reporter: Reporter, box_kinds: tuple[str, ...] = ()) -> list[Section]:
    """The rendered Markdown of each section as model blocks (*box_kinds*: the theme's own `:::` kinds)."""
    sections = []
    for source, text, number in rendered:
        blocks = reporter.attempt(partial(parse_once, text.text, source.path, brief.root, text.line_map, box_kinds))
        if blocks is not None:
            sections.append(Section(source.id, source.title, blocks, SourcePos(source.path, 1), number,
                                    break_before=source.meta.get("page_break") == "before",
                                    language=text_language(brief, source)))
    return sections


#: Parsed sections of recent builds in this process (`watch`): (text, path, root, line map, box kinds) -> blocks.
_PARSED: dict[tuple[str, Path, Path, tuple[int, ...], tuple[str, ...]], tuple[Block, ...]] = {}


def parse_once(text: str, path: Path, root: Path, line_map: tuple[int, ...],
               box_kinds: tuple[str, ...] = ()) -> tuple[Block, ...]:
    """`parse_markdown`, reused when the rendered text is unchanged and its figures' images are too.

    A rebuild after an edit in one section parses only that section. A section whose
    parse failed is not kept (its errors are reported again by parsing it again).
    """
    key = (text, path, root, line_map, box_kinds)
    blocks = _PARSED.get(key)
    if blocks is not None and all(_same_image(figure) for figure in iter_nodes(blocks, Figure)):
        return blocks
    blocks = parse_markdown(text, path, root, line_map, box_kinds)
    if len(_PARSED) > 512:
        _PARSED.clear()
    _PARSED[key] = blocks
    return blocks


def _same_image(figure: Figure) -> bool:
    """The figure's image still reads as it did (inspections are cached per file version)."""
    from .images import inspect

    try:
        if figure.path.resolve() != figure.path:  # now a link: let the parser check where it leads
            return False
        info = inspect(figure.path, figure.pos.path, figure.pos.line)
    except (BriefingError, OSError):
        return False
    return (info.width, info.height) == figure.pixels


def parse_timeline(events: tuple[TimelineEvent, ...], reporter: Reporter) -> tuple[TimelineEvent, ...]:
    """Each event's text Markdown as inlines, in front of its `cite:` citation."""
    parsed = []
    for event in events:
        text = reporter.attempt(partial(_inline, event.markdown, event.pos.path, event.markdown_line))
        if text is not None:
            joined = (*text, Text(" "), *event.text) if text and event.text else text or event.text
            parsed.append(dataclasses.replace(event, text=joined))
    return tuple(parsed)


@lru_cache(maxsize=8192)
def _inline(markdown: str, path: Path, line: int | None) -> tuple[Inline, ...]:
    """An event's text parsed once per process, however many editions show it."""
    return parse_inline(markdown, path, line) if markdown else ()


def tailor_sections(brief: Brief, edition: Edition, sections: list[Section], reporter: Reporter
                    ) -> tuple[list[Section], tuple[TimelineEvent, ...], list[Omission], set[str]]:
    """Leave out what the audience may not see, number the headings of what is left, resolve its links
    and cross-references (the timeline's too).

    Returns the sections, the timeline, what was left out (for the report) and the handling levels present.
    """
    omitted = list(edition.omitted)
    present = {s.level for s in edition.sections if s.level} | {e.level for e in edition.timeline if e.level}
    known = tuple(a.id for a in brief.manifest.audiences)
    tailored = []
    for section in sections:
        kept = reporter.attempt(partial(tailor, [section], edition.audience, brief.manifest.levels, brief.root,
                                        omitted, present, known=known))
        if kept is not None:
            tailored.append(dataclasses.replace(kept[0], blocks=number_headings(kept[0].blocks, section.number)))
    linked = resolve_links(tailored, tuple(s.id for s in brief.sections), reporter)  # to what is left
    manifest = edition.manifest
    referenced, timeline = resolve_crossrefs(linked, brief.sections, manifest.language, manifest.labels, reporter,
                                             edition.timeline)
    return referenced, timeline, omitted, present


def cite_sources(brief: Brief, edition: Edition, sections: list[Section],
                 reporter: Reporter) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    """Number the cited sources, refuse leaks above the audience's clearance; (cited, uncited)."""
    citations = list(iter_citations((tuple(sections), edition.timeline)))
    cited, uncited = resolve_citations(citations, edition.sources, reporter)
    with reporter.collecting():
        check_leaks(cited, citations, edition.audience, brief.manifest.levels)
    if edition.audience is None:  # an edition leaves sources out on purpose: not worth a warning
        for source in uncited:
            reporter.warn(uncited_warning(source))
    return cited, uncited


def edition_theme(brief: Brief, edition: Edition, options: BuildOptions) -> tuple[Theme, tuple[Path, ...]]:
    """The edition's theme (loaded with the brief) in the colours asked for, and its fallback fonts."""
    name = edition.audience.theme if edition.audience and edition.audience.theme else edition.manifest.theme
    theme = brief.themes[name]
    if options.grayscale:
        theme = to_grayscale(theme)
    if options.cmyk:
        theme = to_cmyk(theme)
    return theme, brief.fallback_fonts[name]


@contextmanager
def _frozen(cache_dir: Path) -> Iterator[None]:
    """The layout stage's modules, the brief and the document kept out of the collector's walks
    (`gc.freeze`) until the layout is done, as they outlive it; `lay_out` adds the fonts.

    In a new process they are all young: the first young collection walked them (~25 ms
    of the anchors' small brief), and the collection before a pulled-in layout again.
    `gc.unfreeze` hands them back, also when a stage fails, so serve and watch collect as before.
    A new process finds the regular expressions its imports and stages compile kept in
    *cache_dir* (`regexcache`).
    """
    with compiled_from(cache_dir) if "briefing.layout" not in sys.modules else nullcontext():
        gc.freeze()  # before the import too: the young collection its allocations set off walked it all (~30 ms)
        try:
            from . import layout  # noqa: F401  (imported first: its code lives as long as the process)

            gc.freeze()
            yield
        finally:
            gc.unfreeze()


def lay_out(brief: Brief, document: Document, reporter: Reporter, layout_log: bool = False) -> RenderedPdf:
    """Stage 4: the document set on pages, in memory; its warnings go to *reporter*.

    What is loaded by now (modules, fonts and hyphenation patterns, the document) outlives
    the layout: it is frozen out of the collections the layout makes (see `_frozen`).
    """
    from .layout import render_pdf
    from .rebuilds import lay_out_once

    gc.freeze()
    try:
        pdf = lay_out_once(document, layout_log, partial(render_pdf, document, cache_dir=brief.root / CACHE_DIR,
                                                         layout_log=layout_log))
    finally:
        gc.unfreeze()  # everything frozen, also by `_frozen`: a long-lived process collects it again
    for warning in pdf.warnings:
        reporter.warn(warning)
    return pdf


def _layout_log(brief: Brief, pdf: RenderedPdf) -> str:
    from .layout.layoutlog import format_log

    return format_log(pdf.placements, brief.root) if pdf.placements else ""


def check_log_path(brief: Brief, path: Path, output: Path | None) -> None:
    """The layout log goes in output/ or outside the brief folder, and writes over nothing but an
    earlier layout log: never an input, a PDF this build writes, or anyone's other file."""
    target, root = path.resolve(), brief.root.resolve()
    if target.is_relative_to(root) and not target.is_relative_to(root / OUTPUT_DIR):
        raise UsageError(f"--layout-log {path} is inside the brief folder, among its inputs; "
                         f"write it to {OUTPUT_DIR}/ or elsewhere (e.g. {OUTPUT_DIR}/{target.name})")
    if target.suffix.lower() == ".pdf" or (output is not None and target == output.resolve()):
        raise UsageError(f"--layout-log {path} would write over a PDF; name the log .log or .txt "
                         f"(e.g. {OUTPUT_DIR}/layout.log)")
    if target.is_file() and target.stat().st_size and _first_bytes(target, len(LOG_START)) != LOG_START:
        raise UsageError(f"--layout-log {path} exists and is not a layout log; refusing to write over it")


def _first_bytes(path: Path, count: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


#: How a layout log begins (`write_layout_log`): an existing file that begins otherwise is not one.
LOG_START = b"edition "


def write_layout_log(path: Path, results: list[BuildResult]) -> None:
    """Every edition's layout log in one file, each under an `edition NAME` line (`--layout-log`)."""
    parts = []
    for result in results:
        if result.error is None:
            copy = f" copy {result.copy[0]}" if result.copy else ""
            parts.append(f"{LOG_START.decode()}{result.edition or '-'}{copy}\n{result.layout_log}")
    write_if_changed(path, "\n".join(parts).encode("utf-8"))


def check_budget(brief: Brief, edition: Edition, pages: int, reporter: Reporter, booklet: str | None = None) -> None:
    """An edition longer than its audience's `page_budget` is an error.

    The pages counted are the edition's pages as printed: in a booklet, its *booklet*-size pages.
    """
    audience = edition.audience
    if audience is not None and audience.page_budget is not None and pages > audience.page_budget:
        reporter.error(budget_error(brief, audience.id, pages, audience.page_budget, booklet))


def budget_error(brief: Brief, audience_id: str, pages: int, budget: int, booklet: str | None = None) -> BriefingError:
    """Too many pages for an audience: named by its id, at the manifest line of its page_budget."""
    from .yamlfile import load_yaml

    line = None
    try:
        spec = load_yaml(read_text(brief.manifest_path), brief.manifest_path)["audiences"][audience_id]
        line = spec.lines.get("page_budget")
    except (BriefingError, LookupError, TypeError, AttributeError):
        pass
    counted = f"{pages} {booklet} booklet pages" if booklet else f"{pages} pages"
    return BriefingError(f"the '{audience_id}' edition runs to {counted}, over its page_budget of {budget}: "
                         "shorten it, leave sections out of it, or raise the budget", brief.manifest_path, line)


@dataclass(frozen=True)
class Written:
    """What stage 5 put on disk."""

    path: Path
    size: int
    report: Path | None
    changed: bool
    """False when the same bytes were already there (the files were not rewritten)."""
    sheet_sides: int
    """Pages of an imposed booklet; 0 when not a booklet."""


def write_edition(brief: Brief, edition: Edition, document: Document, pdf: RenderedPdf, omitted: list[Omission],
                  output: Path | None, options: BuildOptions, copy: Copy | None) -> Written:
    """Stage 5: the PDF (imposed as a booklet if asked) and the edition report, each written atomically."""
    from .layout import impose_booklet
    from .layout.booklet import saddle_stitch_order

    name = edition.name + (f"-copy-{copy[0]:02d}" if copy else "") + ("-booklet" if options.booklet else "")
    target = output if output is not None else brief.root / OUTPUT_DIR / f"{name}.pdf"
    data = impose_booklet(pdf.data) if options.booklet else pdf.data
    changed = write_if_changed(target, data)
    report_path = None
    if options.report:
        report_path = target.with_suffix(".report.txt")
        changed |= write_if_changed(report_path, _report(edition, document, pdf.pages, omitted).encode("utf-8"))
    sides = len(saddle_stitch_order(pdf.pages)) if options.booklet else 0
    return Written(target, len(data), report_path, changed, sides)


def print_settings(manifest: Manifest, edition: Edition, options: BuildOptions, copy: Copy | None) -> PrintSettings:
    """Command line over audience over manifest."""
    audience = edition.audience

    def pick(option: object, *fallbacks: object) -> object:
        for value in (option, *fallbacks):
            if value is not None:
                return value
        return None

    standard = str(pick(options.pdf_standard, audience.pdf_standard if audience else None, manifest.pdf_standard))
    check_standard(standard, options)
    paper = pick(options.paper, manifest.paper)
    if options.booklet:
        paper = booklet_pages(str(paper))
    return PrintSettings(
        paper=str(paper),
        orientation=str(pick(options.orientation, audience.orientation if audience else None, manifest.orientation)),
        duplex=bool(pick(options.duplex, manifest.duplex)) or options.booklet,
        appendix_recto=manifest.appendix_recto,
        marks=bool(pick(options.print_marks, manifest.print_marks)),
        grayscale=options.grayscale,
        draft=bool(pick(options.draft, manifest.draft)),
        control_number=manifest.control_number,
        version=manifest.version,
        toc=str(pick(options.toc, manifest.toc)),
        copy=copy,
        tagged=manifest.tagged and not options.booklet,  # imposing the pages drops the structure tree
        pdf_standard=standard,
    )


#: The page a booklet is set on, by the paper named: its sheets are that paper's (A4 or Letter).
BOOKLET_PAGES = {"A4": "A5", "A5": "A5", "Letter": "HalfLetter"}


def booklet_pages(paper: str) -> str:
    """The booklet page size for *paper*; a paper no booklet folds from is refused, not guessed."""
    if paper not in BOOKLET_PAGES:
        raise UsageError(f"--booklet folds A4 sheets into A5 pages or Letter sheets into half-Letter pages; "
                         f"paper {paper} makes no booklet here: use --paper A4 or --paper Letter with --booklet")
    return BOOKLET_PAGES[paper]


def check_standard(standard: str, options: BuildOptions) -> None:
    """A PDF/A file carries one output intent (sRGB here): a CMYK press file cannot also be one."""
    if options.cmyk and "a-" in standard:
        raise UsageError(f"--cmyk cannot make a PDF/A file (pdf_standard {standard}): PDF/A needs an output intent "
                         "for its colours and briefing supplies only sRGB; build the press (--cmyk) and the archive "
                         "editions separately, or use --pdf-standard none for the press file")
    if options.booklet and standard != "none":
        raise UsageError(f"a booklet cannot be tagged or PDF/A (pdf_standard {standard}): imposing the pages drops "
                         "the structure tree; use --pdf-standard none with --booklet")


_NOT_A_RECIPIENT = "each recipient must be a name (or a mapping with 'name')"

#: A recipient written as a mapping (`- name: …`); the loader passes `who`, "recipient 3".
RECIPIENT = schema.Record(
    {"name": schema.Field(schema.text, required=True, message=_NOT_A_RECIPIENT, missing=_NOT_A_RECIPIENT)},
    error=BriefingError, unknown="{who}: unknown key '{key}'{hint}", list_known=True)


def load_recipients(path: Path) -> list[str]:
    """The recipients file of `--copies`: a YAML list of names (or of mappings with `name`); every bad one is named."""
    from .yamlfile import YamlList, load_yaml

    if not is_regular_file(path):
        raise UsageError(f"recipients file '{path}' not found")
    data = load_yaml(read_text(path), path)
    if not isinstance(data, YamlList) or not data:
        raise BriefingError("the recipients file must be a non-empty list of names", path, 1)
    reporter = Reporter()
    names = []
    for number, (item, line) in enumerate(zip(data, data.lines), start=1):
        if isinstance(item, dict):
            values, _ok = schema.parse(item, RECIPIENT, path, reporter, who=f"recipient {number}")
            names.append(values.get("name", ""))
        elif isinstance(item, str) and item.strip():
            names.append(item.strip())
        else:
            reporter.error(BriefingError(_NOT_A_RECIPIENT, path, line))
    reporter.raise_if_errors()
    return names


def _where(pos: SourcePos, root: Path) -> str:
    try:
        return f"{pos.path.relative_to(root)}:{pos.line}"
    except ValueError:
        return str(pos)


def _report(edition: Edition, document: Document, pages: int, omitted: list[Omission]) -> str:
    audience = edition.audience
    title = f"{audience.label} ({audience.id})" if audience else "default edition"
    lines = [
        f"Edition: {title}",
        f"Marking: {document.manifest.marking or '-'}",
        f"Language: {document.manifest.language}",
        f"Pages: {pages}",
        f"Sections: {', '.join(s.id for s in document.sections) or '-'}",
        f"Timeline events: {len(document.timeline)}",
        f"Sources cited: {len(document.cited)}",
        "",
        "Left out:" if omitted else "Left out: nothing",
        *(f"  - {item}" for item in omitted),
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- parallel editions

_WORKER_BRIEF: Brief | None = None


def _run_jobs(brief: Brief, jobs: list[Job]) -> Iterator[BuildResult]:
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2:
        for job in jobs:
            yield _attempt(brief, *job)
        return
    import multiprocessing  # only when there are editions to build side by side
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            yield _attempt(brief, *job)
        return
    global _WORKER_BRIEF
    _WORKER_BRIEF = brief  # inherited by the forked workers: the brief is loaded once
    _warm_up(brief.root / CACHE_DIR)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_worker, *job) for job in jobs]
        for future in futures:
            yield future.result()


def _warm_up(cache_dir: Path | None = None) -> None:
    """Import the layout stage and register fonts once, before forking."""
    from .layout import fonts

    fonts.use_cache_dir(cache_dir)
    fonts.register_fonts(("Serif", "Sans", "Mono"))


def warm_up() -> None:
    """Load what every build needs, for the `briefing serve` worker: the layout stage, fonts, the PDF writer."""
    _warm_up()
    from . import tagged  # noqa: F401  (pikepdf, for the structure tree)


def _worker(audience_id: str | None, output: Path | None, options: BuildOptions, copy: Copy | None) -> BuildResult:
    assert _WORKER_BRIEF is not None
    return _attempt(_WORKER_BRIEF, audience_id, output, options, copy)
