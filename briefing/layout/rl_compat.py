"""Every use of ReportLab's (and pyphen's) undocumented internals, in one place.

The layout relies on a few members these libraries do not document: a frame's
position, the canvas's page stream and its document's page counter, the parts of a
laid-out paragraph, the paragraph parser, pyphen's pattern cache. Each is wrapped
here in a small function that says why it is needed. Nothing else in the package
touches a private name, so an upgrade is checked against this module alone, and
`tests/test_rl_compat.py` pins the versions it was tested with and checks that
every member used here still exists.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pyphen
from reportlab import rl_config
from reportlab.lib.abag import ABag
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, Paragraph
from reportlab.platypus.doctemplate import PageBegin
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser, known_entities

#: The ReportLab versions this module is tested with: the lowest, and the first one not
#: supported (pyproject.toml pins the same range). 4.4.6 to 5.1.0 give byte-identical
#: PDFs of the default brief; 4.4.5 and earlier write different bytes.
REPORTLAB_VERSIONS = ((4, 4, 6), (5, 2, 0))


# ---------------------------------------------------------------------------- settings


@contextmanager
def pdf_settings() -> Iterator[None]:
    """ReportLab's process-wide output settings for the duration of one document build.

    Streams are Flate-compressed, never also ASCII85-encoded (`useA85`, on by default:
    a third larger and slower, in pure Python). The previous value is restored, so
    importing or building changes nothing for other users of ReportLab.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


# ---------------------------------------------------------------------------- frames and templates


def frame_at_top(frame: Frame) -> bool:
    """Nothing is placed in *frame* yet: a heading need not move on, a figure need not float."""
    return bool(frame._atTop)


def frame_space_left(frame: Frame) -> float:
    """The height left below what *frame* holds, for keep-with-next and figure floats."""
    return float(frame._y - frame._y1p)


def frame_width(frame: Frame) -> float:
    """The width flowables are wrapped at in *frame* (its width less padding)."""
    return float(frame._getAvailableWidth())


def frame_height(frame: Frame) -> float:
    """The height *frame* can offer at most, to measure what keep-with-next must fit."""
    return float(frame._aH)


def text_line_position(canvas: Canvas) -> tuple[float, float]:
    """Where the line being drawn starts (x, baseline y, in the paragraph's coordinates), in an
    `<onDraw>` callback: a footnote call tells its sidenote which line it is on."""
    info = canvas._curr_tx_info
    return float(info["cur_x"]), float(info["cur_y"])


def line_callbacks(paragraph: Paragraph) -> list[tuple[str, str]]:
    """(name, label) of the `<onDraw>` callbacks in a wrapped paragraph's lines (a split-off
    part keeps its lines but not its markup): which footnotes does this part call?"""
    lines = getattr(getattr(paragraph, "blPara", None), "lines", ())
    return [(word.cbDefn.name, str(getattr(word.cbDefn, "label", ""))) for line in lines
            for word in getattr(line, "words", ())
            if getattr(word, "cbDefn", None) is not None and getattr(word.cbDefn, "kind", "") == "onDraw"]


def frame_rect(frame: Frame) -> tuple[float, float, float, float]:
    """The frame's own rectangle (x, y, width, height), for notes set at its foot."""
    return float(frame._x1), float(frame._y1), float(frame._width), float(frame._height)


def reset_frame_foot(frame: Frame) -> None:
    """Give *frame* back its whole height: room kept for footnotes is kept per page."""
    frame._y1p = frame._y1 + frame._bottomPadding


def raise_frame_foot(frame: Frame, height: float) -> None:
    """Keep *height* points at the foot of *frame* free: the notes of its text go there."""
    frame._y1p += height


def start_frame_below(frame: Frame, y: float) -> None:
    """Begin *frame* lower, below what spans the page above it (a full-width figure)."""
    frame._y = min(frame._y, y)


def current_frame_top(frame: Frame) -> float:
    """The y below which *frame* places its next flowable."""
    return float(frame._y)


def forget_table_widths(table: Any) -> None:
    """Make a Table work out its column widths again at the next wrap: it keeps the first."""
    if hasattr(table, "_width_calculated_once"):
        del table._width_calculated_once


def kept_flowables(flowable: KeepTogether) -> list[Flowable]:
    """What a KeepTogether holds: a table kept whole is as wide as the table."""
    return list(flowable._content)


def count_page_content(doc: BaseDocTemplate) -> None:
    """Tell *doc* the current page has content, though no flowable was placed on it.

    A page holding only the timeline sidebar is not empty: without this, ReportLab
    treats a page break on it as a break on a blank page and skips it.
    """
    doc._curPageFlowableCount += 1


def begin_pending_page(doc: BaseDocTemplate) -> None:
    """Begin the page *doc* has ended but not yet begun (it begins pages lazily, when a
    flowable arrives), so that what is drawn next, the sidebar, lands on a new page."""
    if doc._hanging and doc._hanging[-1] is PageBegin:
        doc.clean_hanging()


def doc_template(canvas: Canvas) -> Any:
    """The document template laying out onto *canvas* (None outside a platypus build),
    for a full-width figure to tell it which band of the page it covers."""
    return getattr(canvas, "_doctemplate", None)


def kept_height(flowable: KeepTogether) -> float:
    """The full height of a KeepTogether's content; its wrap answers "too tall" on
    purpose when the content must split, so the real height is only kept here."""
    return float(flowable._H)


