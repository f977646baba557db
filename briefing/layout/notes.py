"""Sidenotes: each footnote set in the margin column beside the line that calls it.

A call's markup carries an `<onDraw>` tag; when ReportLab draws the calling line it
calls `NotePlacer.called`, which notes the line's height on the page. When the page
ends, the notes of its calls are stacked in the margin column, each as near its
line as the notes above it and the column's other content (the timeline, bands
taken by full-width figures) allow, and lifted when they would run off its foot.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ActionFlowable, Flowable, ImageAndFlowables, KeepTogether

from .. import i18n
from ..errors import BriefingWarning
from ..model import FootnoteRef, SourcePos
from . import rl_compat
from .tagging import tag_note
from .theme import HAIRLINE
from .contents import HeadingParagraph
from .geometry import Rect
from .markup import NOTE_CALLBACK, MarkupWriter, note_anchor
from .paragraphs import Paragraph
from .theme import Styles

#: Space between two notes, and between a note and other content of the column.
GAP = 6.0
#: Room above notes at a column's foot: the space and the short rule that part them from the text.
FOOT_RULE = 10.0


@dataclass
class _Placed:
    flowable: Flowable
    top: float
    height: float
    label: str


class NotePlacer:
    """The margin material of the page being laid out: sidenotes (by the line that calls
    them) and margin floats (read-also asides, margin figures, where they stand in the text).

    On a page set in two columns there is no margin: each note goes to the foot of the
    column that calls it, in room the document keeps there before the calling text is set.
    """

    def __init__(self, notes: dict[int, str], style: ParagraphStyle, calls: dict[int, SourcePos] | None = None):
        self.notes = notes
        self.style = style
        self.calls = calls or {}
        """Where each note is first called, for a warning about it."""
        self._items: list[tuple[float, int, Flowable, str]] = []
        self._done: set[int] = set()
        self._origin = (0.0, 0.0, 1.0)
        self._columns: list[Rect] = []
        self._margin_from: float | None = None
        self._feet: dict[int, list[Paragraph]] = {}
        self._reserved: set[tuple[int, int]] = set()
        self.overflow: list[tuple[str, SourcePos | None]] = []
        """What could not be set clear of everything else in its column, and where it is written."""

    def reset(self) -> None:
        self._items, self._done, self.overflow = [], set(), []

    def begin_page(self, canvas: Canvas, columns: list[tuple[float, float, float, float]],
                   margin_from: float | None = None) -> None:
        """Start a page; *columns* are its body columns when its notes go to their feet, except
        those called at or above *margin_from* (a page's height): they go into the margin."""
        self._margin_from = margin_from
        canvas.setNamedCB(NOTE_CALLBACK, self.called)
        base_x, base_y = canvas.absolutePosition(0, 0)
        self._origin = (base_x, base_y, canvas.absolutePosition(0, 1)[1] - base_y)
        self._items, self._feet, self._reserved = [], {}, set()
        self._columns = [Rect(*column) for column in columns]

    def _paragraph(self, number: int, width: float) -> Paragraph:
        paragraph = Paragraph(self.notes[number], self.style)
        paragraph.wrap(width, 10_000)
        return paragraph

    def notes_height(self, numbers: tuple[int, ...], width: float) -> float:
        """The height the notes *numbers* not yet printed take set *width* points wide."""
        return float(sum(self._paragraph(n, width).height + GAP for n in set(numbers)
                         if n in self.notes and n not in self._done))

    def foot_room(self, numbers: tuple[int, ...], column: int, width: float) -> tuple[tuple[int, ...], float]:
        """The notes of *numbers* body column *column* has no room kept for yet, and the room they need."""
        new = tuple(n for n in dict.fromkeys(numbers)
                    if n in self.notes and n not in self._done and (column, n) not in self._reserved)
        if not new:
            return (), 0.0
        first = not any(key[0] == column for key in self._reserved)
        return new, self.notes_height(new, width) + (FOOT_RULE if first else 0.0)

    def keep_room(self, numbers: tuple[int, ...], column: int) -> None:
        """Room is now kept at the foot of *column* for the notes *numbers*."""
        self._reserved.update((column, n) for n in numbers)

    def called(self, canvas: Canvas, _kind: str, label: str | None) -> None:
        """A line calling note *label* is being drawn: its note goes beside that line, or to
        the foot of its column (the first call only)."""
        number = int(label or 0)
        if number in self._done or number not in self.notes:
            return
        self._done.add(number)
        x, y = rl_compat.text_line_position(canvas)
        base_x, base_y, scale = self._origin
        at_x, at_y = canvas.absolutePosition(x, y)
        page_x, page_y = (at_x - base_x) / (scale or 1.0), (at_y - base_y) / (scale or 1.0)
        if self._columns and (self._margin_from is None or page_y < self._margin_from - 1):
            index = next((i for i, c in enumerate(self._columns)  # (a page's columns may stand one above another)
                          if c.x <= page_x + 1 <= c.x + c.width + 2 and c.y - 1 <= page_y <= c.top + 1),
                         max((i for i, c in enumerate(self._columns) if c.x <= page_x + 1), default=0))
            self._feet.setdefault(index, []).append(tag_note(canvas, self._paragraph(number, self._columns[index].width)))
            return
        note = tag_note(canvas, Paragraph(self.notes[number], self.style))
        self._items.append((page_y + self.style.fontSize, len(self._items), note, str(number)))

    def _described(self, label: str) -> tuple[str, SourcePos | None]:
        if label.isdigit():
            return f"footnote {label}", self.calls.get(int(label))
        return label, None

    def warnings(self) -> tuple[BriefingWarning, ...]:
        """One warning for each piece of margin material that crowded its column past its edge."""
        return tuple(BriefingWarning(f"{what} does not fit in the margin column of its page beside the rest; "
                                     "it may touch other text there: shorten the notes or spread the calls",
                                     pos.path if pos else None, pos.line if pos else None)
                     for what, pos in self.overflow)

    def float_at(self, flowable: Flowable, top: float, label: str) -> None:
        """A margin float whose place in the text is at height *top* of the page."""
        self._items.append((top, len(self._items), flowable, label))

    def draw_feet(self, canvas: Canvas) -> None:
        """Each column's notes at its foot, under a short rule."""
        for index, notes in sorted(self._feet.items()):
            column = self._columns[index]
            y = column.y
            for note in reversed(notes):
                note.drawOn(canvas, column.x, y)
                y += note.height + GAP
            canvas.saveState()
            canvas.setLineWidth(HAIRLINE)
            canvas.line(column.x, y + 2, column.x + min(column.width, 72), y + 2)
            canvas.restoreState()
        self._feet = {}

    def place(self, column: Rect, occupied: list[tuple[float, float]]) -> list[_Placed]:
        """Where this page's margin material goes in *column*, clear of the (bottom, top) bands;
        what crowds the column past its edge is noted for a warning."""
        placed = self.arrange(column, occupied)
        for note in placed:
            clash = any(note.top - note.height < top and note.top > bottom for bottom, top in occupied)
            if clash or note.top > column.top + 0.5:
                self.overflow.append(self._described(note.label))
        self._items = []
        return placed

    def arrange(self, column: Rect, occupied: list[tuple[float, float]]) -> list[_Placed]:
        """Where this page's margin material would go in *column*, clear of the (bottom, top) bands."""
        placed: list[_Placed] = []
        cursor = column.top
        for wanted, _, flowable, label in sorted(self._items, key=lambda item: (-item[0], item[1])):
            height = flowable.wrap(column.width, column.height)[1]
            top = _clear(min(wanted, cursor), height, occupied)
            placed.append(_Placed(flowable, top, height, label))
            cursor = top - height - GAP
        floor = column.y
        for note in reversed(placed):  # crowded at the foot: lift the last ones up
            if note.top - note.height >= floor:
                break
            note.top = floor + note.height
            floor = note.top + GAP
        return placed


def draw_placed(canvas: Canvas, column: Rect, placed: list[_Placed]) -> list[tuple[float, float]]:
    """Draw the placed margin material; the (bottom, top) bands it took, for the timeline to flow around."""
    for note in placed:
        note.flowable.drawOn(canvas, column.x, note.top - note.height)
    return placed_bands(placed)


def placed_bands(placed: list[_Placed]) -> list[tuple[float, float]]:
    """The (bottom, top) bands placed margin material takes, with the space around it."""
    return [(note.top - note.height - GAP, note.top + GAP) for note in placed]


class MarginFloat(Flowable):
    """Margin material in the text. On a page with a margin column it takes no room there
    and, drawn, hands *content* to the column at its height; on a page set in two columns
    it is set in the text, where it stands."""

    margin_material = True
    SPACE = (4.0, 8.0)

    def __init__(self, content: Flowable, label: str, max_width: float | None = None):
        super().__init__()
        self.content = content
        self.label = label
        self.max_width = max_width
        """In the text, no wider than this (a margin figure keeps a column's size), centred."""
        self._offset = 0.0

    def _in_margin(self) -> bool:
        doc = rl_compat.doc_template(getattr(self, "canv", None))
        return bool(getattr(doc, "page_has_margin", False))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._in_margin():
            return 0.0, 0.0
        width = min(availWidth, self.max_width or availWidth)
        self._offset = (availWidth - width) / 2
        return availWidth, self.content.wrap(width, availHeight)[1]

    def getSpaceBefore(self) -> float:
        return 0.0 if self._in_margin() else self.SPACE[0]

    def getSpaceAfter(self) -> float:
        return 0.0 if self._in_margin() else self.SPACE[1]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        doc = rl_compat.doc_template(canvas)
        placer = getattr(doc, "notes", None)
        if isinstance(placer, NotePlacer) and getattr(doc, "page_has_margin", False):
            placer.float_at(self.content, y, self.label)
        else:
            self.content.drawOn(canvas, x + self._offset, y, _sW)


def _clear(top: float, height: float, occupied: list[tuple[float, float]]) -> float:
    """The highest top at or below *top* where *height* points overlap no occupied band."""
    for bottom, band_top in sorted(occupied, key=lambda band: -band[1]):
        if top - height - GAP < band_top and top + GAP > bottom:
            top = bottom - GAP
    return top


def too_wide(flowable: Flowable, width: float, canvas: Canvas, height: float) -> bool:
    """Would *flowable* overrun a body column *width* points wide (a table, a full-width figure, an inset)?"""
    if getattr(flowable, "span", None) is not None or isinstance(flowable, ImageAndFlowables):
        return True
    inner = rl_compat.kept_flowables(flowable) if isinstance(flowable, KeepTogether) else [flowable]
    return any(item.wrapOn(canvas, width, height)[0] > width + 0.5 for item in inner
               if not (getattr(item, "frameAction", None) or isinstance(item, ActionFlowable)))


def sidenote_style(styles: Styles) -> ParagraphStyle:
    """Notes are set like captions: the sans face a size below the body, never justified."""
    return ParagraphStyle("sidenote", parent=styles.caption, fontSize=8, leading=10.5, spaceBefore=0, spaceAfter=0)


def note_texts(notes: dict[str, tuple[int, FootnoteRef]], markup: MarkupWriter) -> dict[int, str]:
    """Each note's markup by number: its number in bold, then its text."""
    return {number: f"<b>{number}</b>&#160;&#160;{markup.write(call.note)}" for number, call in notes.values()}


def endnote_flowables(notes: dict[str, tuple[int, FootnoteRef]], styles: Styles, locale: i18n.Locale,
                      markup: MarkupWriter) -> list[Flowable]:
    """`footnotes: endnotes`: the notes, numbered, under their own heading before the sources."""
    if not notes:
        return []
    title = locale.label("endnotes")
    flowables: list[Flowable] = [HeadingParagraph(markup.escape(title), styles.h1, title, 0)]
    for number, call in sorted(notes.values(), key=lambda note: note[0]):
        text = f'<a name="{note_anchor(number)}"/>' + markup.write(call.note)
        flowables.append(Paragraph(text, styles.source_entry, bulletText=f"{number}."))
    return flowables


def note_calls(flowable: Flowable, canvas: Canvas | None = None, width: float | None = None) -> tuple[int, ...]:
    """The numbers of the footnotes *flowable* calls. The story marks what it builds; a part
    split off a paragraph is asked through its lines (wrapped first at *width* if need be)."""
    marked = getattr(flowable, "note_numbers", None)
    if marked is not None:
        return tuple(marked)
    if not isinstance(flowable, Paragraph):
        return ()
    if canvas is not None and width is not None and not rl_compat.has_lines(flowable):
        flowable.wrapOn(canvas, width, 10_000)
    return tuple(int(label) for name, label in rl_compat.line_callbacks(flowable)
                 if name == NOTE_CALLBACK and label.isdigit())
