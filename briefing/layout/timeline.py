"""The timeline's entries as flowables for the sidebar column."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from .. import i18n
from ..model import TimelineEvent, plain_text
from .markup import MarkupWriter
from .paragraphs import Paragraph
from ..themes import Theme
from .theme import Styles, color, portion_markup


class TimelineEntry(Flowable):
    """One event: the date on top, then the title and text; highlighted ones get a bar.

    It never splits across pages unless it alone is taller than a column, and then it
    splits between lines.
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


def timeline_flowables(events: tuple[TimelineEvent, ...], styles: Styles, locale: i18n.Locale,
                       markup: MarkupWriter, theme: Theme, levels: tuple[str, ...] = ()) -> list[Any]:
    accent = color(theme.accent)
    escape = markup.escape
    entries: list[Any] = []
    for event in events:
        date = event.date.label or locale.span(event.date.start, event.date.end, event.date.precision)
        title = portion_markup(theme, levels, event.level) + escape(event.title)
        if event.highlight:
            title = f"<b>{title}</b>"
        # One paragraph per event (date, title, text as lines): a long timeline is hundreds of
        # events, and every paragraph costs a markup parse, line breaking and drawing.
        date_style, text_style = styles.sidebar_date, styles.sidebar_text
        lines = [f'<font name="{date_style.fontName}" color="{theme.accent}">{escape(date)}</font>', title]
        if event.text:
            lines.append(f'<font size="{text_style.fontSize}" color="{theme.muted}">{markup.write(event.text)}</font>')
        plain = f"{event.title} {plain_text(event.text)}"
        parts = [Paragraph("<br/>".join(lines), styles.breakable(styles.sidebar_entry, plain))]
        entries.append(TimelineEntry(parts, event.highlight, accent, space_after=5.5))
    return entries
