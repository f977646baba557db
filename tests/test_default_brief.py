"""The bundled default brief, built and read back from the real PDF."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from briefing.build import build

from .conftest import REPO, normalise

SECTION_CHECKS = [
    ("Ringkasan", "Rusia dan Korea Utara kini saling membutuhkan"),
    ("Dukungan Politik", "Korea Utara lahir pada awal Perang Dingin"),
    ("Dukungan bagi Perang Ukraina", "Korea Utara membalas perlindungan Rusia"),
    ("Hubungan Ekonomi", "Sebagian besar perdagangan Korea Utara melewati China"),
    ("Prospek", "Selama perang di Ukraina berlanjut"),
]


def test_headings_and_sentences_appear_in_order(default_text: list[str]) -> None:
    text = normalise("".join(default_text))
    position = 0
    for heading, sentence in SECTION_CHECKS:
        at_heading = text.find(normalise(heading), position)
        assert at_heading >= 0, f"heading {heading!r} missing or out of order"
        at_sentence = text.find(normalise(sentence), at_heading)
        assert at_sentence >= 0, f"sentence of {heading!r} missing or out of order"
        position = at_sentence


def test_template_variables_and_macros_rendered(default_text: list[str]) -> None:
    text = normalise("".join(default_text))
    assert normalise("sampai dengan 7 Oktober 2022") in text  # vars.data_per
    assert normalise("POKOK-POKOK PENILAIAN") in text  # the key-points macro's box
    assert "{{" not in text and "{%" not in text


def _fonts(reader: PdfReader) -> dict[str, dict]:
    fonts: dict[str, dict] = {}
    for page in reader.pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_every_font_is_embedded(default_pdf: Path) -> None:
    fonts = _fonts(PdfReader(default_pdf))
    assert fonts, "no fonts found"
    for name, font in fonts.items():
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        assert descriptor is not None, f"{name} has no font descriptor (a base-14 reference?)"
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
    assert not any("Helvetica" in name for name in fonts)
    assert any("IBMPlexSerif" in name for name in fonts)


def test_metadata_and_language(default_pdf: Path) -> None:
    reader = PdfReader(default_pdf)
    meta = reader.metadata
    assert meta.title == "Rusia dan Korea Utara Kian Merapat"
    assert meta.author == "Tim Analis Asia Timur"
    assert "Rusia" in (meta.subject or "")
    assert str(reader.trailer["/Root"].get("/Lang")) == "id-ID"
    assert str(meta["/CreationDate"]).startswith("D:20221007")


def test_outline_lists_the_headings(default_pdf: Path) -> None:
    reader = PdfReader(default_pdf)
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles == ["Ringkasan", "1 Dukungan Politik", "2 Dukungan bagi Perang Ukraina", "3 Hubungan Ekonomi", "4 Prospek", "Sumber"]
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any(child.title == "1.1 Menyeimbangkan Beijing dan Moskow" for group in nested for child in group)
    # Each bookmark lands on the page that shows its heading.
    pages = [reader.get_destination_page_number(item) for item in top]
    assert pages == sorted(pages) and pages[0] == 0 and pages[-1] > 0
    for item, page in zip(top, pages):
        title = item.title.split(" ", 1)[-1] if item.title[0].isdigit() else item.title
        assert title in reader.pages[page].extract_text()


def test_footer_and_marking_on_every_page(default_text: list[str]) -> None:
    total = len(default_text)
    assert total >= 2
    for number, text in enumerate(default_text, start=1):
        assert f"Halaman {number} dari {total}" in text
        assert text.count("TERBATAS") >= 2, f"page {number} lacks the top and bottom marking"
        assert "Rusia dan Korea Utara Kian Merapat" in text


def test_specimen_notice_on_cover(default_text: list[str]) -> None:
    assert "CONTOH" in default_text[0]


def test_two_builds_are_byte_identical(tmp_path: Path, default_pdf: Path) -> None:
    second = tmp_path / "b.pdf"  # the first is the session's build of the same edition
    build(REPO, second, audiences=("analis",))
    assert default_pdf.read_bytes() == second.read_bytes()


def test_source_date_epoch_sets_creation_date(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "a.pdf"
    build(REPO, out, audiences=("publik",))
    assert str(PdfReader(out).metadata["/CreationDate"]).startswith("D:20231114")
