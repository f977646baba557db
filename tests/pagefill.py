"""How much of each page's text block is empty, measured on the PDF.

The text block is the area inside the page margins (body and side column), found from
the running head's rule and the footer's rule. It is cut into cells of CELL points; a
cell is used when a character, an image or a filled box (a tinted box, the timeline,
the title band) touches it. The empty fraction of a page is its share of unused cells:
a full page of text scores a few per cent (ragged line ends, the gutter), a page whose
side column is empty about a third.

Run as a script to print the figures: python tests/pagefill.py FILE.pdf ...
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pdfplumber

CELL = 17.0  # 6 mm: more than a line's leading, so lines of text leave no empty rows
MARGIN_X = 20 * 72 / 25.4  # the default theme's side margins with a margin column (mm -> pt)
MARGIN_TOP, MARGIN_BOTTOM = 24 * 72 / 25.4, 22 * 72 / 25.4


def block(page: Any) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the text block, in pdfplumber's top-down coordinates."""
    return (MARGIN_X, MARGIN_TOP, float(page.width) - MARGIN_X, float(page.height) - MARGIN_BOTTOM)


def _boxes(page: Any) -> list[tuple[float, float, float, float]]:
    boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if c["text"].strip()]
    boxes += [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
    boxes += [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
              if r.get("fill") and r["width"] > 20 and r["height"] > 20]
    return boxes


def empty_fraction(page: Any) -> float:
    """The share of the text block's cells nothing touches."""
    x0, top, x1, bottom = block(page)
    columns, rows = int((x1 - x0) // CELL), int((bottom - top) // CELL)
    used = [[False] * columns for _ in range(rows)]
    for bx0, btop, bx1, bbottom in _boxes(page):
        first_col, last_col = max(0, int((bx0 - x0) // CELL)), min(columns - 1, int((bx1 - x0) // CELL))
        first_row, last_row = max(0, int((btop - top) // CELL)), min(rows - 1, int((bbottom - top) // CELL))
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                used[row][col] = True
    total = rows * columns
    return 1 - sum(map(sum, used)) / total


def empty_fractions(path: Path) -> list[float]:
    with pdfplumber.open(path) as pdf:
        return [empty_fraction(page) for page in pdf.pages]


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, " ".join(f"{f:.0%}" for f in empty_fractions(Path(name))))
