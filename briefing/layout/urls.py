"""Where a printed URL may break across lines (after Chicago Manual of Style, 17th ed., 14.18).

A URL breaks before a single slash, a period, comma, hyphen, underscore, tilde, number
sign, percent sign, question mark, equals sign or ampersand, and never inside
`scheme://` or `//`; no hyphen is ever added, so the URL reads back exactly. ReportLab
asks for the split points of a word that does not fit its line (`rl_compat.pdf_settings`
hands it `url_break_pairs`); the piece carried to the next line starts with one of
these marks, so it is offered the same breaks again.
"""

from __future__ import annotations

import re

BREAK_BEFORE = frozenset("/.,-_~#%?=&")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_SPACE = re.compile(r"\s")  # the characters of str.isspace


def url_break_pairs(word: str) -> list[tuple[str, str]] | None:
    """(head, tail) splits of *word*, best first; None when *word* is no URL or piece of one.

    Breaks before a slash come first, then the other marks, longest head first in each.
    """
    start = _first_break(word)
    if start is None:
        return None
    cuts = [i for i in range(start + 1, len(word)) if _may_break(word, i)]
    slashes = sorted((i for i in cuts if word[i] == "/"), reverse=True)
    others = sorted((i for i in cuts if word[i] != "/"), reverse=True)
    return [(word[:i], word[i:]) for i in [*slashes, *others]]


def _first_break(word: str) -> int | None:
    """Where breaks may start: after `scheme://` in a URL, anywhere in the rest of a broken one.

    ReportLab asks for every word too long for its line's rest, so most are no URL: those
    are told apart first, without looking at each character."""
    if len(word) < 2 or (word[0] not in BREAK_BEFORE and "://" not in word) or _SPACE.search(word):
        return None
    if _URL.fullmatch(word):
        return word.index("://") + 3
    return 0 if word[0] in BREAK_BEFORE else None


def _may_break(word: str, i: int) -> bool:
    """A break before word[i]: one of the marks, and never between the two slashes of `//`."""
    if word[i] == "/" and (word[i - 1] == "/" or word[i + 1:i + 2] == "/"):
        return False
    return word[i] in BREAK_BEFORE
