"""Numbered copies from one layout: the copy line in a slot of its own.

Copies of an edition differ only in their copy line ("Salinan 3 dari 12 — name"), printed
on the cover and at the head of every page. When the line fits one line in both places in
the bold face alone (no fallback font, no right-to-left text), it is drawn from two form
XObjects and a font subset of its own, six objects registered together; the pages only name
the forms, so every other object of the file is the same in every copy of the edition.

The first such copy is laid out in full and kept (`keep`); each next copy is its bytes with
those six objects written for its own line, the cross-reference table shifted and the /ID
recomputed (`stamped`): ~ms instead of a layout, and byte-identical to a full layout of that
copy (tests/test_copies_stamped.py). A line that does not fit is set as before: a paragraph
on the cover, which may wrap, and a line drawn in the head's font.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .. import i18n
from ..model import Document
from . import rl_compat
from .bidi import visual

COVER_FORM, HEAD_FORM = "BriefingCopyCover", "BriefingCopyHead"
#: The subset tag of the copy line's font (its own: the body's subsets are AAAAAA+, AAAAAB+, …).
TAG = "BRFCPY"
_NAMES = (f"FormXob.{COVER_FORM}", f"FormXob.{HEAD_FORM}", "BriefingCopyFont", "BriefingCopyDescriptor",
          "BriefingCopyFontFile", "BriefingCopyToUnicode")


def copy_text(document: Document) -> str | None:
    """The copy line of a numbered copy ("Salinan 3 dari 12 — name"), else None."""
    if document.printing.copy is None:
        return None
    number, total, name = document.printing.copy
    locale = i18n.Locale(document.manifest.language, tuple(document.manifest.labels.items()))
    return locale.label("copy_of").format(number=number, total=total, name=name)


@dataclass(frozen=True)
class CopyLine:
    """A copy line that has its slot: its text, the face and sizes it is set in."""

    text: str
    font: str
    cover_size: float
    head_size: float


def slot_line(text: str, font: str, cover_size: float, head_size: float, room: float) -> CopyLine | None:
    """*text* as a `CopyLine` when it fits *room* points on one line at both sizes in *font*
    alone, left to right; else None (the copy is set as before)."""
    text = text.replace("\u00a0", " ")
    face = rl_compat.truetype_face(font)
    if (face is None or visual(text) != text or sum(not _ascii(char) for char in set(text)) > len(_FREE_CODES)
            or not re.fullmatch(r"[A-Za-z0-9_.-]+", face.name.decode("latin-1"))
            or any(ord(char) not in face.charToGlyph for char in text)):
        return None
    width = sum(face.getCharWidth(ord(char)) for char in text) / 1000
    return CopyLine(text, font, cover_size, head_size) if width * max(cover_size, head_size) <= room else None


class CopySlot(Flowable):
    """The cover's copy line: one line of *leading* whatever the name (the slot), drawn from its form."""

    def __init__(self, holder: Holder, leading: float):
        super().__init__()
        self.holder, self.leading = holder, leading

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.leading

    def draw(self) -> None:
        canvas = self.canv
        self.holder.register(canvas)
        canvas.translate(0, self.leading - self.holder.line.cover_size)  # a one-line paragraph's baseline
        canvas.doForm(COVER_FORM)


def holder_for(text: str | None, cover: tuple[str, float, Color], head: tuple[str, float, Color],
               room: float) -> Holder | None:
    """The slot of copy line *text*, when it has one: the cover sets it in the bold of its
    font (name, size, colour), which must be the head's font (one subset serves both)."""
    if text is None or rl_compat.bold_of(cover[0]) != head[0]:
        return None
    line = slot_line(text, head[0], cover[1], head[1], room)
    return Holder(line, room, (cover[2], head[2])) if line is not None else None


def draw_head(canvas: Canvas, holder: Holder, x: float, y: float) -> None:
    """The head's copy line, centred on (*x*, *y*)."""
    holder.register(canvas)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(HEAD_FORM)
    canvas.restoreState()


