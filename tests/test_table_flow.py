"""Tables at a column's foot, read back from the PDF: a short table moves whole and the text
after it comes up (no hole), a long one splits between rows under its header again and a
continued caption, never leaving fewer than two body rows on either side; a split table is
still one `Table` element."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest

from briefing.build import build

from .conftest import BASIC_MANIFEST, write_brief

SENTENCE = "Kalimat pengisi yang cukup panjang untuk mengisi halaman dengan teks biasa. "
AFTER = "Paragraf sesudah tabel yang juga cukup panjang untuk diamati. " * 9
#: The most a column before the last may end short of its foot: three body lines (15 pt
#: leading) and a paragraph's space, as a paragraph kept from leaving one line behind leaves
#: it; a table kept whole at a column's foot left 76–106 pt there.
HOLE = 50.0


def _brief(root: Path, before: int, table: str, timeline: bool = False, language: str = "id") -> Path:
    """Ten paragraphs and *before* more sentences, *table*, then five long paragraphs; with a
    *timeline* the text under its end on page 1 and the pages after it are set in two columns."""
    filler = "\n\n".join(SENTENCE * 4 for _ in range(10)) + "\n\n" + SENTENCE * before
    after = "\n\n".join(AFTER for _ in range(5))
    manifest = {**BASIC_MANIFEST, "language": language}
    if timeline:
        manifest["timeline"] = "timeline.yaml"
    root = write_brief(root, manifest, {"a.md": f"---\ntitle: Satu\n---\n{filler}\n\n{table}\n{after}\n"})
    if timeline:
        (root / "timeline.yaml").write_text("".join(f"- date: 2020-01-0{d}\n  title: Peristiwa {d}\n" for d in (1, 2, 3)),
                                            encoding="utf-8")
    return root


def _table(rows: int, cell: str = "Baris") -> str:
    body = "\n".join(f"| {cell} {i} | Nilai {i * 7} | Keterangan singkat nomor {i} |" for i in range(1, rows + 1))
    return (f"| Kolom Satu | Kolom Dua | Kolom Tiga |\n|---|---:|---|\n{body}\n\n"
            ": Tabel uji {#tbl-uji source=\"Data uji\"}\n")


def _columns(page: Any) -> list[tuple[float, float]]:
    """The x ranges of the page's body columns: two when no word crosses the middle."""
    middle = page.width / 2
    if any(word["x0"] < middle < word["x1"] for word in page.extract_words()):
        return [(0.0, float(page.width))]
    return [(0.0, middle), (middle, float(page.width))]


def _foot(page: Any) -> float:
    """Where the text block ends: 4 mm above the footer's rule."""
    rules = [line for line in page.lines if line["x1"] - line["x0"] > page.width / 2 and line["top"] > page.height * 0.8]
    return float(max(line["top"] for line in rules)) - 4 * 72 / 25.4


def _top(page: Any) -> float:
    """Where the text block begins: below the running head's rule (page 1: the page's top)."""
    rules = [line for line in page.lines if line["x1"] - line["x0"] > page.width / 2 and line["top"] < page.height * 0.15]
    return float(min(line["top"] for line in rules)) if rules else 0.0


def _lines(page: Any, x0: float, x1: float) -> list[dict[str, Any]]:
    """The body text lines of a column, between the running head and the footer."""
    top, foot = _top(page), _foot(page)
    return [line for line in page.crop((x0, 0, x1, page.height)).extract_text_lines()
            if top < line["top"] and line["bottom"] < foot + 2]


def _placements(pdf_path: Path, pattern: str) -> list[tuple[int, int, dict[str, Any]]]:
    """(page, column, line) of every text line matching *pattern*, in reading order."""
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages):
            for column, (x0, x1) in enumerate(_columns(page)):
                found += [(number, column, line) for line in _lines(page, x0, x1) if re.search(pattern, line["text"])]
    return found


def _column_gaps(pdf_path: Path) -> list[float]:
    """How short of its foot each column ends, on every page after the first (which holds the
    title and the timeline) and before the last."""
    gaps = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages[1:-1]:
            gaps += [_foot(page) - max(line["bottom"] for line in _lines(page, x0, x1)) for x0, x1 in _columns(page)]
    return gaps


@pytest.mark.parametrize(("timeline", "sweep"), [(False, range(26, 40, 2)), (True, (2, 16, 18, 30, 42))],
                         ids=["one column", "two columns"])
def test_a_short_table_at_a_column_foot_moves_whole_and_the_text_comes_up(tmp_path: Path, timeline: bool,
                                                                          sweep: range) -> None:
    """The table started at heights around a column's foot (*sweep*: sentences before it)."""
    moved = 0
    for before in sweep:
        root = _brief(tmp_path / f"b{before}", before, _table(4, "Pendek"), timeline)
        [result] = build(root, tmp_path / f"o{before}.pdf")
        rows = _placements(result.path, r"^Pendek \d")
        assert [line["text"].split()[1] for _, _, line in rows] == ["1", "2", "3", "4"]
        assert len({(page, column) for page, column, _ in rows}) == 1, f"{before}: the short table split"
        [caption] = _placements(result.path, r"^Tabel 1\. Tabel uji")
        after = _placements(result.path, r"^Paragraf sesudah")[0]
        moved += (after[0], after[1], after[2]["top"]) < (caption[0], caption[1], caption[2]["top"])
        assert max(_column_gaps(result.path)) <= HOLE, (before, _column_gaps(result.path))
    assert moved >= 2  # tables the sweep brought to a column's foot moved on, and the text after them came up


