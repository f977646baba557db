"""Cross-references, captioned tables, page control and box kinds, on the real PDF or the exact error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
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
    assert ("brief.yaml:5: 'clearance' entry 1 must be a mapping with 'role' and 'name' texts (and an optional 'date')"
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


_SVG_LOGO = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 100">
  <rect x="0" y="0" width="100" height="100" rx="12" fill="#ffffff"/>
  <circle id="c" cx="50" cy="50" r="34" fill="#e0a030"/>
  <path d="M120 20 L200 50 L120 80 Z" fill="#c8102e"/>
  <use xlink:href="#c" transform="translate(140 40) scale(0.2)"/>
</svg>
"""


def _svg_logo_brief(tmp_path: Path, svg: str, *options: str) -> tuple[int, str, Path]:
    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "logo": {"file": "assets/logo.svg", "height": 14}},
                       {"01.md": "---\ntitle: Bagian\n---\nTeks.\n"}, **{"assets/logo.svg": svg})
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), *options])
    return result.exit_code, result.output.replace(str(root) + "/", ""), out


def test_svg_logo_is_drawn_as_vector_shapes_in_the_logo_slot(tmp_path: Path) -> None:
    code, output, pdf = _svg_logo_brief(tmp_path, _SVG_LOGO, "--pdf-standard", "ua-1+a-2b")
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        band = next(r for r in page.rects if r["x0"] <= 0 and r["width"] >= page.width)
        title = next(w for w in page.extract_words() if w["text"] == "Test")
        shapes = [o for o in page.curves + page.rects if o is not band and o["bottom"] <= band["bottom"]]
        assert page.images == []  # nothing rasterised
    fills = {_hex(o["non_stroking_color"]) for o in shapes}
    assert {"#ffffff", "#e0a030", "#c8102e"} <= fills
    left, right = min(o["x0"] for o in shapes), max(o["x1"] for o in shapes)
    top, bottom = min(o["top"] for o in shapes), max(o["bottom"] for o in shapes)
    slot = 14 * 72 / 25.4
    assert abs((bottom - top) - slot) < 0.5 and abs((right - left) - 2 * slot) < 0.5  # scaled to 14 mm high, 2:1
    assert left > title["x1"] and right <= page.width - 56 and band["top"] < top < bottom < band["bottom"]


def test_default_brief_cover_emblem_is_vector(default_pdf: Path) -> None:
    with pdfplumber.open(default_pdf) as doc:
        page = doc.pages[0]
        band = next(r for r in page.rects if r["x0"] <= 0 and r["width"] >= page.width)
        emblem = [c for c in page.curves if band["top"] < c["top"] and c["bottom"] < band["bottom"]]
        images = [i for i in page.images if i["top"] < band["bottom"]]
    assert len(emblem) >= 5 and not images
    assert min(c["x0"] for c in emblem) > page.width * 0.75


_HOSTILE_SVGS = {
    "external entity": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><path d="M0 0h1v1z"/></svg>',
                        "assets/logo.svg:2: the logo SVG declares XML entities"),
    "entity expansion": ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                         '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><desc>&b;</desc></svg>',
                         "assets/logo.svg:1: the logo SVG declares XML entities"),
    "remote image": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                     'viewBox="0 0 9 9">\n<path d="M0 0h1v1z"/>\n<image xlink:href="https://example.org/x.png"/></svg>',
                     "assets/logo.svg:3: the logo SVG's <image> refers to 'https://example.org/x.png'"),
    "file outside": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n<use href="../../secret.svg#a"/></svg>',
                     "assets/logo.svg:2: the logo SVG's <use> refers to '../../secret.svg#a'"),
    "css import": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n'
                   '<style>@import url(http://example.org/a.css);</style></svg>',
                   "assets/logo.svg:2: the logo SVG's style refers to 'http://example.org/a.css' outside the file"),
    "text": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n<text>ORG</text></svg>',
             "assets/logo.svg:2: the logo SVG has text (it would print in whatever font this machine has): "
             "convert the text to paths"),
    "too many elements": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n' + "<g/>" * 20_001 + "</svg>",
                          "assets/logo.svg:2: the logo SVG has more than 20000 elements"),
    "too large": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n' + '<path d="M0 0h1v1z"/>\n' * 50_000
                  + "</svg>", "assets/logo.svg: the logo SVG is 1100 KB; a logo may be at most 1 MB"),
    "filter": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n<filter id="f"/>\n'
               '<path filter="url(#f)" d="M0 0h1v1z"/></svg>',
               "assets/logo.svg:2: the logo SVG has <filter>, which the SVG converter cannot draw"),
    "no size": ('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1z"/></svg>',
                "assets/logo.svg:1: the logo SVG has no size: give its <svg> element a viewBox"),
    "percent size": ('<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%"><path d="M0 0h1v1z"/></svg>',
                     "assets/logo.svg:1: the logo SVG's size is in percent (of nothing, on a cover) and it has no "
                     "viewBox"),
    "colour svglib cannot read": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n'
                                  '<path fill="notacolour" d="M0 0h1v1z"/></svg>',
                                  "assets/logo.svg: the logo SVG cannot be drawn as written (Can't handle color: "
                                  "notacolour)"),
}


