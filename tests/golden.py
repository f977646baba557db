"""Golden files: cases in markdown-it-py's fixture form, and the switch that rewrites them.

A case is a title line, a line `.`, the input, a line `.`, the expected output, a line `.`;
cases are separated by blank lines. Tests compare; only `pytest --update-golden` (see
conftest.py) writes the expected output back, from what the code now produces, so a change
of output is a reviewed diff of the golden file, never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
FENCE = "."


@dataclass(frozen=True)
class Case:
    title: str
    input: str
    expected: str
    line: int
    """The line of the title in its file (1-based)."""


def read_cases(path: Path) -> list[Case]:
    """The cases of a golden file, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title, start = lines[index], index + 1
        if start >= len(lines) or lines[start] != FENCE:
            raise ValueError(f"{path}:{start}: a case title must be followed by a line '{FENCE}'")
        middle = _fence_after(lines, start + 1, path)
        end = _fence_after(lines, middle + 1, path)
        cases.append(Case(title, _joined(lines[start + 1:middle]), _joined(lines[middle + 1:end]), start))
        index = end + 1
    return cases


def write_cases(path: Path, cases: list[Case]) -> None:
    parts = [f"{c.title}\n{FENCE}\n{c.input}{FENCE}\n{c.expected}{FENCE}\n" for c in cases]
    path.write_text("\n".join(parts), encoding="utf-8")


def _fence_after(lines: list[str], index: int, path: Path) -> int:
    for at in range(index, len(lines)):
        if lines[at] == FENCE:
            return at
    raise ValueError(f"{path}:{index}: a case is not closed by a line '{FENCE}'")


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def updating(config: pytest.Config) -> bool:
    """True under `pytest --update-golden`: tests write what they got instead of comparing."""
    return bool(config.getoption("--update-golden"))


def check_text(config: pytest.Config, path: Path, actual: str) -> None:
    """A whole-file golden (a layout log): compare, or rewrite it under --update-golden."""
    if updating(config):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden to write it, then review it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from what the code produces; if the change is intended, "
        "run `pytest --update-golden` and review the diff")
