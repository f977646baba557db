"""Page geometry, page templates, running heads and the timeline sidebar.

The body flows through one frame per page. The timeline sidebar is a second flow:
it is paginated up front into per-page chunks (it never depends on the body), each
chunk drawn beside the body on its page, and the document template picks each
page's template from how many sidebar pages there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class SidebarPages:
    """The timeline, cut into what each page's sidebar shows."""

    pages: list[list[Flowable]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pages)


def paginate(flowables: list[Flowable], width: float, first_height: float, later_height: float) -> SidebarPages:
    """Split *flowables* into page-sized chunks the way a Frame would, without drawing."""
    result = SidebarPages()
    pending = list(flowables)
    available = first_height
    while pending:
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
            if not taken:  # alone and taller than the column: place it anyway, it clips
                taken.append(pending.pop(0))
                used += h
            break
        result.pages.append(taken)
        result.heights.append(used)
        available = later_height
    return result


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
                 sidebar: SidebarPages, sidebar_label: str, continued_label: str,
                 cover: Callable[[Canvas], None], **metadata: Any):
        super().__init__(buffer, pagesize=(geometry.page_width, geometry.page_height),
                         leftMargin=geometry.block.x, rightMargin=geometry.block.x,
                         topMargin=geometry.page_height - geometry.block.top, bottomMargin=geometry.block.y,
                         **metadata)
        self.geometry = geometry
        self.theme = theme
        self.styles = styles
        self.decor = decor
        self.sidebar = sidebar
        self.sidebar_label = sidebar_label
        self.continued_label = continued_label
        self.cover = cover
        self._outline_level = -1
        self._heading_count = 0
        g = geometry
        self.addPageTemplates([
            PageTemplate("first", [_frame("body", g.main_first())], onPage=self._on_first_page),
            PageTemplate("sidebar", [_frame("body", g.main)], onPage=self._on_later_page),
            PageTemplate("plain", [_frame("body", g.main)], onPage=self._on_later_page),
        ])

    # -- flow control

    def afterPage(self) -> None:
        self.handle_nextPageTemplate("sidebar" if self.page < len(self.sidebar) else "plain")

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if flowables and isinstance(flowables[0], SidebarFlush):
            if self.page < len(self.sidebar):
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
        self._sidebar(canvas, 0, self.geometry.sidebar_first())

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
        if g.sidebar is not None:
            self._sidebar(canvas, self.page - 1, g.sidebar)

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

    def _sidebar(self, canvas: Canvas, index: int, rect: Rect | None) -> None:
        if rect is None or index >= len(self.sidebar):
            return
        t = self.theme
        label = self.sidebar_label + ("" if index == 0 else f" {self.continued_label}")
        head = Paragraph(escape(label), self.styles.sidebar_head)
        pad = 3 * mm
        inner = rect.width - 2 * pad
        _, head_h = head.wrap(inner, rect.height)
        height = pad + head_h + self.styles.sidebar_head.spaceAfter + self.sidebar.heights[index] + pad
        top = rect.top
        canvas.saveState()
        canvas.setFillColor(t.color(t.tint))
        canvas.rect(rect.x, top - height, rect.width, height, stroke=0, fill=1)
        canvas.setFillColor(t.color(t.accent))
        canvas.rect(rect.x, top - 1.2, rect.width, 1.2, stroke=0, fill=1)
        canvas.restoreState()
        y = top - pad - head_h
        head.drawOn(canvas, rect.x + pad, y)
        y -= self.styles.sidebar_head.spaceAfter
        for item in self.sidebar.pages[index]:
            _, h = item.wrap(inner, rect.height)
            y -= h
            item.drawOn(canvas, rect.x + pad, y)
            y -= item.getSpaceAfter()


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
