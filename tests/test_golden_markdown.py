"""Stage 3 golden files: Markdown in, the model dump (with file:line) out, one construct per file.

Each file in tests/golden/markdown/ holds cases in markdown-it-py's fixture form (see
tests/golden.py). The input is parsed as `sections/golden.md` of the default brief's folder
(so figures find assets/); a case whose Markdown is refused expects `error: file:line: message`
lines instead of a dump. `pytest --update-golden` rewrites the expected parts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import BriefingError, ErrorList
from briefing.markdown import parse_markdown
from tests.conftest import REPO
from tests.golden import GOLDEN, Case, read_cases, updating, write_cases
from tests.modeldump import dump

FILES = sorted((GOLDEN / "markdown").glob("*.txt"))
PATH = Path("sections/golden.md")


def produce(markdown: str) -> str:
    """What the parse stage makes of *markdown*: the model dump, or its errors, one a line."""
    try:
        blocks = parse_markdown(markdown, PATH, root=REPO)
    except ErrorList as problems:
        return "".join(f"error: {error}\n" for error in problems.errors)
    except BriefingError as error:
        return f"error: {error}\n"
    return dump(blocks, REPO)


def test_every_construct_has_a_file() -> None:
    names = {path.stem for path in FILES}
    assert {"paragraph", "headings", "lists", "tables", "figures", "boxes", "only", "footnotes",
            "crossrefs", "citations", "code", "pagebreaks"} <= names


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_markdown_golden(path: Path, request: pytest.FixtureRequest) -> None:
    cases = read_cases(path)
    assert cases, f"{path} holds no case"
    if updating(request.config):
        write_cases(path, [Case(c.title, c.input, produce(c.input), c.line) for c in cases])
        return
    for case in cases:
        assert produce(case.input) == case.expected, f"{path.name}:{case.line}: {case.title}"
