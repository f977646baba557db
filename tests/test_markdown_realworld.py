"""Markdown as analysts paste it from elsewhere: CommonMark corners, on the real PDF or the exact error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.errors import BriefingError, MarkdownError
from briefing.markdown import parse_inline, parse_markdown

from .conftest import BASIC_MANIFEST, fuzz_examples, write_brief


def _build(tmp_path: Path, body: str, **files: str) -> tuple[int, str, Path]:
    """Build a one-section brief whose section file is *body*; (exit code, output, pdf)."""
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"01.md": "---\ntitle: Bagian\n---\n" + body}, **files)
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output, out


def _words(pdf: Path) -> list[dict[str, Any]]:
    with pdfplumber.open(pdf) as doc:
        return [word for page in doc.pages for word in page.extract_words()]


# ---------------------------------------------------------------- code blocks


def test_code_block_with_fallback_font_characters_builds(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, "Teks.\n\n```\nЖ Greek α ǎ  dua spasi\n```\n")
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
    top = next(c["top"] for c in chars if c["text"] == "Ж")
    line = [c for c in chars if abs(c["top"] - top) < 2 and c["text"].strip()]
    assert "".join(c["text"] for c in line) == "ЖGreekαǎduaspasi"
    fonts = {c["text"]: c["fontname"].split("+")[-1] for c in line}
    assert fonts["Ж"] == "NotoSans-Regular" and fonts["G"] == "IBMPlexMono-Regular", fonts


def test_go_listing_keeps_its_tab_indentation(tmp_path: Path) -> None:
    """Tabs stop at every 4th column: x positions step by 4 characters per tab."""
    listing = "func main() {\n\tif ok {\n\t\treturn\tnil\n\t}\n}\n"
    code, output, pdf = _build(tmp_path, "Teks.\n\n```go\n" + listing + "```\n")
    assert code == 0, output
    words = {w["text"]: w["x0"] for w in _words(pdf) if w["text"] in ("func", "if", "return", "nil")}
    x0 = words["func"]
    char = (words["if"] - x0) / 4
    assert char > 3  # a real indent, not a collapsed space
    assert abs(words["return"] - (x0 + 8 * char)) < 0.5
    assert abs(words["nil"] - (x0 + 16 * char)) < 0.5  # "return" ends at column 14: the tab goes to 16


# ---------------------------------------------------------------- nesting and boxes


def test_thousands_of_asterisks_are_an_error_at_their_line(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "Teks.\n\n" + "*" * 5000 + "a" + "*" * 5000 + "\n")
    assert code == 1
    assert output.strip().endswith(
        "sections/01.md:6: emphasis, links or strikethrough are nested more than 32 levels deep "
        "(a long run of '*' or '_'?); escape them as \\* or simplify")


def test_quotes_nested_past_the_parser_limit_are_an_error_not_lost_text(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "> " * 40 + "teks yang hilang\n\nsesudah\n")
    assert code == 1
    assert "sections/01.md:4: quotes, lists or boxes are nested too deeply (more than 32 levels of markup)" in output


def test_every_nesting_box_and_link_problem_of_a_section_is_listed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A too-deep block is left out like any bad block: the problems around it are listed too."""
    body = ("---\ntitle: Bagian\n---\n" + "> " * 40 + "dalam\n\n::: warnung\nAwas.\n:::\n\n"
            "Teks biasa.\n\n" + "*" * 100 + "a" + "*" * 100 + "\n\n# Judul\n")
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"01.md": body})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    expected = ["sections/01.md:4: error: quotes, lists or boxes are nested too deeply",
                "sections/01.md:6: error: unknown box kind 'warnung'; did you mean 'warning'? known kinds:",
                "sections/01.md:12: error: emphasis, links or strikethrough are nested more than 32",
                "sections/01.md:14: error: '#' headings are section titles"]
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected) and all(map(str.startswith, lines, expected)), result.stdout


def test_deep_but_reasonable_emphasis_still_builds(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, "**" * 15 + "tebal" + "**" * 15 + "\n")
    assert code == 0, output
    assert any(w["text"] == "tebal" for w in _words(pdf))


def test_unclosed_box_names_the_line_it_opened(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "Teks.\n\n::: note\nCatatan.\n\n## Judul lain\n\nSisa bagian.\n")
    assert code == 1
    assert output.strip().endswith(
        "sections/01.md:6: the '::: note' box opened here is never closed; end it with a line ':::'")


def test_unknown_box_kind_lists_the_known_kinds(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "Teks.\n\n::: sidebar\nAwas.\n:::\n")
    assert code == 1
    assert output.strip().endswith(
        "sections/01.md:6: unknown box kind 'sidebar'; known kinds: bluf, keypoints, note, warning, assessment, "
        "quote, readalso, only, keep, pagebreak")


