"""Templates that would allocate without bound fail fast, naming the file and line."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main

from .conftest import BASIC_MANIFEST, write_brief

RUNAWAYS = [
    '{{ "x" * 10**10 }}',
    "{{ [1] * 10**9 }}",
    "{{ 10 * [1, 2] * 10**8 }}",
    "{% for i in range(10**10) %}x{% endfor %}",
    "{{ range(10**10)|join }}",
    "{{ 2 ** (10**10) }}",
    '{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}',
    '{% set ns = namespace(s="x" * 4000000) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
    '{{ "x"|center(10000000000) }}',
    '{{ ("x" * 100000).replace("x", "x" * 100000) }}',
    '{% set l = [] %}{% for i in range(100000) %}{{ l.append("y" * 4000000) or "" }}{% endfor %}',
]


@pytest.mark.parametrize("expression", RUNAWAYS)
def test_runaway_allocation_is_a_located_error(tmp_path: Path, expression: str) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\nTeks.\n\n{expression}\n"})
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1, result.output
    assert "sections/a.md:6: template uses too much memory" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("output/*.pdf"))


def test_the_memory_limit_is_lifted_after_the_render(tmp_path: Path) -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": '---\ntitle: A\n---\n{{ "x"|center(10000000000) }}\n'})
    assert CliRunner().invoke(main, ["build", str(tmp_path)]).exit_code == 1
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(300 * 1024 * 1024)) > 0  # the process may use its memory again


def test_modest_repetition_and_powers_still_work(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST,
                {"a.md": '---\ntitle: A\n---\n{{ "ab" * 3 }} {{ 2 ** 10 }} {{ ([0] * 4)|length }} {{ "c" + "d" }}\n'})
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    (pdf,) = tmp_path.glob("output/*.pdf")
    assert "ababab 1024 4 cd" in PdfReader(pdf).pages[0].extract_text()


def test_check_reports_the_same_error(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\n{{ [1] * 10**9 }}\n"})
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "sections/a.md:4: error: template uses too much memory" in result.output
