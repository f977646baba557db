"""The yardstick: the same brief set by hand with ReportLab platypus, tuned.

    python benchmarks/floor.py BRIEF OUT.pdf [--bare]

What a competent programmer would write to print the same pages without our tool: the
content is read from the brief's files with a few regular expressions (no templating,
no Markdown parser, no checks), and set the way ReportLab's own documentation shows —
the same fonts and sizes, hyphenation through the paragraph style's `hyphenationLang`,
headings with `keepWithNext` and bookmarks, linked citation markers and appendix
anchors, figures with caption and credit, the timeline in a tinted sidebar column
filled at each page's end with `Frame.addFromList`, running head and a "page X of Y"
footer through the FAQ's numbered canvas. ASCII85 is off.

`--bare` sets only the text, images, events and sources in one column (no sidebar,
no heads, no links, no hyphenation): the cheapest possible output, reported alongside.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

from reportlab import rl_config

rl_config.useA85 = 0

from reportlab.lib.colors import HexColor  # noqa: E402
from reportlab.lib.enums import TA_RIGHT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageTemplate, Paragraph  # noqa: E402

ACCENT, MUTED, TINT, INK = HexColor("#1f3a5f"), HexColor("#5b6472"), HexColor("#f3f5f8"), HexColor("#1a1a1a")
WIDTH, HEIGHT = A4
BLOCK_X, BLOCK_W = 20 * mm, WIDTH - 40 * mm
BOTTOM, TOP = 22 * mm, HEIGHT - 24 * mm
SIDE_W = BLOCK_W * 0.30
MAIN_W = BLOCK_W - SIDE_W - 7 * mm


def font(name: str, package: str, filename: str) -> None:
    with resources.as_file(resources.files(package) / "files" / filename) as path:
        pdfmetrics.registerFont(TTFont(name, str(path)))


def register_fonts() -> None:
    serif, sans = "fontpkg_ibm_plex_serif", "fontpkg_ibm_plex_sans_condensed"
    for name, file in (("Serif", "Regular"), ("Serif-Bold", "Bold"), ("Serif-Italic", "Italic"),
                       ("Serif-BoldItalic", "BoldItalic")):
        font(name, serif, f"IBMPlexSerif-{file}.ttf")
    pdfmetrics.registerFontFamily("Serif", normal="Serif", bold="Serif-Bold", italic="Serif-Italic",
                                  boldItalic="Serif-BoldItalic")
    font("Sans", sans, "IBMPlexSansCondensed-Regular.ttf")
    font("Sans-Bold", sans, "IBMPlexSansCondensed-SemiBold.ttf")
    pdfmetrics.registerFontFamily("Sans", normal="Sans", bold="Sans-Bold", italic="Sans", boldItalic="Sans-Bold")


def inline(text: str) -> str:
    """Escape, then **bold**, *italic* and [@id; …] citations as linked markers."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"\*(.+?)\*", r"<i>\1</i>", text)
    return re.sub(r" ?\[(@[^\]]+)\]", lambda m: " " + ", ".join(
        f'<a href="#src-{k}" color="#1f3a5f">[{CITED.setdefault(k, len(CITED) + 1)}]</a>'
        for k in re.findall(r"@([\w-]+)", m.group(1))), text)


CITED: dict[str, int] = {}


