"""Stage 1, load: hostile but ordinary inputs give a message at file:line, exit 1, nothing touched.

Each test builds a good PDF first, then breaks the brief and checks that `build` and
`check` refuse it with the exact message, and that neither the previous PDF nor any
file of the brief changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from briefing.cli import main

from .conftest import BASIC_MANIFEST, write_brief

SECTION = "---\ntitle: Satu\n---\nTeks satu.\n"


def snapshot(root: Path) -> dict[str, str]:
    """Hash of every regular file under *root*: proves nothing was written over."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def good_brief(root: Path, manifest: dict[str, object] | None = None, **files: str) -> Path:
    """A brief that builds, with output/prev.pdf built from it."""
    write_brief(root, manifest or BASIC_MANIFEST, {"a.md": SECTION}, **files)
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "output" / "prev.pdf")])
    assert result.exit_code == 0, result.output
    return root


def assert_refused(root: Path, message: str, *, args: tuple[str, ...] = (), commands: tuple[str, ...] = ("build", "check"),
                   code: int = 1) -> None:
    """`build` and `check` both fail with *message* (`path:line: text`), changing no file."""
    before = snapshot(root)
    for command in commands:
        extra = ("-o", str(root / "output" / "prev.pdf")) if command == "build" and not args else args
        result = CliRunner().invoke(main, [command, str(root), *(extra if command == "build" else ())])
        assert result.exit_code == code, (command, result.output, result.exception)
        assert "Traceback" not in result.output and "internal error" not in result.output
        shown = message if command == "build" else message.replace(": ", ": error: ", 1)
        assert shown in result.output, (command, result.output)
    assert snapshot(root) == before


# ---------------------------------------------------------------------------- impossible YAML dates


@pytest.mark.parametrize("date", ["2024-02-30", "2024-13-45"])
def test_unquoted_impossible_manifest_date(tmp_path: Path, date: str) -> None:
    root = good_brief(tmp_path)
    (root / "brief.yaml").write_text(f"title: Test Brief\ndate: {date}\nlanguage: id\n", encoding="utf-8")
    assert_refused(root, f"brief.yaml:2: 'date' '{date}' is not a real date")


def test_unquoted_impossible_timeline_date(tmp_path: Path) -> None:
    root = good_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"},
                      **{"timeline.yaml": "- date: 2024-01-01\n  title: Baik\n"})
    (root / "timeline.yaml").write_text("- date: 2024-01-01\n  title: Baik\n- date: 2024-02-30\n  title: Buruk\n")
    assert_refused(root, "timeline.yaml:3: event 2: bad date: '2024-02-30' is not a real date")


@pytest.mark.parametrize(("entry", "message"), [
    ("  date: 2024-02-30\n", "sources.yaml:3: source 'a': bad date: '2024-02-30' is not a real date"),
    ("  accessed: 2023-02-29\n", "sources.yaml:3: source 'a': bad 'accessed' date: '2023-02-29' is not a real date"),
])
def test_unquoted_impossible_source_date(tmp_path: Path, entry: str, message: str) -> None:
    root = good_brief(tmp_path, {**BASIC_MANIFEST, "sources": "sources.yaml"}, **{"sources.yaml": ""})
    (root / "sources.yaml").write_text("- id: a\n  title: A\n" + entry, encoding="utf-8")
    assert_refused(root, message)


