"""The page on which the timeline ends, checked on the real PDF: below the timeline's last
event the text block is set in the two columns of the pages that follow (not left empty),
nothing there touches the timeline or the notes, the paragraphs read in order, and a
timeline that ends near the page's foot leaves the page as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from briefing.build import BuildOptions, build

from .conftest import BASIC_MANIFEST, write_brief
from .pagecheck import assert_no_word_overlap
from .pagefill import empty_fraction

TEXT = ("membahas hubungan kedua negara dengan kalimat yang cukup panjang agar baris-baris teks "
        "mengisi kolom halaman sampai ke kakinya. ")


def _section(paragraphs: int, notes: tuple[int, ...] = ()) -> str:
    """Numbered paragraphs ("Paragraf ke-N"), a footnote called in each of *notes*."""
    body = "".join(f"Paragraf ke-{i} {TEXT * 3}" + (f"Catatan dipanggil.[^n{i}]" if i in notes else "") + "\n\n"
                   for i in range(1, paragraphs + 1))
    return f"---\ntitle: Bagian Satu\n---\n{body}" + "".join(
        f"[^n{i}]: Catatan nomor {i} menjelaskan satu hal kecil dalam dua baris pendek.\n" for i in notes)


def _events(count: int) -> str:
    return "".join(f"- date: 19{i % 90 + 10:02d}-01-01\n  title: Peristiwa nomor {i}\n"
                   f"  text: Keterangan singkat peristiwa {i}.\n" for i in range(count))


def _build(root: Path, events: int, paragraphs: int = 40, notes: tuple[int, ...] = (), **options: Any) -> Path:
    write_brief(root, {**BASIC_MANIFEST, "timeline": "timeline.yaml"}, {"01-satu.md": _section(paragraphs, notes)},
                **{"timeline.yaml": _events(events)})
    out = root / "out.pdf"
    build(root, out, options=BuildOptions(**options))
    return out


def _last_timeline_page(pdf: Any) -> Any:
    return [p for p in pdf.pages if any(w["text"] == "Peristiwa" for w in p.extract_words())][-1]


def _timeline_box(page: Any) -> tuple[float, float, float]:
    """(x0, x1, bottom) of the tinted box that holds the timeline's events on *page*."""
    events = [w for w in page.extract_words() if w["text"] == "Peristiwa"]
    boxes = [r for r in page.rects if r["height"] > 20 and any(
        r["x0"] <= w["x0"] and w["x1"] <= r["x1"] and r["top"] <= w["top"] and w["bottom"] <= r["bottom"] for w in events)]
    assert boxes, "the timeline's box"
    return min(r["x0"] for r in boxes), max(r["x1"] for r in boxes), max(r["bottom"] for r in boxes)


def _order(page: Any, cut: float) -> list[int]:
    """The paragraph numbers that open on *page* in reading order: the body column above
    *cut*, then the left and the right column below it."""
    words = page.extract_words()
    middle = page.width / 2
    found = [(w, int(w["text"][3:])) for w in words if w["text"].startswith("ke-") and w["text"][3:].isdigit()]
    top = sorted((w["top"], n) for w, n in found if w["top"] < cut)
    left = sorted((w["top"], n) for w, n in found if w["top"] >= cut and w["x0"] < middle)
    right = sorted((w["top"], n) for w, n in found if w["top"] >= cut and w["x0"] >= middle)
    return [n for _, n in top + left + right]


def _assert_tail(page: Any, *, side_left: bool = False) -> None:
    """Below the timeline's end: body text in two columns, one of them under the timeline."""
    x0, x1, bottom = _timeline_box(page)
    assert bottom < page.height * 0.6, "the timeline ends in the page's upper half"
    below = [w for w in page.extract_words() if w["top"] > bottom + 5 and w["bottom"] < page.height - 80]
    under = [w for w in below if (w["x1"] <= x1 + 1 if side_left else w["x0"] >= x0 - 1)]
    assert len(under) > 40, "text is set under the timeline"
    starts = sorted({round(w["x0"]) for w in below if w["text"] == "Paragraf"})
    assert len(starts) == 2 and starts[1] - starts[0] > page.width / 3, starts  # two columns
    above = [w for w in page.extract_words() if w["bottom"] < bottom - 5 and w["text"] == "Paragraf"]
    assert all((w["x0"] >= x1 if side_left else w["x1"] <= x0) for w in above)  # the body column beside it
    assert empty_fraction(page) <= 0.20
    assert_no_word_overlap(page)
    order = _order(page, bottom)
    assert order == sorted(order) and order == list(range(order[0], order[0] + len(order))), order


