"""The timeline when page 1 cannot hold it, and on narrow pages: measured on the real PDF."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner

from briefing import i18n
from briefing.build import build
from briefing.cli import main
from briefing.layout import page_size
from briefing.layout.geometry import Geometry, make_geometry
from briefing.layout.fonts import register_fonts
from briefing.layout.theme import DEFAULT_THEME, family, make_styles
from briefing.layout.timeline import (MIN_CARRIED, NOMINAL, TIGHTEST, Band, placement, plan_page,
                                      sidebar_characters)
from briefing.timeline import load_timeline

from .conftest import BASIC_MANIFEST, normalise, write_brief
from .test_accessible import _elements, _roles
from .test_timeline import BODY

SECOND = "---\ntitle: Bagian Kedua\n---\nParagraf penutup bagian kedua yang berdiri sendiri.\n"
SHORT = "Keterangan singkat peristiwa ini."
LONG = "Keterangan yang lebih panjang tentang peristiwa ini, dengan latar belakang dan akibatnya bagi kawasan."


def _events(count: int, text: str = SHORT) -> str:
    return "".join(f"- date: {1900 + i}-{i % 12 + 1:02d}\n  title: Peristiwa nomor {i:02d}\n  text: {text}\n"
                   for i in range(count))


def _brief(root: Path, events: str, sections: dict[str, str] | None = None, **manifest: Any) -> Path:
    write_brief(root, {**BASIC_MANIFEST, "timeline": "timeline.yaml", **manifest}, sections or {"a.md": BODY},
                **{"timeline.yaml": events})
    out = root / "out.pdf"
    build(root, out)
    return out


def _geometry(paper: str) -> Geometry:
    """The page's geometry had it a sidebar (the column the timeline would take)."""
    return make_geometry(DEFAULT_THEME, page_size(paper, "portrait"), True, 0)


def _sidebar_pages(pdf_path: Path, paper: str = "A4") -> list[str]:
    """The text of the sidebar column, page by page."""
    sidebar = _geometry(paper).sidebar
    assert sidebar is not None
    with pdfplumber.open(pdf_path) as pdf:
        return [(page.crop((sidebar.x - 0.5, 0, page.width, page.height)).extract_text() or "").replace("\xa0", " ")
                for page in pdf.pages]


