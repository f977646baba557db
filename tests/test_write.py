"""Stage 5: atomic output — a failed build never harms the previous PDF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.errors import OutputError
from briefing.write import write_atomic

from .conftest import BASIC_MANIFEST, run_cli, write_brief


def test_failed_build_keeps_previous_pdf(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "id": "b"}, {"a.md": "---\ntitle: A\n---\nBaik.\n"})
    assert run_cli("build", str(tmp_path)).returncode == 0
    target = tmp_path / "output" / "b.pdf"
    before = target.read_bytes()
    (tmp_path / "sections" / "a.md").write_text("---\ntitle: A\n---\n{{ rusak }}\n", encoding="utf-8")
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1
    assert target.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "output").iterdir() if p.name != ".cache") == [".outputs.json", "b.pdf"]


def test_stale_temp_files_are_swept_by_the_next_build(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "id": "b"}, {"a.md": "---\ntitle: A\n---\nBaik.\n"})
    output = tmp_path / "output"
    output.mkdir()
    (output / ".briefing-abc.part").write_bytes(b"%PDF-1.4 half")
    (output / "keep.txt").write_text("mine")
    assert run_cli("build", str(tmp_path)).returncode == 0
    assert sorted(p.name for p in output.iterdir() if p.name != ".cache") == [".outputs.json", "b.pdf", "keep.txt"]


def test_rename_failure_leaves_target_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_output_option_writes_where_asked(tmp_path: Path) -> None:
    write_brief(tmp_path / "b", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nBaik.\n"})
    out = tmp_path / "elsewhere" / "r.pdf"
    result = run_cli("build", str(tmp_path / "b"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    leftovers = [p.name for p in (tmp_path / "b").glob("output/*")]
    assert leftovers in ([], [".cache"])  # only the build cache, never a PDF