def test_misspelt_box_kind_suggests_the_near_one(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "::: keypoint\nAwas.\n:::\n")
    assert code == 1
    assert "sections/01.md:4: unknown box kind 'keypoint'; did you mean 'keypoints'?" in output


def test_stray_closing_fence_is_an_error(tmp_path: Path) -> None:
    code, output, _ = _build(tmp_path, "Teks.\n\n:::\n")
    assert code == 1
    assert "sections/01.md:6: a ':::' line with no box open" in output


def test_boxes_closed_inside_quotes_and_list_items_build(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, "> ::: note\n> Kutipan kotak.\n> :::\n\n- butir\n\n  ::: note\n  Kotak butir.\n  :::\n")
    assert code == 0, output
    words = [w["text"] for w in _words(pdf)]
    assert "Kutipan" in words and "butir." in words and ":::" not in words


# ---------------------------------------------------------------- links and images by URL


def _link_targets(pdf: Path) -> list[tuple[int, int]]:
    """(page of the link, page it leads to) for every internal link, 1-based."""
    from pypdf import PdfReader

    document = PdfReader(pdf)
    index = {page.indirect_reference.idnum: number for number, page in enumerate(document.pages, start=1)}
    found = []
    for number, page in enumerate(document.pages, start=1):
        for annotation in page.get("/Annots") or []:
            dest = annotation.get_object().get("/Dest")
            if dest is not None:
                found.append((number, index[dest[0].idnum]))
    return found


def _two_sections(tmp_path: Path, first: str) -> tuple[int, str, Path]:
    filler = ("Kalimat pengisi halaman. " * 60 + "\n\n") * 8
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {
        "01.md": "---\ntitle: Ringkasan\nid: ringkasan\n---\n" + first,
        "02.md": "---\ntitle: Prospek\nid: prospek\n---\n" + filler + "## Dampak Ekonomi\n\nTeks [kembali](#ringkasan).\n",
    })
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    return result.exit_code, result.output, out


def test_internal_links_lead_to_sections_and_headings(tmp_path: Path) -> None:
    code, output, pdf = _two_sections(tmp_path, "Lihat [prospek](#prospek) dan [dampak](#dampak-ekonomi).\n")
    assert code == 0, output
    with pdfplumber.open(pdf) as doc:
        heading_page = next(n for n, p in enumerate(doc.pages, start=1) if "Dampak Ekonomi" in (p.extract_text() or ""))
    assert heading_page > 1
    assert _link_targets(pdf) == [(1, 1), (1, heading_page), (heading_page, 1)]


def test_internal_link_to_nothing_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    code, output, _ = _two_sections(tmp_path, "Teks.\n\nLihat bagian\nberikut: [prospek](#prospk).\n")
    assert code == 1
    assert ("sections/01.md:8: internal link '#prospk' leads to no section or heading; did you mean '#prospek'? "
            "link to a section id or a heading (e.g. #ringkasan, #prospek, #dampak-ekonomi)") in output


def test_every_internal_link_to_nothing_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {
        "01.md": "---\ntitle: Ringkasan\nid: ringkasan\n---\n[a](#satu) dan\n[b](#dua).\n",
        "02.md": "---\ntitle: Prospek\nid: prospek\n---\nTeks [c](#tiga).\n",
    })
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert [line.split(" leads")[0] for line in result.stdout.splitlines()] == [
        "sections/01.md:5: error: internal link '#satu'", "sections/01.md:6: error: internal link '#dua'",
        "sections/02.md:5: error: internal link '#tiga'"], result.stdout


def test_link_text_starting_with_at_is_a_link_not_a_citation(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, "Ikuti [@octocat](https://github.com/octocat) di GitHub.\n")
    assert code == 0, output
    from pypdf import PdfReader

    (annotation,) = PdfReader(pdf).pages[0]["/Annots"]
    assert annotation.get_object()["/A"]["/URI"] == "https://github.com/octocat"
    assert "@octocat" in [w["text"] for w in _words(pdf)]


def test_image_urls_of_any_scheme_are_refused_alike(tmp_path: Path) -> None:
    for number, url in enumerate(("http://example.org/a.png", "file:///etc/a.png", "ftp://example.org/a.png",
                                  "data:image/png;base64,iVBORw0KGgo=")):
        code, output, _ = _build(tmp_path / str(number), f"Teks.\n\n![gambar]({url})\n")
        assert code == 1, url
        assert output.strip().endswith(
            f"sections/01.md:6: image '{url}' is a URL; briefs only use image files inside the brief folder "
            "(save it under assets/)"), output