def test_impossible_date_where_text_is_fine_stays_text(tmp_path: Path) -> None:
    """A title that happens to look like a bad date is just text (it used to crash)."""
    root = good_brief(tmp_path)
    (root / "sections" / "a.md").write_text("---\ntitle: 2024-02-30\n---\nTeks.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "o.pdf")])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------- references resolve


AUDIENCES = """\
title: Test Brief
date: 2022-10-07
language: id
audiences:
  publik:
    include:
      - satu
      - stau
  analis:
    exclude: [rahasia]
"""


def test_include_naming_no_section_is_an_error_with_suggestion(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\nid: satu\ntags: [rahasia]\n---\nTeks.\n")
    (root / "brief.yaml").write_text(AUDIENCES, encoding="utf-8")
    assert_refused(root, "brief.yaml:8: audience 'publik': 'include' names 'stau', which is no section id or tag "
                         "(did you mean 'satu'?)")


def test_exclude_naming_no_section_or_tag_is_an_error(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\nid: satu\n---\nTeks.\n")
    (root / "brief.yaml").write_text(AUDIENCES.replace("      - stau\n", ""), encoding="utf-8")
    assert_refused(root, "brief.yaml:9: audience 'analis': 'exclude' names 'rahasia', which is no section id or tag "
                         "(known: satu)")


def test_include_by_tag_resolves(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\nid: satu\ntags: [stau, rahasia]\n---\nTeks.\n")
    (root / "brief.yaml").write_text(AUDIENCES, encoding="utf-8")
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0


@pytest.mark.parametrize(("front", "line", "hint"), [
    ("audiences:\n  - publik\n  - publk\n", 6, "did you mean 'publik'?"),
    ("audiences: [direksi]\n", 4, "defined: analis, publik"),
])
def test_front_matter_naming_an_undefined_audience(tmp_path: Path, front: str, line: int, hint: str) -> None:
    root = good_brief(tmp_path)
    (root / "brief.yaml").write_text(AUDIENCES.replace("      - stau\n", "").replace("    exclude: [rahasia]\n", ""))
    (root / "sections" / "a.md").write_text(f"---\ntitle: Satu\nid: satu\n{front}---\nTeks.\n")
    name = "publk" if "publk" in front else "direksi"
    assert_refused(root, f"sections/a.md:{line}: front matter names audience '{name}', which brief.yaml "
                         f"does not define ({hint})", args=("--audience", "publik"))


def test_front_matter_audience_without_any_audiences(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\naudiences: publik\n---\nTeks.\n")
    assert_refused(root, "sections/a.md:3: front matter names audience 'publik', which brief.yaml does not define "
                         "(brief.yaml defines no audiences)")


def test_timeline_tags_naming_no_event_tag_is_an_error(tmp_path: Path) -> None:
    root = good_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"},
                      **{"timeline.yaml": "- date: 2024-01-01\n  title: Baik\n  tags: [kunci]\n"})
    (root / "brief.yaml").write_text("title: T\ndate: 2022-10-07\ntimeline: timeline.yaml\naudiences:\n"
                                     "  publik:\n    timeline_tags: [kunic]\n", encoding="utf-8")
    assert_refused(root, "brief.yaml:6: audience 'publik': 'timeline_tags' names 'kunic', which is no tag of a "
                         "timeline event (did you mean 'kunci'?)")


def test_passage_for_an_undefined_audience_is_an_error(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "brief.yaml").write_text(AUDIENCES.replace("      - stau\n", "").replace("    exclude: [rahasia]\n", ""))
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\nid: satu\n---\nTeks.\n\n- butir\n\n"
                                            "  ::: only audience=\"publik analsi\"\n  Rahasia.\n  :::\n")
    assert_refused(root, "sections/a.md:9: passage for audience 'analsi', which brief.yaml does not define "
                         "(did you mean 'analis'?)", args=("--audience", "publik"))


# ---------------------------------------------------------------------------- only regular files


@pytest.fixture
def no_hang() -> object:
    """Fail (rather than hang the suite) if a build blocks on a pipe for 20 s."""
    import signal

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the build blocked on a non-regular file")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_section_that_is_a_named_pipe_is_refused(tmp_path: Path, no_hang: object) -> None:
    root = good_brief(tmp_path)
    os.mkfifo(root / "sections" / "b.md")
    assert_refused(root, "sections/b.md: not a regular file (a named pipe); a brief reads only plain files")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_timeline_that_is_a_named_pipe_is_refused(tmp_path: Path, no_hang: object) -> None:
    root = good_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"},
                      **{"timeline.yaml": "- date: 2024-01-01\n  title: Baik\n"})
    (root / "timeline.yaml").unlink()
    os.mkfifo(root / "timeline.yaml")
    assert_refused(root, "timeline.yaml: not a regular file (a named pipe); a brief reads only plain files")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_image_that_is_a_named_pipe_is_refused_at_the_figure(tmp_path: Path, no_hang: object) -> None:
    root = good_brief(tmp_path)
    (root / "assets").mkdir()
    os.mkfifo(root / "assets" / "p.png")
    (root / "sections" / "a.md").write_text("---\ntitle: Satu\n---\nTeks.\n\n![Gambar](assets/p.png)\n")
    assert_refused(root, "sections/a.md:6: image 'p.png' is not a regular file")


def test_section_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    (root / "sections" / "b.md").mkdir()
    assert_refused(root, "sections/b.md: not a regular file (a folder); a brief reads only plain files")


# ---------------------------------------------------------------------------- the output is never an input


@pytest.mark.parametrize(("target", "message"), [
    ("sections/a.md", "-o {root}/sections/a.md is one of the brief's own inputs; write the PDF elsewhere (e.g. output/a.pdf)"),
    ("brief.yaml", "-o {root}/brief.yaml is one of the brief's own inputs; write the PDF elsewhere (e.g. output/brief.pdf)"),
    ("timeline.yaml", "-o {root}/timeline.yaml is one of the brief's own inputs"),
    ("sections/new.pdf", "-o {root}/sections/new.pdf is inside sections/, which holds the brief's inputs"),
    ("assets/chart.pdf", "-o {root}/assets/chart.pdf is inside assets/, which holds the brief's inputs"),
    ("notes.txt", "-o {root}/notes.txt exists and is not a PDF; refusing to write over it"),
    ("link.pdf", "-o {root}/link.pdf is one of the brief's own inputs"),
])
def test_output_that_is_an_input_is_refused(tmp_path: Path, target: str, message: str) -> None:
    root = good_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"},
                      **{"timeline.yaml": "- date: 2024-01-01\n  title: Baik\n", "notes.txt": "catatan\n",
                         "assets/x.txt": "x\n"})
    (root / "link.pdf").symlink_to(root / "sections" / "a.md")
    before = snapshot(root)
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / target)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and message.format(root=root) in result.output
    assert result.output.count("\n") == 1
    assert snapshot(root) == before
    assert not (root / target).exists() or (root / target).read_bytes()[:5] != b"%PDF-"


