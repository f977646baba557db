"""Print production, checked in the real PDF: paper, duplex, marks, colour, markings, copies, TOC,
themes, booklets, and the typography bar."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from briefing.build import BuildOptions, build
from briefing.layout.booklet import saddle_stitch_order

from .conftest import BASIC_MANIFEST, REPO, assert_no_warnings, run_cli, write_brief

MM = 72 / 25.4
LONG = "\n\n".join(
    f"Paragraf {i}. Kalimat isi yang cukup panjang untuk mengisi halaman demi halaman dokumen uji ini dengan teks biasa."
    * 3 for i in range(30)
)


def long_brief(tmp_path: Path, **manifest: object) -> Path:
    sections = {
        "01-a.md": f"---\ntitle: Bagian Satu\n---\n{LONG}\n\n## Sub Satu\n\n{LONG}\n",
        "02-b.md": f"---\ntitle: Bagian Dua\n---\n{LONG}\n",
    }
    return write_brief(tmp_path, {**BASIC_MANIFEST, **manifest}, sections)


def built(root: Path, name: str = "o.pdf", **options: object) -> Path:
    """The PDF of a clean brief: it builds without a warning."""
    out = root / name
    assert_no_warnings(build(root, out, options=BuildOptions(**options)))
    return out


@pytest.mark.parametrize(
    ("paper", "orientation", "size_mm"),
    [("A4", None, (210, 297)), ("Letter", None, (215.9, 279.4)), ("Legal", None, (215.9, 355.6)),
     ("A5", None, (148, 210)), ("F4", None, (215, 330)), ("A4", "landscape", (297, 210))],
)
def test_page_sizes(tmp_path: Path, paper: str, orientation: str | None, size_mm: tuple[float, float]) -> None:
    root = long_brief(tmp_path)
    out = built(root, paper=paper, orientation=orientation)
    for page in PdfReader(out).pages:
        assert float(page.mediabox.width) == pytest.approx(size_mm[0] * MM, abs=1)
        assert float(page.mediabox.height) == pytest.approx(size_mm[1] * MM, abs=1)


def test_paper_from_manifest(tmp_path: Path) -> None:
    out = built(long_brief(tmp_path, paper="Letter"))
    assert float(PdfReader(out).pages[0].mediabox.width) == pytest.approx(612, abs=1)


def _body_left(page: pdfplumber.page.Page) -> float:
    words = [w for w in page.extract_words(extra_attrs=["fontname"]) if "Serif" in w["fontname"] and 80 < w["top"] < page.height - 80]
    return min(w["x0"] for w in words)


def test_duplex_mirrors_margins_on_odd_and_even_pages(tmp_path: Path) -> None:
    root = long_brief(tmp_path)
    simplex = built(root, "s.pdf")
    duplex = built(root, "d.pdf", duplex=True)
    with pdfplumber.open(simplex) as pdf:
        assert _body_left(pdf.pages[1]) == pytest.approx(_body_left(pdf.pages[2]), abs=0.5)
    with pdfplumber.open(duplex) as pdf:
        odd, even = pdf.pages[2], pdf.pages[1]  # pages 3 and 2
        width = float(odd.width)
        # visible characters only: a soft line end carries an invisible space (for extraction)
        odd_right = max(c["x1"] for c in odd.chars if 80 < c["top"] < odd.height - 80 and c["text"].strip())
        even_right = max(c["x1"] for c in even.chars if 80 < c["top"] < even.height - 80 and c["text"].strip())
        # recto: wider inner (left) margin; verso: the mirror image
        assert _body_left(odd) > width - odd_right
        assert _body_left(even) < width - even_right
        assert _body_left(odd) == pytest.approx(width - even_right, abs=1.5)
        # running head alternates: the title sits on the outer side
        head = next(line for line in even.extract_text().splitlines() if "Test Brief" in line)
        assert head.startswith("7 Oktober 2022")


def test_print_marks_set_trim_and_bleed_boxes(tmp_path: Path) -> None:
    out = built(long_brief(tmp_path), print_marks=True)
    reader = PdfReader(out)
    for page in reader.pages:
        media, trim, bleed = page.mediabox, page.trimbox, page.bleedbox
        assert float(trim.width) == pytest.approx(210 * MM, abs=0.5)
        assert float(trim.height) == pytest.approx(297 * MM, abs=0.5)
        assert float(bleed.width) == pytest.approx(216 * MM, abs=0.5)
        assert float(media.width) > float(bleed.width)
        assert float(trim.left) == pytest.approx(float(media.width - trim.width) / 2, abs=0.5)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        trim_left = float(reader.pages[0].trimbox.left)
        marks = [line for line in page.lines if line["x1"] < trim_left or line["x0"] > page.width - trim_left]
        assert len(marks) >= 4  # horizontal crop marks outside the trim, left and right
        band = [r for r in page.rects if r["width"] > 210 * MM]
        assert band and min(r["x0"] for r in band) < trim_left - 2 * MM  # the cover band runs into the bleed


def test_banner_marking_on_every_page(tmp_path: Path) -> None:
    out = built(long_brief(tmp_path, marking="RAHASIA"))
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            hits = page.search("RAHASIA")
            tops = sorted(h["top"] for h in hits)
            assert tops[0] < 40 and tops[-1] > page.height - 40
            colours = {tuple(c["non_stroking_color"]) for c in page.chars if c["text"] == "R" and c["top"] < 40}
            assert any(c[0] > 0.5 > c[1] for c in colours)  # SECRET-class markings print red


def test_draft_watermark_on_every_page(tmp_path: Path) -> None:
    out = built(long_brief(tmp_path, version="0.3"), draft=True)
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            big = [c for c in page.chars if c["size"] > 60]
            assert "".join(c["text"] for c in big) == "KONSEP"
            assert {"0", "3"} <= {c["text"] for c in page.chars if 13 < c["size"] < 15}  # the version, rotated


def test_controlled_copies_number_every_page(tmp_path: Path) -> None:
    root = long_brief(tmp_path, control_number="UAK/2022/117", id="test-brief")
    recipients = tmp_path / "penerima.yaml"
    recipients.write_text("- Menteri Luar Negeri\n- name: Wakil Menteri\n- Direktur Asia Timur\n", encoding="utf-8")
    results = build(root, copies=recipients)
    assert [r.path.name for r in results] == [f"test-brief-copy-{i:02d}.pdf" for i in (1, 2, 3)]
    for number, (result, name) in enumerate(zip(results, ["Menteri Luar Negeri", "Wakil Menteri", "Direktur Asia Timur"]), 1):
        with pdfplumber.open(result.path) as pdf:
            for page in pdf.pages:
                text = page.extract_text()
                assert f"Salinan {number} dari 3 — {name}" in text
                assert "UAK/2022/117" in text


def test_toc_entries_link_to_their_pages(tmp_path: Path) -> None:
    out = built(long_brief(tmp_path), toc="on")
    reader = PdfReader(out)
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0].extract_text()
    assert "Daftar Isi" in first
    outline = {item.title: reader.get_destination_page_number(item) for item in _flatten(reader.outline)}
    page_index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    links = [a.get_object() for a in reader.pages[0].get("/Annots", []) if "/Dest" in a.get_object()]
    links.sort(key=lambda link: (-float(link["/Rect"][1]), float(link["/Rect"][0])))  # reading order
    targets = [page_index[link["/Dest"][0].idnum] for link in links]
    unique = [page for i, page in enumerate(targets) if i == 0 or page != targets[i - 1]]  # title and number link
    assert unique == [outline["1 Bagian Satu"], outline["1.1 Sub Satu"], outline["2 Bagian Dua"]]
    assert unique != [0, 0, 0]
    for title in ("1 Bagian Satu", "1.1 Sub Satu", "2 Bagian Dua"):
        printed = re.search(re.escape(title) + r"[ .]*(\d+)", first)
        assert printed and int(printed.group(1)) == outline[title] + 1


def _flatten(outline: list) -> list:
    return [leaf for item in outline for leaf in (_flatten(item) if isinstance(item, list) else [item])]


def test_toc_is_automatic_for_long_editions_only(tmp_path: Path) -> None:
    with pdfplumber.open(built(long_brief(tmp_path / "long"))) as pdf:
        assert len(pdf.pages) > 6 and "Daftar Isi" in pdf.pages[0].extract_text()
    short = write_brief(tmp_path / "short", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nPendek.\n"})
    with pdfplumber.open(built(short)) as pdf:
        assert "Daftar Isi" not in pdf.pages[0].extract_text()


def _is_gray(colour: object) -> bool:
    if colour is None:
        return True
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    if len(values) == 1:
        return True
    if len(values) == 3:
        return max(values) - min(values) < 0.01
    if len(values) == 4:
        return max(values[:3]) < 0.01
    return False


def test_grayscale_edition_has_no_colour(tmp_path: Path) -> None:
    out = tmp_path / "gray.pdf"
    build(REPO, out, audiences=("analis",), options=BuildOptions(grayscale=True))
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            for obj in page.chars + page.rects + page.lines + page.curves:
                assert _is_gray(obj.get("non_stroking_color")) and _is_gray(obj.get("stroking_color")), obj
    for page in PdfReader(out).pages:
        for image in page.images:
            assert image.image.mode in ("L", "1")


def test_theme_switching_changes_fonts_and_theme_files_are_validated(tmp_path: Path) -> None:
    formal = built(long_brief(tmp_path / "f"))
    modern = built(long_brief(tmp_path / "m", theme="modern"))

    def fonts(path: Path) -> set[str]:
        with pdfplumber.open(path) as pdf:
            return {c["fontname"].split("+")[-1] for c in pdf.pages[1].chars}

    assert any("IBMPlexSerif" in f for f in fonts(formal))
    assert any("FiraSans" in f for f in fonts(modern)) and not any("IBMPlexSerif" in f for f in fonts(modern))
    root = long_brief(tmp_path / "t", theme="tema.yaml")
    (root / "tema.yaml").write_text("base: modern\nbody_size: 11\naccent: '#123456'\n", encoding="utf-8")
    with pdfplumber.open(built(root)) as pdf:
        sizes = {round(c["size"], 1) for c in pdf.pages[1].chars if "FiraSans-Regular" in c["fontname"]}
    assert 11.0 in sizes
    (root / "tema.yaml").write_text("base: modern\nbody_size: huge\nwarna: merah\n", encoding="utf-8")
    result = run_cli("build", str(root))
    assert result.returncode == 1
    assert "tema.yaml:2" in result.stderr and "body_size" in result.stderr and "tema.yaml:3" in result.stderr


def test_saddle_stitch_order() -> None:
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert saddle_stitch_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]


def test_booklet_sheets(tmp_path: Path) -> None:
    root = long_brief(tmp_path)
    single = built(root, "a5.pdf", paper="A5")
    booklet = built(root, "b.pdf", booklet=True)
    pages = len(PdfReader(single).pages)
    sheets = PdfReader(booklet).pages
    assert len(sheets) == -(-pages // 4) * 2
    assert float(sheets[0].mediabox.width) == pytest.approx(297 * MM, abs=1)
    assert float(sheets[0].mediabox.height) == pytest.approx(210 * MM, abs=1)
    with pdfplumber.open(booklet) as pdf:
        sheet = pdf.pages[0]
        right = sheet.crop((sheet.width / 2, 0, sheet.width, sheet.height)).extract_text()
        assert "Test Brief" in right and "Halaman 1 dari" in right


@pytest.mark.parametrize("paper", ["Legal", "F4"])
def test_a_booklet_from_a_paper_it_cannot_fold_is_refused(tmp_path: Path, paper: str) -> None:
    root = long_brief(tmp_path)
    result = run_cli("build", str(root), "--booklet", "--paper", paper)
    assert result.returncode == 2 and f"paper {paper} makes no booklet here" in result.stderr, result.stderr
    assert not any((root / "output").glob("*.pdf"))  # refused before anything is built


def test_default_brief_typography(default_pdf: Path) -> None:
    """Body lines run 55-85 characters and nothing overflows the text block."""
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    geometry = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], True, 0)
    lengths = []
    with pdfplumber.open(default_pdf) as pdf:
        for page in pdf.pages:
            # visible characters only: a soft line end carries an invisible space (for extraction)
            chars = [c for c in page.chars if c["text"].strip()]
            assert all(c["x1"] <= geometry.block.x + geometry.block.width + 0.5 for c in chars)
            assert all(c["x0"] >= geometry.block.x - 0.5 for c in chars if 40 < c["top"] < page.height - 40)
            lines: dict[int, list] = {}
            for c in chars:
                if "IBMPlexSerif-Regular" in c["fontname"] and round(c["size"], 1) == 10.5:
                    lines.setdefault(round(c["top"]), []).append(c)
            for chars in lines.values():
                span = max(c["x1"] for c in chars) - min(c["x0"] for c in chars)
                if span > geometry.main.width * 0.9:  # full lines only; last lines of paragraphs are short
                    lengths.append(len(chars) + sum(1 for a, b in zip(chars, chars[1:]) if b["x0"] - a["x1"] > 1.5))
    assert lengths
    mean = sum(lengths) / len(lengths)
    assert 55 <= mean <= 85 and max(lengths) <= 85, (mean, min(lengths), max(lengths))


def test_appendix_starts_on_a_right_hand_page_in_duplex(tmp_path: Path) -> None:
    manifest = {"sources": "s.yaml", "appendix_recto": True}
    for pages_before in range(2):
        root = long_brief(tmp_path / str(pages_before), **manifest)
        (root / "s.yaml").write_text("- {id: a, title: Sumber A}\n", encoding="utf-8")
        section = root / "sections" / "02-b.md"
        extra = "\n\nTambahan." * (pages_before * 40)
        section.write_text(section.read_text() + f"{extra}\n\nMengutip [@a].\n", encoding="utf-8")
        out = built(root, duplex=True)
        with pdfplumber.open(out) as pdf:
            starts = [i for i, page in enumerate(pdf.pages) if page.search("Sumber") and
                      any(w["text"] == "Sumber" and w["top"] < 120 for w in page.extract_words())]
        assert starts and (starts[0] + 1) % 2 == 1  # page numbers are 1-based: odd = recto


def test_no_heading_alone_at_the_foot_of_a_page(tmp_path: Path, default_pdf: Path) -> None:
    """The last line of every page's body is never a heading (keep-with-next holds)."""
    sections = {
        f"{i:02d}.md": "---\ntitle: Bagian " + str(i) + "\n---\n" + "\n\n".join(
            [f"## Sub {i}.{j}\n\n" + ("Kalimat isi yang mengisi halaman. " * (5 + (i * j) % 9)) for j in range(6)])
        for i in range(1, 7)
    }
    root = write_brief(tmp_path, BASIC_MANIFEST, sections)
    # Headings followed at once by a figure: a figure that does not fit floats away, and
    # the text after it must still have room below the heading.
    from PIL import Image

    (tmp_path / "assets").mkdir()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(tmp_path / "assets" / "f.png")
    figures = {
        f"{i:02d}.md": "---\ntitle: Gambar " + str(i) + "\n---\n" + "\n\n".join(
            [("Kalimat isi yang mengisi halaman. " * (7 + (i * j) % 11)) +
             f"\n\n## Sub {i}.{j}\n\n![Bidang biru polos](assets/f.png){{caption=\"Peta\"}}\n\n" + "Kalimat sesudah gambar. " * 9
             for j in range(5)])
        for i in range(1, 5)
    }
    with_figures = write_brief(tmp_path / "figures", BASIC_MANIFEST, figures)
    (with_figures / "assets").mkdir()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(with_figures / "assets" / "f.png")
    for pdf_path in (built(root), built(with_figures), default_pdf):
        with pdfplumber.open(pdf_path) as pdf:
            for page in pdf.pages[:-1]:
                body = [c for c in page.chars if 60 < c["top"] < page.height - 70 and c["x0"] < page.width * 0.62]
                if not body:
                    continue
                last_top = max(c["top"] for c in body)
                last_line = [c for c in body if abs(c["top"] - last_top) < 2]
                assert not any(c["size"] >= 11.5 and "Sans" in c["fontname"] for c in last_line), page.page_number


