"""The typed document model passed between pipeline stages.

Every stage hands the next a frozen value: the loader a `Brief`, the parser a
`Document`. Nothing here knows about ReportLab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

if TYPE_CHECKING:
    from .themes import Theme


def _default_theme() -> "Theme":
    from .themes import BUILTIN

    return BUILTIN["formal"]


@dataclass(frozen=True)
class SourcePos:
    """Where a piece of content came from, for error messages."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class TimelineOptions:
    """`timeline:` in the manifest: a file name, or a mapping with these keys."""

    file: str
    side: str = "right"
    """"right" or "left": which side of the body the sidebar takes."""
    order: str = "chronological"
    """"chronological" (oldest first) or "reverse" (latest developments first)."""
    placement: str = "auto"
    """"sidebar", "block" (a box after the first section), "appendix" ("Kronologi"), or
    "auto": the sidebar unless its column would run under 25 characters a line."""


@dataclass(frozen=True)
class SourcesOptions:
    """`sources:` in the manifest: a file name, or a mapping with these keys."""

    file: str
    qr: bool = False
    """Print a QR code beside each URL in the appendix."""
    further_reading: bool = False
    """List sources nothing cites under "Bacaan Lanjutan" / "Further reading"."""
    markers: str = "brackets"
    """"brackets" ([3]) or "superscript"."""


@dataclass(frozen=True)
class Signoff:
    """One line of the clearance block: who prepared, reviewed or approved the brief, and when."""

    role: str
    """`prepared`, `reviewed`, `approved` (printed in the brief's language) or the role's own words."""
    name: str
    date: dt.date | None = None


@dataclass(frozen=True)
class PrintSettings:
    """How an edition is printed: from the manifest, the audience, and command-line options."""

    paper: str = "A4"
    orientation: str = "portrait"
    duplex: bool = False
    """Mirrored margins with a binding gutter; running heads alternate sides."""
    appendix_recto: bool = False
    """In duplex, start the sources appendix on a right-hand page."""
    marks: bool = False
    """Crop marks and a 3 mm bleed, with TrimBox and BleedBox set."""
    grayscale: bool = False
    draft: bool = False
    """A diagonal KONSEP / DRAFT watermark behind the text."""
    control_number: str | None = None
    version: str | None = None
    toc: str = "auto"
    """"auto" (a table of contents once an edition is longer than six pages), "on" or "off"."""
    copy: tuple[int, int, str] | None = None
    """(number, total, recipient) of a numbered controlled copy."""
    tagged: bool = True
    """A tagged PDF: structure tree, marked content, artifacts (`tagged: false` turns it off)."""
    pdf_standard: str = "none"
    """"none", "ua-1", "a-2b", "a-3b", "ua-1+a-2b" or "ua-1+a-3b"."""


@dataclass(frozen=True)
class Audience:
    """One edition of the brief: who it is for and what they may see."""

    id: str
    label: str
    language: str | None = None
    level: str | None = None
    """The highest handling level this audience is cleared for (None: all)."""
    marking: str | None = None
    """Banner marking; default: the highest level present in the edition."""
    include: tuple[str, ...] = ()
    """Section ids or tags to keep (empty: all)."""
    exclude: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    page_budget: int | None = None
    paper: str | None = None
    title: str | None = None
    short_title: str | None = None
    """The title in running heads and footers (default: the title, shortened to fit)."""
    subtitle: str | None = None
    organisation: str | None = None
    notice: str | None = None
    recipients: tuple[str, ...] = ()
    timeline_tags: tuple[str, ...] = ()
    """Keep only timeline events with one of these tags (empty: all)."""
    theme: str | None = None
    orientation: str | None = None
    pdf_standard: str | None = None
    printer: str | None = None
    """The CUPS queue `briefing print` uses for this edition (default: the CUPS default)."""
    duplex: bool | None = None
    appendix_recto: bool | None = None
    print_marks: bool | None = None
    draft: bool | None = None
    toc: str | None = None
    photo_credits: bool | None = None
    footnotes: str | None = None
    """`sidenotes` or `endnotes` for this edition (default: the manifest's)."""
    sources_appendix: bool | None = None
    """`sources: false`: this edition prints no sources appendix (and no citation markers)."""
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """brief.yaml line of the audience (`""`), of each key, and of each name it lists (`"include:NAME"`)."""


