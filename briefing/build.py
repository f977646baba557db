"""The pipeline, in order: load -> render -> parse -> lay out -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .brief import load_brief
from .cite import resolve_citations
from .errors import BriefingWarning, raise_all
from .markdown import number_headings, parse_markdown
from .model import Brief, Document, Section, SourcePos
from .templating import make_environment, render_section, template_context
from .write import write_atomic

OUTPUT_DIR = "output"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    warnings: tuple[BriefingWarning, ...] = ()


def build(root: Path, output: Path | None = None, strict: bool = False) -> BuildResult:
    """Build the brief folder at *root* into a PDF and return where it went.

    With *strict*, any warning fails the build before anything is written.
    """
    brief = load_brief(root)
    document, warnings = parse_brief(brief)
    from .layout import render_pdf

    pdf = render_pdf(document, cache_dir=brief.root / OUTPUT_DIR / ".cache")
    warnings += pdf.warnings
    if strict:
        raise_all(list(warnings))
    target = output if output is not None else brief.root / OUTPUT_DIR / f"{brief.manifest.id}.pdf"
    write_atomic(target, pdf.data)
    return BuildResult(target, pdf.pages, len(pdf.data), tuple(warnings))


def parse_brief(brief: Brief) -> tuple[Document, list[BriefingWarning]]:
    """Render every section's template, parse the Markdown, resolve citations."""
    env = make_environment(brief.partials_dir)
    context = template_context(brief)
    sections: list[Section] = []
    number = 0
    for source in brief.sections:
        text = render_section(env, source, context)
        section_number = None
        if source.numbered and brief.manifest.numbered_headings:
            number += 1
            section_number = str(number)
        blocks = number_headings(parse_markdown(text, source.path, brief.root), section_number)
        sections.append(Section(source.id, source.title, blocks, SourcePos(source.path, 1), section_number))
    cited, uncited, warnings = resolve_citations(tuple(sections), brief.timeline, brief.sources, brief.manifest_path)
    document = Document(brief.manifest, tuple(sections), brief.timeline, cited, uncited)
    return document, list(warnings)

