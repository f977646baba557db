"""The sources appendix: numbered entries that work on paper (full URLs, optional QR codes)."""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from .. import i18n
from ..model import Emph, Source, SourcesOptions, TimelineDate
from .markup import MarkupWriter, escape_url, source_anchor
from .contents import HeadingParagraph
from .paragraphs import Paragraph
from .theme import Styles, portion_markup
from ..themes import Theme

QR_SIZE = 20 * mm


def format_entry(source: Source, locale: i18n.Locale, markup: MarkupWriter, link_color: str,
                 muted: str = "#5b6472") -> str:
    """One entry in the sources style (README, "Sources and citations"): Chicago
    notes-bibliography, with names as in a note and the edition's labels.

    Who. “What.” Where, when. URL. Access date. Note. Grading: each element ends
    with one full stop, none added after a "." "?" "!" already there.
    """
    escape = markup.escape
    parts: list[str] = []
    lead = names(source.author, locale) or source.publisher
    if lead:
        parts.append(escape(closed(lead)))  # "King Jr." and "dkk." take no second full stop
    if source.type in ("report", "book", "dataset"):
        parts.append(f"{_title(source, markup, italic=True)}{_stop(source.title)}")
    else:
        parts.append(f"\u201c{_title(source, markup, italic=False)}{_stop(source.title)}\u201d")
    where = [source.publisher] if source.author and source.publisher else []
    if source.date or source.date_text:
        where.append(_date(source, locale))
    if any(where):
        parts.append(escape(closed(", ".join(w for w in where if w))))
    if source.url:
        parts.append(f'<a href="{escape_url(source.url)}" color="{link_color}">{escape(source.url)}</a>.')
    if source.accessed:
        accessed = locale.label("accessed").format(date=locale.date(source.accessed))
        parts.append(escape(closed(accessed[0].upper() + accessed[1:])))
    if source.note:
        parts.append(escape(closed(source.note)))
    extra = _grading(source, locale)
    if extra:
        parts.append(f'<font size="-1" color="{muted}">{escape(extra)}</font>')
    return " ".join(parts)


#: More authors than this print as the first one and "et al." / "dkk." (Chicago 14.76, notes).
MAX_NAMES = 3
_ENDS_SENTENCE = (".", "?", "!", "\u2026")


def names(authors: tuple[str, ...], locale: i18n.Locale) -> str:
    """"A", "A and B", "A, B, and C" (serial comma, as Chicago and PUEBI), or "A et al."."""
    if len(authors) > MAX_NAMES:
        return f"{authors[0]} {locale.label('et_al')}"
    if len(authors) <= 2:
        return f" {locale.label('and')} ".join(authors)
    return f"{', '.join(authors[:-1])}, {locale.label('and')} {authors[-1]}"


def _stop(text: str) -> str:
    """The full stop that ends an element, unless its text already ends a sentence."""
    return "" if text.rstrip().endswith(_ENDS_SENTENCE) else "."


def closed(text: str) -> str:
    """*text* ending with exactly one full stop (or its own "?", "!" or ellipsis)."""
    return text + _stop(text)


def _title(source: Source, writer: MarkupWriter, italic: bool) -> str:
    """The title as markup; in an italic title, italic words turn roman (CSL's flip-flop)."""
    if not source.title_markup:
        return f"<i>{writer.escape(source.title)}</i>" if italic else writer.escape(source.title)
    if not italic:
        return writer.write(source.title_markup)
    return "".join(writer.write(n.children) if isinstance(n, Emph) else f"<i>{writer.write((n,))}</i>"
                   for n in source.title_markup)


def _date(source: Source, locale: i18n.Locale) -> str:
    """The date as written (CSL `literal`/`raw`), else formatted; with its season and "ca." when given."""
    if source.date_text or source.date is None:
        shown = source.date_text or ""
    else:
        date = source.date
        shown = locale.span(date.start, date.end, date.precision)
        if source.season and date.precision == "year":
            shown = _seasoned(source.season, date, locale)
    return f"{locale.label('circa')} {shown}" if source.circa else shown


def _seasoned(season: str, date: TimelineDate, locale: i18n.Locale) -> str:
    """"Summer 2021", "Summer–Autumn 2017", "Autumn 2015–Spring 2016" (a CSL season, or "2-3" for a range)."""
    def name(code: str) -> str:
        return locale.label(f"season.{code}") if code in ("1", "2", "3", "4") else code

    first, _, last = season.partition("-") if re.fullmatch(r"[1-4]-[1-4]", season) else (season, "", "")
    if not last:
        return f"{name(first)} {locale.span(date.start, date.end, 'year')}"
    if date.end is None or date.end.year == date.start.year:
        return f"{name(first)}\u2013{name(last)} {date.start.year}"
    return f"{name(first)} {date.start.year}\u2013{name(last)} {date.end.year}"


