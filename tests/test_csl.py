"""CSL-JSON as Zotero and pandoc write it: names, dates, rich-text titles, errors named by item and line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from briefing.cli import main
from briefing.csl import json_items, rich_text
from briefing.model import Emph, Strong, Styled, Text

from .conftest import BASIC_MANIFEST, fuzz_examples, write_brief

ITEMS = [
    {"id": "vangogh", "type": "article", "title": "Letters",
     "author": [{"given": "Vincent", "non-dropping-particle": "van", "family": "Gogh"}],
     "issued": {"date-parts": [[1889, 5]]}},
    {"id": "king", "type": "speech", "title": "I Have a Dream",
     "author": [{"given": "Martin Luther", "family": "King", "suffix": "Jr."}], "issued": {"date-parts": [[1963, 8, 28]]}},
    {"id": "fontaine", "type": "speech", "title": "Fables",
     "author": [{"given": "Jean", "dropping-particle": "de", "family": "La Fontaine", "suffix": "Sr.", "comma-suffix": True},
                {"literal": "Kantor Survei"}]},
    {"id": "map", "type": "document", "title": "A Map", "publisher": "Survey", "issued": {"date-parts": [[1850]], "circa": True}},
    {"id": "origin", "type": "article-journal", "title": "On the <i>Origin</i> of <b>Species</b>, <sc>Darwin</sc>",
     "container-title": "<i>Journal</i> of Things"},
    {"id": "water", "type": "article-journal", "title": "H<sub>2</sub>O at mc<sup>2</sup> for <span class=\"nocase\">eBay</span>"},
    {"id": "book", "type": "book", "title": "The Voyage of the <i>Beagle</i>"},
    {"id": "season", "type": "article-magazine", "title": "Seasonal", "issued": {"date-parts": [[2021]], "season": 2}},
    {"id": "range", "type": "report", "title": "Ranged", "issued": {"date-parts": [[2019, 1], [2020, 3]]}},
    {"id": "literal", "type": "report", "title": "Literal", "issued": {"literal": "Ides of March, 44 BC"}},
    {"id": "raw", "type": "report", "title": "Raw", "issued": {"raw": "early 1990s"}},
]
CITE_ALL = "---\ntitle: Isi\n---\nKutipan " + " ".join(f"[@{i['id']}]" for i in ITEMS) + ".\n"


def make(root: Path, items: list[dict[str, object]] | str, body: str = CITE_ALL, **manifest: object) -> Path:
    text = items if isinstance(items, str) else json.dumps(items, indent=1)
    write_brief(root, {**BASIC_MANIFEST, "sources": "sources.json", **manifest}, {"a.md": body}, **{"sources.json": text})
    return root


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, str(root)])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def appendix(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, object]]]:
    """Text and characters of the sources appendix of a brief citing every item (English edition)."""
    root = make(tmp_path_factory.mktemp("csl"), ITEMS, language="en")
    code, output = run(root, "build", "-o", str(root / "o.pdf"))
    assert code == 0, output
    with pdfplumber.open(root / "o.pdf") as pdf:
        page = pdf.pages[-1]
        return page.extract_text(), list(page.chars)


def fonts_of(chars: list[dict[str, object]], word: str) -> set[tuple[str, float]]:
    """The (font, size) of each character of the first occurrence of *word* on the page."""
    text = "".join(str(c["text"]) for c in chars)
    start = text.index(word)
    return {(str(c["fontname"]).split("+")[-1], round(float(c["size"]), 1)) for c in chars[start:start + len(word)]}  # type: ignore[arg-type]


def test_names_keep_particles_and_suffixes(appendix: tuple[str, list[dict[str, object]]]) -> None:
    text = appendix[0]
    assert "1. Vincent van Gogh. “Letters.” May 1889." in text
    assert "2. Martin Luther King Jr. “I Have a Dream.”" in text  # one full stop after "Jr."
    assert "3. Jean de La Fontaine, Sr. and Kantor Survei. “Fables.”" in text


def test_dates_circa_season_range_and_text_as_given(appendix: tuple[str, list[dict[str, object]]]) -> None:
    text = appendix[0]
    assert "“A Map.” Survey, ca. 1850." in text or "Survey. “A Map.” ca. 1850." in text
    assert "“Seasonal.” Summer 2021." in text
    assert "Ranged. January 2019–March 2020." in text
    assert "Literal. Ides of March, 44 BC." in text
    assert "Raw. early 1990s." in text


def test_rich_text_titles_are_styled_not_printed_as_tags(appendix: tuple[str, list[dict[str, object]]]) -> None:
    text, chars = appendix
    assert "<" not in text and "nocase" not in text
    assert "Journal of Things." in text  # a container title's markup is dropped
    assert fonts_of(chars, "Origin") == {("IBMPlexSerif-Italic", 9.0)}
    assert fonts_of(chars, "On the") == {("IBMPlexSerif-Regular", 9.0)}
    assert {f for f, _ in fonts_of(chars, "Species")} == {"IBMPlexSerif-SemiBold"}
    assert fonts_of(chars, "ARWIN") == {("IBMPlexSerif-Regular", 7.0)}  # small caps: capitals a size smaller
    subscript = [c for c in chars if c["text"] == "2" and float(c["size"]) < 8.5]  # type: ignore[arg-type]
    assert len(subscript) == 2  # H₂O and mc²
    assert subscript[0]["top"] > subscript[1]["top"]  # the subscript sits lower than the superscript
    assert "eBay" in text


def test_italic_inside_an_italic_title_turns_roman(appendix: tuple[str, list[dict[str, object]]]) -> None:
    chars = appendix[1]
    assert fonts_of(chars, "The Voyage of the") == {("IBMPlexSerif-Italic", 9.0)}
    assert fonts_of(chars, "Beagle") == {("IBMPlexSerif-Regular", 9.0)}


def test_circa_in_indonesian(tmp_path: Path) -> None:
    root = make(tmp_path, ITEMS[3:4], body="---\ntitle: Isi\n---\nPeta [@map].\n")
    assert run(root, "build", "-o", str(root / "o.pdf"))[0] == 0
    with pdfplumber.open(root / "o.pdf") as pdf:
        assert "Survey. “A Map.” sekitar 1850." in pdf.pages[-1].extract_text()


def test_rich_text_parser() -> None:
    plain, inlines = rich_text("A <i>b <b>c</b></i> d</i> <u>e</u> &amp; <sup>2")
    assert plain == "A b c d</i> <u>e</u> & 2"
    assert inlines == (Text("A "), Emph((Text("b "), Strong((Text("c"),)))), Text(" d"), Text("</i>"),
                       Text(" <u>e</u> & "), Styled("sup", (Text("2"),)))
    assert rich_text("Plain &amp; simple") == ("Plain & simple", ())


def test_json_items_know_their_lines() -> None:
    items = json_items('[\n {"id": "a",\n  "title": "x"},\n\n {"id": 2, "n": {"id": 3}}, 5\n]')
    assert [(i.line, i.lines) for i in items] == [(2, {"id": 2, "title": 3}), (5, {"id": 5, "n": 5}), (5, {})]


# ---------------------------------------------------------------------------- errors at the item


BAD = ('[\n  {"id": "good", "title": "Good"},\n  {"id": "bad", "title": "Bad",\n   "issued": {"date-parts": %s}}\n]\n')
CITE_BAD = "---\ntitle: Isi\n---\nBaik [@good].\n\nBuruk [@bad].\n"


@pytest.mark.parametrize(("parts", "reason"), [
    ("[[2021, 2, 30]]", "[2021, 2, 30] is not a real date"),
    ("[[2021, 17]]", "[2021, 17]: month 17 is not a month (1-12)"),  # 13-16 and 21-24 are seasons
    ("[[2021, 0]]", "[2021, 0]: month 0 is not a month (1-12)"),
    ("[[2021, 1, 0]]", "[2021, 1, 0] is not a real date"),
    ("[[-44, 3, 15]]", "[-44, 3, 15] is a date BC, which briefing cannot print from 'date-parts'; give it as text "
                       "instead: {\"literal\": \"15 March 44 BC\"}"),
    ('[["20x1"]]', "['20x1'] must hold whole numbers"),
])
def test_impossible_date_parts_name_item_and_line(tmp_path: Path, parts: str, reason: str) -> None:
    root = make(tmp_path, BAD % parts, body=CITE_BAD)
    before = hashlib.sha256((root / "sources.json").read_bytes()).hexdigest()
    message = f"sources.json:4: CSL item 2 ('bad'): 'issued' {reason} (cited at a.md:6)"
    code, output = run(root, "build", "-o", str(root / "o.pdf"))
    assert code == 1 and f"error: {root / message}" in output and "Traceback" not in output, output
    code, output = run(root, "check")
    assert code == 1 and message.replace(": CSL", ": error: CSL", 1) in output, output
    assert not (root / "o.pdf").exists()
    assert hashlib.sha256((root / "sources.json").read_bytes()).hexdigest() == before


def test_uncited_malformed_item_is_a_warning_unless_strict(tmp_path: Path) -> None:
    root = make(tmp_path, BAD % "[[2021, 2, 30]]", body="---\ntitle: Isi\n---\nBaik [@good].\n")
    message = ("sources.json:4: CSL item 2 ('bad'): 'issued' [2021, 2, 30] is not a real date "
               "(nothing cites it, so it is left out)")
    code, output = run(root, "build", "-o", str(root / "o.pdf"))
    assert code == 0 and f"warning: {root / message}" in output, output
    with pdfplumber.open(root / "o.pdf") as pdf:
        assert "Good" in pdf.pages[-1].extract_text() and "Bad" not in pdf.pages[-1].extract_text()
    assert "never cited" not in output
    code, output = run(root, "build", "--strict", "-o", str(root / "strict.pdf"))
    assert code == 1 and message in output and not (root / "strict.pdf").exists()


def test_uncited_malformed_item_is_reported_in_audience_editions(tmp_path: Path) -> None:
    root = make(tmp_path, BAD % "[[2021, 17]]", body="---\ntitle: Isi\n---\nBaik [@good].\n",
                audiences={"publik": {"label": "Publik"}})
    code, output = run(root, "build")
    assert code == 0 and "month 17 is not a month" in output, output


@pytest.mark.parametrize(("text", "message"), [
    ('[\n {"id": "a", "title": "A"},\n {"id": "b", "title": "B"},\n {"id": "a", "title": "C"}\n]',
     "sources.json:4: duplicate source id 'a' (first on line 2)"),
    ('[\n {"id": "a", "title": "A"},\n {"title": "Tanpa id sama sekali",\n  "type": "book"}\n]',
     "sources.json:3: CSL item 2 (“Tanpa id sama sekali”): a source needs an 'id' of letters, digits and - _ : . / "
     "(nothing cites it, so it is left out)"),
    ('[\n {"id": "a", "title": "A"},\n {"id": "b",\n  "author": [{"given": "X"}, {"suffix": "Jr."}], "title": "B"}\n]',
     "sources.json:4: CSL item 2 ('b'): author 2 has no 'family', 'given' or 'literal'"),
    ('[\n {"id": "a", "title": "A"},\n "just text"\n]', "sources.json:3: CSL item 2 is not an object (nothing cites it, so it is left out)"),
    ('[\n {"id": "a", "title": "A"},\n {"id": "b", "title": "B",\n  "accessed": {"date-parts": [[2022, 10]]}}\n]',
     "sources.json:4: CSL item 2 ('b'): 'accessed' must be one day"),
])
def test_item_problems_name_index_id_or_title_and_line(tmp_path: Path, text: str, message: str) -> None:
    root = make(tmp_path, text, body="---\ntitle: Isi\n---\nBaik [@a] [@b].\n" if "'b'" in message else
                "---\ntitle: Isi\n---\nBaik [@a].\n")
    code, output = run(root, "check")
    assert message.replace(": ", ": error: ", 1) in output or message.replace(": ", ": warning: ", 1) in output, output
    assert code == (0 if "nothing cites it" in message else 1)


def test_fonts_of_helper_sees_italic(appendix: tuple[str, list[dict[str, object]]]) -> None:
    """Guard the helper above: a word set in two fonts yields both."""
    assert len(fonts_of(appendix[1], "the Origin")) == 2


# ---------------------------------------------------------------------------- fuzz


json_values = st.recursive(st.none() | st.booleans() | st.integers(-100, 3000) | st.floats(allow_nan=False)
                           | st.text(alphabet="ab<>/isupb=\"& -0123456789", max_size=12),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                           max_leaves=8)
csl_keys = st.sampled_from(["id", "title", "author", "issued", "accessed", "URL", "type", "publisher", "container-title",
                            "note", "date-parts", "circa", "season", "literal", "raw", "given", "family", "suffix"])
csl_item = st.dictionaries(csl_keys, json_values, max_size=6)
usable_item = st.builds(lambda extra, title: {**extra, "id": "k", "title": title}, csl_item, st.text(max_size=30))
csl_items = st.lists(usable_item | csl_item | json_values, max_size=4)


@settings(max_examples=fuzz_examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=csl_items)
def test_fuzz_csl_items_load_or_fail_clearly(tmp_path_factory: pytest.TempPathFactory, items: list[object]) -> None:
    from briefing.errors import BriefingError
    from briefing.i18n import Locale
    from briefing.layout.markup import MarkupWriter
    from briefing.layout.sources import format_entry
    from briefing.sources import load_sources
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    path = tmp_path_factory.mktemp("fuzzcsl") / "s.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    try:
        sources = load_sources(path)
    except BriefingError as error:
        assert error.path == path and error.line, error.format()
        return
    for source in sources:
        if source.problem:
            assert source.problem.startswith("CSL item ") and source.pos.line
        else:  # the entry is markup ReportLab accepts
            entry = format_entry(source, Locale("en"), MarkupWriter("Courier", "#000000"), "#000000")
            Paragraph(entry, getSampleStyleSheet()["Normal"]).wrap(300, 800)


def test_raw_date_that_reads_as_a_date_must_be_real(tmp_path: Path) -> None:
    text = '[\n  {"id": "good", "title": "Good"},\n  {"id": "bad", "title": "Bad",\n   "issued": {"raw": "2021-02-30"}}\n]\n'
    root = make(tmp_path, text, body=CITE_BAD)
    code, output = run(root, "build", "-o", str(root / "o.pdf"))
    assert code == 1 and "sources.json:4: CSL item 2 ('bad'): 'issued' '2021-02-30' is not a real date (cited at a.md:6)" \
        in output, output
