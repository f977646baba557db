"""The pipeline, in order: load -> (per edition) render -> parse -> tailor -> lay out -> write."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .brief import load_brief
from .cite import iter_citations, resolve_citations
from .edition import Edition, Omission, check_leaks, edition_marking, plan_edition, select_audiences, tailor
from .errors import BriefingError, BriefingWarning, raise_all
from .markdown import number_headings, parse_markdown
from .model import Brief, Document, Manifest, PrintSettings, Section, SourcePos
from .themes import load_theme, to_cmyk, to_grayscale
from .templating import SectionRenderer, template_context
from .write import sweep_temp_files, write_atomic

OUTPUT_DIR = "output"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    edition: str
    """The audience id, or '' for a brief without audiences."""
    warnings: tuple[BriefingWarning, ...] = ()
    report: Path | None = None
    marking: str | None = None
    """The edition's banner marking, as printed on its pages."""
    copy: tuple[int, int, str] | None = None
    """(number, total, recipient) of a numbered controlled copy."""


class UsageError(BriefingError):
    exit_code = 2


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


def build(root: Path, output: Path | None = None, strict: bool = False, audiences: tuple[str, ...] = (),
          report: bool = False, on_done: Callable[[BuildResult], None] | None = None,
          options: BuildOptions | None = None, copies: Path | None = None,
          on_start: Callable[[int], None] | None = None) -> list[BuildResult]:
    """Build every edition (or the named *audiences*) of the brief at *root*.

    With *copies* (a YAML list of recipients), each edition is built once per
    recipient as a numbered controlled copy. Editions build in parallel worker
    processes when there are several and more than one core.
    """
    options = options or BuildOptions()
    if strict or report:
        options = dataclasses.replace(options, strict=options.strict or strict, report=options.report or report)
    brief = load_brief(root)
    targets = select_audiences(brief.manifest, audiences)
    recipients = load_recipients(copies, brief.root) if copies else [None]
    if output is not None and len(targets) * len(recipients) > 1:
        raise UsageError("-o/--output names one file, but this build makes several PDFs; add --audience NAME")
    jobs = [
        (a.id if a else None, output, options, (index, len(recipients), name) if name else None)
        for a in targets
        for index, name in enumerate(recipients, start=1)
    ]
    sweep_temp_files(output.parent if output is not None else brief.root / OUTPUT_DIR)
    if on_start is not None:
        on_start(len(jobs))
    results = []
    for result in _run_jobs(brief, jobs):
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results


def build_edition(brief: Brief, audience_id: str | None, output: Path | None, options: BuildOptions,
                  copy: tuple[int, int, str] | None = None) -> BuildResult:
    audience = next((a for a in brief.manifest.audiences if a.id == audience_id), None)
    edition = plan_edition(brief, audience)
    document, warnings, omitted = parse_edition(brief, edition, options, copy)
    from .layout import impose_booklet, render_pdf

    out_dir = brief.root / OUTPUT_DIR
    pdf = render_pdf(document, cache_dir=out_dir / ".cache")
    warnings += pdf.warnings
    budget = audience.page_budget if audience else None
    if budget is not None and pdf.pages > budget:
        raise BriefingError(f"edition '{edition.name}' runs to {pdf.pages} pages; its page_budget is {budget}",
                            brief.manifest_path)
    if options.strict:
        raise_all(list(warnings))
    name = edition.name + (f"-copy-{copy[0]:02d}" if copy else "") + ("-booklet" if options.booklet else "")
    target = output if output is not None else out_dir / f"{name}.pdf"
    data = impose_booklet(pdf.data) if options.booklet else pdf.data
    write_atomic(target, data)
    report_path = None
    if options.report:
        report_path = target.with_suffix(".report.txt")
        write_atomic(report_path, _report(edition, document, pdf.pages, omitted).encode("utf-8"))
    return BuildResult(target, pdf.pages, len(data), audience_id or "", tuple(warnings), report_path,
                       document.manifest.marking, copy)


def parse_brief(brief: Brief) -> tuple[Document, list[BriefingWarning]]:
    """The document of a brief's default edition (the first audience, or the only one)."""
    audience = brief.manifest.audiences[0] if brief.manifest.audiences else None
    document, warnings, _ = parse_edition(brief, plan_edition(brief, audience), BuildOptions())
    return document, warnings


