"""Stage 1: the brief folder and manifest, with every problem named by file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.brief import load_brief
from briefing.files import resolve_inside
from briefing.errors import BriefFolderError, BriefingError, ErrorList, ManifestError
from briefing.yamlfile import load_yaml

from .conftest import BASIC_MANIFEST, write_brief

A = "---\ntitle: Alfa\n---\nA.\n"
B = "---\ntitle: Beta\nid: beta\n---\nB.\n"


def test_sections_ordered_by_file_name_and_prefix_stripped(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"02-beta.md": B, "01-alfa.md": A, "_draft.md": A})
    brief = load_brief(tmp_path)
    assert [s.id for s in brief.sections] == ["alfa", "beta"]
    assert brief.manifest.date == dt.date(2022, 10, 7)


def test_manifest_section_order_wins(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "sections": ["beta", "01-alfa.md"]}, {"01-alfa.md": A, "02-beta.md": B})
    assert [s.id for s in load_brief(tmp_path).sections] == ["beta", "alfa"]


def test_unknown_section_in_order_is_named(tmp_path: Path) -> None:
    write_brief(tmp_path, {**BASIC_MANIFEST, "sections": ["gamma"]}, {"01-alfa.md": A})
    with pytest.raises(ManifestError, match="'gamma'"):
        load_brief(tmp_path)


def test_every_manifest_problem_reported_at_once(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: X\ndate: 2022-01-01\nlanguage: fr\nnumberd_headings: true\nauthors: 3\n", {"a.md": A})
    with pytest.raises(ErrorList) as info:
        load_brief(tmp_path)
    lines = [(e.line, e.message) for e in info.value.errors]
    assert [line for line, _ in lines] == [3, 4, 5]
    assert "did you mean 'numbered_headings'" in lines[1][1]


def test_missing_required_keys(tmp_path: Path) -> None:
    write_brief(tmp_path, "language: id\n", {"a.md": A})
    with pytest.raises(BriefingError) as info:
        load_brief(tmp_path)
    assert "title" in info.value.format() and "date" in info.value.format()


def test_front_matter_unknown_key_and_missing_title(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "---\ntitle: A\nwarna: merah\n---\nA.\n"})
    with pytest.raises(ManifestError) as info:
        load_brief(tmp_path)
    assert info.value.line == 3 and "warna" in info.value.message
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": "Tanpa judul.\n"})
    with pytest.raises(ManifestError, match="title"):
        load_brief(tmp_path)


def test_duplicate_section_ids(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {"01-alfa.md": A, "02-alfa.md": A})
    with pytest.raises(ManifestError, match="also used"):
        load_brief(tmp_path)


def test_bom_and_crlf_are_tolerated(tmp_path: Path) -> None:
    write_brief(tmp_path, BASIC_MANIFEST, {})
    (tmp_path / "sections" / "a.md").write_bytes("\ufeff---\r\ntitle: Alfa\r\n---\r\nA.\r\n".encode("utf-8"))
    (section,) = load_brief(tmp_path).sections
    assert section.title == "Alfa"


@pytest.mark.parametrize("path", ["../x.yaml", "/etc/passwd", "https://example.org/x", "a/../../x"])
def test_paths_cannot_leave_the_brief(tmp_path: Path, path: str) -> None:
    with pytest.raises(BriefFolderError):
        resolve_inside(tmp_path, path)


def test_symlink_out_of_the_brief_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("- {date: 2020, title: X}\n")
    root = write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "timeline": "t.yaml"}, {"a.md": A})
    (root / "t.yaml").symlink_to(outside)
    with pytest.raises(BriefFolderError, match="outside"):
        load_brief(root)


def test_yaml_alias_bomb_hits_the_budget(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefgh", "abcdefg"):
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(ManifestError, match="too large"):
        load_yaml(bomb, tmp_path / "x.yaml")


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        load_yaml("a: !!python/object/apply:os.system ['true']\n", tmp_path / "x.yaml")