@pytest.mark.parametrize("name", list(_HOSTILE_SVGS))
def test_hostile_svg_logo_is_refused_at_its_line(tmp_path: Path, name: str) -> None:
    svg, expected = _HOSTILE_SVGS[name]
    code, output, pdf = _svg_logo_brief(tmp_path, svg)
    assert code == 1
    assert expected in output, output
    assert "Traceback" not in output and not pdf.exists()


@pytest.mark.parametrize("svg_size", ['viewBox="0 0 10000 10"', 'width="4000" height="1"'])
def test_a_very_wide_logo_is_set_smaller_and_leaves_the_title_its_room(tmp_path: Path, svg_size: str) -> None:
    shape = '<rect width="10000" height="10"' if "viewBox" in svg_size else '<rect width="4000" height="1"'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {svg_size}>{shape} fill="#e0a030"/></svg>'
    code, output, pdf = _svg_logo_brief(tmp_path, svg)
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        band = next(r for r in page.rects if r["x0"] <= 0 and r["width"] >= page.width)
        title = next(w for w in page.extract_words() if w["text"] == "Test")
        (logo,) = [o for o in page.rects if o is not band and o["bottom"] <= band["bottom"]]
    block = page.width - 2 * title["x0"]
    assert logo["width"] <= block / 3 + 0.5 and logo["height"] < 14 * 72 / 25.4  # a third of the block, lower
    assert logo["x0"] > title["x1"]


