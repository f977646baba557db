"""Page-quality measurements on a finished PDF, read back with pdfplumber.

Functions here measure what a reader sees, not what the layout code intended, so
tests of page quality (hyphenation now, holes and collisions later) assert on the
printed result. Run as a script to print the numbers for some PDFs:

    .venv/bin/python tests/pagecheck.py output/*.pdf
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber

#: A hyphenated line end: a word broken by the layout (added hyphen) or at its own hard hyphen.
_HYPHEN_END = re.compile(r"\w-$")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Line:
    """One printed line of body text."""

    page: int
    top: float
    words: tuple[str, ...]
    gaps: tuple[float, ...] = ()
    """The space between each word and the next, in points."""

    @property
    def hyphenated(self) -> bool:
        return bool(self.words) and bool(_HYPHEN_END.search(self.words[-1]))


@dataclass
class HyphenationStats:
    """How a PDF's body text is hyphenated; `problems` names each line that breaks a rule."""

    wrapped: int = 0
    """Body lines that another line of the same paragraph follows (the lines that could end in a hyphen)."""
    hyphenated: int = 0
    longest_run: int = 0
    """The most hyphenated line ends in a row."""
    short_fragments: list[str] = field(default_factory=list)
    """Breaks leaving fewer than 3 letters before or after the hyphen ("ke-" or "-an")."""
    last_words: list[str] = field(default_factory=list)
    """A paragraph's last word broken: its last line holds only the rest of that word (and punctuation)."""
    page_ends: list[str] = field(default_factory=list)
    """Hyphens on a page's last body line: the word is finished overleaf."""

    @property
    def share(self) -> float:
        return self.hyphenated / self.wrapped if self.wrapped else 0.0

    def summary(self) -> str:
        return (f"{self.hyphenated}/{self.wrapped} = {self.share:.1%} hyphenated, longest run {self.longest_run}, "
                f"{len(self.short_fragments)} short fragments, {len(self.last_words)} paragraphs' last words, "
                f"{len(self.page_ends)} on a page's last line")


def body_lines(pdf_path: Path, body_size: float = 10.5) -> list[list[Line]]:
    """The body-text lines of each page (text set at *body_size*), top to bottom."""
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            every = page.extract_words(extra_attrs=["size"])
            words = [dict(w) for w in every if abs(w["size"] - body_size) < 0.05]
            _attach_superscripts(words, [w for w in every if 0.6 * body_size < w["size"] < body_size - 0.05])
            pages.append(_group_lines(number, words, float(page.width)))
    return pages


def _attach_superscripts(words: list[dict[str, Any]], small: list[dict[str, Any]]) -> None:
    """A footnote number set close after a word belongs to it: the space after it is the word gap."""
    for mark in small:
        for word in words:
            if abs(word["x1"] - mark["x0"]) < 0.5 and word["top"] - 6 < mark["top"] < word["bottom"]:
                word["x1"], word["text"] = mark["x1"], word["text"] + mark["text"]
                break


#: A gap wider than this between two words of a row is the gutter between two body columns.
COLUMN_GAP = 14.0


def _group_lines(page: int, words: list[dict[str, Any]], width: float = 0.0) -> list[Line]:
    """The page's lines, the first column's top to bottom, then the second's (a two-column page)."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 1.0:
            lines[-1].append(word)
        else:
            lines.append([word])
    segments: list[list[dict[str, Any]]] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        segments.append([line[0]])
        for before, word in zip(line, line[1:]):
            if word["x0"] - before["x1"] > COLUMN_GAP:
                segments.append([])
            segments[-1].append(word)
    segments.sort(key=lambda s: (width > 0 and s[0]["x0"] > width / 2, s[0]["top"]))
    out = []
    for segment in segments:
        gaps = tuple(b["x0"] - a["x1"] for a, b in zip(segment, segment[1:]))
        # an inserted hyphen is drawn as a hyphen but extracts as U+00AD (soft hyphen): as printed
        out.append(Line(page, segment[0]["top"], tuple(w["text"].replace("\u00ad", "-") for w in segment), gaps))
    return out


def widest_word_gap(pdf_path: Path, body_size: float = 10.5, leading: float = 15.0) -> float:
    """The widest space between two words of a body line that is not a paragraph's last, in ems."""
    runs = paragraphs(body_lines(pdf_path, body_size), leading)
    return max((gap for run in runs for line in run[:-1] for gap in line.gaps), default=0.0) / body_size


def paragraphs(pages: list[list[Line]], leading: float = 15.0) -> list[list[Line]]:
    """Lines grouped into runs set at *leading*: a larger gap (space after a paragraph or
    list item, a heading, a figure) starts a new run. A run may continue on the next page."""
    runs: list[list[Line]] = []
    for lines in pages:
        for index, line in enumerate(lines):
            follows = index > 0 and abs(line.top - lines[index - 1].top - leading) < 0.5
            # a paragraph going on overleaf: a word finished there, or a sentence going on in lower case
            continues = index == 0 and bool(runs) and (runs[-1][-1].hyphenated or line.words[0][:1].islower())
            if follows or continues:
                runs[-1].append(line)
            else:
                runs.append([line])
    return runs


