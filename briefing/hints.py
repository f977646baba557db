"""Messages that say what to do: library errors (YAML, Jinja) turned into the author's fix.

Each function takes what the library reported and the text it was reading, and returns
the message to show; none of them raises. Did-you-mean suggestions come only from names
that exist (keys, variables, macros, partials, images).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest existing names, or ''."""
    by_folded = {c.casefold(): c for c in sorted(set(candidates))}
    close = [by_folded[c] for c in difflib.get_close_matches(name.casefold(), list(by_folded), n=2, cutoff=0.6)]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def listing(names: Iterable[str], limit: int = 12) -> str:
    """'a, b, c' (at most *limit*, then '…'), or 'none'."""
    shown = sorted(set(names))
    if not shown:
        return "none"
    return ", ".join(shown[:limit]) + (", …" if len(shown) > limit else "")


# ------------------------------------------------------------------------------------ YAML


def yaml_message(problem: str, text: str, line: int | None, column: int | None) -> str:
    """The YAML parser's *problem* at 1-based *line*/*column* of *text*, with how to fix it."""
    lines = text.split("\n")
    here = lines[line - 1] if line and line <= len(lines) else ""
    if "tab" in problem or (column and here[column - 1:column] == "\t"):
        return "a tab in YAML: use spaces, not tabs, to indent"
    if problem.startswith("mapping values are not allowed"):
        before = here[:column - 1] if column else here
        if ": " in before or before.rstrip().endswith(":"):
            key, _, value = here.partition(":")
            return f"a value containing ': ' must be in quotes: {key.strip()}: \"{value.strip()}\""
        return _indent_hint(lines, line)
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        return _indent_hint(lines, line)
    if problem == "found unexpected end of stream":
        return "this quoted value is never closed: add the closing quote"
    closing = re.match(r"did not find expected ',' or '([\]}])'", problem)
    if closing:
        return f"invalid YAML: a list or mapping in brackets is not closed: add '{closing.group(1)}' (or ',' between items)"
    return f"invalid YAML: {problem}"


def yaml_mark(problem: str | None, problem_mark: Any, context_mark: Any) -> Any:
    """Where to point: an unclosed quote at its opening, anything else where the parser stopped."""
    if problem == "found unexpected end of stream" and context_mark is not None:
        return context_mark
    return problem_mark or context_mark


def _indent_hint(lines: list[str], line: int | None) -> str:
    """Which indentations the keys above allow, from the enclosing lines' indents."""
    if not line or line > len(lines):
        return "check the indentation: keys of one mapping line up, nested ones by 2 more spaces"
    here = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    allowed: list[int] = []
    for above in reversed(lines[:line - 1]):
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        indent = len(above) - len(above.lstrip(" "))
        if not allowed or indent < allowed[-1]:
            allowed.append(indent)
    spaces = " or ".join(str(n) for n in allowed) or "0"
    return (f"wrong indentation: this line is indented by {here} space(s), the keys above it by {spaces}; "
            "line it up with the key it belongs beside")


# ------------------------------------------------------------------------------------ Jinja

_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined")


_NOT_EXPORTED = re.compile(r"the template '([^']+)' \(imported on line (\d+)\) does not export the requested name '([^']+)'")


def undefined_message(message: str, source_line: str, context: dict[str, Any], imports: dict[str, Path],
                      partials_dir: Path) -> str:
    """Jinja's undefined-value *message*, said as the dotted name the author wrote, with the defined ones."""
    exported = _NOT_EXPORTED.search(message)
    if exported:
        partial, line, name = exported.groups()
        macros = _macros(partials_dir / partial)
        return (f"the partial {partial} (imported on line {line}) has no macro '{name}'"
                f"{did_you_mean(name, macros)}; its macros: {listing(macros)}")
    name_match = _UNDEFINED_NAME.match(message)
    if name_match:
        name = name_match.group(1)
        if name in ("vars", "brief") or not name:
            return f"undefined variable: {message}"
        defined = [*context, *imports]
        return f"'{name}' is not defined{did_you_mean(name, defined)}; defined: {listing(defined)}"
    attribute = _ATTRIBUTE.search(message)
    if attribute is None:
        return f"undefined variable: {message}"
    name = attribute.group(1)
    owner = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(name)}\b|([A-Za-z_][\w.]*)\[['\"]{re.escape(name)}['\"]\]",
                      source_line)
    dotted = (owner.group(1) or owner.group(2)) if owner else None
    if dotted in imports:
        return _macro_message(dotted, name, imports[dotted])
    value = _lookup(context, dotted) if dotted else None
    if isinstance(value, dict):
        near = did_you_mean(name, value).replace(" '", f" '{dotted}.")
        return f"'{dotted}.{name}' is not defined{near}; defined: {listing(f'{dotted}.{k}' for k in value)}"
    return f"undefined variable: '{dotted + '.' if dotted else ''}{name}' ({message})"


def _lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


_MACRO = re.compile(r"\{%[-+]?\s*macro\s+(\w+)")


def _macros(partial: Path) -> list[str]:
    try:
        return list(_MACRO.findall(partial.read_text(encoding="utf-8")))
    except OSError:
        return []


def _macro_message(alias: str, name: str, partial: Path) -> str:
    macros = _macros(partial)
    return (f"the partial {partial.name} (imported as '{alias}') has no macro '{name}'"
            f"{did_you_mean(name, macros)}; its macros: {listing(macros)}")


_IMPORT = re.compile(r"\{%[-+]?\s*(?:import\s+[\"']([^\"']+)[\"']\s+as\s+(\w+)"
                     r"|from\s+[\"']([^\"']+)[\"']\s+import)")


def imported_partials(source: str, partials_dir: Path) -> dict[str, Path]:
    """`{% import "x.md" as alias %}` in *source*: alias -> the partial's path."""
    return {m.group(2): partials_dir / m.group(1) for m in _IMPORT.finditer(source) if m.group(2)}


def missing_partial_message(name: str, partials_dir: Path) -> str:
    """`cannot import 'box.md'`, with the partials that do exist."""
    names = [p.name for p in partials_dir.glob("*") if p.is_file()] if partials_dir.is_dir() else []
    return f"cannot import '{name}'{did_you_mean(name, names)}; partials in sections/_partials/: {listing(names)}"


#: Block tags that need an end tag (`set` only in its block form, without `=`).
_PAIRED = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans", "raw", "set"}


def unclosed_block(tokens: Iterable[tuple[int, str, str]]) -> tuple[str, int] | None:
    """The innermost block left open at the end of the template: (tag, line it opened on)."""
    stack: list[tuple[str, int]] = []
    tag: tuple[str, int] | None = ("", 0)
    assigns = False
    for lineno, kind, value in tokens:
        if kind == "block_begin":
            tag, assigns = None, False
        elif kind == "name" and tag is None:
            tag = (value, lineno)
            if value.startswith("end") and stack and stack[-1][0] == value[3:]:
                stack.pop()
        elif kind == "assign":
            assigns = True
        elif kind == "block_end" and tag is not None:
            if tag[0] in _PAIRED and not (tag[0] == "set" and assigns):
                stack.append(tag)
            tag = ("", 0)
    return stack[-1] if stack else None


def image_message(name: str, folder: Path, shown: str) -> str:
    """`image 'x.png' not found`, with the nearest names in its folder."""
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    near = did_you_mean(name, names)
    return f"image '{name}' not found in {shown}{near or '; files there: ' + listing(names)}"
