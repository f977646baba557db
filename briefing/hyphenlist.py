"""The brief's own hyphenation list: `hyphenation.txt` (and `hyphenation.<lang>.txt`).

One word a line. A word with its break points marked (`pe-me-rin-tah-an`) may break
only there; a word written whole (`Jakarta`, `pemerintah`) is never broken. `#` starts
a comment. Matching ignores case. Every bad line is reported with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import BriefingError, HyphenationListError, raise_all
from .files import read_text

FILE_NAME = "hyphenation.txt"
_ENTRY = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def load_hyphenation(path: Path) -> tuple[str, ...]:
    """The entries of the list at *path*, lower-cased, in file order (duplicates once)."""
    entries: dict[str, str] = {}
    errors: list[BriefingError] = []
    for number, raw in enumerate(read_text(path).split("\n"), start=1):
        written = raw.split("#", 1)[0].strip()
        entry = written.lower()
        if not entry:
            continue
        if not _ENTRY.fullmatch(entry):
            errors.append(HyphenationListError(
                f"'{written}' is not a word with its break points marked; write one word a line, "
                "letters only, with '-' where it may break (pe-me-rin-tah-an), or whole to never break it",
                path, number))
            continue
        word = entry.replace("-", "")
        if entries.get(word, entry) != entry:
            errors.append(HyphenationListError(
                f"'{word}' is listed twice with different break points ('{entries[word]}' and '{entry}'); keep one",
                path, number))
            continue
        entries[word] = entry
    raise_all(errors)
    return tuple(entries.values())