class Holder:
    """The copy line of one layout: registers its objects with each PDF drawn (the first time
    a form is used) and notes their first object number and the signature before the line."""

    def __init__(self, line: CopyLine, room: float, colors: tuple[Color, Color]):
        self.line, self.room, self.colors = line, room, colors
        self.fills = ("", "")
        """The operators setting the cover's and the head's text colour, as the canvas writes them."""
        self.base = 0
        self.signature: Any = None
        self._bodies: list[bytes] = []

    def register(self, canvas: Canvas) -> None:
        if rl_compat.has_object(canvas, _NAMES[0]):
            return
        self.signature = None
        self.fills = (rl_compat.fill_operator(canvas, self.colors[0]), rl_compat.fill_operator(canvas, self.colors[1]))
        objects = [(name, rl_compat.RawObject(partial(self.body, index))) for index, name in enumerate(_NAMES)]
        self.base = rl_compat.add_objects(canvas, objects)

    def body(self, index: int, document: Any) -> bytes:
        if index == 0:  # the first of the six written: the /ID covers the line (nothing after it does)
            self.signature = rl_compat.sign_copy(document, self.line.text)
            self._bodies = bodies(self.line, self.base, self.fills)
        return self._bodies[index]


def bodies(line: CopyLine, base: int, fills: tuple[str, str]) -> list[bytes]:
    """The six objects' bodies for *line*, numbered from *base*: both forms, the font, its
    descriptor, program and ToUnicode map (codes from `_codes`, 0 for .notdef elsewhere)."""
    face = rl_compat.truetype_face(line.font)
    assert face is not None
    code_of = _codes(line.text)
    subset = [0] * (max([127, *code_of.values()]) + 1)
    for char, code in code_of.items():
        subset[code] = ord(char)
    codes = "".join(f"{code_of[char]:02X}" for char in line.text)
    width = sum(face.getCharWidth(ord(char)) for char in line.text) / 1000
    name = f"{TAG}+{face.name.decode('latin-1')}"
    forms = [_form(f"{fills[0]} BT /C {_n(line.cover_size)} Tf <{codes}> Tj ET", width * line.cover_size, 0.0,
                   line.cover_size, base),
             _form(f"{fills[1]} BT /C {_n(line.head_size)} Tf {_n(-width * line.head_size / 2)} 0 Td <{codes}> Tj ET",
                   width * line.head_size, -width * line.head_size / 2, line.head_size, base)]
    widths = " ".join(_n(face.getCharWidth(code)) for code in subset)
    font = (f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 /LastChar {len(subset) - 1} "
            f"/Widths [ {widths} ] /FontDescriptor {base + 3} 0 R /ToUnicode {base + 5} 0 R >>").encode()
    flags = (face.flags & ~32) | 4  # symbolic, as ReportLab marks its subsets
    descriptor = (f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [ {_n(*face.bbox)} ] "
                  f"/Ascent {_n(face.ascent)} /Descent {_n(face.descent)} /CapHeight {_n(face.capHeight)} "
                  f"/ItalicAngle {_n(face.italicAngle)} /StemV {_n(face.stemV)} /MissingWidth {_n(face.defaultWidth)} "
                  f"/FontFile2 {base + 4} 0 R >>").encode()
    program = face.makeSubset(subset)
    return [*forms, font, descriptor, _stream(program, Length1=len(program)),
            _stream(rl_compat.to_unicode_cmap(name, subset).encode("latin-1"))]


_FREE_CODES = (*range(1, 32), *range(128, 256))
"""The codes the other characters take, in order, as in ReportLab's first subset."""


def _ascii(char: str) -> bool:
    return 32 <= ord(char) < 127


def _codes(text: str) -> dict[str, int]:
    """The code of each character of the line's font: printable ASCII its own, as ReportLab
    lays out its first subset, the rest from `_FREE_CODES`. A printer's PostScript path drops
    the ToUnicode map and reads text off the codes, so "Salinan 3 dari 12" must stay readable
    there (cups-pdf; tests/test_printing.py)."""
    free = iter(_FREE_CODES)
    return {char: ord(char) if _ascii(char) else next(free) for char in dict.fromkeys(text)}


def _form(code: str, width: float, left: float, size: float, base: int) -> bytes:
    box = _n(left - size, -size, left + width + size, 1.2 * size)
    head = f"<< /Type /XObject /Subtype /Form /BBox [ {box} ] /Resources << /Font << /C {base + 2} 0 R >> >> "
    data = code.encode("latin-1")
    return f"{head}/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _stream(data: bytes, **entries: int) -> bytes:
    packed = zlib.compress(data)
    extra = "".join(f"/{key} {value} " for key, value in entries.items())
    return f"<< /Filter /FlateDecode /Length {len(packed)} {extra}>>\nstream\n".encode() + packed + b"\nendstream"


def _n(*values: float) -> str:
    return " ".join(f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value)) for value in values)