def parse_edition(brief: Brief, edition: Edition, options: BuildOptions,
                  copy: tuple[int, int, str] | None = None,
                  problems: list[BriefingError] | None = None) -> tuple[Document, list[BriefingWarning], list[Omission]]:
    """Render the edition's templates, parse the Markdown, tailor it, resolve citations.

    With *problems* (as `briefing check` does), a section that fails is recorded there
    and skipped, so one run reports the problems of every section.
    """
    renderer = SectionRenderer(brief.partials_dir)
    context = template_context(edition.manifest, edition.audience)
    levels = brief.manifest.levels
    omitted = list(edition.omitted)
    present = {s.level for s in edition.sections if s.level} | {e.level for e in edition.timeline if e.level}
    sections: list[Section] = []
    number = 0
    for source in edition.sections:
        section_number = None
        if source.numbered and brief.manifest.numbered_headings:
            number += 1
            section_number = str(number)
        try:
            rendered = renderer.render(source, context)
            blocks = parse_markdown(rendered.text, source.path, brief.root, rendered.line_map)
            section = Section(source.id, source.title, blocks, SourcePos(source.path, 1), section_number)
            (section,) = tailor([section], edition.audience, levels, brief.root, omitted, present)
        except BriefingError as error:
            if problems is None:
                raise
            problems.extend(getattr(error, "errors", [error]))
            continue
        sections.append(dataclasses.replace(section, blocks=number_headings(section.blocks, section_number)))
    citations = list(iter_citations((tuple(sections), edition.timeline)))
    cited, uncited, warnings = resolve_citations(citations, edition.sources, brief.manifest_path, problems)
    try:
        check_leaks(cited, citations, edition.audience, levels)
    except BriefingError as error:
        if problems is None:
            raise
        problems.extend(getattr(error, "errors", [error]))
    present |= {s.level for s in cited if s.level}
    omitted += [Omission(f"source '{s.id}'", _where(s.pos, brief.root), "not cited in this edition") for s in uncited]
    manifest = dataclasses.replace(edition.manifest, marking=edition_marking(brief.manifest, edition.audience, present))
    theme = load_theme(edition.audience.theme if edition.audience and edition.audience.theme else manifest.theme,
                       brief.root, brief.manifest_path)
    if options.grayscale:
        theme = to_grayscale(theme)
    if options.cmyk:
        theme = to_cmyk(theme)
    from .brief import resolve_inside

    fallbacks = tuple(resolve_inside(brief.root, f, brief.manifest_path) for f in theme.fallback_fonts)
    document = Document(manifest, tuple(sections), edition.timeline, cited, uncited, theme,
                        print_settings(manifest, edition, options, copy), fallbacks)
    if edition.audience is not None:  # an edition leaves sources out on purpose: not worth a warning
        warnings = []
    return document, list(warnings), omitted


def print_settings(manifest: Manifest, edition: Edition, options: BuildOptions,
                   copy: tuple[int, int, str] | None) -> PrintSettings:
    """Command line over audience over manifest."""
    audience = edition.audience

    def pick(option: object, *fallbacks: object) -> object:
        for value in (option, *fallbacks):
            if value is not None:
                return value
        return None

    paper = pick(options.paper, manifest.paper)
    if options.booklet:
        paper = {"Letter": "HalfLetter"}.get(str(paper), "A5")
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
    )


def load_recipients(path: Path, root: Path) -> list[str]:
    """The recipients file of `--copies`: a YAML list of names (or of mappings with `name`)."""
    from .brief import read_text
    from .yamlfile import YamlList, load_yaml

    if not path.is_file():
        raise UsageError(f"recipients file '{path}' not found")
    data = load_yaml(read_text(path), path)
    if not isinstance(data, YamlList) or not data:
        raise BriefingError("the recipients file must be a non-empty list of names", path, 1)
    names = []
    for item, line in zip(data, data.lines):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise BriefingError("each recipient must be a name (or a mapping with 'name')", path, line)
        names.append(name.strip())
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


def _run_jobs(brief: Brief, jobs: list[tuple]) -> Iterator[BuildResult]:
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2:
        for job in jobs:
            yield build_edition(brief, *job)
        return
    import multiprocessing  # only when there are editions to build side by side
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            yield build_edition(brief, *job)
        return
    global _WORKER_BRIEF
    _WORKER_BRIEF = brief  # inherited by the forked workers: the brief is loaded once
    _warm_up()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_worker, *job) for job in jobs]
        for future in futures:
            yield future.result()


def _warm_up() -> None:
    """Import the layout stage and register fonts once, before forking."""
    from .layout import fonts

    fonts.register_fonts(("Serif", "Sans", "Mono"))


def _worker(audience_id: str | None, output: Path | None, options: BuildOptions,
            copy: tuple[int, int, str] | None) -> BuildResult:
    assert _WORKER_BRIEF is not None
    return build_edition(_WORKER_BRIEF, audience_id, output, options, copy)
