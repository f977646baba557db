"""Layout never emits a page with nothing on it: the timeline flush adds only pages it fills."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from PIL import Image

from briefing.cli import main

#: Lines every page prints whatever its content: marking, running head, footer.
_FURNITURE = ("TERBATAS", "Judul Brief 1 Desember", "Nama Unit Anda · Judul Brief Halaman")


def _content_lines(page: pdfplumber.page.Page) -> list[str]:
    lines = (page.extract_text() or "").splitlines()
    return [line for line in lines if line.strip() and not line.startswith(_FURNITURE)]


@pytest.mark.parametrize("events", [1, 10, 44])
def test_new_brief_builds_without_blank_pages(tmp_path: Path, events: int) -> None:
    runner = CliRunner()
    folder = tmp_path / "brief"
    assert runner.invoke(main, ["new", str(folder), "--language", "id"]).exit_code == 0
    timeline = "".join(f"- date: 2020-01-{day % 28 + 1:02d}\n  title: Peristiwa nomor {day}\n"
                       for day in range(events))
    (folder / "timeline.yaml").write_text(timeline, encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["build", str(folder), "-o", str(out), "-a", "pimpinan"])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        pages = [_content_lines(page) for page in pdf.pages]
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert all(pages), [number for number, lines in enumerate(pages, start=1) if not lines]
    assert f"Peristiwa nomor {events - 1}" in text  # the whole timeline printed
    if events == 1:
        assert len(pages) == 1


def test_figure_floated_past_the_last_text_still_prints(tmp_path: Path) -> None:
    """A closing figure that does not fit below the text floats to a new page, not away."""
    from briefing.build import build

    from .conftest import BASIC_MANIFEST, write_brief

    paragraph = "Kalimat panjang untuk mengisi halaman. " * 30 + "\n\n"
    root = write_brief(tmp_path / "b", BASIC_MANIFEST,
                       {"01.md": "---\ntitle: A\n---\n" + paragraph * 5 +
                        '![x](assets/chart.png){caption="Grafik akhir"}\n'})
    (root / "assets").mkdir()
    Image.new("RGB", (1800, 900), (31, 58, 95)).save(root / "assets" / "chart.png")
    out = tmp_path / "out.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        images = [len(page.images) for page in pdf.pages]
        last = pdf.pages[-1].extract_text() or ""
    assert images == [0, 0, 1]
    assert "Gambar 1. Grafik akhir" in last
