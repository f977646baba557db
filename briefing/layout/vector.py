"""SVG logos as ReportLab drawings: vector shapes, drawn as paths, never rasterised.

svglib converts the SVG that `svg.read_svg` checked (no entities, no references outside
the file, no text) into a `Drawing`; the theme's grayscale or CMYK conversion is applied
to every colour as it is converted.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from ..errors import ImageError
from ..svg import gradient_line, read_svg
from ..themes import Theme, cmyk_inks, luma


def svg_drawing(path: Path, theme: Theme, font: str, pdf_a: bool) -> Drawing:
    """The logo at *path* as a drawing, in the theme's colour model.

    *font* is a font the page uses anyway: ReportLab's renderer sets a font before drawing
    even with no text, and its default would be an unembedded Helvetica. A gradient is
    refused in a PDF/A edition (*pdf_a*), which cannot carry shadings.
    """
    from svglib.svglib import SvgRenderer

    root = read_svg(path)
    line = gradient_line(root) if pdf_a else None
    if line is not None:
        raise ImageError("the logo SVG has a gradient, which a PDF/A edition cannot carry: fill its shapes with "
                         "flat colours, or build this edition without PDF/A (pdf_standard)", path, line)
    renderer = SvgRenderer(str(path), color_converter=_converter(theme), external_reference_root=str(path.parent))
    with _svglib_complaints() as complaints:
        drawing = renderer.render(root)
    if complaints:
        raise ImageError(f"the logo SVG cannot be drawn as written ({complaints[0]}): fix that in your editor, "
                         "or save the logo as a PNG and name that", path)
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise ImageError("the logo SVG could not be drawn (no shapes of a size svglib can read); "
                         "save it again as plain SVG, or as a PNG and name that", path)
    drawing.initialFontName = font
    return drawing


@contextmanager
def _svglib_complaints() -> Iterator[list[str]]:
    """svglib's warnings while it converts (a colour or unit it cannot read, a `<use>` it skips):
    each means part of the logo would be drawn wrong or left out, so the caller refuses the logo."""
    complaints: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            complaints.append(record.getMessage())

    logger, handler = logging.getLogger("svglib"), Collect(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield complaints
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def draw_drawing(canvas: Canvas, drawing: Drawing, x: float, y: float, width: float, height: float) -> None:
    """*drawing* scaled to fill the box at (*x*, *y*) of *width* × *height* points."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width / drawing.width, height / drawing.height)
    if _overflows(drawing):  # clipped to its box, as a browser clips an SVG to its viewport
        box = canvas.beginPath()
        box.rect(0, 0, drawing.width, drawing.height)
        canvas.clipPath(box, stroke=0, fill=0)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.restoreState()


def _overflows(drawing: Drawing) -> bool:
    """Whether a shape reaches outside the drawing's box (one an editor left off the canvas)."""
    x0, y0, x1, y1 = (float(edge) for edge in drawing.getBounds())
    return x0 < 0 or y0 < 0 or x1 > drawing.width or y1 > drawing.height


def _converter(theme: Theme) -> Callable[[Any], Any] | None:
    """svglib's colour converter: the theme's own conversion (`themes.luma`, `themes.cmyk_inks`)."""
    def convert(colour: Any) -> Any:
        if not isinstance(colour, colors.Color):
            return colour
        rgb = colour.red, colour.green, colour.blue
        if theme.grayscale:
            level = luma(*rgb)
            return colors.Color(level, level, level, alpha=colour.alpha)
        if theme.cmyk:
            return colors.CMYKColor(*cmyk_inks(*rgb), alpha=colour.alpha)
        return colour

    return convert if theme.grayscale or theme.cmyk else None
