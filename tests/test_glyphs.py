"""Scripts of the region print in embedded fallback fonts; a character no font has is a located warning."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from briefing.check import check_brief
from briefing.cli import main
from briefing.layout.bidi import visual

from .conftest import BASIC_MANIFEST, write_brief

MULTILINGUAL = """\
---
title: Nama 이름
---
Pyongyang disebut 평양 dalam bahasa Korea dan 平壤 dalam bahasa Tionghoa.

Kairo disebut القاهرة (مصر) dalam bahasa Arab, Yerusalem ירושלים dalam bahasa Ibrani.

Bangkok disebut กรุงเทพมหานคร dalam bahasa Thai.
"""


def _fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_korean_chinese_arabic_thai_and_hebrew_print_in_embedded_fallbacks(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "marking": "TERBATAS 제한"}, {"a.md": MULTILINGUAL})
    result = CliRunner().invoke(main, ["build", "--strict", str(tmp_path)])
    assert result.exit_code == 0, result.output  # --strict: no glyph warning either
    (pdf,) = tmp_path.glob("output/*.pdf")
    fonts = _fonts(pdf)
    for name in ("WenQuanYiMicroHei", "NotoSansArabic", "NotoSansThai", "Heebo"):
        assert any(name in font for font in fonts), (name, fonts)
    reader = PdfReader(pdf)
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        assert "/FontFile2" in font.get_object()["/FontDescriptor"]  # embedded TrueType, a subset
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    for word in ("평양", "平壤", "이름", "제한", "กรุงเทพมหานคร"):
        assert word in text
    for word in ("القاهرة", "مصر", "ירושלים"):  # extractors differ in how they reorder right-to-left text
        assert word in text or word[::-1] in text, word


def test_arabic_is_joined_and_right_to_left_runs_read_right_to_left() -> None:
    shown = visual("Kairo: القاهرة (مصر) dan ירושלים.")
    assert shown.startswith("Kairo: ") and shown.endswith(" dan םילשורי.")  # Hebrew in display order
    arabic = shown[len("Kairo: "):shown.index(" dan")]
    assert not any("\u0600" <= c <= "\u06ff" for c in arabic)  # letters became joined presentation forms
    assert " " not in arabic  # a right-to-left run never breaks across lines
    # Read right to left, with the brackets mirrored back, it is the text as written.
    logical = unicodedata.normalize("NFKC", arabic)[::-1].translate(str.maketrans("()", ")(")).replace("\u00a0", " ")
    assert logical == "القاهرة (مصر)"
    assert "\u064e" in visual("بَ")  # vowel marks are kept, not deleted


ANCIENT = "\U00010380\U00010381"  # Ugaritic: no embedded font has it
PRIVATE = "\ue000"


def _warning_brief(root: Path) -> Path:
    manifest = {**BASIC_MANIFEST, "marking": f"TERBATAS {PRIVATE}", "sources": "sources.yaml",
                "timeline": "timeline.yaml"}
    section = f"---\ntitle: Bagian\n---\nTeks biasa.\n\nHuruf kuno {ANCIENT} di sini [@a].\n\n" \
              f"![Peta](assets/p.png){{caption=\"Keterangan {ANCIENT}\"}}\n"
    picture = io.BytesIO()
    Image.new("RGB", (120, 80), (20, 90, 160)).save(picture, "PNG")
    root = write_brief(
        root, manifest, {"a.md": section},
        **{"sources.yaml": f"- id: a\n  title: Judul\n  author: [Penulis {PRIVATE}]\n  publisher: Penerbit {ANCIENT}\n",
           "timeline.yaml": f"- date: 2020-01-01\n  title: Peristiwa\n  text: Teks {ANCIENT}\n"},
    )
    (root / "assets").mkdir()
    (root / "assets" / "p.png").write_bytes(picture.getvalue())
    return root


def test_a_character_no_font_has_is_a_build_warning_with_file_and_line(tmp_path: Path) -> None:
    root = _warning_brief(tmp_path)
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"sections/a.md:6: no embedded font has the characters '{ANCIENT}' (U+10380, U+10381)" in out
    assert f"sections/a.md:8: no embedded font has the characters '{ANCIENT}'" in out  # the caption
    assert "sources.yaml:3: no embedded font has the characters '\ue000' (U+E000)" in out  # author
    assert "sources.yaml:4: no embedded font" in out  # publisher
    assert "timeline.yaml:3: no embedded font" in out
    assert "brief.yaml:4: no embedded font has the characters '\ue000'" in out  # the marking
    strict = CliRunner().invoke(main, ["build", "--strict", str(root)])
    assert strict.exit_code == 1 and "sections/a.md:6: no embedded font" in strict.output


def _diagnostics(root: Path) -> tuple[set[str], set[str]]:
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    built = {line.removeprefix("warning: ").replace(str(root) + "/", "") for line in result.output.splitlines()
             if line.startswith("warning: ")}
    checked = {f"{d.path}:{d.line}: {d.message}" if d.line else f"{d.path}: {d.message}"
               for d in check_brief(root) if d.level == "warning"}
    return built, checked


def test_build_reports_every_warning_check_does(tmp_path: Path) -> None:
    root = _warning_brief(tmp_path / "one")
    built, checked = _diagnostics(root)
    assert len(checked) >= 6
    assert built == checked


@pytest.mark.parametrize("strict", [False, True])
def test_with_audiences_build_warns_of_a_source_no_edition_cites(tmp_path: Path, strict: bool) -> None:
    root = _warning_brief(tmp_path)
    manifest = (root / "brief.yaml").read_text(encoding="utf-8")
    (root / "brief.yaml").write_text(manifest + "audiences:\n  satu: {label: Satu}\n  dua: {label: Dua}\n",
                                     encoding="utf-8")
    with (root / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("- id: lupa\n  title: Tidak Dikutip\n")
    if strict:
        result = CliRunner().invoke(main, ["build", "--strict", str(root)])
        assert result.exit_code == 1 and "sources.yaml:5: source 'lupa' is never cited" in result.output
        assert not list(root.glob("output/*.pdf"))
        return
    built, checked = _diagnostics(root)
    assert "sources.yaml:5: source 'lupa' is never cited" in checked
    assert built == checked


def test_a_url_in_a_fallback_script_links_and_prints(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "sources": "sources.yaml"}, {"a.md": "---\ntitle: A\n---\nTeks [@a].\n"},
                **{"sources.yaml": "- id: a\n  title: Judul\n  url: https://ko.wikipedia.org/wiki/서울\n"})
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (pdf,) = tmp_path.glob("output/*.pdf")
    page = PdfReader(pdf).pages[0]
    uris = [a.get_object()["/A"].get("/URI") for a in page.get("/Annots", []) if "/A" in a.get_object()]
    assert "https://ko.wikipedia.org/wiki/%EC%84%9C%EC%9A%B8" in uris  # a PDF URI is ASCII
    assert "https://ko.wikipedia.org/wiki/서울" in page.extract_text()


def test_a_right_to_left_passage_too_long_for_one_line_is_a_warning(tmp_path: Path) -> None:
    long_arabic = "العلاقات بين كوريا الشمالية وروسيا تعمقت بشكل ملحوظ بعد القمة الأولى بين الزعيمين"
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\nPendek: مصر.\n\nPanjang: {long_arabic}.\n"})
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"sections/a.md:6: a right-to-left passage of {len(long_arabic)} characters" in result.output
    assert "a.md:4" not in result.output  # a short run is fine


def test_a_failed_edition_does_not_make_its_sources_never_cited(tmp_path: Path) -> None:
    """The edition over its page budget cites 'b'; its citations are unknown to build, so no warning."""
    long_text = "\n\n".join(["Kalimat yang panjang sekali untuk mengisi halaman. " * 12] * 40)
    manifest = {**BASIC_MANIFEST, "sources": "sources.yaml",
                "audiences": {"satu": {"label": "Satu"}, "dua": {"label": "Dua", "page_budget": 1}}}
    root = write_brief(tmp_path, manifest,
                       {"a.md": "---\ntitle: A\n---\nTeks [@a].\n",
                        "b.md": f"---\ntitle: B\naudiences: [dua]\n---\nTeks [@b].\n\n{long_text}\n"},
                       **{"sources.yaml": "- id: a\n  title: Satu\n- id: b\n  title: Dua\n"})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1 and "over its page_budget of 1" in result.output, result.output
    assert "never cited" not in result.output


def test_a_plan_covers_as_its_sets_of_characters_say() -> None:
    """The ASCII shortcut holds only for a set with every printable ASCII character, whichever plan made it."""
    from briefing.layout.fonts import GlyphPlan

    ascii_set = frozenset(chr(code) for code in range(32, 127))
    for _ in range(2):  # each build makes a new plan, with sets equal to the last one's
        plan = GlyphPlan({"A": ascii_set | frozenset("—“”"), "B": frozenset("abc é")}, [])
        assert plan.covers("Teks — “kutipan”", "A") and not plan.covers("abé", "A")
        assert plan.covers("abé cab", "B") and not plan.covers("abd", "B") and not plan.covers("a—b", "B")
        assert plan.covers("abc") and not plan.covers("abd") and not plan.covers("a—")  # unknown font: both
        assert plan.covers("a b", "C") and not plan.covers("é", "C")
        assert plan.covers("tab\there", "A") and not plan.covers("bell\x07", "A")
