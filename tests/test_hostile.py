"""Robustness: the hostile corpus, fuzzing, killed builds, blocked sockets, valid PDFs."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefing.build import build
from briefing.errors import BriefingError

from .conftest import BASIC_MANIFEST, REPO, fuzz_examples, run_cli, write_brief
from .hostile.cases import CASES, MANIFEST


def assert_valid_pdf(path: Path) -> None:
    """qpdf --check when installed; pypdf's strict parser otherwise."""
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        reader = PdfReader(path, strict=True)
        for page in reader.pages:
            page.extract_text()


def make_case(root: Path, files: dict[str, str | bytes]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sections").mkdir(exist_ok=True)
    if "brief.yaml" not in files:
        (root / "brief.yaml").write_text(MANIFEST, encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    if "sections/a.md" not in files and "sections/.keep" not in files:
        (root / "sections" / "a.md").write_text("---\ntitle: A\n---\nTeks.\n", encoding="utf-8")


@pytest.mark.parametrize(("name", "files", "code", "words"), CASES, ids=[case[0] for case in CASES])
def test_hostile_case(tmp_path: Path, name: str, files: dict, code: int, words: tuple[str, ...]) -> None:
    root = tmp_path / "brief"
    make_case(root, files)
    before = _snapshot(root)
    started = time.monotonic()
    result = run_cli("build", str(root))
    assert time.monotonic() - started < 60, f"{name} took too long"
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert not re.search(r"0x[0-9A-Fa-f]{6,}", output), output  # no memory address: the same input, the same message
    for word in words:
        assert word in output, (word, output)
    if code == 0:
        (pdf,) = (root / "output").glob("*.pdf")
        assert_valid_pdf(pdf)
        with pdfplumber.open(pdf) as document:
            for page in document.pages[:40]:
                assert all(c["x1"] <= page.width - 20 for c in page.chars), f"text runs off page {page.page_number}"
    else:
        assert not list(root.glob("output/*.pdf"))  # a failed build writes no PDF
    assert _snapshot(root) == before  # sources untouched; nothing written outside output/


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "output" not in p.relative_to(root).parts}


def test_slow_template_hits_the_time_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing.templating

    monkeypatch.setattr(briefing.templating, "RENDER_SECONDS", 0.5)
    body = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\n{body}\n"})
    started = time.monotonic()
    with pytest.raises(BriefingError, match="took more than"):
        build(tmp_path)
    assert time.monotonic() - started < 5


def test_build_never_touches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the build tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    shutil.copytree(REPO, tmp_path / "b", ignore=shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info"))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # in this process, where sockets are blocked
    results = build(tmp_path / "b")
    assert len(results) == 4
    for result in results:
        assert_valid_pdf(result.path)


def test_killed_build_leaves_the_previous_pdf_and_no_temp_files(tmp_path: Path) -> None:
    long_text = "\n\n".join(["Paragraf panjang yang membuat penulisan memakan waktu. " * 20] * 400)
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "id": "k"}, {"a.md": f"---\ntitle: A\n---\n{long_text}\n"})
    assert run_cli("build", str(root)).returncode == 0
    target = root / "output" / "k.pdf"
    previous = target.read_bytes()
    (root / "sections" / "a.md").write_text(f"---\ntitle: B\n---\n{long_text}\n", encoding="utf-8")
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3):
        process = subprocess.Popen([sys.executable, "-m", "briefing", "build", str(root)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        data = target.read_bytes()
        assert data == previous or data.rstrip().endswith(b"%%EOF")  # old, or new and whole
        assert_valid_pdf(target)
        previous = data
    assert run_cli("build", str(root)).returncode == 0
    assert [p.name for p in (root / "output").iterdir() if p.name.startswith(".briefing-")] == []


#: More examples for a long, nightly-style run: BRIEFING_FUZZ_EXAMPLES=2000 pytest -k fuzz
FUZZ = settings(max_examples=fuzz_examples(12), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(body=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
       | st.lists(st.sampled_from(["# ", "## ", "- ", "1. ", "> ", "```", ":::", "| a | b |", "|---|", "*", "**", "`",
                                   "[x](y)", "![i](assets/x.png)", "[@k]", "{{ x }}", "{% if %}", "<b>", "&amp;",
                                   "\n", "\n\n", "text ", "---", "{width=full}", "\\", "~~"]), max_size=40).map("".join))
def test_fuzz_sections_give_a_pdf_or_a_clear_error(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    write_brief(root, BASIC_MANIFEST, {})
    (root / "sections" / "a.md").write_text(f"---\ntitle: Fuzz\n---\n{body}\n", encoding="utf-8")
    _pdf_or_clear_error(root)


manifest_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                            st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@FUZZ
@given(key=st.sampled_from(["title", "date", "language", "authors", "marking", "sections", "numbered_headings", "paper",
                            "timeline", "sources", "variables", "levels", "audiences", "theme", "toc", "labels",
                            "duplex", "orientation", "id", "subtitle", "recipients"]),
       value=manifest_values)
def test_fuzz_manifest_values(tmp_path_factory: pytest.TempPathFactory, key: str, value: object) -> None:
    import yaml

    root = tmp_path_factory.mktemp("fuzzm")
    manifest = {**BASIC_MANIFEST, key: value}
    write_brief(root, yaml.safe_dump(manifest, allow_unicode=True), {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    _pdf_or_clear_error(root)


def _pdf_or_clear_error(root: Path) -> None:
    try:
        results = build(root)
    except BriefingError as error:
        text = error.format()
        assert text and "Traceback" not in text
        return
    for result in results:
        assert result.path.read_bytes().startswith(b"%PDF")
