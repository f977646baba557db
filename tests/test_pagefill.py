"""The page-fill measure itself, on pages drawn by hand: it must find a dead side column, a
column ending short and a hole, and must not count a line's ragged end as empty block."""

from __future__ import annotations

import random
from pathlib import Path

import pdfplumber
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from .pagefill import FOOTER_RULE, MARGIN_TOP, MARGIN_X, empty_fraction

WIDTH, HEIGHT = A4
LEFT, RIGHT = MARGIN_X, WIDTH - MARGIN_X
TOP, BOTTOM = HEIGHT - MARGIN_TOP, 80.0
WORDS = "kerja sama militer kedua negara makin erat sejak pertemuan di Vladivostok tahun lalu".split()


def _column(canvas: Canvas, x0: float, x1: float, top: float, bottom: float, seed: int) -> None:
    """Ragged paragraphs of random words from *top* down to *bottom* between x0 and x1."""
    rng, y = random.Random(seed), top - 10
    while y > bottom:
        for line in range(rng.randint(2, 6)):
            if y <= bottom:
                break
            words, x = [], x0
            limit = x1 if line else x0 + (x1 - x0) * rng.uniform(0.2, 0.9)  # a paragraph's short last line first
            while True:
                word = rng.choice(WORDS)
                if x + canvas.stringWidth(word + " ", "Helvetica", 10) > limit:
                    break
                words.append(word)
                x += canvas.stringWidth(word + " ", "Helvetica", 10)
            canvas.drawString(x0, y, " ".join(words))
            y -= 15
        y -= 7


def _page(path: Path, *columns: tuple[float, float, float, float]) -> float:
    """The empty fraction of one A4 page with ragged text in *columns* (x0, x1, top, bottom)."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 10)
    for seed, (x0, x1, top, bottom) in enumerate(columns):
        _column(canvas, x0, x1, top, bottom, seed)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, BOTTOM - FOOTER_RULE, RIGHT, BOTTOM - FOOTER_RULE)  # the footer's rule, as `block` finds it
    canvas.showPage()
    canvas.save()
    with pdfplumber.open(path) as pdf:
        return empty_fraction(pdf.pages[0])


def test_a_full_page_of_ragged_text_is_not_empty(tmp_path: Path) -> None:
    middle = (LEFT + RIGHT) / 2
    assert _page(tmp_path / "one.pdf", (LEFT, RIGHT, TOP, BOTTOM)) < 0.10
    assert _page(tmp_path / "two.pdf", (LEFT, middle - 7, TOP, BOTTOM), (middle + 7, RIGHT, TOP, BOTTOM)) < 0.10


def test_an_empty_side_column_is_a_third_of_the_block(tmp_path: Path) -> None:
    body_right = LEFT + 0.68 * (RIGHT - LEFT)
    assert 0.25 < _page(tmp_path / "side.pdf", (LEFT, body_right, TOP, BOTTOM)) < 0.40


def test_a_column_ending_short_counts(tmp_path: Path) -> None:
    middle, half = (LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2
    empty = _page(tmp_path / "short.pdf", (LEFT, middle - 7, TOP, BOTTOM), (middle + 7, RIGHT, TOP, half))
    assert 0.22 < empty < 0.32


def test_a_hole_between_paragraphs_counts(tmp_path: Path) -> None:
    third = (TOP - BOTTOM) / 3
    empty = _page(tmp_path / "hole.pdf", (LEFT, RIGHT, TOP, TOP - third), (LEFT, RIGHT, BOTTOM + third, BOTTOM))
    assert 0.28 < empty < 0.40
