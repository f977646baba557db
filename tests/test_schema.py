"""The one schema mechanism: every kind of YAML record names its unknown keys (with a
near key), bad values and missing required keys, each at its file and line, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.brief import _load_section
from briefing.build import load_recipients
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.i18n import LABELS
from briefing.manifest import load_manifest
from briefing.schema import placeholders
from briefing.sources import load_sources
from briefing.themes import load_theme
from briefing.timeline import load_timeline

from .conftest import BASIC_MANIFEST, write_brief

HEAD = "title: T\ndate: 2022-10-07\n"


def _manifest(root: Path, text: str) -> None:
    (root / "brief.yaml").write_text(text, encoding="utf-8")
    load_manifest(root)


def _front_matter(root: Path, text: str) -> None:
    (root / "a.md").write_text(text, encoding="utf-8")
    _load_section(root / "a.md", frozenset())


def _file(name: str, load: Callable[[Path, Path], object]) -> Callable[[Path, str], None]:
    def write_and_load(root: Path, text: str) -> None:
        (root / name).write_text(text, encoding="utf-8")
        load(root, root / name)

    return write_and_load


LOADERS: dict[str, Callable[[Path, str], None]] = {
    "manifest": _manifest,
    "front matter": _front_matter,
    "timeline": _file("timeline.yaml", lambda _root, path: load_timeline(path)),
    "sources": _file("sources.yaml", lambda _root, path: load_sources(path)),
    "theme": _file("tema.yaml", lambda root, _path: load_theme("tema.yaml", root, root / "brief.yaml")),
    "recipients": _file("penerima.yaml", lambda _root, path: load_recipients(path)),
}
LOADERS["box kind"] = LOADERS["theme"]
BOXES = "base: formal\nboxes:\n  kotak:\n"

CASES = [
    # unknown key, with the near known key
    ("manifest", HEAD + "titel: X\n", "brief.yaml:3: unknown key 'titel' (did you mean 'title'?)"),
    ("manifest", HEAD + "audiences:\n  publik:\n    labl: Publik\n",
     "brief.yaml:5: unknown key 'audiences.publik.labl' (did you mean 'label'?)"),
    ("front matter", "---\ntitle: A\nnumberd: false\n---\nA.\n",
     "a.md:3: unknown front matter key 'numberd' (did you mean 'numbered'?)"),
    ("timeline", "- date: 2022\n  title: A\n  tag: x\n", "timeline.yaml:3: event 1: unknown key 'tag' (did you mean 'tags'?)"),
    ("sources", "- id: a\n  title: A\n  publsher: X\n",
     "sources.yaml:3: unknown source key 'publsher' (did you mean 'publisher'?)"),
    ("theme", "base: formal\naccnt: '#112233'\n", "tema.yaml:2: unknown theme setting 'accnt' (did you mean 'accent'?)"),
    ("recipients", "- Menteri\n- name: Wakil\n  nme: W\n", "penerima.yaml:3: recipient 2: unknown key 'nme' (did you mean 'name'?)"),
    ("box kind", BOXES + "    label: K\n    rul: '#112233'\n",
     "tema.yaml:5: unknown setting 'rul' of box kind 'kotak' (did you mean 'rule'?)"),
    # a value of the wrong type
    ("manifest", HEAD + "duplex: ya\n", "brief.yaml:3: 'duplex' must be true or false"),
    ("manifest", HEAD + "audiences:\n  publik:\n    page_budget: dua\n",
     "brief.yaml:5: 'audiences.publik.page_budget' must be a whole number of pages"),
    ("front matter", "---\ntitle: A\ntags: {a: 1}\n---\nA.\n", "a.md:3: 'tags' must be a list of names"),
    ("timeline", "- date: 2022\n  title: A\n  highlight: ya\n", "timeline.yaml:3: event 1: 'highlight' must be true or false"),
    ("sources", "- id: a\n  title: A\n  type: koran\n",
     "sources.yaml:3: source 'a': 'type' must be one of news, statement, report, dataset, document, article, book, web, other"),
    ("theme", "base: formal\njustify: ya\n", "tema.yaml:2: theme setting 'justify' must be true or false"),
    ("recipients", "- Menteri\n- name: 3\n", "penerima.yaml:2: each recipient must be a name (or a mapping with 'name')"),
    ("box kind", BOXES + "    label: K\n    label_ink: merah\n",
     "tema.yaml:5: 'label_ink' of box kind 'kotak' must be a colour written #rrggbb"),
    # a bad item of a list: named at the item's own line
    ("manifest", HEAD + "authors:\n  - Ana\n  - ''\n", "brief.yaml:5: 'authors' must be a list of texts"),
    ("front matter", "---\ntitle: A\ntags:\n  - satu\n  - [dua]\n---\nA.\n", "a.md:5: 'tags' must be a list of names"),
    ("timeline", "- date: 2022\n  title: A\n  tags:\n    - a\n    - 7\n",
     "timeline.yaml:5: event 1: 'tags' must be a list of words"),
    # a required key missing: named at the record's line
    ("manifest", "title: T\nlanguage: id\n", "brief.yaml:1: missing required key 'date'"),
    ("front matter", "---\nnumbered: false\n---\nA.\n", "a.md:1: front matter needs a 'title:' (the section heading)"),
    ("timeline", "- date: 2022\n  title: A\n- title: B\n", "timeline.yaml:3: event 2 has no 'date'"),
    ("sources", "- id: a\n  title: A\n- id: b\n  publisher: X\n", "sources.yaml:3: source 'b' needs a 'title'"),
    ("recipients", "- Menteri\n- {}\n", "penerima.yaml:2: each recipient must be a name (or a mapping with 'name')"),
    ("box kind", "base: formal\nboxes:\n  Kotak:\n    label: K\n",
     "tema.yaml:3: box kind 'Kotak' must be named by a lowercase word (letters, digits, hyphens)"),
    ("box kind", "base: formal\nboxes: [kotak]\n",
     "tema.yaml:2: theme setting 'boxes' must map box kind names to their settings (label, background, rule, rule_style, "
     "label_ink)"),
    ("box kind", BOXES + "    background: '#112233'\n",
     "tema.yaml:3: box kind 'kotak' must be a mapping with a 'label' (and optional background, rule, rule_style, label_ink)"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_each_record_kind_names_the_problem_at_its_line(tmp_path: Path, kind: str, text: str, expected: str) -> None:
    with pytest.raises(BriefingError) as info:
        LOADERS[kind](tmp_path, text)
    assert info.value.format(tmp_path) == expected
    assert info.value.exit_code == 1


def test_every_bad_field_of_every_record_is_listed_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two bad fields in each of two events, and a front matter whose unknown key used to hide its bad value."""
    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "timeline": "timeline.yaml"},
                       {"01.md": "---\ntitle: Satu\nwarna: merah\nnumbered: 3\n---\nTeks.\n"},
                       **{"timeline.yaml": "- date: 2022\n  title: A\n  highlight: ya\n  level: [1]\n"
                                           "- date: 2023-13\n  title: ''\n"})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "sections/01.md:3: error: unknown front matter key 'warna' (known: audiences, id, level, numbered, page_break, tags, title)",
        "sections/01.md:4: error: 'numbered' must be true or false",
        "timeline.yaml:3: error: event 1: 'highlight' must be true or false",
        "timeline.yaml:4: error: event 1: 'level' must be a handling level name",
        "timeline.yaml:5: error: event 2: bad date: '2023-13' is not a real date",
        "timeline.yaml:6: error: event 2 (2023-13) needs a 'title'",
    ]