def test_svg_logo_shapes_outside_its_viewbox_are_not_drawn(tmp_path: Path) -> None:
    """As a browser clips an SVG to its viewport: a shape an editor left off the canvas must not
    paint over the title beside the logo."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect x="-2000" width="2100" height="100" '
           'fill="#e0a030"/><circle cx="50" cy="50" r="40" fill="#ffffff"/></svg>')
    code, output, pdf = _svg_logo_brief(tmp_path, svg)
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        title = next(w for w in page.extract_words() if w["text"] == "Test")
        picture = page.to_image(resolution=72).original.convert("RGB")
    beside_title = picture.getpixel((int(title["x1"]) + 20, int(title["top"])))
    assert beside_title != (0xe0, 0xa0, 0x30) and beside_title[0] < 128, beside_title  # the band's own dark accent


def test_svg_logo_gradient_is_refused_only_in_a_pdf_a_edition(tmp_path: Path) -> None:
    svg = _SVG_LOGO.replace('fill="#e0a030"', 'fill="url(#g)"').replace(
        "<rect", '<linearGradient id="g"><stop offset="0" stop-color="#f0c040"/></linearGradient>\n  <rect')
    code, output, _ = _svg_logo_brief(tmp_path, svg)
    assert code == 0, output
    code, output, _ = _svg_logo_brief(tmp_path, svg, "--pdf-standard", "a-2b")
    assert code == 1
    assert "assets/logo.svg:3: the logo SVG has a gradient, which a PDF/A edition cannot carry" in output, output


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


# ---------------------------------------------------------------- references in timeline texts and footnotes


def _referring_brief(tmp_path: Path, event_text: str, footnotes: str = "sidenotes") -> tuple[int, str, Path]:
    from PIL import Image

    filler = ("Kalimat pengisi halaman yang cukup panjang. " * 40 + "\n\n") * 3
    manifest = {**BASIC_MANIFEST, "timeline": "timeline.yaml", "footnotes": footnotes}
    root = write_brief(tmp_path / "brief", manifest, {
        "01.md": "---\ntitle: Awal\nid: awal\n---\nTeks dengan catatan.[^peta]\n\n[^peta]: Letaknya pada\n  @fig-peta.\n\n"
                 + filler + "![Peta](assets/peta.png){#fig-peta caption=\"Peta contoh.\"}\n"},
        **{"timeline.yaml": f"- date: 2019-04-25\n  title: KTT pertama\n  text: {event_text}\n"})
    (root / "assets").mkdir()
    Image.new("RGB", (900, 600), (30, 90, 160)).save(root / "assets" / "peta.png")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output.replace(str(root) + "/", ""), out


def test_references_in_timeline_and_footnote_print_and_link(tmp_path: Path) -> None:
    code, output, pdf = _referring_brief(tmp_path, "Lihat @fig-peta dan @sec-awal.")
    assert code == 0, output
    map_page = _page_of(pdf, "Gambar 1. Peta contoh.")
    assert map_page > 1
    with pdfplumber.open(pdf) as doc:
        first = doc.pages[0].extract_text()
    assert "Lihat Gambar 1 dan Bagian 1." in first and "@" not in first
    assert "Letaknya pada Gambar 1." in first  # the note beside its call
    links = [(page, text.rstrip(".,"), target) for page, text, target in _links(pdf)]
    assert links.count((1, "Gambar 1", map_page)) == 2, links  # the event's and the note's
    assert (1, "Bagian 1", 1) in links, links


def test_reference_in_an_endnote_links_to_its_figure(tmp_path: Path) -> None:
    code, output, pdf = _referring_brief(tmp_path, "Tanpa rujukan.", footnotes="endnotes")
    assert code == 0, output
    map_page, notes_page = _page_of(pdf, "Gambar 1. Peta contoh."), _page_of(pdf, "Letaknya pada Gambar 1.")
    assert (notes_page, "Gambar 1", map_page) in [(p, t.rstrip("."), d) for p, t, d in _links(pdf)]


def test_unknown_label_in_a_timeline_text_or_footnote_is_an_error_at_its_line(tmp_path: Path) -> None:
    code, output, _ = _referring_brief(tmp_path, "Lihat @fig-pet.")
    assert code == 1
    assert "timeline.yaml:3: cross-reference '@fig-pet' refers to no label in this edition; " \
           "did you mean '@fig-peta'?" in output, output
    root = tmp_path / "brief"
    section = root / "sections" / "01.md"
    section.write_text(section.read_text(encoding="utf-8").replace("  @fig-peta.", "  @fig-petta."), encoding="utf-8")
    (root / "timeline.yaml").write_text("- date: 2019-04-25\n  title: KTT pertama\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "again.pdf")])
    assert result.exit_code == 1
    assert "sections/01.md:8: cross-reference '@fig-petta'" in result.output, result.output
    assert not (tmp_path / "again.pdf").exists()


# ---------------------------------------------------------------- box kinds a theme defines

_THEME_BOXES = """\
base: formal
boxes:
  rekomendasi:
    label: {id: Rekomendasi, en: Recommendation}
    background: "#e8f3e4"
    rule: "#2e6b2a"
    label_ink: "#2e6b2a"
  catatan-lapangan:
    label: Catatan Lapangan
    rule: "#7a5c00"
    rule_style: dashed
