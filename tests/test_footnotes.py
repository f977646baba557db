"""Footnotes and the page grid, checked on the real PDF: sidenotes beside their call, notes at
a column's foot, numbering, no overlaps, endnotes, errors, and how full the pages are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from click.testing import CliRunner

from briefing.build import build
from briefing.cli import main

from .conftest import BASIC_MANIFEST, normalise, write_brief
from .pagecheck import assert_no_word_overlap
from .pagefill import empty_fractions

SOURCES = """\
- id: alpha
  title: Laporan Alfa
  publisher: Penerbit A
  date: 2022-05
"""

FILLER = ("Paragraf pengisi ini menjelaskan latar belakang hubungan kedua negara dengan kalimat yang cukup "
          "panjang agar baris-baris teks mengisi kolom utama halaman. ")

NOTES_SECTION = f"""\
---
title: Bagian Satu
---
{FILLER * 3}

Kalimat pertama memanggil catatan kedua.[^beta] {FILLER}

{FILLER * 2} Lalu catatan pertama dipanggil di sini[^alfa] dan catatan kedua lagi.[^beta]

{FILLER * 4}

[^alfa]: Catatan alfa menyebut sumber [@alpha].
[^beta]: Catatan beta hanya berupa teks penjelasan singkat.
"""

NOTE = "Catatan nomor {i} cukup panjang: ia menjelaskan satu hal kecil dengan empat atau lima baris di kolom tepi. "

#: After a one-event timeline, a page with enough notes to fill half the margin keeps it: sidenotes.
MARGIN_SECTION = (f"---\ntitle: Bagian Tepi\n---\n{FILLER * 14}\n\n"
                  + "".join(f"Kalimat ke-{i} memanggil catatan.[^n{i}] {FILLER}\n\n" for i in range(1, 10))
                  + "\n".join(f"[^n{i}]: " + NOTE.format(i=i) * 2 for i in range(1, 10)) + "\n")

TIMELINE = "- date: 2022-10-07\n  title: Satu peristiwa\n"


def _brief(root: Path, section: str = NOTES_SECTION, **manifest: Any) -> Path:
    data = {**BASIC_MANIFEST, "sources": "sources.yaml", **manifest}
    return write_brief(root, data, {"01-satu.md": section}, **{"sources.yaml": SOURCES})


def _built(root: Path) -> Path:
    out = root / "out.pdf"
    build(root, out)
    return out


def _lines(page: Any) -> list[dict[str, Any]]:
    return page.extract_words(use_text_flow=True, extra_attrs=["size"])


def test_sidenotes_sit_beside_their_call_numbered_in_order(tmp_path: Path) -> None:
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"}, {"01-tepi.md": MARGIN_SECTION},
                       **{"timeline.yaml": TIMELINE})
    seen = []
    with pdfplumber.open(_built(root)) as pdf:
        for page in pdf.pages:  # the timeline's page 1 too: a page with a margin column has its notes there
            words = _lines(page)
            body_right = max(w["x1"] for w in words if w["text"].startswith("Paragraf"))
            assert body_right < page.width * 0.7  # the page keeps its margin column
            for i in range(1, 10):
                at = next((k for k, w in enumerate(words) if w["text"] == f"ke-{i}"), None)
                if at is None:
                    continue
                seen.append(i)
                call = next(w for w in words[at:] if w["text"] == str(i) and w["size"] < 9)
                note = next(w for w in words if w["text"] == "nomor" and words[words.index(w) + 1]["text"] == f"{i}")
                assert note["x0"] > body_right, f"note {i} is not in the margin column"
                assert abs(note["top"] - call["top"]) < 40, f"note {i} is not beside its call"
            assert_no_word_overlap(page)
    assert seen == list(range(1, 10))


def test_a_note_on_a_timeline_page_sits_beside_its_call_the_timeline_around_it(tmp_path: Path) -> None:
    events = "".join(f"- date: 20{i:02d}-01-01\n  title: Peristiwa nomor {i}\n" for i in range(10, 22))
    section = f"---\ntitle: Satu\n---\n{FILLER * 3}\n\nKalimat dengan catatan.[^a] {FILLER * 2}\n\n{FILLER * 3}\n\n" \
              f"[^a]: {NOTE.format(i=1)}\n"
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "timeline.yaml"}, {"01-satu.md": section},
                       **{"timeline.yaml": events})
    with pdfplumber.open(_built(root)) as pdf:
        page = pdf.pages[0]
        words = _lines(page)
        events_on_page = [w for w in words if w["text"] == "Peristiwa"]
        call = next(w for i, w in enumerate(words) if w["text"] == "1" and w["size"] < 9 and words[i - 1]["text"] == "catatan.")
        note = next(w for w in words if w["text"] == "nomor" and w["size"] < 9.5 and w["x0"] > page.width * 0.6
                    and words[words.index(w) + 1]["text"] == "1")
        assert_no_word_overlap(page)
    assert events_on_page, "the timeline runs on this page"
    body_right = max(w["x1"] for w in words if w["text"] == "Paragraf")
    assert note["x0"] > body_right and abs(note["top"] - call["top"]) < 40  # in the margin, beside its call


def test_notes_numbered_in_order_of_first_call(tmp_path: Path) -> None:
    with pdfplumber.open(_built(_brief(tmp_path))) as pdf:
        page = pdf.pages[0]
        words = _lines(page)
        calls = [w["text"] for w in words if w["size"] < 9 and w["text"] in ("1", "2") and w["top"] < page.height - 80]
        assert calls[:3] == ["1", "2", "1"]  # beta is called first: it is note 1, and keeps it
        text = normalise(page.extract_text(use_text_flow=True))
        assert normalise("1 Catatan beta hanya berupa teks") in text
        assert normalise("2 Catatan alfa menyebut sumber [1]") in text  # a citation inside a note
        assert text.count(normalise("Catatan beta hanya")) == 1  # printed once
        body_bottom = max(w["bottom"] for w in words if w["text"] == "Paragraf")
        note = next(w for w in words if w["text"] == "Catatan" and w["size"] < 9)
        assert note["top"] > body_bottom  # no timeline, no margin: at the page's foot, below the text


def test_crowded_notes_never_overlap(tmp_path: Path) -> None:
    notes = "".join(f"[^n{i}]" for i in range(8))
    definitions = "\n".join(f"[^n{i}]: Catatan nomor {i} yang cukup panjang untuk memakan dua atau tiga baris "
                            "di kolom tepi halaman." for i in range(8))
    section = f"---\ntitle: Padat\n---\n{FILLER * 2}Satu kalimat dengan banyak catatan.{notes}\n\n{FILLER * 6}\n\n{definitions}\n"
    pdf_path = _built(_brief(tmp_path, section))
    with pdfplumber.open(pdf_path) as pdf:
        found = 0
        for page in pdf.pages:
            found += sum(1 for w in page.extract_words() if w["text"] == "nomor")
            assert_no_word_overlap(page)
        assert found == 8  # every note printed, none lost


def test_notes_at_the_column_foot_on_a_two_column_page(editions: dict[str, Path]) -> None:
    with pdfplumber.open(editions["analis"]) as pdf:
        pages = [(p, normalise(p.extract_text(use_text_flow=True))) for p in pdf.pages]
        page, _ = next((p, t) for p, t in pages if normalise("Rancangan resolusi yang dipimpin Amerika") in t)
        words = page.extract_words(extra_attrs=["size"])
        called = next(i for i, w in enumerate(words) if w["text"] == "Serikat." and words[i + 1]["text"] == "1")
        call = words[called + 1]
        assert call["size"] < 9  # a superscript
        note = next(w for w in words if w["text"] == "Rancangan" and w["size"] < 9)
        assert note["size"] < 9 and note["top"] > call["top"]  # same page, below its call
        assert note["bottom"] > page.height - 110  # at the column's foot
        assert abs(note["x0"] - call["x0"]) < page.width / 4  # in the calling column


def test_endnotes_come_before_the_sources(tmp_path: Path) -> None:
    pdf_path = _built(_brief(tmp_path, footnotes="endnotes"))
    with pdfplumber.open(pdf_path) as pdf:
        text = normalise("".join(p.extract_text(use_text_flow=True) for p in pdf.pages))
    notes_at, sources_at = text.find(normalise("Catatan Kaki")), text.rfind(normalise("Sumber"))
    assert 0 <= notes_at < sources_at
    assert normalise("1.Catatan beta hanya") in text[notes_at:sources_at]
    assert normalise("2.Catatan alfa menyebut sumber [1]") in text[notes_at:sources_at]


def test_an_audience_chooses_endnotes_for_its_edition_alone(tmp_path: Path) -> None:
    audiences = {"pimpinan": {"label": "Pimpinan"}, "analis": {"label": "Analis", "footnotes": "endnotes"}}
    root = _brief(tmp_path, id="uji", audiences=audiences)
    build(root)
    texts = {}
    for edition in audiences:
        with pdfplumber.open(root / "output" / f"uji-{edition}.pdf") as pdf:
            texts[edition] = normalise("".join(p.extract_text(use_text_flow=True) for p in pdf.pages))
    assert normalise("Catatan Kaki") in texts["analis"]
    assert normalise("Catatan Kaki") not in texts["pimpinan"]
    assert normalise("Catatan beta hanya") in texts["pimpinan"]  # set beside or under its call instead


def test_unknown_footnote_is_an_error_at_its_line(tmp_path: Path) -> None:
    section = "---\ntitle: Satu\n---\nBaris pertama.\n\nKalimat dengan catatan[^ada] dan[^hilang].\n\n[^ada]: Ada.\n"
    root = _brief(tmp_path, section)
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert "01-satu.md:6: footnote [^hilang] has no note" in result.output
    assert "Traceback" not in result.output


def test_no_page_before_the_last_is_a_fifth_empty(editions: dict[str, Path]) -> None:
    for edition, path in editions.items():
        fractions = empty_fractions(path)
        for number, empty in enumerate(fractions[:-1], start=1):
            assert empty <= 0.20, f"{edition} page {number} is {empty:.0%} empty"


def test_a_link_inside_a_note_leads_to_its_section(tmp_path: Path) -> None:
    section = NOTES_SECTION.replace("Catatan beta hanya", "Catatan beta, [lihat bagian dua](#dua), hanya")
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "sources": "sources.yaml"},
                       {"01-satu.md": section, "02-dua.md": "---\nid: dua\ntitle: Bagian Dua\n---\nIsi.\n"},
                       **{"sources.yaml": SOURCES})
    pdf_path = _built(root)
    with pdfplumber.open(pdf_path) as pdf:
        links = [a for page in pdf.pages for a in page.annots if a.get("uri") is None]
    assert links, "the internal link in the note is not clickable"
