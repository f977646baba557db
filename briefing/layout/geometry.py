"""Page geometry: the text block, the body column, the sidebar column, in points."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from ..themes import Theme

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
    gutter: float = 0.0
    """Space between the body and the sidebar, and between two body columns."""

    def main_first(self) -> Rect:
        return Rect(self.main.x, self.main.y, self.main.width, self.first_top - self.main.y)

    def mirrored(self) -> "Geometry":
        """The same page seen in a mirror: for the verso pages of a duplex print."""
        def flip(rect: Rect | None) -> Rect | None:
            return None if rect is None else Rect(self.page_width - rect.x - rect.width, rect.y, rect.width, rect.height)

        return Geometry(self.page_width, self.page_height, flip(self.block), flip(self.main),  # type: ignore[arg-type]
                        flip(self.sidebar), self.first_top, self.gutter)

    def columns(self) -> tuple[Rect, ...]:
        """The body columns of a page with nothing in the margin: two across the text block,
        some 45 characters a line each; on narrow paper (A5), where two would be too narrow,
        one across the whole block, about 65 characters."""
        block, gutter = self.block, self.gutter
        width = (block.width - gutter) / 2
        if width < MIN_COLUMN:
            return (block,)
        return (Rect(block.x, block.y, width, block.height),
                Rect(block.x + width + gutter, block.y, width, block.height))

    def sidebar_first(self) -> Rect | None:
        if self.sidebar is None:
            return None
        return Rect(self.sidebar.x, self.sidebar.y, self.sidebar.width, self.first_top - self.sidebar.y)


def make_geometry(theme: Theme, page_size: tuple[float, float], has_sidebar: bool, cover_height: float,
                  sidebar_side: str = "right", duplex: bool = False) -> Geometry:
    """The recto geometry; with *duplex* the inner (left) margin gains the binding allowance."""
    width, height = page_size
    side = (theme.margin_side if has_sidebar else theme.margin_side_single) * mm
    if width < 160 * mm:  # A5 and half-letter: proportionally narrower margins
        side = min(side, 14 * mm)
    inner = side + (theme.binding * mm if duplex else 0.0)
    top, bottom, gutter = theme.margin_top * mm, theme.margin_bottom * mm, theme.gutter * mm
    block = Rect(inner, bottom, width - side - inner, height - top - bottom)
    sidebar = None
    main = block
    if has_sidebar:
        sidebar_width = block.width * theme.sidebar_fraction
        main_width = block.width - sidebar_width - gutter
        if sidebar_side == "left":
            sidebar = Rect(block.x, block.y, sidebar_width, block.height)
            main = Rect(block.x + sidebar_width + gutter, block.y, main_width, block.height)
        else:
            main = Rect(block.x, block.y, main_width, block.height)
            sidebar = Rect(block.x + main_width + gutter, block.y, sidebar_width, block.height)
    first_top = height - COVER_TOP - cover_height
    return Geometry(width, height, block, main, sidebar, first_top, gutter)


#: The narrowest body column of a two-column page (about 40 characters at 10.5 pt).
MIN_COLUMN = 70 * mm

#: The title band starts this far below the top edge (room for the marking above it).
COVER_TOP = 15 * mm
