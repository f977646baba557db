"""Audience editions of one brief: content, markings, language, budget, leaks, reports, CLI."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from briefing.build import build
from briefing.errors import BriefingError

from .conftest import BASIC_MANIFEST, REPO, normalise, run_cli, write_brief


def text_of(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_one_call_builds_every_edition(editions: dict[str, Path]) -> None:
    assert set(editions) == {"pimpinan", "analis", "publik", "mitra"}
    for audience, path in editions.items():
        assert path.name == f"rusia-korea-utara-{audience}.pdf"
        assert PdfReader(path).pages


def test_leadership_edition_is_short_and_bottom_line_first(editions: dict[str, Path]) -> None:
    path = editions["pimpinan"]
    assert len(PdfReader(path).pages) <= 2
    text = normalise(text_of(path))
    assert text.index("INTISARI") < text.index("POKOK")
    assert "DukunganPolitik" not in text  # analysis sections left out
    assert normalise("Prospek dan Indikator") in text  # the leadership variant of the outlook
    assert normalise("Edisi pimpinan ini") in text  # a passage chosen by {% if audience.id %}
    assert "KTTKim–Putinpertama" in text and "Perangkorea" not in text.lower().replace("perangkorea", "x")
    assert normalise("Korea Utara berdiri") not in text  # only timeline events tagged 'kunci'
    assert normalise("Kepada: Menteri") in text  # recipients on the cover


def test_analyst_edition_has_everything_and_is_marked_terbatas(editions: dict[str, Path]) -> None:
    text = text_of(editions["analis"])
    flat = normalise(text)
    assert normalise("PENILAIAN ANALIS · KEYAKINAN SEDANG") in flat
    assert normalise("Catatan untuk analis") in flat
    assert normalise("Dukungan Politik") in flat and "Prospek" in text
    assert text.count("TERBATAS") >= 2 * len(PdfReader(editions["analis"]).pages)


def test_public_edition_has_no_restricted_content_and_is_marked_biasa(editions: dict[str, Path]) -> None:
    path = editions["publik"]
    text = text_of(path)
    flat = normalise(text)
    assert "TERBATAS" not in text
    assert text.count("BIASA") >= 2 * len(PdfReader(path).pages)
    assert normalise("PENILAIAN ANALIS") not in flat and normalise("Bantahan kedua negara") not in flat
    assert normalise("Catatan untuk analis") not in flat
    assert "Prospek" not in text  # a TERBATAS section
    assert normalise("Rusia dan Korea Utara semakin dekat") in flat  # the public summary variant


def test_partner_edition_is_in_english(editions: dict[str, Path]) -> None:
    path = editions["mitra"]
    text = text_of(path)
    for label in ("Timeline", "Sources", "Page 1 of", "Figure 1.", "BOTTOM LINE", "KEY JUDGEMENTS"):
        assert label in text, label
    assert "25 April 2019" in text and "May 2022" in text and "February 2022" in text
    assert "Lini Masa" not in text and "Halaman" not in text
    assert "Political Support" in text
    assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "en-GB"


def test_reports_list_what_each_edition_left_out(editions: dict[str, Path]) -> None:
    report = editions["publik"].with_suffix(".report.txt").read_text(encoding="utf-8")
    assert "Marking: BIASA" in report
    assert "section 'prospek'" in report and "level TERBATAS is above the audience's BIASA" in report
    assert "sections/04-hubungan-ekonomi.md:17): for analis only" in report
    pimpinan = editions["pimpinan"].with_suffix(".report.txt").read_text(encoding="utf-8")
    assert "not in the audience's 'include' list" in pimpinan and "has none of the tags kunci" in pimpinan


AUDIENCE_MANIFEST = {
    **BASIC_MANIFEST,
    "levels": ["BIASA", "TERBATAS", "RAHASIA"],
    "sources": "sources.yaml",
    "audiences": {"publik": {"level": "BIASA"}, "dalam": {"level": "RAHASIA"}},
}
SOURCES = "- {id: terbuka, title: Sumber terbuka}\n- {id: rahasia, title: Sumber rahasia, level: RAHASIA}\n"


def test_leak_check_fails_on_restricted_citation_in_public_passage(tmp_path: Path) -> None:
    body = "---\ntitle: Isi\n---\nFakta terbuka [@terbuka].\n\nFakta yang bocor [@rahasia].\n"
    write_brief(tmp_path, AUDIENCE_MANIFEST, {"a.md": body}, **{"sources.yaml": SOURCES})
    with pytest.raises(BriefingError) as info:
        build(tmp_path, audiences=("publik",))
    assert info.value.path.name == "a.md" and info.value.line == 6
    assert "leak" in info.value.message and "rahasia" in info.value.message
    assert not (tmp_path / "output" / "test-brief-publik.pdf").exists()
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1 and "leak" in result.stderr and "Traceback" not in result.stderr


def test_restricted_passage_citing_restricted_source_is_fine(tmp_path: Path) -> None:
    body = "---\ntitle: Isi\n---\nFakta terbuka [@terbuka].\n\n::: only level=RAHASIA\nFakta tertutup [@rahasia].\n:::\n"
    write_brief(tmp_path, AUDIENCE_MANIFEST, {"a.md": body}, **{"sources.yaml": SOURCES})
    results = {r.edition: r for r in build(tmp_path)}
    assert "Fakta tertutup" not in text_of(results["publik"].path)
    inner = text_of(results["dalam"].path)
    assert "Fakta tertutup" in inner and "RAHASIA" in inner  # banner follows the highest level present


def test_unknown_audience_is_a_usage_error_listing_valid_ones() -> None:
    result = run_cli("build", str(REPO), "--audience", "menteri", "-o", "/tmp/never.pdf")
    assert result.returncode == 2
    assert "menteri" in result.stderr and "pimpinan, analis, publik, mitra" in result.stderr


def test_page_budget_is_enforced(tmp_path: Path) -> None:
    long_text = "\n\n".join(["Kalimat panjang yang mengisi halaman demi halaman dokumen ini. " * 8] * 40)
    manifest = {**BASIC_MANIFEST, "audiences": {"singkat": {"page_budget": 1}}}
    write_brief(tmp_path, manifest, {"a.md": f"---\ntitle: Isi\n---\n{long_text}\n"})
    with pytest.raises(BriefingError, match="the 'singkat' edition runs to [0-9]+ pages, over its page_budget of 1") as info:
        build(tmp_path)
    lines = (tmp_path / "brief.yaml").read_text().splitlines()
    assert info.value.path.name == "brief.yaml" and lines[info.value.line - 1].strip() == "page_budget: 1"


def test_unknown_level_in_content_names_its_line(tmp_path: Path) -> None:
    body = "---\ntitle: Isi\n---\nA.\n\n::: only level=SANGATRAHASIA\nB.\n:::\n"
    write_brief(tmp_path, AUDIENCE_MANIFEST, {"a.md": body}, **{"sources.yaml": SOURCES})
    with pytest.raises(BriefingError) as info:
        build(tmp_path, audiences=("publik",))
    assert info.value.line == 6 and "unknown handling level" in info.value.message


def test_audiences_command_lists_sections() -> None:
    result = run_cli("audiences", str(REPO))
    assert result.returncode == 0
    assert "pimpinan: Pimpinan" in result.stdout and "05-prospek.pimpinan.md" in result.stdout
    assert "mitra: Mitra asing (en" in result.stdout and "01-ringkasan.en.md" in result.stdout


def test_bad_audience_settings_name_their_lines(tmp_path: Path) -> None:
    manifest = "title: X\ndate: 2022-01-01\nlevels: [A, B]\naudiences:\n  x:\n    level: C\n    colour: red\n"
    write_brief(tmp_path, manifest, {"a.md": "---\ntitle: A\n---\nA.\n"})
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1
    assert "brief.yaml:6" in result.stderr and "unknown level 'C'" in result.stderr
    assert "brief.yaml:7" in result.stderr and "audiences.x.colour" in result.stderr
