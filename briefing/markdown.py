"""Stage 3, parse: rendered Markdown text -> the typed document model.

markdown-it-py does the parsing (CommonMark + GFM tables + `:::` callouts); this
module only converts its syntax tree into our blocks and inlines, dispatching on
node type from a table. An unsupported construct is an error with its line,
never silently dropped. Raw HTML is off, so `<b>` in a section is just text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt, rules_inline
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .errors import BriefingError, ErrorList, MarkdownError, raise_all
from .model import (
    Block,
    Callout,
    Citation,
    CiteItem,
    Code,
    CodeBlock,
    CrossRef,
    Emph,
    Figure,
    FootnoteRef,
    Heading,
    Inline,
    Keep,
    LineBreak,
    Link,
    ListBlock,
    PageBreak,
    Paragraph,
    Quote,
    Restricted,
    Rule,
    SourcePos,
    Strike,
    Strong,
    Table,
    Text,
)
from .themes import BOX_KINDS

#: The confidence levels an `::: assessment` may state.
CONFIDENCE_LEVELS = ("low", "moderate", "high")
#: The prefixes that make `@fig-peta` a cross-reference rather than a citation.
CROSSREF_PREFIXES = ("fig", "tbl", "sec")
CALLOUT_KINDS = tuple(BOX_KINDS)

#: The container every other `:::` line opens, so that it is an error rather than text.
_UNKNOWN_BOX = "unknown"
_FENCE_RE = re.compile(r"[\s>]*(:{3,})\s*")
"""A closing fence, as a line of the text (inside a quote it follows the `>` marks)."""

#: Deepest nesting of blocks (quotes, lists, boxes) or of inline markup (emphasis, links)
#: accepted. markdown-it silently stops parsing blocks past its own limit (twice this), and
#: building the tree of thousands of nested `*` exhausts Python's stack.
MAX_DEPTH = 32

#: `[@key]`, `[@key, hlm. 3]`, `[@a; @b, p. 2]` (Pandoc's citation syntax).
_CITATION_RE = re.compile(r"\[(@[^\[\]\n]*)\]")
_CITE_ITEM_RE = re.compile(r"^\s*@([\w][\w:.#$%&+?<>~/-]*)\s*(?:,\s*(.+?))?\s*$")
_LABEL = rf"(?:{'|'.join(CROSSREF_PREFIXES)})-[\w-]*\w"
#: `@fig-peta` (and `[@fig-peta]`); `[halaman @fig-peta]`: a page reference.
_CROSSREF_RE = re.compile(rf"@({_LABEL})")
_BRACKETED_REF_RE = re.compile(rf"\[([^\[\]@\n]*?)\s*@({_LABEL})\]")
#: `{#sec-x}` at the end of a heading.
_HEADING_LABEL_RE = re.compile(r"\s*\{#([\w:.-]+)\}\s*$")
#: `: Caption text {#tbl-x source="…"}`, Pandoc's table caption line.
_CAPTION_RE = re.compile(r":\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*", re.DOTALL)
_NEWPAGE = "\\newpage"


def _crossref_rule(state: StateInline, silent: bool) -> bool:
    """`@fig-x` standing as a word, `[@fig-x]`, or `[words @fig-x]` (a page reference)."""
    pos, src = state.pos, state.src
    prefix = None
    if src.startswith("[", pos):
        match = _BRACKETED_REF_RE.match(src, pos)
        if not match or src.startswith("(", match.end()):
            return False
        label, prefix = match.group(2), match.group(1).strip() or None
    elif src.startswith("@", pos) and (pos == 0 or not (src[pos - 1].isalnum() or src[pos - 1] in "_.")):
        match = _CROSSREF_RE.match(src, pos)
        if not match:
            return False
        label = match.group(1)
    else:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.meta = {"label": label, "prefix": prefix, "line_offset": src.count("\n", 0, pos)}
    state.pos = match.end()
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = _CITATION_RE.match(state.src, state.pos)
    if not match or state.src.startswith("(", match.end()):  # `[@octocat](https://…)` is a link
        return False
    items = []
    for part in match.group(1).split(";"):
        item = _CITE_ITEM_RE.match(part)
        if not item:
            return False
        key = item.group(1).rstrip(".:")
        items.append(CiteItem(key, item.group(2)))
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": tuple(items), "line_offset": state.src.count("\n", 0, state.pos)}
    state.pos = match.end()
    return True


def _link_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's link rule, noting on the link which line of its paragraph it starts on."""
    start, count = state.pos, len(state.tokens)
    if not rules_inline.link(state, silent):
        return False
    if not silent:  # the rule pushes any pending text first, then the link
        opening = next(t for t in state.tokens[count:] if t.type == "link_open")
        opening.meta["line_offset"] = state.src.count("\n", 0, start)
    return True


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "maxNesting": MAX_DEPTH * 2})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    # every URL reaches us: figures refuse, links print safely (an instance attribute, as markdown-it documents)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # noqa: ARG005 (markdown-it passes url by name)
    md.inline.ruler.before("link", "crossref", _crossref_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.at("link", _link_rule)
    md.use(attrs_plugin, after=("image",))
    md.use(footnote_plugin, inline=False)  # `text[^id]` and `[^id]: note`; Pandoc's `^[inline]` is not offered
    for kind in BOX_KINDS:
        md.use(container_plugin, name=kind)
    md.use(container_plugin, name=_UNKNOWN_BOX, validate=lambda _params, _markup: True)  # tried last
    return md


def parse_markdown(text: str, path: Path, root: Path | None = None,
                   line_map: tuple[int, ...] = (), box_kinds: tuple[str, ...] = ()) -> tuple[Block, ...]:
    """Parse a section's rendered Markdown into blocks; image paths resolve against *root*.

    *line_map* translates rendered lines back to the lines of the section file, so every
    position (and so every error) names the line the author wrote. *box_kinds* are the
    `:::` kinds the edition's theme adds to BOX_KINDS.
    """
    converter = _Converter(path, root=root, line_map=line_map, lines=text.split("\n"), box_kinds=box_kinds)
    tokens = converter.within_depth(markdown_parser().parse(text))
    tree = SyntaxTreeNode(tokens)
    converter.read_footnotes(tree)
    blocks = converter.blocks(tree)
    raise_all(converter.errors)  # every bad block of the section, not only the first
    return blocks


#: Text made only of these has no inline Markdown and nothing the typographer would change
#: (no quotes, dashes, ellipses, brackets, escapes): it parses to itself.
_PLAIN_INLINE = re.compile(r"[^\W_]+(?:[ ,.;:/%-](?![.,-])[^\W_]*)*[.]?")


def parse_inline(text: str, path: Path, line: int | None = None) -> tuple[Inline, ...]:
    """Parse inline Markdown (emphasis, links, code) from a short text such as a timeline entry."""
    if _PLAIN_INLINE.fullmatch(text):
        return (Text(text),)
    tokens = markdown_parser().parseInline(text)
    converter = _Converter(path, line_offset=(line or 1) - 1)
    tokens = converter.within_depth(tokens)
    raise_all(converter.errors)
    tree = SyntaxTreeNode(tokens)
    return tuple(inline for node in tree.children for inline in converter.inlines(node))


def _top_level(tokens: list[Token]) -> list[list[Token]]:
    """The tokens grouped by top-level block: each group opens and closes at level 0."""
    groups: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    for token in tokens:
        current.append(token)
        depth += token.nesting
        if depth <= 0:
            groups.append(current)
            current, depth = [], 0
    if current:
        groups.append(current)
    return groups


#: A URL of any scheme (`http:`, `file:`, `ftp:`, `data:` …) or a protocol-relative `//host`.
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")

_UNKNOWN_NOTE_RE = re.compile(r"\[\^([^\]\s]+)\]")

FIGURE_ATTRS = {"caption", "credit", "width", "side", "level"}
_ONLY_ATTR_RE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
FIGURE_WIDTHS = ("column", "full", "inset")


class _Converter:
    def __init__(self, path: Path, line_offset: int = 0, root: Path | None = None,
                 line_map: tuple[int, ...] = (), lines: list[str] | None = None, box_kinds: tuple[str, ...] = ()):
        self.path = path
        self.box_kinds = box_kinds
        """The theme's own `:::` kinds, read by the catch-all container."""
        self.line_offset = line_offset
        self.root = root
        self.line_map = line_map
        self.lines = lines or []
        """The rendered text's lines: where a box's closing fence should be."""
        self.errors: list[BriefingError] = []
        """Problems of the blocks converted so far; a bad block is left out and the rest go on."""
        self.footnotes: dict[int, tuple[Inline, ...]] = {}
        """The text of each `[^id]: …` note of the file, by the footnote plugin's note number."""

    def source_line(self, rendered: int) -> int:
        if 0 < rendered <= len(self.line_map):
            return self.line_map[rendered - 1]
        return rendered

    def within_depth(self, tokens: list[Token]) -> list[Token]:
        """The tokens of the top-level blocks nested no deeper than MAX_DEPTH.

        A deeper block is refused at its line and left out before anything recurses
        into it; the blocks around it are converted as usual.
        """
        kept: list[Token] = []
        for block in _top_level(tokens):
            error = next(filter(None, map(self._depth_error, block)), None)
            if error is None:
                kept.extend(block)
            else:
                self.errors.append(error)
        return kept

    def _depth_error(self, token: Token) -> MarkdownError | None:
        if token.level > MAX_DEPTH:
            return MarkdownError(
                f"quotes, lists or boxes are nested too deeply (more than {MAX_DEPTH} levels of markup); flatten them",
                self.path, self._token_line(token))
        depth = 0
        for child in token.children or ():
            depth += child.nesting
            if depth >= MAX_DEPTH:
                return MarkdownError(
                    f"emphasis, links or strikethrough are nested more than {MAX_DEPTH} levels deep "
                    "(a long run of '*' or '_'?); escape them as \\* or simplify", self.path, self._token_line(token))
        return None

    def _token_line(self, token: Token) -> int | None:
        return self.source_line(token.map[0] + 1 + self.line_offset) if token.map else None

    # ---------------------------------------------------------------- blocks

    def read_footnotes(self, tree: SyntaxTreeNode) -> None:
        """The notes (`[^id]: text`) of the file, converted before the calls that print them."""
        for block in (n for n in tree.children if n.type == "footnote_block"):
            for note in block.children:
                paragraphs = [self._note_text(p) for p in note.children if p.type == "paragraph"]
                if len(paragraphs) != len(note.children):
                    raise MarkdownError(f"the note [^{note.meta['label']}] holds more than paragraphs; "
                                        "a note is text only", self.path, self._first_line(note))
                joined: list[Inline] = []
                for paragraph in paragraphs:
                    joined += [*([Text(" ")] if joined else []), *paragraph]
                self.footnotes[note.meta["id"]] = tuple(joined)

    def _note_text(self, paragraph: SyntaxTreeNode) -> tuple[Inline, ...]:
        inline = paragraph.children[0] if paragraph.children else None
        parts = [c for c in (inline.children if inline else ()) if c.type != "footnote_anchor"]
        return tuple(i for part in parts for i in self.inlines(part))

    def _first_line(self, node: SyntaxTreeNode) -> int | None:
        inner = next((c for c in node.children if c.map), None)
        return self.line(inner) if inner is not None else None

    def blocks(self, parent: SyntaxTreeNode) -> tuple[Block, ...]:
        result: list[Block] = []
        for node in parent.children:
            if node.type == "footnote_block":
                continue  # read by read_footnotes; each note prints at its calls
            try:
                result.append(self._block_builder(node)(self, node))
            except ErrorList as error:
                self.errors.extend(error.errors)
            except BriefingError as error:
                self.errors.append(error)
        return tuple(self._join_captions(result))

    def _join_captions(self, blocks: list[Block]) -> list[Block]:
        """Each table caption line joins the table right before it (Pandoc's place) or right after it."""
        result: list[Block] = []
        pending: Table | None = None
        for block in blocks:
            if pending is not None:
                if _is_bare_table(block):
                    result.append(_captioned(block, pending))  # type: ignore[arg-type]
                    pending = None
                    continue
                self._stray_caption(pending)
                pending = None
            elif _is_caption(block):
                if result and _is_bare_table(result[-1]):
                    result[-1] = _captioned(result[-1], block)  # type: ignore[arg-type]
                else:
                    pending = block  # type: ignore[assignment]
                continue
            result.append(block)
        if pending is not None:
            self._stray_caption(pending)
        return result

    def _stray_caption(self, caption: Table) -> None:
        self.errors.append(MarkdownError("a table caption (': …') must stand right after its table or right before it",
                                         self.path, caption.pos.line))

    def _block_builder(self, node: SyntaxTreeNode) -> Callable[["_Converter", SyntaxTreeNode], Block]:
        if node.type.startswith("container_"):
            return _Converter.callout
        builder = BLOCK_BUILDERS.get(node.type)
        if builder is None:
            raise MarkdownError(f"unsupported Markdown construct '{node.type}'", self.path, self.line(node))
        return builder

    def pos(self, node: SyntaxTreeNode) -> SourcePos:
        return SourcePos(self.path, self.line(node))

    def line(self, node: SyntaxTreeNode) -> int | None:
        return self.source_line(node.map[0] + 1 + self.line_offset) if node.map else None

    def heading(self, node: SyntaxTreeNode) -> Heading:
        level = int(node.tag[1])
        if level == 1:
            raise MarkdownError(
                "'#' headings are section titles and come from the front matter 'title:'; "
                "use '##' and '###' for headings inside a section",
                self.path,
                self.line(node),
            )
        children, label = _heading_label(self.inline_children(node))
        return Heading(min(level, 4), children, self.pos(node), label=label)

    def paragraph(self, node: SyntaxTreeNode) -> Block:
        inline = node.children[0] if node.children else None
        if inline is not None and inline.content.strip() == _NEWPAGE:
            return PageBreak(self.pos(node))
        if inline is not None and inline.content.startswith(": "):
            return self.caption(inline.content, self.line(node))
        parts = [c for c in (inline.children if inline else []) if not (c.type == "text" and not c.content.strip())]
        if len(parts) == 1 and parts[0].type == "image":
            return self.figure(parts[0], node)
        self._check_footnote_calls(node)
        return Paragraph(self.inline_children(node), self.pos(node))

    def _check_footnote_calls(self, node: SyntaxTreeNode) -> None:
        """`[^id]` with no `[^id]: …` note in the file stays text to markdown-it: an error here."""
        start, end = node.map if node.map else (0, 0)
        if not any("[^" in line for line in self.lines[start:end]):
            return
        node_text = "".join(c.content for c in node.walk() if c.type == "text")
        for offset, text in enumerate(self.lines[start:end]):
            for match in _UNKNOWN_NOTE_RE.finditer(text):
                if match.group(0) in node_text:
                    raise MarkdownError(f"footnote [^{match.group(1)}] has no note; add a line "
                                        f"'[^{match.group(1)}]: text of the note' to this file",
                                        self.path, self.source_line(start + offset + 1 + self.line_offset))

    def figure(self, image: SyntaxTreeNode, paragraph: SyntaxTreeNode) -> Figure:
        from .files import resolve_inside
        from .images import inspect

        line = self.line(paragraph)
        attrs = {k: str(v) for k, v in image.attrs.items() if k not in ("src", "alt", "title", "id", "class")}
        unknown = sorted(set(attrs) - FIGURE_ATTRS)
        if unknown:
            raise MarkdownError(f"unknown figure attribute '{unknown[0]}' (known: {', '.join(sorted(FIGURE_ATTRS))})", self.path, line)
        width = attrs.get("width", "column")
        if width not in FIGURE_WIDTHS:
            raise MarkdownError(f"figure width must be one of {', '.join(FIGURE_WIDTHS)}, not '{width}'", self.path, line)
        side = attrs.get("side", "right")
        if side not in ("right", "left"):
            raise MarkdownError(f"figure side must be right or left, not '{side}'", self.path, line)
        if self.root is None:
            raise MarkdownError("figures are not allowed here", self.path, line)
        src = str(image.attrs.get("src", ""))
        if _URL_RE.match(src):
            shown = src if len(src) <= 60 else src[:57] + "..."
            raise MarkdownError(f"image '{shown}' is a URL; briefs only use image files inside the brief folder "
                                "(save it under assets/)", self.path, line)
        path = resolve_inside(self.root, src, self.path, line)
        info = inspect(path, self.path, line)
        caption_text = attrs.get("caption") or str(image.attrs.get("title") or "")
        caption = parse_inline(caption_text, self.path, line) if caption_text.strip() else ()
        alt = "".join(child.content for child in image.children if child.type == "text") or caption_text
        level = attrs.get("level", "").strip().upper() or None
        label = self._label(image.attrs.get("id"), "fig", line)
        if label and not caption:
            raise MarkdownError(f"the figure labelled '#{label}' needs a caption (caption=\"…\"): "
                                "a reference to it points at its numbered caption", self.path, line)
        return Figure(path, alt, caption, attrs.get("credit"), width, side, (info.width, info.height),
                      SourcePos(self.path, line), level, label)

    def _label(self, value: object, prefix: str, line: int | None) -> str | None:
        """A `{#fig-x}` / `{#tbl-x}` label, which must carry its kind's prefix to be referred to."""
        if value is None:
            return None
        label = str(value)
        if not label.startswith(f"{prefix}-") or len(label) <= len(prefix) + 1:
            raise MarkdownError(f"the label '#{label}' must start with '{prefix}-' (e.g. {{#{prefix}-peta}}) "
                                f"so that @{prefix}-… refers to it", self.path, line)
        return label

    def bullet_list(self, node: SyntaxTreeNode) -> ListBlock:
        return ListBlock(False, 1, tuple(self.blocks(item) for item in node.children), self.pos(node))

    def ordered_list(self, node: SyntaxTreeNode) -> ListBlock:
        start = int(node.attrs.get("start", 1))
        return ListBlock(True, start, tuple(self.blocks(item) for item in node.children), self.pos(node))

    def blockquote(self, node: SyntaxTreeNode) -> Quote:
        return Quote(self.blocks(node), self.pos(node))

    def code(self, node: SyntaxTreeNode) -> CodeBlock:
        return CodeBlock(node.content.rstrip("\n"), self.pos(node))

    def rule(self, node: SyntaxTreeNode) -> Rule:
        return Rule(self.pos(node))

    def table(self, node: SyntaxTreeNode) -> Table:
        header: tuple[tuple[Inline, ...], ...] = ()
        rows: list[tuple[tuple[Inline, ...], ...]] = []
        aligns: tuple[str, ...] = ()
        caption = None
        for part in node.children:
            for index, row in enumerate(part.children):
                if part.type != "thead" and index == len(part.children) - 1:
                    caption = self._caption_row(row, node)
                    if caption is not None:  # `: Caption` right under the rows is read as a last row
                        break
                cells = tuple(self.inline_children(cell) for cell in row.children)
                if part.type == "thead":
                    header = cells
                    aligns = tuple(_cell_align(cell) for cell in row.children)
                else:
                    rows.append(cells)
        table = Table(header, tuple(rows), aligns, self.pos(node))
        return _captioned(table, caption) if caption is not None else table

    def _caption_row(self, row: SyntaxTreeNode, table: SyntaxTreeNode) -> Table | None:
        raws = [cell.children[0].content if cell.children else "" for cell in row.children]
        if not raws or not raws[0].startswith(": ") or any(r.strip() for r in raws[1:]):
            return None
        line = self.source_line(row.map[0] + 1 + self.line_offset) if row.map else self.line(table)
        return self.caption(raws[0], line)

    def caption(self, raw: str, line: int | None) -> Table:
        """A table caption line, as a table holding only the caption (joined to its table by `blocks`)."""
        match = _CAPTION_RE.fullmatch(raw)
        assert match is not None  # the line starts ': ', and the pattern accepts any text after it
        attrs = match.group("attrs") or ""
        label = next((a[1:] for a in attrs.split() if a.startswith("#")), None)
        values = {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _ONLY_ATTR_RE.finditer(attrs)}
        unknown = sorted(set(values) - {"source"})
        if unknown:
            raise MarkdownError(f"unknown table caption attribute '{unknown[0]}' (known: #tbl-…, source=\"…\")",
                                self.path, line)
        text = match.group("text")
        source = values.get("source")
        return Table((), (), (), SourcePos(self.path, line), parse_inline(text, self.path, line) if text else (),
                     self._label(label, "tbl", line), parse_inline(source, self.path, line) if source else ())

    def callout(self, node: SyntaxTreeNode) -> Block:
        kind = node.type.removeprefix("container_")
        if kind == _UNKNOWN_BOX:
            kind = node.info.strip().split(" ", 1)[0]
            if kind not in self.box_kinds:
                self._unknown_box(node)
        self._check_closed(node)
        if kind == "only":
            return self.restricted(node)
        title = node.info.strip()[len(kind) :].strip()
        if kind == "pagebreak":
            return PageBreak(self.pos(node))
        if kind == "keep":
            return Keep(self.blocks(node), self.pos(node))
        confidence = None
        if kind == "assessment":
            title, confidence = self._confidence(title, node)
        return Callout(kind, title, self.blocks(node), self.pos(node), confidence)

    def _confidence(self, title: str, node: SyntaxTreeNode) -> tuple[str, str | None]:
        """`::: assessment confidence=high Title`: the confidence, and the title without it."""
        match = re.search(r"\bconfidence\s*=\s*[\"']?(\w*)[\"']?", title)
        if match is None:
            return title, None
        value = match.group(1).lower()
        if value not in CONFIDENCE_LEVELS:
            raise MarkdownError(f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}, not '{match.group(1)}'",
                                self.path, self.line(node))
        return (title[:match.start()] + title[match.end():]).strip(), value

    def _unknown_box(self, node: SyntaxTreeNode) -> None:
        from difflib import get_close_matches

        name = node.info.strip().split(" ", 1)[0]
        kinds = [*BOX_KINDS, *self.box_kinds]
        known = ", ".join(kinds)
        if not name:
            raise MarkdownError(f"a ':::' line with no box open; a box starts '::: KIND' (one of {known})",
                                self.path, self.line(node))
        close = get_close_matches(name, kinds, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise MarkdownError(f"unknown box kind '{name}'; {hint}known kinds: {known}", self.path, self.line(node))

    def _check_closed(self, node: SyntaxTreeNode) -> None:
        """A box runs to its closing ':::' fence; without one it would swallow the rest of the section."""
        end = node.map[1] if node.map else len(self.lines)
        fence = _FENCE_RE.fullmatch(self.lines[end]) if end < len(self.lines) else None
        if fence is None or len(fence.group(1)) < len(node.markup):
            kind = node.info.strip().split(" ", 1)[0]
            raise MarkdownError(f"the '::: {kind}' box opened here is never closed; end it with a line "
                                f"'{node.markup}'", self.path, self.line(node))

    def restricted(self, node: SyntaxTreeNode) -> Restricted:
        """`::: only audience="analis pimpinan" level=TERBATAS`."""
        info = node.info.strip()[len("only"):]
        attrs = {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _ONLY_ATTR_RE.finditer(info)}
        unknown = sorted(set(attrs) - {"audience", "level"})
        if unknown or not attrs:
            raise MarkdownError(
                "write a restricted passage as ::: only audience=\"id id\" and/or level=NAME", self.path, self.line(node)
            )
        audiences = tuple(attrs.get("audience", "").replace(",", " ").split())
        level = attrs.get("level", "").strip().upper() or None
        return Restricted(audiences, level, self.blocks(node), self.pos(node))

    # ---------------------------------------------------------------- inlines

    def inline_children(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        result: list[Inline] = []
        for child in node.children:
            result.extend(self.inlines(child))
        return tuple(result)

    def inlines(self, node: SyntaxTreeNode) -> list[Inline]:
        if node.type == "inline":
            return list(self.inline_children(node))
        builder = INLINE_BUILDERS.get(node.type)
        if builder is None:
            raise MarkdownError(f"unsupported inline Markdown '{node.type}'", self.path, self._inline_line(node))
        return [builder(self, node)]

    def _inline_line(self, node: SyntaxTreeNode) -> int | None:
        while node is not None and not node.map:
            node = node.parent  # type: ignore[assignment]
        return self.line(node) if node is not None else None

    def crossref(self, node: SyntaxTreeNode) -> Inline:
        return CrossRef(node.meta["label"], SourcePos(self.path, self._own_line(node)), node.meta["prefix"])

    def citation(self, node: SyntaxTreeNode) -> Inline:
        return Citation(node.meta["items"], SourcePos(self.path, self._own_line(node)))

    def link(self, node: SyntaxTreeNode) -> Inline:
        return Link(str(node.attrs.get("href", "")), self.inline_children(node), SourcePos(self.path, self._own_line(node)))

    def _own_line(self, node: SyntaxTreeNode) -> int | None:
        """The line an inline starts on: its block's line plus the lines before it in the block."""
        block = node
        while block is not None and not block.map:
            block = block.parent  # type: ignore[assignment]
        if block is None:
            return None
        return self.source_line(block.map[0] + 1 + self.line_offset + node.meta.get("line_offset", 0))

    def footnote_ref(self, node: SyntaxTreeNode) -> Inline:
        label = str(node.meta["label"])
        pos = SourcePos(self.path, self._inline_line(node))
        return FootnoteRef(f"{self.path}#{label}", label, self.footnotes.get(node.meta["id"], ()), pos)

    def image(self, node: SyntaxTreeNode) -> Inline:
        raise MarkdownError(_unread_attributes(node) or
                            "an image must stand alone in its own paragraph (a blank line before and after it)",
                            self.path, self._inline_line(node))


def _unread_attributes(image: SyntaxTreeNode) -> str | None:
    """An image followed by `{key=value with spaces}`: attributes the parser could not read."""
    siblings = image.parent.children if image.parent is not None else []
    after = siblings[siblings.index(image) + 1:] if image in siblings else []
    text = after[0].content if after and after[0].type == "text" else ""
    match = re.match(r"\{([^}]*=[^}]*)\}?", text)
    if match is None:
        return None
    unquoted = re.search(r"(\w+)=([^\"'\s][^=]*?\s[^=]*?)(?=\s+\w+=|$)", match.group(1).strip())
    if unquoted is None:
        return f"the figure attributes {{{match.group(1)}}} could not be read: write them as key=\"value\""
    key, value = unquoted.group(1), unquoted.group(2).strip()
    return f"the figure attribute {key}={value} has spaces: put the value in quotes, {key}=\"{value}\""


BLOCK_BUILDERS: dict[str, Callable[[_Converter, SyntaxTreeNode], Block]] = {
    "heading": _Converter.heading,
    "paragraph": _Converter.paragraph,
    "bullet_list": _Converter.bullet_list,
    "ordered_list": _Converter.ordered_list,
    "blockquote": _Converter.blockquote,
    "fence": _Converter.code,
    "code_block": _Converter.code,
    "hr": _Converter.rule,
    "table": _Converter.table,
}

INLINE_BUILDERS: dict[str, Callable[[_Converter, SyntaxTreeNode], Inline]] = {
    "text": lambda _c, n: Text(n.content),
    "softbreak": lambda _c, _n: Text(" "),
    "hardbreak": lambda _c, _n: LineBreak(),
    "em": lambda c, n: Emph(c.inline_children(n)),
    "strong": lambda c, n: Strong(c.inline_children(n)),
    "s": lambda c, n: Strike(c.inline_children(n)),
    "code_inline": lambda _c, n: Code(n.content),
    "link": _Converter.link,
    "image": _Converter.image,
    "citation": _Converter.citation,
    "crossref": _Converter.crossref,
    "footnote_ref": _Converter.footnote_ref,
}


def _is_caption(block: Block) -> bool:
    """A caption line parsed on its own: a table with nothing but a caption."""
    return isinstance(block, Table) and not block.header and not block.rows


def _is_bare_table(block: Block) -> bool:
    return isinstance(block, Table) and bool(block.header) and not block.caption and block.label is None


def _captioned(table: Table, caption: Table) -> Table:
    from dataclasses import replace

    return replace(table, caption=caption.caption, label=caption.label, source=caption.source)


def _heading_label(children: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], str | None]:
    """`## Title {#sec-x}`: the heading's inlines without the label, and the label."""
    last = children[-1] if children else None
    match = _HEADING_LABEL_RE.search(last.text) if isinstance(last, Text) else None
    if match is None or not isinstance(last, Text):
        return children, None
    rest = last.text[:match.start()]
    return (*children[:-1], *((Text(rest),) if rest else ())), match.group(1)


def _cell_align(cell: SyntaxTreeNode) -> str:
    style = str(cell.attrs.get("style", ""))
    for align in ("center", "right"):
        if align in style:
            return align
    return "left"


def number_headings(blocks: tuple[Block, ...], section_number: str | None) -> tuple[Block, ...]:
    """Give level-2 and level-3 headings numbers like "2.1" and "2.1.3"."""
    if section_number is None:
        return blocks
    from dataclasses import replace

    counters = [0, 0]
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level in (2, 3):
            if block.level == 2:
                counters = [counters[0] + 1, 0]
                number = f"{section_number}.{counters[0]}"
            else:
                counters[1] += 1
                number = f"{section_number}.{max(counters[0], 1)}.{counters[1]}"
            result.append(replace(block, number=number))
        else:
            result.append(block)
    return tuple(result)
