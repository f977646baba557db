"""Builds in a warm worker after an edit of each kind of input: every PDF is the one a new process
makes of the same files, however much of the build before the worker keeps (`rebuilds.py`,
`build.parse_once`, the layout's line lending).

The builds run through the worker's own entry (`cli.invoke` inside `rebuilds.between_builds`,
as `briefing serve` runs each request), one after another in this process, so each one finds
the caches the one before filled; the cold builds are new processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from PIL import Image

from briefing.cli import invoke
from briefing.rebuilds import between_builds

from .conftest import BASIC_MANIFEST, write_brief

NAME = "김정은"
JAMO = "ㄱㄴ"
"""Set in a fallback font of the packages until the brief's own font has them too."""
MANIFEST = {**BASIC_MANIFEST, "theme": "tema.yaml", "logo": "assets/logo.png", "timeline": "timeline.yaml",
            "sources": "sources.yaml"}
SECTION = ("---\ntitle: Ringkasan\n---\n{% include 'sisipan.md' %}\n\n"
           f"Rusia dan Korea Utara mempererat hubungan dengan {NAME} {JAMO} [@s1].\n\n![Peta](assets/peta.png)\n")
TIMELINE = '- date: "2019-04-25"\n  title: "KTT Kim-Putin."\n- date: "2022-02-24"\n  title: "Invasi."\n'
SOURCES = "- id: s1\n  title: Hubungan\n  publisher: VOA\n  date: 2022-10-07\n"
THEME = "base: formal\nbody_size: 10\nfallback_fonts: [fonts/hangul.ttf]\nheading_font: {regular: fonts/judul.ttf}\n"
LATIN = "".join(map(chr, range(33, 127)))


def _font(path: Path, width: int, text: str = NAME, family: str = "WarmHangul") -> None:
    """A tiny TrueType font with box glyphs *width* units wide for *text* (a stand-in for a real font).

    Its family is this test's own: ReportLab gives a font whose face name an earlier font of
    another file took the earlier one's glyphs (`pdfmetrics.registerFont`), as after another
    test's brief built in this process.
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in text]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in text}})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((width - 100, 700)), pen.lineTo((width - 100, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (width, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))


def _image(path: Path, colour: tuple[int, int, int]) -> None:
    Image.new("RGB", (900, 600), colour).save(path)


def _brief(root: Path) -> Path:
    root = write_brief(root, MANIFEST, {"01.md": SECTION, "_partials/sisipan.md": "Sisipan pertama.\n"},
                       **{"timeline.yaml": TIMELINE, "sources.yaml": SOURCES, "tema.yaml": THEME})
    (root / "assets").mkdir()
    _image(root / "assets" / "peta.png", (20, 40, 120))
    _image(root / "assets" / "logo.png", (120, 40, 20))
    (root / "fonts").mkdir()
    _font(root / "fonts" / "hangul.ttf", 900)
    _font(root / "fonts" / "judul.ttf", 500, LATIN, "WarmJudul")
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _cold(root: Path, out: Path, args: list[str]) -> bytes:
    subprocess.run([sys.executable, "-m", "briefing", "build", str(root), "-q", "-o", str(out), *args], check=True,
                   env={**os.environ, "BRIEFING_NO_WORKER": "1"}, capture_output=True, timeout=120)
    return out.read_bytes()


def test_every_kind_of_edit_gives_the_bytes_of_a_cold_build(tmp_path: Path) -> None:
    root = _brief(tmp_path / "brief")
    edits: list[tuple[str, Callable[[], None], list[str]]] = [
        ("nothing yet", lambda: None, []),
        ("a word of a section, the same size", lambda: _replace(root / "sections/01.md", "mempererat", "memperkuat"), []),
        ("the manifest", lambda: _replace(root / "brief.yaml", "Test Brief", "Brief Uji"), []),
        ("a timeline event, the same size", lambda: _replace(root / "timeline.yaml", "Kim-Putin", "Kim-Xi!!!"), []),
        ("a source", lambda: _replace(root / "sources.yaml", "publisher: VOA", "publisher: BBC Indonesia"), []),
        ("a figure's pixels, the same size", lambda: _image(root / "assets/peta.png", (200, 40, 20)), []),
        ("the logo's pixels, the same size", lambda: _image(root / "assets/logo.png", (20, 140, 20)), []),
        ("the theme", lambda: _replace(root / "tema.yaml", "body_size: 10", "body_size: 11"), []),
        ("a partial template", lambda: _replace(root / "sections/_partials/sisipan.md", "pertama", "kedua"), []),
        ("the brief's own font", lambda: _font(root / "fonts/hangul.ttf", 600), []),
        ("the brief's own font, with more characters", lambda: _font(root / "fonts/hangul.ttf", 600, NAME + JAMO), []),
        ("the theme's own font", lambda: _font(root / "fonts/judul.ttf", 700, LATIN, "WarmJudul"), []),
        ("a new section", lambda: (root / "sections/02.md").write_text("---\ntitle: Dua\n---\nBab dua.\n",
                                                                      encoding="utf-8"), []),
        ("an option", lambda: None, ["--paper", "letter"]),
        ("the option back", lambda: None, []),
        ("a section removed", lambda: (root / "sections/02.md").unlink(), []),
    ]
    previous = b""
    with between_builds():  # as `briefing serve` runs each request
        for number, (what, edit, args) in enumerate(edits):
            edit()
            out = tmp_path / f"warm-{number}.pdf"
            assert invoke(["build", str(root), "-q", "-o", str(out), *args]) == 0, what
            warm = out.read_bytes()
            assert warm == _cold(root, tmp_path / f"cold-{number}.pdf", args), f"{what}: not the cold build's bytes"
            assert warm != previous, f"{what}: the edit changed nothing in the PDF"
            previous = warm