def measure_hyphenation(pdf_path: Path, body_size: float = 10.5, leading: float = 15.0) -> HyphenationStats:
    """Hyphenation of the body text of *pdf_path*, measured on the printed lines."""
    pages = body_lines(pdf_path, body_size)
    stats = HyphenationStats()
    last_on_page = {id(lines[-1]) for lines in pages if lines}
    for run in paragraphs(pages, leading):
        streak = 0
        for index, line in enumerate(run):
            wrapped = index + 1 < len(run)
            stats.wrapped += wrapped
            if not line.hyphenated:
                streak = 0
                continue
            stats.hyphenated += 1
            streak += 1
            stats.longest_run = max(stats.longest_run, streak)
            where = f"p{line.page}: {' '.join(line.words[-3:])}"
            if id(line) in last_on_page:
                stats.page_ends.append(where)
            if not wrapped:
                continue
            head, tail = line.words[-1], run[index + 1].words[0]
            if min(len(_LETTERS.findall(head.rsplit("-", 1)[0].split("-")[-1])), len(_LETTERS.findall(tail.split("-")[0]))) < 3:
                stats.short_fragments.append(f"{where} | {tail}")
            if index + 2 == len(run) and not _LETTERS.search("".join(run[index + 1].words[1:])):
                stats.last_words.append(f"{where} | {' '.join(run[index + 1].words)}")
    return stats


def reading_order(pdf_path: Path) -> list[tuple[int, int, float, str, float]]:
    """(page, column, top, text, size) of every printed line, in reading order: a page's left
    half top to bottom, then its right half (a line that starts past the middle is in the
    second column or the margin); two columns' lines at one height are two lines."""
    items = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: list[list[dict[str, Any]]] = []
            half = page.width / 2
            for word in sorted(page.extract_words(extra_attrs=["size"]),
                               key=lambda w: (w["x0"] > half, round(w["top"]), w["x0"])):
                if rows and abs(rows[-1][-1]["top"] - word["top"]) < 1.0 and -1 <= word["x0"] - rows[-1][-1]["x1"] <= COLUMN_GAP:
                    rows[-1].append(word)
                else:
                    rows.append([word])
            for row in rows:
                items.append((number, int(row[0]["x0"] > page.width / 2), float(row[0]["top"]),
                              " ".join(w["text"] for w in row), float(row[0]["size"])))
    return sorted(items)


_CAPTION_LABEL = re.compile(r"^(Gambar|Figure|Tabel|Table) \d+\. ")


def figures_outside_their_section(pdf_path: Path, sections: dict[str, str], heading_size: float = 16.0) -> list[str]:
    """Each caption (by its opening words, in *sections*) that does not come, in reading order,
    after the heading of its section (title in *sections*) and before the next section's heading."""
    current, wrong = "", []
    for _, _, _, text, size in reading_order(pdf_path):
        if abs(size - heading_size) < 0.05:
            current = text
        unnumbered = _CAPTION_LABEL.sub("", text)  # a caption given without its number matches any
        for caption, section in sections.items():
            if (text.startswith(caption) or unnumbered.startswith(caption)) and not current.endswith(section):
                wrong.append(f"{caption} under {current!r}")
    return wrong


def column_ends(pdf_path: Path, page: int) -> tuple[float, float]:
    """The bottom of the last text line (10.5 pt or smaller, between the running head and the
    footer) in each half of *page*."""
    ends = [0.0, 0.0]
    with pdfplumber.open(pdf_path) as pdf:
        sheet = pdf.pages[page - 1]
        for word in sheet.extract_words(extra_attrs=["size"]):
            if 60 < word["top"] < sheet.height - 70 and word["size"] <= 10.55:
                column = int(word["x0"] > sheet.width / 2)
                ends[column] = max(ends[column], float(word["bottom"]))
    return ends[0], ends[1]



def overlaps(chars: list[dict[str, Any]]) -> list[tuple[str, str, float, float]]:
    """Pairs of printed characters whose boxes overlap by more than a point both ways."""
    cells: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for char in chars:
        if char["text"].strip():
            cells[int(char["x0"] // 20), int(char["top"] // 20)].append(char)
    found = []
    for (cx, cy), here in cells.items():
        near = [c for dx in (0, 1) for dy in (-1, 0, 1) for c in cells.get((cx + dx, cy + dy), [])]
        for a in here:
            for b in near:
                if a is b or (b["x0"], b["top"]) <= (a["x0"], a["top"]) and b in here:
                    continue
                wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if wide > 1.0 and high > 1.0:
                    found.append((a["text"], b["text"], round(a["x0"]), round(a["top"])))
    return found


def assert_no_word_overlap(page: Any) -> None:
    """No two printed words of *page* overlap by more than a point both ways."""
    words = [w for w in page.extract_words() if w["text"].strip()]
    for index, a in enumerate(words):
        for b in words[index + 1:]:
            overlap_x = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert not (overlap_x > 1 and overlap_y > 1), f"{a['text']!r} overlaps {b['text']!r}"

if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {measure_hyphenation(Path(name)).summary()}, widest word gap {widest_word_gap(Path(name)):.2f} em")