@dataclass(frozen=True)
class Manifest:
    """The validated contents of `brief.yaml`."""

    id: str
    title: str
    date: dt.date
    language: str = "id"
    short_title: str | None = None
    """The title in running heads and footers (default: the title, shortened to fit)."""
    subtitle: str | None = None
    organisation: str | None = None
    authors: tuple[str, ...] = ()
    marking: str | None = None
    notice: str | None = None
    subject: str | None = None
    sections: tuple[str, ...] = ()
    numbered_headings: bool = True
    paper: str = "A4"
    timeline: TimelineOptions | None = None
    sources: SourcesOptions | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    """Handling levels, lowest first (e.g. BIASA, TERBATAS, RAHASIA)."""
    audiences: tuple[Audience, ...] = ()
    recipients: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    """Overrides of built-in labels ("timeline": "Kronologi")."""
    theme: str = "formal"
    """A built-in theme (formal, modern) or a theme file in the brief."""
    photo_credits: bool = False
    """List every figure's credit in a "Kredit Foto" appendix."""
    orientation: str = "portrait"
    duplex: bool = False
    appendix_recto: bool = False
    print_marks: bool = False
    draft: bool = False
    control_number: str | None = None
    version: str | None = None
    toc: str = "auto"
    tagged: bool = True
    pdf_standard: str = "none"
    footnotes: str = "sidenotes"
    """"sidenotes" (in the margin column beside their call) or "endnotes" (before the sources)."""
    printers: dict[str, str] = field(default_factory=dict)
    """Printer queue -> the highest handling level `briefing print` may send to it."""
    sources_appendix: bool = True
    """False in an edition whose audience says `sources: false`: no appendix, no markers."""
    clearance: tuple[Signoff, ...] = ()
    """`clearance:` — the sign-off table ("Disusun oleh / Diperiksa oleh / Disetujui oleh")."""
    clearance_position: str = "end"
    """"cover" (under the title block on page 1) or "end" (after the last section)."""
    logo: str | None = None
    """`logo:` — a PNG or JPEG in the brief for the cover's title band; the loader makes it an absolute path."""
    logo_height: float = 12.0
    """The logo's height in the title band, in millimetres (`logo: {file: …, height: 15}`)."""


# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Strike:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple["Inline", ...]
    pos: SourcePos | None = field(default=None, compare=False)
    """Where the link is written: an internal link (`#id`) that leads nowhere is an error there."""


@dataclass(frozen=True)
class Styled:
    """Rich text from a CSL title: `sub`, `sup` or `smallcaps` around its children."""

    style: str
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break (two trailing spaces or a backslash in Markdown)."""


@dataclass(frozen=True)
class CiteItem:
    key: str
    locator: str | None = None
    """"hlm. 3" in `[@key, hlm. 3]`."""


@dataclass(frozen=True)
class Citation:
    """`[@a]`, `[@a, hlm. 3]` or `[@a; @b]`: numbered markers linking to the sources appendix."""

    items: tuple[CiteItem, ...]
    pos: SourcePos


@dataclass(frozen=True)
class CrossRef:
    """`@fig-peta`, `@tbl-dukungan`, `@sec-prospek`: "Gambar 2", clickable; `[halaman @fig-peta]` prints its page.

    The parser records the label; `crossrefs.resolve_crossrefs` fills in what is printed.
    """

    label: str
    pos: SourcePos = field(compare=False)
    prefix: str | None = None
    """The words before the label in `[halaman @fig-peta]`: a page reference, printed with the page number."""
    text: str = ""
    """What prints: "Gambar 2", "Tabel 1", "Bagian 4" (or the page reference's words)."""
    target: str | None = None
    """The named destination the reference links to (None: printed unlinked)."""


@dataclass(frozen=True)
class FootnoteRef:
    """`text[^id]`: a call to the note `[^id]: …` written in the same section file.

    The note's text travels with the call; calls with the same *key* share one note
    and one number, numbered per edition in order of first call (see `notes.py`).
    """

    key: str
    """Unique in the brief: the section file and the label."""
    label: str
    note: tuple["Inline", ...]
    pos: SourcePos


Inline = Union[Text, Emph, Strong, Strike, Styled, Code, Link, LineBreak, Citation, CrossRef, FootnoteRef]


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The words of inlines without markup (citations and footnote calls left out): heading
    slugs, bookmarks, metadata and the text a style is chosen for."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code, CrossRef)):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif not isinstance(node, (Citation, FootnoteRef)):
            parts.append(plain_text(node.children))
    return "".join(parts)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int
    """1 is a section title; Markdown `##` is 2, `###` is 3, deeper levels are 4."""
    children: tuple[Inline, ...]
    pos: SourcePos
    number: str | None = None
    """"2.1" when headings are numbered, else None."""
    anchor: str | None = None
    """The named destination an internal link (`[text](#id)`) leads to, when one does."""
    label: str | None = None
    """`## Title {#sec-x}`: the cross-reference label."""


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]
    pos: SourcePos
    portion: str | None = None
    """The handling level of the `::: only level=…` passage it stands in (set when tailoring), printed
    as a portion marking before it."""


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[tuple["Block", ...], ...]
    pos: SourcePos


