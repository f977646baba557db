"""What a heading, an inset figure and a chronology take to the next page, measured on the real
PDF of A5 briefs (one column, no margin column) whose filler puts them at every height near
a page's foot: each asks for the room it needs and no more, so no hole opens above it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest

from briefing.build import BuildOptions, build

from .conftest import BASIC_MANIFEST, write_brief
from .pagefill import block
from .test_accessible import _roles
from .test_figures import make_image

LONG = " ".join(["Kalimat isi yang cukup panjang untuk mengisi halaman dokumen uji ini."] * 14)
AFTER = " ".join(["Paragraf sesudah judul yang menyambung isi bagian ini dengan kalimat."] * 4)
LEADING = 15.0  # the default theme's body leading


def _filler(extra_paragraphs: int, extra_lines: int) -> list[str]:
    """A long paragraph, one of 1 + *extra_lines* lines (hard breaks) and *extra_paragraphs*
    one-line paragraphs: together they end at heights 1.5 pt apart near page 1's foot."""
    lines = "\\\n".join(f"Baris {i}" for i in range(extra_lines + 1))
    return [LONG, lines, *(f"Baris pendek nomor {i}." for i in range(extra_paragraphs))]


def _build(tmp_path: Path, blocks: list[str], column: tuple[int, int] | None = None) -> Path:
    """The A5 PDF of a one-section brief of *blocks*; assets/a.png is a square image, and with
    *column* assets/b.png one of that size."""
    body = "\n\n".join(blocks)
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": f"---\ntitle: Bagian\n---\n{body}\n"})
    if "assets/" in body:
        make_image(root / "assets" / "a.png", (800, 800))
    if column is not None:
        make_image(root / "assets" / "b.png", column)
    out = tmp_path / "o.pdf"
    build(root, out, options=BuildOptions(paper="A5"))
    return out


def _lines(page: Any) -> list[dict[str, Any]]:
    """The page's text lines inside its text block (no running head, footer or marking)."""
    _, top, _, bottom = block(page)
    return [line for line in page.extract_text_lines() if line["top"] > top - 2 and line["bottom"] < bottom + 2]


def _foot_white(page: Any) -> float:
    """The white between the page's last line of text and the foot of its text block."""
    return float(block(page)[3] - max(line["bottom"] for line in _lines(page)))


CASES = [(paragraphs, lines) for paragraphs in range(3) for lines in range(5)]


def _heading(pdf: Any, text: str) -> tuple[int, int]:
    """(page index, line index on its page) of the line holding *text*."""
    return next((number, index) for number, page in enumerate(pdf.pages)
                for index, line in enumerate(_lines(page)) if text in line["text"])


def _no_hole_before(pdf: Any, number: int, index: int) -> None:
    """A heading that opens a page: the page before had no room for it and two lines (with a
    line's leading to spare for how the block's foot is measured)."""
    if index == 0 and number > 0:
        lines = _lines(pdf.pages[number])
        taken = lines[2]["bottom"] - lines[0]["top"]  # the heading and two lines, as set
        assert _foot_white(pdf.pages[number - 1]) < taken + LEADING, "a hole where the heading would fit"


@pytest.mark.parametrize(("paragraphs", "lines"), CASES)
def test_a_heading_near_the_foot_comes_with_two_lines_or_moves_on_only_when_they_do_not_fit(
        tmp_path: Path, paragraphs: int, lines: int) -> None:
    out = _build(tmp_path, [*_filler(paragraphs, lines), "## Subjudul uji", AFTER, LONG])
    with pdfplumber.open(out) as pdf:
        number, index = _heading(pdf, "Subjudul uji")
        assert len(_lines(pdf.pages[number])[index + 1:]) >= 2, "the heading ends its page without two lines"
        _no_hole_before(pdf, number, index)


def test_one_of_the_cases_keeps_the_heading_at_the_foot_with_exactly_two_lines(tmp_path: Path) -> None:
    """The case the earlier rule moved on (it summed the heading's spaces with those around it,
    leaving 64 pt white at the foot): heading and two lines end page 1."""
    out = _build(tmp_path, [*_filler(1, 1), "## Subjudul uji", AFTER, LONG])
    with pdfplumber.open(out) as pdf:
        first = [line["text"] for line in _lines(pdf.pages[0])]
    assert "Subjudul uji" in first[-3], first[-3:]


