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

import io
import json
import re
from contextlib import contextmanager
from fnmatch import fnmatch
from weakref import WeakKeyDictionary
from dataclasses import dataclass
from pathlib import Path
from functools import partial
from typing import Any, Callable, Iterator, TypeVar, cast

import pyphen
import reportlab
from reportlab import rl_config
from reportlab.lib.abag import ABag
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, Paragraph
from reportlab.platypus.doctemplate import PageBegin
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import (
    _hy_pfx_pat,
    _hy_sfx_pat,
    _HSFrag,
    _InjectedFrag,
    _processed_frags,
    _SplitFrag,
    _SplitFragH,
    _SplitFragHY,
    _SplitWordH,
    _SplitWordHY,
    cleanBlockQuotedText,
    textTransformFrags,
)
from reportlab.platypus.paraparser import ParaParser, known_entities

from .. import diskcache
from .urls import url_break_pairs

#: The ReportLab versions this module is tested with: the lowest, and the first one not
#: supported (pyproject.toml pins the same range). 4.4.6 to 5.1.0 give byte-identical
#: PDFs of the default brief; 4.4.5 and earlier write different bytes.
REPORTLAB_VERSIONS = ((4, 4, 6), (5, 2, 0))


# ---------------------------------------------------------------------------- settings


@contextmanager
def pdf_settings() -> Iterator[None]:
    """ReportLab's process-wide output settings for the duration of one document build.

    Streams are Flate-compressed, never also ASCII85-encoded (`useA85`, on by default:
    a third larger and slower, in pure Python). URLs break where `urls.url_break_pairs`
    allows (before a slash), not after a slash once as ReportLab's own splitter does.
    A paragraph's label ends in a space (`_spaced_bullet`). Paragraphs measure words and
    look fonts' ascents up through memos of this build (`_measures`) and compare fragments
    with `_same_frag`. The previous values are restored, so importing or building changes
    nothing for other users of ReportLab.
    """
    previous = (rl_config.useA85, rl_paragraph._uri_split_pairs, rl_paragraph._drawBullet,
                rl_paragraph.stringWidth, rl_paragraph.getAscentDescent, rl_paragraph.sameFrag)
    rl_config.useA85 = 0
    rl_paragraph._uri_split_pairs = url_break_pairs
    rl_paragraph._drawBullet = _spaced_bullet
    rl_paragraph.stringWidth, rl_paragraph.getAscentDescent = _measures()
    rl_paragraph.sameFrag = _same_frag
    try:
        yield
    finally:
        (rl_config.useA85, rl_paragraph._uri_split_pairs, rl_paragraph._drawBullet,
         rl_paragraph.stringWidth, rl_paragraph.getAscentDescent, rl_paragraph.sameFrag) = previous


#: What `sameFrag` compares: ReportLab's own list (`rl_accel._py_sameFrag`).
_SAME_FRAG_KEYS = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")


def _same_frag(f: Any, g: Any) -> int:
    """ReportLab's `sameFrag` (whether a fragment continues the word run of a line), in
    Python: on our fragments its C version takes ~12 µs a call, this ~2 µs (an attribute
    that is the same object, such as a shared colour, is not compared with `__eq__`, as
    list equality in `rl_accel._py_sameFrag` does not either)."""
    fd, gd = f.__dict__, g.__dict__
    if "cbDefn" in fd or "lineBreak" in fd or "cbDefn" in gd or "lineBreak" in gd:
        return 0
    fget, gget = fd.get, gd.get
    for key in _SAME_FRAG_KEYS:
        a, b = fget(key), gget(key)
        if a is not b and a != b:
            return 0
    return 1


def _measures() -> tuple[Callable[..., float], Callable[..., tuple[float, float]]]:
    """`stringWidth` and `getAscentDescent` for ReportLab's paragraphs, each answer kept for
    the build: line breaking measures the same words in the same fonts ~95,000 times on the
    anchors' large brief, through two Python calls each. The fonts of a name do not change
    during a build, so a kept answer is the one ReportLab would give."""
    widths: dict[tuple[Any, ...], float] = {}
    extents: dict[tuple[Any, ...], tuple[float, float]] = {}
    measure, extent = pdfmetrics.stringWidth, pdfmetrics.getAscentDescent

    def string_width(text: str, font_name: str, font_size: float, encoding: str = "utf8") -> float:
        key = (text, font_name, font_size, encoding)
        try:
            return widths[key]
        except KeyError:
            width = widths[key] = cast(float, measure(text, font_name, font_size, encoding))
            return width

    def ascent_descent(font_name: str, font_size: float | None = None) -> tuple[float, float]:
        key = (font_name, font_size)
        try:
            return extents[key]
        except KeyError:
            found = extents[key] = cast("tuple[float, float]", extent(font_name, font_size))
            return found

    return string_width, ascent_descent


