"""Rebuilds in one long-lived process (`briefing serve`, `briefing watch`): a layout is reused
when nothing it is made of changed.

A build of an unchanged brief in a warm process spent nearly all its time laying out the
same document again (the anchors' small brief: ~50 of ~55 ms). Inside `between_builds`, the
layout of an edition is kept, keyed by the content of everything it is made of: the document
(its `repr`, which names every value and its type), the bytes of every file the layout reads
(figures, the cover logo, the brief's own fonts), whether a layout log was asked for and
SOURCE_DATE_EPOCH. The same key gives the same PDF, byte for byte, as the layout is
deterministic. A brief that changed is laid out again, borrowing the line breaks of the build
before (`layout.lending_between_builds`). The timeline and sources files, which take most of
loading a large brief (~50 of ~60 ms for 300 events and 200 sources), are parsed again only
when their text changed (`load_once`). A process that builds once keeps nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from .model import Document, Figure, iter_nodes

if TYPE_CHECKING:
    from .layout import RenderedPdf

log = logging.getLogger("briefing")

#: Layouts kept, the most recently used: a brief's four editions, or an edit and its undo. Each
#: holds its PDF's bytes (the anchors' large brief: ~9 MB), which a worker keeps between builds.
MAX_KEPT = 4
#: Whether builds keep their layouts for the next build in this process (`between_builds`).
_ON = [False]
#: (key, layout), the most recent first.
_KEPT: list[tuple[bytes, RenderedPdf]] = []
#: (loader, file) -> (the file's text, what the loader made of it), for `load_once`.
_LOADED: dict[tuple[str, Path], tuple[str, object]] = {}
T = TypeVar("T")


@contextmanager
def between_builds() -> Iterator[None]:
    """Builds inside keep their layouts and line breaks for the next build in this process."""
    from .layout import lending_between_builds

    previous, _ON[0] = _ON[0], True
    try:
        with lending_between_builds():
            yield
    finally:
        _ON[0] = previous


def load_once(load: Callable[[Path], T], path: Path) -> T:
    """*load(path)*, or what it returned in an earlier build for the same text of *path*.

    For loaders whose result is frozen values made from that one file alone (`load_timeline`,
    `load_sources`). The text is read before and after loading, and the result kept only when
    the two agree, so a file written during the load is parsed again next time. A load that
    fails is not kept: every build reports its errors.
    """
    from .files import read_text

    if not _ON[0]:
        _LOADED.clear()
        return load(path)
    key = (load.__qualname__, path)
    try:
        text = read_text(path)
    except Exception:  # not readable: the loader says why
        return load(path)
    kept = _LOADED.get(key)
    if kept is not None and kept[0] == text:
        return kept[1]  # type: ignore[return-value]
    _LOADED.pop(key, None)
    value = load(path)
    if read_text(path) == text:
        _LOADED[key] = (text, value)
    return value


def lay_out_once(document: Document, layout_log: bool, render: Callable[[], RenderedPdf]) -> RenderedPdf:
    """*render*'s layout of *document*, or the one kept from an earlier build of the same content."""
    if not _ON[0]:
        _KEPT.clear()
        return render()
    key = layout_key(document, layout_log)
    for index, (kept, pdf) in enumerate(_KEPT):
        if kept == key:
            _KEPT.insert(0, _KEPT.pop(index))
            log.info("layout: the same as a build before (document and files unchanged)")
            return pdf
    pdf = render()
    _KEPT.insert(0, (key, pdf))
    del _KEPT[MAX_KEPT:]
    return pdf


def layout_key(document: Document, layout_log: bool) -> bytes:
    """A digest of everything *document*'s layout is made of (see the module's docstring)."""
    digest = hashlib.sha256(repr(document).encode("utf-8", "surrogatepass"))
    digest.update(repr((layout_log, os.environ.get("SOURCE_DATE_EPOCH"))).encode())
    for path in read_files(document):
        digest.update(os.fsencode(path) + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as error:
            digest.update(repr(error).encode())
    return digest.digest()


def read_files(document: Document) -> list[Path]:
    """The files the layout of *document* reads, by name: its figures, the cover logo, the
    fallback fonts in the brief and the theme's own fonts (the packaged fonts are code)."""
    files = [figure.path for figure in iter_nodes((document.sections, document.timeline), Figure)]
    if document.manifest.logo:
        files.append(Path(document.manifest.logo))
    files += document.fallback_fonts
    files += (Path(name) for _family, styles in document.theme.font_files for _style, name in styles)
    return sorted(set(files))