@pytest.mark.parametrize(("language", "continued", "source"),
                         [("id", "Tabel 1 (lanjutan)", "Sumber: Data uji"), ("en", "Table 1 (continued)", "Source: Data uji")])
def test_a_long_table_splits_with_its_header_and_a_continued_caption(tmp_path: Path, language: str, continued: str,
                                                                      source: str) -> None:
    root = _brief(tmp_path / "b", 5, _table(60), language=language)
    [result] = build(root, tmp_path / "o.pdf")
    rows = _placements(result.path, r"^Baris \d+ ")
    assert [int(line["text"].split()[1]) for _, _, line in rows] == list(range(1, 61))  # each once, in order
    parts = sorted({(page, column) for page, column, _ in rows})
    assert len(parts) >= 2
    headers = _placements(result.path, r"^Kolom Satu")
    captions = _placements(result.path, r"^(Tabel|Table) 1\b")
    sources = _placements(result.path, re.escape(source))
    assert [(p, c) for p, c, _ in headers] == parts == [(p, c) for p, c, _ in captions]
    assert captions[0][2]["text"].startswith(("Tabel 1. Tabel uji", "Table 1. Tabel uji"))
    assert all(line["text"] == continued for _, _, line in captions[1:])
    for (_, _, caption), (_, _, header) in zip(captions, headers):
        assert caption["bottom"] <= header["top"]
    [(page, column, under)] = sources
    assert (page, column) == parts[-1] and under["top"] > rows[-1][2]["bottom"]
    for part in parts:
        assert sum((p, c) == part for p, c, _ in rows) >= 2


def test_no_split_leaves_fewer_than_two_body_rows(tmp_path: Path) -> None:
    """A twelve-row table started at every height near a page's foot."""
    splits = 0
    for before in range(20, 44, 2):
        root = _brief(tmp_path / f"b{before}", before, _table(12))
        [result] = build(root, tmp_path / f"o{before}.pdf")
        rows = _placements(result.path, r"^Baris \d+ ")
        assert [int(line["text"].split()[1]) for _, _, line in rows] == list(range(1, 13))
        counts = [sum(1 for p, _, _ in rows if p == page) for page in sorted({p for p, _, _ in rows})]
        assert min(counts) >= 2, (before, counts)
        splits += len(counts) > 1
    assert splits >= 3


def test_a_split_table_is_one_table_element(tmp_path: Path) -> None:
    """One `Table`, a `TR` per row, the header's `TH`s once: the repeated header row and the
    continued caption are artifacts; the file is clean."""
    root = _brief(tmp_path / "b", 5, _table(60))
    [result] = build(root, tmp_path / "o.pdf")
    check = subprocess.run(["qpdf", "--check", str(result.path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with pikepdf.open(result.path) as pdf:
        assert len(pdf.pages) >= 3
        roles: list[str] = []

        def walk(node: Any) -> None:
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    roles.append(str(kid.S)[1:])
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert roles.count("Table") == 1 and roles.count("TR") == 61
    assert roles.count("TH") == 3 and roles.count("TD") == 180
    text = subprocess.run(["pdfinfo", "-struct-text", str(result.path)], capture_output=True, text=True,
                          check=True).stdout
    assert text.count('"Kolom Satu"') == 1 and "lanjutan" not in text


def test_a_table_in_a_box_stays_in_the_box(tmp_path: Path) -> None:
    """Only a section's own flow lets a table float: in a box it stays between the box's lines."""
    box = f"::: warning\nAwal kotak.\n\n{_table(4, 'Pendek')}\nAkhir kotak.\n:::\n\nSesudah kotak.\n"
    for before in range(30, 40, 2):  # the table at the page's foot (kept whole, floated it left the box at 34-38)
        root = _brief(tmp_path / f"b{before}", before, box)
        [result] = build(root, tmp_path / f"o{before}.pdf")
        read = [line["text"].split()[0] for _, _, line in _placements(result.path, r"^(Awal kotak|Pendek 1|Akhir kotak|Sesudah)")]
        assert read == ["Awal", "Pendek", "Akhir", "Sesudah"], before


def test_a_table_introduced_by_a_colon_stays_under_its_introduction(tmp_path: Path) -> None:
    """Floated, the text after the table came up between the words "as the table shows:" and it."""
    introduced = f"Tabel berikut merangkum bentuk dukungan:\n\n{_table(4, 'Pendek')}\nSesudah tabel.\n"
    for before in range(30, 40, 2):
        root = _brief(tmp_path / f"b{before}", before, introduced)
        [result] = build(root, tmp_path / f"o{before}.pdf")
        read = [line["text"].split()[0] for _, _, line in _placements(result.path, r"^(Tabel berikut|Pendek 1|Sesudah)")]
        assert read == ["Tabel", "Pendek", "Sesudah"], before
