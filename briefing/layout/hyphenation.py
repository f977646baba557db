"""Hyphenation rules for the brief's language, handed to ReportLab as a callable.

pyphen supplies the patterns; we decide which words may be split. Following PUEBI
(and common sense in English), capitalised words and names, acronyms, numbers and
URLs are never hyphenated, and a short exceptions list mends known bad splits.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

import pyphen

PYPHEN_LANGUAGES = {"id": "id_ID", "en": "en_GB"}

#: word -> permitted split points, for words pyphen's patterns split badly.
EXCEPTIONS: dict[str, dict[str, str]] = {
    "id": {
        "bangkrut": "bang-krut",
        "instrumen": "in-stru-men",
        "transaksi": "trans-ak-si",
        "kompleks": "kom-pleks",
    },
    "en": {},
}

MIN_WORD = 7

Hyphenator = Callable[[str], Iterable[tuple[str, str]]]


@lru_cache(maxsize=None)
def hyphenator(language: str) -> Hyphenator | None:
    """A ReportLab `hyphenationLang` callable for *language*, or None if unsupported."""
    lang = PYPHEN_LANGUAGES.get(language)
    if lang is None:
        return None
    dictionary = pyphen.Pyphen(lang=lang, left=2, right=3)
    exceptions = {word: _pairs(split) for word, split in EXCEPTIONS.get(language, {}).items()}

    def split_points(word: str) -> list[tuple[str, str]]:
        if len(word) < MIN_WORD or not word.isalpha() or not word.islower():
            return []
        if word in exceptions:
            return exceptions[word]
        return list(dictionary.iterate(word))

    return split_points


def _pairs(split: str) -> list[tuple[str, str]]:
    """'bang-krut' -> [('bang', 'krut')], longest head first like pyphen.iterate."""
    parts = split.split("-")
    pairs = [("".join(parts[:i]), "".join(parts[i:])) for i in range(1, len(parts))]
    return pairs[::-1]