_draw_bullet = rl_paragraph._drawBullet


def _spaced_bullet(canvas: Canvas, offset: float, cur_y: float, bullet_text: Any, style: ParagraphStyle,
                   rtl: Any) -> float:
    """ReportLab's `_drawBullet`, its text object ending in a space: a label (a heading's
    number, a list's "1.") is drawn as a text object of its own, and readers and text
    extraction joined it to the first word ("4Outlook"). The space draws nothing, and the
    text cursor is set back, so the label and the line after it stay where they were."""
    def draw_spaced(text: Any) -> None:
        x = text.getX()
        text.textOut(" ")
        text._x = x
        draw(text)

    draw = canvas.drawText
    canvas.drawText = draw_spaced
    try:
        return float(_draw_bullet(canvas, offset, cur_y, bullet_text, style, rtl))
    finally:
        del canvas.drawText


# ---------------------------------------------------------------------------- frames and templates


def frame_at_top(frame: Frame) -> bool:
    """Nothing is placed in *frame* yet: a heading need not move on, a figure need not float."""
    return bool(frame._atTop)


def frame_space_left(frame: Frame) -> float:
    """The height left below what *frame* holds, for keep-with-next and figure floats."""
    return float(frame._y - frame._y1p)


def frame_space_after(frame: Frame) -> float:
    """The space after the last flowable *frame* holds, already taken from the room left:
    with `overlapAttachedSpace` the next flowable's space before overlaps it."""
    return float(frame._prevASpace) if frame._oASpace and not frame._atTop else 0.0


def frame_width(frame: Frame) -> float:
    """The width flowables are wrapped at in *frame* (its width less padding)."""
    return float(frame._getAvailableWidth())


def split_width(flowable: Flowable, avail_width: float) -> float:
    """The width *flowable* is set at when its frame asks it to split. ReportLab's `Frame.split`
    passes the frame's width without the indents an `Indenter` opened, while `Frame.add` wraps
    at the indented width: a flowable that breaks its text again at the wider width makes a
    first piece too tall for the room it was cut to (a chronology entry in a block)."""
    frame = getattr(flowable, "_frame", None)
    return frame_width(frame) if isinstance(frame, Frame) else avail_width


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


def row_heights(table: Any) -> list[float]:
    """The height of each row of a wrapped table, to choose where it splits."""
    return [float(height) for height in table._rowHeights]


def placing_frame(flowable: Flowable) -> Frame | None:
    """The frame that is placing (or splitting) *flowable*, while it does: is it at the frame's top?"""
    return getattr(flowable, "_frame", None)


def set_row(table: Any, index: int, cells: list[Any]) -> None:
    """Put *cells* in row *index* of *table* (a split part's repeated header, drawn as an artifact)."""
    table._cellvalues[index] = cells


def kept_flowables(flowable: KeepTogether) -> list[Flowable]:
    """What a KeepTogether holds: a table kept whole is as wide as the table."""
    return list(flowable._content)


def count_page_content(doc: BaseDocTemplate) -> None:
    """Tell *doc* the current page has content, though no flowable was placed on it.

    A page holding only the timeline sidebar is not empty: without this, ReportLab
    treats a page break on it as a break on a blank page and skips it.
    """
    doc._curPageFlowableCount += 1


