"""Measuring the story left for a level last page: stopped once past two columns."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import FrameBreak, PageBreak, Spacer
from reportlab.platypus.flowables import SlowPageBreak

from briefing.layout.geometry import make_geometry
from briefing.layout.notes import MarginFloat
from briefing.layout.theme import DEFAULT_THEME
from briefing.paper import SIZES as PAPER_SIZES
from briefing.layout.pages import BriefDocTemplate, SidebarFlush, _stacked_height


class _Counted(Spacer):
    """A spacer that counts how often it is asked for its size."""

    def __init__(self, height: float, space_after: float = 0.0) -> None:
        super().__init__(10, height)
        self.spaceAfter = space_after
        self.asked = 0

    def wrap(self, avail_width: float, avail_height: float) -> Any:
        self.asked += 1
        return super().wrap(avail_width, avail_height)


def test_stacked_height_sums_heights_and_the_larger_space_between() -> None:
    items = [_Counted(100, space_after=6), _Counted(50), _Counted(20)]
    assert _stacked_height(items, Canvas("/dev/null"), 200, 700) == 100 + 6 + 50 + 0 + 20


def test_stacked_height_stops_wrapping_once_past_the_limit() -> None:
    items = [_Counted(100) for _ in range(10)]
    height = _stacked_height(items, Canvas("/dev/null"), 200, 700, limit=250)
    assert height == 300  # the first that takes it past the limit is counted, no more
    assert [item.asked for item in items] == [1, 1, 1] + [0] * 7


def _rest(upcoming: list[Any]) -> list[Any]:
    doc = SimpleNamespace(_sidebar_pending=lambda: False, _page_tail=False, _upcoming=lambda: upcoming)
    return BriefDocTemplate._story_rest(doc)  # type: ignore[arg-type]


def test_the_story_rest_is_all_up_to_the_end_of_the_story_unless_a_break_comes_first() -> None:
    a, b, flush = _Counted(10), _Counted(20), SidebarFlush()
    assert _rest([a, b, flush]) == [a, b]
    assert _rest([FrameBreak, a, flush]) == [a]  # a column break left at a column's top does nothing
    assert _rest([a, FrameBreak, b, flush]) == []
    assert _rest([a, SlowPageBreak(), b, flush]) == []  # (a kind of page break)
    assert _rest([a, b, flush, PageBreak()]) == [a, b]
    assert _rest([a, b]) == []


def test_the_margin_check_stops_once_margin_material_fills_half_the_column() -> None:
    geometry = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], True, 0)
    text = [_Counted(100) for _ in range(5)]
    aside = MarginFloat(Spacer(10, geometry.main.height / 2), "read-also box")
    doc = SimpleNamespace(geometry=geometry, notes=None, canv=Canvas("/dev/null"), _upcoming=lambda: [aside, *text])
    assert BriefDocTemplate._margin_ahead(doc)  # type: ignore[arg-type]
    assert [item.asked for item in text] == [0] * 5  # none wrapped at a width the next page will not have
