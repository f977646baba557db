"""Paragraphs whose markup is turned into fragments without ReportLab's HTML parser.

ReportLab parses every paragraph's markup with an `html.parser`-based parser: about
70 µs for a paragraph with a few tags, a tenth of a large build. Our markup is a
small, well-formed subset written by `markup.py` alone, and the same few tag
contexts repeat in every paragraph. So the markup is split at its tags and entities
with one regular expression, and each run of text is a copy of a *prototype*
fragment that ReportLab's own parser made once for that tag context (and style).
The fragments are the ones the parser would make, attribute for attribute — tests
compare them, and whole documents built both ways, byte for byte. Markup outside
the subset (a processing instruction, a comment, an unbalanced tag) is left to
ReportLab's parser.
"""

from __future__ import annotations

import html
import re
import weakref
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph as _RLParagraph

from . import rl_compat
from .hyphenation import Hyphenator, call_of, unwanted_break
from .rl_compat import copy_fragment as _copy

#: Set to False to have every paragraph parsed by ReportLab (tests compare the two).
ENABLED = True
#: Line breakings of one paragraph at most, however many breaks its hyphenation rules refuse
#: (a bound for pathological paragraphs: the default brief's need 1 to 6).
MAX_PASSES = 64

_TOKEN = re.compile(r"<[^<>]*>|&(?:#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")
_OPEN = re.compile(r"<([a-z]+)(?:\s[^<>]*)?>$")
_CLOSE = re.compile(r"</([a-z]+)>$")
_SELF_CLOSING = re.compile(r"<[a-z]+(?:\s[^<>]*)?/>$")
_HREF = re.compile(r'<a href="([^"<>]*)"((?: color="[^"<>]*")?)>$')
_ANCHOR = re.compile(r'<a name="([A-Za-z0-9_.:-]+)"/>$')
_UNSAFE = re.compile(r"<[!?]|<para[\s>]|<(?:img|onDraw|ondraw|index|seq|seqreset|seqdefault|seqchain|seqformat|bullet|span|"
                     r"greek|unichar|tt|u|sub|sup|ol|ul|li)[\s/>]")

_prototypes: "weakref.WeakKeyDictionary[ParagraphStyle, dict[tuple[str, ...], list[Any] | None]]" = \
    weakref.WeakKeyDictionary()


#: The height a borrowed paragraph is broken again at (line breaking depends on the width alone).
_ANY_HEIGHT = 1e6
#: The lending of line breaks between layouts in progress in this thread (`lending`), if any.
_lender: ContextVar[LineLender | None] = ContextVar("line_lender", default=None)

#: Widths closer than this (points) are one width: a billionth of a point, far below what
#: a PDF coordinate records (four decimals) or a line's fit could notice.
SAME_WIDTH = 1e-9