def _grading(source: Source, locale: i18n.Locale) -> str:
    bits = []
    if source.type:
        bits.append(locale.label(f"type.{source.type}"))
    if source.reliability or source.credibility:
        code = f"{source.reliability or ''}{source.credibility or ''}"
        words = [locale.label(f"reliability.{source.reliability}") if source.reliability else None,
                 locale.label(f"credibility.{source.credibility}") if source.credibility else None]
        bits.append(f"{locale.label('grading')} {code} ({'; '.join(w for w in words if w)})")
    return " · ".join(bits)


def appendix_flowables(cited: tuple[Source, ...], uncited: tuple[Source, ...], options: SourcesOptions,
                       theme: Theme, styles: Styles, locale: i18n.Locale, width: float,
                       markup: MarkupWriter, levels: tuple[str, ...] = ()) -> list[Flowable]:
    """Heading "Sumber" and one numbered entry per cited source (plus further reading)."""
    escape = markup.escape
    flowables: list[Flowable] = []
    if cited:
        title = locale.label("sources")
        flowables.append(HeadingParagraph(escape(title), styles.h1, title, 0))
        numbers = [f"{number}." for number in range(1, len(cited) + 1)]
        hanging = number_styles(styles.source_entry, numbers)
        for number, source in enumerate(cited, start=1):
            entry = (f'<a name="{source_anchor(number)}"/>' + portion_markup(theme, levels, source.level)
                     + format_entry(source, locale, markup, theme.accent, theme.muted))
            flowables.append(_entry(entry, numbers[number - 1], hanging, source, options, styles, width))
    if options.further_reading and uncited:
        title = locale.label("further_reading")
        flowables.append(HeadingParagraph(escape(title), styles.h2, title, 1))
        hanging = number_styles(styles.source_entry, ["\u2022"])
        for source in uncited:
            entry = portion_markup(theme, levels, source.level) + format_entry(source, locale, markup, theme.accent, theme.muted)
            flowables.append(_entry(entry, "\u2022", hanging,
                                    source, options, styles, width))
    return flowables


def number_styles(style: ParagraphStyle, numbers: list[str]) -> dict[str, ParagraphStyle]:
    """One style per marker width: every marker set at the entry's size, right-aligned, in one
    hanging indent as wide as the widest marker, so every entry's text starts at the same place.

    (A left-aligned "10." is wider than the indent and pushes its first line to the right.)
    """
    size, font = style.fontSize, style.fontName
    gap = 0.6 * size + 1  # ReportLab moves a line whose marker comes closer than 0.6 em to it
    widths = {n: stringWidth(n, font, size) for n in numbers}
    indent = max([style.leftIndent - gap, *widths.values()]) + gap
    by_width: dict[float, ParagraphStyle] = {}
    result: dict[str, ParagraphStyle] = {}
    for number, width in widths.items():
        if width not in by_width:
            by_width[width] = ParagraphStyle(f"{style.name}-{width:.2f}", parent=style, leftIndent=indent,
                                             bulletIndent=indent - gap - width, bulletFontSize=size,
                                             bulletFontName=font)
        result[number] = by_width[width]
    return result


def _entry(markup: str, bullet: str, hanging: dict[str, ParagraphStyle], source: Source, options: SourcesOptions,
           styles: Styles, width: float) -> Flowable:
    style = styles.breakable(hanging[bullet], f"{source.title} {_url_parts(source.url)}")
    paragraph = Paragraph(markup, style, bulletText=bullet)
    if not (options.qr and source.url):
        return paragraph
    table = Table([[paragraph, _qr(source.url)]], colWidths=[width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm],
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                                    ("FONTNAME", (0, 0), (-1, -1), styles.source_entry.fontName)]))
    return KeepTogether([table, Spacer(0, 2)])


def _url_parts(url: str | None) -> str:
    """The URL's parts between the marks it may break at: only a part too long for a line
    needs ReportLab's splitting anywhere (`Styles.breakable`)."""
    return " ".join(re.split(r"[/.,\-_~#%?=&]+", url or ""))


def _qr(url: str) -> Flowable:
    """A vector QR code, QR_SIZE square including its 4-module quiet zone."""
    from reportlab.graphics.barcode.qr import QrCodeWidget  # imported only when QR codes are asked for
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


