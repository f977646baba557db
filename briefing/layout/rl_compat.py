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


# ---------------------------------------------------------------------------- tagging


def page_code(canvas: Canvas) -> list[str]:
    """The operators drawn on the current page so far: marked content opens at its start."""
    code: list[str] = canvas._code
    return code


def annotation_count(canvas: Canvas) -> int:
    """How many annotations the current page has: a tagged element owns those added while it draws."""
    return len(canvas._annotationrefs)


def close_page_stream(canvas: Canvas, operator: str) -> None:
    """Write *operator* at the very end of the page's stream, after even the crop marks
    ReportLab appends when it writes the page."""
    canvas._psCommandsAfterPage.append(operator)


def kept_content(flowable: Flowable) -> list[Flowable]:
    """The flowables a KeepTogether (or ImageAndFlowables) holds, to tag them."""
    return list(getattr(flowable, "_content", ()))


def inset_image(flowable: Flowable) -> Flowable | None:
    """The "image" flowable an ImageAndFlowables sets its text beside."""
    return getattr(flowable, "_I", None)


def table_cells(table: Flowable) -> list[list[Any]]:
    """A table's cell values, row by row (flowables, lists of them, or strings)."""
    return [list(row) for row in getattr(table, "_cellvalues", ())]


def has_glyph(font_name: str, char: str) -> bool:
    """The (TrueType) font *font_name* draws *char* with a glyph of its own."""
    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    return ord(char) in getattr(face, "charToGlyph", {})


def mark_line_ends(paragraph: Paragraph, source: str, continued: str = "") -> None:
    """Make each line of a wrapped paragraph end so that its text extracts right, drawing
    the same: a trailing space at a soft line end (invisible, and ReportLab places each
    line from its start), and an inserted hyphenation hyphen drawn as U+00AD, the soft
    hyphen readers and extractors drop when they join the word (same glyph and width).
    *source* is the paragraph's text, to tell an inserted hyphen from a real one; *continued*
    the text of its next part when it was split (else its last line is left as it is)."""
    para = paragraph.__dict__.get("blPara")
    if para is None or getattr(para, "ends_marked", False):
        return
    para.ends_marked = True
    lines = para.lines
    for index, line in enumerate(lines if continued else lines[:-1]):
        following = _line_text(lines[index + 1]) if index + 1 < len(lines) else continued
        if para.kind == 0:
            words = line[1]
            if words:
                words[-1] = _line_end(str(words[-1]), following, source, paragraph.style.fontName)
        else:
            frags = [frag for frag in line.words if getattr(frag, "text", "")]
            if frags and not getattr(frags[-1], "cbDefn", None):
                last = frags[-1]
                last.text = _line_end(last.text, following, source, last.fontName)


def _line_text(line: Any) -> str:
    if isinstance(line, tuple):
        return " ".join(map(str, line[1]))
    return "".join(getattr(frag, "text", "") for frag in line.words)


def _line_end(text: str, following: str, source: str, font: str) -> str:
    if text.endswith((" ", "\u00ad")):
        return text
    if text.endswith("-"):
        head = text[:-1].rsplit(" ", 1)[-1]
        tail = following.lstrip().split(" ", 1)[0]
        if head and tail and head + tail in source and head + "-" + tail not in source and has_glyph(font, "\u00ad"):
            return text[:-1] + "\u00ad"
        return text
    return text + " "


def link_texts(paragraph: Paragraph) -> list[str]:
    """The visible text of each link annotation a wrapped paragraph makes, in the order
    ReportLab adds them (line by line, each line's links by number): their descriptions."""
    para = paragraph.__dict__.get("blPara")
    if para is None or para.kind == 0:
        return []
    texts: list[str] = []
    for line in para.lines:
        runs: dict[int, list[str]] = {}
        for frag in line.words:
            for number, _target in getattr(frag, "link", None) or ():
                runs.setdefault(number, []).append(str(getattr(frag, "text", "")))
        texts += ["".join(runs[number]).replace("\u00ad", "").strip() for number in sorted(runs)]
    return texts
