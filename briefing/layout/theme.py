"""The look of a brief: fonts, sizes, colours, spacing, page geometry.

A `Theme` is plain data; `make_styles` turns it into ReportLab paragraph styles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ..themes import BUILTIN, FONT_FAMILIES, Theme
from .fonts import face
from .hyphenation import Hyphenator, hyphenator

DEFAULT_THEME = BUILTIN["formal"]


#: The two rule weights of every page: hairlines (running head, footer, cover, separators)
#: and accent rules (box outlines, the sidebar's top bar).
HAIRLINE = 0.5
RULE = 1.0


@lru_cache(maxsize=256)
def color(value: str) -> colors.Color:
    """A theme colour: "#rrggbb", or "cmyk(c,m,y,k)" in a CMYK edition.

    Converted once per process: ReportLab reads "#rrggbb" only after trying it as a CSS
    function, a colour name and a Python literal (~0.1 ms each, some 30 a build); the
    colour objects are never changed once made.
    """
    return colors.toColor(value)


def marking_color(theme: Theme, marking: str) -> colors.Color:
    """SECRET-class markings print in the danger colour (red), the rest in ink.

    In grayscale the word itself is the cue; the colour only darkens.
    """
    upper = marking.upper()
    if any(word in upper for word in ("RAHASIA", "SECRET", "TLP:RED")):
        return color(theme.danger)
    return color(theme.ink)


def portion_mark(theme: Theme, levels: tuple[str, ...], level: str | None) -> str | None:
    """The portion marking printed before a passage, event or source above the lowest level:
    "(T)" (the level's initials, or the whole level when two levels share them), or "(TERBATAS)"
    with the theme's `portion_marks: full`; None when unmarked."""
    if level is None or not levels or level == levels[0] or theme.portion_marks == "off":
        return None
    short = {name: "".join(word[0] for word in name.split()) for name in levels}
    unique = list(short.values()).count(short[level]) == 1
    return f"({short[level]})" if theme.portion_marks == "short" and unique else f"({level})"


def portion_markup(theme: Theme, levels: tuple[str, ...], level: str | None) -> str:
    """The portion marking as paragraph markup opening a line: in the banner's colour and the
    labels' bold sans a size smaller than the text, like the banner itself; "" when unmarked."""
    mark = portion_mark(theme, levels, level)
    if mark is None:
        return ""
    value = theme.danger if marking_color(theme, level or "") == color(theme.danger) else theme.ink
    font = face(family(theme.heading_font), "bold")
    return f'<font name="{font}" size="-2" color="{value}">{mark}</font> '


def family(theme_font: str) -> str:
    """The registered family of a theme's font: a bundled one, or a brief-local `Brief-…` family."""
    return FONT_FAMILIES.get(theme_font, theme_font)


#: Tokens longer than this (a huge URL, a pasted hash) are broken by ReportLab's
#: long-word splitting: its URL and hyphenation paths split such a token once and then
#: let the rest run off the page (measured with a 2,000-character URL).
LONG_TOKEN = 60


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
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
    sidebar_text: ParagraphStyle
    sidebar_entry: ParagraphStyle
    """One timeline event: date, title and text as lines of one paragraph."""
    cover_org: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle
    cover_notice: ParagraphStyle
    source_entry: ParagraphStyle
    caption: ParagraphStyle
    credit: ParagraphStyle
    toc_1: ParagraphStyle
    toc_2: ParagraphStyle
    _breakable: dict[ParagraphStyle, ParagraphStyle] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Each style's breakable variant, made once per style object (never shared by name)."""

    def breakable(self, style: ParagraphStyle, text: str) -> ParagraphStyle:
        """*style*, or its variant without URL/hyphenation splitting when *text* has a very long token.

        The variant belongs to these styles, so a build with another theme (other fonts,
        CMYK colours) never receives it.
        """
        if len(text) <= LONG_TOKEN or max(map(len, text.split()), default=0) <= LONG_TOKEN:
            return style
        variant = self._breakable.get(style)
        if variant is None:
            variant = self._breakable[style] = ParagraphStyle(
                f"{style.name}-breakable", parent=style, hyphenationLang="", uriWasteReduce=0, splitLongWords=1)
        return variant


def make_styles(theme: Theme, language: str, hyphenation: tuple[str, ...] = ()) -> Styles:
    """The paragraph styles of one build: every other style derives from the body text's.

    *hyphenation* is the brief's own list of words and their break points.
    """
    hyph = hyphenator(language, hyphenation)
    body = ParagraphStyle(
        "body",
        fontName=face(family(theme.body_font)),
        fontSize=theme.body_size,
        leading=theme.body_leading,
        textColor=color(theme.ink),
        alignment=TA_JUSTIFY if theme.justify else TA_LEFT,
        spaceAfter=theme.body_leading * 0.45,
        hyphenationLang=hyph or "",
        uriWasteReduce=0.3,
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
    )
    return _derived(theme, body, hyph)


def _derived(theme: Theme, body: ParagraphStyle, hyph: Hyphenator | None) -> Styles:
    ink = color(theme.ink)
    serif, sans_family, mono = family(theme.body_font), family(theme.heading_font), family(theme.mono_font)
    sans = face(sans_family)
    sans_bold = face(sans_family, "bold")
    accent = color(theme.accent)
    muted = color(theme.muted)

    def derive(name: str, parent: ParagraphStyle = body, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent, **kw)

    heading = dict(keepWithNext=1, alignment=TA_LEFT, hyphenationLang="", allowWidows=1, allowOrphans=1)
    # small text (notes, sources, captions, cells) breaks words wherever they fit: the
    # line-end rules of body text would lengthen it by lines, with little gain at that size
    small = dict(hyphenationLang=hyph.points if hyph else "", alignment=TA_LEFT)
    return Styles(
        body=body,
        h1=derive("h1", fontName=sans_bold, fontSize=16, leading=20, textColor=accent, spaceBefore=16, spaceAfter=8, **heading),
        h2=derive("h2", fontName=sans_bold, fontSize=12, leading=15, textColor=ink, spaceBefore=10, spaceAfter=4, **heading),
        h3=derive("h3", fontName=face(serif, "bolditalic"), fontSize=theme.body_size, leading=theme.body_leading, spaceBefore=6, spaceAfter=2, **heading),
        h4=derive("h4", fontName=face(serif, "bold"), spaceBefore=4, spaceAfter=1, **heading),
        list_item=derive("list_item", spaceAfter=2, alignment=TA_LEFT),
        quote=derive("quote", fontName=face(serif, "italic"), textColor=color(theme.quote_ink), leftIndent=14, rightIndent=14),
        code=derive("code", fontName=face(mono), fontSize=8.5, leading=11.5, alignment=TA_LEFT, hyphenationLang="", backColor=color(theme.tint), borderPadding=4, leftIndent=4, rightIndent=4),
        table_head=derive("table_head", fontName=sans_bold, fontSize=8.5, leading=10.5, textColor=ink, **small),
        table_cell=derive("table_cell", fontName=sans, fontSize=8.5, leading=10.5, **small),
        box_label=derive("box_label", fontName=sans_bold, fontSize=8.5, leading=11, textColor=accent, spaceAfter=3, alignment=TA_LEFT, hyphenationLang=""),
        bluf=derive("bluf", fontSize=theme.body_size + 1, leading=theme.body_leading + 1.5, alignment=TA_LEFT, spaceAfter=4),
        box_body=derive("box_body", alignment=TA_LEFT, spaceAfter=3),
        sidebar_head=derive("sidebar_head", fontName=sans_bold, fontSize=10, leading=12, textColor=accent, spaceAfter=6, alignment=TA_LEFT, hyphenationLang=""),
        sidebar_date=derive("sidebar_date", fontName=sans_bold, fontSize=8.5, leading=10.5, textColor=accent, alignment=TA_LEFT, hyphenationLang=""),
        sidebar_entry=derive("sidebar_entry", fontName=sans, fontSize=8.5, leading=10, textColor=ink, **small),
        sidebar_text=derive("sidebar_text", fontName=sans, fontSize=8, leading=9.6, textColor=muted, **small),
        cover_org=derive("cover_org", fontName=sans_bold, fontSize=8.5, leading=11, textColor=color(theme.cover_ink_soft), alignment=TA_LEFT, hyphenationLang=""),
        cover_title=derive("cover_title", fontName=sans_bold, fontSize=24, leading=28, textColor=color(theme.cover_ink), alignment=TA_LEFT, hyphenationLang=""),
        cover_subtitle=derive("cover_subtitle", fontName=face(serif, "italic"), fontSize=12, leading=16, textColor=color(theme.cover_ink_soft), alignment=TA_LEFT, hyphenationLang=""),
        cover_meta=derive("cover_meta", fontName=sans, fontSize=9, leading=12, textColor=muted, alignment=TA_LEFT, hyphenationLang=""),
        toc_1=derive("toc_1", fontName=sans, fontSize=9.5, leading=13, textColor=ink, leftIndent=0, **small),
        toc_2=derive("toc_2", fontName=sans, fontSize=8.5, leading=11.5, textColor=muted, leftIndent=12, **small),
        caption=derive("caption", fontName=sans, fontSize=8.5, leading=11, textColor=ink, **small),
        credit=derive("credit", fontName=sans, fontSize=7, leading=9, textColor=muted, alignment=TA_RIGHT, hyphenationLang=""),
        source_entry=derive("source_entry", fontSize=9, leading=12.5, leftIndent=18, bulletIndent=0, spaceAfter=5, bulletFontName=face(serif), **small),
        cover_notice=derive("cover_notice", fontName=face(sans_family, "italic"), fontSize=8, leading=10, textColor=muted, alignment=TA_LEFT, hyphenationLang=""),
    )
