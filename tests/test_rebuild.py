"""Rebuilds in one process (`briefing watch`) parse only the sections that changed."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from briefing.build import build

from .conftest import BASIC_MANIFEST, write_brief

build_module = sys.modules["briefing.build"]  # `briefing.build` is also the function's name


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "PNG")
    return out.getvalue()


def test_only_changed_sections_and_sections_with_changed_images_are_parsed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {
        "a.md": "---\ntitle: A\n---\nSatu dua tiga.\n",
        "b.md": "---\ntitle: B\n---\n![Peta](assets/peta.png)\n\nEmpat lima.\n",
    })
    (root / "assets").mkdir()
    (root / "assets" / "peta.png").write_bytes(png((400, 300)))
    parsed: list[str] = []
    real = build_module.parse_markdown

    def counting(text, path, *rest):  # type: ignore[no-untyped-def]
        parsed.append(path.name)
        return real(text, path, *rest)

    monkeypatch.setattr(build_module, "parse_markdown", counting)
    first = build(root, tmp_path / "1.pdf")[0].path.read_bytes()
    assert sorted(parsed) == ["a.md", "b.md"]
    parsed.clear()
    assert build(root, tmp_path / "2.pdf")[0].path.read_bytes() == first  # nothing changed: nothing parsed
    assert parsed == []
    (root / "sections" / "a.md").write_text("---\ntitle: A\n---\nSatu dua empat.\n", encoding="utf-8")
    build(root, tmp_path / "3.pdf")
    assert parsed == ["a.md"]
    parsed.clear()
    (root / "assets" / "peta.png").write_bytes(png((300, 600)))  # same text, another picture
    build(root, tmp_path / "4.pdf")
    assert parsed == ["b.md"]
    (root / "assets" / "peta.png").unlink()
    with pytest.raises(Exception, match="peta.png"):  # a vanished image is an error again, not a stale figure
        build(root, tmp_path / "5.pdf")
