"""Tagged PDF, the layout side: which flowable is which structure element, and marked content.

`Tagger.tag_story` walks the finished story and gives each flowable that carries
content a structure element (`P`, `H1`–`H4`, `LBody`, `TD`, `Figure`, …) under its
container (`L`/`LI`, `Table`/`TR`, `BlockQuote`, `Aside`, `TOC`); it reads only what
the flowables already say (their class, style name, bullet, a table's header rows), so
the story builder is unchanged. A tagged flowable's class is swapped for a subclass
that, while drawing, wraps what it draws in `/Role <</MCID n>> BDC … EMC` and gives its
split parts the same element: a paragraph broken across pages is one element with two
marked-content references. Everything drawn outside a tagged flowable (running heads,
footers, rules, tints, watermark, crop marks) is inside `/Artifact BMC … EMC`.

The element tree, with each element's marked content and link annotations by page, is
exported as a `tagged.TagTree`; the write stage builds the PDF structure tree from it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, FrameBG, Indenter, Paragraph
from reportlab.platypus import Table as RLTable

from ..tagged import Element, TagTree
from . import rl_compat
from .caps import CapsLabel
from .contents import ContentsTable, HeadingParagraph
from .figures import FigureFlowable

#: The style-name prefixes of paragraphs that are not plain `P`.
_LIST, _QUOTE, _H4 = "list", "quote", "h4"


class Node:
    """A structure element being collected; copies of a flowable share it (never copied)."""

    def __init__(self, role: str, parent: Node | None, alt: str = "", scope: str = "", lang: str = ""):
        self.role, self.parent, self.alt, self.scope, self.lang = role, parent, alt, scope, lang
        self.contents: list[tuple[str, Any, int]] = []
        """In reading order: ("kid", Node, 0), ("mcr", page, mcid), ("annot", page, index)."""
        self.link_texts: list[str] = []
        """The visible text of each of its link annotations, when known (else empty)."""
        if parent is not None:
            parent.contents.append(("kid", self, 0))

    def __copy__(self) -> Node:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Node:
        return self


class _Tagged:
    """Mixed into a flowable's class: marks what it draws as its element's content."""

    tag_node: Node | None = None

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        node = self.tag_node
        if tagger is None or node is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        labels: list[str] = []
        if isinstance(self, Paragraph):
            rl_compat.mark_line_ends(self, getattr(self, "source_text", "") or _source_text(self),
                                     getattr(self, "continued_text", ""))
            labels = rl_compat.link_texts(self)
        tagger.begin(canvas, node, labels)
        try:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        finally:
            tagger.end(canvas)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts: list[Flowable] = super().split(availWidth, availHeight)  # type: ignore[misc]
        if self.tag_node is not None:
            for part in parts:
                tag(part, self.tag_node)
        if isinstance(self, Paragraph):  # each part knows the whole text and what follows it
            source = getattr(self, "source_text", "") or _source_text(self)
            paragraphs = [part for part in parts if isinstance(part, Paragraph)]
            for part, following in zip(paragraphs, paragraphs[1:] + [None]):
                part.source_text = source
                part.continued_text = (_source_text(following) if following is not None
                                       else getattr(self, "continued_text", ""))
        return parts


def _source_text(paragraph: Paragraph) -> str:
    """The paragraph's words as written (its markup, or a split part's fragments), for
    telling a hyphen the line breaking inserted from one in the text."""
    return str(getattr(paragraph, "text", "") or "") + "".join(str(getattr(f, "text", "")) for f in paragraph.frags)


_subclasses: dict[type, type] = {}


def tag(flowable: Flowable, node: Node) -> Flowable:
    """Make *flowable* draw as content of *node* (its layout is untouched)."""
    cls = type(flowable)
    if not issubclass(cls, _Tagged):
        sub = _subclasses.get(cls)
        if sub is None:
            sub = _subclasses[cls] = type(f"Tagged{cls.__name__}", (_Tagged, cls), {"__module__": cls.__module__})
        flowable.__class__ = sub
    flowable.tag_node = node
    return flowable


def as_artifact(flowable: Flowable) -> Flowable:
    """A copy of tagged *flowable* drawn as an artifact: what only repeats for the eye (a split
    table's header row again) is not its element's content twice."""
    if getattr(flowable, "tag_node", None) is None:
        return flowable
    twin = copy.copy(flowable)
    twin.tag_node = None
    return twin


def tag_note(canvas: Canvas, paragraph: Paragraph) -> Paragraph:
    """A footnote made while its call is drawn: a `Note` inside the calling element."""
    tagger: Tagger | None = getattr(canvas, "tagger", None)
    if tagger is not None:
        tag(paragraph, Node("Note", tagger.current() or tagger.root))
    return paragraph


class Tagger:
    """The structure elements of one document and, while it is drawn, their marked content."""

    def __init__(self, lang: str = "") -> None:
        self.root = Node("Document", None)
        self.lang = lang
        """The document's language: a section in another one is a `Sect` with its `/Lang`."""
        self._stack: list[tuple[Node, int, list[str]]] = []
        self._mcids: dict[int, int] = {}
        self._claimed: set[tuple[int, int]] = set()

    # -- drawing

    def begin(self, canvas: Canvas, node: Node, link_texts: list[str] | None = None) -> None:
        canvas.addLiteral("EMC")  # the artifact (or the enclosing element's content) pauses
        self._stack.append((node, rl_compat.annotation_count(canvas), link_texts or []))
        self._open(canvas, node)

    def end(self, canvas: Canvas) -> None:
        canvas.addLiteral("EMC")
        node, first, texts = self._stack.pop()
        page = canvas.getPageNumber() - 1
        new = [i for i in range(first, rl_compat.annotation_count(canvas)) if (page, i) not in self._claimed]
        for index in new:
            self._claimed.add((page, index))
            node.contents.append(("annot", page, index))
        node.link_texts += texts if len(texts) == len(new) else [""] * len(new)
        if self._stack:
            self._open(canvas, self._stack[-1][0])
        else:
            canvas.addLiteral("/Artifact BMC")

    def _open(self, canvas: Canvas, node: Node) -> None:
        page = canvas.getPageNumber() - 1
        mcid = self._mcids.get(page, 0)
        self._mcids[page] = mcid + 1
        node.contents.append(("mcr", page, mcid))
        canvas.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    def current(self) -> Node | None:
        """The element being drawn, if any."""
        return self._stack[-1][0] if self._stack else None

    @staticmethod
    def frame_page(canvas: Canvas) -> None:
        """Open the page's artifact at its start and close it after everything, crop marks too."""
        rl_compat.page_code(canvas).insert(0, "/Artifact BMC")
        rl_compat.close_page_stream(canvas, "EMC")

    # -- the tree

    def tag_paragraphs(self, flowables: list[Flowable], role: str = "P") -> None:
        """Each paragraph its own *role* element in the document (the cover's lines)."""
        for flowable in flowables:
            tag(flowable, Node(role, self.root))

    def tag_story(self, flowables: list[Flowable]) -> None:
        _Walk(self.root, self.lang).run(flowables)

    def aside(self, flowables: list[Flowable], lang: str = "") -> None:
        """The timeline: an `Aside` after the body, each event a `P`; with its `/Lang` when
        its events are in another language than the document (no timeline of its own)."""
        aside = Node("Aside", self.root, lang=lang if lang != self.lang else "")
        for flowable in flowables:
            node = Node("P", aside)
            for part in getattr(flowable, "parts", None) or [flowable]:  # an event's paragraphs
                tag(part, node)

    def export(self, title: str, lang: str) -> TagTree:
        elements: list[Element] = []
        _export(self.root, -1, elements)
        return TagTree(tuple(elements), title, lang)


def _export(node: Node, parent: int, out: list[Element]) -> int | None:
    """Append *node* (if it holds anything) and its descendants; its index, or None if empty."""
    index = len(out)
    out.append(Element(node.role, parent, node.alt, node.scope, ()))
    contents: list[tuple[str, int, int]] = []
    for kind, what, number in node.contents:
        if kind == "kid":
            child = _export(what, index, out)
            if child is not None:
                contents.append(("kid", child, 0))
        else:
            contents.append((kind, what, number))
    if not contents and node.role not in ("TD", "TH") and parent >= 0:
        del out[index:]
        return None
    out[index] = Element(node.role, parent, node.alt, node.scope, tuple(contents), tuple(node.link_texts), node.lang)
    return index


@dataclass
class _OpenList:
    """A list being walked: its `L`, the body of its current item, its indent on the page."""

    node: Node
    indent: float
    depth: int
    """How many Indenters were open when it began (content deeper than that is in an item)."""
    body: Node | None = None


class _Walk:
    """One pass over the story, keeping the open containers (lists, boxes, a section in
    another language) as it goes."""

    def __init__(self, root: Node, lang: str = ""):
        self.parents = [root]
        self.lang = lang
        self.lists: list[_OpenList] = []
        self.depth = 0
        self.offset = 0.0
        """The left indent the open Indenters add (a list inside a quote inside an item is deeper)."""
        self.piece: Node | None = None

    def run(self, flowables: list[Flowable]) -> None:
        for flowable in flowables:
            self.one(flowable)

    def one(self, flowable: Flowable) -> None:
        if isinstance(flowable, Indenter):
            self.depth += 1 if (flowable.left > 0 or flowable.right > 0) else -1
            self.offset += float(flowable.left)
        elif isinstance(flowable, FrameBG):
            self._close_list()
            if flowable.start:
                self.parents.append(Node("Aside", self.parents[-1]))
            elif len(self.parents) > 1 and self.parents[-1].role == "Aside":
                self.parents.pop()
        elif isinstance(flowable, _Tagged):
            pass
        elif isinstance(flowable, FigureFlowable):
            self._content_ends_list()
            self.figure(flowable)
        elif isinstance(flowable, ContentsTable):
            tag(flowable, Node("TOCI", Node("TOC", self.parents[-1])))
        elif isinstance(flowable, RLTable):
            self._content_ends_list()
            self.table(flowable)
        elif isinstance(flowable, Paragraph):
            self.paragraph(flowable)
        elif isinstance(flowable, CapsLabel):  # a box's label: "PENILAIAN ANALIS · KEYAKINAN SEDANG"
            self._content_ends_list()
            tag(flowable, Node("P", self._container()))
        elif hasattr(flowable, "bullet") and isinstance(flowable.bullet, Paragraph):  # a list marker on its own
            self._list_item(flowable.bullet, "Lbl")
        elif isinstance(getattr(flowable, "items", None), list):  # a stack set as one piece (a read-also box)
            self._close_list()
            self.parents.append(Node("Aside", self.parents[-1]))
            self.run([item for item in flowable.items if isinstance(item, Flowable)])
            self.parents.pop()
        elif isinstance(getattr(flowable, "list_label", None), Paragraph):  # a dated entry of a chronology
            indent = self.offset + float(flowable.list_label.style.leftIndent)  # the entry's, for both parts
            self._list_item(flowable.list_label, "Lbl", indent)
            self._list_item(flowable.list_body, "P", indent)
            if str(flowable.list_body.style.name).endswith("-piece"):  # a long text set in pieces
                self.piece = flowable.list_body.tag_node
        elif self.piece is not None and isinstance(getattr(flowable, "list_body", None), Paragraph):
            self.paragraph(flowable.list_body)  # the rest of a chronology entry's text set in pieces
        else:
            for inner in (rl_compat.inset_image(flowable), getattr(flowable, "content", None)):
                if isinstance(inner, Flowable):
                    self.one(inner)
            self.run(rl_compat.kept_content(flowable))

    def paragraph(self, paragraph: Paragraph) -> None:
        name = str(paragraph.style.name)
        if self.piece is not None:  # the rest of a long paragraph set in pieces
            tag(paragraph, self.piece)
            self.piece = self.piece if name.endswith("-piece") else None
            return
        if isinstance(paragraph, HeadingParagraph):
            self._close_list()
            if paragraph.outline_level == 0:
                self._section(getattr(paragraph, "section_language", ""))
            tag(paragraph, Node(f"H{min(paragraph.outline_level + 1, 6)}", self.parents[-1]))
            return
        if name.startswith(_LIST):
            self._list_item(paragraph, "P")
            return
        self._content_ends_list()
        parent = self._container()
        if name.startswith(_QUOTE):
            parent = self._quote(parent)
        role = "H4" if name.startswith(_H4) else "P"
        node = Node(role, parent)
        tag(paragraph, node)
        if name.endswith("-piece"):
            self.piece = node

    def _section(self, language: str) -> None:
        """A new top-level heading: a section in another language than the document's
        is a `Sect` with its `/Lang` (a screen reader switches voice); others are not grouped."""
        while len(self.parents) > 1 and self.parents[-1].role == "Sect":
            self.parents.pop()
        lang = language_tag(language) if language else ""
        if lang and lang != self.lang:
            self.parents.append(Node("Sect", self.parents[-1], lang=lang))

    def _container(self) -> Node:
        """Where a block goes: the body of the open list item, else the innermost container."""
        body = self.lists[-1].body if self.lists else None
        return body if body is not None else self.parents[-1]

    def _quote(self, parent: Node) -> Node:
        last = parent.contents[-1] if parent.contents else None
        if last is not None and last[0] == "kid" and last[1].role == "BlockQuote":
            return last[1]  # type: ignore[no-any-return]
        return Node("BlockQuote", parent)

    def _list_item(self, paragraph: Paragraph, role: str, indent: float | None = None) -> None:
        """A list paragraph: deeper than the open list it opens a list in the current item
        (`L` inside `LBody`), shallower it closes the lists it leaves."""
        if indent is None:
            indent = self.offset + float(paragraph.style.leftIndent)
        while self.lists and self.lists[-1].indent > indent + 0.5:
            self.lists.pop()
        if not self.lists or self.lists[-1].indent < indent - 0.5:
            self.lists.append(_OpenList(Node("L", self._container()), indent, self.depth))
        top = self.lists[-1]
        if role == "Lbl" or paragraph.bulletText is not None or top.body is None:
            item = Node("LI", top.node)
            if role == "Lbl":
                tag(paragraph, Node("Lbl", item))
            top.body = Node("LBody", item)
            if role == "Lbl":
                return
        tag(paragraph, Node("P", top.body))

    def _content_ends_list(self) -> None:
        """Content back at a list's own indent ends it; indented content is in the item."""
        while self.lists and self.depth <= self.lists[-1].depth:
            self.lists.pop()

    def _close_list(self) -> None:
        self.lists.clear()

    def figure(self, figure: FigureFlowable) -> None:
        node = Node("Figure", self._container(), alt=figure.alt or "")
        tag(figure, node)
        if figure.caption is not None or figure.credit is not None:
            caption = Node("Caption", node)
            for part in (figure.caption, figure.credit):
                if part is not None:
                    tag(part, caption)

    def table(self, table: RLTable) -> None:
        cells = rl_compat.table_cells(table)
        header = int(getattr(table, "repeatRows", 0) or 0)
        if header == 0:  # a layout table (a source entry beside its QR code): its text, read in order
            for row in cells:
                for cell in row:
                    self.run([c for c in (cell if isinstance(cell, (list, tuple)) else [cell]) if isinstance(c, Flowable)])
            return
        node = Node("Table", self._container())
        for number, row in enumerate(cells):
            tr = Node("TR", node)
            for cell in row:
                role, scope = ("TH", "Column") if number < header else ("TD", "")
                cell_node = Node(role, tr, scope=scope)
                for flowable in cell if isinstance(cell, (list, tuple)) else [cell]:
                    if isinstance(flowable, Flowable):
                        tag(flowable, cell_node)


def language_tag(language: str) -> str:
    """The document's BCP 47 language (as `/Lang` and in XMP)."""
    return {"id": "id-ID", "en": "en-GB"}.get(language, language) if re.fullmatch(r"[a-z]{2,3}", language) else language
