"""The look of a brief: fonts, sizes, colours, spacing, page geometry.

A `Theme` is plain data; `make_styles` turns it into ReportLab paragraph styles.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import face
from .hyphenation import hyphenator

PAPER_SIZES = {"A4": A4, "Letter": LETTER}


@dataclass(frozen=True)
class Theme:
    serif: str = "Serif"
    sans: str = "Sans"
    mono: str = "Mono"
    body_size: float = 10.5
    body_leading: float = 15.0
    ink: str = "#1a1a1a"
    accent: str = "#1f3a5f"
    accent_light: str = "#e9eef4"
    muted: str = "#5b6472"
    rule: str = "#b8c2cf"
    tint: str = "#f3f5f8"
    marking_colours: tuple[tuple[str, str], ...] = (
        ("SANGAT RAHASIA", "#b00020"),
        ("RAHASIA", "#b00020"),
        ("SECRET", "#b00020"),
        ("TOP SECRET", "#b00020"),
    )
    margin_top: float = 24 * mm
    margin_bottom: float = 22 * mm
    margin_side: float = 20 * mm
    margin_side_single: float = 30 * mm
    """Side margins when there is no sidebar, so the measure stays near 75 characters."""
    sidebar_fraction: float = 0.30
    gutter: float = 7 * mm

    def color(self, value: str) -> colors.Color:
        return colors.HexColor(value)

    def marking_color(self, marking: str) -> colors.Color:
        for word, value in self.marking_colours:
            if marking.upper().startswith(word):
                return colors.HexColor(value)
        return colors.HexColor(self.ink)


DEFAULT_THEME = Theme()


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_first: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle
    list_item: ParagraphStyle
    quote: ParagraphStyle
    code: ParagraphStyle
    table_head: ParagraphStyle
    table_cell: ParagraphStyle
    box_label: ParagraphStyle
    bluf: ParagraphStyle
    box_body: ParagraphStyle
    sidebar_head: ParagraphStyle
    sidebar_date: ParagraphStyle
    sidebar_title: ParagraphStyle
    sidebar_text: ParagraphStyle
    cover_org: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle
    cover_notice: ParagraphStyle
    source_entry: ParagraphStyle
    caption: ParagraphStyle
    credit: ParagraphStyle


def make_styles(theme: Theme, language: str) -> Styles:
    hyph = hyphenator(language)
    ink = theme.color(theme.ink)
    body = ParagraphStyle(
        "body",
        fontName=face(theme.serif),
        fontSize=theme.body_size,
        leading=theme.body_leading,
        textColor=ink,
        alignment=TA_LEFT,
        spaceAfter=theme.body_leading * 0.45,
        hyphenationLang=hyph or "",
        uriWasteReduce=0.3,
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
    )
    sans = face(theme.sans)
    sans_bold = face(theme.sans, "bold")
    accent = theme.color(theme.accent)
    muted = theme.color(theme.muted)

    def derive(name: str, parent: ParagraphStyle = body, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent, **kw)

    heading = dict(keepWithNext=1, alignment=TA_LEFT, hyphenationLang="", allowWidows=1, allowOrphans=1)
    small = dict(hyphenationLang=hyph or "", alignment=TA_LEFT)
    return Styles(
        body=body,
        body_first=derive("body_first"),
        h1=derive("h1", fontName=sans_bold, fontSize=16, leading=20, textColor=accent, spaceBefore=16, spaceAfter=8, **heading),
        h2=derive("h2", fontName=sans_bold, fontSize=12, leading=15, textColor=ink, spaceBefore=10, spaceAfter=4, **heading),
        h3=derive("h3", fontName=face(theme.serif, "bolditalic"), fontSize=theme.body_size, leading=theme.body_leading, spaceBefore=6, spaceAfter=2, **heading),
        h4=derive("h4", fontName=face(theme.serif, "bold"), spaceBefore=4, spaceAfter=1, **heading),
        list_item=derive("list_item", spaceAfter=2, alignment=TA_LEFT),
        quote=derive("quote", fontName=face(theme.serif, "italic"), textColor=theme.color("#333a44"), leftIndent=14, rightIndent=14),
        code=derive("code", fontName=face(theme.mono), fontSize=8.5, leading=11.5, alignment=TA_LEFT, hyphenationLang="", backColor=theme.color(theme.tint), borderPadding=4, leftIndent=4, rightIndent=4),
        table_head=derive("table_head", fontName=sans_bold, fontSize=8.5, leading=10.5, textColor=ink, **small),
        table_cell=derive("table_cell", fontName=sans, fontSize=8.5, leading=10.5, **small),
        box_label=derive("box_label", fontName=sans_bold, fontSize=8.5, leading=11, textColor=accent, spaceAfter=3, alignment=TA_LEFT, hyphenationLang=""),
        bluf=derive("bluf", fontSize=theme.body_size + 1, leading=theme.body_leading + 1.5, alignment=TA_LEFT, spaceAfter=4),
        box_body=derive("box_body", alignment=TA_LEFT, spaceAfter=3),
        sidebar_head=derive("sidebar_head", fontName=sans_bold, fontSize=10, leading=12, textColor=accent, spaceAfter=6, alignment=TA_LEFT, hyphenationLang=""),
        sidebar_date=derive("sidebar_date", fontName=sans_bold, fontSize=8.5, leading=10.5, textColor=accent, alignment=TA_LEFT, hyphenationLang=""),
        sidebar_title=derive("sidebar_title", fontName=sans, fontSize=8.5, leading=10.5, textColor=ink, **small),
        sidebar_text=derive("sidebar_text", fontName=sans, fontSize=8, leading=9.6, textColor=muted, **small),
        cover_org=derive("cover_org", fontName=sans_bold, fontSize=8.5, leading=11, textColor=theme.color("#c9d6e5"), alignment=TA_LEFT, hyphenationLang=""),
        cover_title=derive("cover_title", fontName=sans_bold, fontSize=24, leading=28, textColor=colors.white, alignment=TA_LEFT, hyphenationLang=""),
        cover_subtitle=derive("cover_subtitle", fontName=face(theme.serif, "italic"), fontSize=12, leading=16, textColor=theme.color("#dde6f0"), alignment=TA_LEFT, hyphenationLang=""),
        cover_meta=derive("cover_meta", fontName=sans, fontSize=9, leading=12, textColor=muted, alignment=TA_LEFT, hyphenationLang=""),
        caption=derive("caption", fontName=sans, fontSize=8.5, leading=11, textColor=ink, **small),
        credit=derive("credit", fontName=sans, fontSize=7, leading=9, textColor=muted, alignment=TA_RIGHT, hyphenationLang=""),
        source_entry=derive("source_entry", fontSize=9, leading=12.5, leftIndent=18, bulletIndent=0, spaceAfter=5, bulletFontName=face(theme.serif), **small),
        cover_notice=derive("cover_notice", fontName=face(theme.sans, "italic"), fontSize=8, leading=10, textColor=muted, alignment=TA_LEFT, hyphenationLang=""),
    )

