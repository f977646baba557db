"""Glyph coverage: every printed character has a font, or the author is told where it is.

One set of rules for `build` and `check`: both call `glyph_warnings` on an edition's
document, so a character no embedded font has (it would print as nothing) is a
warning naming its file and line in either, and `--strict` fails on it. The texts
scanned are those the PDF prints: the body (headings, paragraphs, lists, tables,
code, boxes, captions and credits), the timeline, every printed field of the
sources, and the manifest's title block, marking and footer texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import BriefingWarning
from .model import Code, CodeBlock, Document, Figure, Source, SourcePos, Text, TimelineDate

#: A right-to-left run longer than this cannot stay on one line and may be set out of order.
MAX_RTL_RUN = 60

#: Fields of model nodes whose text is printed (ids, paths, kinds and levels are not).
_PRINTED = frozenset({"title", "text", "credit", "locator", "label", "author", "publisher", "note", "url"})
#: The manifest's printed texts: title block, running head, footer, marking.
_MANIFEST_FIELDS = ("title", "subtitle", "organisation", "authors", "marking", "notice", "recipients",
                    "control_number", "version")


def glyph_warnings(document: Document, manifest_path: Path, cache_dir: Path | None = None) -> list[BriefingWarning]:
    """A warning for every run of characters no font has, and every too-long right-to-left run.

    This is where a build registers its fonts first, so their parsed tables are kept in
    *cache_dir* (the brief's output/.cache) from here on.
    """
    from .layout import fonts, glyphs_for
    from .layout.bidi import RTL_CHARS

    fonts.use_cache_dir(cache_dir)
    plan = glyphs_for(document)
    long_rtl = re.compile(f"[{RTL_CHARS}][^A-Za-z\n]{{{MAX_RTL_RUN - 2},}}[{RTL_CHARS}]")
    warnings: list[BriefingWarning] = []
    seen: set[tuple[str, str, int | None]] = set()
    for text, pos in printed_texts(document, manifest_path):
        for run in plan.missing_runs(text):
            if (run, str(pos.path), pos.line) not in seen:
                seen.add((run, str(pos.path), pos.line))
                warnings.append(BriefingWarning(_missing_message(run), pos.path, _line_of(run, pos)))
        match = long_rtl.search(text)
        if match:
            warnings.append(BriefingWarning(
                f"a right-to-left passage of {len(match.group())} characters is set in a left-to-right line "
                f"and may break across lines out of order; right-to-left runs up to {MAX_RTL_RUN} characters "
                "are supported", pos.path, _line_of(match.group()[:10], pos)))
    return warnings


def _missing_message(run: str) -> str:
    shown = run if len(run) <= 24 else run[:24] + "…"
    codes = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(run) if not c.isspace())
    codes = codes if len(codes) <= 60 else codes[:60].rsplit(",", 1)[0] + ", …"
    return (f"no embedded font has the characters '{shown}' ({codes}); they would print as nothing. "
            "Add a TrueType font that has them to the theme's fallback_fonts")


def _line_of(run: str, pos: SourcePos) -> int | None:
    """The line of *pos*'s file that holds *run*, at or after *pos* (else *pos*'s own line)."""
    try:
        lines = _file_lines(pos.path, pos.path.stat().st_mtime_ns)
    except OSError:
        return pos.line
    start = (pos.line or 1) - 1
    needle = run.strip().split()[0] if run.strip() else run
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return pos.line


@lru_cache(maxsize=64)
def _file_lines(path: Path, _mtime_ns: int) -> tuple[str, ...]:
    """The lines of *path* as it is now (the modification time keys the cache, for `watch`)."""
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def printed_texts(document: Document, manifest_path: Path) -> Iterator[tuple[str, SourcePos]]:
    """Every printed text of the edition with the nearest known position."""
    manifest, here = document.manifest, SourcePos(manifest_path, None)
    for name in _MANIFEST_FIELDS:
        value = getattr(manifest, name)
        for text in (value if isinstance(value, tuple) else (value,)):
            if isinstance(text, str):
                yield text, here
    for text in manifest.labels.values():
        yield text, here
    yield from _texts(document.sections)
    yield from _texts(document.timeline)
    further = manifest.sources is not None and manifest.sources.further_reading
    yield from _texts(document.cited + (document.uncited if further else ()))


def _texts(node: Any, pos: SourcePos | None = None) -> Iterator[tuple[str, SourcePos]]:
    """The printed texts inside a model node or tuple of nodes."""
    if isinstance(node, tuple):
        for item in node:
            yield from _texts(item, pos)
        return
    printed, children = _fields(type(node))
    pos = getattr(node, "pos", pos)
    if pos is not None:
        for name in printed:
            value = getattr(node, name)
            for text in (value if isinstance(value, tuple) else (value,)):
                if isinstance(text, str):
                    yield text, pos
    for name in children:
        value = getattr(node, name)
        if isinstance(value, tuple) or hasattr(type(value), "__dataclass_fields__"):
            yield from _texts(value, pos)


_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(printed text fields, fields that may hold nodes) of a model class, found once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) and cls is not SourcePos else ()
        found = _FIELDS[cls] = (tuple(n for n in names if n in _PRINTED and _printed(cls, n)),
                                tuple(n for n in names if n != "pos"))
    return found


def _printed(cls: type, name: str) -> bool:
    """Whether field *name* of *cls* reaches the page (a figure's alt text and a link's URL do not)."""
    if issubclass(cls, (Text, Code, CodeBlock)):
        return name == "text"
    if issubclass(cls, Figure):
        return name == "credit"
    if issubclass(cls, Source):
        return True
    if issubclass(cls, TimelineDate):
        return name == "label"
    return name in ("title", "locator")