def test_link_to_a_section_the_edition_leaves_out_prints_its_text(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"pimpinan": {"label": "Pimpinan", "include": ["ringkasan"]}}}
    root = write_brief(tmp_path / "brief", manifest, {
        "01.md": "---\ntitle: Ringkasan\nid: ringkasan\n---\nLihat [bagian prospek](#prospek).\n",
        "02.md": "---\ntitle: Prospek\nid: prospek\n---\nTeks.\n",
    })
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "-a", "pimpinan"])
    assert result.exit_code == 0, result.output
    assert _link_targets(out) == []
    assert "prospek." in [w["text"] for w in _words(out)]


# ---------------------------------------------------------------- lists


def test_empty_item_keeps_its_number(tmp_path: Path) -> None:
    code, output, pdf = _build(tmp_path, "Daftar:\n\n1. satu\n2.\n3. tiga\n")
    assert code == 0, output
    words = _words(pdf)
    numbers = [w for w in words if w["text"] in ("1.", "2.", "3.")]
    assert [w["text"] for w in numbers] == ["1.", "2.", "3."]
    assert numbers[0]["top"] < numbers[1]["top"] < numbers[2]["top"]


def test_item_opening_with_code_quote_or_list_keeps_its_marker_on_its_first_line(tmp_path: Path) -> None:
    body = "Daftar:\n\n-     kode\n- > kutipan\n- - bersarang\n- biasa\n\n1. ```\n   x = 1\n   ```\n2. dua\n"
    code, output, pdf = _build(tmp_path, body)
    assert code == 0, output
    words = _words(pdf)
    bullets = [w for w in words if w["text"] == "\u2022"]
    assert len(bullets) == 4
    for bullet, first in zip(bullets, ("kode", "kutipan", "\u2013", "biasa")):
        line = next(w for w in words if w["text"] == first)
        assert abs(bullet["bottom"] - line["bottom"]) < 3, (first, bullet, line)  # same line, not above it
        assert bullet["x0"] < line["x0"]
    one = next(w for w in words if w["text"] == "1.")
    code_line = next(w for w in words if w["text"] == "x")
    assert abs(one["bottom"] - code_line["bottom"]) < 3 and one["x0"] < code_line["x0"]


# ---------------------------------------------------------------- garbage in


_MARKDOWN_SOUP = st.text(alphabet=st.sampled_from(list("*_`[]()!#>-+:.|\\{}=\"'@ \t\n1aЖ")), max_size=300)


@settings(max_examples=fuzz_examples(100), deadline=None)
@given(_MARKDOWN_SOUP)
def test_parser_gives_blocks_or_a_markdown_error_never_a_crash(text: str) -> None:
    try:
        parse_markdown(text, Path("sections/x.md"), Path("/nonexistent-brief"))
    except BriefingError as error:
        assert error.path == Path("sections/x.md") or "brief folder" in error.message, error


@settings(max_examples=fuzz_examples(100), deadline=None)
@given(_MARKDOWN_SOUP)
def test_inline_parser_gives_inlines_or_a_markdown_error(text: str) -> None:
    try:
        parse_inline(text, Path("timeline.yaml"), 3)
    except MarkdownError as error:
        assert (error.path, error.line) == (Path("timeline.yaml"), 3)


def test_a_run_of_thousands_of_markers_is_bounded() -> None:
    with pytest.raises(MarkdownError, match="nested more than 32"):
        parse_markdown("_" * 20000 + "a" + "_" * 20000, Path("sections/x.md"))


def test_internal_link_to_a_heading_in_cyrillic(tmp_path: Path) -> None:
    """The destination name holds characters only a fallback font prints: no font tag inside it."""
    code, output, pdf = _build(tmp_path, "См. [раздел](#жизнь-и-ζωή).\n\n## Жизнь и ζωή\n\nТекст.\n")
    assert code == 0, output
    assert _link_targets(pdf) == [(1, 1)]


def test_source_url_in_cyrillic_links_and_prints(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "sources": "sources.yaml"}
    root = write_brief(tmp_path / "brief", manifest, {"01.md": "---\ntitle: A\n---\nTeks [@a].\n"},
                       **{"sources.yaml": "- id: a\n  title: Жизнь\n  url: https://ru.wikipedia.org/wiki/Жизнь\n"})
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    uris = [a.get_object()["/A"]["/URI"] for page in PdfReader(out).pages for a in page.get("/Annots") or []
            if "/A" in a.get_object()]
    assert uris == ["https://ru.wikipedia.org/wiki/%D0%96%D0%B8%D0%B7%D0%BD%D1%8C"]
    assert "https://ru.wikipedia.org/wiki/Жизнь" in "".join(w["text"] for w in _words(out))
