"""Cross-references, captioned tables, page control and box kinds, on the real PDF or the exact error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.cli import main

from .conftest import BASIC_MANIFEST, write_brief


def _build(tmp_path: Path, sections: dict[str, str], manifest: dict[str, Any] | None = None) -> tuple[int, str, Path]:
    root = write_brief(tmp_path / "brief", manifest or BASIC_MANIFEST, sections)
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output, out


def _links(pdf: Path) -> list[tuple[int, str, int]]:
    """(page, linked words, page it leads to) of every internal link, 1-based."""
    document = PdfReader(pdf)
    index = {page.indirect_reference.idnum: number for number, page in enumerate(document.pages, start=1)}
    found = []
    with pdfplumber.open(pdf) as plumbed:
        for number, page in enumerate(document.pages, start=1):
            height = float(page.mediabox.height)
            words = plumbed.pages[number - 1].extract_words()
            for reference in page.get("/Annots") or []:
                annotation = reference.get_object()
                dest = annotation.get("/Dest")
                if dest is None:
                    continue
                x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
                inside = [w["text"] for w in words if x0 - 1 <= (w["x0"] + w["x1"]) / 2 <= x1 + 1
                          and height - y1 - 1 <= (w["top"] + w["bottom"]) / 2 <= height - y0 + 1]
                found.append((number, " ".join(inside), index[dest[0].idnum]))
    return found


def _page_of(pdf: Path, text: str) -> int:
    with pdfplumber.open(pdf) as doc:
        return next(n for n, p in enumerate(doc.pages, start=1) if text in (p.extract_text() or ""))


def test_default_brief_references_link_to_the_map_and_the_table(default_pdf: Path) -> None:
    map_page, table_page = _page_of(default_pdf, "Gambar 2. Letak"), _page_of(default_pdf, "Tabel 1. Bentuk")
    links = _links(default_pdf)
    assert any(text.startswith("(Gambar 2)") and target == map_page for _, text, target in links), links
    assert any(text.startswith("Tabel 1") and target == table_page for _, text, target in links), links
    page_refs = [(text.rstrip(".);"), target) for _, text, target in links if text.startswith("halaman")]
    assert page_refs == [(f"halaman {map_page}", map_page)]


def test_english_edition_says_figure(editions: dict[str, Path]) -> None:
    pdf = editions["mitra"]
    map_page = _page_of(pdf, "Figure 2. Vladivostok")
    assert any(text.startswith("(Figure 2)") and target == map_page for _, text, target in _links(pdf))


def test_page_reference_prints_a_later_page(tmp_path: Path) -> None:
    filler = ("Kalimat pengisi halaman yang cukup panjang. " * 40 + "\n\n") * 6
    table = "| Negara | Nilai |\n|---|---:|\n| A | 1 |\n\n: Nilai {#tbl-nilai}\n"
    code, output, pdf = _build(tmp_path, {
        "01.md": "---\ntitle: Awal\nid: awal\n---\nLihat @tbl-nilai di [halaman @tbl-nilai] dan @sec-akhir.\n",
        "02.md": "---\ntitle: Akhir\nid: akhir\n---\n" + filler + table})
    assert code == 0, output
    table_page = _page_of(pdf, "Tabel 1. Nilai")
    assert table_page > 1
    links = _links(pdf)
    assert (1, f"halaman {table_page}", table_page) in [(p, t.rstrip("."), d) for p, t, d in links], links
    assert any(t.startswith("Bagian 2") and d == _page_of(pdf, "2 Akhir") for _, t, d in links), links


def test_table_caption_above_source_below_and_right_aligned_column(tmp_path: Path) -> None:
    table = ("| Negara | Nilai |\n|:---|---:|\n| Alfa | 1 |\n| Beta | 12345 |\n"
             ": Nilai ekspor {#tbl-x source=\"Data contoh\"}\n")
    code, output, pdf = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n\n" + table})
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        words = {w["text"]: w for w in page.extract_words() if w["top"] < page.height * 0.8}  # not the footer
    assert words["Tabel"]["top"] < words["Negara"]["top"] < words["Alfa"]["top"] < words["Sumber:"]["top"]
    assert abs(words["1"]["x1"] - words["12345"]["x1"]) < 0.5  # `---:`: right edges line up
    assert abs(words["Alfa"]["x0"] - words["Beta"]["x0"]) < 0.5
    assert words["Nilai"]["x1"] - words["12345"]["x1"] < 0.5


def test_column_widths_follow_content(tmp_path: Path) -> None:
    """A column of one short word each is not given half the width while another wraps."""
    long = "kalimat panjang yang menjelaskan keadaan dengan cukup rinci sekali"
    table = f"| Kode | Keterangan |\n|---|---|\n| A1 | {long} |\n| B2 | {long} |\n"
    code, output, pdf = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\n" + table})
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[0].extract_words()
    first = next(w for w in words if w["text"] == "kalimat")
    assert sum(1 for w in words if w["text"] == "kalimat") == 2
    same_line = [w for w in words if abs(w["top"] - first["top"]) < 1]
    assert "sekali" in [w["text"] for w in same_line]  # the long cell fits on one line


def test_page_break_before_starts_a_page(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, {
        "01.md": "---\ntitle: Awal\n---\nSingkat.\n",
        "02.md": "---\ntitle: Berikut\npage_break: before\n---\nTeks kedua.\n\n\\newpage\n\nTeks ketiga.\n"})
    assert code == 0, output
    assert _page_of(pdf, "Singkat.") == 1
    assert _page_of(pdf, "2 Berikut") == 2 and _page_of(pdf, "Teks kedua.") == 2
    assert _page_of(pdf, "Teks ketiga.") == 3


def test_unknown_and_duplicate_labels_are_errors_at_their_lines(tmp_path: Path) -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Satu {#tbl-satu}\n"
    code, output, _ = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nLihat\n@tbl-sat.\n\n" + table + "\n"
                                        + table})
    assert code == 1
    assert ("sections/01.md:5: cross-reference '@tbl-sat' refers to no label in this edition; "
            "did you mean '@tbl-satu'?") in output
    assert "sections/01.md:13: the label '#tbl-satu' is defined twice (first at sections/01.md:7)" in output.replace(str(tmp_path / 'brief') + '/', '')


def test_old_style_comment_is_an_error_that_explains(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n\n{# catatan #}\n"})
    assert code == 1
    assert ("sections/01.md:6: '{# catatan #}' is an old-style template comment: comments are written {## … ##}"
            in output)


def test_new_comments_vanish_and_labels_pass_through(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\n{## catatan ##}\n## Sub {#sec-sub}\n\n"
                                                   "Teks {{ 1 + 1 }}, lihat @sec-sub.\n"})
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "catatan" not in text and "{#" not in text and "Teks 2, lihat Bagian 1.1." in text


def test_box_kinds_print_their_labels(tmp_path: Path) -> None:
    body = ("::: warning\nAwas.\n:::\n\n::: assessment confidence=high\nKami menilai.\n:::\n\n"
            "::: quote\nKutipan besar.\n:::\n\n::: keep\nSatu.\n\nDua.\n:::\n")
    code, output, pdf = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\n" + body})
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "PERINGATAN" in text and "PENILAIAN ANALIS · KEYAKINAN TINGGI" in text and "Kutipan besar." in text


def test_bad_confidence_is_an_error(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\n::: assessment confidence=sure\nX.\n:::\n"})
    assert code == 1
    assert "sections/01.md:4: confidence must be one of low, moderate, high, not 'sure'" in output


# ---------------------------------------------------------------- settings per audience

_SOURCES = "- id: sumber-a\n  title: Judul Sumber Pertama\n  publisher: Penerbit\n  date: 2022\n"


def test_sources_false_edition_has_no_appendix_while_another_has(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "sources": "sources.yaml",
                "audiences": {"menteri": {"label": "Menteri", "sources": False, "toc": True},
                              "analis": {"label": "Analis"}}}
    root = write_brief(tmp_path / "brief", manifest, {"01.md": "---\ntitle: Bagian\n---\nTeks bersumber [@sumber-a].\n"},
                       **{"sources.yaml": _SOURCES})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    texts = {}
    for edition in ("menteri", "analis"):
        with pdfplumber.open(root / "output" / f"brief-{edition}.pdf") as doc:
            texts[edition] = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "Judul Sumber Pertama" in texts["analis"] and "Teks bersumber [1]." in texts["analis"]
    assert "Judul Sumber Pertama" not in texts["menteri"] and "Teks bersumber." in texts["menteri"]
    assert "Daftar Isi" in texts["menteri"] and "Daftar Isi" not in texts["analis"]  # toc per audience


def test_audience_print_settings_are_checked(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"menteri": {"label": "Menteri", "duplex": "ya"}}}
    code, output, _ = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n"}, manifest)
    assert code == 1
    assert "'audiences.menteri.duplex' must be true or false" in output


def test_booklet_budget_counts_booklet_pages_and_says_so(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"menteri": {"label": "Menteri", "page_budget": 2}}}
    filler = ("Kalimat pengisi halaman yang cukup panjang. " * 40 + "\n\n") * 3
    root = write_brief(tmp_path / "brief", manifest, {"01.md": "---\ntitle: Bagian\n---\n" + filler})
    plain = CliRunner().invoke(main, ["build", str(root)])
    assert plain.exit_code == 0, plain.output  # two A4 pages
    result = CliRunner().invoke(main, ["build", str(root), "--booklet"])
    assert result.exit_code == 1
    assert "the 'menteri' edition runs to 4 A5 booklet pages, over its page_budget of 2" in result.output, result.output


# ---------------------------------------------------------------- clearance block


def test_default_brief_clearance_block_ends_the_text_in_each_language(editions: dict[str, Path]) -> None:
    for edition, words in (("analis", ("PENGESAHAN", "Disusun oleh", "Disetujui oleh", "7 Oktober 2022")),
                           ("mitra", ("CLEARANCE", "Prepared by", "Approved by", "7 October 2022"))):
        with pdfplumber.open(editions[edition]) as doc:
            text = "\n".join(page.extract_text(use_text_flow=True) or "" for page in doc.pages)  # column by column
        block = text.index(words[0])
        assert all(word in text[block:block + 400] for word in words), edition
        assert text.index("Tim Analis Asia Timur", block) < text.rindex("Sumber" if edition == "analis" else "Sources")


def test_clearance_on_the_cover_comes_before_the_first_section(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "clearance": {"position": "cover", "signoff": [
        {"role": "prepared", "name": "Analis Satu", "date": "2022-10-07"}, {"role": "Diketahui oleh", "name": "Kepala"}]}}
    code, output, pdf = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n"}, manifest)
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert text.index("Disusun oleh Analis Satu 7 Oktober 2022") < text.index("Diketahui oleh Kepala") < text.index(
        "1 Bagian")


def test_bad_clearance_entry_is_an_error_at_its_key(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "clearance": [{"role": "prepared"}]}
    code, output, _ = _build(tmp_path, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n"}, manifest)
    assert code == 1
    assert ("brief.yaml:4: 'clearance' entry 1 must be a mapping with 'role' and 'name' texts (and an optional 'date')"
            in output.replace(str(tmp_path / "brief") + "/", ""))


# ---------------------------------------------------------------- cover logo


def _logo_brief(tmp_path: Path, logo: Any) -> tuple[int, str, Path]:
    from PIL import Image

    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "logo": logo}, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n"})
    (root / "assets").mkdir(exist_ok=True)
    Image.new("RGB", (600, 300), (200, 30, 30)).save(root / "assets" / "logo.png")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output.replace(str(root) + "/", ""), out


def test_cover_logo_is_placed_in_the_title_band_at_its_height(tmp_path: Path) -> None:
    code, output, pdf = _logo_brief(tmp_path, {"file": "assets/logo.png", "height": 14})
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        (image,) = page.images
        title = next(w for w in page.extract_words() if w["text"] == "Test")
    assert abs(image["height"] - 14 * 72 / 25.4) < 0.5 and abs(image["width"] - 28 * 72 / 25.4) < 0.5
    assert image["x1"] > page.width / 2 and image["top"] < title["bottom"] + 20  # right of the title, in the band


def test_svg_logo_is_refused_with_what_to_do(tmp_path: Path) -> None:
    code, output, _ = _logo_brief(tmp_path, "assets/logo.svg")
    assert code == 1
    assert "brief.yaml:4: logo 'assets/logo.svg' is an SVG: save it as a PNG" in output, output


def test_reference_to_a_section_an_edition_leaves_out_prints_its_title(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"menteri": {"label": "Menteri", "exclude": ["akhir"]}}}
    root = write_brief(tmp_path / "brief", manifest, {
        "01.md": "---\ntitle: Awal\nid: awal\n---\nLihat @sec-akhir dan [halaman @sec-akhir].\n",
        "02.md": "---\ntitle: Penutup\nid: akhir\n---\nTeks.\n"})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(root / "output" / "brief-menteri.pdf") as doc:
        text = doc.pages[0].extract_text()
    assert "Lihat Penutup dan Penutup." in text
    assert not _links(root / "output" / "brief-menteri.pdf")


# ---------------------------------------------------------------- brief-local fonts


def _font_brief(tmp_path: Path, font_bytes: bytes, name: str) -> tuple[int, str, Path]:
    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "theme": "tema.yaml"},
                       {"01.md": "---\ntitle: Bagian\n---\nTeks dalam huruf organisasi.\n"},
                       **{"tema.yaml": f"base: formal\nbody_font:\n  regular: fonts/{name}\n"})
    (root / "fonts").mkdir()
    (root / "fonts" / name).write_bytes(font_bytes)
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output.replace(str(root) + "/", ""), out


def test_brief_local_truetype_body_font_is_embedded(tmp_path: Path) -> None:
    from importlib import resources

    font = (resources.files("fontpkg_fira_sans") / "files" / "FiraSans-ExtraLight.ttf").read_bytes()
    code, output, pdf = _font_brief(tmp_path, font, "Organisasi-Regular.ttf")
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        fonts = {c["fontname"].split("+")[-1] for c in doc.pages[0].chars if c["text"] == "T"}
    assert "FiraSans-ExtraLight" in fonts
    embedded = [f.get_object() for f in PdfReader(pdf).pages[0]["/Resources"]["/Font"].values()]
    assert any("FiraSans-ExtraLight" in str(f["/BaseFont"]) and "/FontFile2" in f["/FontDescriptor"]
               for f in (e if "/FontDescriptor" in e else e["/DescendantFonts"][0].get_object() for e in embedded)
               if "/FontDescriptor" in f)


def test_cff_opentype_font_is_refused_with_what_to_do(tmp_path: Path) -> None:
    code, output, _ = _font_brief(tmp_path, b"OTTO" + b"\0" * 60, "Organisasi.ttf")
    assert code == 1
    assert ("font 'fonts/Organisasi.ttf' has CFF (PostScript) outlines, which cannot be embedded; "
            "use the TrueType (.ttf, glyf outlines) version of the font") in output, output
