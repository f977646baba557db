"""The yardstick: the same content set with hand-written, tuned ReportLab platypus.

No templating, no Markdown, no checks: paragraphs, images, a timeline column and a
sources list straight into a two-frame page, with ASCII85 off. It reads the files a
synthetic brief from generate.py holds, so both sides set the same text and images.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from reportlab import rl_config

rl_config.useA85 = 0

from importlib import resources  # noqa: E402

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageTemplate, Paragraph  # noqa: E402


def font(name: str, package: str, filename: str) -> None:
    with resources.as_file(resources.files(package) / "files" / filename) as path:
        pdfmetrics.registerFont(TTFont(name, str(path)))


def build(brief: Path, out: Path) -> None:
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
        for block in text.split("---\n", 2)[2].split("\n\n"):
            block = block.strip()
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
    frame = Frame(20 * mm, 22 * mm, 120 * mm, 250 * mm)
    doc.addPageTemplates([PageTemplate("p", [frame])])
    doc.build(story)


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
