"""The sources appendix in its one documented style (Chicago notes-bibliography with the
edition's labels): author lists, "et al." / "dkk.", one full stop per element, and URLs
broken only before a mark, never with an added hyphen. Checked on the PDF's text."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner
from reportlab.platypus import paragraph as rl_paragraph

from briefing.cli import main
from briefing.layout.urls import BREAK_BEFORE, url_break_pairs

from .conftest import BASIC_MANIFEST, write_brief

VOA = ("https://www.voaindonesia.com/a/hubungan-rusia-dan-korea-utara-semakin-dekat-pada-hari-ulang-tahun-putin/"
       "6780325.html")
QUERY = "https://data.example.org/api/v2/series/sanctions-votes?country=PRK&from=2006-01-01&to=2022-10-07&format=csv"
SOURCES = [
    {"id": "one", "title": "Satu penulis", "author": "Ani", "date": "2022"},
    {"id": "two", "title": "Dua penulis", "author": ["Ani", "Budi"], "date": "2022"},
    {"id": "three", "title": "Tiga penulis", "author": ["Ani", "Budi", "Citra"], "date": "2022"},
    {"id": "four", "title": "Empat penulis", "author": ["Ani", "Budi", "Citra", "Dedi"], "date": "2022"},
    {"id": "ask", "title": "Apakah sanksi berhasil?", "author": "Eka", "publisher": "Penerbit Inc.",
     "note": "Dikutip ulang!"},
    {"id": "etal", "title": "Laporan tahunan.", "author": "Tim Riset et al.", "type": "report", "date": "2021"},
    {"id": "voa", "title": "Hubungan Rusia dan Korea Utara", "author": "VOA Indonesia", "url": VOA},
    {"id": "query", "title": "Data pemungutan suara", "publisher": "Data Lab", "url": QUERY, "type": "dataset"},
]


def appendix_text(root: Path, language: str) -> str:
    body = "---\ntitle: Isi\n---\nKutipan " + " ".join(f"[@{s['id']}]" for s in SOURCES) + ".\n"
    manifest = {**BASIC_MANIFEST, "language": language, "sources": "sources.yaml"}
    write_brief(root, manifest, {"a.md": body}, **{"sources.yaml": yaml.safe_dump(SOURCES, allow_unicode=True)})
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "o.pdf")])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(root / "o.pdf") as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    return text[text.rindex("Sumber" if language == "id" else "Sources"):]


@pytest.fixture(scope="module")
def indonesian(tmp_path_factory: pytest.TempPathFactory) -> str:
    return appendix_text(tmp_path_factory.mktemp("style") / "id", "id")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> str:
    return appendix_text(tmp_path_factory.mktemp("style") / "en", "en")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_author_lists_and_dkk_in_indonesian(indonesian: str) -> None:
    text = flat(indonesian)
    assert "1. Ani. “Satu penulis.” 2022." in text
    assert "2. Ani dan Budi. “Dua penulis.” 2022." in text
    assert "3. Ani, Budi, dan Citra. “Tiga penulis.” 2022." in text
    assert "4. Ani dkk. “Empat penulis.” 2022." in text  # more than three: the first and "dkk."
    assert "Budi, Citra" not in text.split("4. ")[1].split("5. ")[0]


def test_author_lists_and_et_al_in_english(english: str) -> None:
    text = flat(english)
    assert "2. Ani and Budi. “Dua penulis.”" in text
    assert "3. Ani, Budi, and Citra. “Tiga penulis.”" in text
    assert "4. Ani et al. “Empat penulis.”" in text


def test_no_element_ends_with_doubled_punctuation(indonesian: str, english: str) -> None:
    text = flat(indonesian)
    assert "5. Eka. “Apakah sanksi berhasil?” Penerbit Inc. Dikutip ulang!" in text
    assert "6. Tim Riset et al. Laporan tahunan. 2021." in text
    for doubled in ("..", "?.", "!.", ".”.", ",."):
        assert doubled not in text and doubled not in flat(english), doubled


def _breaks_inside(text: str, url: str) -> list[str]:
    """The characters that open each new line inside *url*, which must read back exactly."""
    joined, where = "", []
    for index, char in enumerate(text):
        if char != "\n":
            where.append(index)
            joined += char
    start = joined.index(url)  # no hyphen added, nothing lost at a line end
    span = where[start:start + len(url)]
    return [text[b] for a, b in zip(span, span[1:]) if b != a + 1]


@pytest.mark.parametrize("url", [VOA, QUERY])
def test_urls_break_only_before_a_mark(indonesian: str, english: str, url: str) -> None:
    for text in (indonesian, english):
        opening = _breaks_inside(text, url)
        assert opening, "the URL is longer than a line: it must break"
        assert all(char in BREAK_BEFORE for char in opening), opening
    assert "/" in _breaks_inside(indonesian, VOA)  # slashes are preferred over the other marks


def test_url_break_points() -> None:
    assert url_break_pairs("https://a.org/b-c?d=1&e") == [
        ("https://a.org", "/b-c?d=1&e"), ("https://a.org/b-c?d=1", "&e"), ("https://a.org/b-c?d", "=1&e"),
        ("https://a.org/b-c", "?d=1&e"), ("https://a.org/b", "-c?d=1&e"), ("https://a", ".org/b-c?d=1&e")]
    assert url_break_pairs("/b-c") == [("/b", "-c")]  # the rest of a broken URL breaks again
    assert url_break_pairs("kata") is None and url_break_pairs("dan/atau") is None  # words are hyphenated instead
    assert url_break_pairs("file:///x") == []  # never inside "//"


def test_reportlab_keeps_its_own_splitter_outside_a_build(indonesian: str) -> None:
    assert rl_paragraph._uri_split_pairs is not url_break_pairs


def test_seasons_given_as_months_and_open_ranges() -> None:
    """Zotero and Better BibTeX write seasons as months 13-16 or 21-24 (citeproc-js, EDTF)."""
    from briefing import csl

    assert csl.date({"date-parts": [[2019, 23]]}).season == "3"
    assert csl.date({"date-parts": [["2015", 21], ["2016", 24]]}).season == "1-4"
    with pytest.raises(ValueError, match="an open-ended range"):
        csl.date({"date-parts": [[2014, 12, 31], [0]]})
    with pytest.raises(ValueError, match="a range from a season to a month"):
        csl.date({"date-parts": [[2017, 13], [2017, 6]]})


def test_season_dates_print_in_the_editions_language(tmp_path: Path) -> None:
    items = [{"id": "a", "type": "book", "title": "Satu", "issued": {"date-parts": [[2019, 23]]}},
             {"id": "b", "type": "book", "title": "Dua", "issued": {"date-parts": [[2017, 14], [2017, 15]]}},
             {"id": "c", "type": "book", "title": "Tiga", "issued": {"date-parts": [[2015, 15], [2016, 13]]}}]
    body = "---\ntitle: Isi\n---\nKutipan [@a] [@b] [@c].\n"
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "sources": "sources.json"}, {"a.md": body},
                       **{"sources.json": json.dumps(items)})
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "o.pdf")])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(root / "o.pdf") as pdf:
        text = flat(pdf.pages[-1].extract_text())
    assert "1. Satu. musim gugur 2019." in text
    assert "2. Dua. musim panas–musim gugur 2017." in text
    assert "3. Tiga. musim gugur 2015–musim semi 2016." in text