class FixedSizeFlowable(Flowable):
    """A flowable that ImageAndFlowables places at its own size.

    ImageAndFlowables shrinks its "image" through these two private hooks; a figure
    keeps its size and moves to the next page instead.
    """

    def _restrictSize(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: N802
        return self.width, self.height

    def _unRestrictSize(self) -> None:  # noqa: N802
        pass


# ---------------------------------------------------------------------------- paragraphs


def has_lines(paragraph: Paragraph) -> bool:
    """*paragraph* has been broken into lines by a wrap and not split since."""
    return "blPara" in paragraph.__dict__


def line_count(paragraph: Paragraph) -> int:
    """The number of lines of a wrapped *paragraph*."""
    return len(paragraph.blPara.lines)


def last_line_slack(paragraph: Paragraph) -> float:
    """The free width at the end of a wrapped *paragraph*'s last line: where a contents
    entry's dot leader starts."""
    last = paragraph.blPara.lines[-1]
    return float(last.extraSpace if hasattr(last, "extraSpace") else last[0])


def clean_text(markup: str) -> str:
    """The markup as ReportLab's Paragraph cleans it before parsing (whitespace runs)."""
    return str(cleanBlockQuotedText(markup))


def transform_text(frags: list[Any], style: ParagraphStyle) -> None:
    """Apply the style's textTransform (uppercase, …) to *frags*, as Paragraph does."""
    textTransformFrags(frags, style)


def parse_fragments(markup: str, style: ParagraphStyle) -> list[Any] | None:
    """What ReportLab's own parser makes of *markup* in *style*: its fragments, or None."""
    parser = ParaParser()
    parser.caseSensitive = 1  # as Paragraph sets it
    _, parsed, _ = parser.parse(markup, style)
    return list(parsed) if parsed else None


def entity(name: str) -> str | None:
    """The character of a named entity (`&nbsp;` -> "\\xa0") as ReportLab's parser knows it."""
    char = known_entities.get(name)
    return None if char is None else str(char)


def copy_fragment(prototype: Any, text: str) -> Any:
    """A copy of a parsed fragment with other text (what `ABag.clone` does, faster)."""
    frag = object.__new__(prototype.__class__)
    frag.__dict__ = {**prototype.__dict__, "text": text}
    return frag


def rename_anchor(frag: Any, name: str) -> None:
    """Point the `<a name>` callback of an anchor fragment at the destination *name*."""
    frag.cbDefn = ABag(**{**vars(frag.cbDefn), "name": name})


# ---------------------------------------------------------------------------- canvas and images


def image_xobject(name: str, image: Any) -> Any:
    """The PDF image object (compressed pixels) of an ImageReader, named *name*."""
    xobject = pdfdoc.PDFImageXObject(name, image, mask=None)
    xobject.name = name
    return xobject


def draw_xobject(canvas: Canvas, name: str, make: Callable[[], Any], x: float, y: float,
                 width: float, height: float) -> None:
    """Place the image object called *name* at (x, y, width, height), registering the one
    *make* returns with this document the first time.

    `canvas.drawImage` would hash and re-encode the pixels on every call; an image made
    once and kept (across rebuilds in `briefing watch`) is registered directly instead.
    """
    canvas._currentPageHasImages = 1
    reg_name = canvas._doc.getXObjectName(name)
    if not canvas._doc.idToObject.get(reg_name):
        xobject = make()
        canvas._setXObjects(xobject)
        canvas._doc.Reference(xobject, reg_name)
        canvas._doc.addForm(name, xobject)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{reg_name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)


def hold_page(canvas: Canvas) -> dict[str, Any]:
    """End the current page without writing it: its state, to be written by `write_held`.

    The document's page counter still advances, so bookmarks, links and named
    destinations made on later pages point at the right page numbers.
    """
    state = dict(canvas.__dict__)
    canvas._startPage()
    canvas._doc.pageCounter += 1
    canvas._doc.inObject = None
    return state


def rewind_pages(canvas: Canvas, count: int) -> None:
    """Step the page counter back over *count* held pages before they are really written."""
    canvas._doc.pageCounter -= count


def resume_page(canvas: Canvas, state: dict[str, Any]) -> None:
    """Make a held page the canvas's current page again, to finish and write it."""
    canvas.__dict__.update(state)


# ---------------------------------------------------------------------------- pyphen


def cached_patterns(path: Any) -> bool:
    """pyphen has already loaded the hyphenation patterns file *path* in this process."""
    return path in pyphen.hdcache


def load_patterns(path: Any) -> Any:
    """Parse the patterns file *path* and put it in pyphen's process-wide cache."""
    table = pyphen.HyphDict(path)
    pyphen.hdcache[path] = table
    return table


def pattern_data(table: Any) -> tuple[dict[str, tuple[int, tuple[int, ...]]], int]:
    """(patterns, longest pattern) of a loaded table: what `store_patterns` needs back."""
    return table.patterns, table.maxlen


def store_patterns(path: Any, patterns: dict[str, tuple[int, tuple[int, ...]]], maxlen: int) -> None:
    """Put a table rebuilt from cached data in pyphen's cache, as if *path* had been parsed
    (pyphen has no constructor from data; parsing the file is the cost being saved)."""
    table = pyphen.HyphDict.__new__(pyphen.HyphDict)
    table.patterns, table.cache, table.maxlen = patterns, {}, maxlen
    pyphen.hdcache[path] = table
