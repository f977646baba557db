"""Authoring workflow: new, check, watch, error positions through the layers, glyph fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from briefing.build import build

from .conftest import BASIC_MANIFEST, run_cli, write_brief


@pytest.mark.parametrize("language", ["id", "en"])
def test_new_then_build(tmp_path: Path, language: str) -> None:
    folder = tmp_path / "brief-baru"
    result = run_cli("new", str(folder), "--language", language)
    assert result.returncode == 0, result.stderr
    for name in ("brief.yaml", "sections/01-summary.md", "sections/02-analysis.md", "timeline.yaml",
                 "sources.yaml", "assets/chart.png"):
        assert (folder / name).is_file(), name
    built = run_cli("build", str(folder))
    assert built.returncode == 0, built.stderr
    (pdf,) = (folder / "output").glob("*.pdf")
    text = "".join(p.extract_text() for p in pdfplumber.open(pdf).pages)
    assert ("Lini Masa" if language == "id" else "Timeline") in text
    assert run_cli("check", str(folder)).returncode == 0


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = run_cli("new", str(tmp_path))
    assert result.returncode == 1 and "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


PLANTED = {
    "01-a.md": "---\ntitle: A\n---\nBaris.\n\n{% if true %}\nNilai {{ vars.hilang }}\n{% endif %}\n",  # 1: a.md:7
    "02-b.md": "---\ntitle: B\n---\nTeks.\n\n# Judul salah\n",  # 2: b.md:6
    "03-c.md": "---\ntitle: C\n---\n{% for i in range(2) %}\nButir {{ i }}.\n\n{% endfor %}\nMengutip [@alfa] dan [@betta].\n",  # 3: c.md:8
    "04-d.md": "---\ntitle: D\n---\nGambar kecil:\n\n![x](assets/kecil.png)\n",  # 4: d.md:6 low dpi
    "05-e.md": "---\ntitle: E\n---\nAksara Ugarit: \U00010380.\n",  # 5: e.md:4 glyphs no font has
}


def planted_brief(root: Path) -> Path:
    manifest = {**BASIC_MANIFEST, "sources": "sources.yaml"}
    sources = "- {id: alfa, title: Alfa}\n- {id: beta, title: Beta}\n- {id: gamma, title: Gamma}\n"  # 6: gamma unused
    write_brief(root, manifest, PLANTED, **{"sources.yaml": sources})
    (root / "assets").mkdir()
    Image.new("RGB", (120, 80), "navy").save(root / "assets" / "kecil.png")
    return root


def test_check_lists_every_planted_problem(tmp_path: Path) -> None:
    root = planted_brief(tmp_path)
    result = run_cli("check", str(root))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    expected = [
        ("sections/01-a.md:7: error:", "hilang"),
        ("sections/02-b.md:6: error:", "front matter"),
        ("sections/03-c.md:8: error:", "did you mean 'beta'"),
        ("sections/04-d.md:6: warning:", "dpi"),
        ("sections/05-e.md:4: warning:", "U+10380"),
        ("sources.yaml:2: warning:", "'beta' is never cited"),
        ("sources.yaml:3: warning:", "'gamma' is never cited"),
    ]
    for prefix, needle in expected:
        assert any(line.startswith(prefix) and needle in line for line in lines), (prefix, lines)
    assert lines == sorted(lines, key=lambda l: (l.split(":")[0], int(l.split(":")[1])))
    assert not (root / "output" / "test-brief.pdf").exists()


def test_check_json_and_strict(tmp_path: Path) -> None:
    root = planted_brief(tmp_path)
    data = json.loads(run_cli("check", "--format", "json", str(root)).stdout)
    assert {d["level"] for d in data} == {"error", "warning"}
    assert all({"path", "line", "level", "message"} <= set(d) for d in data)
    for name in ("01-a.md", "02-b.md", "03-c.md"):
        (root / "sections" / name).unlink()
    warnings_only = run_cli("check", str(root))
    assert warnings_only.returncode == 0 and "warning" in warnings_only.stdout
    assert run_cli("check", "--strict", str(root)).returncode == 1


def test_template_and_markdown_errors_point_at_the_author_s_line(tmp_path: Path) -> None:
    partial = "{% macro kotak() %}\nIsi kotak.\n\n{% endmacro %}\n"
    section = (
        "---\ntitle: A\n---\n{% import 'm.md' as m %}\n{{ m.kotak() }}\n"  # 4-5
        "{% for i in range(3) %}\nButir {{ i }}.\n\n{% endfor %}\n"  # 6-9
        "{% include 'sisipan.md' %}\n"  # 10
        "Teks.\n\n![x](assets/tidak-ada.png)\n"  # 11-13
    )
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": section, "_partials/m.md": partial,
                                          "_partials/sisipan.md": "Sisipan\n\nbaris dua\n"})
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1 and "a.md:13" in result.stderr and "tidak-ada.png" in result.stderr
    (tmp_path / "sections" / "_partials" / "sisipan.md").write_text("Sisipan\n\n{{ salah }}\n")
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1 and "sisipan.md:3" in result.stderr and "salah" in result.stderr


def test_lines_inside_a_raw_block_point_at_their_own_line(tmp_path: Path) -> None:
    section = ("---\ntitle: A\n---\nPembuka {{ brief.title }} di sini.\n\n{% raw %}\n"  # 4-6
               "Harfiah {{ kurung }} satu.\n\nKedua dengan ![x](assets/tidak-ada.png) di tengah.\n"  # 7-9
               "{% endraw %}\n\nPenutup.\n")
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": section})
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1 and "a.md:9:" in result.stderr and "own paragraph" in result.stderr, result.stderr


def _hangul_font(path: Path, text: str) -> Path:
    """A tiny TrueType font with box glyphs for *text*: a stand-in for a real Korean font."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in text]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in text})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((800, 700)), pen.lineTo((800, 0)), pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (900, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "TestHangul", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def test_hangul_renders_with_a_fallback_font(tmp_path: Path) -> None:
    name = "김정은"
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "theme": "tema.yaml"},
                       {"a.md": f"---\ntitle: A\n---\nPemimpin Korea Utara, {name}, dan Putin (Путин).\n"},
                       **{"tema.yaml": "base: formal\nfallback_fonts: [fonts/hangul.ttf]\n"})
    (root / "fonts").mkdir()
    _hangul_font(root / "fonts" / "hangul.ttf", name)
    out = root / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] in name]
        cyrillic = [c for c in pdf.pages[0].chars if c["text"] in "Путин"]
    assert "".join(c["text"] for c in chars) == name
    assert all("TestHangul" in c["fontname"] or "Fallback" in c["fontname"] for c in chars)
    assert cyrillic and all("IBMPlexSerif" in c["fontname"] for c in cyrillic)  # the theme font covers Cyrillic
    assert run_cli("check", str(root)).returncode == 0  # covered: nothing to warn about


