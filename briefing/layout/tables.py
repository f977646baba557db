"""A table set as one block with its caption and source line: moved whole, or split between rows.

A table that does not fit what is left of the column must not leave a hole there. A short
one is read at a glance, so it is never split: it floats (`floats`), as a figure does —
text of its section comes up into the room and the table opens the next page, or goes
before the next section's heading. A long one splits between rows where the column
ends, each later part under its header row again and a "Tabel N (lanjutan)" caption, the
"Sumber:" line under the last part; a split never leaves fewer than `MIN_ROWS` body rows
on either side, and when no split can keep that here the table floats like a short one.

Placed whole, the block hands the frame its pieces (caption, table, source) like a
`KeepTogether`, so each is placed, logged and tagged as itself; split, the parts carry
the original's source line, and what only repeats for the reader's sake (the continued
caption, the repeated header row) is drawn untagged: an artifact, not read twice.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, FrameBreak, KeepTogether
from reportlab.platypus import Table as RLTable

from . import rl_compat
from .tagging import as_artifact

#: Body rows a split leaves at least on each side of it.
MIN_ROWS = 2


class TableBlock(KeepTogether):
    """Caption, table and source line; *continued* is the caption over a later part (None:
    only the repeated header), *splits* whether it may split (a long table) at all."""

    def __init__(self, caption: Flowable | None, table: RLTable, source: Flowable | None, after: Flowable, *,
                 continued: Flowable | None, splits: bool, floats: bool = True):
        super().__init__([f for f in (caption, table, source, after) if f is not None])
        self.caption, self.table, self.source, self.after = caption, table, source, after
        self.continued = continued
        self.splits = splits
        self.floats = floats
        """Moved on (text coming up in its place) when it neither fits nor splits here; a
        continuation never floats: what follows it must not come before it."""

    def begins_in(self, canvas: Canvas, width: float, height: float) -> bool:
        """Does it fit in *height*, or split there with its rules kept? (Else it floats.)"""
        self.wrapOn(canvas, width, height)
        return rl_compat.kept_height(self) <= height or self._rows_before_split(width, height) is not None

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 (ReportLab's names)
        self.wrap(aW, aH)
        if rl_compat.kept_height(self) <= aH:
            return rl_compat.kept_content(self)  # whole: its pieces, each placed as itself
        rows = self._rows_before_split(aW, aH)
        if rows is not None:
            return self._parts(aW, rows)
        frame = rl_compat.placing_frame(self)
        if frame is None or not rl_compat.frame_at_top(frame):
            return [FrameBreak(), self]  # whole, in the next column
        return rl_compat.kept_content(self)  # taller than a column, and no split keeps the rules: split as it comes

    def _head_height(self, width: float) -> float:
        if self.caption is None:
            return 0.0
        return float(self.caption.wrap(width, 10_000)[1]) + float(self.caption.getSpaceAfter())

    def _rows_before_split(self, width: float, height: float) -> int | None:
        """How many body rows go above a split in *height*: as many as fit, leaving at least
        MIN_ROWS on both sides; None when it may not split, or not here."""
        if not self.splits:
            return None
        heights = rl_compat.row_heights(self.table)
        header = int(self.table.repeatRows)
        body = len(heights) - header
        room = height - self._head_height(width) - sum(heights[:header])
        rows = 0
        while rows < body - MIN_ROWS and heights[header + rows] <= room:
            room -= heights[header + rows]
            rows += 1
        return rows if rows >= MIN_ROWS else None

    def _parts(self, width: float, rows: int) -> list[Flowable]:
        """Caption and the first *rows* body rows here; the rest a block of its own, under
        the continued caption and its header again, that may split in turn."""
        heights = rl_compat.row_heights(self.table)
        header = int(self.table.repeatRows)
        first, rest = self.table.split(width, sum(heights[:header + rows]) + 0.01)
        for part in (first, rest):
            part.source_pos = getattr(self.table, "source_pos", None)
        rl_compat.set_row(rest, 0, [_artifact(cell) for cell in rl_compat.table_cells(rest)[0]])
        following = TableBlock(self.continued, rest, self.source, self.after, continued=self.continued, splits=True,
                               floats=False)
        following.source_pos = getattr(self, "source_pos", None)
        return [*([self.caption] if self.caption is not None else []), first, following]


def _artifact(cell: object) -> object:
    """A repeated header cell: the same text, drawn as an artifact (not the header's element again)."""
    if isinstance(cell, (list, tuple)):  # ReportLab holds a cell's flowables in a tuple of its own type
        return type(cell)(_artifact(item) for item in cell)
    return as_artifact(cell) if isinstance(cell, Flowable) else cell
