"""`briefing check`: every problem in a brief at once, without writing a PDF.

It runs the whole pipeline for every edition — templates, Markdown, citations, leaks,
images, glyph coverage, and a layout pass for page budgets and print resolution — and
collects what it finds instead of stopping at the first error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .brief import load_brief
from .build import OUTPUT_DIR, BuildOptions, never_cited, parse_edition
from .edition import plan_edition, select_audiences
from .errors import BriefingError, BriefingWarning
from .glyphs import glyph_warnings
from .model import Document


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


def check_brief(root: Path) -> list[Diagnostic]:
    """Every error and warning of the brief at *root*, sorted by file and line."""
    found: dict[tuple[str, int | None, str, str], set[str]] = {}
    root = root.resolve()

    def add(problem: BriefingError, edition: str) -> None:
        for error in getattr(problem, "errors", [problem]):
            level = "warning" if isinstance(error, BriefingWarning) else "error"
            key = (_relative(error.path, root), error.line, level, error.message)
            found.setdefault(key, set()).add(edition)

    try:
        brief = load_brief(root)
    except BriefingError as error:
        add(error, "")
        return _finish(found, set())
    audiences = select_audiences(brief.manifest, ())
    editions = {a.id if a else "" for a in audiences}
    cited: set[str] = set()
    for audience in audiences:
        name = audience.id if audience else ""
        problems: list[BriefingError] = []
        try:
            edition = plan_edition(brief, audience)
            document, warnings, _ = parse_edition(brief, edition, BuildOptions(), problems=problems)
        except BriefingError as error:
            for problem in [*problems, error]:
                add(problem, name)
            continue
        for problem in [*problems, *warnings]:
            add(problem, name)
        cited |= {source.id for source in document.cited}
        try:
            for warning in glyph_warnings(document, brief.manifest_path):
                add(warning, name)
        except BriefingError as error:  # a fallback font that cannot be read
            add(error, name)
        _layout_pass(brief, audience, document, name, add, complete=not problems)
    if any(a is not None for a in audiences):  # unused across every edition
        for warning in never_cited(brief, cited):
            add(warning, "")
    return _finish(found, editions)


def _layout_pass(brief, audience, document: Document, name: str, add, complete: bool) -> None:  # type: ignore[no-untyped-def]
    """Lay the edition out in memory: image resolution, and (when nothing is missing) the page budget."""
    from .layout import render_pdf

    try:
        pdf = render_pdf(document, cache_dir=brief.root / OUTPUT_DIR / ".cache")
    except BriefingError as error:
        add(error, name)
        return
    for warning in pdf.warnings:
        add(warning, name)
    budget = audience.page_budget if audience else None
    if complete and budget is not None and pdf.pages > budget:
        add(BriefingError(f"edition '{name}' runs to {pdf.pages} pages; its page_budget is {budget}",
                          brief.manifest_path), name)


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
