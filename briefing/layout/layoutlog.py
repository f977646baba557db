"""The layout log: per page, each frame and the flowables placed in it, with the source line.

`briefing build --layout-log FILE` writes it, and tests keep logs as golden files, so a
change in what lands on which page shows as a readable diff (rinohtype's `.stylelog`).
The story builder marks each flowable with the `SourcePos` of the block it comes from
(`mark_source`); the document template tells the log each flowable it placed
(`LayoutLog.placed`, from `afterFlowable`). A part of a split flowable has no mark of its
own: it takes its original's. The marks are always made (an attribute each); placements
are recorded only when a log is asked for, and the PDF is the same bytes either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import ActionFlowable, Flowable, Frame, Paragraph, Spacer
from reportlab.platypus.flowables import NullDraw

from ..model import SourcePos
from . import rl_compat

#: Characters of a paragraph's text shown after its position.
SNIPPET = 40


@dataclass(frozen=True)
class Placement:
    """One flowable placed in a frame."""

    page: int
    template: str
    frame: str
    kind: str
    """The flowable's class ("Paragraph", "HeadingParagraph", "FigureFlowable", "Table", …)."""
    pos: SourcePos | None
    y: float
    """The frame's current y after the flowable (its foot less the space after), in points from the page's foot."""
    text: str = ""
    """The opening words of a paragraph's text."""


def mark_source(flowables: list[Flowable], pos: SourcePos) -> None:
    """Mark *flowables* (and what they hold) as coming from *pos*, unless already marked
    by an inner block built first."""
    for flowable in flowables:
        if getattr(flowable, "source_pos", None) is not None:
            continue
        flowable.source_pos = pos
        inner = [rl_compat.inset_image(flowable), getattr(flowable, "content", None)]
        mark_source([f for f in [*inner, *rl_compat.kept_content(flowable)] if isinstance(f, Flowable)], pos)


class LayoutLog:
    """Collects the placements of one layout pass, in the order ReportLab makes them."""

    def __init__(self) -> None:
        self.placements: list[Placement] = []
        self._carry: tuple[type, SourcePos] | None = None
        """The class and source of the flowable split last: its remaining part comes next."""

    def placed(self, page: int, template: str, frame: Frame, flowable: Flowable, current: Flowable | None) -> None:
        """*flowable* was just placed in *frame*; *current* is the flowable the template was
        handling (the original, when *flowable* is the first part of a split)."""
        if isinstance(flowable, (Spacer, ActionFlowable, NullDraw)) or getattr(flowable, "_ZEROSIZE", False):
            return  # spacing, page breaks and frame actions: nothing printed
        pos = self._source(flowable, current)
        text = _snippet(flowable.getPlainText()) if isinstance(flowable, Paragraph) else ""
        kind = type(flowable).__name__.removeprefix("Tagged")  # tagging swaps in a subclass
        self.placements.append(Placement(page, template, str(frame.id), kind, pos,
                                         round(rl_compat.current_frame_top(frame), 1), text))

    def _source(self, flowable: Flowable, current: Flowable | None) -> SourcePos | None:
        own: SourcePos | None = getattr(flowable, "source_pos", None)
        if own is not None:
            return own
        carried = self._carry
        if current is not None and current is not flowable:  # the first part of *current*, split
            original: SourcePos | None = getattr(current, "source_pos", None)
            if original is None and carried is not None and isinstance(current, carried[0]):
                original = carried[1]  # *current* is itself a remaining part
            if original is not None:
                self._carry = (type(current), original)
            return original
        if carried is not None and isinstance(flowable, carried[0]):  # the remaining part, placed whole
            self._carry = None
            return carried[1]
        return None


def _snippet(text: str) -> str:
    words = re.sub(r"\s+", " ", text).strip()
    return words if len(words) <= SNIPPET else words[:SNIPPET - 1].rstrip() + "…"


def format_log(placements: tuple[Placement, ...], root: Path) -> str:
    """The log as text: a `page N (template)` line, a `frame ID` line under it, then one line
    per flowable: class, file:line (relative to *root*), y, and a paragraph's opening words."""
    lines: list[str] = []
    page: tuple[int, str] | None = None
    frame = ""
    for placement in placements:
        if (placement.page, placement.template) != page:
            page, frame = (placement.page, placement.template), ""
            lines.append(f"page {placement.page} ({placement.template})")
        if placement.frame != frame:
            frame = placement.frame
            lines.append(f"  frame {frame}")
        where = _where(placement.pos, root)
        text = f"  {placement.text!r}" if placement.text else ""
        lines.append(f"    {placement.kind:<18} {where:<44} y={placement.y:6.1f}{text}")
    return "".join(line + "\n" for line in lines)


def _where(pos: SourcePos | None, root: Path) -> str:
    if pos is None:
        return "-"
    path = pos.path
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    return f"{path.as_posix()}:{pos.line}" if pos.line else path.as_posix()
