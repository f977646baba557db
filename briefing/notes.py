"""Footnotes: numbered per edition, in order of first call.

A `FootnoteRef` carries its note's text; this module only finds the calls and numbers
them, so that layout and the endnotes list agree on every number.
"""

from __future__ import annotations

from typing import Any, Iterator

from .model import FootnoteRef, iter_nodes


def iter_footnotes(node: Any) -> Iterator[FootnoteRef]:
    """Every footnote call inside *node* (a section, block, inline or tuple of them), in order."""
    return iter_nodes(node, FootnoteRef)


def numbered_notes(node: Any) -> dict[str, tuple[int, FootnoteRef]]:
    """Each note's key -> (its number, its first call), numbered from 1 in order of first call."""
    numbers: dict[str, tuple[int, FootnoteRef]] = {}
    for call in iter_footnotes(node):
        numbers.setdefault(call.key, (len(numbers) + 1, call))
    return numbers
