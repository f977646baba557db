"""Markdown as analysts paste it from elsewhere: CommonMark corners, on the real PDF or the exact error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from click.testing import CliRunner

from briefing.cli import main

from .conftest import BASIC_MANIFEST, write_brief


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
