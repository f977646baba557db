"""Hyphenation rules for the brief's language, handed to ReportLab as a callable.

pyphen supplies the patterns; we decide which words may be split. Following PUEBI
(and common sense in English), capitalised words and names, acronyms, numbers and
URLs are never hyphenated, and a short exceptions list mends known bad splits.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import pyphen

from . import rl_compat

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
        try:
            return list(dictionary.iterate(word))
        except (TypeError, ValueError, IndexError, KeyError):  # patterns from a damaged cache
            return []

    return split_points


def _pairs(split: str) -> list[tuple[str, str]]:
    """'bang-krut' -> [('bang', 'krut')], longest head first like pyphen.iterate."""
    parts = split.split("-")
    pairs = [("".join(parts[:i]), "".join(parts[i:])) for i in range(1, len(parts))]
    return pairs[::-1]


def prime_patterns(language: str, cache_dir: Path | None) -> None:
    """Load pyphen's patterns for *language* from a JSON cache in output/.cache when present.

    Parsing the Indonesian `.dic` file takes ~40 ms of every cold build; the parsed table as
    JSON loads in ~10 ms. The cache is plain data (never pickle: output/ may be shared), is
    checked before use, and is rebuilt whenever it is missing, stale or malformed.
    """
    lang = PYPHEN_LANGUAGES.get(language)
    if lang is None or cache_dir is None:
        return
    path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
    if rl_compat.cached_patterns(path):
        return
    cache = cache_dir / f"hyph-{lang}-{getattr(pyphen, '__version__', 'unknown')}.json"
    loaded = _read_patterns(cache)
    if loaded is not None:
        rl_compat.store_patterns(path, *loaded)
        return
    patterns, maxlen = rl_compat.pattern_data(rl_compat.load_patterns(path))
    if all(type(v) is int for _, values in patterns.values() for v in values):
        data = {"maxlen": maxlen, "patterns": {k: [start, list(values)] for k, (start, values) in patterns.items()}}
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            temp = cache.with_suffix(".tmp")
            temp.write_text(json.dumps(data), encoding="utf-8")
            temp.replace(cache)
        except OSError:
            pass  # a cache we cannot write is only slower


def _read_patterns(cache: Path) -> tuple[dict[str, tuple[int, tuple[int, ...]]], int] | None:
    """The cached (patterns, longest pattern), or None when missing or not of the expected shape.

    Only JSON is read, so the worst a tampered file can do is spoil hyphenation, and
    `split_points` turns any error from bad data into "no hyphenation" for that word.
    """
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        patterns = {key: (start, tuple(values)) for key, (start, values) in data["patterns"].items()}
        maxlen = data["maxlen"]
        if type(maxlen) is not int or not patterns:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return patterns, maxlen
