"""Built-in labels and date formatting in the brief's language (Indonesian, English)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "page_of": "Halaman {page} dari {total}",
        "timeline": "Lini Masa",
        "continued": "(lanjutan)",
        "continues": "bersambung ke halaman\u00a0{page}",
        "chronology": "Kronologi",
        "contents": "Daftar Isi",
        "sources": "Sumber",
        "endnotes": "Catatan Kaki",
        "figure": "Gambar",
        "table": "Tabel",
        "clearance": "Pengesahan",
        "clearance.prepared": "Disusun oleh",
        "clearance.reviewed": "Diperiksa oleh",
        "clearance.approved": "Disetujui oleh",
        "section": "Bagian",
        "table_source": "Sumber",
        "warning": "Peringatan",
        "assessment": "Penilaian Analis",
        "confidence.low": "keyakinan rendah",
        "confidence.moderate": "keyakinan sedang",
        "confidence.high": "keyakinan tinggi",
        "bluf": "Intisari",
        "keypoints": "Pokok-Pokok Penilaian",
        "note": "Catatan",
        "authors": "Penyusun",
        "recipients": "Kepada",
        "control_number": "No.",
        "edition": "Edisi {name}",
        "version": "Versi",
        "copy_of": "Salinan {number} dari {total} — {name}",
        "draft": "KONSEP",
        "date": "Tanggal",
        "further_reading": "Bacaan Lanjutan",
        "photo_credits": "Kredit Foto",
        "readalso": "Baca Juga",
        "accessed": "diakses {date}",
        "circa": "sekitar",
        "and": "dan",
        "et_al": "dkk.",
        "season.1": "musim semi",
        "season.2": "musim panas",
        "season.3": "musim gugur",
        "season.4": "musim dingin",
        "grading": "Penilaian",
        "type.news": "berita",
        "type.statement": "pernyataan resmi",
        "type.report": "laporan",
        "type.dataset": "data",
        "type.document": "dokumen resmi",
        "type.article": "artikel",
        "type.book": "buku",
        "type.web": "laman web",
        "type.other": "lainnya",
        "reliability.A": "sepenuhnya andal",
        "reliability.B": "umumnya andal",
        "reliability.C": "cukup andal",
        "reliability.D": "umumnya tidak andal",
        "reliability.E": "tidak andal",
        "reliability.F": "keandalan tidak dapat dinilai",
        "credibility.1": "terkonfirmasi",
        "credibility.2": "kemungkinan besar benar",
        "credibility.3": "mungkin benar",
        "credibility.4": "diragukan",
        "credibility.5": "kecil kemungkinan benar",
        "credibility.6": "kebenaran tidak dapat dinilai",
    },
    "en": {
        "page_of": "Page {page} of {total}",
        "timeline": "Timeline",
        "continued": "(continued)",
        "continues": "continued on page\u00a0{page}",
        "chronology": "Chronology",
        "contents": "Contents",
        "sources": "Sources",
        "endnotes": "Notes",
        "figure": "Figure",
        "table": "Table",
        "clearance": "Clearance",
        "clearance.prepared": "Prepared by",
        "clearance.reviewed": "Reviewed by",
        "clearance.approved": "Approved by",
        "section": "Section",
        "table_source": "Source",
        "warning": "Warning",
        "assessment": "Assessment",
        "confidence.low": "low confidence",
        "confidence.moderate": "moderate confidence",
        "confidence.high": "high confidence",
        "bluf": "Bottom line",
        "keypoints": "Key judgements",
        "note": "Note",
        "authors": "Prepared by",
        "recipients": "To",
        "control_number": "No.",
        "edition": "{name} edition",
        "version": "Version",
        "copy_of": "Copy {number} of {total} — {name}",
        "draft": "DRAFT",
        "date": "Date",
        "further_reading": "Further reading",
        "photo_credits": "Photo credits",
        "readalso": "Read also",
        "accessed": "accessed {date}",
        "circa": "ca.",
        "and": "and",
        "et_al": "et al.",
        "season.1": "Spring",
        "season.2": "Summer",
        "season.3": "Autumn",
        "season.4": "Winter",
        "grading": "Grading",
        "type.news": "news",
        "type.statement": "official statement",
        "type.report": "report",
        "type.dataset": "dataset",
        "type.document": "official document",
        "type.article": "article",
        "type.book": "book",
        "type.web": "web page",
        "type.other": "other",
        "reliability.A": "completely reliable",
        "reliability.B": "usually reliable",
        "reliability.C": "fairly reliable",
        "reliability.D": "not usually reliable",
        "reliability.E": "unreliable",
        "reliability.F": "reliability cannot be judged",
        "credibility.1": "confirmed",
        "credibility.2": "probably true",
        "credibility.3": "possibly true",
        "credibility.4": "doubtful",
        "credibility.5": "improbable",
        "credibility.6": "truth cannot be judged",
    },
}

#: Month names in dates (CLDR's, as Babel gives them for "MMMM" in `id` and `en_GB`; the
#: tests hold them to Babel). Other languages write dates in English.
MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def label(language: str, key: str) -> str:
    return LABELS.get(language, LABELS["en"])[key]


@dataclass(frozen=True)
class Locale:
    """An edition's language plus the manifest's label overrides (`labels:` in brief.yaml)."""

    language: str
    overrides: tuple[tuple[str, str], ...] = ()

    def label(self, key: str) -> str:
        for name, text in self.overrides:
            if name == key:
                return text
        return label(self.language, key)

    def date(self, value: dt.date, precision: str = "day") -> str:
        return format_date(value, self.language, precision)

    def span(self, start: dt.date, end: dt.date | None, precision: str) -> str:
        return format_span(start, end, self.language, precision)


def format_date(value: dt.date, language: str, precision: str = "day") -> str:
    """`25 April 2019`, `Mei 2022` or `1948`, in the brief's language.

    Babel's "d MMMM y" and "MMMM y" for the two languages, from a table: importing Babel
    and loading its locale data cost ~12 ms of every build for 24 month names.
    """
    if precision == "year":
        return str(value.year)
    month = MONTHS.get(language, MONTHS["en"])[value.month - 1]
    if precision == "month":
        return f"{month} {value.year}"
    if precision == "day":
        return f"{value.day} {month} {value.year}"
    raise ValueError(f"unknown date precision {precision!r}")


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