@dataclass(frozen=True)
class Quote:
    blocks: tuple["Block", ...]
    pos: SourcePos


@dataclass(frozen=True)
class CodeBlock:
    text: str
    pos: SourcePos


@dataclass(frozen=True)
class Rule:
    pos: SourcePos


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    """One tuple of inlines per header cell."""
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    aligns: tuple[str, ...]
    """"left", "center" or "right" per column."""
    pos: SourcePos
    caption: tuple[Inline, ...] = ()
    """`: Caption text {#tbl-id source="…"}` before or after the table."""
    label: str | None = None
    source: tuple[Inline, ...] = ()
    """`source="…"` (inline Markdown, citations allowed): printed below the table as "Sumber: …"."""
    number: int | None = None
    """The table's number in the edition ("Tabel 1"), given by `crossrefs.number_blocks`."""


@dataclass(frozen=True)
class Callout:
    """A boxed block: `::: bluf`, `::: keypoints Title`, `::: note Title`."""

    kind: str
    title: str
    blocks: tuple["Block", ...]
    pos: SourcePos
    confidence: str | None = None
    """`::: assessment confidence=high`: the analyst's confidence (low, moderate, high)."""


@dataclass(frozen=True)
class Figure:
    """`![alt](assets/x.png){caption="…" credit="…" width=column|full|inset side=right|left}`."""

    path: Path
    """Resolved, inside the brief folder, checked to be a readable image."""
    alt: str
    caption: tuple[Inline, ...]
    credit: str | None
    width: str
    """"column" (the body column), "full" (the whole text block) or "inset" (text beside it)."""
    side: str
    """For insets: "right" or "left"."""
    pixels: tuple[int, int]
    """Width and height in pixels, after EXIF orientation."""
    pos: SourcePos
    level: str | None = None
    label: str | None = None
    """`{#fig-peta}`: the cross-reference label."""
    number: int | None = None
    """The figure's number in the edition ("Gambar 2"), given by `crossrefs.number_blocks`."""


@dataclass(frozen=True)
class PageBreak:
    """`::: pagebreak` or `\\newpage`: the next block starts a new page."""

    pos: SourcePos


@dataclass(frozen=True)
class Keep:
    """`::: keep`: blocks that must stay together on one page."""

    blocks: tuple["Block", ...]
    pos: SourcePos


@dataclass(frozen=True)
class Restricted:
    """`::: only audience="a b" level=X`: a passage kept only for some editions."""

    audiences: tuple[str, ...]
    level: str | None
    blocks: tuple["Block", ...]
    pos: SourcePos


Block = Union[Heading, Paragraph, ListBlock, Quote, CodeBlock, Rule, Table, Callout, Figure, Restricted, PageBreak, Keep]


# --------------------------------------------------------------------------- brief


@dataclass(frozen=True)
class SectionSource:
    """A section file as loaded: front matter split off, template text kept."""

    id: str
    path: Path
    title: str
    numbered: bool
    template: str
    """The template text, front matter blanked out so line numbers match the file."""
    meta: dict[str, Any] = field(default_factory=dict)
    level: str | None = None
    audiences: tuple[str, ...] = ()
    """Only these audiences get the section (empty: every audience)."""
    tags: tuple[str, ...] = ()
    variants: dict[str, "SectionSource"] = field(default_factory=dict)
    """Replacement files by suffix: `ringkasan.publik.md` (an audience) or `ringkasan.en.md` (a language)."""


@dataclass(frozen=True)
class TimelineDate:
    """A point or span in time at year, month or day precision."""

    start: dt.date
    end: dt.date | None
    precision: str
    """"year", "month" or "day" (of both ends)."""
    label: str | None = None
    """Free text shown instead of the formatted date ("1990-an")."""


@dataclass(frozen=True)
class TimelineEvent:
    date: TimelineDate
    title: str
    text: tuple[Inline, ...]
    """The text as inlines, ending with the `cite:` citation; loaded with the citation
    only, the parse stage adds the parsed `markdown` in front of it."""
    tags: tuple[str, ...]
    highlight: bool
    pos: SourcePos
    level: str | None = None
    markdown: str = ""
    """The `text:` as written (inline Markdown)."""
    markdown_line: int | None = None


