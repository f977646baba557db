"""Safe YAML loading that remembers the line of every mapping key and list item.

PyYAML's `safe_load` forgets positions; we compose the node graph with the safe
loader and build plain values ourselves, so schema errors can name their line and
alias bombs (`&a [*a, *a, ...]`) hit a node budget instead of eating memory.
A scalar PyYAML cannot construct (an impossible date such as `2024-02-30`, which
its timestamp constructor refuses) arrives as its text, so our own validation
names it at its line instead of the build crashing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ManifestError
from .hints import yaml_mark, yaml_message

#: Upper bound on nodes built from one file (aliases count each time they expand).
MAX_NODES = 200_000
MAX_DEPTH = 64
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
#: libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlMap(dict[str, Any]):
    """A mapping with `line` (its own), `lines` (each key's, 1-based) and `value_lines`
    (where each value's text starts: the line after `|` or `>` for a block scalar)."""

    line: int
    lines: dict[str, int]
    value_lines: dict[str, int]


class YamlList(list[Any]):
    """A sequence with `line` and `lines` (each item's, 1-based)."""

    line: int
    lines: list[int]


def load_yaml(text: str, path: Path) -> Any:
    """Parse *text* (the contents of *path*) into YamlMap/YamlList/scalars."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Builder(loader, path).build(node, 0)
    except yaml.MarkedYAMLError as exc:
        mark = yaml_mark(exc.problem, exc.problem_mark, exc.context_mark)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = yaml_message(exc.problem or exc.context or "malformed YAML", text, line, column)
        raise ManifestError(message, path, line, column) from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML: {exc}", path) from None
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, path: Path):  # or CSafeLoader
        self.loader = loader
        self.path = path
        self.count = 0

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise ManifestError(
                "YAML is too large or too deeply nested (recursive or repeated aliases?)",
                self.path,
                line,
            )
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise ManifestError(f"YAML tag '{node.tag}' is not allowed; use plain lists and mappings", self.path, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            result = YamlList(self.build(item, depth + 1) for item in node.value)
            result.line = line
            result.lines = [item.start_mark.line + 1 for item in node.value]
            return result
        return self._scalar(node, line)

    def _scalar(self, node: yaml.Node, line: int) -> Any:
        """The scalar's value; an impossible timestamp stays text for the schema to refuse."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except Exception:  # PyYAML's constructors raise ValueError, KeyError (`!!bool maybe`), AttributeError…
            self.loader.recursive_objects.pop(node, None)  # an alias to it fails the same way, not as "recursive"
            if node.tag == _TIMESTAMP_TAG:
                return str(node.value)
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise ManifestError(f"cannot read {str(node.value)[:40]!r} as a YAML {kind}", self.path, line) from None

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> YamlMap:
        self.loader.flatten_mapping(node)
        result = YamlMap()
        result.line = line
        result.lines = {}
        result.value_lines = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, key_node.start_mark.line + 1)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise ManifestError(f"duplicate key '{key}'", self.path, key_line)
            result[key] = self.build(value_node, depth + 1)
            result.lines[key] = key_line
            block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
            result.value_lines[key] = value_node.start_mark.line + (2 if block else 1)
        return result