INSET = '![Bendera](assets/a.png){width=inset caption="Sisipan uji."}'


@pytest.mark.parametrize("paragraphs", range(0, 6))
def test_an_inset_that_does_not_fit_lets_its_text_come_up_and_opens_the_next_page(tmp_path: Path,
                                                                                  paragraphs: int) -> None:
    out = _build(tmp_path, [*_filler(paragraphs, 0), "## Judul sisipan", INSET, AFTER, AFTER, LONG])
    with pdfplumber.open(out) as pdf:
        number, page = next((n, p) for n, p in enumerate(pdf.pages) if p.images)
        image = page.images[0]
        beside = [line for line in _lines(page) if line["top"] >= image["top"] - 1 and line["bottom"] <= image["bottom"]
                  and line["x1"] < image["x0"]]
        assert len(beside) >= 2, "the inset has no text beside it"
        heading, index = _heading(pdf, "Judul sisipan")
        _no_hole_before(pdf, heading, index)
        if heading < number:  # the heading stays on the page before, with text at full measure under it
            before = _lines(pdf.pages[heading])[index + 1:]
            assert heading == number - 1 and len(before) >= 2 and all(line["x1"] > image["x0"] for line in before)
            assert image["top"] - block(page)[1] < 6, "the inset opens its page"
            assert _foot_white(pdf.pages[heading]) < 2 * LEADING, "a hole under the text that came up"


def test_a_heading_before_an_inset_takes_the_page_foot_with_its_texts_first_lines(tmp_path: Path) -> None:
    """About 100 pt are left: room for the heading and its text's first lines, not the inset
    (the earlier rule asked for heading and whole inset, and moved the heading on)."""
    out = _build(tmp_path, [*_filler(0, 0), "## Judul sisipan", INSET, AFTER, AFTER, LONG])
    with pdfplumber.open(out) as pdf:
        first = [line["text"] for line in _lines(pdf.pages[0])]
        assert not pdf.pages[0].images and pdf.pages[1].images
    assert any("Judul sisipan" in text for text in first[:-2])


@pytest.mark.parametrize("paragraphs", range(0, 4))
def test_an_inset_in_the_text_at_the_foot_leaves_no_hole_above_it(tmp_path: Path, paragraphs: int) -> None:
    """What is left at the foot is less than the two lines the text needs to come up (and a line
    more for how the block's foot is measured): the earlier inset moved on whole, leaving 57-101 pt."""
    out = _build(tmp_path, [*_filler(paragraphs, 0)[1:], LONG, INSET, AFTER, AFTER, LONG])
    with pdfplumber.open(out) as pdf:
        number = next(n for n, p in enumerate(pdf.pages) if p.images)
        assert number == 1
        assert _foot_white(pdf.pages[0]) < 3 * LEADING, "a hole above the inset that moved on"


def test_an_inset_whose_text_came_up_is_tagged_as_one_figure_and_whole_paragraphs(tmp_path: Path) -> None:
    """The same structure elements as where the inset is set whole (A4): a paragraph split around
    the figure is one `P`, the figure one `Figure`."""
    blocks = [*_filler(0, 0), "## Judul sisipan", INSET, AFTER, AFTER, LONG]
    split = _build(tmp_path / "a5", blocks)
    body = "\n\n".join(blocks)
    root = write_brief(tmp_path / "a4", BASIC_MANIFEST, {"a.md": f"---\ntitle: Bagian\n---\n{body}\n"})
    make_image(root / "assets" / "a.png", (800, 800))
    whole = tmp_path / "a4.pdf"
    build(root, whole)
    with pikepdf.open(split) as a5, pikepdf.open(whole) as a4:
        assert _roles(a5) == _roles(a4) and _roles(a5)["Figure"] == 1


