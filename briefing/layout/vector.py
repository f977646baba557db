"""SVG logos as ReportLab drawings: vector shapes, drawn as paths, never rasterised.

svglib converts the SVG that `svg.read_svg` checked (no entities, no references outside
the file, no text) into a `Drawing`; the theme's grayscale or CMYK conversion is applied
to every colour as it is converted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from ..errors import ImageError
from ..svg import gradient_line, read_svg
from ..themes import Theme


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
    drawing = renderer.render(root)
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise ImageError("the logo SVG could not be drawn (no shapes of a size svglib can read); "
                         "save it again as plain SVG, or as a PNG and name that", path)
    drawing.initialFontName = font
    return drawing


def draw_drawing(canvas: Canvas, drawing: Drawing, x: float, y: float, width: float, height: float) -> None:
    """*drawing* scaled to fill the box at (*x*, *y*) of *width* × *height* points."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width / drawing.width, height / drawing.height)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.restoreState()


def _converter(theme: Theme) -> Callable[[Any], Any] | None:
    """svglib's colour converter: gray of the same lightness, or CMYK with grays in black ink only."""
    def convert(colour: Any) -> Any:
        if not isinstance(colour, colors.Color):
            return colour
        r, g, b = colour.red, colour.green, colour.blue
        if theme.grayscale:
            luma = 0.299 * r + 0.587 * g + 0.114 * b
            return colors.Color(luma, luma, luma, alpha=colour.alpha)
        if theme.cmyk:
            k = 1 - max(r, g, b)
            c = m = y = 0.0
            if max(r, g, b) - min(r, g, b) >= 0.02 and k < 1:
                c, m, y = ((1 - channel - k) / (1 - k) for channel in (r, g, b))
            return colors.CMYKColor(c, m, y, k, alpha=colour.alpha)
        return colour

    return convert if theme.grayscale or theme.cmyk else None
