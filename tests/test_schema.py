"""The one schema mechanism: every kind of YAML record names its unknown keys (with a
near key), bad values and missing required keys, each at its file and line, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.brief import _load_section
from briefing.build import load_recipients
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.manifest import load_manifest
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