@pytest.mark.parametrize("paragraphs", range(0, 9))
def test_a_floated_figure_and_an_inset_keep_their_order_and_leave_no_hole(tmp_path: Path, paragraphs: int) -> None:
    """A column figure that floats to page 2 and an inset after it that does not fit either: the
    text comes up to page 1's foot (the earlier inset moved on whole, leaving 53-184 pt), and the
    figure still prints before the inset."""
    column = '![Peta](assets/b.png){caption="Gambar kolom."}'
    out = _build(tmp_path, [*_filler(paragraphs, 0)[1:], AFTER, column, AFTER, INSET, AFTER, AFTER, LONG],
                 column=(1200, 900))
    with pdfplumber.open(out) as pdf:
        assert _foot_white(pdf.pages[0]) < 3 * LEADING, "a hole at page 1's foot"
        captions = [(number, line["top"], line["text"].split(".")[0]) for number, page in enumerate(pdf.pages)
                    for line in _lines(page) if line["text"].startswith("Gambar ")]
    assert [caption for *_, caption in sorted(captions)] == ["Gambar 1", "Gambar 2"]


EVENT_TEXT = "Keterangan yang lebih panjang tentang peristiwa ini, dengan latar belakang dan akibatnya bagi kawasan. "
ENTRY_LEADING = 12.5  # the chronology's text: the sources list's leading


@pytest.mark.parametrize("paragraphs", range(0, 12, 2))
def test_a_chronology_fills_each_page_before_it_continues(tmp_path: Path, paragraphs: int) -> None:
    """Entries of one to four sentences (two to six lines): an entry splits between lines,
    two each side, or moves on whole, so a page the chronology goes on from ends less than a
    three-line entry short (and a line more for how the block's foot is measured)."""
    events = "".join(f"- date: {1900 + i}-{i % 12 + 1:02d}\n  title: Peristiwa nomor {i:02d}\n"
                     f"  text: {EVENT_TEXT * (1 + i % 4)}\n" for i in range(16))
    body = "\n\n".join(_filler(paragraphs, 0))
    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "timeline": {"file": "t.yaml", "placement": "appendix"}},
                       {"a.md": f"---\ntitle: Bagian\n---\n{body}\n"}, **{"t.yaml": events})
    out = tmp_path / "o.pdf"
    build(root, out, options=BuildOptions(paper="A5"))
    with pdfplumber.open(out) as pdf:
        start = next(n for n, page in enumerate(pdf.pages) if any(line["text"] == "Kronologi" for line in _lines(page)))
        whites = {number + 1: round(_foot_white(pdf.pages[number])) for number in range(start, len(pdf.pages) - 1)}
    assert whites and all(white < 4 * ENTRY_LEADING for white in whites.values()), whites


@pytest.mark.parametrize("lines", range(10, 22, 2))
def test_a_heading_before_an_inset_with_too_little_text_to_come_up_moves_on_with_it(tmp_path: Path,
                                                                                    lines: int) -> None:
    """A tall inset beside one short paragraph: the text cannot fill the page foot alone, so
    the heading asks for the whole inset and never ends a page above it."""
    tall = '![Tinggi](assets/b.png){width=inset caption="Sisipan tinggi."}'
    out = _build(tmp_path, [*_filler(0, lines)[1:], "## Judul sisipan", tall, "Paragraf pendek di samping gambar.",
                            "## Sesudah", LONG], column=(800, 1300))
    with pdfplumber.open(out) as pdf:
        number, index = _heading(pdf, "Judul sisipan")
        page = pdf.pages[number]
        assert page.images and index < len(_lines(page)) - 1, "the heading ends its page above the inset"


TABLE = "| Negara | Peristiwa |\n|:---|---:|\n" + "".join(f"| Negara {i} | {i} |\n" for i in range(6)) + "\n: Tabel uji"


@pytest.mark.parametrize("lines", range(14, 24, 2))
def test_a_heading_before_a_table_that_floats_stays_with_it(tmp_path: Path, lines: int) -> None:
    """The table ends its section: no text of the section comes up under the heading when the
    table floats, so the heading keeps with the table (it never ends a page above the next section)."""
    body = "\n\n".join([*_filler(0, lines)[1:], "## Judul tabel", TABLE])
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": f"---\ntitle: Bagian\n---\n{body}\n",
                                                           "b.md": f"---\ntitle: Bagian Dua\n---\n{LONG}\n"})
    out = tmp_path / "o.pdf"
    build(root, out, options=BuildOptions(paper="A5"))
    with pdfplumber.open(out) as pdf:
        number, index = _heading(pdf, "Judul tabel")
        below = [line["text"] for line in _lines(pdf.pages[number])[index + 1:]]
    assert below and below[0].startswith("Tabel 1."), below[:2]