def test_output_over_an_earlier_pdf_is_fine(tmp_path: Path) -> None:
    root = good_brief(tmp_path)
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "output" / "prev.pdf")])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------- fuzz: every YAML scalar is ours to judge


#: More examples for a long run: BRIEFING_FUZZ_EXAMPLES=2000 pytest -k fuzz
FUZZ = settings(max_examples=int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
_DIGITS = st.integers(min_value=0, max_value=99999).map(str)
yaml_scalars = st.one_of(
    st.tuples(_DIGITS, _DIGITS, _DIGITS).map("-".join),  # 2024-02-30, 0-0-0, 99999-99-99
    st.builds("{}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format, _DIGITS, *[st.integers(0, 99)] * 5),
    st.tuples(st.sampled_from(["!!bool", "!!int", "!!float", "!!timestamp", "!!binary", "!!str", "!!null", ""]),
              st.text(alphabet="0123456789-:.TZ+ abcxe", max_size=20)).map(" ".join),
)


@FUZZ
@given(scalar=yaml_scalars, where=st.sampled_from(["manifest", "timeline", "sources", "front matter"]))
def test_fuzz_unquoted_yaml_scalars_give_a_clear_error_or_load(tmp_path_factory: pytest.TempPathFactory, scalar: str,
                                                               where: str) -> None:
    from briefing.brief import load_brief
    from briefing.errors import BriefingError

    root = tmp_path_factory.mktemp("fuzzy")
    manifest = f"title: T\ndate: {scalar if where == 'manifest' else '2022-10-07'}\ntimeline: t.yaml\nsources: s.yaml\n"
    title = scalar if where == "front matter" else "A"
    write_brief(root, manifest, {"a.md": f"---\ntitle: {title}\n---\nTeks.\n"},
                **{"t.yaml": f"- date: {scalar if where == 'timeline' else 2020}\n  title: E\n",
                   "s.yaml": f"- id: a\n  title: A\n  date: {scalar if where == 'sources' else 2020}\n"})
    try:
        load_brief(root)
    except BriefingError as error:
        assert error.path is not None and error.line is not None, error.format()
