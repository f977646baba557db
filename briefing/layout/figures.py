"""Figures on the page: the image, its caption and its credit as one flowable.

A figure never splits from its caption. It scales down to the width it is given and,
if still too tall, to a maximum height; it never shrinks to squeeze into the rest of
a page — it moves to the next one instead. A full-width figure spans the sidebar
column too: it tells the document which band of the page it covers, and the sidebar
flows around that band.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from ..images import ImageInfo, effective_dpi, prepare
from . import rl_compat
from .paragraphs import Paragraph


class PrintImage:
    """Prepared image bytes, named by their content so identical images embed once.

    Its PDF image object (the compressed pixel stream) is made once and kept, so a
    rebuild in the same process (`briefing watch`) neither decodes nor recompresses it;
    with *cache_dir* it is kept between processes too.
    """

    def __init__(self, data: bytes, cache_dir: Path | None = None, digest: str | None = None):
        self.data = data
        # (*digest*: the SHA-256 of *data* in hex, when the caller has it: a large brief's
        # photos are megabytes, hashed once)
        self.name = "img" + (digest or hashlib.sha256(data).hexdigest())[:24]
        self.cache_dir = cache_dir
        self._xobject: Any = None

    def xobject(self) -> Any:
        """A fresh image object for one document, copied from the one computed once."""
        if self._xobject is None:
            self._xobject = rl_compat.image_xobject(self.name, self.data, self.cache_dir)
        return copy.copy(self._xobject)  # each document registers its own copy


_PRINT_IMAGES: dict[str, PrintImage] = {}


def print_image(data: bytes, cache_dir: Path | None = None) -> PrintImage:
    """The PrintImage for *data*, reused across builds in this process."""
    key = hashlib.sha256(data).hexdigest()
    image = _PRINT_IMAGES.get(key)
    if image is None:
        if len(_PRINT_IMAGES) > 64:
            _PRINT_IMAGES.clear()
        image = _PRINT_IMAGES[key] = PrintImage(data, cache_dir, key)
    return image


def draw_print_image(canvas: Any, image: PrintImage, x: float, y: float, width: float, height: float) -> None:
    """Place *image*, registering its (cached) image object with this document once."""
    rl_compat.draw_xobject(canvas, image.name, image.xobject, x, y, width, height)


#: A small image prints at its pixel size at this resolution rather than enlarged to the column.
NATURAL_DPI = 150.0
#: A caption under a small image is at least this share of the column wide.
MIN_CAPTION_FRACTION = 0.35
#: A figure may print down to this share of its size to stay in its section (before the next
#: section's heading) or to save a near-empty last page; smaller, a map's 7-pt labels fall below 5 pt.
MIN_SCALE = 0.7


@dataclass
class Span:
    """Where a full-width figure really goes: the text block, in page coordinates."""

    x: float
    width: float


class FigureFlowable(Flowable):
    GAP = 4.0
    floats = True
    """When it does not fit below the text, it moves to the top of the next page and text fills in."""

    def __init__(self, image: PrintImage, pixels: tuple[int, int], caption: Paragraph | None,
                 credit: Paragraph | None, max_height: float, alt: str, span: Span | None = None,
                 natural_width: float = float("inf")):
        super().__init__()
        self.image = image
        self.natural_width = natural_width
        """Width at NATURAL_DPI: a small image is printed this size, never enlarged past it."""
        self.ratio = pixels[1] / pixels[0]
        self.caption = caption
        self.credit = credit
        self.max_height = max_height
        self.alt = alt
        self.span = span
        self.spaceBefore = 6
        self.spaceAfter = 10
        self.scale = 1.0
        """The share of its size it prints at (MIN_SCALE to 1): less when it must fit a gap."""

    def shrink_to(self, avail_width: float, height: float) -> bool:
        """Print at the largest scale, from its own down to MIN_SCALE, at which it fits in
        *height*; False (and its own scale kept) when even that is too tall."""
        own = self.scale
        while self.scale >= MIN_SCALE - 1e-9:
            if self.wrap(avail_width, height)[1] <= height:
                return True
            self.scale -= 0.05
        self.scale = own
        self.wrap(avail_width, height)
        return False

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        width = self.span.width if self.span else avail_width
        self.box_width = width
        self.image_width = min(width, self.natural_width)
        self.image_height = self.image_width * self.ratio
        if self.image_height > self.max_height:
            self.image_height = self.max_height
            self.image_width = self.image_height / self.ratio
        self.image_width *= self.scale
        self.image_height *= self.scale
        # caption and credit take the image's width (a height-capped or small image is narrower
        # than the block), but never less than a readable measure, centred under the image
        self.text_width = min(width, max(self.image_width, width * MIN_CAPTION_FRACTION))
        self.text_left = min(max(0.0, (width - self.text_width) / 2), width - self.text_width)
        self.caption_height = self.caption.wrap(self.text_width, 10_000)[1] if self.caption else 0.0
        self.credit_height = self.credit.wrap(self.text_width, 10_000)[1] if self.credit else 0.0
        text = self.caption_height + self.credit_height
        self.height = self.image_height + (self.GAP + text if text else 0.0)
        self.width = avail_width
        return avail_width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if self.span is not None:
            doc = rl_compat.doc_template(canvas)
            if doc is not None and hasattr(doc, "exclude_band"):
                doc.exclude_band(y - self.spaceAfter, y + self.height + self.spaceBefore)
            # the block of *this* page: on a verso page in duplex the margins are mirrored
            x = doc.page_geometry().block.x if doc is not None and hasattr(doc, "page_geometry") else self.span.x
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        canvas = self.canv
        left = (self.box_width - self.image_width) / 2
        top = self.height
        draw_print_image(canvas, self.image, left, top - self.image_height, self.image_width, self.image_height)
        y = top - self.image_height - self.GAP
        if self.caption:
            y -= self.caption_height
            self.caption.drawOn(canvas, self.text_left, y)
        if self.credit:
            y -= self.credit_height
            self.credit.drawOn(canvas, self.text_left, y)


def prepared_image(info: ImageInfo, placed_width: float, cache_dir: Any, grayscale: bool,
                   cmyk: bool = False) -> tuple[PrintImage, float]:
    """The print-ready image for *placed_width* points, and its effective dpi there."""
    image = print_image(prepare(info, placed_width, cache_dir, grayscale, cmyk), cache_dir)
    return image, effective_dpi(info, placed_width)
