"""Paper sizes, in points, for the layout and the printer alike (a leaf: imports nothing of ours).

The units are written as ReportLab defines them (`inch`, `cm = inch / 2.54`, `mm = cm * 0.1`),
so these sizes are the very floats of `reportlab.lib.pagesizes`.
"""

INCH = 72.0
MM = INCH / 2.54 * 0.1

#: The papers a manifest, an audience or `--paper` may name, as (width, height) portrait.
SIZES: dict[str, tuple[float, float]] = {
    "A4": (210 * MM, 297 * MM),
    "Letter": (8.5 * INCH, 11 * INCH),
    "Legal": (8.5 * INCH, 14 * INCH),
    "A5": (148 * MM, 210 * MM),
    "F4": (215 * MM, 330 * MM),
}
PAPERS = tuple(SIZES)

#: The sheet a Letter edition is folded from as a booklet (half of Letter's landscape sheet).
HALF_LETTER = (5.5 * INCH, 8.5 * INCH)


def size_mm(paper: str) -> tuple[float, float]:
    """(width, height) of *paper* (or "HalfLetter") in millimetres, as printers name media."""
    width, height = HALF_LETTER if paper == "HalfLetter" else SIZES[paper]
    return width / MM, height / MM
