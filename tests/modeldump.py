"""A readable, stable text dump of the document model, for golden files.

One node per line, children indented by two spaces: the class name, `@file:line` when the
node knows where it came from, then its other fields that are neither empty nor their defaults
(`key=value`, strings quoted with `repr`; a `text` field without its key). A node's
`children` or `blocks` follow it, indented; any other field holding nodes opens an
indented `field:` list, and a tuple of tuples (list items, table rows) marks each member `-`.
Absolute paths print relative to the brief folder, so the dump reads the same on every
machine.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any

from briefing.model import SourcePos

INDENT = "  "
#: The fields that are a node's content: printed below it without a label.
UNLABELLED = ("children", "blocks")


def dump(nodes: object, root: Path | None = None) -> str:
    """The dump of a node, or of a tuple of nodes (a section's blocks), as text."""
    lines: list[str] = []
    _items(nodes if isinstance(nodes, tuple) else (nodes,), 0, root, lines)
    return "\n".join(lines) + "\n"


def _items(items: tuple[Any, ...], depth: int, root: Path | None, lines: list[str]) -> None:
    for item in items:
        if isinstance(item, tuple):
            lines.append(INDENT * depth + "-")
            _items(item, depth + 1, root, lines)
        else:
            _node(item, depth, root, lines)


def _node(node: Any, depth: int, root: Path | None, lines: list[str]) -> None:
    if not is_dataclass(node):
        lines.append(INDENT * depth + _scalar(node, root))
        return
    head = [type(node).__name__]
    nested: list[tuple[str, tuple[Any, ...]]] = []
    for spec in fields(node):
        value = getattr(node, spec.name)
        if spec.name == "pos":
            if value is not None:
                head.insert(1, f"@{_pos(value, root)}")
        elif _holds_nodes(value):
            nested.append((spec.name, value))
        elif spec.name == "text" and value != "":
            head.append(_scalar(value, root))
        elif not _is_default(spec, value):
            head.append(f"{spec.name}={_scalar(value, root)}")
    lines.append(INDENT * depth + " ".join(head))
    for name, value in nested:
        if name in UNLABELLED:
            _items(value, depth + 1, root, lines)
        else:
            lines.append(INDENT * (depth + 1) + f"{name}:")
            _items(value, depth + 2, root, lines)


def _holds_nodes(value: object) -> bool:
    """A non-empty tuple of model nodes (or of tuples of them): printed as an indented list."""
    return isinstance(value, tuple) and bool(value) and all(is_dataclass(v) or isinstance(v, tuple) for v in value)


def _is_default(spec: Any, value: object) -> bool:
    """The field's default, or empty (None, '', ()): left out of the dump."""
    if value is None or value == "" or value == ():
        return True
    if spec.default is not MISSING:
        return bool(value == spec.default)
    if spec.default_factory is not MISSING:
        return bool(value == spec.default_factory())
    return False


def _pos(pos: SourcePos, root: Path | None) -> str:
    return f"{_path(pos.path, root)}:{pos.line}" if pos.line else _path(pos.path, root)


def _path(path: Path, root: Path | None) -> str:
    if root is not None and path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    return path.as_posix()


def _scalar(value: object, root: Path | None) -> str:
    if isinstance(value, Path):
        return _path(value, root)
    if isinstance(value, SourcePos):
        return _pos(value, root)
    if isinstance(value, tuple):
        return "(" + ", ".join(_scalar(v, root) for v in value) + ")"
    return repr(value)