def test_a_source_with_a_bad_id_still_has_its_other_fields_checked(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("- id: a\n  title: A\n- id: 'b c'\n  title: B\n  url: ftp://x\n", encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        load_sources(path)
    assert info.value.format(tmp_path).splitlines() == [
        "sources.yaml:3: a source needs an 'id' of letters, digits and - _ : . /",
        "sources.yaml:5: source 2: malformed URL 'ftp://x' (expected http:// or https://)",
    ]


# ---------------------------------------------------------------- the manifest's nested records

NESTED = [
    (HEAD + "timeline:\n  file: t.yaml\n  sid: left\n", "brief.yaml:5: unknown key 'timeline.sid' (did you mean 'side'?)"),
    (HEAD + "timeline:\n  side: left\n", "brief.yaml:3: missing required key 'timeline.file'"),
    (HEAD + "timeline:\n  file: t.yaml\n  order: newest\n", "brief.yaml:5: 'timeline.order' must be one of chronological, reverse"),
    (HEAD + "timeline: 3\n",
     "brief.yaml:3: 'timeline' must be a file name, or a mapping with 'file' (known keys: file, side, order, placement)"),
    (HEAD + "sources:\n  file: s.yaml\n  qr: ya\n", "brief.yaml:5: 'sources.qr' must be true or false"),
    (HEAD + "sources:\n  file: s.yaml\n  marker: brackets\n",
     "brief.yaml:5: unknown key 'sources.marker' (did you mean 'markers'?)"),
    (HEAD + "logo:\n  file: l.png\n  height: 80\n", "brief.yaml:5: 'logo.height' must be a number of millimetres from 5 to 40"),
    (HEAD + "logo:\n  file: l.png\n  heigth: 10\n", "brief.yaml:5: unknown key 'logo.heigth' (did you mean 'height'?)"),
    (HEAD + "logo:\n  height: 10\n", "brief.yaml:3: missing required key 'logo.file'"),
    (HEAD + "logo: [a]\n", "brief.yaml:3: 'logo' must be an image file name, or a mapping with 'file' and 'height' (mm)"),
    (HEAD + "clearance:\n  position: top\n  signoff:\n    - {role: a, name: b}\n",
     "brief.yaml:4: 'clearance.position' must be one of cover, end"),
    (HEAD + "clearance:\n  positon: end\n  signoff:\n    - {role: a, name: b}\n",
     "brief.yaml:4: unknown key 'clearance.positon' (did you mean 'position'?)"),
    (HEAD + "clearance:\n  - role: a\n    name: b\n    nama: c\n",
     "brief.yaml:6: 'clearance' entry 1: unknown key 'nama' (did you mean 'name'?)"),
    (HEAD + "clearance:\n  - role: a\n    name: b\n  - role: c\n    name: d\n    date: 2022-13-01\n",
     "brief.yaml:8: 'clearance' entry 2: 'date' '2022-13-01' is not a real date"),
    (HEAD + "clearance:\n  - Kepala\n",
     "brief.yaml:4: 'clearance' entry 1 must be a mapping with 'role' and 'name' texts (and an optional 'date')"),
    (HEAD + "clearance: []\n",
     "brief.yaml:3: 'clearance' must be a list of {role, name, date} (or a mapping with 'position' and 'signoff')"),
    (HEAD + "levels: [A]\nprinters:\n  q:\n    max_levl: A\n    max_level: A\n",
     "brief.yaml:6: unknown key 'printers.q.max_levl' (did you mean 'max_level'?)"),
    (HEAD + "levels: [A]\nprinters:\n  q: {}\n", "brief.yaml:5: missing required key 'printers.q.max_level'"),
    (HEAD + "printers: x\n", "brief.yaml:3: 'printers' must map printer queue names to {max_level: LEVEL}"),
    (HEAD + "labels:\n  timeline: Kronologi\n  pag_of: X\n", "brief.yaml:5: 'labels' has unknown label 'pag_of' (did you mean 'page_of'?)"),
    (HEAD + "labels:\n  zzz: X\n", "brief.yaml:4: 'labels' has unknown label 'zzz' (known: " + ", ".join(sorted(LABELS["en"])) + ")"),
    (HEAD + "labels:\n  sources: ''\n", "brief.yaml:4: label 'sources' must be a non-empty text"),
    (HEAD + "labels: Sumber\n", "brief.yaml:3: 'labels' must map label names to texts"),
    (HEAD + "audiences:\n  publik:\n  Analis: {}\n",
     "brief.yaml:5: audience id 'Analis' must be lowercase letters, digits, '.', '-' or '_'"),
    (HEAD + "audiences:\n  publik: 3\n", "brief.yaml:4: audience 'publik' must be a mapping of settings"),
    (HEAD + "audiences: [publik]\n", "brief.yaml:3: 'audiences' must be a mapping of names to values"),
]


@pytest.mark.parametrize(("text", "expected"), NESTED, ids=[c[1].split(": ", 1)[1][:40] for c in NESTED])
def test_each_nested_record_of_the_manifest_names_the_problem_at_its_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(BriefingError) as info:
        _manifest(tmp_path, text)
    assert info.value.format(tmp_path) == expected
    assert info.value.exit_code == 1


def test_every_bad_key_of_every_nested_record_is_listed_in_one_run(tmp_path: Path) -> None:
    text = (HEAD + "levels: [BIASA]\n"
            "timeline:\n  file: t.yaml\n  sid: left\n  order: newest\n"
            "logo:\n  file: l.png\n  height: 99\n"
            "clearance:\n  - role: a\n    nama: b\n    date: kemarin\n"
            "printers:\n  q:\n    max_level: RAHASIA\n    warna: ya\n"
            "labels:\n  page_of: 'Hal. {pg}'\n  edition: 'Edisi {name'\n"
            "audiences:\n  publik:\n    level: RAHASIA\n    labl: Publik\n")
    with pytest.raises(BriefingError) as info:
        _manifest(tmp_path, text)
    assert info.value.format(tmp_path).splitlines() == [
        "brief.yaml:6: unknown key 'timeline.sid' (did you mean 'side'?)",
        "brief.yaml:7: 'timeline.order' must be one of chronological, reverse",
        "brief.yaml:10: 'logo.height' must be a number of millimetres from 5 to 40",
        "brief.yaml:12: 'clearance' entry 1 must be a mapping with 'role' and 'name' texts (and an optional 'date')",
        "brief.yaml:13: 'clearance' entry 1: unknown key 'nama' (did you mean 'name'?)",
        "brief.yaml:14: 'clearance' entry 1: 'date' must be a date written YYYY-MM-DD",
        "brief.yaml:17: printers.q: unknown max_level 'RAHASIA' (levels: BIASA)",
        "brief.yaml:18: unknown key 'printers.q.warna'",
        "brief.yaml:20: label 'page_of' has placeholder '{pg}', which it does not take "
        "(it takes {page} and {total}; write a literal brace as {{ or }})",
        "brief.yaml:21: label 'edition' has an unmatched brace (it takes {name}; write a literal brace as {{ or }})",
        "brief.yaml:24: audience 'publik': unknown level 'RAHASIA' (levels: BIASA)",
        "brief.yaml:25: unknown key 'audiences.publik.labl' (did you mean 'label'?)",
    ]


# ---------------------------------------------------------------- labels are templates checked when the brief loads

_TAKES_NOTHING = "(it takes no placeholders; write a literal brace as {{ or }})"
LABEL_CASES = [
    ("page_of: 'Page {pg} of {total}'",
     "label 'page_of' has placeholder '{pg}', which it does not take (it takes {page} and {total}; "
     "write a literal brace as {{ or }})"),
    ("edition: 'Edition {name'", "label 'edition' has an unmatched brace (it takes {name}; write a literal brace as {{ or }})"),
    ("edition: 'Edition name}'", "label 'edition' has an unmatched brace (it takes {name}; write a literal brace as {{ or }})"),
    ("copy_of: 'Copy {} of {total}'",
     "label 'copy_of' has placeholder '{}', which it does not take (it takes {number}, {total} and {name}; "
     "write a literal brace as {{ or }})"),
    ("copy_of: 'Copy {0} of {total}'",
     "label 'copy_of' has placeholder '{0}', which it does not take (it takes {number}, {total} and {name}; "
     "write a literal brace as {{ or }})"),
    ("accessed: 'on {date:%Y}'",
     "label 'accessed' has placeholder '{date:%Y}', which it does not take (it takes {date}; write a literal brace as {{ or }})"),
    ("continues: 'see {page!r}'",
     "label 'continues' has placeholder '{page!r}', which it does not take (it takes {page}; write a literal brace as {{ or }})"),
    ("page_of: '{page.real}'",
     "label 'page_of' has placeholder '{page.real}', which it does not take (it takes {page} and {total}; "
     "write a literal brace as {{ or }})"),
    ("timeline: 'Lini {Masa}'", "label 'timeline' has placeholder '{Masa}', which it does not take " + _TAKES_NOTHING),
    ("sources: 'Sumber {'", "label 'sources' has an unmatched brace " + _TAKES_NOTHING),
]


@pytest.mark.parametrize(("label", "expected"), LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_a_label_that_cannot_be_filled_in_is_an_error_at_its_line(tmp_path: Path, label: str, expected: str) -> None:
    """These used to pass the loader and crash the layout ("internal error … This is a bug")."""
    root = write_brief(tmp_path / "b", f"title: T\ndate: 2022-10-07\nlabels:\n  contents: Isi\n  {label}\n",
                       {"01.md": "---\ntitle: Satu\n---\nTeks.\n"})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1, result.output
    assert result.output == f"error: {root / 'brief.yaml'}:5: {expected}\n"
    assert not (root / "output").exists()


def test_labels_print_with_their_placeholders_filled_and_braces_single(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "timeline": "t.yaml",
                                        "labels": {"page_of": "{{{page}}} / {total}", "timeline": "Lini {{Masa}}"}},
                       {"01.md": "---\ntitle: Satu\n---\nTeks.\n"}, **{"t.yaml": "- date: 2022\n  title: Peristiwa\n"})
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "{1} / 1" in text and "Lini {Masa}" in text and "{{" not in text


def test_every_label_has_the_same_placeholders_in_each_language() -> None:
    """Overrides are checked against one language's placeholders: the others must take the same."""
    assert {lang: {k: placeholders(v) for k, v in table.items()} for lang, table in LABELS.items()} == \
        {lang: {k: placeholders(v) for k, v in LABELS["en"].items()} for lang in LABELS}


# ---------------------------------------------------------------- positions inside multi-line values

@pytest.mark.parametrize(("text", "line"), [
    ("text: |\n    Satu.\n    Lihat [@kcna].\n", 5),
    ("text: >\n\n    Lihat [@kcna].\n", 5),
    ("text: |-\n    Lihat [@kcna].\n", 4),
    ("text:\n    Lihat [@kcna].\n", 4),
    ("text: 'Lihat [@kcna].'\n", 3),
])
def test_a_problem_in_an_event_text_names_the_line_it_is_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                            line: int) -> None:
    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "timeline": "t.yaml"}, {"01.md": "---\ntitle: Satu\n---\nTeks.\n"},
                       **{"t.yaml": "- date: 2022\n  title: A\n  " + text})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (f"t.yaml:{line}: error: citation [@kcna] but the brief has no "
                                             "sources file (add 'sources: sources.yaml' to brief.yaml)")


@pytest.mark.parametrize(("written", "field", "canonical"), [
    ("paper: a4", "paper", "A4"), ("paper: LETTER", "paper", "Letter"), ("paper: half-LETTER", "paper", None),
    ("pdf_standard: UA-1", "pdf_standard", "ua-1"), ("language: EN", "language", "en")])
def test_choices_the_command_line_takes_in_any_case_the_manifest_does_too(
        tmp_path: Path, written: str, field: str, canonical: str | None) -> None:
    (tmp_path / "brief.yaml").write_text(f"{HEAD}{written}\n", encoding="utf-8")
    if canonical is None:
        with pytest.raises(BriefingError, match=r"brief\.yaml:3: 'paper' must be one of A4, Letter, Legal, A5, F4 \(in any case\)"):
            load_manifest(tmp_path)
        return
    manifest, _ = load_manifest(tmp_path)
    assert getattr(manifest, field) == canonical


def test_an_edition_paper_in_any_case_builds_at_that_size(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "paper": "letter"}, {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = next(iter((tmp_path / "output").glob("*.pdf")))
    box = PdfReader(page).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