def test_cmyk_edition_for_press(tmp_path: Path) -> None:
    out = tmp_path / "cmyk.pdf"
    build(REPO, out, audiences=("analis",), options=BuildOptions(cmyk=True))
    body: list[tuple] = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                colour = tuple(char["non_stroking_color"])
                assert len(colour) == 4, char  # every colour is CMYK
                if "IBMPlexSerif-Regular" in char["fontname"] and char["size"] == 10.5:
                    body.append(colour)
    black = [c for c in body if c[:3] == (0, 0, 0)]
    assert len(black) > 0.97 * len(body)  # body text in black ink alone (links and markers are in the accent)
    for page in PdfReader(out).pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            assert xobject.get_object()["/ColorSpace"] == "/DeviceCMYK"


def test_booklet_is_reproducible(tmp_path: Path) -> None:
    root = long_brief(tmp_path)
    assert built(root, "a.pdf", booklet=True).read_bytes() == built(root, "b.pdf", booklet=True).read_bytes()


def test_long_table_of_contents_runs_over_pages_with_right_numbers(tmp_path: Path) -> None:
    """A contents list longer than a page continues on the next; every printed number is its heading's page."""
    sections = {
        f"{i:02d}.md": f"---\ntitle: Bagian {i}\n---\n" + "\n\n".join(f"## Sub {i}.{j}\n\n{LONG}" for j in range(3))
        for i in range(1, 16)
    }
    out = built(write_brief(tmp_path, BASIC_MANIFEST, sections), toc="on")
    reader = PdfReader(out)
    outline = {item.title: reader.get_destination_page_number(item) for item in _flatten(reader.outline)}
    with pdfplumber.open(out) as pdf:
        contents_pages = [page.extract_text() for page in pdf.pages[:6] if re.search(r"Sub 1\.\d|\.{5}", page.extract_text())]
    printed = {m.group(1): int(m.group(2)) for text in contents_pages
               for m in re.finditer(r"^(\d+(?:\.\d+)? (?:Bagian \d+|Sub \d+\.\d+))[ .]+(\d+)$", text, re.M)}
    assert len(contents_pages) >= 2  # it did run over
    assert len(printed) == 15 * 4  # every section and subheading, once
    for title, number in printed.items():
        assert number == outline[title] + 1, title