def test_below_the_timelines_end_the_text_block_holds_two_columns(tmp_path: Path) -> None:
    with pdfplumber.open(_build(tmp_path, 26)) as pdf:
        page = _last_timeline_page(pdf)
        assert page.page_number == 2 and len(pdf.pages) > 2
        _assert_tail(page)


def test_the_structure_tree_reads_the_tail_page_in_order(tmp_path: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    out = _build(tmp_path, 26)
    with pdfplumber.open(out) as pdf:
        _assert_tail(_last_timeline_page(pdf))
    text = subprocess.run([pdfinfo, "-struct-text", str(out)], capture_output=True, text=True, check=True).stdout
    numbers = [int(n) for n in re.findall(r'"Paragraf ke-(\d+) ', text)]
    assert numbers == list(range(1, 41))  # every paragraph, in the order written


def test_the_timeline_ending_on_page_one_frees_its_foot_too(tmp_path: Path) -> None:
    with pdfplumber.open(_build(tmp_path, 5)) as pdf:
        page = _last_timeline_page(pdf)
        assert page.page_number == 1
        _assert_tail(page)


def test_on_a_verso_page_the_timeline_is_outside_the_columns_below_it(tmp_path: Path) -> None:
    with pdfplumber.open(_build(tmp_path, 26, duplex=True)) as pdf:
        page = _last_timeline_page(pdf)
        assert page.page_number == 2
        x0, _, _ = _timeline_box(page)
        assert x0 < page.width / 3  # the side column on the outer (left) side
        _assert_tail(page, side_left=True)


def test_notes_on_the_tail_page_sit_below_their_calls_in_their_column(tmp_path: Path) -> None:
    with pdfplumber.open(_build(tmp_path, 26, notes=tuple(range(8, 20)))) as pdf:
        page = _last_timeline_page(pdf)
        _assert_tail(page)
        words = page.extract_words(extra_attrs=["size"])
        x0, _, box = _timeline_box(page)
        bottom = min(w["top"] for w in words if w["x0"] >= x0 - 1 and w["size"] > 9.5 and w["top"] > box)  # columns
        notes = [(words[i - 1]["text"], w) for i, w in enumerate(words) if w["text"] == "Catatan" and w["size"] < 9]
        assert len(notes) >= 3, "notes are called on the tail page, beside the timeline and below it"
        assert any(note["top"] < bottom for _, note in notes) and any(note["top"] > bottom for _, note in notes)
        assert all(note["x0"] >= x0 - 1 for _, note in notes if note["top"] < bottom)  # the margin column
        for number, note in notes:
            call = next(w for k, w in enumerate(words) if w["text"] == number and w["size"] < 9
                        and words[k + 1]["text"] != "Catatan")
            assert note["top"] > call["top"] - 12  # beside or below its call, on its page
            beside = call["top"] < bottom
            assert (note["top"] < bottom) == beside  # in the part of the page its call is in
            if beside:  # in the margin, under the timeline
                assert note["x0"] > call["x1"] and abs(note["top"] - call["top"]) < 40
            else:  # at the foot of the calling column
                assert abs(note["x0"] - call["x0"]) < page.width / 3 and note["top"] > page.height - 120


@pytest.mark.parametrize("events", [34, 35])
def test_a_timeline_ending_near_the_foot_keeps_the_page_as_it_was(tmp_path: Path, events: int) -> None:
    with pdfplumber.open(_build(tmp_path, events)) as pdf:
        page = _last_timeline_page(pdf)
        x0, _, bottom = _timeline_box(page)
        assert bottom > page.height * 0.6
        assert not [w for w in page.extract_words() if w["text"] == "Paragraf" and w["x0"] >= x0 - 1]


def test_a_brief_ending_on_its_tail_page_ends_its_two_columns_level(tmp_path: Path) -> None:
    with pdfplumber.open(_build(tmp_path, 5, paragraphs=6)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        _, _, bottom = _timeline_box(page)
        below = [w for w in page.extract_words() if w["top"] > bottom + 5 and w["bottom"] < page.height - 60]
        middle = page.width / 2
        left = max(w["bottom"] for w in below if w["x1"] < middle)
        right = max(w["bottom"] for w in below if w["x0"] > middle)
        assert abs(left - right) < 16  # within a line: not one full column beside a short one
        order = _order(page, bottom)
        assert order == list(range(1, 7)), order
