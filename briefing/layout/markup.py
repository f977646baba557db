"""Inlines -> ReportLab paragraph markup. The one place text is escaped.

ReportLab paragraphs parse their text as markup (`&` starts an entity, `<para>`
is a tag, `<img src>` reads files), so every piece of author text passes through
`escape` exactly once, here, and nothing else builds markup from raw text.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Callable
from urllib.parse import quote

if TYPE_CHECKING:
    from .fonts import GlyphPlan

from ..model import Citation, Code, CrossRef, Emph, FootnoteRef, Inline, LineBreak, Link, Strike, Strong, Styled, Text
from .bidi import visual


_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _xml_escape(text: str) -> str:
    return text.translate(_MARKUP)


_CONTROL = {code: None for code in range(32) if chr(code) not in "\t\n"}


def escape(text: str, font: str | None = None, plan: GlyphPlan | None = None) -> str:
    """Escape author text for a ReportLab paragraph (and drop control characters).

    Right-to-left runs are shaped and put in display order first (see bidi.py). Runs
    of characters the theme's fonts lack are wrapped in the fallback font that has
    them, so they print as real glyphs rather than empty boxes. *font* is the
    family the text will be set in, when known (else only what every theme font has
    counts as covered). Without a glyph *plan* nothing is wrapped: layout code escapes
    through `MarkupWriter.escape`, which passes the plan of the document.
    """
    cleaned = visual(text.translate(_CONTROL))
    if plan is None or plan.covers(cleaned, font):
        return _xml_escape(cleaned)
    return "".join(_wrap(run, run_font) for run, run_font in plan.runs(cleaned, font))


def escape_url(url: str) -> str:
    """A link target for an `href` attribute: percent-encoded to ASCII (a PDF URI is 7-bit) and escaped.

    Never through `escape`: a fallback `<font>` tag or reordering inside an attribute would break it.
    """
    return _xml_escape(quote(url.translate(_CONTROL), safe=_URL_SAFE))


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def attribute(text: str) -> str:
    """Escape a markup attribute's value (a URL, a destination name): never a fallback-font tag inside."""
    return _xml_escape(text.translate(_CONTROL))


def _wrap(text: str, font: str | None) -> str:
    escaped = _xml_escape(text)
    return f'<font face="{font}">{escaped}</font>' if font else escaped


def destination(anchor: str | None) -> str:
    """Markup that makes a named destination where a heading starts, for internal links."""
    return f'<a name="{attribute(anchor)}"/>' if anchor else ""


#: The canvas callback a footnote call's line triggers when it is drawn (see layout/notes.py).
NOTE_CALLBACK = "briefing_note"


def note_anchor(number: int) -> str:
    """The named destination of endnote *number*."""
    return f"note-{number}"


def source_anchor(number: int) -> str:
    """The named destination of the sources-appendix entry numbered *number*."""
    return f"src-{number}"