"""


def _theme_box_brief(tmp_path: Path, body: str, theme: str = _THEME_BOXES) -> tuple[int, str, Path]:
    manifest = {**BASIC_MANIFEST, "theme": "tema.yaml",
                "audiences": {"dalam": {"label": "Dalam"}, "luar": {"label": "Luar", "language": "en"}}}
    root = write_brief(tmp_path / "brief", manifest, {"01.md": "---\ntitle: Bagian\n---\nTeks.\n\n" + body},
                       **{"tema.yaml": theme})
    result = CliRunner().invoke(main, ["build", str(root)])
    return result.exit_code, result.output.replace(str(root) + "/", ""), root / "output"


def _hex(rgb: Any) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def test_theme_box_kinds_print_their_label_in_each_language_and_colours(tmp_path: Path) -> None:
    code, output, out = _theme_box_brief(tmp_path, "::: rekomendasi\nKirim nota.\n:::\n\n"
                                                   "::: catatan-lapangan Dari Vladivostok\nPengamatan.\n:::\n")
    assert code == 0, output
    for edition, label in (("dalam", "REKOMENDASI"), ("luar", "RECOMMENDATION")):
        with pdfplumber.open(out / f"brief-{edition}.pdf") as doc:
            page = doc.pages[0]
            words = {w["text"]: w for w in page.extract_words()}
            boxes = [r for r in page.rects if r["fill"] and r["x0"] > 0]  # not the cover band
            rule_ink = next(c for c in page.chars if c["text"] == label[0] and abs(c["top"] - words[label]["top"]) < 1)
        recommendation, field_note = sorted(boxes, key=lambda r: r["top"])
        assert recommendation["top"] < words[label]["top"] < words["Kirim"]["top"] < recommendation["bottom"]
        assert _hex(recommendation["non_stroking_color"]) == "#e8f3e4"
        assert _hex(recommendation["stroking_color"]) == "#2e6b2a" and recommendation["dash"] is None
        assert _hex(rule_ink["non_stroking_color"]) == "#2e6b2a"  # the label in its own ink
        assert field_note["top"] < words["VLADIVOSTOK"]["top"] < field_note["bottom"]  # a title replaces the label
        assert _hex(field_note["non_stroking_color"]) == "#f3f5f8"  # no background: the theme's tint
        assert _hex(field_note["stroking_color"]) == "#7a5c00" and field_note["dash"] is not None


def test_unknown_box_kind_lists_the_themes_kinds_too(tmp_path: Path) -> None:
    code, output, _ = _theme_box_brief(tmp_path, "::: rekomendasy\nKirim.\n:::\n")
    assert code == 1
    assert ("sections/01.md:6: unknown box kind 'rekomendasy'; did you mean 'rekomendasi'? known kinds: bluf, "
            "keypoints, note, warning, assessment, quote, readalso, only, keep, pagebreak, rekomendasi, "
            "catatan-lapangan") in output, output


def test_a_theme_box_kind_is_an_error_in_a_theme_without_it(tmp_path: Path) -> None:
    code, output, _ = _theme_box_brief(tmp_path, "::: rekomendasi\nKirim.\n:::\n", theme="base: formal\n")
    assert code == 1
    assert "sections/01.md:6: unknown box kind 'rekomendasi'; known kinds: bluf," in output, output


def test_bad_theme_box_kinds_are_errors_at_their_lines(tmp_path: Path) -> None:
    theme = ("base: formal\nboxes:\n  warning:\n    label: X\n  kotak:\n    label: {fr: Boîte}\n"
             "    background: green\n    rule_style: dotted\n    icon: star\n")
    code, output, _ = _theme_box_brief(tmp_path, "Teks.\n", theme=theme)
    assert code == 1
    for expected in ("tema.yaml:3: box kind 'warning' is built in; give the theme's kind another name",
                     "tema.yaml:6: the label of box kind 'kotak' must be a text, or a mapping of languages (id, en)",
                     "tema.yaml:7: 'background' of box kind 'kotak' must be a colour written #rrggbb",
                     "tema.yaml:8: 'rule_style' of box kind 'kotak' must be one of: solid, dashed",
                     "tema.yaml:9: unknown setting 'icon' of box kind 'kotak'"):
        assert expected in output, output


def test_theme_box_colours_turn_gray_with_the_theme(tmp_path: Path) -> None:
    code, output, out = _theme_box_brief(tmp_path, "::: rekomendasi\nKirim nota.\n:::\n")
    assert code == 0, output
    result = CliRunner().invoke(main, ["build", str(tmp_path / "brief"), "-a", "dalam", "--grayscale",
                                       "-o", str(tmp_path / "gray.pdf")])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(tmp_path / "gray.pdf") as doc:
        (box,) = [r for r in doc.pages[0].rects if r["fill"] and r["x0"] > 0]
    fill, stroke = box["non_stroking_color"], box["stroking_color"]
    assert len(set(fill)) == 1 and len(set(stroke)) == 1 and fill[0] > 0.9 > 0.5 > stroke[0]


def test_blocks_without_references_or_internal_links_come_back_as_they_were() -> None:
    """Resolving copies only what it changes: a paragraph with no reference and no `#` link is
    the same object afterwards (a large brief's thousands of paragraphs were all rebuilt)."""
    from briefing.crossrefs import resolve_crossrefs
    from briefing.errors import Reporter
    from briefing.links import resolve_links
    from briefing.markdown import parse_markdown
    from briefing.model import Section, SourcePos

    path = Path("sections/01.md")
    blocks = parse_markdown("Plain *words* and [a site](https://example.org).\n\n## Heading {#sec-h}\n\n"
                            "See @sec-h and [the heading](#heading).\n", path)
    sections = [Section("s1", "One", blocks, SourcePos(path, 1))]
    reporter = Reporter()
    linked = resolve_links(sections, ("s1",), reporter)
    resolved, _ = resolve_crossrefs(linked, (), "id", {}, reporter)
    plain, heading, referring = resolved[0].blocks
    assert plain is blocks[0]
    assert heading is not blocks[1] and heading.anchor is not None
    assert referring is not blocks[2] and referring != blocks[2]