def is_hanging(doc: BaseDocTemplate, flowables: list[Any]) -> bool:
    """*flowables* is the document's own queue of page-begin actions, not the story."""
    return flowables is doc._hanging


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

    def _restrictSize(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:  # noqa: N802
        return self.width, self.height

    def _unRestrictSize(self) -> None:  # noqa: N802
        pass


# ---------------------------------------------------------------------------- paragraphs


def has_lines(paragraph: Paragraph) -> bool:
    """*paragraph* has been broken into lines by a wrap and not split since."""
    return "blPara" in paragraph.__dict__


def kept_frags(paragraph: Paragraph) -> list[tuple[Any, type]]:
    """The paragraph's fragments with their classes: ReportLab's split turns the first half of
    a broken word (`_SplitFragHY`) into a last-line word (`_SplitFragLL`) in place, which a
    later line breaking never joins again."""
    return [(frag, type(frag)) for frag in paragraph.frags]


def restore_frags(paragraph: Paragraph, kept: list[tuple[Any, type]]) -> None:
    """Give the paragraph back the fragments `kept_frags` kept, each of its class then."""
    for frag, cls in kept:
        if type(frag) is not cls:
            frag.__class__ = cls
    paragraph.frags = [frag for frag, _ in kept]


def line_count(paragraph: Paragraph) -> int:
    """The number of lines of a wrapped *paragraph*."""
    return len(paragraph.blPara.lines)


def last_line_slack(paragraph: Paragraph) -> float:
    """The free width at the end of a wrapped *paragraph*'s last line: where a contents
    entry's dot leader starts."""
    last = paragraph.blPara.lines[-1]
    return float(last.extraSpace if hasattr(last, "extraSpace") else last[0])


#: What ReportLab's `Paragraph.wrap` sets on a paragraph: its lines, sizes, and its fragments
#: (which line breaking turns into a list of words).
_WRAP_STATE = ("blPara", "frags", "width", "height", "_wrapWidths", "_width_max", "_hyphenations",
               "_splitLongWordCount")


def wrap_state(paragraph: Paragraph) -> dict[str, Any]:
    """What a wrap left on *paragraph*, to give to another paragraph of the same text and style."""
    state = paragraph.__dict__
    return {name: state[name] for name in _WRAP_STATE if name in state}


def use_wrap_state(paragraph: Paragraph, state: dict[str, Any]) -> None:
    """Give *paragraph* what a wrap left on another of the same text and style (`wrap_state`)."""
    paragraph.__dict__.update(state)


def forget_lines(paragraph: Paragraph) -> None:
    """Drop the lines of *paragraph*, so that the next wrap breaks it again."""
    paragraph.__dict__.pop("blPara", None)


def use_lines(paragraph: Paragraph, lines: Any) -> None:
    """Make *lines* (what `breakLines` returned) the paragraph's lines, to inspect them."""
    paragraph.blPara = lines


def is_first_part(paragraph: Paragraph) -> bool:
    """*paragraph* is the first part of a split one: its last line does not end the paragraph."""
    return bool(getattr(paragraph, "_splitpara", 0))


@dataclass(frozen=True)
class LineBreak:
    """A line of a wrapped paragraph that ends in a broken word."""

    line: int
    word: str
    """The whole word as the hyphenator was asked for it (no leading quote or bracket)."""
    head_width: float
    """The width of the part on this line, with its hyphen."""
    slack: float
    """The free width at the end of the line."""
    measure: float
    space: float
    font_size: float
    words: int
    """Words on the line, the broken one included."""
    last_word: bool
    """The broken word ends the paragraph (nothing but punctuation or marks follows it)."""



def line_breaks(paragraph: Paragraph, widths: list[float]) -> list[LineBreak]:
    """The lines of a wrapped *paragraph* that end in a word ReportLab's hyphenation broke.

    ReportLab marks such words only by the classes of its private line structures:
    plain lines hold `_SplitWordH` strings, lines of several fragments refer to the
    paragraph's fragment words, where a `_SplitFragH` ends the line.
    """
    bl = paragraph.blPara
    lines = bl.lines
    if bl.kind == 0:
        return [brk for j in range(len(lines) - 1) if (brk := _plain_break(bl, j, widths)) is not None]
    frags = paragraph.frags
    return [brk for j in range(len(lines) - 1) if (brk := _frag_break(lines, frags, j)) is not None]


def _plain_break(bl: Any, j: int, widths: list[float]) -> LineBreak | None:
    slack, words = bl.lines[j]
    head = words[-1] if words else None
    if not isinstance(head, _SplitWordH) or not bl.lines[j + 1][1]:
        return None
    text = head[:-1] if isinstance(head, _SplitWordHY) else str(head)
    word = _whole_word(text + str(bl.lines[j + 1][1][0]))
    space = stringWidth(" ", bl.fontName, bl.fontSize)
    rest = [w for _, line in bl.lines[j + 1:] for w in line][1:]
    return LineBreak(j, word, stringWidth(head, bl.fontName, bl.fontSize), float(slack),
                     float(widths[min(j, len(widths) - 1)]), space, float(bl.fontSize), len(words),
                     not _has_letters("".join(rest)))


def _frag_break(lines: list[Any], frags: list[Any], j: int) -> LineBreak | None:
    segment = [w for w in frags[lines[j].sFW:lines[j + 1].sFW] if not isinstance(w, _InjectedFrag)]
    following = [w for w in frags[lines[j + 1].sFW:] if not isinstance(w, _InjectedFrag)]
    if not segment or not following or not isinstance(segment[-1], _SplitFragH):
        return None
    head = segment[-1]
    text = "".join(t for _, t in head[1:])
    if isinstance(head, _SplitFragHY):
        text = text[:-1]
    style = head[-1][0]
    word = _whole_word(text + "".join(t for _, t in following[0][1:]))
    line = lines[j]
    rest = "".join(str(t) for w in following[1:] for _, t in w[1:])
    return LineBreak(j, word, float(head[0]), float(line.extraSpace), float(line.maxWidth),
                     stringWidth(" ", style.fontName, style.fontSize), float(style.fontSize), int(line.wordCount),
                     not _has_letters(rest))


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _whole_word(text: str) -> str:
    """*text* without the punctuation ReportLab strips before asking the hyphenator."""
    match = _hy_pfx_pat.match(text)
    text = text[match.end():] if match else text
    match = _hy_sfx_pat.search(text)
    return text[:match.start()] if match else text


def cap_word_gaps(paragraph: Paragraph, ceiling: float) -> None:
    """Stretch no justified line's word gaps past *ceiling* ems: a line that would need
    more is stretched that far and left short of the margin.

    ReportLab spreads a line's free width (`extraSpace`) over its gaps when it draws;
    lowering it is the one way to cap the gaps. A paragraph's last line is never
    stretched, but the last line of the first part of a split paragraph is.
    """
    bl = paragraph.blPara
    stretched = bl.lines if is_first_part(paragraph) else bl.lines[:-1]
    for index, line in enumerate(stretched):
        if bl.kind == 0:
            slack, words = line
            size, font, gaps = bl.fontSize, bl.fontName, len(words) - 1
        else:
            slack, size, gaps = line.extraSpace, line.fontSize, line.wordCount - 1
            font = line.words[0].fontName if line.words else paragraph.style.fontName
        if gaps <= 0 or slack <= 0:
            continue
        room = gaps * max(0.0, ceiling * size - stringWidth(" ", font, size))
        if slack > room:
            if bl.kind == 0:
                bl.lines[index] = (room, words)
            else:
                line.extraSpace = room


def mend_compounds(frags: list[Any]) -> list[Any]:
    """*frags* with each hard-hyphen compound that an earlier line breaking split
    (`wilayah-` | `wilayah`) made one word again, hyphen kept.

    ReportLab rejoins split words before breaking lines anew and strips a trailing
    hyphen from the head, as if it had added it: a compound broken at its own hyphen
    would come back as `wilayahwilayah`.
    """
    if not _processed_frags(frags) or not any(_is_compound_head(f) for f in frags):
        return frags
    out: list[Any] = []
    pieces: list[Any] = []
    for f in frags:
        if pieces and isinstance(f, _InjectedFrag):
            continue
        if pieces or _is_compound_head(f):
            pieces.append(f)
            if isinstance(f, _HSFrag) or not isinstance(f, _SplitFrag):
                out.append(_joined(pieces))
                pieces = []
            continue
        out.append(f)
    if pieces:
        out.append(_joined(pieces))
    return out


def _is_compound_head(f: Any) -> bool:
    return isinstance(f, _SplitFragH) and not isinstance(f, _SplitFragHY) and str(f[-1][1]).endswith("-")


def _joined(pieces: list[Any]) -> list[Any]:
    """One fragment word of split *pieces*: [width, (style, text), ...], texts of one style merged."""
    parts: list[tuple[Any, str]] = []
    for piece in pieces:
        for style, text in piece[1:]:
            if parts and parts[-1][0] is style:
                parts[-1] = (style, parts[-1][1] + str(text))
            else:
                parts.append((style, str(text)))
    word: list[Any] = [sum(piece[0] for piece in pieces), *parts]
    return _HSFrag(word) if isinstance(pieces[-1], _HSFrag) else word


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


def image_xobject(name: str, data: bytes, cache_dir: Path | None = None) -> Any:
    """The PDF image object (compressed pixels) of the image file *data*, named by its content.

    Decoding a PNG and compressing its pixels again is most of a small build's image
    work, so the stream is kept in *cache_dir* between processes. A JPEG is its own
    stream (read, never decoded): it is not cached, and is read as ReportLab reads one
    once Pillow has named it a JPEG, without Pillow (whose first `open` imports its
    format plugins, ~6 ms).
    """
    if _single_picture_jpeg(data):
        xobject = pdfdoc.PDFImageXObject(name, None, mask=None)
        if xobject.loadImageFromJPEG(io.BytesIO(data)):
            return xobject
    key = diskcache.content_key(name, reportlab.Version, str(rl_config.useA85), "xobject-1")
    if not data.startswith(b"\xff\xd8") and (xobject := _stored_xobject(name, cache_dir, key)) is not None:
        return xobject
    xobject = pdfdoc.PDFImageXObject(name, ImageReader(io.BytesIO(data)), mask=None)
    xobject.name = name
    plain = xobject.mask is None and not hasattr(xobject, "_smask") and not getattr(xobject, "_decode", None)
    if not data.startswith(b"\xff\xd8") and plain and isinstance(xobject.streamContent, bytes):
        diskcache.store(cache_dir, "xobject", key, {field: getattr(xobject, field, None) for field in _XOBJECT_FIELDS},
                        xobject.streamContent)
    return xobject


def _single_picture_jpeg(data: bytes) -> bool:
    """A JPEG that Pillow opens as format "JPEG": no multi-picture (MPF) segment before the
    scan, which would make it an MPO, whose pixels ReportLab decodes and compresses anew."""
    if not data.startswith(b"\xff\xd8"):
        return False
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return False
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xDA:  # start of scan: every header segment seen
            return True
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker == 0xE2 and data[at + 4:at + 8] == b"MPF\0":
            return False
        at += 2 + length
    return False


#: What PDFImageXObject.format writes besides the stream, for an image without a mask.
_XOBJECT_FIELDS = ("width", "height", "bitsPerComponent", "colorSpace", "_filters", "_dotrans")


def _stored_xobject(name: str, cache_dir: Path | None, key: str) -> Any:
    """The image object kept for *key*, or None; built without decoding anything."""
    entry = diskcache.load(cache_dir, "xobject", key)
    if entry is None:
        return None
    fields, stream = entry
    if not (isinstance(fields.get("width"), int) and isinstance(fields.get("height"), int)
            and isinstance(fields.get("bitsPerComponent"), int) and fields.get("colorSpace") in _COLOR_SPACES
            and isinstance(fields.get("_filters"), list) and all(isinstance(f, str) for f in fields["_filters"])):
        return None
    xobject = pdfdoc.PDFImageXObject(name, None, mask=None)
    for field in _XOBJECT_FIELDS:
        if fields.get(field) is not None:
            setattr(xobject, field, tuple(fields[field]) if field == "_filters" else fields[field])
    xobject.streamContent = stream
    return xobject


_COLOR_SPACES = ("DeviceRGB", "DeviceGray", "DeviceCMYK")


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


def store_patterns(path: Any, patterns: Any, maxlen: int) -> None:
    """Put a table rebuilt from cached data in pyphen's cache, as if *path* had been parsed
    (pyphen has no constructor from data; parsing the file is the cost being saved).
    *patterns* needs only the `get` of a dict of (start, values), pyphen's one use of it."""
    table = pyphen.HyphDict.__new__(pyphen.HyphDict)
    table.patterns, table.cache, table.maxlen = patterns, {}, maxlen
    pyphen.hdcache[path] = table


class PackedPatterns:
    """pyphen's patterns as stored text, {letters: "start digits"}, decoded when looked up."""

    def __init__(self, packed: dict[str, str]):
        self.packed = packed

    def get(self, key: str, default: Any = None) -> Any:
        text = self.packed.get(key)
        if text is None:
            return default
        start, _, digits = text.partition(" ")
        return int(start), tuple(map(int, digits))


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


def forget_inset_wrap(inset: Any) -> None:
    """Make an ImageAndFlowables set its text beside the image again at its next wrap: it
    answers a wrap at the same size from memory, though its text was wrapped at another width since."""
    inset._reset()


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


# ---------------------------------------------------------------------------- the tagged document


def pdf_document(canvas: Canvas) -> Any:
    """The canvas's `pdfdoc.PDFDocument`, to add the structure tree and metadata before it is written."""
    return canvas._doc


def written_pages(canvas: Canvas) -> list[Any]:
    """The `PDFPage` objects of every page written so far, in order."""
    return list(canvas._doc.Pages.pages)


def page_annotations(canvas: Canvas, page: Any) -> list[Any]:
    """The annotation objects of a written page, in the order of its /Annots."""
    objects = canvas._doc.idToObject
    return [objects[ref.name] for ref in page.Annots or ()]


def add_entries(obj: Any, entries: dict[str, Any]) -> None:
    """Entries a ReportLab page or catalog dictionary has no attribute for (/StructParents,
    /Tabs, /OutputIntents): its class lists the keys it writes."""
    obj.__NoDefault__ = [*type(obj).__NoDefault__, *(key for key in entries if key not in type(obj).__NoDefault__)]
    for key, value in entries.items():
        setattr(obj, key, value)


def drop_page_transition(page: Any) -> None:
    """No /Trans: ReportLab writes an empty one on every page, which PDF/A rejects."""
    page.Trans = None


def annotation_entry(annot: Any, key: str) -> Any:
    """An entry of a link annotation: a `linkURL` dictionary or a `linkRect` LinkAnnotation."""
    if isinstance(annot, pdfdoc.PDFDictionary):
        return annot.dict.get(key)
    return {"Contents": annot.Contents, "Dest": annot.Destination}.get(key, annot.otherkw.get(key))


def set_annotation_entries(annot: Any, entries: dict[str, Any]) -> None:
    """Add entries to a link annotation (a LinkAnnotation refuses keys it does not list)."""
    if isinstance(annot, pdfdoc.PDFDictionary):
        annot.dict.update(entries)
        return
    annot.otherkw.update(entries)
    annot.permitted = (*annot.permitted, *(key for key in entries if key not in annot.permitted))


def info_fields(canvas: Canvas) -> dict[str, str]:
    """The Info dictionary ReportLab will write, as text (the XMP packet must say the same)."""
    doc = canvas._doc
    info = doc.info
    stamp = doc._timeStamp
    formatter = info._dateFormatter or (lambda *d: "D:%04d%02d%02d%02d%02d%02d%+03d'%02d'" % (*d, stamp.dhh, stamp.dmm))
    date = formatter(*stamp.YMDhms)
    return {"Title": info.title, "Author": info.author, "Subject": info.subject, "Keywords": info.keywords,
            "Creator": info.creator, "Producer": info.producer, "CreationDate": date, "ModDate": date}


def sign_document(canvas: Canvas, content: bytes) -> None:
    """Derive the file's /ID from *content* too (ReportLab's invariant ID hashes only the
    Info fields, so two editions with one title would share it)."""
    canvas._doc.updateSignature(content)


def require_pdf_version(canvas: Canvas, version: tuple[int, int]) -> None:
    """Declare at least *version* in the header (/Tabs is PDF 1.5)."""
    doc = canvas._doc
    doc._pdfVersion = max(tuple(doc._pdfVersion), version)


# ---------------------------------------------------------------------------- TrueType metrics cache

#: Bump when what is stored for a face changes.
FONT_CACHE_VERSION = "ttf-1"
#: What ReportLab's `TTFontFile.extractInfo` sets (reportlab 4.4-5.1): names, metrics, the
#: character maps, widths and glyph offsets. A face whose parse sets anything else is not cached.
_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_NUMBERS = ("unitsPerEm", "ascent", "descent", "capHeight", "stemV", "italicAngle", "underlinePosition",
            "underlineThickness", "flags", "numGlyphs", "defaultWidth", "_full_font", "_pos")
_MAPS = ("charToGlyph", "glyphToChar", "charWidths")
_EXTRACTED = {*_NAMES, *_NUMBERS, *_MAPS, "fontRevision", "bbox", "hmetrics", "glyphPos", "_pdfScale"}


def truetype_font(name: str, path: str, cache_dir: Path | None, subfont_index: int = 0) -> TTFont:
    """A TTFont whose parsed tables come from *cache_dir* when this file's bytes were parsed before.

    Parsing the tables of a face (ReportLab's `extractInfo`) is most of the ~2 ms a face
    costs; the file itself is still read, since subsetting needs its glyphs. The entry is
    keyed by the file's bytes, the face index and ReportLab's version, and checked field
    by field on load; anything unexpected parses the file again.
    """
    font: TTFont = TTFont.__new__(TTFont)  # TTFont.__init__, with our face
    font.fontName = name
    font.face = _CachedFace(path, cache_dir, subfont_index)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return font


#: Font subsets kept per face: the program of the glyphs of each recent subset.
SUBSETS_KEPT = 16


class _CachedFace(TTFontFace):
    def __init__(self, path: str, cache_dir: Path | None, subfont_index: int):
        self._cache_dir = cache_dir
        self._subfont = subfont_index
        self._subsets: dict[tuple[int, ...], bytes] = {}
        self._compressed: dict[bytes, bytes] = {}
        super().__init__(path, validate=0, subfontIndex=subfont_index)

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802  (ReportLab's name)
        """The font program of *subset* (characters in the order they were first drawn).

        It depends only on the face and that list, and the same list comes back in every
        layout of a pulled-in brief and every rebuild in one process (`serve`, `watch`):
        ~0.5 ms a subset, each time, for each face.
        """
        return _kept(self._subsets, tuple(subset), partial(super().makeSubset, subset))

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:  # noqa: N802
        """ReportLab's font file and descriptor, with the font file compressed once per subset kept."""
        descriptor = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [_KeptFlate(self._compressed)]
        return descriptor

    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803  (ReportLab's names)
        key = diskcache.content_key(FONT_CACHE_VERSION, reportlab.Version, str(self._subfont), str(charInfo),
                                    self._ttf_data)
        entry = diskcache.load(self._cache_dir, "font", key)
        if entry is not None and _restore_face(self, entry[1]):
            return
        before = set(self.__dict__)
        super().extractInfo(charInfo)
        fields = _face_fields(self) if set(self.__dict__) - before <= _EXTRACTED else None
        if fields is not None:  # in the payload: the header's fields are checked with a slower digest
            diskcache.store(self._cache_dir, "font", key, {}, json.dumps(fields, separators=(",", ":")).encode())


K = TypeVar("K")
V = TypeVar("V")

class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """ReportLab's Flate filter, remembering what it compressed: a kept subset's font program."""

    def __init__(self, kept: dict[bytes, bytes]):
        self.kept = kept

    def encode(self, text: bytes) -> bytes:
        return _kept(self.kept, text, partial(super().encode, text))


def _kept(kept: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """*kept*[*key*], made by *make* when missing; the oldest of SUBSETS_KEPT entries goes first."""
    value = kept.get(key)
    if value is None:
        value = make()
        if len(kept) >= SUBSETS_KEPT:
            del kept[next(iter(kept))]
        kept[key] = value
    return value


def _face_fields(face: Any) -> dict[str, Any] | None:
    """extractInfo's results as JSON values (maps as lists of pairs, in their order), or None if unexpected."""
    if not all(isinstance(getattr(face, n), TTFNameBytes) for n in _NAMES):
        return None
    fields: dict[str, Any] = {n: getattr(face, n).ustr for n in _NAMES}
    fields.update({n: getattr(face, n) for n in _NUMBERS})
    fields.update({n: list(getattr(face, n).items()) for n in _MAPS})
    fields.update(fontRevision=list(face.fontRevision), bbox=list(face.bbox), glyphPos=list(face.glyphPos),
                  hmetrics=[list(m) for m in face.hmetrics])
    return fields


def _restore_face(face: Any, payload: bytes) -> bool:
    """Set what extractInfo would from a cache entry; False (nothing usable) when it does not check out."""
    try:
        fields = json.loads(payload)
        values: dict[str, Any] = {n: TTFNameBytes(fields[n].encode("utf8")) for n in _NAMES}
        values.update({n: fields[n] for n in _NUMBERS if isinstance(fields[n], (int, float))})
        values.update({n: {k: (list(v) if n == "glyphToChar" else v) for k, v in fields[n]} for n in _MAPS})
        values.update(fontRevision=tuple(fields["fontRevision"]), bbox=list(fields["bbox"]),
                      glyphPos=list(fields["glyphPos"]), hmetrics=[tuple(m) for m in fields["hmetrics"]])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    if (len(values) != len(_EXTRACTED) - 1 or len(values["glyphPos"]) != values["numGlyphs"] + 1
            or len(values["hmetrics"]) != values["numGlyphs"] or values["unitsPerEm"] <= 0):
        return False
    face.__dict__.update(values)
    units = values["unitsPerEm"]
    if units == 1000:  # as extractInfo builds it
        face._pdfScale = lambda x: x
    else:
        multiplier = 1000 / units
        face._pdfScale = lambda x: x * multiplier
    return True


def register_font_again(font: TTFont) -> None:
    """Register *font*, replacing a TrueType font of the same name.

    ReportLab keeps the first TrueType font registered under a name (and under its face
    name), so a brief-local font file that changed would otherwise stay the old one for
    the life of the process (`watch`, `serve`).
    """
    old = pdfmetrics._fonts.pop(font.fontName, None)
    if old is not None and pdfmetrics._dynFaceNames.get(getattr(old.face, "name", None)) is old:
        del pdfmetrics._dynFaceNames[old.face.name]
    pdfmetrics.registerFont(font)


# ---------------------------------------------------------------------------- the copy line's objects

class RawObject(pdfdoc.PDFObject):
    """A PDF object whose body is bytes made as the file is written, by *body* (given the document)."""

    def __init__(self, body: Callable[[Any], bytes]):
        self.body = body

    def format(self, document: Any) -> bytes:
        return self.body(document)


def truetype_face(font: str) -> Any:
    """The TrueType face of the registered font *font*, or None (not a TrueType font)."""
    try:
        registered = pdfmetrics.getFont(font)
    except KeyError:
        return None
    return registered.face if isinstance(registered, TTFont) else None


def bold_of(font: str) -> str | None:
    """The bold face of *font*'s family, as `<b>` in a paragraph sets it (None: no such family)."""
    try:
        family, _, italic = ps2tt(font)
        return str(tt2ps(family, 1, italic))
    except ValueError:
        return None


def to_unicode_cmap(name: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map of a subset (code *i* is the character *subset[i]*)."""
    return str(makeToUnicodeCMap(name, subset))


def fill_operator(canvas: Canvas, color: Any) -> str:
    """The operator that sets *color* as the fill colour, as this canvas writes it (its colour
    space enforced); the canvas is left as it was."""
    code = canvas._code
    at = len(code)
    canvas.saveState()
    canvas.setFillColor(color)
    operator = " ".join(code[at + 1:])
    canvas.restoreState()
    del code[at:]
    return operator


def has_object(canvas: Canvas, name: str) -> bool:
    return name in canvas._doc.idToObject


def add_objects(canvas: Canvas, objects: list[tuple[str, Any]]) -> int:
    """Register *objects* (name, object) with the canvas's document, numbered in a row; the first number."""
    doc = canvas._doc
    for name, obj in objects:
        doc.Reference(obj, name)
    number: int = doc.idToObjectNumberAndVersion[objects[0][0]][0]
    return number


def sign_copy(document: Any, text: str) -> Any:
    """Add *text* to the signature the file's /ID is made from; the signature as it was before."""
    before = document.signature.copy()
    document.updateSignature(text)
    return before


def copy_file_id(signature: Any, text: str) -> bytes:
    """The /ID ReportLab writes for a signature *signature* followed by *text* (`sign_copy`)."""
    signature = signature.copy()
    signature.update(text.encode("utf-8"))
    return pdfdoc.PDFText(signature.digest(), enc="raw").format(pdfdoc.DummyDoc())  # type: ignore[no-any-return]


def with_file_id(trailer: bytes, file_id: bytes) -> bytes:
    """A written trailer with both halves of its /ID replaced."""
    return re.sub(rb"\[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]", lambda _: b"[" + file_id + file_id + b"]", trailer, count=1)
