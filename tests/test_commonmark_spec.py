"""The 652 examples of the CommonMark spec 0.31.2, each as a section of a brief.

As markdown-it-py runs the spec, but on our PDF: every example either builds and prints
its words in order, or is refused with a documented message at its file and line.
The examples are built as two briefs (one section each), not 652 processes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from pypdf import PdfReader

from briefing.cli import main

from .conftest import REPO, normalise, write_brief

SPEC = Path(__file__).parent / "fixtures" / "commonmark" / "commonmark-0.31.2.json"
EXAMPLES: dict[int, dict[str, Any]] = {entry["example"]: entry for entry in json.loads(SPEC.read_text("utf-8"))}
FRONT_MATTER_LINES = 3
"""`---`, `title: Example N`, `---`: the example's first line is line 4 of its section file."""

#: Every refusal, by the start of its message: why, and exactly which examples it refuses.
#: README.md ("CommonMark conformance") shows the same table.
REFUSALS: dict[str, tuple[str, tuple[int, ...]]] = {
    "'#' headings are section titles": (
        "a section's title comes from its front matter; `#` is reserved for it",
        (10, 62, 66, 67, 68, 72, 75, 76, 78, 79, 80, 81, 82, 83, 84, 115, 141, 214, 215, 227, 228, 229, 230,
         232, 300)),
    "an image must stand alone in its own paragraph": (
        "a figure is a block: an image inside a line of text is refused",
        (517, 531, 579, 587)),
    "is an absolute path": (
        "images are files inside the brief folder, named by a relative path",
        (572, 574, 575, 581, 582, 583, 584, 585, 586, 588, 589, 591)),
    "image '": (
        "an image file that is not in the brief folder (the spec's `train.jpg`, `url`, `uri3`)",
        (520, 573, 576, 577, 578, 580)),
    "internal link '#": (
        "an internal link must lead to a section or heading of the brief",
        (501,)),
}
#: Examples that build with a warning at their line: characters no bundled font has.
GLYPH_WARNINGS = (25, 27)
#: Raw HTML is off: `<div>` prints as text and what follows parses as Markdown, so an example
#: with `<` is compared with markdown-it's own rendering with HTML off, not the spec's HTML.
RAW_HTML_OFF = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Problem:
    example: int
    line: int
    severity: str
    message: str


def _refused() -> set[int]:
    return {number for _, examples in REFUSALS.values() for number in examples}


def _section(number: int) -> str:
    return f"---\ntitle: Example {number}\n---\n" + EXAMPLES[number]["markdown"]


def _build(root: Path, numbers: list[int]) -> tuple[int, list[Problem], Path]:
    manifest = {"title": "CommonMark", "date": "2024-01-28", "language": "en", "toc": False,
                "numbered_headings": False}
    write_brief(root, manifest, {})
    for number in numbers:  # written as is: write_brief would dedent the examples' indentation
        (root / "sections" / f"{number:03d}.md").write_text(_section(number), encoding="utf-8")
    out = root.parent / f"{root.name}.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output  # never a crash (exit 3) or a traceback
    return result.exit_code, _problems(result.output), out


def _problems(output: str) -> list[Problem]:
    """Each `error:`/`warning:` line as (example, line, severity, message); every one names both."""
    problems = []
    for text in output.splitlines():
        if not text.startswith(("error:", "warning:")):
            continue
        match = re.fullmatch(r"(error|warning): \S*sections/(\d{3})\.md:(\d+): (.+)", text)
        assert match, f"a problem without its file and line: {text}"
        severity, number, line, message = match.groups()
        problems.append(Problem(int(number), int(line), severity, message))
    return problems


def _within_example(problem: Problem) -> bool:
    lines = EXAMPLES[problem.example]["markdown"].count("\n") or 1
    return FRONT_MATTER_LINES < problem.line <= FRONT_MATTER_LINES + lines


