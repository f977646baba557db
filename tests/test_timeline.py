"""The timeline sidebar: data, date formatting, and positions in the real PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber
import pytest

from briefing import i18n
from briefing.build import build
from briefing.errors import BriefingError, TimelineError
from briefing.timeline import load_timeline, parse_date

from .conftest import BASIC_MANIFEST, REPO, normalise, write_brief

BODY = "---\ntitle: Isi\n---\n" + "\n\n".join(
    f"Paragraf {i}: kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini dengan teks biasa."
    for i in range(1, 9)
)


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        (1948, "id", "1948"),
        ("2022-05", "id", "Mei 2022"),
        ("2022-05", "en", "May 2022"),
        (dt.date(2019, 4, 25), "id", "25 April 2019"),
        (dt.date(2019, 4, 25), "en", "25 April 2019"),
        ("2022-08-17", "id", "17 Agustus 2022"),
        ("1950/1953", "id", "1950–1953"),
        ("1950/1953", "en", "1950–1953"),
        ("2022-02-24/2022-03-02", "id", "24 Februari–2 Maret 2022"),
        ("2022-02-24/2022-03-02", "en", "24 February–2 March 2022"),
        ("2022-05/2022-06", "id", "Mei–Juni 2022"),
        ("2021-12/2022-01", "en", "December 2021–January 2022"),
    ],
)
def test_date_forms_format_in_language(raw: object, language: str, expected: str) -> None:
    date = parse_date(raw)
    assert i18n.format_span(date.start, date.end, language, date.precision) == expected


@pytest.mark.parametrize("raw", ["2022-13", "2022-02-30", "1953/1950", "kemarin", "2022-05/2022-06-01", "1/2/3", True])
def test_bad_dates_are_rejected(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def _timeline_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "timeline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_events_sorted_chronologically_ties_keep_file_order(tmp_path: Path) -> None:
    path = _timeline_file(tmp_path, "- {date: 2022, title: B}\n- {date: 1948, title: A}\n- {date: 2022, title: C}\n- {date: 2019-04-25, title: D}\n")
    titles = [e.title for e in load_timeline(path)]
    assert titles == ["A", "D", "B", "C"]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("- date: 2022\n  title: A\n- date: 2022-13\n  title: B\n", 3, "event 2: bad date"),
        ("- date: 2022\n  title: A\n- date: 2023\n", 3, "needs a 'title'"),
        ("- date: 2022\n  title: A\n  colour: red\n", 3, "unknown key 'colour'"),
        ("- title: A\n", 1, "has no 'date'"),
        ("date: 2022\n", 1, "list of events"),
    ],
)
def test_bad_events_name_file_event_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = _timeline_file(tmp_path, text)
    with pytest.raises(TimelineError) as info:
        load_timeline(path)
    assert info.value.path == path
    assert info.value.line == line
    assert needle in info.value.message


def _events_yaml(count: int) -> str:
    lines = []
    for i in range(count):
        year = 1900 + (i * 7919) % 120  # file order scrambled on purpose
        lines.append(f"- date: {year}-{(i % 12) + 1:02d}\n  title: Peristiwa nomor {i:02d}\n  text: Keterangan singkat peristiwa ini.\n")
    return "".join(lines)


def _layout(pdf_path: Path) -> tuple[float, float]:
    """(right edge of the body column, left edge of the sidebar) from the page geometry."""
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    geometry = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], True, 0)
    assert geometry.sidebar is not None
    return geometry.main.x + geometry.main.width, geometry.sidebar.x


def _body_region_words(page: pdfplumber.page.Page) -> list[dict]:
    """Words between the running head (or, on page 1, the title block) and the footer."""
    height = float(page.height)
    words = page.extract_words(extra_attrs=["fontname", "size"])
    top = 70.0
    if page.page_number == 1:
        top = min((w["top"] for w in words if w["text"] == "Lini"), default=top) - 2
    return [w for w in words if top < w["top"] < height - 65]


def test_default_brief_sidebar_never_overlaps_body(default_pdf: Path) -> None:
    body_right, sidebar_left = _layout(default_pdf)
    with pdfplumber.open(default_pdf) as pdf:
        first = pdf.pages[0]
        words = _body_region_words(first)
        body = [w for w in words if "Serif" in w["fontname"]]
        side = [w for w in words if w["x0"] >= sidebar_left - 0.5]
        assert body and side
        for word in words:
            assert word["x1"] <= body_right + 0.5 or word["x0"] >= sidebar_left - 0.5, word
        assert all(w["x1"] <= body_right + 0.5 for w in body)
        text = first.extract_text()
    assert "Lini Masa" in text


def test_every_default_event_once_and_in_order(default_pdf: Path) -> None:
    events = load_timeline(REPO / "timeline.yaml")
    _, sidebar_left = _layout(default_pdf)
    with pdfplumber.open(default_pdf) as pdf:
        sidebar_text = "".join(  # the pages the timeline runs on (a later page's second column is text)
            page.crop((sidebar_left - 0.5, 0, page.width, page.height)).extract_text() for page in pdf.pages
            if "Lini Masa" in (page.extract_text() or "")
        )
    flat = normalise(sidebar_text)
    position = 0
    for event in events:
        title = normalise(event.title)
        assert flat.count(title) == 1, event.title
        found = flat.find(title, position)
        assert found >= 0, f"{event.title} out of order"
        position = found


def test_sixty_events_flow_over_pages_with_continued_labels(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "timeline": "timeline.yaml"}
    write_brief(tmp_path, manifest, {"a.md": BODY}, **{"timeline.yaml": _events_yaml(60)})
    out = tmp_path / "out.pdf"
    build(tmp_path, out)
    _, sidebar_left = _layout(out)
    expected = [e.title for e in load_timeline(tmp_path / "timeline.yaml")]
    seen: list[str] = []
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 3
        for number, page in enumerate(pdf.pages, start=1):
            side = page.crop((sidebar_left - 0.5, 0, page.width, page.height)).extract_text()
            if number > 1 and "Peristiwa" in side:
                assert "Lini Masa (lanjutan)" in side
            seen.extend(line for line in side.splitlines() if line.startswith("Peristiwa nomor"))
            for word in _body_region_words(page):
                assert word["x1"] <= sidebar_left - 0.5 or word["x0"] >= sidebar_left - 0.5
    assert seen == expected  # nothing lost, nothing twice, chronological reading page by page


def test_brief_without_timeline_has_full_width_body(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": BODY})
    out = tmp_path / "out.pdf"
    build(tmp_path, out)
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    block = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], False, 0).block
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        body = [w for w in _body_region_words(page) if "Serif" in w["fontname"]]
        assert "Lini Masa" not in page.extract_text()
    right = max(w["x1"] for w in body)
    assert right > block.x + block.width * 0.9  # lines run across the whole text block
    assert min(w["x0"] for w in body) >= block.x - 0.5


def test_sidebar_on_the_left_and_reverse_order(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "timeline": {"file": "timeline.yaml", "side": "left", "order": "reverse"}}
    events = "- {date: 1948, title: Awal sekali}\n- {date: 2022, title: Paling baru}\n"
    write_brief(tmp_path, manifest, {"a.md": BODY}, **{"timeline.yaml": events})
    out = tmp_path / "out.pdf"
    build(tmp_path, out)
    with pdfplumber.open(out) as pdf:
        words = _body_region_words(pdf.pages[0])
    newest = next(w for w in words if w["text"] == "Paling")
    oldest = next(w for w in words if w["text"] == "Awal")
    # the body beside the timeline (under its end the text block is set in two columns)
    body = [w for w in words if "Serif" in w["fontname"] and w["top"] < max(newest["bottom"], oldest["bottom"]) + 20]
    assert newest["top"] < oldest["top"]  # reverse: latest first
    assert newest["x1"] < min(w["x0"] for w in body)  # the sidebar sits left of the body


def test_bad_timeline_option_names_manifest_line(tmp_path: Path) -> None:
    from briefing.brief import load_brief

    write_brief(tmp_path, "title: X\ndate: 2022-01-01\ntimeline:\n  file: t.yaml\n  side: top\n", {"a.md": BODY})
    with pytest.raises(BriefingError) as info:
        load_brief(tmp_path)
    assert info.value.format(tmp_path) == "brief.yaml:5: 'timeline.side' must be one of right, left"


@pytest.mark.parametrize("language", ["id", "en", "fr"])
def test_dates_read_as_babel_writes_them(language: str) -> None:
    """The month table is CLDR's: Babel's "d MMMM y" and "MMMM y" in id, and in en_GB for every other language."""
    from babel.dates import format_date

    locale = {"id": "id"}.get(language, "en_GB")
    for month in range(1, 13):
        day = dt.date(2022, month, 7 + month)
        assert i18n.format_date(day, language) == format_date(day, "d MMMM y", locale=locale)
        assert i18n.format_date(day, language, "month") == format_date(day, "MMMM y", locale=locale)
    assert i18n.format_date(dt.date(987, 1, 1), language) == format_date(dt.date(987, 1, 1), "d MMMM y", locale=locale)