class NumberedCanvas(Canvas):
    """ReportLab FAQ's recipe: keep each page's state, then draw "page X of Y" at save."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._states: list[dict] = []

    def showPage(self) -> None:  # type: ignore[override]
        self._states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:  # type: ignore[override]
        for number, state in enumerate(self._states, 1):
            self.__dict__.update(state)
            self.setFont("Sans", 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(BLOCK_X + BLOCK_W, 12 * mm, f"Halaman {number} dari {len(self._states)}")
            super().showPage()
        super().save()


class Doc(BaseDocTemplate):
    def __init__(self, out: Path, title: str, events: list[Paragraph], head: ParagraphStyle):
        super().__init__(str(out), pagesize=A4, invariant=1, initialFontName="Serif", title=title)
        self.title_text, self.events, self.head = title, events, head
        self.count = 0
        first = Frame(BLOCK_X, BOTTOM, MAIN_W, TOP - BOTTOM - 30 * mm, id="first", showBoundary=0)
        later = Frame(BLOCK_X, BOTTOM, MAIN_W, TOP - BOTTOM, id="body")
        self.addPageTemplates([
            PageTemplate("first", [first], onPage=self.decorate, onPageEnd=self.sidebar, autoNextPageTemplate="later"),
            PageTemplate("later", [later], onPage=self.decorate, onPageEnd=self.sidebar)])

    def decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Sans", 7.5)
        canvas.setFillColor(MUTED)
        if doc.page == 1:
            canvas.setFont("Sans-Bold", 22)
            canvas.setFillColor(ACCENT)
            canvas.drawString(BLOCK_X, TOP - 12 * mm, self.title_text)
        else:
            canvas.drawString(BLOCK_X, TOP + 8 * mm, self.title_text)
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.4)
        canvas.line(BLOCK_X, BOTTOM - 5 * mm, BLOCK_X + BLOCK_W, BOTTOM - 5 * mm)
        canvas.restoreState()

    def sidebar(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if not self.events:
            return
        top = TOP - (30 * mm if doc.page == 1 else 0)
        x = BLOCK_X + MAIN_W + 7 * mm
        label = "Lini Masa" if doc.page == 1 else "Lini Masa (lanjutan)"
        frame = Frame(x, BOTTOM, SIDE_W, top - BOTTOM, leftPadding=3 * mm, rightPadding=3 * mm,
                      topPadding=3 * mm, bottomPadding=3 * mm)
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.rect(x, BOTTOM, SIDE_W, top - BOTTOM, stroke=0, fill=1)
        canvas.restoreState()
        head = Paragraph(label, self.head)
        pending = [head] + self.events
        frame.addFromList(pending, canvas)  # takes what fits, splitting the way the body frame does
        self.events = [item for item in pending if item is not head]

    def afterFlowable(self, flowable) -> None:  # type: ignore[no-untyped-def]
        level = getattr(flowable, "level", None)
        if level is not None:
            self.count += 1
            self.canv.bookmarkPage(f"h{self.count}")
            self.canv.addOutlineEntry(flowable.getPlainText(), f"h{self.count}", level=level)


def heading(text: str, style: ParagraphStyle, level: int) -> Paragraph:
    paragraph = Paragraph(text, style)
    paragraph.level = level  # type: ignore[attr-defined]
    return paragraph


def build(brief: Path, out: Path) -> None:
    register_fonts()
    body = ParagraphStyle("body", fontName="Serif", fontSize=10.5, leading=15, spaceAfter=6.75, textColor=INK,
                          hyphenationLang="id_ID", uriWasteReduce=0.3, allowWidows=0, allowOrphans=0)
    quote = ParagraphStyle("quote", parent=body, fontName="Serif-Italic", leftIndent=14, rightIndent=14)
    h1 = ParagraphStyle("h1", fontName="Sans-Bold", fontSize=16, leading=20, textColor=ACCENT, spaceBefore=16,
                        spaceAfter=8, keepWithNext=1)
    h2 = ParagraphStyle("h2", parent=h1, fontSize=12, leading=15, textColor=INK, spaceBefore=10, spaceAfter=4)
    small = ParagraphStyle("small", fontName="Sans", fontSize=8.5, leading=10, textColor=INK, hyphenationLang="id_ID")
    credit = ParagraphStyle("credit", parent=small, fontSize=7, leading=9, textColor=MUTED, alignment=TA_RIGHT)
    entry = ParagraphStyle("entry", parent=body, fontSize=9, leading=12.5, leftIndent=18, spaceAfter=5)
    side_head = ParagraphStyle("side_head", fontName="Sans-Bold", fontSize=10, leading=12, textColor=ACCENT,
                               spaceAfter=6)
    story: list = []
    figure = 0
    for number, section in enumerate(sorted((brief / "sections").glob("*.md")), 1):
        text = section.read_text(encoding="utf-8")
        title = re.search(r"title: (.*)", text).group(1)  # type: ignore[union-attr]
        story.append(heading(f"{number}&nbsp;&nbsp;{inline(title)}", h1, 0))
        sub = 0
        for block in (piece.strip() for piece in text.split("---\n", 2)[2].split("\n\n")):
            image = re.match(r"!\[[^\]]*\]\(([^)]*)\)(?:\{caption=\"([^\"]*)\" credit=\"([^\"]*)\"\})?", block)
            if image:
                figure += 1
                story.append(Image(str(brief / image.group(1)), width=MAIN_W, height=MAIN_W / 1.6))
                story.append(Paragraph(f"<b>Gambar {figure}.</b> {inline(image.group(2) or '')}", small))
                story.append(Paragraph(inline(image.group(3) or ""), credit))
            elif block.startswith("#"):
                sub += 1
                story.append(heading(f"{number}.{sub}&nbsp;&nbsp;{inline(block.lstrip('# '))}", h2, 1))
            elif block.startswith(">"):
                story.append(Paragraph(inline(re.sub(r"^> ?", "", block, flags=re.M)), quote))
            elif block:
                story.append(Paragraph(inline(block), body))
    events = [Paragraph(f'<font name="Sans-Bold" color="#1f3a5f">{date}</font><br/>{title}<br/>'
                        f'<font size="8" color="#5b6472">{note}</font>', ParagraphStyle("ev", parent=small, spaceAfter=5.5))
              for date, title, note in re.findall(r"- date: (.*)\n  title: (.*)\n  text: (.*)",
                                                  (brief / "timeline.yaml").read_text(encoding="utf-8"))]
    story.append(heading("Sumber", h1, 0))
    sources = dict(re.findall(r"- id: (.*)\n  title: (.*)", (brief / "sources.yaml").read_text(encoding="utf-8")))
    urls = dict(re.findall(r"- id: (.*)\n(?:  .*\n)*?  url: (.*)", (brief / "sources.yaml").read_text(encoding="utf-8")))
    for key, number in CITED.items():
        url = urls.get(key, "")
        story.append(Paragraph(f'<a name="src-{key}"/>{inline(sources.get(key, key))}. '
                               f'<a href="{url}">{url}</a>', entry, bulletText=f"{number}."))
    doc = Doc(out, re.search(r"title: (.*)", (brief / "brief.yaml").read_text(encoding="utf-8")).group(1),  # type: ignore[union-attr]
              events, side_head)
    doc.build(story, canvasmaker=NumberedCanvas)


def build_bare(brief: Path, out: Path) -> None:
    font("Serif", "fontpkg_ibm_plex_serif", "IBMPlexSerif-Regular.ttf")
    font("Sans", "fontpkg_ibm_plex_sans_condensed", "IBMPlexSansCondensed-Regular.ttf")
    font("SansBold", "fontpkg_ibm_plex_sans_condensed", "IBMPlexSansCondensed-SemiBold.ttf")
    body = ParagraphStyle("body", fontName="Serif", fontSize=10.5, leading=15, spaceAfter=6)
    head = ParagraphStyle("head", fontName="SansBold", fontSize=16, leading=20, spaceBefore=12, spaceAfter=8)
    small = ParagraphStyle("small", fontName="Sans", fontSize=8.5, leading=10.5)
    story = []
    for section in sorted((brief / "sections").glob("*.md")):
        text = section.read_text(encoding="utf-8")
        title = re.search(r"title: (.*)", text).group(1)  # type: ignore[union-attr]
        story.append(Paragraph(title, head))
        for block in (piece.strip() for piece in text.split("---\n", 2)[2].split("\n\n")):
            image = re.match(r"!\[[^\]]*\]\(([^)]*)\)", block)
            if image:
                story.append(Image(str(brief / image.group(1)), width=110 * mm, height=68.75 * mm))
                story.append(Paragraph("Keterangan foto. Foto: benchmark", small))
            elif block:
                story.append(Paragraph(re.sub(r"[#*]", "", block).replace("&", "&amp;"), body))
    events = re.findall(r"title: (.*)", (brief / "timeline.yaml").read_text(encoding="utf-8"))
    story.append(Paragraph("Lini Masa", head))
    story += [Paragraph(event, small) for event in events]
    story.append(Paragraph("Sumber", head))
    sources = re.findall(r"title: (.*)", (brief / "sources.yaml").read_text(encoding="utf-8"))
    story += [Paragraph(f"{n}. {title}. https://example.org/sumber/{n - 1}", small) for n, title in enumerate(sources, 1)]
    doc = BaseDocTemplate(str(out), pagesize=A4, invariant=1, initialFontName="Serif")
    doc.addPageTemplates([PageTemplate("p", [Frame(20 * mm, 22 * mm, 120 * mm, 250 * mm)])])
    doc.build(story)


if __name__ == "__main__":
    (build_bare if "--bare" in sys.argv else build)(Path(sys.argv[1]), Path(sys.argv[2]))
