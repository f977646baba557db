"""`briefing check`: every problem in a brief at once, without writing a PDF.

It runs the whole pipeline for every edition — templates, Markdown, citations, leaks,
images, glyph coverage, and a layout pass for page budgets and print resolution — and
collects what it finds instead of stopping at the first error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from .brief import load_brief
from .build import OUTPUT_DIR, BuildOptions, parse_edition
from .edition import plan_edition, select_audiences
from .errors import BriefingError, BriefingWarning
from .model import Code, Document, SourcePos, Text


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
        for warning in _glyph_warnings(document):
            add(warning, name)
        _layout_pass(brief, audience, document, name, add, complete=not problems)
    if any(a is not None for a in audiences):  # unused across every edition
        for source in brief.sources:
            if source.id not in cited and not source.problem:
                add(BriefingWarning(f"source '{source.id}' is never cited", source.pos.path, source.pos.line), "")
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
