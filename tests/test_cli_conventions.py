"""Command-line conventions: global options anywhere, any-case choices, per-edition reporting, stale outputs."""

from __future__ import annotations

import io
import logging
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from briefing.cli import locale_language, main
from briefing.errors import TemplateError

from .conftest import BASIC_MANIFEST as BASIC, write_brief

BASIC_MANIFEST = {**BASIC, "id": "b"}

SECTION = {"a.md": "---\ntitle: A\n---\nTeks.\n"}
BROKEN = {"a.md": "---\ntitle: A\n---\nTeks {{ vars.hilang }}.\n"}
TWO = {**BASIC_MANIFEST, "audiences": {"satu": {}, "dua": {}}}


def invoke(*args: str, **env: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("args", [("-q", "build"), ("build", "-q"), ("--quiet", "build"), ("build", "--quiet")])
def test_quiet_before_or_after_the_command(args: tuple[str, ...], tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, SECTION)
    result = invoke(*args, str(root))
    assert result.exit_code == 0 and result.stdout == ""
    assert (root / "output" / "b.pdf").is_file()
    assert invoke("build", str(root)).stdout != ""  # without -q it does speak


@pytest.mark.parametrize("args", [("--debug", "build"), ("build", "--debug")])
def test_debug_before_or_after_the_command(args: tuple[str, ...], tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, BROKEN)
    result = invoke(*args, str(root))
    assert isinstance(result.exception, TemplateError)  # re-raised, for the traceback
    assert isinstance(invoke("build", str(root)).exception, SystemExit)


@pytest.mark.parametrize("args", [("-v", "check"), ("check", "-v"), ("check", "--verbose")])
def test_verbose_before_or_after_the_command(args: tuple[str, ...], tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, SECTION)
    logger = logging.getLogger("briefing")
    logger.setLevel(logging.WARNING)
    assert invoke(*args, str(root)).exit_code == 0
    assert logger.level == logging.INFO


@pytest.mark.parametrize("args, env, colored", [
    (("build",), {}, False),  # not a terminal
    (("--color", "build"), {}, True),
    (("build", "--color"), {}, True),
    (("build", "--color"), {"NO_COLOR": "1"}, True),  # the option wins over the environment
    (("build",), {"NO_COLOR": "1"}, False),
    (("--color", "build", "--no-color"), {}, False),  # the last one given wins
])
def test_color_options_and_no_color(args: tuple[str, ...], env: dict[str, str], colored: bool, tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, BROKEN)
    result = invoke(*args, str(root), **env)
    assert result.exit_code == 1
    assert ("\x1b[31m" in result.stderr) is colored, result.stderr


@pytest.mark.parametrize("paper, size", [("letter", (612, 792)), ("LETTER", (612, 792)), ("a5", (420, 595))])
def test_choices_in_any_case(paper: str, size: tuple[int, int], tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, SECTION)
    result = invoke("build", str(root), "--paper", paper)
    assert result.exit_code == 0, result.output
    box = PdfReader(root / "output" / "b.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    assert invoke("check", str(root), "--format", "JSON").exit_code == 0
    refused = invoke("build", str(root), "--paper", "B5")
    assert refused.exit_code == 2 and "'B5' is not one of 'A4', 'Letter', 'Legal', 'A5', 'F4'" in refused.stderr


def test_help_texts_are_english() -> None:
    help_text = invoke("build", "--help").stdout
    assert "Copy 3 of 12" in help_text and "Salinan" not in help_text


@pytest.mark.parametrize("env, language", [
    ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "id_ID.UTF-8"}, "id"), ({"LC_ALL": "id_ID", "LANG": "en_US"}, "id"),
    ({"LC_ALL": "", "LC_MESSAGES": "en_US.UTF-8", "LANG": "id_ID"}, "en"), ({}, "en"), ({"LANG": "C"}, "en"),
])
def test_new_language_defaults_from_the_locale(env: dict[str, str], language: str) -> None:
    assert locale_language(env) == language


def test_new_uses_the_locale(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "b"), LC_ALL="", LC_MESSAGES="", LANG="id_ID.UTF-8")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "b" / "brief.yaml").read_text())["language"] == "id"
    result = invoke("new", str(tmp_path / "c"), LC_ALL="en_US.UTF-8")
    assert yaml.safe_load((tmp_path / "c" / "brief.yaml").read_text())["language"] == "en"


# ------------------------------------------------------------------------------ build reporting


def _long(manifest: dict[str, Any]) -> dict[str, str]:
    text = "\n\n".join(["Kalimat panjang yang mengisi halaman demi halaman dokumen ini. " * 8] * 30)
    return {"a.md": f"---\ntitle: Isi\n---\n{text}\n"}


