"""The page around the text, measured in the real PDF: running heads and footers that fit any
title on any paper, figures in their own page's block, the sources list's hanging numbers,
the banner's level and the edition on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from briefing.build import BuildOptions, build

from .conftest import BASIC_MANIFEST, write_brief
from .pagecheck import overlaps

LONG_TITLE = ("Rusia dan Korea Utara Kian Merapat: Dukungan Politik, Perang di Ukraina dan Ekonomi Kedua Negara")
TEXT = "\n\n".join(f"Paragraf {i}. Kalimat isi yang cukup panjang untuk mengisi halaman dokumen uji ini." * 3
                   for i in range(24))


def long_title_brief(tmp_path: Path) -> Path:
    manifest = {**BASIC_MANIFEST, "title": LONG_TITLE, "organisation": "Unit Analisis Kawasan Asia Timur",
                "control_number": "BR-2022-117", "levels": ["BIASA", "TERBATAS"],
                "audiences": {"analis": {"label": "Analis", "level": "TERBATAS"}}}
    assert len(LONG_TITLE) >= 90
    return write_brief(tmp_path, manifest, {"01-a.md": f"---\ntitle: Bagian Satu\n---\n{TEXT}\n"})


@pytest.mark.parametrize("options", [
    {}, {"paper": "Letter"}, {"paper": "A5"}, {"booklet": True, "paper": "Letter"}, {"orientation": "landscape"},
    {"duplex": True, "paper": "Legal"},
], ids=["A4", "Letter", "A5", "half-letter-booklet", "landscape", "Legal-duplex"])
def test_no_text_overprints_other_text_with_a_90_character_title(tmp_path: Path, options: dict[str, Any]) -> None:
    root = long_title_brief(tmp_path)
    out = tmp_path / "o.pdf"
    build(root, out, options=BuildOptions(**options))
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages, start=1):
            assert overlaps(page.chars) == [], f"page {number}"
            outside = [c["text"] for c in page.chars if c["x0"] < -0.5 or c["x1"] > page.width + 0.5]
            assert outside == [], f"page {number} runs off the paper"
        later = pdf.pages[1].extract_text()
        assert "\u2026" in later or options.get("orientation")  # the title gave way (landscape has room)
        assert "Edisi Analis" in later and "No. BR-2022-117" in later


def test_short_title_runs_in_the_heads_and_footers(tmp_path: Path) -> None:
    root = long_title_brief(tmp_path)
    text = (root / "brief.yaml").read_text(encoding="utf-8")
    (root / "brief.yaml").write_text(text + "short_title: Rusia–Korea Utara\n", encoding="utf-8")
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[1].extract_text()
        first = pdf.pages[0].extract_text()
    assert page.count("Rusia–Korea Utara") == 2 and "\u2026" not in page  # running head and footer
    assert "Dukungan Politik, Perang" in first  # the cover keeps the full title


def test_banner_shows_the_editions_clearance_even_over_unmarked_text(tmp_path: Path) -> None:
    root = long_title_brief(tmp_path)  # only unmarked text, for readers cleared to TERBATAS
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            lines = (page.extract_text() or "").splitlines()
            assert lines[0] == "TERBATAS" and lines[-1] == "TERBATAS"
            assert "BIASA" not in page.extract_text()


def test_full_width_figures_sit_in_their_own_pages_block_in_duplex(tmp_path: Path) -> None:
    from briefing.layout.geometry import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    from .test_figures import make_image

    figure = '![Peta](assets/m.png){width=full caption="Lebar penuh."}'
    paragraph = "Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini. " * 6
    body = "\n\n".join([paragraph] * 2 + [figure, *[paragraph] * 5] * 4)
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "duplex": True}, {"a.md": f"---\ntitle: A\n---\n{body}\n"})
    make_image(root / "assets" / "m.png", (2400, 1000))
    out = tmp_path / "o.pdf"
    build(root, out)
    recto = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], False, 0, duplex=True)
    blocks = {1: recto.block, 0: recto.mirrored().block}
    seen = set()
    with pdfplumber.open(out) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            block = blocks[number % 2]
            for image in page.images:
                seen.add(number % 2)
                assert block.x - 0.5 <= image["x0"] and image["x1"] <= block.x + block.width + 0.5, f"page {number}"
    assert seen == {0, 1}  # figures on both recto and verso pages


def test_source_numbers_hang_right_aligned_at_the_entrys_size(tmp_path: Path) -> None:
    sources = "".join(f"- {{id: s{i}, title: Laporan panjang nomor {i} tentang hubungan politik dan ekonomi kedua negara di kawasan Asia Timur, "
                      f"publisher: Penerbit Contoh}}\n" for i in range(1, 13))
    cites = " ".join(f"Fakta {i} [@s{i}]." for i in range(1, 13))
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "sources": "sources.yaml"},
                       {"a.md": f"---\ntitle: A\n---\n{cites}\n"}, **{"sources.yaml": sources})
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    heading = next(i for i, line in enumerate(lines) if line["text"] == "Sumber")
    entries = [line for line in lines[heading + 1:] if line["text"].split(" ")[0].rstrip(".").isdigit()
               and 8.5 < line["chars"][0]["size"] < 9.5]
    assert [int(line["text"].split(".")[0]) for line in entries] == list(range(1, 13))
    ends, starts, sizes = set(), set(), set()
    for line in entries:
        number = line["text"].split(" ")[0]
        chars = line["chars"]
        ends.add(round(chars[len(number) - 1]["x1"], 1))
        starts.add(round(chars[len(number) + (chars[len(number)]["text"] == " ")]["x0"], 1))
        sizes |= {round(c["size"], 1) for c in chars}
    assert len(ends) == 1, ends  # right-aligned numbers
    assert len(starts) == 1, starts  # every first line starts at the hanging indent
    assert sizes == {9.0}
    turnovers = [line for line in lines[heading + 1:] if line not in entries and 8.5 < line["chars"][0]["size"] < 9.5]
    assert turnovers and {round(line["x0"], 1) for line in turnovers} == starts


PARAGRAPH = "Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini. " * 5


def _layout(out: Path) -> list[tuple[int, float, str]]:
    """(page, top, text or '[image]') of every body line and image, in reading order."""
    items = []
    with pdfplumber.open(out) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for line in page.extract_text_lines():
                if 60 < line["top"] < page.height - 75:
                    items.append((number, line["top"], line["text"]))
            items += [(number, image["top"], "[image]") for image in page.images]
    return sorted(items)


@pytest.mark.parametrize("before", range(2, 7))
def test_a_floated_figure_stays_in_its_section_and_out_of_a_short_list(tmp_path: Path, before: int) -> None:
    from .test_figures import make_image

    first = "\n\n".join([PARAGRAPH] * before + ['![Peta](assets/m.png){caption="Peta."}', "Pengantar daftar:",
                                                "1. butir satu\n2. butir dua\n3. butir tiga\n4. butir empat"])
    sections = {"01-a.md": f"---\ntitle: Satu\n---\n{first}\n", "02-b.md": f"---\ntitle: Dua\n---\n{PARAGRAPH}\n"}
    root = write_brief(tmp_path, BASIC_MANIFEST, sections)
    make_image(root / "assets" / "m.png", (1200, 1100))
    out = tmp_path / "o.pdf"
    build(root, out)
    layout = _layout(out)
    order = [text for _, _, text in layout]
    image, second = order.index("[image]"), next(i for i, t in enumerate(order) if t.startswith("2 Dua"))
    assert image < second  # set before the next section's heading, whatever hole that leaves
    items = [i for i, t in enumerate(order) if "butir" in t]
    assert not items[0] < image < items[-1]  # never inside the four-item list


def test_a_heading_before_an_inset_asks_only_for_the_room_the_inset_needs(editions: dict[str, Path]) -> None:
    with pdfplumber.open(editions["publik"]) as pdf:
        page = pdf.pages[0]
        body = [line for line in page.extract_text_lines() if line["x0"] < page.width * 0.6 and line["top"] < page.height - 75]
        empty = page.height - 22 * 72 / 25.4 - max(line["bottom"] for line in body)
        assert "1 Dukungan Politik" in page.extract_text()  # the heading and its inset start on page 1
    assert empty < 80  # was 239 pt with a fixed third of the page asked for


def test_spaces_collapse_after_a_box_and_rules_come_in_two_weights(tmp_path: Path) -> None:
    body = (f"{PARAGRAPH}\n\n::: note\nCatatan singkat di dalam kotak.\n:::\n\n## Sesudah kotak\n\n{PARAGRAPH}\n\n"
            f"## Sesudah paragraf\n\n{PARAGRAPH}\n\n---\n\n::: readalso\nBaca juga bagian lain.\n:::\n\n{PARAGRAPH}\n")
    # a timeline down the page: page 1 keeps its one body column (under a short one the text is set in two)
    events = "".join(f"- {{date: {2000 + i}, title: Peristiwa {i}, text: Keterangan peristiwa {i}.}}\n" for i in range(14))
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "t.yaml"}, {"a.md": f"---\ntitle: A\n---\n{body}"},
                       **{"t.yaml": events})
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        lines = page.extract_text_lines()
        box = next(r for r in page.rects if r["fill"] and r["height"] > 15 and 10 < r["x0"] < page.width / 3)
        after_box = next(line for line in lines if "Sesudah kotak" in line["text"])
        after_text = next(line for line in lines if "Sesudah paragraf" in line["text"])
        previous = max((line for line in lines if line["bottom"] < after_text["top"] and line["x0"] < box["x1"]),
                       key=lambda line: line["bottom"])
        weights = {round(float(line["linewidth"]), 2) for line in page.lines}
        weights |= {round(float(r["linewidth"]), 2) for r in page.rects if r["stroke"]}
        weights |= {round(float(r["height"]), 2) for r in page.rects if r["fill"] and r["height"] < 2}  # filled bars
    box_gap = after_box["top"] - box["bottom"]
    text_gap = after_text["top"] - previous["bottom"]
    assert box_gap < 16 and abs(box_gap - text_gap) < 4, (box_gap, text_gap)  # was 22.6 after the box
    assert weights <= {0.5, 1.0}, weights


def portion_brief(tmp_path: Path, **manifest: Any) -> Path:
    body = ("---\ntitle: Isi\n---\nFakta terbuka [@terbuka].\n\n::: only level=TERBATAS\nPenilaian tertutup [@tertutup].\n\n"
            "Paragraf tertutup kedua.\n:::\n\n::: only level=BIASA\nPassage biasa.\n:::\n")
    sources = ("- {id: terbuka, title: Sumber terbuka}\n"
               "- {id: tertutup, title: Sumber tertutup, level: TERBATAS}\n")
    events = "- {date: 2020, title: Peristiwa terbuka}\n- {date: 2021, title: Peristiwa tertutup, level: TERBATAS}\n"
    spec = {**BASIC_MANIFEST, "levels": ["BIASA", "TERBATAS"], "sources": "sources.yaml", "timeline": "t.yaml",
            "audiences": {"dalam": {"label": "Dalam", "level": "TERBATAS"}}, **manifest}
    return write_brief(tmp_path, spec, {"a.md": body}, **{"sources.yaml": sources, "t.yaml": events,
                                                          "tema.yaml": "portion_marks: full\n"})


@pytest.mark.parametrize(("theme", "mark"), [(None, "(T)"), ("tema.yaml", "(TERBATAS)")])
def test_restricted_passages_events_and_sources_carry_a_portion_marking(tmp_path: Path, theme: str | None,
                                                                        mark: str) -> None:
    root = portion_brief(tmp_path, **({"theme": theme} if theme else {}))
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    marked = [line for line in lines if mark + " " in line]
    assert any(f"{mark} Penilaian tertutup" in line for line in marked)
    assert any(f"{mark} Paragraf tertutup kedua" in line for line in marked)  # every paragraph of the passage
    assert any(f"{mark} Peristiwa tertutup" in line for line in lines)
    assert any(f"{mark} \u201cSumber tertutup" in line for line in lines)
    assert not any(mark in line for line in lines if "terbuka" in line or "Passage biasa" in line)


def test_portion_marks_setting_is_checked(tmp_path: Path) -> None:
    from briefing.errors import BriefingError

    root = portion_brief(tmp_path, theme="tema.yaml")
    (root / "tema.yaml").write_text("portion_marks: loud\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="theme setting 'portion_marks' must be one of: short, full, off"):
        build(root, tmp_path / "o.pdf")


def test_draft_mark_is_drawn_over_boxes_and_images_multiplied(tmp_path: Path) -> None:
    from .test_figures import make_image

    body = f"::: note\nKotak.\n:::\n\n![Peta](assets/m.png)\n\n{PARAGRAPH}\n"
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "draft": True}, {"a.md": f"---\ntitle: A\n---\n{body}"})
    make_image(root / "assets" / "m.png", (1200, 800))
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        chars = page.chars
    big = [i for i, c in enumerate(chars) if c["size"] > 60]
    assert "".join(chars[i]["text"] for i in big) == "KONSEP"
    assert "".join(c["text"] for c in chars[big[0]:]) == "KONSEP7 Oktober 2022"  # drawn last of all
    from pypdf import PdfReader

    page0 = PdfReader(out).pages[0]
    content = page0.get_contents().get_data()  # type: ignore[union-attr]
    states = page0["/Resources"]["/ExtGState"]
    multiply = [name for name, state in states.items() if state.get_object().get("/BM") == "/Multiply"]
    assert multiply and content.rindex(b" Do") < content.index(f"{multiply[0]} gs".encode())  # after the image


def test_a_height_capped_figures_caption_aligns_to_the_image(tmp_path: Path) -> None:
    from .test_figures import make_image

    body = f'{PARAGRAPH}\n\n![Tinggi](assets/t.png){{caption="Keterangan yang cukup panjang untuk dua baris di bawah gambar tinggi ini."}}\n'
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\n{body}"})
    make_image(root / "assets" / "t.png", (600, 1400))
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        page = next(p for p in pdf.pages if p.images)
        (image,) = page.images
        caption = [line for line in page.extract_text_lines() if line["top"] > image["bottom"] and line["top"] < image["bottom"] + 40]
    assert caption and all(image["x0"] - 0.5 <= line["x0"] and line["x1"] <= image["x1"] + 0.5 for line in caption)


def test_a_wrapped_headings_number_hangs(tmp_path: Path) -> None:
    heading = "Sebuah judul bagian yang sangat panjang sehingga harus dipatahkan menjadi dua baris atau lebih"
    body = f"{PARAGRAPH}\n\n## {heading}\n\n{PARAGRAPH}\n"
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: {heading}\n---\n{body}"})
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        lines = pdf.pages[0].extract_text_lines()
    for number, size in (("1 ", 16), ("1.1 ", 12)):
        first = next(i for i, line in enumerate(lines) if line["text"].startswith(number + "Sebuah"))
        word = next(c for c in lines[first]["chars"] if c["text"] == "S")
        turnover = lines[first + 1]
        assert round(turnover["chars"][0]["size"]) == size and not turnover["text"].startswith("Kalimat")
        assert abs(turnover["x0"] - word["x0"]) < 0.5  # under the first word, not under the number


def test_a_small_image_keeps_its_natural_size_and_says_so(tmp_path: Path) -> None:
    from .test_figures import make_image

    body = f'{PARAGRAPH}\n\n![Kecil](assets/k.png){{caption="Gambar kecil."}}\n'
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\n{body}"})
    make_image(root / "assets" / "k.png", (200, 120))
    out = tmp_path / "o.pdf"
    (result,) = build(root, out)
    with pdfplumber.open(out) as pdf:
        (image,) = pdf.pages[0].images
    assert abs((image["x1"] - image["x0"]) - 200 * 72 / 150) < 0.5  # 96 pt: 200 px at 150 dpi, not the column
    assert any("prints at its own size, 34 mm wide" in w.message for w in result.warnings)


def test_capital_labels_are_letterspaced(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "organisation": "Unit Analisis"}
    root = write_brief(tmp_path, manifest, {"a.md": "---\ntitle: A\n---\n::: note\nIsi kotak.\n:::\n"})
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["size"])
        chars = pdf.pages[0].chars
    for word in ("CATATAN", "ANALISIS"):
        (found,) = [w for w in words if w["text"] == word]
        letters = [c for c in chars if found["x0"] - 0.1 <= c["x0"] < found["x1"] and abs(c["top"] - found["top"]) < 1]
        gaps = [b["x0"] - a["x1"] for a, b in zip(letters, letters[1:])]
        assert len(letters) == len(word) and min(gaps) > 0.08 * found["size"] - 0.05, (word, gaps)


DEFAULT_FIGURES = {"Gambar 1.": "Dukungan Politik", "Gambar 2.": "Dukungan Politik", "Gambar 3.": "Prospek",
                   "Figure 1.": "Political Support", "Figure 2.": "Political Support"}


def test_every_figure_prints_in_its_own_section(editions: dict[str, Path]) -> None:
    from .pagecheck import figures_outside_their_section

    for edition, path in editions.items():
        assert figures_outside_their_section(path, DEFAULT_FIGURES) == [], edition


def test_the_last_pages_two_columns_end_level(editions: dict[str, Path]) -> None:
    from .pagecheck import column_ends

    for edition, path in editions.items():
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        first, second = column_ends(path, pages)
        assert second > 0, f"{edition}: the last page's second column is empty"
        assert abs(first - second) <= 10 * 15, (edition, first, second)  # within ten body lines
        body = (842 - 22 * 72 / 25.4) - 24 * 72 / 25.4
        assert max(first, second) - 24 * 72 / 25.4 > 0.25 * body, f"{edition} ends on a near-empty page"


def test_tables_are_set_booktabs_in_the_pages_two_rule_weights(tmp_path: Path) -> None:
    table = "| Negara | Jumlah |\n|---|---:|\n" + "".join(f"| Negara {i} | {i * 11} |\n" for i in range(5))
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\n{PARAGRAPH}\n\n{table}\n{PARAGRAPH}\n"})
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        header = next(w for w in page.extract_words() if w["text"] == "Negara")
        last = max((w for w in page.extract_words() if w["text"] == "Negara"), key=lambda w: w["top"])
        rules = sorted((round(float(line["top"])), round(float(line["linewidth"]), 2), line["x1"] - line["x0"])
                       for line in page.lines if header["top"] - 20 < line["top"] < last["bottom"] + 10)
        tinted = [r for r in page.rects if r["fill"] and header["top"] - 5 < r["top"] < header["bottom"]]
    weights = [weight for _, weight, _ in rules]
    assert weights == [1.0, 0.5, 1.0], rules  # above the header, under it, under the last row: nothing between rows
    assert all(abs(rule[2] - rules[0][2]) < 1 for rule in rules)  # across the table: no vertical rules
    assert tinted == []


def test_no_column_ends_on_a_heading_or_a_broken_word(editions: dict[str, Path]) -> None:
    """A heading keeps with its text's opening lines and the notes they call at the column's
    foot; a word is never broken across a column turn (the analysts' "setem-|pat" was)."""
    from .pagecheck import reading_order

    for edition, path in editions.items():
        last: dict[tuple[int, int], tuple[str, float]] = {}
        for page, column, top, text, size in reading_order(path):
            if 60 < top < 842 - 75:
                last[page, column] = (text, size)
        stranded = [(where, text) for where, (text, size) in last.items() if size in (12.0, 16.0)]
        broken = [(where, text) for where, (text, size) in last.items() if text.endswith(("-", "\u00ad"))]
        assert stranded == [] and broken == [], edition
