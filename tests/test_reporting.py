"""Every problem at once: `check` and `build` list all of them, each with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from briefing.cli import main
from briefing.errors import BriefingError, BriefingWarning, ManifestError, Reporter

from .conftest import BASIC_MANIFEST, write_brief

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"


def _six_problem_brief(root: Path) -> Path:
    """Six problems in four files: two front matters, two timeline events, two fields of one source."""
    manifest = {**BASIC_MANIFEST, "timeline": "timeline.yaml", "sources": "sources.yaml"}
    return write_brief(
        root, manifest,
        {
            "01-satu.md": "---\ntitle: Satu\nnumbered: maybe\n---\nTeks [@sumber].\n",
            "02-dua.md": "---\ntitle: Dua\ntags: 5\n---\nTeks.\n",
        },
        **{
            "timeline.yaml": "- date: kemarin\n  title: Tanggal salah\n- date: 2023\n  text: tanpa judul\n",
            "sources.yaml": "- id: sumber\n  title: Sumber\n  url: ftp://contoh\n  type: koran\n",
        },
    )


SIX = [
    "sections/01-satu.md:3: error: 'numbered' must be true or false",
    "sections/02-dua.md:3: error: 'tags' must be a list of names",
    "sources.yaml:3: error: source 'sumber': malformed URL 'ftp://contoh' (expected http:// or https://)",
    "sources.yaml:4: error: source 'sumber': 'type' must be one of",
    "timeline.yaml:1: error: event 1: bad date:",
    "timeline.yaml:3: error: event 2 (2023) needs a 'title'",
]


def test_check_lists_six_problems_in_four_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _six_problem_brief(tmp_path / "b")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 6, result.stdout
    for line, expected in zip(lines, SIX):
        assert line.startswith(expected), (line, expected)
    assert "6 error(s), 0 warning(s)" in result.stderr


def test_build_fails_listing_the_same_six(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _six_problem_brief(tmp_path / "b")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "."])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 6, result.stderr
    for line, expected in zip(lines, SIX):
        assert line.startswith("error: " + expected.replace(": error:", ":")), (line, expected)
    assert not (root / "output").exists() or not list((root / "output").glob("*.pdf"))


def test_every_bad_image_of_a_section_is_listed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = "---\ntitle: Gambar\n---\n" + "".join(f"![gambar {n}](assets/hilang-{n}.png)\n\n" for n in range(30))
    root = write_brief(tmp_path / "b", dict(BASIC_MANIFEST), {"01.md": body})
    (root / "assets").mkdir()
    Image.new("RGB", (300, 200), "navy").save(root / "assets" / "ada.png")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [f"sections/01.md:{4 + 2 * n}: error: image 'hilang-{n}.png' not found in assets/; files there: ada.png"
                     for n in range(30)]


def test_every_problem_inside_a_list_is_listed_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = "---\ntitle: Daftar\n---\n- satu\n\n  # judul\n- dua\n\n  # lagi\n"
    root = write_brief(tmp_path / "b", dict(BASIC_MANIFEST), {"01.md": body})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert [line.split(": error:")[0] for line in result.stdout.splitlines()] == ["sections/01.md:6", "sections/01.md:9"]


def test_a_bad_section_does_not_hide_the_others_nor_count_as_missing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    manifest = {**BASIC_MANIFEST, "sections": ["01-satu.md", "02-dua.md"]}
    root = write_brief(tmp_path / "b", manifest, {
        "01-satu.md": "---\nnumbered: 3\n---\nTeks.\n",
        "02-dua.md": "---\ntitle: Dua\nlevel: 7\n---\nTeks.\n",
    })
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.stdout.splitlines() == [
        "sections/01-satu.md:1: error: front matter needs a 'title:' (the section heading)",
        "sections/01-satu.md:2: error: 'numbered' must be true or false",
        "sections/02-dua.md:3: error: 'level' must be a handling level name",
    ]


def test_theme_problems_are_listed_with_the_others(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    manifest = {**BASIC_MANIFEST, "theme": "tema.yaml"}
    root = write_brief(tmp_path / "b", manifest, {"01.md": "---\ntitle: Satu\nnumbered: x\n---\nTeks.\n"},
                       **{"tema.yaml": "base: kuno\nbody_size: 99\n"})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert [line.split(": error:")[0] for line in result.stdout.splitlines()] == [
        "sections/01.md:3", "tema.yaml:1", "tema.yaml:2"]


def test_reporter_sorts_by_file_and_line_and_keeps_warnings_apart() -> None:
    reporter = Reporter()
    reporter.error(ManifestError("b", Path("z.yaml"), 2))
    reporter.warn(BriefingWarning("w", Path("a.md"), 9))
    with reporter.collecting():
        raise ManifestError("a", Path("z.yaml"), 1)
    assert [(p.message, p.line) for p in reporter.problems()] == [("w", 9), ("a", 1), ("b", 2)]
    assert len(reporter.errors) == 2 and len(reporter.warnings) == 1
    try:
        reporter.raise_if_errors()
    except BriefingError as error:
        assert error.format() == "z.yaml:1: a\nz.yaml:2: b"
    else:
        raise AssertionError("raise_if_errors raised nothing")


def test_warnings_are_not_errors() -> None:
    assert not issubclass(BriefingWarning, BaseException)
    assert BriefingWarning("w", Path("a.md"), 3).as_error().format() == "a.md:3: w"


def test_every_exception_class_lives_in_errors_py() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception")) or base.id == "Exception")
                    for base in node.bases):
                found.append((path.relative_to(PACKAGE).as_posix(), node.name))
    assert found and {path for path, _ in found} == {"errors.py"}, found


def test_timeline_markdown_is_parsed_in_the_parse_stage_and_its_problems_listed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from briefing.timeline import load_timeline

    manifest = {**BASIC_MANIFEST, "timeline": "timeline.yaml"}
    events = ("- date: 2020\n  title: Satu\n  text: '*penting* sekali'\n"
              "- date: 2021\n  title: Dua\n  text: '![gambar](a.png)'\n"
              "- date: 2022\n  title: Tiga\n  text: '![lagi](b.png)'\n")
    root = write_brief(tmp_path / "b", manifest, {"01.md": "---\ntitle: Satu\n---\nTeks.\n"},
                       **{"timeline.yaml": events})
    first = load_timeline(root / "timeline.yaml")[0]
    assert (first.markdown, first.markdown_line, first.text) == ("*penting* sekali", 3, ())
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "."])
    assert [line.split(": error:")[0] for line in result.stdout.splitlines()] == ["timeline.yaml:6", "timeline.yaml:9"]