def _titles(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Peristiwa nomor")]


# ---------------------------------------------------------------------------- page 1 overflows


def _check_sidebar(pdf_path: Path, expected: list[str]) -> list[int]:
    """Every event once and in order; no continued box with one event alone; a box the
    timeline goes on from says where. The number of events on each page."""
    pages = _sidebar_pages(pdf_path)
    counts = [len(_titles(text)) for text in pages]
    assert [title for text in pages for title in _titles(text)] == expected
    for number, (text, count) in enumerate(zip(pages, counts), start=1):
        assert count != 1 or number == 1, f"page {number} holds one continued event alone"
        if count and number > 1:
            assert "Lini Masa (lanjutan)" in text
        goes_on = any(counts[number:])
        assert (f"bersambung ke halaman {number + 1}" in text) == (count > 0 and goes_on), (number, counts)
    return counts


@pytest.mark.parametrize("text", [SHORT, LONG], ids=["short-events", "long-events"])
def test_one_event_more_than_page_one_holds_is_kept_or_carried_with_another(tmp_path: Path, text: str) -> None:
    full = _brief(tmp_path / "forty", _events(40, text))
    capacity = _check_sidebar(full, [f"Peristiwa nomor {i:02d}" for i in range(40)])[0]
    for extra in (1, 2):
        count = capacity + extra
        out = _brief(tmp_path / f"n{count}", _events(count, text))
        counts = _check_sidebar(out, [f"Peristiwa nomor {i:02d}" for i in range(count)])
        if extra == 1:  # one more than page 1 holds at the normal spacing: tightened, kept on page 1
            assert counts[0] == count, counts
        elif counts[0] < count:  # two more, and long: carried over together
            assert counts[1] == MIN_CARRIED, counts
    if text == LONG:
        assert counts[0] < count  # two long events are more than tightening may absorb


def test_tightening_is_bounded_and_the_least_that_ends_the_timeline() -> None:
    def heights(_index: int) -> float:
        return 30.0

    band = [Band(30 * 10 + 5.5 * 9 + 2 * NOMINAL.pad + 18, True)]  # ten events at the normal spacing, heading 12 pt
    assert plan_page(heights, 10, band, 12, 15, True).spacing == NOMINAL
    eleven = plan_page(heights, 11, band, 12, 15, True)
    assert sum(eleven.counts) == 11 and not eleven.continues
    assert TIGHTEST.gap <= eleven.spacing.gap < NOMINAL.gap and TIGHTEST.pad <= eleven.spacing.pad
    twelve = plan_page(heights, 12, band, 12, 15, True)  # two more: the normal spacing, and two go on
    assert twelve.spacing == NOMINAL and twelve.continues and 12 - sum(twelve.counts) >= MIN_CARRIED
    later = plan_page(heights, 10 + 1 + 3, band, 12, 0, False)  # ten fit (no foot): three left, none held back
    assert later.counts == (10,)


def test_a_lone_remainder_brings_another_event_with_it() -> None:
    band = [Band(230, True)]
    plan = plan_page(lambda _i: 40.0, 5, band, 12, 12, True)  # four fit with the foot line, one would be left
    assert plan.counts == (3,) and plan.continues


# ---------------------------------------------------------------------------- narrow pages


@pytest.mark.parametrize(("paper", "expected"), [("A4", "sidebar"), ("Letter", "sidebar"), ("F4", "sidebar"),
                                                 ("Legal", "sidebar"), ("A5", "narrow"), ("HalfLetter", "narrow")])
def test_the_sidebar_gives_way_where_its_column_runs_under_25_characters(paper: str, expected: str) -> None:
    register_fonts((family(DEFAULT_THEME.body_font), family(DEFAULT_THEME.heading_font)))
    styles = make_styles(DEFAULT_THEME, "id")
    for duplex in (False, True):
        column = make_geometry(DEFAULT_THEME, page_size(paper, "portrait"), True, 0, duplex=duplex).sidebar
        assert column is not None
        assert placement("auto", column.width, styles) == expected, (paper, sidebar_characters(column.width, styles))
        assert placement("sidebar", column.width, styles) == "sidebar"


def _assert_no_side_column(pdf_path: Path, paper: str) -> None:
    """No line between the running head and the footer has a gutter where the sidebar would
    begin (body words, a gap, column words), and lines run across that place."""
    geometry = _geometry(paper)
    assert geometry.sidebar is not None
    body_right, column_left = geometry.main.x + geometry.main.width, geometry.sidebar.x
    across = 0
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines: dict[int, list[dict[str, Any]]] = {}
            for word in page.extract_words():
                if 70 < word["top"] < page.height - 65:
                    lines.setdefault(round(word["bottom"]), []).append(word)
            for line in lines.values():
                line.sort(key=lambda w: w["x0"])
                for left, right in zip(line, line[1:]):
                    gutter = right["x0"] - left["x1"] > 12 and left["x1"] <= column_left and right["x0"] >= body_right - 1
                    assert not gutter, f"page {page.page_number}: a side column beside {left['text']!r}"
                across += line[0]["x0"] < body_right and line[-1]["x1"] > column_left
    assert across > 3  # the body runs across the whole block


def _assert_in_order(text: str, events: list[str]) -> None:
    flat = normalise(text)
    position = 0
    for item in events:
        found = flat.find(normalise(item), position)
        assert found >= 0, f"{item!r} missing or out of order"
        position = found + len(normalise(item))


def _event_lines(root: Path, language: str) -> list[str]:
    """Each event's date, title and text, as the chronology prints them."""
    items: list[str] = []
    for event in load_timeline(root / "timeline.yaml"):
        items += [i18n.format_span(event.date.start, event.date.end, language, event.date.precision),
                  event.title, SHORT]
    return items


def test_a5_sets_the_timeline_as_a_chronology_appendix_not_a_sidebar(tmp_path: Path) -> None:
    out = _brief(tmp_path, _events(12), paper="A5")
    _assert_no_side_column(out, "A5")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Lini Masa" not in text
    chronology = text[text.rindex("Kronologi"):]
    _assert_in_order(chronology, _event_lines(tmp_path, "id"))
    roles = _roles(pikepdf.open(out))
    assert roles["Lbl"] >= 12 and roles["LBody"] >= 12  # a list of dated entries


def test_a_short_timeline_on_a5_is_a_block_after_the_first_section(tmp_path: Path) -> None:
    out = _brief(tmp_path, _events(3), {"a.md": BODY, "b.md": SECOND}, paper="A5")
    _assert_no_side_column(out, "A5")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Kronologi" not in text
    _assert_in_order(text, ["Paragraf 8", "LINI MASA", *_event_lines(tmp_path, "id"), "Bagian Kedua"])


def test_the_english_appendix_is_the_chronology(tmp_path: Path) -> None:
    out = _brief(tmp_path, _events(12), paper="A5", language="en")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Chronology" in text and "Kronologi" not in text
    _assert_in_order(text[text.rindex("Chronology"):], _event_lines(tmp_path, "en"))


# ---------------------------------------------------------------------------- the manifest decides


def test_the_manifest_places_the_timeline_in_an_appendix_on_a4(tmp_path: Path) -> None:
    out = _brief(tmp_path, _events(5), timeline={"file": "timeline.yaml", "placement": "appendix"})
    _assert_no_side_column(out, "A4")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    _assert_in_order(text[text.rindex("Kronologi"):], _event_lines(tmp_path, "id"))


def test_the_manifest_keeps_the_sidebar_on_a5(tmp_path: Path) -> None:
    out = _brief(tmp_path, _events(12), paper="A5", timeline={"file": "timeline.yaml", "placement": "sidebar"})
    pages = _sidebar_pages(out, "A5")
    assert "Lini Masa" in pages[0]
    with pytest.raises(AssertionError, match="a side column"):
        _assert_no_side_column(out, "A5")
    assert [title for text in pages for title in _titles(text)] == [f"Peristiwa nomor {i:02d}" for i in range(12)]


def test_a_bad_placement_names_the_manifest_line(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: X\ndate: 2022-01-01\ntimeline:\n  file: t.yaml\n  placement: margin\n", {"a.md": BODY},
                **{"t.yaml": _events(2)})
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 1
    assert "brief.yaml:5: 'timeline.placement' must be one of auto, sidebar, block, appendix" in result.output


# ---------------------------------------------------------------------------- very long events


WORDS = "pemerintahan perekonomian keberlanjutan hubungan diplomatik semakin mendalam setelah pertemuan".split()


def _long_event(words: int) -> tuple[str, list[str]]:
    """One event whose text is *words* long words (they hyphenate), every tenth a numbered
    marker, and those words."""
    text = [f"tanda{i // 10:03d}" if i % 10 == 0 else WORDS[i % len(WORDS)] for i in range(words)]
    return f"- date: 1800-05-01\n  title: Peristiwa panjang\n  text: {' '.join(text)}\n", text


def test_a_five_thousand_word_event_prints_every_word_in_the_a5_chronology(tmp_path: Path) -> None:
    # Big enough that breaking the whole text again on every page (as the entry once did) takes minutes.
    events, words = _long_event(5000)
    out = _brief(tmp_path, events + _events(12), paper="A5")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        pages = len(pdf.pages)
    chronology = text[text.rindex("Kronologi"):]
    _assert_in_order(chronology, ["Peristiwa panjang", *words, "Peristiwa nomor 00"])
    document = pikepdf.open(out)
    elements = _elements(document)
    assert Counter(str(e.S) for e in elements)["/LI"] == 13  # the pieces are one entry
    texts = [e for e in elements if str(e.S) == "/P" and str(e.P.S) == "/LBody"]
    spread = max(len({kid.Pg.objgen for kid in e.K if isinstance(kid, pikepdf.Dictionary)}) for e in texts)
    assert spread > pages / 2  # one text across the pages it fills, every piece tagged


def test_a_timeline_block_event_taller_than_a_page_splits(tmp_path: Path) -> None:
    events, words = _long_event(2500)
    out = _brief(tmp_path, events + _events(2), {"a.md": SECOND, "b.md": BODY},
                 timeline={"file": "timeline.yaml", "placement": "block"})
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        pages = [normalise(page.extract_text() or "") for page in pdf.pages]
    assert "Kronologi" not in text
    _assert_in_order(text, ["Bagian Kedua", "LINI MASA", "Peristiwa panjang", *words, "Peristiwa nomor 00", "Paragraf 8"])
    start = next(page for page in pages if "LINIMASA" in page)  # under the first section, not after a hole
    assert "Paragrafpenutup" in start and "tanda000" in start
