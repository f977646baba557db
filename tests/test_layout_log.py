"""Stage 4 golden files: the layout log (page -> frame -> flowable -> source line, y).

`briefing build --layout-log FILE` writes where every flowable of every page landed. The
logs in tests/golden/layout/ are the default brief's analysts edition and a small brief
that splits a paragraph, a table and a list across pages and floats a figure; they fail
when layout changes. After an intended change, `pytest --update-golden` rewrites them:
review the diff as you would the pages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.build import BuildOptions, build
from briefing.cli import main
from tests.conftest import BASIC_MANIFEST, REPO, write_brief
from tests.golden import GOLDEN, check_text

LAYOUT = GOLDEN / "layout"

LONG = " ".join(["Kalimat panjang tentang hubungan kedua negara yang terus berkembang."] * 40)
ROWS = "\n".join(f"| Baris {i} | Nilai {i} |" for i in range(60))
SPLITS = {
    "a.md": "---\ntitle: Pembagian\n---\n" + LONG + "\n\n"
            '![Peta](assets/peta.png){caption="Peta lokasi." width=full}\n\n'
            "## Tabel panjang\n\n| Kolom | Nilai |\n|---|--:|\n" + ROWS + "\n\n: Nilai per baris {#tbl-nilai}\n",
    "b.md": "---\ntitle: Daftar\n---\n" + "".join(f"- butir {i} yang cukup panjang untuk dibaca\n" for i in range(40)),
}


@pytest.fixture
def analis_log(default_layout_log: str) -> str:
    return default_layout_log


def test_default_analysts_edition(analis_log: str, request: pytest.FixtureRequest) -> None:
    check_text(request.config, LAYOUT / "analis.log", analis_log)


def test_the_log_names_every_heading_and_figure_with_its_line(analis_log: str) -> None:
    """Independent of the golden: each section title and figure of the edition, on its page."""
    placed = [line.split() for line in analis_log.splitlines() if line.startswith("    ")]
    headings = [(kind, where) for kind, where, *_ in placed if kind == "HeadingParagraph" and where != "-"]
    assert ("HeadingParagraph", "sections/01-ringkasan.md:1") == headings[0]
    assert len({where.split(":")[0] for _, where in headings}) == 5  # the five section files
    figures = [where for kind, where, *_ in placed if kind in ("FigureFlowable", "MarginFloat")]
    assert "sections/02-dukungan-politik.md:19" in figures  # the map
    assert "sections/05-prospek.md:8" in figures  # the chart


def test_splits_floats_and_lists(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, SPLITS)
    (root / "assets").mkdir()
    shutil.copy(REPO / "assets" / "peta-lokasi.png", root / "assets" / "peta.png")
    log = tmp_path / "layout.log"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "o.pdf"), "--layout-log", str(log)])
    assert result.exit_code == 0, result.output
    text = log.read_text(encoding="utf-8")
    check_text(request.config, LAYOUT / "splits.log", text)
    pages = text.count("\npage ")
    assert pages >= 3
    body = [line for line in text.splitlines() if line.startswith("    ")]
    assert not [line for line in body if " - " in line], "every flowable of the sections names its source line"
    assert sum("_FlexTable" in line or " Table " in line for line in body) >= 2  # the table split, both parts at line 9


def test_the_pdf_is_the_same_with_or_without_a_log(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"b.md": SPLITS["b.md"]})
    build(root, tmp_path / "plain.pdf")
    build(root, tmp_path / "logged.pdf", options=BuildOptions(layout_log=tmp_path / "x.log"))
    assert (tmp_path / "plain.pdf").read_bytes() == (tmp_path / "logged.pdf").read_bytes()
    assert (tmp_path / "x.log").read_text(encoding="utf-8").startswith("edition -\npage 1 (first)\n  frame body\n")


def test_a_log_inside_the_brief_is_refused(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"b.md": SPLITS["b.md"]})
    before = (root / "sections" / "b.md").read_bytes()
    result = CliRunner().invoke(main, ["build", str(root), "--layout-log", str(root / "sections" / "b.md")])
    assert result.exit_code == 2
    assert "--layout-log" in result.output and "inside the brief folder" in result.output
    assert (root / "sections" / "b.md").read_bytes() == before
    assert not (root / "output").exists() or not list((root / "output").glob("*.pdf"))
