"""The package's import graph: no circles, and ReportLab only behind `briefing/layout/`.

Imports are read from the source with `ast`, including those inside functions and
`if TYPE_CHECKING:` blocks, since a deferred import that closes a circle still ties the
modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import briefing.files

PACKAGE = Path(briefing.files.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(modules of ours that *name* imports, top-level names of everything it imports)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    ours: set[str] = set()
    external: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            external.add(target.split(".")[0])
            if target in modules and target != name:
                ours.add(target)
    return ours, external


def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    graph, external = {}, {}
    for name, path in modules.items():
        graph[name], external[name] = _imports(name, path, modules)
    return graph, external


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_is_read() -> None:
    graph, _ = _graph()
    assert "briefing.files" in graph["briefing.brief"]
    assert "briefing.layout" in graph["briefing.build"]  # imported inside functions only
    assert "briefing.build" in graph["briefing"]  # the package's lazy API


def test_the_loader_parses_no_markdown() -> None:
    graph, _ = _graph()
    assert "briefing.markdown" not in graph["briefing.timeline"]


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle() -> None:
    graph, _ = _graph()
    assert _cycle(graph) is None


def test_files_is_a_leaf() -> None:
    graph, _ = _graph()
    assert graph["briefing.files"] == {"briefing.errors"}
    assert graph["briefing.errors"] == set()


def test_the_package_imports_nothing_of_ours_eagerly() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    eager = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.level]
    assert [node.module for node in eager] == ["version"]


def test_only_layout_imports_reportlab() -> None:
    _, external = _graph()
    importers = sorted(name for name, names in external.items() if "reportlab" in names)
    assert importers, "the layout package imports reportlab"
    assert all(name.startswith("briefing.layout") for name in importers), importers


def test_importing_the_package_loads_nothing_else() -> None:
    import subprocess
    import sys

    code = "import briefing, sys; print(' '.join(sorted(m for m in sys.modules if m.startswith('briefing'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == ["briefing", "briefing.version"]


def test_the_public_api_builds_and_checks(tmp_path: Path) -> None:
    import briefing

    from .conftest import BASIC_MANIFEST, write_brief

    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "id": "api"}, {"01.md": "---\ntitle: Satu\n---\n# Judul\n"})
    import briefing.build  # the submodule does not hide the function of the same name
    import briefing.check  # noqa: F401

    assert [(d.path, d.line, d.level) for d in briefing.check(root)] == [("sections/01.md", 4, "error")]
    (root / "sections" / "01.md").write_text("---\ntitle: Satu\n---\nTeks.\n", encoding="utf-8")
    assert briefing.check(root) == []
    (result,) = briefing.build(root)
    assert result.path == root.resolve() / "output" / "api.pdf" and result.pages == 1
