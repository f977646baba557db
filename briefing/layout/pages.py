"""Page geometry, page templates, running heads and the timeline sidebar.

The body flows through one frame per page. The timeline sidebar is a second flow,
drawn at the end of each page into its own column, around any band a full-width
figure took; the document template gives the next page a sidebar column for as
long as events remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ActionFlowable, BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph

from .markup import escape
from .theme import Styles, Theme

FRAME_PADDING = 0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Geometry:
    """Where everything goes on the page, computed once per document."""

    page_width: float
    page_height: float
    block: Rect
    """The full text block (between the margins)."""
    main: Rect
    """The body column on later pages."""
    sidebar: Rect | None
    first_top: float
    """Top of the body and sidebar on page 1, below the title block."""

    def main_first(self) -> Rect:
        return Rect(self.main.x, self.main.y, self.main.width, self.first_top - self.main.y)

    def sidebar_first(self) -> Rect | None:
        if self.sidebar is None:
            return None
        return Rect(self.sidebar.x, self.sidebar.y, self.sidebar.width, self.first_top - self.sidebar.y)


def make_geometry(theme: Theme, page_size: tuple[float, float], has_sidebar: bool, cover_height: float,
                  sidebar_side: str = "right") -> Geometry:
    width, height = page_size
    side = theme.margin_side if has_sidebar else theme.margin_side_single
    block = Rect(side, theme.margin_bottom, width - 2 * side, height - theme.margin_top - theme.margin_bottom)
    sidebar = None
    main = block
    if has_sidebar:
        sidebar_width = block.width * theme.sidebar_fraction
        main_width = block.width - sidebar_width - theme.gutter
        if sidebar_side == "left":
            sidebar = Rect(block.x, block.y, sidebar_width, block.height)
            main = Rect(block.x + sidebar_width + theme.gutter, block.y, main_width, block.height)
        else:
            main = Rect(block.x, block.y, main_width, block.height)
            sidebar = Rect(block.x + main_width + theme.gutter, block.y, sidebar_width, block.height)
    first_top = height - COVER_TOP - cover_height
    return Geometry(width, height, block, main, sidebar, first_top)


#: The title band starts this far below the top edge (room for the marking above it).
COVER_TOP = 15 * mm


# ---------------------------------------------------------------------------- sidebar


class Sidebar:
    """The timeline as a second flow, drawn at the end of each page around what the body placed.

    Nothing in it depends on the body, except the bands that full-width figures take
    across the page: the sidebar fills the column above and below them.
    """

    PAD = 3 * mm
    MIN_BAND = 40.0

    def __init__(self, entries: list[Flowable], label: str, continued: str, styles: Styles, theme: Theme):
        self.pending = list(entries)
        self.label = label
        self.continued = continued
        self.styles = styles
        self.theme = theme
        self.pages_drawn = 0

    def draw(self, canvas: Canvas, column: Rect, exclusions: list[tuple[float, float]]) -> None:
        """Fill *column* (minus the excluded vertical bands) with the next events."""
        if not self.pending:
            return
        heading = self.label + ("" if self.pages_drawn == 0 else f" {self.continued}")
        for index, band in enumerate(_bands(column, exclusions, self.MIN_BAND)):
            self._fill(canvas, band, heading if index == 0 else None, whole_column=band.height >= column.height - 1)
            if not self.pending:
                break
        self.pages_drawn += 1

    def _fill(self, canvas: Canvas, band: Rect, heading: str | None, whole_column: bool) -> None:
        inner = band.width - 2 * self.PAD
        head = Paragraph(escape(heading), self.styles.sidebar_head) if heading else None
        head_h = head.wrap(inner, band.height)[1] + self.styles.sidebar_head.spaceAfter if head else 0.0
        available = band.height - 2 * self.PAD - head_h
        taken, used = _take(self.pending, inner, available, force=whole_column)
        if not taken:
            return
        height = self.PAD * 2 + head_h + used
        t = self.theme
        canvas.saveState()
        canvas.setFillColor(t.color(t.tint))
        canvas.rect(band.x, band.top - height, band.width, height, stroke=0, fill=1)
        canvas.setFillColor(t.color(t.accent))
        canvas.rect(band.x, band.top - 1.2, band.width, 1.2, stroke=0, fill=1)
        canvas.restoreState()
        y = band.top - self.PAD
        if head:
            y -= head.height
            head.drawOn(canvas, band.x + self.PAD, y)
            y -= self.styles.sidebar_head.spaceAfter
        for item in taken:
            _, h = item.wrap(inner, available)
            y -= h
            item.drawOn(canvas, band.x + self.PAD, y)
            y -= item.getSpaceAfter()


def _take(pending: list[Flowable], width: float, available: float, force: bool) -> tuple[list[Flowable], float]:
    """Move what fits in *available* points from *pending*, splitting the way a Frame would."""
    taken: list[Flowable] = []
    used = 0.0
    while pending:
        item = pending[0]
        _, h = item.wrap(width, available - used)
        if used + h <= available + 1e-6:
            taken.append(pending.pop(0))
            used += h + item.getSpaceAfter()
            continue
        parts = item.split(width, available - used) if not taken else []
        if len(parts) > 1:
            pending[0:1] = parts
            continue
        if not taken and force:  # alone and taller than a whole column: place it, clipped
            taken.append(pending.pop(0))
            used += h
        break
    return taken, used


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


@dataclass(frozen=True)
class Decor:
    """What the running heads and footers print."""

    title: str
    date_text: str
    footer_left: str
    marking: str | None
    page_label: str
    """A format string with {page} and {total}."""
    notice: str | None = None


class BriefDocTemplate(BaseDocTemplate):
    """Page templates for page 1 (title block), sidebar pages and plain pages."""

    def __init__(self, buffer: Any, *, geometry: Geometry, theme: Theme, styles: Styles, decor: Decor,
                 sidebar: Sidebar | None, cover: Callable[[Canvas], None], **metadata: Any):
        super().__init__(buffer, pagesize=(geometry.page_width, geometry.page_height),
                         leftMargin=geometry.block.x, rightMargin=geometry.block.x,
                         topMargin=geometry.page_height - geometry.block.top, bottomMargin=geometry.block.y,
                         **metadata)
        self.geometry = geometry
        self.theme = theme
        self.styles = styles
        self.decor = decor
        self.sidebar = sidebar
        self.cover = cover
        self._exclusions: list[tuple[float, float]] = []
        self._deferred: list[Flowable] = []
        self._deferred_page = 0
        self._outline_level = -1
        self._heading_count = 0
        g = geometry
        self.addPageTemplates([
            PageTemplate("first", [_frame("body", g.main_first())], onPage=self._on_first_page,
                         onPageEnd=lambda canvas, doc: self._draw_sidebar(canvas, g.sidebar_first())),
            PageTemplate("sidebar", [_frame("body", g.main)], onPage=self._on_later_page,
                         onPageEnd=lambda canvas, doc: self._draw_sidebar(canvas, g.sidebar)),
            PageTemplate("plain", [_frame("body", g.main)], onPage=self._on_later_page),
        ])

    # -- flow control

    def _should_float(self, flowable: Flowable) -> bool:
        """A figure that does not fit below the text floats to the top of the next page.

        Text goes on filling this page meanwhile, instead of leaving a hole. Once one
        figure floats, later ones queue behind it so figures keep their order.
        """
        if self._deferred:
            return True
        frame = self.frame
        if frame._atTop:
            return False
        space = frame._y - frame._y1p - flowable.getSpaceBefore()
        _, height = flowable.wrap(frame._getAvailableWidth(), space)
        return height > space

    def _sidebar_pending(self) -> bool:
        return self.sidebar is not None and bool(self.sidebar.pending)

    def afterPage(self) -> None:
        self.handle_nextPageTemplate("sidebar" if self._sidebar_pending() else "plain")

    def beforePage(self) -> None:
        self._exclusions = []

    def exclude_band(self, bottom: float, top: float) -> None:
        """A full-width figure covers this vertical range of the current page."""
        self._exclusions.append((bottom, top))

    def _draw_sidebar(self, canvas: Canvas, column: Rect | None) -> None:
        if self.sidebar is not None and column is not None:
            self.sidebar.draw(canvas, column, self._exclusions)

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if self._deferred and self.page > self._deferred_page:
            flowables[0:0] = self._deferred  # floated figures open the new page
            self._deferred = []
        if flowables and getattr(flowables[0], "floats", False) and self._should_float(flowables[0]):
            self._deferred.append(flowables.pop(0))
            self._deferred_page = self.page
            if not flowables:
                flowables.append(PageBreak())
            return
        if flowables and isinstance(flowables[0], SidebarFlush):
            if self._sidebar_pending():
                flowables.insert(0, PageBreak())
            else:
                flowables.pop(0)
                return
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable: Flowable) -> None:
        title = getattr(flowable, "outline_title", None)
        if title is None:
            return
        level = min(getattr(flowable, "outline_level", 0), self._outline_level + 1)
        self._outline_level = level
        self._heading_count += 1
        key = f"h{self._heading_count}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)

    # -- page decoration

    def _on_first_page(self, canvas: Canvas, doc: Any) -> None:
        self.cover(canvas)
        self._markings(canvas)

    def _on_later_page(self, canvas: Canvas, doc: Any) -> None:
        g, t = self.geometry, self.theme
        canvas.saveState()
        y = g.block.top + 5 * mm
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(t.color(t.muted))
        canvas.drawString(g.block.x, y, self.decor.title)
        canvas.drawRightString(g.block.x + g.block.width, y, self.decor.date_text)
        canvas.setStrokeColor(t.color(t.rule))
        canvas.setLineWidth(0.5)
        canvas.line(g.block.x, y - 2.5 * mm, g.block.x + g.block.width, y - 2.5 * mm)
        canvas.restoreState()
        self._markings(canvas)

    def _markings(self, canvas: Canvas) -> None:
        g, t = self.geometry, self.theme
        canvas.saveState()
        canvas.setStrokeColor(t.color(t.rule))
        canvas.setLineWidth(0.5)
        footer_y = g.block.y - 8 * mm
        canvas.line(g.block.x, footer_y + 4 * mm, g.block.x + g.block.width, footer_y + 4 * mm)
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(t.color(t.muted))
        canvas.drawString(g.block.x, footer_y, self.decor.footer_left)
        marking = self.decor.marking
        if marking:
            canvas.setFont(self.styles.sidebar_date.fontName, 9)
            canvas.setFillColor(t.marking_color(marking))
            canvas.drawCentredString(g.page_width / 2, g.page_height - 10 * mm, marking)
            canvas.drawCentredString(g.page_width / 2, 7 * mm, marking)
        canvas.restoreState()

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        """Called by the deferred canvas once the page count is known."""
        g, t = self.geometry, self.theme
        canvas.saveState()
        canvas.setFont(self.styles.cover_meta.fontName, 8)
        canvas.setFillColor(t.color(t.muted))
        canvas.drawRightString(g.block.x + g.block.width, g.block.y - 8 * mm,
                               self.decor.page_label.format(page=page, total=total))
        canvas.restoreState()


def _frame(frame_id: str, rect: Rect) -> Frame:
    return Frame(rect.x, rect.y, rect.width, rect.height, id=frame_id,
                 leftPadding=FRAME_PADDING, rightPadding=FRAME_PADDING,
                 topPadding=FRAME_PADDING, bottomPadding=FRAME_PADDING)


class DeferredCanvas(Canvas):
    """Holds pages until the end so each can print "page X of Y"."""

    def __init__(self, *args: Any, finish_page: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._finish_page = finish_page
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._finish_page(self, number, total)
            super().showPage()
        super().save()
