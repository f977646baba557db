"""Hyphenation rules for the brief's language, handed to ReportLab as a callable.

pyphen supplies the patterns; we decide which words may be split and which breaks are
wanted. Following PUEBI (and common sense in English), capitalised words and names,
acronyms, numbers and URLs are never hyphenated, no break leaves fewer than three
letters, hard-hyphen compounds break only at their hyphen, and a short exceptions list
(plus the brief's own `hyphenation.txt`) mends known bad splits. Which breaks a
paragraph keeps (`Rules`) is decided by `paragraphs.Paragraph` from its lines.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import pyphen

from .. import diskcache
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
#: Letters a break leaves at least on either side: Indonesian prefixes (ke-, me-, di-) and
#: suffixes make two-letter fragments common, and they read badly.
MIN_FRAGMENT = 3
_COMPOUND_PART = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Rules:
    """When a word may be broken at the end of a line (book practice for ragged-right text).

    The zone is set in ems, and as a share of the measure only where that is wider: a share
    alone (82 % filled) is 2.9 em on a 35-character column of 13 pt type, which then had a
    quarter of its lines hyphenated; and a break that saved a line stayed however full its
    line was (a third of the breaks on Letter).
    """

    zone: float = 5.0
    """Break a word only if the line without it would end more than this many ems short of the
    measure (a word's width, and so a line's shortfall, does not grow with the measure; Indonesian
    words run long, and a narrower zone hyphenated more than a tenth of a brief's lines) …"""
    zone_share: float = 0.18
    """… and more than this share of the measure (a wide measure's lines may end further short)."""
    line_zone: float = 2.5
    """A break the zone does not want stays if refusing it costs the paragraph a line, and only
    if the line without it would still end more than this many ems short."""
    max_run: int = 2
    """Hyphenated lines in a row at most."""
    gap_ceiling: float = 0.5
    """Justified text: break a word only if without it the word gaps would exceed this many ems."""


RULES = Rules()


class Hyphenator:
    """The `hyphenationLang` callable of a style: the break points of a word that our rules allow.

    ReportLab asks it for the word that overflows a line and takes the longest head that
    fits. It cannot tell whether the break is wanted (the line may be full enough without
    it); the paragraph finds that out from the lines, then breaks them again with that
    call refused (`session`). Calls are counted only inside a session.
    """

    def __init__(self, points: Callable[[str], list[tuple[str, str]]], rules: Rules = RULES):
        self.points = points
        self.rules = rules
        self._calls: list[str] | None = None
        self._refused: frozenset[int] = frozenset()

    def __call__(self, word: str) -> list[tuple[str, str]]:
        calls = self._calls
        if calls is not None:
            calls.append(word)
            if len(calls) - 1 in self._refused:
                return []
        return self.points(word)

    @contextmanager
    def session(self, refused: frozenset[int]) -> Iterator[list[str]]:
        """Count the words asked for while breaking one paragraph, answering none for the
        calls numbered in *refused*; yields the list of words asked for, in order."""
        calls: list[str] = []
        previous = self._calls, self._refused
        self._calls, self._refused = calls, refused
        try:
            yield calls
        finally:
            self._calls, self._refused = previous


@lru_cache(maxsize=None)
def hyphenator(language: str, entries: tuple[str, ...] = ()) -> Hyphenator | None:
    """A ReportLab `hyphenationLang` callable for *language*, or None if unsupported.

    *entries* are the brief's own list (`hyphenation.txt`): words with their allowed
    break points marked (`pe-me-rin-tah-an`), or unmarked words never to break.
    """
    lang = PYPHEN_LANGUAGES.get(language)
    if lang is None:
        return None
    dictionary = pyphen.Pyphen(lang=lang, left=MIN_FRAGMENT, right=MIN_FRAGMENT)
    exceptions = {word: _pairs(split) for word, split in EXCEPTIONS.get(language, {}).items()}
    exceptions.update((entry.replace("-", "").lower(), _pairs(entry.lower())) for entry in entries)

    found: dict[str, list[tuple[str, str]]] = {}

    def split_points(word: str) -> list[tuple[str, str]]:
        """The word's allowed breaks, each word's worked out once (every line breaking of a
        paragraph asks again for the words it breaks; ReportLab does not change the list)."""
        points = found.get(word)
        if points is None:
            points = found[word] = _split_points(word)
        return points

    def _split_points(word: str) -> list[tuple[str, str]]:
        if "-" in word:
            return _compound_points(word)
        if len(word) < MIN_WORD or not word.isalpha() or not word.islower():
            return []
        if word in exceptions:
            return [pair for pair in exceptions[word] if _long_enough(*pair)]
        try:
            return [pair for pair in dictionary.iterate(word) if _long_enough(*pair)]
        except (TypeError, ValueError, IndexError, KeyError):  # patterns from a damaged cache
            return []

    return Hyphenator(split_points)


def _compound_points(word: str) -> list[tuple[str, str]]:
    """A hard-hyphen compound (`wilayah-wilayah`) breaks only at its own hyphens, adding none:
    the head keeps the hyphen, and ReportLab adds no second one after it."""
    parts = word.split("-")
    if not all(_COMPOUND_PART.fullmatch(part) for part in parts):
        return []
    pairs = [("-".join(parts[:i]) + "-", "-".join(parts[i:])) for i in range(1, len(parts))]
    return [pair for pair in pairs[::-1] if _long_enough(pair[0].split("-")[-2], pair[1].split("-")[0])]


def _long_enough(head: str, tail: str) -> bool:
    return len(head) >= MIN_FRAGMENT and len(tail) >= MIN_FRAGMENT


def _pairs(split: str) -> list[tuple[str, str]]:
    """'bang-krut' -> [('bang', 'krut')], longest head first like pyphen.iterate."""
    parts = split.split("-")
    pairs = [("".join(parts[:i]), "".join(parts[i:])) for i in range(1, len(parts))]
    return pairs[::-1]


def unwanted_break(breaks: list[rl_compat.LineBreak], whole: bool, justified: bool,
                   rules: Rules = RULES, kept: frozenset[int] = frozenset()) -> tuple[rl_compat.LineBreak, bool] | None:
    """The first hyphenated line end of a paragraph that the rules forbid, and whether it
    may stay if refusing it costs the paragraph a line; or None.

    A break must go when it would be the third hyphenated line in a row, or when it
    breaks the paragraph's last word (*whole* False: these lines do not end the paragraph).
    It is not wanted when the line would end near enough the margin without it (justified
    text: when its word gaps would stay under the ceiling), unless it saves a line (the
    lines numbered in *kept* were found to) and its line would still end far short.
    """
    lines = {b.line for b in breaks}
    for b in breaks:
        if whole and b.last_word:
            return b, False
        if all(b.line - k in lines for k in range(1, rules.max_run + 1)):
            return b, False
        if not _needed(b, justified, rules):
            may_stay = justified or _shortfall(b) > rules.line_zone * b.font_size
            if not may_stay or b.line not in kept:
                return b, may_stay
    return None


def _shortfall(b: rl_compat.LineBreak) -> float:
    """How far short of the measure the line would end without the broken word's head."""
    return b.slack + b.head_width + b.space


def _needed(b: rl_compat.LineBreak, justified: bool, rules: Rules) -> bool:
    """Without the break the line would end far short (or be set with too wide word gaps)."""
    if justified:
        gaps = b.words - 2
        return gaps > 0 and b.space + _shortfall(b) / gaps > rules.gap_ceiling * b.font_size
    return _shortfall(b) > max(rules.zone * b.font_size, rules.zone_share * b.measure)


def call_of(breaks: list[rl_compat.LineBreak], target: rl_compat.LineBreak, calls: list[str],
            refused: frozenset[int]) -> int | None:
    """The number of the hyphenator call that made *target*, one of *breaks* (in line order).

    Calls come in line order, so each break is the first later call for its word that was
    not refused (a call whose pairs did not fit leaves the word whole and is passed over).
    """
    position = 0
    for brk in breaks:
        found = next((i for i in range(position, len(calls)) if calls[i] == brk.word and i not in refused), None)
        if found is None:
            return None
        if brk is target:
            return found
        position = found + 1
    return None


#: Bump when the stored form of a pattern table changes.
PATTERNS_CACHE = "hyph-3"


def prime_patterns(language: str, cache_dir: Path | None) -> None:
    """Load pyphen's patterns for *language* from output/.cache when they were parsed before.

    Parsing the Indonesian `.dic` file takes ~40 ms of every cold build. The cache entry
    (`diskcache`: checksummed, keyed by the language and pyphen's version; never pickle,
    output/ may be shared) holds the patterns' letters, a NUL, and their "start digits"
    (pyphen's offset and values), a line each; pyphen gets a table that decodes a pattern
    only when a word looks it up: decoding all 11,700 as JSON lists cost ~20 ms.
    """
    lang = PYPHEN_LANGUAGES.get(language)
    if lang is None or cache_dir is None:
        return
    path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
    if rl_compat.cached_patterns(path):
        return
    key = diskcache.content_key(PATTERNS_CACHE, lang, getattr(pyphen, "__version__", "unknown"))
    stored = _stored_patterns(diskcache.load(cache_dir, "hyph", key))
    if stored is not None:
        rl_compat.store_patterns(path, rl_compat.PackedPatterns(stored[0]), stored[1])
        return
    patterns, maxlen = rl_compat.pattern_data(rl_compat.load_patterns(path))
    if all(type(v) is int and 0 <= v <= 9 for _, values in patterns.values() for v in values):
        text = "\n".join(patterns) + "\0" + "\n".join(f"{start} {''.join(map(str, values))}"
                                                   for start, values in patterns.values())
        entry = ({"maxlen": maxlen}, text.encode("utf-8"))
        table = _stored_patterns(entry)
        if table is not None and {k: rl_compat.PackedPatterns(table[0]).get(k) for k in table[0]} == patterns:
            diskcache.store(cache_dir, "hyph", key, *entry)  # only a table that reads back as it was


def _stored_patterns(entry: tuple[dict[str, Any], bytes] | None) -> tuple[dict[str, str], int] | None:
    """The stored table as {letters: "start digits"} with its longest pattern, or None when it is
    missing or not of that shape (then the `.dic` file is parsed again).

    The entry's checksum catches damage; a tampered table that keeps the shape can only
    spoil hyphenation, as `split_points` turns any error from bad data into no split.
    """
    if entry is None:
        return None
    fields, payload = entry
    maxlen = fields.get("maxlen")
    try:
        letters, _, values = payload.decode("utf-8").partition("\0")
    except UnicodeDecodeError:
        return None
    keys, packed = letters.split("\n"), values.split("\n")
    if type(maxlen) is not int or maxlen <= 0 or not letters or len(keys) != len(packed):
        return None
    return dict(zip(keys, packed)), maxlen
