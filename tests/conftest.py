"""Shared fixtures: the default brief built once, and small briefs made on the fly."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from pypdf import PdfReader

from briefing.build import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from what the code produces now (then review the diff)")


def normalise(text: str) -> str:
    """Text without whitespace, hyphens or soft hyphens: survives line breaks and hyphenation."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The default brief's full edition (analysts), built once, and its layout log (the
    PDF is the same bytes with or without one)."""
    folder = tmp_path_factory.mktemp("default")
    results = build(REPO, folder / "brief.pdf", audiences=("analis",), options=BuildOptions(layout_log=folder / "layout.log"))
    assert_no_warnings(results)
    return folder / "brief.pdf", (folder / "layout.log").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def default_pdf(default_build: tuple[Path, str]) -> Path:
    """The default brief's full edition (analysts)."""
    return default_build[0]


@pytest.fixture(scope="session")
def default_layout_log(default_build: tuple[Path, str]) -> str:
    """The layout log of `default_pdf`."""
    return default_build[1]


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition of the default brief, built by one call into a copy of the brief."""
    import shutil

    root = tmp_path_factory.mktemp("editions") / "brief"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info"))
    results = build(root, report=True)
    assert_no_warnings(results)
    return {result.edition: result.path for result in results}


@pytest.fixture(scope="session")
def default_text(default_pdf: Path) -> list[str]:
    """The text of each page of the default brief, in reading order: the order it is drawn in,
    so the two columns of a two-column page read one after the other, not line by line across."""
    with pdfplumber.open(default_pdf) as pdf:
        return [page.extract_text(use_text_flow=True) or "" for page in pdf.pages]


def write_brief(root: Path, manifest: dict[str, Any] | str, sections: dict[str, str], **files: str) -> Path:
    """Make a brief folder: brief.yaml, sections/<name>, and any extra files (path=content)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sections").mkdir(exist_ok=True)
    text = manifest if isinstance(manifest, str) else yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
    (root / "brief.yaml").write_text(text, encoding="utf-8")
    for name, body in sections.items():
        target = root / "sections" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    for name, body in files.items():
        target = root / name.replace("__", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return root


def fuzz_examples(default: int) -> int:
    """Hypothesis examples per property: *default* in `make test`, BRIEFING_FUZZ_EXAMPLES
    for a long run (`BRIEFING_FUZZ_EXAMPLES=2000 pytest -k fuzz`)."""
    return int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", str(default)))


def assert_no_warnings(results: Any) -> None:
    """A clean brief builds without a single warning: *results* is what `build()` returned
    (a list of BuildResult), one BuildResult, or a list of warnings."""
    items = results if isinstance(results, list) else [results]
    warnings = [str(w) for item in items for w in getattr(item, "warnings", (item,))]
    assert not warnings, "expected no warnings, got:\n" + "\n".join(warnings)


BASIC_MANIFEST = {"title": "Test Brief", "date": "2022-10-07", "language": "id"}


@pytest.fixture
def basic_manifest() -> dict[str, Any]:
    return dict(BASIC_MANIFEST)


@dataclass(frozen=True)
class CliResult:
    """What a run of the CLI left: the fields of a CompletedProcess the tests read."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """Run the `briefing` CLI in this process through Click's CliRunner (a subprocess costs
    a second per call in start-up and imports). An exception that escapes the command (a
    bug the CLI did not turn into a message, or one re-raised by --debug) fails the test."""
    from click.testing import CliRunner

    from briefing.cli import main

    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_cli_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `briefing` CLI in a subprocess: for the smoke tests of the entry point
    itself (tracebacks, a fresh interpreter, exit codes through os._exit)."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def page_words(pdf_path: Path) -> list[list[dict[str, Any]]]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_words() for page in pdf.pages]


def reader(pdf_path: Path) -> PdfReader:
    return PdfReader(pdf_path)
