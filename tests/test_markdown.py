"""Stage 3: Markdown text -> typed model (readable model dumps)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefing.errors import MarkdownError
from briefing.markdown import number_headings, parse_inline, parse_markdown
from briefing.model import (
    Callout,
    Code,
    CodeBlock,
    Emph,
    Heading,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    SourcePos,
    Strong,
    Table,
    Text,
)

from .conftest import fuzz_examples

PATH = Path("sections/x.md")


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_markdown(text, PATH)


def test_paragraph_with_inlines_and_line() -> None:
    (block,) = parse("\n\nSatu *dua* **tiga** `empat` [lima](https://e.org).\n")
    assert block == Paragraph(
        (
            Text("Satu "),
            Emph((Text("dua"),)),
            Text(" "),
            Strong((Text("tiga"),)),
            Text(" "),
            Code("empat"),
            Text(" "),
            Link("https://e.org", (Text("lima"),)),
            Text("."),
        ),
        SourcePos(PATH, 3),
    )


def test_raw_html_stays_text() -> None:
    (block,) = parse("<b>tebal</b> & <para>\n")
    assert isinstance(block, Paragraph)
    assert "".join(n.text for n in block.children if isinstance(n, Text)) == "<b>tebal</b> & <para>"


def test_headings_levels_and_numbering() -> None:
    blocks = number_headings(parse("## A\n\n### B\n\n## C\n\n#### D\n"), "2")
    assert [(b.level, b.number) for b in blocks if isinstance(b, Heading)] == [(2, "2.1"), (3, "2.1.1"), (2, "2.2"), (4, None)]


def test_level_one_heading_is_an_error_with_line() -> None:
    with pytest.raises(MarkdownError) as info:
        parse("Teks.\n\n# Judul\n")
    assert info.value.line == 3


def test_nested_lists() -> None:
    (block,) = parse("1. satu\n   - a\n   - b\n2. dua\n")
    assert isinstance(block, ListBlock) and block.ordered and block.start == 1
    first_item = block.items[0]
    assert isinstance(first_item[1], ListBlock) and not first_item[1].ordered
    assert len(first_item[1].items) == 2


def test_table_quote_code_rule_callout() -> None:
    text = "| a | b |\n|---|--:|\n| 1 | 2 |\n\n> kutipan\n\n```\nkode\n```\n\n---\n\n::: keypoints Judul Kotak\n- x\n:::\n"
    table, quote, code, rule, callout = parse(text)
    assert isinstance(table, Table) and table.aligns == ("left", "right") and len(table.rows) == 1
    assert isinstance(quote, Quote)
    assert code == CodeBlock("kode", SourcePos(PATH, 7))
    assert isinstance(rule, Rule)
    assert isinstance(callout, Callout) and callout.kind == "keypoints" and callout.title == "Judul Kotak"


def test_smart_quotes_and_dashes() -> None:
    (block,) = parse('"kutip" -- dan --- juga\n')
    text = "".join(n.text for n in block.children if isinstance(n, Text))
    assert "\u201ckutip\u201d" in text and "\u2013" in text and "\u2014" in text


def test_images_not_yet_supported_is_a_clear_error() -> None:
    with pytest.raises(MarkdownError) as info:
        parse("Teks\n\n![alt](assets/x.png)\n")
    assert info.value.line == 3


def test_parse_inline_for_timeline_text() -> None:
    assert parse_inline("*a* b", PATH) == (Emph((Text("a"),)), Text(" b"))


@settings(max_examples=fuzz_examples(200), deadline=None)
@given(st.text(alphabet="ab1 .,;:/%-éК_\u00a0*\"'(", min_size=1, max_size=10))
@example("Keterangan singkat 12.")
@example("naik 50%, lalu turun.")
@example("a,, b")
@example("tunggu...")
@example("2020 -- 2022")
def test_plain_inline_shortcut_agrees_with_the_parser(text: str) -> None:
    """Timeline texts and captions without Markdown skip the parser; the result is the parser's."""
    from markdown_it.tree import SyntaxTreeNode

    from briefing import markdown

    tree = SyntaxTreeNode(markdown.markdown_parser().parseInline(text))
    converter = markdown._Converter(Path("t.yaml"))
    parsed = tuple(inline for node in tree.children for inline in converter.inlines(node))
    assert parse_inline(text, Path("t.yaml")) == parsed