class Paragraph(_RLParagraph):
    """`reportlab.platypus.Paragraph`, with our markup turned into fragments directly."""

    frags: list[Any]

    def __init__(self, text: str | None, style: ParagraphStyle | None = None, bulletText: Any = None,
                 frags: list[Any] | None = None, **kwargs: Any):
        key = (type(self), text, style, bulletText) if frags is None and not kwargs else None
        if frags is None and ENABLED and style is not None and text is not None:
            parsed = _parse(text, style)
            if parsed is not None:
                text, frags = parsed
        super().__init__(text, style, bulletText, frags, **kwargs)
        self._wrapped: tuple[float, float, float] | None = None
        self._refused: tuple[Any, frozenset[int]] = (None, frozenset())
        """Hyphenator calls answered with no break, and the line widths they apply to."""
        self._calls: list[str] = []
        self._breaks = 0
        """How many times the paragraph was broken into lines (borrowed lines count as one)."""
        self._split_tried = False
        self._own_frags: list[Any] | None = None
        """Its fragments as made, while it sets borrowed lines (`LineLender`)."""
        self._borrowed_at = 0.0
        """The width it was first asked for, when it borrowed lines for it."""
        self.line_key = key
        """What another paragraph must share to borrow its lines (`LineLender`); None: nothing."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lines depend on the width alone: asked again at the same width (keep-with-next,
        then the float check, then the frame), the paragraph answers without re-breaking.

        "The same" allows for rounding: the frame and the page geometry compute a column's
        width by different sums (235.27559055118112 and …115 pt), which had 40 % of the
        large brief's paragraphs broken into lines twice.
        """
        memo = self._wrapped
        if (memo is not None and abs(memo[0] - availWidth) <= SAME_WIDTH and memo[2] == self.height
                and rl_compat.has_lines(self)):
            return self.width, self.height
        if self._own_frags is not None:  # borrowed lines, another width: first become what breaking would have made
            self._break_own()
        elif self._breaks == 0 and not self._split_tried and self._borrow(availWidth):  # a split takes lines apart
            return self.width, self.height
        return self._break(availWidth, availHeight)

    def _break(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._breaks += 1
        width, height = super().wrap(availWidth, availHeight)
        # a width with no room for a letter sets no lines and no height: nothing to reuse
        self._wrapped = (availWidth, width, height) if hasattr(self, "height") else None
        return width, height

    def breakLines(self, width: Any) -> Any:  # noqa: N802 (ReportLab's name)
        """ReportLab's line breaking, again without each word break the hyphenation rules
        do not want (one at a time, first line first: a refused break moves the lines after it)."""
        hyphenate = self.style.hyphenationLang
        if not isinstance(hyphenate, Hyphenator):
            return super().breakLines(width)
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        key, refused = self._refused
        if key != widths:
            refused = frozenset()
        justified = self.style.alignment == TA_JUSTIFY
        # the first part of a split paragraph does not end the paragraph: its lines stay as planned
        whole = not rl_compat.is_first_part(self)
        kept: frozenset[int] = frozenset()
        trial: tuple[int, int, frozenset[int]] | None = None  # (line count, line, refused) before a trial
        for _ in range(MAX_PASSES):
            self.frags = rl_compat.mend_compounds(self.frags)
            with hyphenate.session(refused) as calls:
                lines = super().breakLines(width)
            rl_compat.use_lines(self, lines)
            if trial is not None and len(lines.lines) > trial[0]:  # that break saves a line: keep it
                kept, refused, trial = kept | {trial[1]}, trial[2], None
                continue
            trial = None
            breaks = rl_compat.line_breaks(self, widths)
            found = unwanted_break(breaks, whole, justified, hyphenate.rules, kept)
            index = None if found is None else call_of(breaks, found[0], calls, refused)
            if found is None or index is None:
                break
            if found[1]:
                trial = (len(lines.lines), found[0].line, refused)
            refused |= {index}
        self._refused, self._calls = (widths, refused), calls
        if justified:
            rl_compat.cap_word_gaps(self, hyphenate.rules.gap_ceiling)
        return lines

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """ReportLab's split, never leaving a broken word at the foot of a page or column:
        the break is refused and the paragraph broken again before it is split."""
        self._split_tried = True
        if self._own_frags is not None:  # ReportLab's split takes the lines apart: they must be its own
            self._break_own()
        hyphenate = self.style.hyphenationLang
        if not isinstance(hyphenate, Hyphenator):
            return self._refusable_split(availWidth, availHeight)
        # read before the split: ReportLab's split marks the broken word in place as a last-line word
        frags, breaks = rl_compat.kept_frags(self), self._word_breaks()
        parts = self._refusable_split(availWidth, availHeight)
        while len(parts) == 2:
            widths, refused = self._refused
            last = rl_compat.line_count(parts[0]) - 1
            target = next((b for b in breaks if b.line == last), None)
            index = None if target is None else call_of(breaks, target, self._calls, refused)
            if index is None:
                break
            self._refused = (widths, refused | {index})
            self._wrapped = None
            rl_compat.restore_frags(self, frags)  # as they were, so the refused break can be undone
            self.wrap(availWidth, availHeight)
            frags, breaks = rl_compat.kept_frags(self), self._word_breaks()
            parts = self._refusable_split(availWidth, availHeight)
        return parts

    def _refusable_split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        """ReportLab's split; when it refuses (no room for the lines it must keep together), the
        paragraph keeps its lines, which ReportLab drops unchanged: the next column asks for the
        same width, and breaking them again there cost ~4 % of a large brief's line breakings."""
        wrapped = rl_compat.wrap_state(self) if rl_compat.has_lines(self) else None
        parts: list[Any] = super().split(availWidth, availHeight)
        if not parts and wrapped is not None and not rl_compat.has_lines(self):
            rl_compat.use_wrap_state(self, wrapped)  # (of which only the lines went)
        return parts

    def _borrow(self, width: float) -> bool:
        """Take the lines of the same paragraph broken at *width* in the layout before, if any."""
        lender = _lender.get()
        lines = None if lender is None else lender.lend(self, width)
        if lines is None:
            return False
        self._own_frags, self._borrowed_at = self.frags, width
        rl_compat.use_wrap_state(self, lines.state)
        self._wrapped, self._refused, self._calls = lines.wrapped, lines.refused, lines.calls
        self._breaks = 1
        return True

    def _break_own(self) -> None:
        """Give back borrowed lines and break the paragraph's own fragments at that width, as
        the first wrap would have: it is then exactly the paragraph that never borrowed."""
        assert self._own_frags is not None
        self.frags, self._own_frags = self._own_frags, None
        self._wrapped, self._refused, self._calls, self._breaks = None, (None, frozenset()), [], 0
        rl_compat.forget_lines(self)
        self._break(self._borrowed_at, _ANY_HEIGHT)

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 (ReportLab's name)
        super().drawOn(canvas, x, y, _sW)
        lender = _lender.get()
        if lender is not None and lender.keeping:
            lines = self._lines()
            if lines is not None:
                lender.drawn.append(lines)

    def _lines(self) -> _Lines | None:
        """Its lines to lend, if it was broken once, never split, and still has them; else None."""
        memo = self._wrapped
        if (self.line_key is None or self._breaks != 1 or self._split_tried or memo is None
                or not rl_compat.has_lines(self) or memo[2] != self.height or getattr(self, "continued_text", "")):
            return None
        return _Lines(self.line_key, rl_compat.wrap_state(self), memo, self._refused, self._calls,
                      getattr(self, "tag_node", None) is not None, getattr(self, "source_text", ""))

    def _word_breaks(self) -> list[Any]:
        return rl_compat.line_breaks(self, self._refused[0]) if rl_compat.has_lines(self) else []


@dataclass(frozen=True)
class _Lines:
    """What a wrap left on a drawn paragraph, to be lent: its lines, fragments and sizes."""

    key: Any
    state: dict[str, Any]
    wrapped: tuple[float, float, float]
    refused: tuple[Any, frozenset[int]]
    calls: list[str]
    tagged: bool
    source_text: str


class LineLender:
    """The line breaks of one layout's paragraphs, lent to the same paragraphs of the next.

    A pulled-in layout (figures smaller, sources closer) or a page-reference layout sets
    nearly every paragraph again, most at the width it had before: line breaking is the
    largest part of a layout. A paragraph drawn whole, broken once, lends its lines: a new
    paragraph of the same markup, style object and bullet, asked first for that width,
    takes them instead of breaking its own. Drawing changes lines only by marking their
    ends for tagging, once and alike for both, so borrower and lender must be tagged alike
    and know the same text. Anything else asked of a borrower (another width, a split)
    first breaks its own, untouched fragments at the borrowed width, as its first wrap
    would have: the layout is the same with or without lending.
    """

    def __init__(self) -> None:
        self.drawn: list[_Lines] = []
        """The lines of the paragraphs drawn in the current layout, to lend to the next
        (each adds its own when drawn whole after one line breaking)."""
        self.keeping = True
        """Whether the current layout keeps its lines (False: it lends none to the next)."""
        self._lent: dict[Any, list[_Lines]] = {}

    def next_layout(self) -> None:
        """The layout is done: what it drew lends to the next (what the one before drew is let go)."""
        lent: dict[Any, list[_Lines]] = {}
        for lines in self.drawn:
            lent.setdefault(lines.key, []).append(lines)
        self._lent, self.drawn = lent, []

    def release(self) -> None:
        """No layout follows the current one: keep nothing to lend."""
        self._lent, self.drawn, self.keeping = {}, [], False

    def lend(self, borrower: Paragraph, width: float) -> _Lines | None:
        """Lines of a paragraph like *borrower* broken at *width* in the layout before (lent once), or None."""
        candidates = self._lent.get(borrower.line_key)
        if not candidates or getattr(borrower, "continued_text", None):
            return None
        tagged, source = getattr(borrower, "tag_node", None) is not None, getattr(borrower, "source_text", "")
        for index, lines in enumerate(candidates):
            if abs(lines.wrapped[0] - width) <= SAME_WIDTH and lines.tagged == tagged and lines.source_text == source:
                return candidates.pop(index)
        return None


@contextmanager
def lending(lender: LineLender | None) -> Iterator[None]:
    """Paragraphs drawn and wrapped inside take part in *lender*'s lending (None: none does)."""
    token = _lender.set(lender)
    try:
        yield
    finally:
        _lender.reset(token)


def fragments(markup: str, style: ParagraphStyle) -> list[Any] | None:
    """The fragments ReportLab's parser would make of *markup*, or None to let it parse."""
    parsed = _parse(markup, style)
    return None if parsed is None else parsed[1]


def _parse(markup: str, style: ParagraphStyle) -> tuple[str, list[Any]] | None:
    """(the markup as Paragraph cleans it, its fragments), or None to let ReportLab parse."""
    if _UNSAFE.search(markup):
        return None
    text = rl_compat.clean_text(markup)
    cache = _prototypes.get(style)
    if cache is None:
        cache = _prototypes[style] = {}
    if "<" in text or "&" in text:
        out = _tokens(text, _Context(cache, style))
        if out is None:
            return None
    else:  # plain text: one fragment
        prototype = _prototype(cache, (), style)
        if prototype is None:
            return None
        out = [_copy(prototype[0], text)]
    if style.textTransform:
        rl_compat.transform_text(out, style)
    return text, out


def _tokens(text: str, context: _Context) -> list[Any] | None:
    out: list[Any] = []
    position = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.start() > position:
            out.append(context.run(text[position:match.start()]))
        position = match.end()
        if token[0] == "&":
            char = _entity(token)
            if char is None:
                return None
            out.append(context.run(char))
        elif token[1] == "/":
            closing = _CLOSE.match(token)
            if not closing or not context.close(closing.group(1)):
                return None
        elif token[-2] == "/":
            frags = context.self_closing(token) if _SELF_CLOSING.match(token) else None
            if frags is None:
                return None
            out.extend(frags)
        elif not _OPEN.match(token) or not context.open(token):
            return None
    if context.key:
        return None
    if position < len(text):
        out.append(context.run(text[position:]))
    return None if None in out else out


class _Context:
    """The open tags at a point of a paragraph, and the numbers ReportLab's parser gives
    to links and underline/strike lines in the order they open (a prototype numbers its
    own from zero)."""

    def __init__(self, cache: dict[tuple[str, ...], list[Any] | None], style: ParagraphStyle):
        self.cache = cache
        self.style = style
        self.key: tuple[str, ...] = ()
        self.links: list[int] = []
        self.targets: list[str] = []
        self.lines: list[int] = []
        self.added: list[tuple[int, int]] = []
        self.next_link = self.next_line = 0

    def open(self, tag: str) -> bool:
        href = _HREF.match(tag)  # one prototype serves every link target
        if href and not href.group(1).strip():
            return False
        if href:
            tag = f'<a href="#"{href.group(2)}>'
        before = _prototype(self.cache, self.key, self.style)
        after = _prototype(self.cache, (*self.key, tag), self.style)
        if before is None or after is None:
            return False
        links = len(after[0].link) - len(before[0].link)
        lines = len(after[0].us_lines) - len(before[0].us_lines)
        if href and links != 1:
            return False
        if links:
            self.links += range(self.next_link, self.next_link + links)
            self.targets += [html.unescape(href.group(1)).strip()] if href else [target for _, target in after[0].link[-links:]]
            self.next_link += links
        if lines:
            self.lines += range(self.next_line, self.next_line + lines)
            self.next_line += lines
        self.key = (*self.key, tag)
        self.added.append((links, lines))
        return True

    def close(self, name: str) -> bool:
        if not self.key or _tag_name(self.key[-1]) != name:
            return False
        self.key = self.key[:-1]
        links, lines = self.added.pop()
        del self.links[len(self.links) - links:]
        del self.targets[len(self.targets) - links:]
        del self.lines[len(self.lines) - lines:]
        return True

    def run(self, text: str) -> Any:
        prototype = _prototype(self.cache, self.key, self.style)
        return None if prototype is None else self._renumber(_copy(prototype[0], text))

    def self_closing(self, tag: str) -> list[Any] | None:
        anchor = _ANCHOR.match(tag)  # one prototype serves every anchor name
        frags = _prototype(self.cache, (*self.key, '<a name="_"/>' if anchor else tag), self.style)
        if frags is None:
            return None
        copies = [self._renumber(_copy(frag, frag.text)) for frag in frags]
        if anchor:
            for frag in copies:
                rl_compat.rename_anchor(frag, anchor.group(1))
        return copies

    def _renumber(self, frag: Any) -> Any:
        if frag.link:
            frag.link = list(zip(self.links, self.targets))
        if frag.us_lines and [line[0] for line in frag.us_lines] != self.lines:
            frag.us_lines = [(n, *line[1:]) for n, line in zip(self.lines, frag.us_lines)]
        return frag


def _prototype(cache: dict[tuple[str, ...], list[Any] | None], key: tuple[str, ...],
               style: ParagraphStyle) -> list[Any] | None:
    """What ReportLab's parser makes of the tags *key* around a one-letter text (or of the
    self-closing tag that ends *key*), once per style; None if that is not one fragment."""
    if key in cache:
        return cache[key]
    opening = [tag for tag in key if not tag.endswith("/>")]
    closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(opening))
    self_closing = key[-1] if key and key[-1].endswith("/>") else ""
    frags = rl_compat.parse_fragments("".join(opening) + (self_closing or "x") + closing, style)
    if frags is not None and not self_closing and not (len(frags) == 1 and frags[0].text == "x"):
        frags = None
    cache[key] = frags
    return frags


def _tag_name(tag: str) -> str:
    return re.match(r"</?([a-z]+)", tag).group(1)  # type: ignore[union-attr]


def _entity(token: str) -> str | None:
    name = token[1:-1]
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return rl_compat.entity(name)
