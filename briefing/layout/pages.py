"""Page geometry, page templates, running heads and the timeline sidebar.

The body flows through one frame per page. The timeline sidebar is a second flow,
drawn at the end of each page into its own column, around any band a full-width
figure took; the document template gives the next page a sidebar column for as
long as events remain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (ActionFlowable, BaseDocTemplate, Flowable, Frame, FrameBreak, KeepTogether, PageBreak,
                                PageTemplate)

from . import rl_compat
from .contents import HeadingParagraph
from .decor import PageDecor
from .figures import MIN_SCALE, FigureFlowable
from .geometry import COVER_TOP, Geometry, Rect, make_geometry  # noqa: F401  (re-exported)
from .layoutlog import LayoutLog
from .markup import MarkupWriter
from .notes import GAP, MarginFloat, NotePlacer, draw_placed, note_calls, placed_bands, too_wide
from .paragraphs import Paragraph
from .theme import RULE, Styles, color
from .timeline import NOMINAL, Band, PagePlan, Spacing, foot_style, plan_page
from ..themes import Theme

FRAME_PADDING = 0
#: The first column of a brief's last page is set this much longer than half of what is left:
#: less than a line, so the second column never ends below the first.
BALANCE_SLACK = 6.0
#: A page on which the timeline ends sets the text block under it in two columns when they
#: would be at least this share of the block tall (a timeline ending near the foot changes nothing).
TAIL_SHARE = 0.25


# ---------------------------------------------------------------------------- sidebar


class Sidebar:
    """The timeline as a second flow, drawn at the end of each page around what the body placed.

    Nothing in it depends on the body, except the bands that full-width figures take
    across the page: the sidebar fills the column above and below them. What a page takes
    is planned first (`timeline.plan_page`: tighter spacing to end the timeline on the page,
    or at least two events carried over), then drawn.
    """

    MIN_BAND = 40.0

    def __init__(self, entries: list[Flowable], label: str, continued: str, styles: Styles, theme: Theme,
                 markup: MarkupWriter, continues: str):
        self.entries = list(entries)
        self.pending = list(entries)
        self.label = label
        self.continued = continued
        self.continues = continues
        """The foot line of a box the timeline goes on from, with the next page's number."""
        self.styles = styles
        self.foot_style = foot_style(styles)
        self.theme = theme
        self.markup = markup
        self.pages_drawn = 0

    def reset(self) -> None:
        self.pending = list(self.entries)
        self.pages_drawn = 0

    def draw(self, canvas: Canvas, column: Rect, exclusions: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """Fill *column* (minus the excluded vertical bands) with the next events; the
        (bottom, top) bands the boxes took, so that sidenotes go below them."""
        if not self.pending:
            return []
        bands, plan, head, foot = self._plan(column, exclusions, canvas.getPageNumber())
        drawn: list[tuple[float, float]] = []
        for index, (band, count) in enumerate(zip(bands, plan.counts)):
            if count:
                taken, self.pending = self.pending[:count], self.pending[count:]
                height = self._box(canvas, band, head if not drawn else None, taken, plan.spacing,
                                   foot if plan.continues and index == len(bands) - 1 else None)
                drawn.append((band.top - height, band.top))
        self.pages_drawn += bool(drawn)  # a page without room for a box does not make the next a continuation
        return drawn

    def _plan(self, column: Rect, exclusions: list[tuple[float, float]],
              page: int) -> tuple[list[Rect], PagePlan, Paragraph, Paragraph]:
        """The bands of *column* the page's boxes go in, what each takes, the heading and the foot line."""
        text = self.label + ("" if self.pages_drawn == 0 else f" {self.continued}")
        inner = column.width - 2 * NOMINAL.pad
        head = Paragraph(self.markup.escape(text), self.styles.sidebar_head)
        foot = Paragraph(self.markup.escape(self.continues.format(page=page + 1)), self.foot_style)
        bands = _bands(column, exclusions, self.MIN_BAND)
        self._split_oversized(inner, column, bands, head)
        plan = plan_page(lambda i: float(self.pending[i].wrap(inner, column.height)[1]), len(self.pending),
                         [Band(b.height, b.height >= column.height - 1) for b in bands],
                         head.wrap(inner, column.height)[1], foot.wrap(inner, column.height)[1] + NOMINAL.gap,
                         self.pages_drawn == 0)
        return bands, plan, head, foot

    def ends_in(self, column: Rect, exclusions: list[tuple[float, float]], page: int) -> bool:
        """Would the pending events all be drawn in *column* around the excluded bands?"""
        _, plan, _, _ = self._plan(column, exclusions, page)
        return not plan.continues and sum(plan.counts) >= len(self.pending)

    def closing_height(self, column: Rect) -> float | None:
        """The height of the box the events still pending take in the whole of *column* when
        they all fit there (the timeline ends on that page); None when some carry over."""
        if not self.pending:
            return None
        inner = column.width - 2 * NOMINAL.pad
        text = self.label + ("" if self.pages_drawn == 0 else f" {self.continued}")
        head = Paragraph(self.markup.escape(text), self.styles.sidebar_head).wrap(inner, column.height)[1]
        heights: list[float] = []
        for event in self.pending:  # (wrapped only as far as a column holds)
            heights.append(float(event.wrap(inner, column.height)[1]))
            if sum(heights) > column.height:
                return None
        plan = plan_page(lambda i: heights[i], len(heights), [Band(column.height, True)], head, 0.0,
                         self.pages_drawn == 0)
        if plan.continues or sum(plan.counts) < len(heights):
            return None
        spacing = plan.spacing
        return float(2 * spacing.pad + head + spacing.head + sum(heights) + spacing.gap * (len(heights) - 1))

    def _split_oversized(self, inner: float, column: Rect, bands: list[Rect], head: Paragraph) -> None:
        """An event taller than the whole column is split the way a Frame would split it."""
        if not bands or not self.pending or bands[0].height < column.height - 1:
            return
        room = bands[0].height - 2 * NOMINAL.pad - head.wrap(inner, bands[0].height)[1] - NOMINAL.head
        if self.pending[0].wrap(inner, room)[1] > room:
            parts = self.pending[0].split(inner, room)
            if len(parts) > 1:
                self.pending[0:1] = parts

    def _box(self, canvas: Canvas, band: Rect, head: Paragraph | None, taken: list[Flowable], spacing: Spacing,
             foot: Paragraph | None) -> float:
        """Draw one box at the top of *band*: tint, accent rule, heading, events, foot line."""
        inner = band.width - 2 * NOMINAL.pad
        heights = [item.wrap(inner, band.height)[1] for item in taken]
        height = 2 * spacing.pad + sum(heights) + spacing.gap * (len(taken) - 1)
        if head is not None:
            height += head.height + spacing.head
        if foot is not None:
            height += spacing.gap + foot.height
        t = self.theme
        canvas.saveState()
        canvas.setFillColor(color(t.tint))
        canvas.rect(band.x, band.top - height, band.width, height, stroke=0, fill=1)
        canvas.setFillColor(color(t.accent))
        canvas.rect(band.x, band.top - RULE, band.width, RULE, stroke=0, fill=1)
        canvas.restoreState()
        x, y = band.x + NOMINAL.pad, band.top - spacing.pad
        if head is not None:
            y -= head.height
            head.drawOn(canvas, x, y)
            y -= spacing.head
        for item, h in zip(taken, heights):
            y -= h
            item.drawOn(canvas, x, y)
            y -= spacing.gap
        if foot is not None:
            foot.drawOn(canvas, x, band.top - height + spacing.pad)
        return float(height)


def _bands(column: Rect, exclusions: list[tuple[float, float]], minimum: float) -> list[Rect]:
    """*column* minus the excluded (bottom, top) ranges, top band first."""
    bands: list[Rect] = []
    top = column.top
    for bottom_ex, top_ex in sorted(exclusions, key=lambda band: -band[1]):
        if top_ex < top and top - max(top_ex, column.y) >= minimum:
            low = max(top_ex, column.y)
            bands.append(Rect(column.x, low, column.width, top - low))
        top = min(top, bottom_ex)
    if top - column.y >= minimum:
        bands.append(Rect(column.x, column.y, column.width, top - column.y))
    return bands


# ---------------------------------------------------------------------------- document


class SidebarFlush(ActionFlowable):
    """At the end of the story: add pages until the timeline has all been printed."""

    def __init__(self) -> None:
        super().__init__(("noop",))

    def apply(self, doc: Any) -> None:  # handled in BriefDocTemplate.handle_flowable
        pass


class BriefDocTemplate(BaseDocTemplate):
    """Page templates for page 1 (title block), sidebar pages and plain pages.

    With duplex printing each later template comes in a recto (odd) and a verso
    (even) version whose geometry is mirrored, so the binding margin is always inside.
    """

    def __init__(self, buffer: Any, *, geometry: Geometry, decor: PageDecor, sidebar: Sidebar | None,
                 mirror_pages: bool, date_stamp: str | None = None, notes: NotePlacer | None = None,
                 layout_log: LayoutLog | None = None, **metadata: Any):
        super().__init__(buffer, pagesize=decor.media_size,
                         leftMargin=geometry.block.x, rightMargin=geometry.block.x,
                         topMargin=geometry.page_height - geometry.block.top, bottomMargin=geometry.block.y,
                         **metadata)
        self.geometry = geometry
        self.decor = decor
        self.sidebar = sidebar
        self.notes = notes
        self.mirror_pages = mirror_pages  # (BaseDocTemplate's own `duplex` is a viewer preference)
        self.date_stamp = date_stamp
        """The PDF's CreationDate/ModDate, e.g. "D:20221007000000+00'00'" (None: ReportLab's own)."""
        self.layout_log = layout_log
        """Told every flowable placed (`briefing build --layout-log`); None: nothing recorded."""
        self._exclusions: list[tuple[float, float]] = []
        self._deferred: list[Flowable] = []
        self._deferred_page = 0
        self._deferred_frame: Frame | None = None
        self._queue: list[Flowable] = []
        self._current: Flowable | None = None
        self._force_column = False
        self._story: list[Flowable] = []
        self._tail_column: Rect | None = None
        """The margin column of the next "tail" page, down to where its timeline ends."""
        self._page_tail = False
        self._moved_on: Flowable | None = None
        self._page_wide = False
        self._page_margin = False
        self._floats_out = False
        self._span_bottom: float | None = None
        self._lowest: dict[str, float] = {}
        self.last_page_fill = 1.0
        """The share of the last page's body columns its text fills (a short tail may be pulled back)."""
        self.page_room: list[tuple[float, float]] = []
        """Each page's body columns: the height the text took of them, and their height (in points)."""
        self.figure_slack = 0.0
        """How much the figures placed could still lose in height, down to `figures.MIN_SCALE`."""
        self.heading_pages: dict[str, int] = {}
        """Page of each heading by bookmark key, for the table of contents."""
        self.last_heading: tuple[str, Path | None] = ("", None)
        """The latest heading laid out and its section file: where a layout error happened."""
        self.addPageTemplates(self._templates(geometry, decor, mirror_pages))

    def _templates(self, geometry: Geometry, decor: PageDecor, mirror_pages: bool) -> list[PageTemplate]:
        """Page 1; then, with a margin column, "column" pages (body and margin) and "wide"
        pages (two body columns across the block) for pages with nothing in the margin."""
        templates = [PageTemplate("first", [_frame("body", geometry.main_first())],
                                  onPage=lambda c, _d: decor.first_page(c, geometry),
                                  onPageEnd=lambda c, _d: self._end_page(c, self._tail_column or geometry.sidebar_first()))]
        self.verso_geometry = geometry.mirrored() if mirror_pages else geometry
        for parity, g in (("odd", geometry), ("even", self.verso_geometry)):
            later = lambda c, d, g=g: decor.later_page(c, g, d.page)  # noqa: E731
            if g.sidebar is None:
                templates.append(PageTemplate(f"plain-{parity}", [_frame("body", g.main)], onPage=later,
                                              onPageEnd=lambda c, _d: self._end_page(c, None)))
                continue
            columns = [_frame("body" if i == 0 else f"body-{i + 1}", rect) for i, rect in enumerate(g.columns())]
            templates += [
                PageTemplate(f"column-{parity}", [_frame("body", g.main)], onPage=later,
                             onPageEnd=lambda c, _d, g=g: self._end_page(c, g.sidebar)),
                PageTemplate(f"wide-{parity}", columns, onPage=later, onPageEnd=lambda c, _d: self._end_page(c, None)),
                # frames and margin set for each page it is used on (`_set_tail`)
                PageTemplate(f"tail-{parity}", [_frame("body", g.main)], onPage=later,
                             onPageEnd=lambda c, _d: self._end_page(c, self._tail_column)),
            ]
        return templates

    # -- flow control

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        self._story = flowables
        super().build(flowables, *args, **kwargs)

    def beforeDocument(self) -> None:
        """Start the layout afresh; date the PDF and open it with its outline shown."""
        if self.date_stamp is not None:
            stamp = self.date_stamp
            self.canv.setDateFormatter(lambda *_: stamp)
        self.canv.showOutline()
        self._exclusions, self._deferred, self._deferred_page = [], [], 0
        self._queue, self._current, self._force_column, self._page_wide, self._span_bottom = [], None, False, False, None
        self._tail_column = None
        if self.notes is not None:
            self.notes.reset()
        self.heading_pages.clear()
        self.last_heading = ("", None)
        self.page_room, self.figure_slack = [], 0.0
        if self.sidebar is not None:
            self.sidebar.reset()

    def _should_float(self, flowable: Flowable) -> bool:
        """A figure that does not fit below the text floats to the top of the next page.

        Text goes on filling this page meanwhile, instead of leaving a hole. Once one
        figure floats, later ones queue behind it so figures keep their order.
        """
        if self._deferred:
            return True
        frame = self.frame
        if self._page_tail and getattr(flowable, "span", None) is not None:
            flowable.span = None  # across the page it would run into the timeline: a column's width
        if self._page_wide and len(self.pageTemplate.frames) > 1 and getattr(flowable, "span", None) is not None:
            # Across both columns of a two-column page only at its top: else it opens the next page,
            # unless its section ends on this page: then it is set at a column's width, in its section.
            if frame is self.pageTemplate.frames[0] and rl_compat.frame_at_top(frame):
                return False
            if not self._section_ends_here(flowable):
                return True
            flowable.span = None
        if rl_compat.frame_at_top(frame):
            return False
        space = rl_compat.frame_space_left(frame) - flowable.getSpaceBefore()
        begins_in = getattr(flowable, "begins_in", None)
        if begins_in is not None:  # a table: it floats only when it neither fits nor splits here
            return not begins_in(self.canv, rl_compat.frame_width(frame), space)
        _, height = flowable.wrap(rl_compat.frame_width(frame), space)
        return bool(height > space)

    def _section_ends_here(self, figure: Flowable) -> bool:
        """Do *figure*, at a column's width, and the rest of its section fit on this page?"""
        frames = self.pageTemplate.frames
        width, height = rl_compat.frame_width(self.frame), rl_compat.frame_height(self.frame)
        room = rl_compat.frame_space_left(self.frame) + height * (len(frames) - 1 - frames.index(self.frame))
        rest: list[Flowable] = []
        for flowable in self._upcoming()[1:]:
            if isinstance(flowable, HeadingParagraph) and flowable.outline_level == 0:
                break
            if isinstance(flowable, (PageBreak, RectoBreak, SidebarFlush)) or getattr(flowable, "span", None) is not None:
                return False
            rest.append(flowable)
        span, figure.span = getattr(figure, "span", None), None
        need = _stacked_height([figure, *rest], self.canv, width, height)
        figure.span = span
        return bool(need <= room)

    def _sidebar_pending(self) -> bool:
        return self.sidebar is not None and bool(self.sidebar.pending)

    def afterPage(self) -> None:
        parity = "even" if self.mirror_pages and (self.page + 1) % 2 == 0 else "odd"
        if self.geometry.sidebar is None:
            kind = "plain"
        elif self._sidebar_pending() or self._force_column or (self._margin_wide_enough() and self._margin_ahead()):
            kind = "column"
        else:
            kind = "wide"
        if kind == "column" and not self._force_column and self._tail_template(parity):
            kind = "tail"
        self._force_column = False
        self.handle_nextPageTemplate(f"{kind}-{parity}")

    def _tail_template(self, parity: str) -> bool:
        """Set up the next page as a "tail" page if the timeline ends well above its foot."""
        g = self.verso_geometry if parity == "even" else self.geometry
        if g.sidebar is None:
            return False
        template = next(t for t in self.pageTemplates if t.id == f"tail-{parity}")
        return self._set_tail(template, g, g.main, g.sidebar)

    def _set_tail(self, template: PageTemplate, g: Geometry, body: Rect, column: Rect) -> bool:
        """Does the timeline end well above the foot of the page *template* will lay out? Then
        the page is a "tail" page: the body column and the timeline down to the timeline's end,
        below them the text block in the two columns of the pages that follow (else a third of
        the page under the timeline's last event stays empty). The page's frames are set here.

        The notes called beside the timeline go into the margin under it (the switch point
        leaves them room), those called below to the foot of their column, as on a two-column
        page; the page keeps its margin column when what it will hold has margin material to
        fill half of it."""
        if self.sidebar is None or not self._margin_wide_enough():
            return False
        closing = self.sidebar.closing_height(column)
        if closing is None:
            return False
        cut = column.top - closing
        for _ in range(2):  # the notes called beside the timeline go under it: the body column grows with them
            cut = column.top - closing - self._notes_above(body.width, body.top - cut, column.width)
        below = cut - self.geometry.gutter - g.block.y
        # (asked last: it wraps two columns' worth of text at their width, which a page that keeps
        # its column never sets)
        if below < g.block.height * TAIL_SHARE or self._margin_ahead():
            return False  # the timeline ends near the foot, or margin material: the page keeps its column
        lower = [Rect(r.x, r.y, r.width, below) for r in g.columns()]
        template.frames = [_frame("body", Rect(body.x, cut, body.width, body.top - cut)),
                           *(_frame(f"body-{i + 2}", r) for i, r in enumerate(lower))]
        self._tail_column = Rect(column.x, cut, column.width, column.top - cut)
        return True

    def _notes_above(self, width: float, room: float, margin_width: float) -> float:
        """The height in the margin of the notes that the text filling *room* points of a
        column *width* wide will call (as far as the flowables that begin there)."""
        if self.notes is None:
            return 0.0
        numbers: list[int] = []
        for flowable in self._upcoming():
            if room <= 0 or isinstance(flowable, (PageBreak, RectoBreak, SidebarFlush)):
                break
            if getattr(flowable, "frameAction", None) or isinstance(flowable, ActionFlowable):
                continue
            numbers += note_calls(flowable, self.canv, width)
            room -= flowable.getSpaceBefore() + flowable.wrapOn(self.canv, width, room)[1] + flowable.getSpaceAfter()
        return self.notes.notes_height(tuple(numbers), margin_width)

    def _margin_ahead(self) -> bool:
        """Should the next page keep its margin column? Yes when what it will hold has margin
        material (sidenotes, asides, margin figures) to fill half the column, or something
        too wide for a body column (a full-width figure that cannot open the page); else the
        page is set in two columns, its notes at their column's foot."""
        width, height = self.geometry.columns()[0].width, self.geometry.main.height
        assert self.geometry.sidebar is not None
        margin_width = self.geometry.sidebar.width
        room, margin = len(self.geometry.columns()) * height, 0.0
        for flowable in self._upcoming():
            if margin >= height / 2:
                return True  # (it only grows: what follows is not wrapped for a page that keeps its column)
            if isinstance(flowable, (PageBreak, RectoBreak, SidebarFlush)):
                break
            if getattr(flowable, "frameAction", None) or isinstance(flowable, ActionFlowable):
                continue
            if isinstance(flowable, MarginFloat):
                margin += flowable.content.wrap(margin_width, height)[1] + GAP
                continue
            if not getattr(flowable, "floats", False) and too_wide(flowable, width, self.canv, height):
                return True
            room -= flowable.getSpaceBefore() + flowable.wrapOn(self.canv, width, height)[1] + flowable.getSpaceAfter()
            if self.notes is not None:
                margin += self.notes.notes_height(note_calls(flowable), margin_width)
            if room <= 0:
                break
        return margin >= height / 2

    def _upcoming(self) -> list[Flowable]:
        """What is left to lay out, in order: floated figures, the flowable being placed, the rest."""
        upcoming = list(self._queue)
        if self._current is not None and (not upcoming or upcoming[0] is not self._current):
            upcoming.insert(0, self._current)
        return [*self._deferred, *upcoming]

    def beforePage(self) -> None:
        self._exclusions = []
        self._page_wide = self.pageTemplate.id.startswith("wide")
        self._page_tail = self.pageTemplate.id.startswith("tail") or self.page == 1 and self._first_tail()
        # A page with a margin column sets its notes there, beside their calls, the timeline
        # flowing around them; its floats go there once the timeline is done, before it in the text.
        self._page_margin = (not self._page_wide and not self._page_tail and self.geometry.sidebar is not None
                             and self._margin_wide_enough())
        self._floats_out = self._page_margin and not self._sidebar_pending()
        self._span_bottom = None
        self._lowest = {}
        for frame in self.pageTemplate.frames:
            rl_compat.reset_frame_foot(frame)
        if self.notes is not None:
            feet = [] if self._page_margin else self.pageTemplate.frames
            # a tail page: the notes called beside the timeline go into the margin, the others to their column's foot
            margin_from = self._tail_column.y if self._page_tail and self._tail_column is not None else None
            self.notes.begin_page(self.canv, [rl_compat.frame_rect(frame) for frame in feet], margin_from)

    def _first_tail(self) -> bool:
        """Page 1 is a tail page too when the whole timeline ends well above its foot."""
        g, template = self.geometry, self.pageTemplate
        template.frames = [_frame("body", g.main_first())]
        column = g.sidebar_first()
        if column is None:
            return False
        self._queue = self._story  # what page 1 will hold (nothing is placed yet)
        return self._set_tail(template, g, g.main_first(), column)

    def _notes_at_foot(self, frame: Frame | None) -> bool:
        """Do the notes *frame* calls go to its foot (a page without a margin column, or the
        columns under a tail page's timeline)?"""
        if frame is None or self._page_margin:
            return False
        return not (self._page_tail and frame is self.pageTemplate.frames[0])

    def _margin_wide_enough(self) -> bool:
        """On paper too narrow for two body columns (A5) the margin is too narrow for notes too."""
        return len(self.geometry.columns()) > 1

    @property
    def page_has_margin(self) -> bool:
        """Margin floats go into the margin column on this page (else into the text)."""
        return self.notes is not None and self._floats_out

    def handle_frameBegin(self, resume: int = 0, pageTopFlowables: Any = None) -> None:
        """The second column of a two-column page starts below a figure across the top of the first."""
        super().handle_frameBegin(resume, pageTopFlowables)
        if self._span_bottom is not None and self.frame is not self.pageTemplate.frames[0]:
            rl_compat.start_frame_below(self.frame, self._span_bottom)
        elif self._page_wide and len(self.pageTemplate.frames) > 1 and self.frame is self.pageTemplate.frames[0]:
            self._balance_columns()
        elif self._page_tail and len(self.pageTemplate.frames) > 2 and self.frame is self.pageTemplate.frames[1]:
            self._balance_columns()  # the columns under the timeline

    def _balance_columns(self) -> None:
        """On the brief's last page, end the two columns level: when all that is left fits on
        this page, the first column is shortened to half of it, and the second takes the rest.

        (Set the ordinary way, the story's end fills the first column and leaves the second
        empty, or holds a few lines: the page looks abandoned, not finished.) The second column
        keeps its full height, so a split that comes out longer than measured still fits.
        """
        rest = self._story_rest()
        if not rest:
            return  # more pages follow
        frame = self.frame
        width, height = rl_compat.frame_width(frame), rl_compat.frame_height(frame)
        # measured only as far as two columns: most of the story is left on most pages
        text = _stacked_height((f for f in rest if getattr(f, "span", None) is None), self.canv, width, height,
                               limit=2 * (height - BALANCE_SLACK))
        if text > 2 * (height - BALANCE_SLACK) or self.notes is not None and any(note_calls(f) for f in rest):
            return  # more than the page holds, or notes at a column's foot would sit below short text
        spans = [f for f in rest if getattr(f, "span", None) is not None]
        flowing = [f for f in rest if f not in spans]
        across = _stacked_height(spans, self.canv, width, height)
        # what opens the column goes in it (ReportLab refuses a flowable the second column it fails in)
        lead = next((f for f in flowing if not getattr(f, "frameAction", None) and not isinstance(f, ActionFlowable)), None)
        opening = 0.0 if lead is None else (_opening_height(lead, self.canv, width, height) if isinstance(lead, Paragraph)
                                            else _stacked_height([lead], self.canv, width, height))
        first = across + max(_balance_point(flowing, self.canv, width, height, text), opening) + BALANCE_SLACK
        if text <= 2 * (height - across) - 2 * BALANCE_SLACK and first < height:
            rl_compat.raise_frame_foot(frame, height - first)

    def _story_rest(self) -> list[Flowable]:
        """What is left of the story when it may all go on this page; empty when a page break
        or timeline events still to print mean more pages follow."""
        if self._sidebar_pending() and not self._page_tail:  # (a tail page is the timeline's last)
            return []
        upcoming = self._upcoming()
        # Asked at the top of every two-column page, with the whole story still to come: its kinds
        # are told apart by class first (a walk of it in Python cost ~1 % of a large build).
        kinds = list(map(type, upcoming))
        ends = [kinds.index(kind) for kind in set(kinds) if issubclass(kind, SidebarFlush)]
        if not ends:
            return []
        end = min(ends)
        if not any(issubclass(kind, (PageBreak, RectoBreak, type(FrameBreak))) for kind in set(kinds[:end])):
            return upcoming[:end]
        rest: list[Flowable] = []
        for flowable in upcoming:
            if isinstance(flowable, SidebarFlush):
                return rest
            if isinstance(flowable, type(FrameBreak)) and not rest:
                continue  # left from the page before: a column break does nothing at a column's top
            if isinstance(flowable, (PageBreak, RectoBreak, type(FrameBreak))):
                return []
            rest.append(flowable)
        return []

    def page_geometry(self) -> Geometry:
        """The geometry of the page being laid out: mirrored on a verso page in duplex."""
        return self.verso_geometry if self.mirror_pages and self.page % 2 == 0 else self.geometry

    def exclude_band(self, bottom: float, top: float) -> None:
        """A full-width figure covers this vertical range of the current page."""
        self._exclusions.append((bottom, top))

    def _too_wide_here(self, flowable: Flowable, frame: Frame) -> bool:
        if getattr(flowable, "floats", False) or flowable is self._moved_on:
            return False
        return too_wide(flowable, rl_compat.frame_width(frame), self.canv, self.geometry.main.height)

    def _keep_foot(self, frame: Frame, flowable: Flowable) -> bool:
        """Notes at a column's foot: keep room for those *flowable* calls before it is set.
        True when the room would leave too little for even its opening lines: it goes to the
        next column instead, and the room is kept there (none is wasted here)."""
        if self.notes is None:
            return False
        if frame not in self.pageTemplate.frames:  # the page ended; the next has not begun
            return False
        width = rl_compat.frame_width(frame)
        index = self.pageTemplate.frames.index(frame)
        numbers, need = self.notes.foot_room(note_calls(flowable, self.canv, width), index, width)
        if not numbers:
            return False
        opening = _opening_height(flowable, self.canv, width, rl_compat.frame_height(frame))
        if not rl_compat.frame_at_top(frame) and rl_compat.frame_space_left(frame) - need < opening:
            return True
        self.notes.keep_room(numbers, index)
        rl_compat.raise_frame_foot(frame, need)
        return False

    def _end_page(self, canvas: Canvas, column: Rect | None) -> None:
        """Draw the margin column: this page's sidenotes and margin floats beside their place
        in the text, then the timeline's next events around them. A two-column page has its
        notes at the foot of their columns; a tail page whose timeline would not end around
        its sidenotes has its timeline first, as planned, and the notes under it."""
        if self.notes is not None:
            self.notes.draw_feet(canvas)
        self.last_page_fill = self._fill()
        if column is None:
            return
        taken = list(self._exclusions)
        first = self._page_tail and self.sidebar is not None and self.notes is not None and not self.sidebar.ends_in(
            column, taken + placed_bands(self.notes.arrange(column, taken)), canvas.getPageNumber())
        if first and self.sidebar is not None:
            taken += self.sidebar.draw(canvas, column, taken)
        if self.notes is not None and (self._page_margin or self._page_tail):
            taken += draw_placed(canvas, column, self.notes.place(column, taken))
        if self.sidebar is not None and not first:
            self.sidebar.draw(canvas, column, taken)

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if rl_compat.is_hanging(self, flowables):  # ReportLab beginning a page: not the story
            super().handle_flowable(flowables)
            return
        self._queue = flowables
        self._current = flowables[0] if flowables else None
        frame = getattr(self, "frame", None)
        if self._notes_at_foot(frame) and self._current is not None:
            if self._keep_foot(frame, self._current):
                flowables.insert(0, FrameBreak())
                return
        if self._current is not None and frame is not None and (
                self._page_wide or self._page_tail and frame is not self.pageTemplate.frames[0]):
            if self._too_wide_here(self._current, frame):
                self._force_column = True  # a wide table or code block: on a page with the main column
                self._moved_on = self._current
                flowables.insert(0, PageBreak())
        if self._deferred and self._floats_open_here():
            # floated figures open the new page or column, after the rest of a paragraph or short
            # list (a wide page takes a full-width figure only at its top)
            across = any(getattr(waiting, "span", None) is not None for waiting in self._deferred)
            at = 0 if self._page_wide and across else next(
                (i for i, f in enumerate(flowables) if not getattr(f, "keeps_floats_out", False)), len(flowables))
            flowables[at:at] = self._deferred
            self._deferred = []
        first = flowables[0] if flowables else None
        if self._deferred and isinstance(first, HeadingParagraph) and first.outline_level == 0:
            self._set_before_heading(flowables)
            return
        following = flowables[1] if len(flowables) > 1 else None
        self._handle(flowables)
        if flowables and flowables[0] is not first and flowables[0] is not following and isinstance(flowables[0], Paragraph):
            flowables[0].keeps_floats_out = True  # the rest of a paragraph split at the page's foot

    def _floats_open_here(self) -> bool:
        """Floated figures open the next page, or the next column of a page with several when
        none of them spans the text block (across it, one could only open a page)."""
        if self.page > self._deferred_page:
            return True
        return (self.frame is not self._deferred_frame and rl_compat.frame_at_top(self.frame)
                and all(getattr(waiting, "span", None) is None for waiting in self._deferred))

    def _floats(self, flowable: Flowable) -> bool:
        """May *flowable* wait for the next column while text comes up? A figure or table
        may; so may margin material set in the text, on a page without a margin column."""
        return bool(getattr(flowable, "floats", False)) or (
            isinstance(flowable, MarginFloat) and not self.page_has_margin)

    def _set_before_heading(self, flowables: list[Flowable]) -> None:
        """Floated figures stay in their section: they are set before the next section's heading.

        A figure goes in what is left of the column when it fits there at a scale it may
        take (down to `figures.MIN_SCALE`); else it opens the next column, or the next page,
        and the heading follows it. On a two-column page a full-width figure that waits is
        set at a column's width: across the page it could only open the next page, leaving
        the rest of this one empty. The column before may end short, as a column does where
        a section ends; filling it with the next section instead would set the figure inside
        that section, where a reader takes it for that section's.
        """
        waiting, self._deferred = self._deferred, []
        frame = self.frame
        if self._page_wide or self._page_tail:
            for figure in waiting:
                if getattr(figure, "span", None) is not None:
                    figure.span = None  # a column's width
        if self._fits_before(waiting, frame):
            flowables[0:0] = waiting
            return
        last = frame is self.pageTemplate.frames[-1]
        flowables[0:0] = [PageBreak() if last else FrameBreak(), *waiting]

    def _fits_before(self, waiting: list[Flowable], frame: Frame) -> bool:
        """Does the one waiting figure fit in what is left of *frame*, shrunk within its range,
        or (a full-width figure) at the column's width? If so it is set so."""
        figure = waiting[0]
        if len(waiting) != 1 or not hasattr(figure, "shrink_to") or rl_compat.frame_at_top(frame):
            return False
        width, space = rl_compat.frame_width(frame), rl_compat.frame_space_left(frame) - figure.getSpaceBefore()
        if figure.shrink_to(width, space):
            return True
        span, figure.span = figure.span, None
        if span is not None and figure.shrink_to(width, space):
            return True
        figure.span = span
        return False

    def _handle(self, flowables: list[Flowable]) -> None:
        first = flowables[0] if flowables else None
        if self._floats(first) and self._should_float(first):
            self._deferred.append(flowables.pop(0))
            self._deferred_page, self._deferred_frame = self.page, self.frame
            if not flowables:
                flowables.append(PageBreak())
            return
        if isinstance(first, SidebarFlush):
            if self._deferred:  # floated figures open the next page; the flush comes again after them
                flowables.insert(0, PageBreak())
            else:
                flowables.pop(0)
                self._flush_sidebar()
                return
        if isinstance(first, RectoBreak):
            flowables.pop(0)
            if self.mirror_pages and self.page % 2 == 1:  # the next page would be a verso: leave it blank
                flowables[0:0] = [PageBreak(), PageBreak()]
            else:
                flowables.insert(0, PageBreak())
        super().handle_flowable(flowables)

    def _flush_sidebar(self) -> None:
        """End pages until the timeline is all printed, and begin none that nothing would fill.

        The sidebar is drawn when a page ends, so only ending the page tells whether events
        remain; a page is begun only for those, never for an empty last page.
        """
        while self._sidebar_pending():
            rl_compat.begin_pending_page(self)  # begin the page the remaining events need
            rl_compat.count_page_content(self)  # the sidebar is this page's content
            self.handle_pageEnd()

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        """Keep a run of keep-with-next flowables (a heading, an introduction, glued
        spacers) with the opening lines of what follows: if they do not all fit in what
        is left of the frame, the run starts the next one.

        ReportLab's own rule keeps the run with the *whole* next flowable: it wraps that
        paragraph an extra time, deep-copies the frame, and moves the heading on whenever
        the paragraph does not fit in full, leaving a hole below the text before it.
        """
        frame = getattr(self, "frame", None)  # none before the first page begins
        if frame is None or rl_compat.frame_at_top(frame) or not flowables[0].getKeepWithNext():
            return
        width, frame_height = rl_compat.frame_width(frame), rl_compat.frame_height(frame)
        need, after = 0.0, rl_compat.frame_space_after(frame)
        index = 0
        while index < len(flowables) and flowables[index].getKeepWithNext():
            flowable = flowables[index]
            if not getattr(flowable, "frameAction", None):
                # a space before overlaps the space after the flowable above it, as the frame sets them
                need += max(flowable.getSpaceBefore() - after, 0) + flowable.wrapOn(self.canv, width, frame_height)[1]
                after = flowable.getSpaceAfter()
                need += after
            index += 1
        # A figure that does not fit floats to the next page and the text after it comes up:
        # that text is what must have room below the heading. When no text of its own comes up
        # (a heading follows the float, or nothing), the heading keeps with the float itself.
        rest = flowables[index:]
        following = next((f for f in rest if not self._floats(f)), None)
        if rest and (following is None or isinstance(following, HeadingParagraph)):
            following = rest[0]
        if following is not None:
            need += _opening_height(following, self.canv, width, frame_height) - min(following.getSpaceBefore(), after)
            if self.notes is not None and self._notes_at_foot(frame) and frame in self.pageTemplate.frames:
                # and the notes it calls, at this column's foot: else it moves on and strands the heading
                column = self.pageTemplate.frames.index(frame)
                need += self.notes.foot_room(note_calls(following, self.canv, width), column, width)[1]
        if need > rl_compat.frame_space_left(frame):
            flowables.insert(0, FrameBreak())

    def _fill(self) -> float:
        """The share of this page's body columns the text took (the lowest point of each)."""
        frames = [rl_compat.frame_rect(frame) for frame in self.pageTemplate.frames]
        used = sum(y + height - self._lowest.get(frame.id, y + height)
                   for frame, (_, y, _, height) in zip(self.pageTemplate.frames, frames))
        room = sum(height for _, _, _, height in frames)
        self.page_room.append((float(used), float(room)))
        return float(used / room)

    def afterFlowable(self, flowable: Flowable) -> None:
        if self.layout_log is not None:
            self.layout_log.placed(self.page, self.pageTemplate.id, self.frame, flowable, self._current)
        frame = getattr(self, "frame", None)
        if frame is not None and frame in self.pageTemplate.frames:
            top = rl_compat.current_frame_top(frame)
            self._lowest[frame.id] = min(top, self._lowest.get(frame.id, top))
            if isinstance(flowable, FigureFlowable):
                self.figure_slack += flowable.image_height * (1 - MIN_SCALE / flowable.scale)
        if self._page_wide and getattr(flowable, "span", None) is not None:
            self._span_bottom = rl_compat.current_frame_top(self.frame)
        if not isinstance(flowable, HeadingParagraph) or not flowable.outline_key:
            return
        title = flowable.outline_title
        self.last_heading = (title, flowable.source_path or self.last_heading[1])
        key, level = flowable.outline_key, flowable.outline_level  # set by contents.assign_outline
        self.heading_pages[key] = self.page
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def _stacked_height(flowables: Iterable[Flowable], canvas: Canvas, width: float, height: float,
                    limit: float = float("inf")) -> float:
    """The height *flowables* take one below the other in a column *width* wide, the space
    between two the larger of the one's space after and the next one's space before; once
    past *limit*, the height so far (the rest is not wrapped)."""
    total, after = 0.0, None
    for flowable in flowables:
        if total > limit:
            break
        if getattr(flowable, "frameAction", None) or isinstance(flowable, ActionFlowable):
            continue
        tall = flowable.wrapOn(canvas, width, height)[1]
        total += rl_compat.kept_height(flowable) if isinstance(flowable, KeepTogether) else tall
        if after is not None:
            total += max(after, flowable.getSpaceBefore())
        after = flowable.getSpaceAfter()
    return float(total)


def _balance_point(flowables: list[Flowable], canvas: Canvas, width: float, height: float, total: float) -> float:
    """How long the first of two columns holding *flowables* (*total* points) should be to
    end them level: half, or, where a block that does not split (a table, a kept group, a
    short paragraph) crosses the half, above or below it, whichever ends the columns
    nearer level (below when that is as near: the first column the longer)."""
    y, after = 0.0, None
    for flowable in flowables:
        if getattr(flowable, "frameAction", None) or isinstance(flowable, ActionFlowable):
            continue
        tall = flowable.wrapOn(canvas, width, height)[1]
        tall = rl_compat.kept_height(flowable) if isinstance(flowable, KeepTogether) else tall
        top = y + (0.0 if after is None else max(after, flowable.getSpaceBefore()))
        y, after = top + tall, flowable.getSpaceAfter()
        if y <= total / 2:
            continue
        if isinstance(flowable, Paragraph) and rl_compat.line_count(flowable) >= 4:
            return total / 2  # it splits at a line
        return y if 2 * y - total <= total - 2 * top else top
    return total / 2


def _opening_height(flowable: Flowable, canvas: Canvas, width: float, frame_height: float) -> float:
    """Height of the least of *flowable* that must follow a heading on its page: the
    first lines of a paragraph that may stay behind when it splits (also the text an inset
    lets come up before its figure, or else the inset whole), or a table, box or figure
    whole — but never more than a third of the frame, so a heading does not leave a
    half-empty page for a long table."""
    if getattr(flowable, "frameAction", None):
        return 0.0
    before = flowable.getSpaceBefore()
    lead = getattr(flowable, "text_first", None)  # an inset figure, which may let its text come up first
    first = lead(width, frame_height) if lead is not None else None
    if first is not None:
        return float(before + _opening_height(first, canvas, width, frame_height))
    height = flowable.wrapOn(canvas, width, frame_height)[1]  # kept: placing it asks again
    if lead is not None:  # its text too short to come up alone: the inset moves on whole
        return float(before + height)
    if isinstance(flowable, Paragraph):
        style = flowable.style
        lines = rl_compat.line_count(flowable)
        first = 1 if style.allowOrphans else 2
        last = 1 if style.allowWidows else 2
        if lines >= first + last:  # it can split: its first lines are enough
            return float(before + first * style.leading)
        return float(before + height)  # too short to split: all of it
    if isinstance(flowable, KeepTogether):
        height = rl_compat.kept_height(flowable)
    return float(before + min(height, frame_height / 3))


class RectoBreak(ActionFlowable):
    """Start what follows on a new page — a right-hand one when printing duplex."""

    def __init__(self) -> None:
        super().__init__(("noop",))

    def apply(self, doc: Any) -> None:  # handled in BriefDocTemplate.handle_flowable
        pass


def _frame(frame_id: str, rect: Rect) -> Frame:
    return Frame(rect.x, rect.y, rect.width, rect.height, id=frame_id,
                 leftPadding=FRAME_PADDING, rightPadding=FRAME_PADDING,
                 topPadding=FRAME_PADDING, bottomPadding=FRAME_PADDING,
                 overlapAttachedSpace=1)  # a space after and the next one's space before: the larger


class DeferredCanvas(Canvas):
    """Holds pages until the end so each can print "page X of Y".

    The PDF document's page counter still advances at each deferred page, so
    bookmarks, links and named destinations made during layout point at the right
    page; it is rewound before the pages are really written.
    """

    def __init__(self, *args: Any, finish_page: Callable[[Canvas, int, int], None], tagger: Any = None,
                 finish_document: Callable[[Canvas], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tagger = tagger
        """The `tagging.Tagger` marking content as it is drawn (None: an untagged PDF)."""
        self._finish_page = finish_page
        self._finish_document = finish_document
        """Called once every page is written, before the document is (the structure tree, PDF/A)."""
        self._pages: list[dict[str, Any]] = []
        self._at_finish: list[Callable[[Canvas], None]] = []

    def at_finish(self, draw: Callable[[Canvas], None]) -> None:
        """Draw on this page once every page is laid out (a table of contents' page numbers)."""
        self._at_finish.append(draw)

    def showPage(self) -> None:
        self._pages.append(rl_compat.hold_page(self))
        self._at_finish = []

    def save(self) -> None:
        total = len(self._pages)
        rl_compat.rewind_pages(self, total)
        for number, state in enumerate(self._pages, start=1):
            rl_compat.resume_page(self, state)
            if self.tagger is not None:
                self.tagger.frame_page(self)
            for draw in state["_at_finish"]:
                draw(self)
            self._finish_page(self, number, total)
            super().showPage()
        if self._finish_document is not None:
            self._finish_document(self)
        super().save()
