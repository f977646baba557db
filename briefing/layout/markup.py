"""Inlines -> ReportLab paragraph markup. The one place text is escaped.

ReportLab paragraphs parse their text as markup (`&` starts an entity, `<para>`
is a tag, `<img src>` reads files), so every piece of author text passes through
`escape` exactly once, here, and nothing else builds markup from raw text.
"""

from __future__ import annotations

from typing import Callable
from xml.sax.saxutils import escape as _xml_escape

from ..model import Code, Emph, Inline, LineBreak, Link, Strike, Strong, Text


def escape(text: str) -> str:
    """Escape author text for a ReportLab paragraph (and drop control characters)."""
    cleaned = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    return _xml_escape(cleaned, {'"': "&quot;"})


class MarkupWriter:
    """Writes inlines as markup; *fonts* name the faces for code spans, *link_color* links."""

    def __init__(self, mono_font: str, link_color: str):
        self.mono_font = mono_font
        self.link_color = link_color
        self._writers: dict[type, Callable[[Inline], str]] = {
            Text: lambda n: escape(n.text),  # type: ignore[union-attr]
            Emph: lambda n: f"<i>{self.write(n.children)}</i>",  # type: ignore[union-attr]
            Strong: lambda n: f"<b>{self.write(n.children)}</b>",  # type: ignore[union-attr]
            Strike: lambda n: f"<strike>{self.write(n.children)}</strike>",  # type: ignore[union-attr]
            Code: lambda n: f'<font face="{self.mono_font}" size="-1">{escape(n.text)}</font>',  # type: ignore[union-attr]
            LineBreak: lambda n: "<br/>",
            Link: self._link,
        }

    def write(self, inlines: tuple[Inline, ...] | list[Inline]) -> str:
        return "".join(self._writers[type(node)](node) for node in inlines)

    def _link(self, node: Inline) -> str:
        assert isinstance(node, Link)
        body = self.write(node.children)
        if not _is_linkable(node.url):
            return body
        return f'<a href="{escape(node.url)}" color="{self.link_color}">{body}</a>'


def _is_linkable(url: str) -> bool:
    """Only web and mail links become clickable; nothing that could open a local file."""
    return url.lower().startswith(("http://", "https://", "mailto:"))


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inlines without markup, for bookmarks and metadata."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        else:
            parts.append(plain_text(node.children))
    return "".join(parts)
