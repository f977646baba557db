"""Built-in labels and date formatting in the brief's language (Indonesian, English)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "page_of": "Halaman {page} dari {total}",
        "timeline": "Lini Masa",
        "continued": "(lanjutan)",
        "contents": "Daftar Isi",
        "sources": "Sumber",
        "figure": "Gambar",
        "bluf": "Intisari",
        "keypoints": "Pokok-Pokok Penilaian",
        "note": "Catatan",
        "authors": "Penyusun",
        "date": "Tanggal",
    },
    "en": {
        "page_of": "Page {page} of {total}",
        "timeline": "Timeline",
        "continued": "(continued)",
        "contents": "Contents",
        "sources": "Sources",
        "figure": "Figure",
        "bluf": "Bottom line",
        "keypoints": "Key judgements",
        "note": "Note",
        "authors": "Prepared by",
        "date": "Date",
    },
}

BABEL_LOCALES = {"id": "id", "en": "en_GB"}
DATE_PATTERNS = {"day": "d MMMM y", "month": "MMMM y", "year": "y"}


def label(language: str, key: str) -> str:
    return LABELS.get(language, LABELS["en"])[key]


@lru_cache(maxsize=4096)
def format_date(value: dt.date, language: str, precision: str = "day") -> str:
    """`25 April 2019`, `Mei 2022` or `1948`, in the brief's language (via Babel)."""
    from babel.dates import format_date as babel_format

    if precision == "year":
        return str(value.year)
    return babel_format(value, DATE_PATTERNS[precision], locale=BABEL_LOCALES.get(language, "en_GB"))


def format_span(start: dt.date, end: dt.date | None, language: str, precision: str) -> str:
    """A date or a range: `1950–1953`, `24 Februari–2 Maret 2022`, `Mei–Juni 2022`."""
    first = format_date(start, language, precision)
    if end is None or end == start:
        return first
    last = format_date(end, language, precision)
    if precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{last}"
        first = format_date(start, language, "day").rsplit(" ", 1)[0]
    elif precision == "month" and start.year == end.year:
        first = format_date(start, language, "month").rsplit(" ", 1)[0]
    return f"{first}–{last}"
