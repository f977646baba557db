"""`briefing check`: every problem in a brief at once, without writing a PDF.

It runs the whole pipeline for every edition — templates, Markdown, citations, leaks,
images, glyph coverage, and a layout pass for page budgets and print resolution — and
collects what it finds instead of stopping at the first error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .brief import load_brief
from .build import (BuildOptions, Stages, check_accessibility, check_budget, check_glyphs, lay_out,
                    never_cited, prepare_document)
from .edition import plan_edition, select_audiences
from .errors import BriefingWarning, Reporter
from .images import use_cache_dir
from .model import Audience, Brief, Document
from .workersocket import CACHE_DIR


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
    use_cache_dir(brief.root / CACHE_DIR)  # this brief's image checks, not the last build's
    audiences = select_audiences(brief.manifest, ())
    cited: set[str] = set()
    for audience in audiences:
        reporter = Reporter()
        document = reporter.attempt(partial(_check_edition, brief, audience, reporter))
        _add(found, reporter, root, audience.id if audience else "")
        cited |= {source.id for source in document.cited} if document else set()
    if any(a is not None for a in audiences):  # unused across every edition
        unused = Reporter()
        for warning in never_cited(brief, cited):
            unused.warn(warning)
        _add(found, unused, root, "")
    return _finish(found, {a.id if a else "" for a in audiences})


def _check_edition(brief: Brief, audience: Audience | None, reporter: Reporter) -> Document:
    """One edition's stages up to layout; the page budget only when nothing failed before it."""
    stage = Stages(audience.id if audience else brief.manifest.id)
    edition = stage("plan", plan_edition, brief, audience)
    document, _ = prepare_document(brief, edition, BuildOptions(), reporter, stage=stage)
    stage("glyphs", check_glyphs, brief, document, reporter)
    check_accessibility(brief, document, reporter)
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
        some = named and set(where) != editions and len(editions) > 1
        shown = f"{message} (edition{'s' if len(named) > 1 else ''}: {', '.join(named)})" if some else message
        diagnostics.append(Diagnostic(path, line, level, shown))
    return sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.level, d.message))


def to_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
