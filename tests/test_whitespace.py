"""Block tags on a line of their own vanish with the line; blank lines around them survive.

Paragraph structure must never depend on a tag's whitespace control: the rendered text
keeps every blank line the author wrote, and each rendered line maps to its source line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import build
from briefing.markdown import parse_markdown
from briefing.model import Paragraph, SectionSource
from briefing.templating import SectionRenderer

from .conftest import BASIC_MANIFEST, write_brief

CONTEXT = {"vars": {"on": True, "names": ["x", "y"]}, "brief": {}, "audience": None}

#: (template, rendered text, source line of each rendered line)
CASES = {
    "if at a paragraph's end, dash before endif": (
        "One {% if vars.on %}more{%- endif %}\n\nTwo.\n",
        "One more\n\nTwo.\n", (1, 1, 3, 3)),
    "if on its own lines, dashes": (
        "One.\n{%- if vars.on -%}\n\nTwo.\n{%- endif %}\n\nThree.\n",
        "One.\n\nTwo.\n\nThree.\n", (1, 1, 4, 4, 7, 7)),
    "for between paragraphs": (
        "Intro.\n\n{% for i in vars.names %}\nItem {{ i }}.\n\n{% endfor %}\nEnd.\n",
        "Intro.\n\nItem x.\n\nItem y.\n\nEnd.\n", (1, 1, 4, 4, 4, 4, 7, 7)),
    "set and comment lines": (
        "One.\n{% set n = 2 %}\n{## a note ##}\n\nTwo is {{ n }}.\n",
        "One.\n\nTwo is 2.\n", (1, 1, 5, 5)),
    "macro defined between paragraphs": (
        "One.\n\n{% macro m(x) %}\n*{{ x }}*\n{% endmacro %}\n\n{{ m('two') }}\n",
        "One.\n\n\n*two*\n\n", (1, 1, 1, 7, 7)),
}


def _render(template: str, tmp_path: Path) -> tuple[str, tuple[int, ...]]:
    section = SectionSource("s", tmp_path / "s.md", "S", True, template)
    rendered = SectionRenderer(tmp_path).render(section, CONTEXT)
    return rendered.text, rendered.line_map


@pytest.mark.parametrize("name", CASES)
def test_block_tags_keep_blank_lines(name: str, tmp_path: Path) -> None:
    template, text, lines = CASES[name]
    rendered, line_map = _render(template, tmp_path)
    assert rendered == text
    assert line_map[:len(lines)] == lines


def test_paragraphs_after_a_line_final_endif_stay_apart(tmp_path: Path) -> None:
    text, line_map = _render("One {% if vars.on %}more{%- endif %}\n\nTwo.\n\nThree.\n", tmp_path)
    blocks = parse_markdown(text, tmp_path / "s.md", tmp_path, line_map)
    assert [type(b) for b in blocks] == [Paragraph] * 3
    assert [b.pos.line for b in blocks] == [1, 3, 5]


def test_raw_block_is_left_as_written(tmp_path: Path) -> None:
    text, _ = _render("{% raw %}\n{% if x %}\n{% endraw %}\nAfter.\n", tmp_path)
    assert text == "\n{% if x %}\nAfter.\n"


def test_errors_keep_their_line_after_tag_lines(tmp_path: Path) -> None:
    root = write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\n{% if true %}\n{% set x = 1 %}\n"
                                                         "\n{% endif %}\nText {{ vars.missing }}.\n"})
    with pytest.raises(Exception) as caught:
        build(root)
    assert "a.md:8" in str(caught.value)