class MarkupWriter:
    """Writes inlines as markup, and escapes text with the document's glyph coverage.

    *numbers* maps source ids to their marker numbers; *markers* is "brackets" or
    "superscript"; *glyphs* is the document's glyph plan (None: no font fallback).
    """

    def __init__(self, mono_font: str, link_color: str, numbers: dict[str, int] | None = None,
                 markers: str = "brackets", font: str | None = None, glyphs: GlyphPlan | None = None,
                 notes: dict[str, int] | None = None, endnotes: bool = False):
        self.mono_font = mono_font
        self.font = font
        """The family body text is set in, for glyph fallback decisions."""
        self.glyphs = glyphs
        self.link_color = link_color
        self.numbers = numbers or {}
        self.markers = markers
        self.notes = notes or {}
        """Footnote key -> its number in this edition."""
        self.endnotes = endnotes
        self.pages: dict[str, int] = {}
        """The page of each named destination, from an earlier layout pass, for page references."""
        self._writers: dict[type, Callable[[Inline], str]] = {
            Text: lambda n: self.escape(n.text, self.font),  # type: ignore[union-attr]
            Emph: lambda n: f"<i>{self.write(n.children)}</i>",  # type: ignore[union-attr]
            Strong: lambda n: f"<b>{self.write(n.children)}</b>",  # type: ignore[union-attr]
            Strike: lambda n: f"<strike>{self.write(n.children)}</strike>",  # type: ignore[union-attr]
            Styled: self._styled,
            Code: self._code,
            LineBreak: lambda _n: "<br/>",
            Link: self._link,
            Citation: self._citation,
            CrossRef: self._crossref,
            FootnoteRef: self._footnote,
        }

    def escape(self, text: str, font: str | None = None) -> str:
        """*text* escaped for a paragraph, runs the theme's fonts lack set in a fallback font."""
        return escape(text, font, self.glyphs)

    def write(self, inlines: tuple[Inline, ...] | list[Inline]) -> str:
        out = [self._writers[type(node)](node) for node in inlines]
        for index in range(len(inlines) - 1):
            # "kata [1]": the marker never starts a line on its own; without markers, no space is left.
            if isinstance(inlines[index + 1], Citation) and out[index].endswith(" "):
                out[index] = out[index][:-1] + ("" if self.markers == "none" else "&#160;")
        return "".join(out)

    def _code(self, node: Inline) -> str:
        assert isinstance(node, Code)
        from .fonts import register_fonts

        register_fonts((self.mono_font,))  # the monospace family is loaded only when code appears
        return f'<font face="{self.mono_font}" size="-1">{self.escape(node.text)}</font>'

    def _styled(self, node: Inline) -> str:
        """Sub- and superscript as ReportLab has them; small caps as capitals a size smaller."""
        assert isinstance(node, Styled)
        if node.style == "smallcaps":
            return "".join(_small_caps(n, self) for n in node.children)
        tag = {"sub": "sub", "sup": "super"}[node.style]
        return f"<{tag}>{self.write(node.children)}</{tag}>"

    def _link(self, node: Inline) -> str:
        assert isinstance(node, Link)
        body = self.write(node.children)
        if node.url.startswith("#"):  # an internal link, resolved to a heading's destination
            return f'<a href="{attribute(node.url)}" color="{self.link_color}">{body}</a>'
        if not _is_linkable(node.url):
            return body
        return f'<a href="{escape_url(node.url)}" color="{self.link_color}">{body}</a>'


    def _footnote(self, node: Inline) -> str:
        """The note's number, superscript; drawing its line tells the page where the note goes."""
        assert isinstance(node, FootnoteRef)
        number = self.notes.get(node.key, 0)
        if self.endnotes:
            return f'<super><a href="#{note_anchor(number)}" color="{self.link_color}">{number}</a></super>'
        return f'<super>{number}</super><onDraw name="{NOTE_CALLBACK}" label="{number}"/>'
    def _crossref(self, node: Inline) -> str:
        """"Gambar 2", or a page reference's words and the target's page ("halaman 3"), linked."""
        assert isinstance(node, CrossRef)
        text = self.escape(node.text or f"@{node.label}", self.font)
        if node.prefix is not None:  # before the pages are known, a stand-in of a page number's width
            text += f"&#160;{self.pages.get(node.target or '', 0) or '0'}"
        if node.target is None:
            return text
        return f'<a href="#{attribute(node.target)}" color="{self.link_color}">{text}</a>'

    def _citation(self, node: Inline) -> str:
        assert isinstance(node, Citation)
        if self.markers == "none":  # an edition without a sources appendix
            return ""
        parts = []
        for item in node.items:
            number = self.numbers.get(item.key)
            if number is None:  # an unknown key, already reported (briefing check lays out anyway)
                parts.append("?")
                continue
            link = f'<a href="#{source_anchor(number)}" color="{self.link_color}">{number}</a>'
            parts.append(f"{link}, {self.escape(item.locator)}" if item.locator else link)
        if self.markers == "superscript":
            return "<super>" + ",".join(parts) + "</super>"
        return "[" + "; ".join(parts) + "]"


def _small_caps(node: Inline, writer: MarkupWriter) -> str:
    if not isinstance(node, Text):
        return writer.write((node,))
    runs = (("".join(chars), lower) for lower, chars in groupby(node.text, str.islower))
    return "".join(f'<font size="-2">{writer.escape(run.upper(), writer.font)}</font>' if lower else writer.escape(run, writer.font)
                   for run, lower in runs)


def _is_linkable(url: str) -> bool:
    """Only web and mail links become clickable; nothing that could open a local file."""
    return url.lower().startswith(("http://", "https://", "mailto:"))