@dataclass(frozen=True)
class Source:
    """One entry of the sources file."""

    id: str
    title: str
    pos: SourcePos
    author: tuple[str, ...] = ()
    publisher: str | None = None
    date: TimelineDate | None = None
    url: str | None = None
    accessed: dt.date | None = None
    type: str | None = None
    note: str | None = None
    reliability: str | None = None
    """Admiralty grading of the source, A-F."""
    credibility: str | None = None
    """Admiralty grading of the information, 1-6."""
    level: str | None = None
    title_markup: tuple[Inline, ...] = ()
    """The title as rich text when its CSL title has markup (`<i>`, `<b>`, `<sub>`, …); `title` is its plain text."""
    date_text: str | None = None
    """A date printed as given: CSL `literal`, or a `raw` date that is no YYYY-MM-DD."""
    circa: bool = False
    """The date is approximate (CSL `circa`): printed "ca. 1850" / "sekitar 1850"."""
    season: str | None = None
    """CSL `season`: "1"-"4" (spring to winter, printed in the edition's language), "2-3" for a range of
    seasons (months 13-16 or 21-24 in `date-parts`), or its own words."""
    problem: str | None = None
    """Why this CSL item cannot be used: citing it is an error, leaving it uncited only a warning."""


@dataclass(frozen=True)
class Brief:
    """The loaded brief folder: everything read from disk, nothing rendered."""

    root: Path
    manifest: Manifest
    manifest_path: Path
    sections: tuple[SectionSource, ...]
    partials_dir: Path
    timeline: tuple[TimelineEvent, ...] = ()
    sources: tuple[Source, ...] = ()
    timeline_variants: dict[str, tuple[TimelineEvent, ...]] = field(default_factory=dict)
    """Timelines in other languages (`timeline.en.yaml`), by language."""
    source_variants: dict[str, tuple[Source, ...]] = field(default_factory=dict)
    """Sources files in other languages (`sources.en.yaml`), by language."""
    themes: dict[str, "Theme"] = field(default_factory=dict)
    """Every theme the manifest or an audience names, by that name (built-in or file)."""
    fallback_fonts: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    """Each theme's fallback font files, resolved inside the brief, by the same name."""
    hyphenation: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The brief's hyphenation lists (`hyphenation.txt`, `hyphenation.en.txt`), by language."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    pos: SourcePos
    number: str | None = None
    anchor: str | None = None
    """The named destination an internal link (`[text](#id)`) leads to, when one does."""
    break_before: bool = False
    """Front matter `page_break: before`: the section starts a new page."""
    language: str = ""
    """The language its text is written in (the brief's, or a language variant's); empty when
    it is the edition's own (an audience's variant)."""


@dataclass(frozen=True)
class Document:
    """A parsed brief, ready for layout."""

    manifest: Manifest
    sections: tuple[Section, ...]
    timeline: tuple[TimelineEvent, ...] = ()
    cited: tuple[Source, ...] = ()
    """Sources in order of first citation; a source's marker number is its index + 1."""
    uncited: tuple[Source, ...] = ()
    theme: "Theme" = field(default_factory=lambda: _default_theme())
    printing: PrintSettings = field(default_factory=PrintSettings)
    fallback_fonts: tuple[Path, ...] = ()
    """TrueType files in the brief for characters the theme's fonts lack."""
    hyphenation: tuple[str, ...] = ()
    """The brief's hyphenation list for this edition's language: `pe-me-rin-tah-an`, or a word never broken."""
    edition_label: str | None = None
    """The audience's label ("Analis"), printed in the footer so every page says which edition it is."""
    timeline_language: str = ""
    """The language the timeline's events are written in (the brief's, when the edition's
    language has no timeline of its own); empty when it is the edition's."""


# --------------------------------------------------------------------------- walking the tree

N = TypeVar("N")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def iter_nodes(node: object, kind: type[N]) -> Iterator[N]:
    """Every *kind* node inside *node* (a section, block, inline or tuple of them), in reading
    order; a found node is not searched further."""
    if isinstance(node, kind):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from iter_nodes(item, kind)
    else:
        for name in _field_names(type(node)):
            yield from iter_nodes(getattr(node, name), kind)


def _field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model class (none for anything else), looked up once per class."""
    found = _FIELD_NAMES.get(cls)
    if found is None:
        found = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()
    return found