# ---------------------------------------------------------------------------- stamping


@dataclass
class _Master:
    """The PDF of the first copy set from its slot, split where the six objects are."""

    key: tuple[tuple[Any, ...], tuple[Any, ...]]
    rendered: Any
    """Its `RenderedPdf` (typed loosely: this module is imported by the one that defines it)."""
    line: CopyLine
    room: float
    fills: tuple[str, str]
    base: int
    start: int
    end: int
    xref: int
    offsets: list[int]
    signature: Any


_KEPT: list[_Master] = []


def _key(document: Document, made_with: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What a layout depends on but the copy line: the document's parts, the very objects
    (the copies of one build share them, `build.prepare_copy`; another build, even of equal
    text, may read changed images or fonts), held here so they cannot be freed; and its print
    settings and *made_with*, by value."""
    parts = tuple(getattr(document, f.name) for f in dataclasses.fields(document) if f.name != "printing")
    return parts, (dataclasses.replace(document.printing, copy=None), *made_with)


def _same(a: tuple[tuple[Any, ...], tuple[Any, ...]], b: tuple[tuple[Any, ...], tuple[Any, ...]]) -> bool:
    return len(a[0]) == len(b[0]) and all(x is y for x, y in zip(a[0], b[0])) and a[1] == b[1]


def keep(document: Document, rendered: Any, holder: Holder | None, made_with: tuple[Any, ...]) -> None:
    """Keep *rendered* (a copy's PDF) for stamping the next copies, when its line had the slot
    and its file splits as expected (a copy set without the slot keeps the one kept before)."""
    key = _key(document, made_with)
    if _KEPT and not _same(_KEPT[0].key, key):
        _KEPT.clear()
    if holder is None or not holder.base or holder.signature is None:
        return
    data = rendered.data
    xref = data.rindex(b"\nxref\n") + 1
    lines = data[xref:data.index(b"trailer", xref)].split(b"\n")[3:]
    offsets = [int(entry[:10]) for entry in lines if entry.endswith(b" n ")]
    count = len(_NAMES)
    if len(offsets) < holder.base + count - 1:
        return
    start = offsets[holder.base - 1]
    end = offsets[holder.base + count - 1] if len(offsets) > holder.base + count - 1 else xref
    master = _Master(key, rendered, holder.line, holder.room, holder.fills, holder.base, start, end, xref, offsets,
                     holder.signature)
    if _stamp(master, holder.line) == data:  # the split checks out: stamping the same line gives the file back
        _KEPT[:] = [master]


def forget() -> None:
    """Let the kept copy go (a build that is not a numbered copy)."""
    _KEPT.clear()


def stamped(document: Document, text: str, made_with: tuple[Any, ...]) -> Any:
    """The kept copy's PDF with *text* as its copy line, or None (lay this copy out in full)."""
    if not _KEPT or not _same(_KEPT[0].key, _key(document, made_with)):
        return None
    master = _KEPT[0]
    kept = master.line
    line = slot_line(text, kept.font, kept.cover_size, kept.head_size, master.room)
    if line is None:
        return None
    return dataclasses.replace(master.rendered, data=_stamp(master, line))


def _stamp(master: _Master, line: CopyLine) -> bytes:
    data, base = master.rendered.data, master.base
    written = [b"%d 0 obj\n" % (base + i) + body + b"\nendobj\n" for i, body in enumerate(bodies(line, base, master.fills))]
    objects = b"".join(written)
    shift = len(objects) - (master.end - master.start)
    offsets = list(master.offsets)
    at = master.start
    for index, chunk in enumerate(written):
        offsets[base - 1 + index] = at
        at += len(chunk)
    offsets[base - 1 + len(written):] = [offset + shift for offset in offsets[base - 1 + len(written):]]
    entries = [b"%010d 00000 n " % offset for offset in offsets]
    head = data[master.xref:data.index(b"\n", data.index(b"\n", master.xref) + 1) + 1]  # "xref\n0 N\n"
    trailer_at = data.index(b"trailer", master.xref)
    trailer = data[trailer_at:data.rindex(b"startxref")]
    trailer = rl_compat.with_file_id(trailer, rl_compat.copy_file_id(master.signature, line.text))
    xref = master.xref + shift
    return b"".join((data[:master.start], objects, data[master.end:master.xref], head, b"0000000000 65535 f \n",
                     b"\n".join(entries), b"\n", trailer, b"startxref\n%d\n%%%%EOF\n" % xref))
