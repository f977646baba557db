"""A brief ending on a short last page is laid out again pulled in (figures smaller, sources
closer); a further, smaller scale is tried only while it might still save the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

import briefing.layout
from briefing.build import build

from .conftest import BASIC_MANIFEST, run_cli, write_brief

TEXT = "Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini. " * 6


def _brief(root: Path, paragraphs: int = 19) -> Path:
    """Four pages; with 19 paragraphs the last a fifth full: too much for one small figure and
    the pages' foot room to take in; with 18 a few lines, which they might."""
    body = "\n\n".join([TEXT] * 2 + ["![Bagan](assets/b.png)"] + [TEXT] * paragraphs)
    write_brief(root, {**BASIC_MANIFEST, "id": "uji"}, {"a.md": f"---\ntitle: A\n---\n{body}\n"})
    (root / "assets").mkdir()
    Image.new("RGB", (900, 300), (31, 97, 160)).save(root / "assets" / "b.png")
    return root


def _passes(stderr: str) -> list[tuple[str, str]]:
    """(why, pages) of each layout pass `-v` logged."""
    return re.findall(r"^layout pass \d+ \((.+?)\): (\d+) pages", stderr, re.M)


def test_a_tail_that_cannot_be_saved_skips_the_smallest_scale(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b")
    result = run_cli("-v", "build", str(root), "-o", str(tmp_path / "out.pdf"))
    assert result.returncode == 0, result.stderr
    assert _passes(result.stderr) == [("first", "4"), ("pull-in 0.85", "4")]
    assert re.search(r"^layout pass for pull-in 0.7 skipped: the last page's \d+ pt cannot move into \d+ pt$",
                     result.stderr, re.M), result.stderr
    assert len(PdfReader(tmp_path / "out.pdf").pages) == 4


def test_the_skipped_scale_would_not_have_saved_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _brief(tmp_path / "b")
    assert run_cli("build", str(root), "-o", str(tmp_path / "skipped.pdf")).returncode == 0
    monkeypatch.setattr(briefing.layout, "_may_save_page", lambda *_: True)
    result = run_cli("-v", "build", str(root), "-o", str(tmp_path / "tried.pdf"))
    assert _passes(result.stderr) == [("first", "4"), ("pull-in 0.85", "4"), ("pull-in 0.7", "4")]
    assert (tmp_path / "tried.pdf").read_bytes() == (tmp_path / "skipped.pdf").read_bytes()


def test_a_tail_that_might_be_saved_tries_every_scale(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b", paragraphs=18)
    result = run_cli("-v", "build", str(root), "-o", str(tmp_path / "out.pdf"))
    assert _passes(result.stderr) == [("first", "4"), ("pull-in 0.85", "4"), ("pull-in 0.7", "4")]
    assert "skipped" not in result.stderr


def test_a_pulled_in_layout_that_does_not_save_the_page_is_not_written(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = _brief(tmp_path / "b")
    written: list[int] = []
    save = Canvas.save

    def counted(canvas: Canvas) -> None:
        written.append(canvas.getPageNumber())
        save(canvas)

    monkeypatch.setattr(Canvas, "save", counted)
    [result] = build(root, output=tmp_path / "out.pdf")
    assert result.pages == 4 and len(PdfReader(tmp_path / "out.pdf").pages) == 4
    assert len(written) == 1  # the first layout, kept; not the pulled-in one of as many pages