def test_watch_rebuilds_and_survives_a_broken_edit(tmp_path: Path) -> None:
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "id": "w"}, {"a.md": "---\ntitle: A\n---\nVersi satu.\n"})
    target = root / "output" / "w.pdf"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "briefing", "watch", str(root), "--stop-after", "25"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines: list[str] = []

        def wait_for(needle: str, count: int = 1, timeout: float = 20) -> None:
            end = time.monotonic() + timeout
            while sum(needle in line for line in lines) < count:
                assert time.monotonic() < end, f"timed out waiting for {needle!r}: {lines}"
                line = process.stdout.readline()  # type: ignore[union-attr]
                assert line, f"watch exited early: {lines}"
                lines.append(line)

        wait_for("built", 1)
        first = target.read_bytes()
        time.sleep(0.3)
        (root / "sections" / "a.md").write_text("---\ntitle: A\n---\nVersi dua.\n", encoding="utf-8")
        wait_for("built", 2)
        second = target.read_bytes()
        assert second != first and "Versi dua" in pdfplumber.open(target).pages[0].extract_text()
        (root / "sections" / "a.md").write_text("---\ntitle: A\n---\n{{ rusak }}\n", encoding="utf-8")
        wait_for("build failed")
        assert any("a.md:4" in line and "rusak" in line for line in lines)
        assert target.read_bytes() == second and process.poll() is None  # still watching, PDF intact
        (root / "sections" / "a.md").write_text("---\ntitle: A\n---\nVersi tiga.\n", encoding="utf-8")
        wait_for("built", 3)
    finally:
        process.kill()
        process.wait()


def test_brief_folder_found_by_walking_up(tmp_path: Path) -> None:
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "id": "atas"}, {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    result = run_cli("build", cwd=root / "sections")
    assert result.returncode == 0, result.stderr
    assert (root / "output" / "atas.pdf").is_file()


def test_quiet_and_no_color(tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    quiet = run_cli("--quiet", "build", str(root))
    assert quiet.returncode == 0 and quiet.stdout == ""
    (root / "sections" / "a.md").write_text("---\ntitle: A\n---\n{{ x }}\n")
    broken = subprocess.run([sys.executable, "-m", "briefing", "build", str(root)], capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    assert "\x1b[" not in broken.stderr and broken.stderr.startswith("error: ")
