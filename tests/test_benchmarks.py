"""The benchmark harness runs (a smoke run at scale 1): timings live in `make bench`, not in tests."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_benchmark_smoke_run() -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "large brief ×1" in result.stdout
    assert "default brief, all 4 editions" in result.stdout
    assert "smoke run done: 3 measurements" in result.stdout


def test_generator_is_deterministic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    first = generate(tmp_path / "a", 2)
    second = generate(tmp_path / "b", 2)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 7  # manifest, 2 sections, 2 images, timeline, sources
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_floor_sets_the_same_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The yardstick prints what a build prints: sidebar timeline, page X of Y, links, outline."""
    import pdfplumber
    from pypdf import PdfReader

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    brief = generate(tmp_path / "brief", 1)
    out = tmp_path / "floor.pdf"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "floor.py"), str(brief), str(out)], check=True, timeout=120)
    with pdfplumber.open(out) as pdf:
        pages = len(pdf.pages)
        first = pdf.pages[0]
        sidebar = [w for w in first.extract_words() if w["text"] == "Lini"]
        assert sidebar and sidebar[0]["x0"] > first.width * 0.6
        assert f"Halaman 1 dari {pages}" in first.extract_text()
    reader = PdfReader(out)
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert any("/Dest" in link for link in links)  # citation markers link to the appendix
    assert reader.outline


def test_results_sections_replace_only_their_own_part(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """run.py and yardstick.py each rewrite their own part of results.md and keep the other's."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from yardstick import replace_section

    results = tmp_path / "results.md"
    replace_section(results, "## A", "## A\n\nfirst\n")
    replace_section(results, "## B", "## B\n\nsecond\n")
    replace_section(results, "## A", "## A\n\nthird\n")
    assert results.read_text(encoding="utf-8") == "## A\n\nthird\n\n## B\n\nsecond\n"


def test_tagging_benchmark_smoke_run() -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "tagging.py"), "--smoke"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    for build in ("untagged (`tagged: false`)", "tagged (the default)", "tagged, `ua-1+a-2b`"):
        assert f"| {build} |" in result.stdout
    assert "smoke run done: 3 builds" in result.stdout
