"""All-capital labels set with letterspacing (box labels, the organisation on the cover).

Capitals set solid look cramped; typographers track them by 5–10 % of the size. ReportLab's
paragraphs have no letterspacing, so a label is drawn as text lines with character spacing.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .markup import MarkupWriter
from .paragraphs import Paragraph

#: Letterspacing of capitals, as a share of the font size.
TRACKING = 0.08


class CapsLabel(Flowable):
    """One or more lines of capitals in *style*'s font, size, colour and leading, letterspaced."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text = text
        self.style = style
        self.space = TRACKING * style.fontSize
        self.lines: list[str] = []

    def _width(self, text: str) -> float:
        space: float = self.space * max(len(text) - 1, 0)
        return float(stringWidth(text, self.style.fontName, self.style.fontSize)) + space

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        lines: list[str] = []
        for word in self.text.split():
            if lines and self._width(f"{lines[-1]} {word}") <= avail_width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        self.lines = lines or [""]
        self.width = avail_width
        self.height = self.style.leading * len(self.lines)
        return self.width, self.height

    def getSpaceAfter(self) -> float:  # noqa: N802 (ReportLab's name)
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        text = self.canv.beginText()
        text.setFont(self.style.fontName, self.style.fontSize)
        text.setFillColor(self.style.textColor)
        text.setCharSpace(self.space)
        text.setLeading(self.style.leading)
        text.setTextOrigin(0, self.height - self.style.fontSize)  # where a Paragraph puts its first baseline
        for line in self.lines:
            text.textLine(line)
        self.canv.drawText(text)


def caps_label(text: str, style: ParagraphStyle, markup: MarkupWriter) -> Flowable:
    """*text* in capitals, letterspaced; a paragraph when it needs a fallback font or a wide script."""
    upper = text.upper()
    escaped = markup.escape(upper)
    plain = upper.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if escaped != plain or not upper.isascii() and any(ord(c) > 0x24F for c in upper):
        return Paragraph(escaped, style)
    return CapsLabel(upper, style)
