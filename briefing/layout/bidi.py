"""Right-to-left text (Arabic, Hebrew) in left-to-right lines.

ReportLab sets characters in the order it is given them and does not join Arabic
letters, so a run of Arabic or Hebrew would print backwards and, for Arabic, as
unjoined isolated letters. Before escaping, each piece of text is shaped (Arabic
letters to their joined presentation forms, `arabic-reshaper`) and put in visual
order (the Unicode bidi algorithm, `python-bidi`) within a left-to-right line.
Spaces inside a right-to-left run become non-breaking, so a line break never
reverses the order of its words; a run too long for a line is reported by
`briefing.glyphs` instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

#: Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, … and their presentation forms).
RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_HAS_RTL = re.compile(f"[{RTL_CHARS}]")


def has_rtl(text: str) -> bool:
    return _HAS_RTL.search(text) is not None


def visual(text: str) -> str:
    """*text* shaped and in display order, for a left-to-right paragraph."""
    if not has_rtl(text):
        return text
    shape, order = _engines()
    return order(shape(_keep_runs_together(text)))


def _keep_runs_together(text: str) -> str:
    """Spaces between two right-to-left letters (with no left-to-right letter between) become no-break spaces."""
    out = list(text)
    pending: list[int] = []
    inside = False
    for index, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            for space in pending:
                out[space] = "\u00a0"
            pending, inside = [], True
        elif kind == "L":
            pending, inside = [], False
        elif char == " " and inside:
            pending.append(index)
    return "".join(out)


@lru_cache(maxsize=1)
def _engines() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The shaper (keeping vowel marks: nothing may vanish) and the reordering, imported on first need."""
    from arabic_reshaper import ArabicReshaper

    reshaper = ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})
    return reshaper.reshape, _reorder


def _reorder(text: str) -> str:
    """Rules L2 and L4 of the bidi algorithm on the levels python-bidi resolves.

    python-bidi's own `get_display` reorders but does not mirror: "(" inside a
    right-to-left run must print as ")". Its resolved levels (with paired-bracket
    handling) are read from its debug report, and the reversal and mirroring done here.
    """
    from bidi import get_display
    from bidi.mirror import MIRRORED

    levels = _levels(text, str(get_display(text, base_dir="L", debug=True)))
    if levels is None:  # a python-bidi whose report we cannot read: order without mirroring
        return str(get_display(text, base_dir="L"))
    pairs = list(zip(text, levels))
    for level in range(max(levels), 0, -1):
        start = 0
        while start < len(pairs):
            if pairs[start][1] < level:
                start += 1
                continue
            end = start
            while end < len(pairs) and pairs[end][1] >= level:
                end += 1
            pairs[start:end] = pairs[start:end][::-1]
            start = end
    return "".join(MIRRORED.get(char, char) if level % 2 else char for char, level in pairs)


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def _levels(text: str, report: str) -> list[int] | None:
    """Each character's level, from python-bidi's debug report (which gives one per UTF-8 byte)."""
    section = report.split("levels:", 1)[-1].split("paragraphs:", 1)[0]
    by_byte = [int(level) for level in _LEVEL.findall(section)]
    if len(by_byte) != len(text.encode("utf-8")):
        return None
    levels, offset = [], 0
    for char in text:
        levels.append(by_byte[offset])
        offset += len(char.encode("utf-8"))
    return levels
