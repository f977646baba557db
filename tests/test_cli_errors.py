"""Every documented error: exit code, file and line named, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import __version__
from briefing.cli import main

from .conftest import BASIC_MANIFEST, run_cli, run_cli_process, write_brief

SECTION = """\
---
title: Satu
---
Teks.
"""


def assert_clean_error(result, *needles: str, code: int = 1) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) <= 3
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_missing_manifest(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    assert_clean_error(run_cli_process("build", str(tmp_path)), "brief.yaml")  # smoke test: the real entry point


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: X\ndate: 2022-01-01\nauthors: [a, b\n", {"a.md": SECTION})
    assert_clean_error(run_cli("build", str(tmp_path)), "brief.yaml:4", "invalid YAML")


def test_unknown_manifest_key_names_key_and_line(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: X\ndate: 2022-01-01\ntitel: Y\n", {"a.md": SECTION})
    assert_clean_error(run_cli("build", str(tmp_path)), "brief.yaml:3", "unknown key 'titel'")


def test_wrong_type_names_key(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: X\ndate: yesterday\n", {"a.md": SECTION})
    assert_clean_error(run_cli("build", str(tmp_path)), "brief.yaml:2", "'date'")


def test_undefined_template_variable_names_line(tmp_path: Path) -> None:
    section = "---\ntitle: Satu\n---\nBaris empat.\n\n{% if true %}\nNilai {{ vars.tidak_ada }}\n{% endif %}\n"
    write_brief(tmp_path, BASIC_MANIFEST, {"01-satu.md": section})
    result = run_cli("build", str(tmp_path))
    assert_clean_error(result, "01-satu.md:7", "tidak_ada")


def test_template_syntax_error_names_line(tmp_path: Path) -> None:
    section = "---\ntitle: Satu\n---\nBaris.\n{% for x in [1] %}\n"
    write_brief(tmp_path, BASIC_MANIFEST, {"01-satu.md": section})
    assert_clean_error(run_cli("build", str(tmp_path)), "01-satu.md:", "endfor")


def test_error_in_partial_points_at_partial(tmp_path: Path) -> None:
    section = '---\ntitle: Satu\n---\n{% import "m.md" as m %}\n\n{{ m.box() }}\n'
    write_brief(tmp_path, BASIC_MANIFEST, {"01-satu.md": section, "_partials/m.md": "{% macro box() %}\n\n{{ hilang }}\n{% endmacro %}\n"})
    assert_clean_error(run_cli("build", str(tmp_path)), "m.md:3", "hilang")


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    section = "---\ntitle: Satu\n---\n{{ ''.__class__.__mro__ }}\n"
    write_brief(tmp_path, BASIC_MANIFEST, {"01-satu.md": section})
    assert_clean_error(run_cli("build", str(tmp_path)), "01-satu.md:4", "not allowed")


def test_unclosed_front_matter(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"01-satu.md": "---\ntitle: Satu\nTeks\n"})
    assert_clean_error(run_cli("build", str(tmp_path)), "01-satu.md:1", "never closed")


def test_latin1_section_is_not_utf8(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {})
    (tmp_path / "sections" / "a.md").write_bytes("---\ntitle: A\n---\nCaf\xe9\n".encode("latin-1"))
    assert_clean_error(run_cli("build", str(tmp_path)), "a.md:4", "not UTF-8")


def test_heading_level_one_in_body_is_explained(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nTeks.\n\n# Judul\n"})
    assert_clean_error(run_cli("build", str(tmp_path)), "a.md:6", "front matter")


def test_usage_error_exits_2() -> None:
    result = run_cli_process("build", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    result = run_cli_process("--debug", "build", str(tmp_path))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_version_and_help() -> None:
    runner = CliRunner()
    assert __version__ in runner.invoke(main, ["--version"]).output
    for args in (["--help"], ["build", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_build_prints_path_and_writes_default_output(tmp_path: Path) -> None:
    write_brief(tmp_path / "my-brief", BASIC_MANIFEST, {"a.md": SECTION})
    result = run_cli("build", str(tmp_path / "my-brief"))
    assert result.returncode == 0, result.stderr
    target = tmp_path / "my-brief" / "output" / "my-brief.pdf"
    assert target.is_file()
    assert "my-brief.pdf" in result.stdout


@pytest.mark.parametrize("cwd_relative", [True])
def test_build_defaults_to_current_folder(tmp_path: Path, cwd_relative: bool) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "id": "cwd"}, {"a.md": SECTION})
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "cwd.pdf").is_file()
