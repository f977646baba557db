"""The timeline: events as flowables for the sidebar column, how a page of the sidebar is
filled, and the chronology (a hanging-indent list) that replaces the sidebar on narrow pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, FrameBG, HRFlowable, Indenter, Spacer

from .. import i18n
from ..model import TimelineEvent, plain_text
from ..themes import Theme
from . import rl_compat
from .caps import caps_label
from .contents import HeadingParagraph
from .markup import MarkupWriter
from .paragraphs import Paragraph
from .story import SpaceAfter, StoryBuilder, text_chunks
from .theme import RULE, Styles, color, portion_markup

#: The narrowest side column the timeline is set in, in characters a line of its event text.
MIN_SIDEBAR_CHARS = 25
#: A chronology at most this share of the body column tall is set as a block after the first section;
#: a longer one would hold the reader up for more than a third of a page, and is an appendix.
BLOCK_SHARE = 1 / 3


class TimelineEntry(Flowable):
    """One event: the date on top, then the title and text; highlighted ones get a bar.

    It never splits across pages unless it alone is taller than a column, and then it
    splits between lines, never after its date alone (the paragraph keeps two lines).
    """

    BAR = 2.2
    INDENT = 6.0

    def __init__(self, parts: list[Paragraph], highlight: bool, accent: colors.Color, space_after: float):
        super().__init__()
        self.parts = parts
        self.highlight = highlight
        self.accent = accent
        self.spaceAfter = space_after
        self._heights: list[float] = []
        self._wrapped_at: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width != self._wrapped_at:  # the sidebar asks the same width again and again
            inner = avail_width - self.INDENT
            self._heights = [p.wrap(inner, avail_height)[1] for p in self.parts]
            self._wrapped_at = avail_width
            self.width = avail_width
            self.height = sum(self._heights)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        _, height = self.wrap(avail_width, avail_height)
        if height <= avail_height:
            return []
        pieces = self.parts[0].split(avail_width - self.INDENT, avail_height) if len(self.parts) == 1 else self.parts
        self._wrapped_at = None  # a paragraph that tried to split has lost its lines: wrap again before drawing
        if len(pieces) < 2:
            return []
        return [TimelineEntry([piece], self.highlight, self.accent, self.spaceAfter) for piece in pieces]

    def draw(self) -> None:
        canvas = self.canv
        if self.highlight:
            canvas.saveState()
            canvas.setFillColor(self.accent)
            canvas.rect(0, 0, self.BAR, self.height, stroke=0, fill=1)
            canvas.restoreState()
        y = self.height
        for part, h in zip(self.parts, self._heights):
            y -= h
            part.drawOn(canvas, self.INDENT, y)


def _date(event: TimelineEvent, locale: i18n.Locale) -> str:
    return event.date.label or locale.span(event.date.start, event.date.end, event.date.precision)


def timeline_flowables(events: tuple[TimelineEvent, ...], styles: Styles, locale: i18n.Locale,
                       markup: MarkupWriter, theme: Theme, levels: tuple[str, ...] = ()) -> list[Any]:
    accent = color(theme.accent)
    escape = markup.escape
    entries: list[Any] = []
    for event in events:
        title = portion_markup(theme, levels, event.level) + escape(event.title)
        if event.highlight:
            title = f"<b>{title}</b>"
        # One paragraph per event (date, title, text as lines): a long timeline is hundreds of
        # events, and every paragraph costs a markup parse, line breaking and drawing.
        date_style, text_style = styles.sidebar_date, styles.sidebar_text
        lines = [f'<font name="{date_style.fontName}" color="{theme.accent}">{escape(_date(event, locale))}</font>', title]
        if event.text:
            lines.append(f'<font size="{text_style.fontSize}" color="{theme.muted}">{markup.write(event.text)}</font>')
        plain = f"{event.title} {plain_text(event.text)}"
        parts = [Paragraph("<br/>".join(lines), styles.breakable(styles.sidebar_entry, plain))]
        entries.append(TimelineEntry(parts, event.highlight, accent, space_after=NOMINAL.gap))
    return entries


# ---------------------------------------------------------------------------- a page of the sidebar


@dataclass(frozen=True)
class Spacing:
    """The sidebar box's vertical spaces: inside the box above and below its events, between
    two events, and under the heading (the box's side padding is always NOMINAL.pad)."""

    pad: float
    gap: float
    head: float

    def toward(self, other: Spacing, share: float) -> Spacing:
        return Spacing(*(a + (b - a) * share for a, b in ((self.pad, other.pad), (self.gap, other.gap),
                                                         (self.head, other.head))))


NOMINAL = Spacing(3 * mm, 5.5, 6.0)
#: The tightest the sidebar is set to end the timeline on a page rather than carry a short rest over.
TIGHTEST = Spacing(2 * mm, 2.5, 3.5)
#: Steps from NOMINAL to TIGHTEST: the least tightening that ends the timeline is used.
TIGHTEN_STEPS = 4
#: Events carried over to the next page: never one alone under "(continued)".
MIN_CARRIED = 2


@dataclass(frozen=True)
class Band:
    """Room for one box of the sidebar: a band's height, and whether it opens the page's boxes
    (it then carries the heading)."""

    height: float
    whole_column: bool


@dataclass(frozen=True)
class PagePlan:
    counts: tuple[int, ...]
    """How many of the pending events each band takes, top band first."""
    spacing: Spacing
    continues: bool
    """Events remain for the next page (the last box says so at its foot)."""


def foot_style(styles: Styles) -> ParagraphStyle:
    """The line at the foot of a box the timeline goes on from ("continued on page 2")."""
    return ParagraphStyle("sidebar_foot", parent=styles.sidebar_text, alignment=TA_RIGHT)


def plan_page(heights: Callable[[int], float], pending: int, bands: Sequence[Band], head: float, foot: float,
              first_page: bool) -> PagePlan:
    """What this page's sidebar takes of the *pending* events (*heights* gives the height of
    the i-th): as many as fit at the nominal spacing; if the rest would fit with tighter
    spacing (never tighter than TIGHTEST), the least tightening that ends the timeline here;
    otherwise the nominal spacing and at least MIN_CARRIED events carried over, so the next
    page's continued box never holds one event alone."""
    counts = _fill(heights, pending, bands, head, 0.0, NOMINAL)
    if sum(counts) >= pending:
        return PagePlan(counts, NOMINAL, False)
    for step in range(1, TIGHTEN_STEPS + 1):
        spacing = NOMINAL.toward(TIGHTEST, step / TIGHTEN_STEPS)
        tight = _fill(heights, pending, bands, head, 0.0, spacing)
        if sum(tight) >= pending:
            return PagePlan(tight, spacing, False)
    counts = _fill(heights, pending, bands, head, foot, NOMINAL)
    kept = sum(counts)
    short = MIN_CARRIED - (pending - kept)
    if short > 0 and kept - short >= (1 if first_page else MIN_CARRIED):
        counts = _hold_back(counts, short)
    return PagePlan(counts, NOMINAL, sum(counts) < pending)


def _fill(heights: Callable[[int], float], pending: int, bands: Sequence[Band], head: float, foot: float,
          spacing: Spacing) -> tuple[int, ...]:
    """Events each band takes at *spacing*; the first band that takes any carries the heading,
    the last keeps room for the foot line (a box above it that ends the page has none). A band that is the whole column takes its first
    event even when it is too tall (it is split or clipped when drawn)."""
    counts: list[int] = []
    start = 0
    for index, band in enumerate(bands):
        room = band.height - 2 * spacing.pad - (head + spacing.head if start == 0 else 0.0)
        if index == len(bands) - 1:
            room -= foot
        count, used = 0, 0.0
        while start + count < pending:
            need = heights(start + count) + (used + spacing.gap if count else 0.0)
            if need > room + 1e-6:
                break
            used, count = need, count + 1
        if count == 0 and band.whole_column and start < pending:
            count = 1
        counts.append(count)
        start += count
    return tuple(counts)


def _hold_back(counts: tuple[int, ...], number: int) -> tuple[int, ...]:
    """*counts* with *number* fewer events, taken from the last bands."""
    result = list(counts)
    for index in range(len(result) - 1, -1, -1):
        less = min(number, result[index])
        result[index] -= less
        number -= less
    return tuple(result)


# ---------------------------------------------------------------------------- where the timeline goes


def sidebar_characters(column_width: float, styles: Styles) -> float:
    """Characters a line of the sidebar's event text in a column *column_width* wide: the
    width left inside the box over the mean width of a lowercase letter (the alphabet length)."""
    style = styles.sidebar_entry
    letter = stringWidth("abcdefghijklmnopqrstuvwxyz", style.fontName, style.fontSize) / 26
    return float((column_width - 2 * NOMINAL.pad - TimelineEntry.INDENT) / letter)


def placement(choice: str, column_width: float, styles: Styles) -> str:
    """"sidebar", or "narrow" when the side column would run under MIN_SIDEBAR_CHARS a line
    (A5, a half-letter booklet): then a block or an appendix, by `chronology_placement`.
    A choice in the manifest other than "auto" is kept."""
    if choice != "auto":
        return choice
    return "sidebar" if sidebar_characters(column_width, styles) >= MIN_SIDEBAR_CHARS else "narrow"


def chronology_placement(entries: list[Flowable], width: float, frame_height: float) -> str:
    """"block" when the chronology takes at most BLOCK_SHARE of the body column, else "appendix"."""
    height = sum(entry.wrap(width, frame_height)[1] + entry.getSpaceAfter() for entry in entries)
    return "block" if height <= BLOCK_SHARE * frame_height else "appendix"


# ---------------------------------------------------------------------------- the chronology


class ChronologyEntry(Flowable):
    """One dated entry of a hanging-indent list: the date in the hanging column, beside the
    first line of the title and text. It splits between lines of the text, never after the
    date alone; the continuation has no date. A highlighted event has the sidebar's bar, in
    the margin beside it. (Tagging reads `list_label` and `list_body`: a list item's `Lbl`
    and `LBody`.)"""

    GAP = 12.0

    def __init__(self, date: Paragraph | None, body: Paragraph, hang: float, space_after: float,
                 bar: colors.Color | None = None):
        super().__init__()
        self.list_label = date
        self.list_body = body
        self.hang = hang
        self.spaceAfter = space_after
        self.bar = bar
        self._date_height = 0.0
        self._body_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self._body_height = self.list_body.wrap(avail_width - self.hang, avail_height)[1]
        date = self.list_label
        if date is not None:  # its first baseline on the text's: their sizes differ
            drop = self.list_body.style.fontSize - date.style.fontSize
            self._date_height = date.wrap(self.hang - self.GAP, avail_height)[1] + drop
        self.height = max(self._body_height, self._date_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        avail_width = rl_compat.split_width(self, avail_width)
        _, height = self.wrap(avail_width, avail_height)
        if height <= avail_height or self._date_height > avail_height:
            return []
        pieces = self.list_body.split(avail_width - self.hang, avail_height)
        if len(pieces) < 2:
            return []
        first = ChronologyEntry(self.list_label, pieces[0], self.hang, 0.0, self.bar)
        return [first, *(ChronologyEntry(None, piece, self.hang, self.spaceAfter, self.bar) for piece in pieces[1:])]

    def draw(self) -> None:
        if self.bar is not None:
            self.canv.saveState()
            self.canv.setFillColor(self.bar)
            self.canv.rect(-TimelineEntry.INDENT, 0, TimelineEntry.BAR, self.height, stroke=0, fill=1)
            self.canv.restoreState()
        if self.list_label is not None:
            self.list_label.drawOn(self.canv, 0, self.height - self._date_height)
        self.list_body.drawOn(self.canv, self.hang, self.height - self._body_height)


def chronology_styles(styles: Styles) -> tuple[ParagraphStyle, ParagraphStyle]:
    """The dates (the sidebar's, on the text's leading) and the text: the sources appendix's,
    hyphenated by the body's rules (its lines are as long as a body column's)."""
    text = ParagraphStyle("chronology_text", parent=styles.source_entry, leftIndent=0, bulletIndent=0,
                          hyphenationLang=styles.body.hyphenationLang)
    date = ParagraphStyle("chronology_date", parent=styles.sidebar_date, leading=text.leading)
    return date, text


def chronology_entries(events: tuple[TimelineEvent, ...], styles: Styles, locale: i18n.Locale, markup: MarkupWriter,
                       theme: Theme, width: float, levels: tuple[str, ...] = ()) -> list[Flowable]:
    """Each event as a `ChronologyEntry`: the date hanging, then the title in bold and the text.
    The hanging column is as wide as the widest date, up to a quarter of *width* (a longer date
    wraps in it)."""
    date_style, text_style = chronology_styles(styles)
    escape = markup.escape
    dates = [_date(event, locale) for event in events]
    widest = max((stringWidth(d, date_style.fontName, date_style.fontSize) for d in dates), default=0.0)
    hang = min(widest, width / 4) + ChronologyEntry.GAP
    entries: list[Flowable] = []
    for event, date in zip(events, dates):
        title = f"<b>{portion_markup(theme, levels, event.level)}{escape(event.title)}.</b>"
        bodies = _chronology_text(title, event, styles, text_style, markup)
        bar = color(theme.accent) if event.highlight else None
        entries.append(ChronologyEntry(Paragraph(escape(date), date_style), bodies[0], hang,
                                       text_style.spaceAfter if len(bodies) == 1 else 0.0, bar))
        entries += [ChronologyEntry(None, body, hang, text_style.spaceAfter if i == len(bodies) - 1 else 0.0, bar)
                    for i, body in enumerate(bodies[1:], start=1)]
    return entries


def _chronology_text(title: str, event: TimelineEvent, styles: Styles, style: ParagraphStyle,
                     markup: MarkupWriter) -> list[Paragraph]:
    """The title and text of an entry, in the pieces a long body paragraph is set in: line
    breaking grows worse than linearly with a paragraph's length, and a page that splits an
    entry breaks its text again. All but the last piece are "-piece" paragraphs, one text to tagging."""
    chunks = text_chunks(event.text, StoryBuilder.PARAGRAPH_CHUNK) if event.text else [()]
    piece = ParagraphStyle(f"{style.name}-piece", parent=style, spaceAfter=0, spaceBefore=0)
    bodies: list[Paragraph] = []
    for index, chunk in enumerate(chunks):
        text = f"{title} {markup.write(chunk)}" if index == 0 and chunk else title if index == 0 else markup.write(chunk)
        plain = f"{event.title} {plain_text(chunk)}" if index == 0 else plain_text(chunk)
        bodies.append(Paragraph(text, styles.breakable(style if index == len(chunks) - 1 else piece, plain)))
    return bodies


def timeline_block(entries: list[Flowable], label: str, styles: Styles, theme: Theme,
                   markup: MarkupWriter) -> list[Flowable]:
    """The chronology as a tinted box across the body, under the sidebar's accent rule and
    labelled as the text's other boxes are."""
    pad = NOMINAL.pad
    head = caps_label(label, styles.box_label, markup)
    head.keepWithNext = True  # with the first entry's opening lines: an entry may be taller than a page
    return [
        Spacer(0, 4),
        FrameBG(color=color(theme.tint), start=True, strokeWidth=0),
        HRFlowable(width="100%", thickness=RULE, color=color(theme.accent), spaceBefore=0, spaceAfter=0),
        Indenter(pad, pad),
        Spacer(0, pad - RULE),
        head,
        *entries,
        Spacer(0, pad - (entries[-1].getSpaceAfter() if entries else 0.0)),
        Indenter(-pad, -pad),
        FrameBG(start=False),
        SpaceAfter(10),
    ]


def chronology_appendix(entries: list[Flowable], label: str, styles: Styles, markup: MarkupWriter) -> list[Flowable]:
    """The appendix "Kronologi" / "Chronology": a heading, then the dated entries."""
    return [HeadingParagraph(markup.escape(label), styles.h1, label, 0), *entries]
