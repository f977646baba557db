"""Numbered copies share one rendered and parsed document and are byte-identical to copies
each prepared on its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from briefing.build import build
from briefing.errors import EditionsFailed

from .conftest import BASIC_MANIFEST, write_brief

build_module = sys.modules["briefing.build"]  # `briefing.build` is also the function's name

SECTION = "---\ntitle: A\n---\nTeks {{ vars.kata }} dengan [bagian ini](#a).\n\n::: note\nCatatan.\n:::\n"


def make_brief(root: Path) -> Path:
    manifest = {**BASIC_MANIFEST, "variables": {"kata": "penting"}}
    write_brief(root, manifest, {"a.md": SECTION}, **{"penerima.yaml": "- Menteri\n- Wakil Menteri\n- Ajudan\n"})
    return root


def test_copies_from_one_prepared_document_are_the_copies_prepared_alone(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_brief(tmp_path / "brief")
    shared = {r.copy: r.path.read_bytes() for r in build(root, copies=root / "penerima.yaml")}

    def alone(brief, edition, options, reporter, copy, stage):  # type: ignore[no-untyped-def]
        return build_module.prepare_document(brief, edition, options, reporter, copy, stage)

    monkeypatch.setattr(build_module, "prepare_copy", alone)
    build_module._PREPARED_COPIES.clear()
    for path in (root / "output").glob("*.pdf"):
        path.unlink()
    separate = {r.copy: r.path.read_bytes() for r in build(root, copies=root / "penerima.yaml")}
    assert sorted(shared) == [(1, 3, "Menteri"), (2, 3, "Wakil Menteri"), (3, 3, "Ajudan")]
    assert shared == separate
    assert len(set(shared.values())) == 3  # each copy carries its own line


def test_a_problem_of_the_shared_document_is_reported_for_every_copy(tmp_path: Path) -> None:
    root = make_brief(tmp_path / "brief")
    section = root / "sections" / "a.md"
    section.write_text(SECTION.replace("{{ vars.kata }}", "{{ vars.tidak_ada }}"), encoding="utf-8")
    done = []
    with pytest.raises(EditionsFailed, match="3 of 3"):
        build(root, copies=root / "penerima.yaml", on_done=done.append)
    assert [r.copy[0] for r in done] == [1, 2, 3]
    assert all("a.md" in str(r.error) and "tidak_ada" in str(r.error) for r in done)
