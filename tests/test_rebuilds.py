"""Rebuilds in one long-lived process (`serve`, `watch`): a layout is reused only when all it is
made of is unchanged, and every PDF is the one a new process makes of the same files."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from briefing import layout
from briefing.build import build
from briefing.rebuilds import between_builds

from .conftest import BASIC_MANIFEST, write_brief

TEXT = "Rusia dan Korea Utara mempererat hubungan menjelang hari ulang tahun Putin."


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), colour).save(out, "PNG")
    return out.getvalue()


def _section(word: str) -> str:
    return "---\ntitle: A\n---\n" + "\n\n".join([TEXT.replace("hubungan", word)] * 4) + "\n"


def _brief(root: Path) -> Path:
    root = write_brief(root, {**BASIC_MANIFEST, "id": "uji", "logo": "assets/logo.png"},
                       {"a.md": _section("hubungan"), "b.md": "---\ntitle: B\n---\n![Peta](assets/peta.png)\n"})
    (root / "assets").mkdir()
    for name in ("peta.png", "logo.png"):
        (root / "assets" / name).write_bytes(png("navy"))
    return root


def _edit(root: Path, word: str) -> None:
    (root / "sections" / "a.md").write_text(_section(word), encoding="utf-8")


def _cold(root: Path, out: Path, **env: str) -> bytes:
    """The PDF a new process builds of *root* as it is now."""
    subprocess.run([sys.executable, "-m", "briefing", "build", str(root), "-q", "-o", str(out)], check=True,
                   env={**os.environ, "BRIEFING_NO_WORKER": "1", **env}, capture_output=True, timeout=120)
    return out.read_bytes()


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the documents actually laid out (not taken from a build before)."""
    laid_out: list[str] = []
    real = layout.render_pdf

    def counting(document, *args, **kwargs):  # type: ignore[no-untyped-def]
        laid_out.append("kerja" if "kerja" in repr(document.sections) else "hubungan")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(layout, "render_pdf", counting)
    return laid_out


def test_a_then_b_then_a_again_gives_the_bytes_of_cold_builds(tmp_path: Path, layouts: list[str]) -> None:
    root = _brief(tmp_path / "brief")
    built = []
    with between_builds():  # as `briefing serve` builds
        for word in ("hubungan", "kerja", "hubungan", "hubungan"):
            _edit(root, word)
            built.append(build(root, tmp_path / f"{len(built)}.pdf")[0].path.read_bytes())
    assert layouts == ["hubungan", "kerja"]  # A again is the layout kept from the first build
    assert built[0] == built[2] == built[3] != built[1]
    assert built[0] == _cold(root, tmp_path / "cold-a.pdf")
    _edit(root, "kerja")
    assert built[1] == _cold(root, tmp_path / "cold-b.pdf")
    build(root, tmp_path / "outside.pdf")  # outside: nothing kept, laid out again
    assert layouts == ["hubungan", "kerja", "kerja"]


@pytest.mark.parametrize("image", ["peta.png", "logo.png"])
def test_an_image_with_new_pixels_of_the_same_size_is_laid_out_again(tmp_path: Path, layouts: list[str],
                                                                     image: str) -> None:
    """The document is the same (a figure records its path and size), the file's bytes are not."""
    root = _brief(tmp_path / "brief")
    with between_builds():
        first = build(root, tmp_path / "1.pdf")[0].path.read_bytes()
        (root / "assets" / image).write_bytes(png("darkred"))
        rebuilt = build(root, tmp_path / "2.pdf")[0].path.read_bytes()
    assert len(layouts) == 2 and rebuilt != first
    assert rebuilt == _cold(root, tmp_path / "cold.pdf")


def test_source_date_epoch_is_part_of_what_a_layout_is_made_of(tmp_path: Path, layouts: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = _brief(tmp_path / "brief")
    with between_builds():
        first = build(root, tmp_path / "1.pdf")[0].path.read_bytes()
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # as a request to the worker carries it
        stamped = build(root, tmp_path / "2.pdf")[0].path.read_bytes()
    assert len(layouts) == 2 and stamped != first
    assert stamped == _cold(root, tmp_path / "cold.pdf", SOURCE_DATE_EPOCH="1700000000")


def _timeline(title: str) -> str:
    return f'- date: "2019-04-25"\n  title: "{title}"\n- date: "2022-02-24"\n  title: "Rusia menginvasi Ukraina."\n'


def test_timeline_and_sources_are_parsed_again_only_when_their_text_changed(tmp_path: Path) -> None:
    """Inside `between_builds` an unchanged file's events and sources are those of the build before."""
    from briefing.brief import load_brief
    from briefing.errors import BriefingError

    sources = "- id: s1\n  publisher: VOA\n  title: Hubungan\n  url: https://example.org/1\n"
    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "timeline": "timeline.yaml", "sources": "sources.yaml"},
                       {"a.md": _section("hubungan")}, **{"timeline.yaml": _timeline("KTT Kim-Putin."),
                                                          "sources.yaml": sources})
    with between_builds():
        first, again = load_brief(root), load_brief(root)
        (root / "timeline.yaml").write_text(_timeline("KTT Kim-Xi!."), encoding="utf-8")  # same size, new text
        edited = load_brief(root)
        (root / "sources.yaml").write_text(sources.replace("url:", "url: [", 1), encoding="utf-8")
        for _ in range(2):  # a file that fails is reported by every build
            with pytest.raises(BriefingError, match="sources.yaml"):
                load_brief(root)
    assert again.timeline is first.timeline and again.sources is first.sources
    assert edited.timeline is not first.timeline and edited.sources is first.sources
    assert [e.title for e in edited.timeline] == ["KTT Kim-Xi!.", "Rusia menginvasi Ukraina."]
    (root / "sources.yaml").write_text(sources, encoding="utf-8")
    assert load_brief(root).timeline is not edited.timeline  # outside: nothing kept
