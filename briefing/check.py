"""`briefing check`: every problem in a brief at once, without writing a PDF.

It runs the whole pipeline for every edition — templates, Markdown, citations, leaks,
images, glyph coverage, and a layout pass for page budgets and print resolution — and
collects what it finds instead of stopping at the first error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .brief import load_brief
from .build import BuildOptions, Stages, check_budget, lay_out, prepare_document
from .cite import uncited_warning
from .edition import plan_edition, select_audiences
from .errors import BriefingWarning, Reporter
from .model import Audience, Brief, Code, Document, SourcePos, Text


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int | None
    level: str
    """"error" or "warning"."""
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "level": self.level, "message": self.message}


Found = dict[tuple[str, int | None, str, str], set[str]]
"""Each distinct problem (path, line, level, message) -> the editions it was found in."""


def check_brief(root: Path) -> list[Diagnostic]:
    """Every error and warning of the brief at *root*, sorted by file and line.

    The build's stages, with a collecting reporter and no write step. Problems in
    loading stop the check there, as the editions would only repeat them.
    """
    found: Found = {}
    root = root.resolve()
    reporter = Reporter()
    brief = reporter.attempt(partial(load_brief, root, reporter))
    _add(found, reporter, root, "")
    if brief is None or reporter.errors:
        return _finish(found, set())
    audiences = select_audiences(brief.manifest, ())
    cited: set[str] = set()
    for audience in audiences:
        reporter = Reporter()
        document = reporter.attempt(partial(_check_edition, brief, audience, reporter))
        _add(found, reporter, root, audience.id if audience else "")
        cited |= {source.id for source in document.cited} if document else set()
    if any(a is not None for a in audiences):  # unused across every edition
        unused = Reporter()
        for source in brief.sources:
            if source.id not in cited and not source.problem:
                unused.warn(uncited_warning(source))
        _add(found, unused, root, "")
    return _finish(found, {a.id if a else "" for a in audiences})


def _check_edition(brief: Brief, audience: Audience | None, reporter: Reporter) -> Document:
    """One edition's stages up to layout; the page budget only when nothing failed before it."""
    stage = Stages(audience.id if audience else brief.manifest.id)
    edition = stage("plan", plan_edition, brief, audience)
    document, _ = prepare_document(brief, edition, BuildOptions(), reporter, stage=stage)
    for warning in _glyph_warnings(document):
        reporter.warn(warning)
    complete = not reporter.errors
    pdf = reporter.attempt(partial(stage, "lay out", lay_out, brief, document, reporter))
    if complete and pdf is not None:
        check_budget(brief, edition, pdf.pages, reporter)
    return document


def _add(found: Found, reporter: Reporter, root: Path, edition: str) -> None:
    for problem in reporter.problems():
        level = "warning" if isinstance(problem, BriefingWarning) else "error"
        key = (_relative(problem.path, root), problem.line, level, problem.message)
        found.setdefault(key, set()).add(edition)


def _glyph_warnings(document: Document) -> list[BriefingWarning]:
    from .layout import glyphs_for

    plan = glyphs_for(document)
    warnings = []
    for text, pos in _texts(document):
        missing = plan.missing(text)
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:6])
            more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            warnings.append(BriefingWarning(
                f"characters {shown}{more} are in none of the theme's fonts or fallbacks and would print as "
                "empty boxes; add a font that has them to the theme's fallback_fonts", pos.path, pos.line))
    return warnings


def _texts(node: Any, pos: SourcePos | None = None) -> Iterator[tuple[str, SourcePos]]:
    """Every piece of author text in the document, with the nearest known position."""
    if isinstance(node, (Text, Code)):
        if pos is not None:
            yield node.text, pos
        return
    if isinstance(node, tuple):
        for item in node:
            yield from _texts(item, pos)
        return
    if is_dataclass(node) and not isinstance(node, type):
        pos = getattr(node, "pos", pos)
        for field in fields(node):
            value = getattr(node, field.name)
            if field.name == "title" and isinstance(value, str) and pos is not None:
                yield value, pos
            elif isinstance(value, tuple) or (is_dataclass(value) and not isinstance(value, SourcePos)):
                yield from _texts(value, pos)


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def _finish(found: dict[tuple[str, int | None, str, str], set[str]], editions: set[str]) -> list[Diagnostic]:
    diagnostics = []
    for (path, line, level, message), where in found.items():
        named = sorted(e for e in where if e)
        if named and set(where) != editions and len(editions) > 1:
            message = f"{message} (edition{'s' if len(named) > 1 else ''}: {', '.join(named)})"
        diagnostics.append(Diagnostic(path, line, level, message))
    return sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.level, d.message))


def to_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