def expected_words(number: int, unprintable: str = "") -> list[str]:
    """The words of the example's output, in order, without characters no font has."""
    entry = EXAMPLES[number]
    rendered = RAW_HTML_OFF.render(entry["markdown"]) if "<" in entry["markdown"] else entry["html"]
    text = html.unescape(re.sub(r"<[^>]*>", " ", rendered))
    text = "".join(" " if char in unprintable else char for char in text)
    return re.findall(r"\w+", text)


def missing_words(span: str, words: list[str]) -> list[str]:
    """The words not found in *span* in order (each searched after the previous one)."""
    missing, position = [], 0
    for word in words:
        found = span.find(word, position)
        if found < 0:
            missing.append(word)
        else:
            position = found + len(word)
    return missing


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[Problem], Path]:
    numbers = [number for number in EXAMPLES if number not in _refused()]
    return _build(tmp_path_factory.mktemp("spec") / "accepted", numbers)


def test_the_fixture_is_the_whole_spec() -> None:
    assert sorted(EXAMPLES) == list(range(1, 653))
    assert EXAMPLES[1]["markdown"] == "\tfoo\tbaz\t\tbim\n"


def test_every_example_not_refused_builds_with_only_the_documented_warnings(
        accepted: tuple[int, list[Problem], Path]) -> None:
    code, problems, pdf = accepted
    assert code == 0
    assert pdf.exists()
    assert all(p.severity == "warning" and "no embedded font has the characters" in p.message for p in problems)
    assert [p.example for p in problems] == list(GLYPH_WARNINGS)
    assert all(map(_within_example, problems))


def test_every_built_example_prints_its_words_in_order(accepted: tuple[int, list[Problem], Path]) -> None:
    _, problems, pdf = accepted
    unprintable = {p.example: re.search(r"'([^']*)'", p.message).group(1) for p in problems}  # type: ignore[union-attr]
    text = normalise("".join(page.extract_text() for page in PdfReader(pdf).pages))
    numbers = [number for number in EXAMPLES if number not in _refused()]
    starts, cursor = [], 0
    for number in numbers:  # each example's text runs from its heading to the next one
        cursor = text.index(f"Example{number}", cursor)
        starts.append(cursor)
    starts.append(len(text))
    lost = {}
    for index, number in enumerate(numbers):
        span = text[starts[index] + len(f"Example{number}"):starts[index + 1]]
        missing = missing_words(span, expected_words(number, unprintable.get(number, "")))
        if missing:
            lost[number] = missing
    assert lost == {}


def test_the_refused_examples_are_exactly_the_documented_ones_at_their_lines(tmp_path: Path) -> None:
    code, problems, pdf = _build(tmp_path / "refused", sorted(_refused()))
    assert code == 1
    assert not pdf.exists()
    assert all(p.severity == "error" for p in problems)
    assert all(map(_within_example, problems)), [p for p in problems if not _within_example(p)]
    found: dict[str, set[int]] = {}
    for problem in problems:
        kind = next((k for k in REFUSALS if k in problem.message), None)
        assert kind is not None, f"an undocumented refusal: {problem}"
        found.setdefault(kind, set()).add(problem.example)
    assert found == {kind: set(examples) for kind, (_, examples) in REFUSALS.items()}


def test_a_refused_example_alone_is_refused_the_same_way(tmp_path: Path) -> None:
    """Grouping does not change the outcome: one example per brief gives the same message."""
    code, problems, _ = _build(tmp_path / "one", [10])
    assert code == 1
    assert [(p.example, p.line) for p in problems] == [(10, 4)]
    assert problems[0].message.startswith("'#' headings are section titles")


def test_the_readme_lists_the_same_refusals() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for reason, examples in REFUSALS.values():
        row = f"| {reason} | {', '.join(map(str, examples))} |"
        assert row in readme, row
    assert f"{len(EXAMPLES) - len(_refused())} of the {len(EXAMPLES)} examples build" in readme