def test_one_failing_edition_is_reported_and_the_others_built(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"panjang": {}, "singkat": {"page_budget": 1}, "lain": {}}}
    root = write_brief(tmp_path, manifest, _long(manifest))
    result = invoke("build", str(root))
    assert result.exit_code == 1
    built = sorted(p.name for p in (root / "output").glob("*.pdf"))
    assert built == ["b-lain.pdf", "b-panjang.pdf"]
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["panjang", "lain"]
    line = next(n for n, text in enumerate((root / "brief.yaml").read_text().splitlines(), 1) if "page_budget" in text)
    assert result.stderr.splitlines() == [
        f"error: {root / 'brief.yaml'}:{line}: the 'singkat' edition runs to 5 pages, over its page_budget of 1: "
        "shorten it, leave sections out of it, or raise the budget (edition 'singkat')",
        "error: 1 of 3 editions failed (see above); the others were built",
    ]


def test_unchanged_editions_are_reported_and_not_rewritten(tmp_path: Path) -> None:
    root = write_brief(tmp_path, TWO, SECTION)
    first = invoke("build", str(root))
    assert first.exit_code == 0 and [line.split()[2] for line in first.stdout.splitlines()] == ["(1", "(1"]
    pdf = root / "output" / "b-satu.pdf"
    mtime = pdf.stat().st_mtime_ns
    second = invoke("build", str(root))
    assert [line.split()[2] for line in second.stdout.splitlines()] == ["unchanged", "unchanged"]
    assert pdf.stat().st_mtime_ns == mtime


def test_stale_editions_are_removed_but_only_files_a_build_wrote(tmp_path: Path) -> None:
    manifest = {**BASIC_MANIFEST, "audiences": {"satu": {}, "dua": {}, "tiga": {}}}
    root = write_brief(tmp_path, manifest, SECTION)
    assert invoke("build", str(root), "--report").exit_code == 0
    out = root / "output"
    (out / "mine.pdf").write_bytes(b"%PDF-1.4 the user's own")
    edited = out / "b-tiga.pdf"
    edited.write_bytes(edited.read_bytes() + b"\n% annotated by hand")
    write_brief(root, {**BASIC_MANIFEST, "audiences": {"satu": {}}}, SECTION)
    result = invoke("build", str(root))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "b-satu.pdf", "b-satu.report.txt", "b-tiga.pdf", "mine.pdf"]
    removed = [line for line in result.stdout.splitlines() if line.startswith("removed")]
    assert removed == [f"removed {out / 'b-dua.pdf'}: its edition is no longer in brief.yaml",
                       f"removed {out / 'b-dua.report.txt'}: its edition is no longer in brief.yaml",
                       f"removed {out / 'b-tiga.report.txt'}: its edition is no longer in brief.yaml"]


def test_a_build_of_some_audiences_removes_nothing_of_the_others(tmp_path: Path) -> None:
    root = write_brief(tmp_path, TWO, SECTION)
    assert invoke("build", str(root)).exit_code == 0
    result = invoke("build", str(root), "-a", "satu")
    assert result.exit_code == 0 and "removed" not in result.stdout
    assert (root / "output" / "b-dua.pdf").is_file()


def test_booklet_reports_its_sheet_sides(tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, _long(BASIC_MANIFEST))
    result = invoke("build", str(root), "--booklet")
    assert result.exit_code == 0, result.output
    pdf = root / "output" / "b-booklet.pdf"
    sides = len(PdfReader(pdf).pages)
    a5 = invoke("build", str(root), "--paper", "A5", "--duplex", "-o", str(tmp_path / "a5.pdf"))
    pages = len(PdfReader(tmp_path / "a5.pdf").pages)
    assert a5.exit_code == 0 and sides == 6 and pages in (9, 10, 11, 12)
    assert f"({sides} sheet sides: {pages} booklet pages on 3 sheets, " in result.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_then_one_line_per_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_brief(tmp_path, TWO, SECTION)
    terminal = _Terminal()
    monkeypatch.setattr("briefing.cli.sys", types.SimpleNamespace(stderr=terminal))
    result = invoke("build", str(root))
    assert result.exit_code == 0, result.output
    assert "building 2 PDFs on" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["satu", "dua"]
    plain = invoke("build", str(root))  # not a terminal: no bar, the same lines
    assert "building" not in plain.output and len(plain.stdout.splitlines()) == 2


def test_a_one_page_edition_is_reported_as_one_page(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", BASIC, {"01.md": "---\ntitle: Satu\n---\nTeks.\n"})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert "(1 page, " in result.output and "pages" not in result.output
