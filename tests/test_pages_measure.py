"""Measuring the story left for a level last page: stopped once past two columns."""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer

from briefing.layout.pages import _stacked_height


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
