"""The README's command reference is generated from Click, and must match `--help` of every command.

Run with BRIEFING_WRITE_DOCS=1 to rewrite the reference in README.md after changing an option.
"""

from __future__ import annotations

import os
import re

import click
import pytest
from click.testing import CliRunner

from briefing.cli import main

from .conftest import REPO

README = REPO / "README.md"
START, END = "<!-- reference: generated from Click by tests/test_readme.py -->\n", "<!-- end of reference -->\n"


def _root() -> click.Context:
    return click.Context(main, info_name="briefing", **main.context_settings)


def _commands() -> list[tuple[str, click.Command]]:
    ctx = _root()
    names = [name for name in main.list_commands(ctx) if not main.get_command(ctx, name).hidden]  # type: ignore[union-attr]
    return [("", main)] + [(name, main.get_command(ctx, name)) for name in names]  # type: ignore[misc]


def _records(command: click.Command, name: str) -> list[tuple[str, str]]:
    parent = _root()
    ctx = click.Context(command, info_name=name, parent=parent) if name else parent
    records = [p.get_help_record(ctx) for p in command.get_params(ctx) if isinstance(p, click.Option)]
    return [r for r in records if r is not None]


def _usage(command: click.Command, name: str) -> str:
    parent = _root()
    ctx = click.Context(command, info_name=name, parent=parent) if name else parent
    return " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference() -> str:
    """The Markdown reference: one part per command, its usage, summary and every option."""
    parts = []
    for name, command in _commands():
        summary = (command.help or "").split("\n\n")[0].replace("\n", " ")
        rows = [f"| `{_cell(opts)}` | {_cell(text)} |" for opts, text in _records(command, name)]
        parts += [f"#### `briefing{' ' + name if name else ''}`", "", f"`{_usage(command, name)}`", "", summary, "",
                  "| Option | What it does |", "|---|---|", *rows, ""]
    return START + "\n".join(parts) + END


def _readme_reference(text: str) -> str:
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end]


def test_readme_reference_is_generated_from_click() -> None:
    text = README.read_text(encoding="utf-8")
    expected = reference()
    if os.environ.get("BRIEFING_WRITE_DOCS"):
        text = text.replace(_readme_reference(text), expected)
        README.write_text(text, encoding="utf-8")
    assert _readme_reference(text) == expected, "README reference is stale: run with BRIEFING_WRITE_DOCS=1"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_readme_matches_help_of_every_command(name: str) -> None:
    """Every option `--help` lists is in the README with the same words, and nothing else is."""
    help_text = _flat(CliRunner().invoke(main, [name, "--help"] if name else ["--help"]).stdout)
    section = _readme_reference(README.read_text(encoding="utf-8")).split(f"#### `briefing{' ' + name if name else ''}`")[1]
    section = section.split("#### ")[0]
    rows = re.findall(r"^\| `(.+?)` \| (.+) \|$", section, re.MULTILINE)
    assert rows
    for opts, text in rows:
        assert _flat(f"{opts} {text}".replace("\\|", "|")) in help_text
    options = help_text.split("Options:")[1].split("Commands:")[0]
    listed = set(re.findall(r"(?:^|[\s,/])(--?[a-z][\w-]*)", options))
    documented = {flag for opts, _ in rows for flag in re.findall(r"--?[a-z][\w-]*", opts)}
    assert listed <= documented, listed - documented
