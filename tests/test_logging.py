"""`-v` logs what was loaded, each stage of each edition with its time, and cache hits; `-q` keeps quiet."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from briefing.cli import main

from .conftest import BASIC_MANIFEST, write_brief

STAGES = ["plan", "render", "parse", "parse timeline", "tailor", "cite", "lay out", "write"]


def _brief(root: Path) -> Path:
    manifest = {**BASIC_MANIFEST, "id": "uji", "sources": "sources.yaml"}
    write_brief(root, manifest, {"01.md": "---\ntitle: Satu\n---\nTeks.\n\n![Bagan](assets/bagan.png)\n"},
                **{"sources.yaml": "- id: tak-dikutip\n  title: Sumber\n"})
    (root / "assets").mkdir()
    # a colour no other test uses: the in-process image cache is keyed by content
    Image.new("RGB", (900, 600), (31, 97, 163)).save(root / "assets" / "bagan.png")
    return root


def test_verbose_build_logs_loading_stages_and_cache_hits(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b")
    runner = CliRunner()
    first = runner.invoke(main, ["-v", "build", str(root)])
    assert first.exit_code == 0, first.stderr
    log = first.stderr.splitlines()
    assert any(re.fullmatch(r"loaded .*brief\.yaml: 1 sections, 0 timeline events, 1 sources, theme formal", line)
               for line in log), log
    timed = [m.group(1) for line in log if (m := re.fullmatch(r"uji: (.+) \d+\.\d ms", line))]
    assert timed == STAGES
    assert "image converted for print: bagan.png" in log
    second = runner.invoke(main, ["-v", "build", str(root)])
    assert "image cache hit (memory): bagan.png" in second.stderr.splitlines()


def test_without_verbose_nothing_is_logged(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b")
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0
    assert " ms" not in result.stderr and "loaded" not in result.stderr
    assert "uji.pdf" in result.stdout


def test_quiet_keeps_warnings_and_drops_the_rest(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b")
    result = CliRunner().invoke(main, ["-q", "-v", "build", str(root)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert [line for line in result.stderr.splitlines()] == [
        f"warning: {root.resolve() / 'sources.yaml'}:1: source 'tak-dikutip' is never cited"]


def test_verbose_check_times_the_same_stages_without_writing(tmp_path: Path) -> None:
    root = _brief(tmp_path / "b")
    result = CliRunner().invoke(main, ["-v", "check", str(root)])
    timed = [m.group(1) for line in result.stderr.splitlines() if (m := re.fullmatch(r"uji: (.+) \d+\.\d ms", line))]
    assert timed == ["plan", "render", "parse", "parse timeline", "tailor", "cite", "lay out"]
    assert not (root / "output" / "uji.pdf").exists()
