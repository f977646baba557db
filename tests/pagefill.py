"""How much of each page's text block is empty, measured on the PDF.

The text block is the area inside the page margins (body and side column), found from
the footer's rule. It is cut into cells of CELL points; a
cell is used when a line of text, an image or a filled box (a tinted box, the timeline,
the title band) touches it. A line of text takes its column's measure: its ragged end
(a paragraph's last line, a heading, a list item) is part of the text, not empty block.
The measure of a line is the widest line starting where it starts within MEASURE_REACH
above or below it, so a column that ends short, an empty side column or a gap around a
float stay empty. The empty fraction of a page is its share of unused cells: a full page
of text scores a few per cent (the gutter, the space between paragraphs), a page whose
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
FOOTER_RULE = 4 * 72 / 25.4  # the footer's rule is this far below the text block


def block(page: Any) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the text block, in pdfplumber's top-down coordinates: across
    the footer's rule (on every page, recto and verso, any paper) and above it by the room
    the footer takes; without such a rule, inside the default theme's A4 margins."""
    rules = [line for line in page.lines if line["x1"] - line["x0"] > page.width / 2 and line["top"] > page.height * 0.8]
    if not rules:
        return (MARGIN_X, MARGIN_TOP, float(page.width) - MARGIN_X, float(page.height) - MARGIN_BOTTOM)
    foot = max(rules, key=lambda line: line["top"])
    return (float(foot["x0"]), MARGIN_TOP, float(foot["x1"]), float(foot["top"]) - FOOTER_RULE)


#: Words on one baseline further apart than this are in different columns (a word space is
#: ~3 pt, the narrowest gutter 14 pt).
COLUMN_GAP = 10.0
#: How far up and down (points) the lines that give a line its measure may be.
MEASURE_REACH = 60.0


def text_lines(page: Any) -> list[tuple[float, float, float, float]]:
    """(x0, top, x1, bottom) of every run of words on one baseline within one column."""
    lines: list[list[float]] = []
    for word in sorted(page.extract_words(), key=lambda w: (round(w["top"]), w["x0"])):
        last = lines[-1] if lines else None
        if last and abs(word["top"] - last[1]) < 2 and word["x0"] - last[2] < COLUMN_GAP:
            last[2], last[3] = max(last[2], word["x1"]), max(last[3], word["bottom"])
        else:
            lines.append([word["x0"], word["top"], word["x1"], word["bottom"]])
    return [(x0, top, x1, bottom) for x0, top, x1, bottom in lines]


def measured_lines(page: Any) -> list[tuple[float, float, float, float]]:
    """Each text line widened to its measure: the widest line that starts where it starts
    (within a point) and lies within MEASURE_REACH of it."""
    lines = text_lines(page)
    return [(x0, top, max(x1 for ox0, otop, x1, _ in lines if abs(ox0 - x0) < 1 and abs(otop - top) <= MEASURE_REACH),
             bottom) for x0, top, _, bottom in lines]


def _boxes(page: Any) -> list[tuple[float, float, float, float]]:
    boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if c["text"].strip()]
    boxes += measured_lines(page)
    boxes += [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
    boxes += [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
              if r.get("fill") and r["width"] > 20 and r["height"] > 20]
    return boxes


def used_cells(page: Any) -> list[list[bool]]:
    """The text block's grid of cells, row by row from the top: True where something is printed."""
    x0, top, x1, bottom = block(page)
    columns, rows = int((x1 - x0) // CELL), int((bottom - top) // CELL)
    used = [[False] * columns for _ in range(rows)]
    for bx0, btop, bx1, bbottom in _boxes(page):
        first_col, last_col = max(0, int((bx0 - x0) // CELL)), min(columns - 1, int((bx1 - x0) // CELL))
        first_row, last_row = max(0, int((btop - top) // CELL)), min(rows - 1, int((bbottom - top) // CELL))
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                used[row][col] = True
    return used


def empty_fraction(page: Any) -> float:
    """The share of the text block's cells nothing touches."""
    used = used_cells(page)
    return 1 - sum(map(sum, used)) / (len(used) * len(used[0]))


#: An empty area is a hole when it is at least this many cells high and wide (51 pt: more than
#: three lines of text, and more than a heading's or a short last line's ragged end).
HOLE = 3


def hole_fraction(page: Any) -> float:
    """The share of the text block in holes: empty cells with at least HOLE empty cells in a
    row across and in a column down through them. What a reader sees as white left over (an
    empty side column, a column ending short, a gap around a float), not the white at the
    ragged end of short lines, headings and list items, which `empty_fraction` also counts."""
    used = used_cells(page)
    rows, columns = len(used), len(used[0])

    def runs(line: list[bool]) -> list[bool]:
        out, start = [False] * len(line), 0
        for end in range(len(line) + 1):
            if end == len(line) or line[end]:
                if end - start >= HOLE:
                    out[start:end] = [True] * (end - start)
                start = end + 1
        return out

    across = [runs(row) for row in used]
    down = list(zip(*(runs([used[r][c] for r in range(rows)]) for c in range(columns))))
    return sum(a and d for r in range(rows) for a, d in zip(across[r], down[r])) / (rows * columns)


def empty_fractions(path: Path) -> list[float]:
    with pdfplumber.open(path) as pdf:
        return [empty_fraction(page) for page in pdf.pages]


def hole_fractions(path: Path) -> list[float]:
    with pdfplumber.open(path) as pdf:
        return [hole_fraction(page) for page in pdf.pages]

if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, "empty", " ".join(f"{f:.0%}" for f in empty_fractions(Path(name))),
              "| holes", " ".join(f"{f:.0%}" for f in hole_fractions(Path(name))))
