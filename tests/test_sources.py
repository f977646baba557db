"""Sources and citations, checked against the real PDF: numbers, links, appendix, QR, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from briefing.brief import load_brief
from briefing.build import build, parse_brief
from briefing.errors import BriefingError, ManifestError
from briefing.sources import clean_url, load_sources

from .conftest import BASIC_MANIFEST, normalise, run_cli, write_brief

SOURCES = """\
- id: alpha
  title: Laporan Alfa
  publisher: Penerbit A
  date: 2022-05
  url: https://example.org/alpha?utm_source=x&id=7
  reliability: B
  credibility: 2
- id: beta
  title: Berita Beta
  author: [Ani, Budi]
  publisher: Koran B
  date: 2021-03-04
  type: news
- id: gamma
  title: Gamma yang panjang
  url: https://example.org/very/long/path/segments/that/go/on/and/on/for/a/while/until/they/must/wrap/somewhere/sensible/index.html
- id: unused
  title: Tidak dikutip
"""

FILLER = "\n\n".join(["Paragraf pengisi yang panjang agar lampiran sumber jatuh di halaman berikutnya. " * 5] * 8)
BODY = f"""\
---
title: Isi
---
Kalimat pertama mengutip beta [@beta]. Kalimat kedua mengutip alfa [@alpha, hlm. 3].

{FILLER}

Kalimat ketiga mengutip beta lagi [@beta] lalu gamma dan alfa [@gamma; @alpha].
"""


def make(tmp_path: Path, sources: str = SOURCES, body: str = BODY, **options: object) -> Path:
    manifest = {**BASIC_MANIFEST, "sources": {"file": "sources.yaml", **options} if options else "sources.yaml"}
    return write_brief(tmp_path, manifest, {"a.md": body}, **{"sources.yaml": sources})


def built(tmp_path: Path, **options: object) -> Path:
    make(tmp_path, **options)
    out = tmp_path / "o.pdf"
    build(tmp_path, out)
    return out


def test_markers_numbered_by_first_citation_and_reused(tmp_path: Path) -> None:
    out = built(tmp_path)
    with pdfplumber.open(out) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    body = normalise(text)
    assert normalise("mengutip beta [1]") in body
    assert normalise("mengutip alfa [2, hlm. 3]") in body
    assert normalise("beta lagi [1] lalu gamma dan alfa [3; 2]") in body


def test_each_marker_links_to_its_appendix_entry(tmp_path: Path) -> None:
    out = built(tmp_path)
    reader = PdfReader(out)
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    links = []  # (destination page, destination y) of each internal link, in reading order
    for page in reader.pages:
        for reference in page.get("/Annots", []) or []:
            annot = reference.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                dest = annot["/Dest"]
                links.append((page_index[dest[0].idnum], float(dest[3])))
    with pdfplumber.open(out) as pdf:
        entries = {}
        for number, title in ((1, "Berita Beta"), (2, "Laporan Alfa"), (3, "Gamma yang panjang")):
            for index, page in enumerate(pdf.pages):
                hits = page.search(title)
                if hits and "Sumber" in page.extract_text():
                    entries[number] = (index, float(page.height) - hits[-1]["top"])
    assert len(links) == 5
    assert max(page for page, _ in links) > 0  # the appendix is not on page 1: a real jump
    for (page, y), number in zip(links, [1, 2, 1, 3, 2]):
        entry_page, entry_y = entries[number]
        assert page == entry_page
        assert 0 <= y - entry_y < 16, (number, y, entry_y)  # lands on the entry's first line


def test_appendix_lists_exactly_the_cited_sources(tmp_path: Path) -> None:
    out = built(tmp_path)
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[-1].extract_text()
    appendix = text[text.index("Sumber"):]
    assert "Berita Beta" in appendix and "Laporan Alfa" in appendix and "Gamma" in appendix
    assert "Tidak dikutip" not in appendix
    assert re.search(r"1\.\s+Ani dan Budi\. “Berita Beta\.” Koran B, 4 Maret 2021\.", appendix)
    assert "https://example.org/alpha?id=7" in appendix  # utm_* stripped
    assert normalise("Penilaian B2 (umumnya andal; kemungkinan besar benar)") in normalise(appendix)


def test_further_reading_lists_uncited(tmp_path: Path) -> None:
    out = built(tmp_path, further_reading=True)
    with pdfplumber.open(out) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    assert "Bacaan Lanjutan" in text and "Tidak dikutip" in text


def test_long_url_wraps_inside_the_text_block(tmp_path: Path) -> None:
    out = built(tmp_path)
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    block = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], False, 0).block
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[-1]
        chars = page.chars
        lines = [w for w in page.extract_words() if "example.org" in w["text"] or "/" in w["text"]]
    assert max(c["x1"] for c in chars) <= block.x + block.width + 0.5
    assert len(lines) >= 2  # the long URL took more than one line
    assert "sensible/index.html" in normalise(page.extract_text())


def test_qr_codes_when_asked(tmp_path: Path) -> None:
    plain = built(tmp_path / "a")
    with_qr = built(tmp_path / "b", qr=True)
    with pdfplumber.open(plain) as pdf:
        plain_rects = sum(len(p.rects) for p in pdf.pages)
    with pdfplumber.open(with_qr) as pdf:
        page = pdf.pages[-1]
        qr_rects = [r for r in page.rects if r["width"] < 3 and r["height"] < 3 and r["fill"]]
    assert len(qr_rects) > 200 > plain_rects  # two QR codes of many modules each
    span = max(r["x1"] for r in qr_rects) - min(r["x0"] for r in qr_rects)
    assert 40 < span <= 57  # 20 mm including the quiet zone


def test_csl_json_gives_the_same_appendix(tmp_path: Path) -> None:
    csl = [
        {"id": "alpha", "type": "report", "title": "Laporan Alfa", "publisher": "Penerbit A",
         "issued": {"date-parts": [[2022, 5]]}, "URL": "https://example.org/alpha?utm_source=x&id=7"},
        {"id": "beta", "type": "article-newspaper", "title": "Berita Beta", "container-title": "Koran B",
         "author": [{"given": "Ani"}, {"literal": "Budi"}], "issued": {"date-parts": [[2021, 3, 4]]}},
        {"id": "gamma", "type": "webpage", "title": "Gamma yang panjang",
         "URL": "https://example.org/very/long/path/segments/that/go/on/and/on/for/a/while/until/they/must/wrap/somewhere/sensible/index.html"},
    ]
    yaml_sources = SOURCES.replace("  reliability: B\n  credibility: 2\n", "").replace("- id: alpha\n", "- id: alpha\n  type: report\n").replace("- id: gamma\n", "- id: gamma\n  type: web\n")
    yaml_sources = yaml_sources[: yaml_sources.index("- id: unused")]
    make(tmp_path / "y", sources=yaml_sources)
    root = make(tmp_path / "j", sources="")
    (root / "sources.json").write_text(json.dumps(csl), encoding="utf-8")
    (root / "brief.yaml").write_text((root / "brief.yaml").read_text().replace("sources.yaml", "sources.json"))
    texts = []
    for folder in ("y", "j"):
        out = tmp_path / folder / "o.pdf"
        build(tmp_path / folder, out)
        with pdfplumber.open(out) as pdf:
            text = pdf.pages[-1].extract_text()
        texts.append(text[text.index("Sumber"):])
    assert texts[0] == texts[1]


def test_unknown_key_names_file_line_and_suggests(tmp_path: Path) -> None:
    make(tmp_path, body="---\ntitle: Isi\n---\nSatu.\n\nDua mengutip [@aplha].\n")
    with pytest.raises(BriefingError) as info:
        parse_brief(load_brief(tmp_path))
    assert info.value.path.name == "a.md" and info.value.line == 6
    assert "did you mean 'alpha'" in info.value.message


def test_uncited_source_is_a_warning_and_strict_fails(tmp_path: Path) -> None:
    make(tmp_path)
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 0
    assert "warning: " in result.stderr and "sources.yaml:" in result.stderr and "'unused'" in result.stderr
    strict = run_cli("build", "--strict", str(tmp_path), "-o", str(tmp_path / "strict.pdf"))
    assert strict.returncode == 1 and "unused" in strict.stderr
    assert not (tmp_path / "strict.pdf").exists()


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("- {id: a, title: A}\n- {id: a, title: B}\n", 2, "duplicate source id 'a'"),
        ("- id: a\n  publisher: X\n", 1, "needs a 'title'"),
        ("- id: a\n  title: A\n  url: ftp//nope\n", 3, "malformed URL"),
        ("- id: a\n  title: A\n  date: 2022-14\n", 3, "bad date"),
        ("- id: a\n  title: A\n  reliability: Z\n", 3, "A-F"),
        ("- id: a\n  title: A\n  penerbit: X\n", 3, "unknown source key"),
    ],
)
def test_bad_sources_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_sources(path)
    assert info.value.path == path and info.value.line == line and needle in info.value.message


def test_clean_url_strips_tracking() -> None:
    assert clean_url("https://a.org/x?utm_source=t&utm_medium=m&q=1&fbclid=z#frag") == "https://a.org/x?q=1#frag"


def test_timeline_events_can_cite(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "timeline.yaml").write_text("- {date: 2020, title: Peristiwa, cite: [gamma]}\n", encoding="utf-8")
    manifest = (root / "brief.yaml").read_text() + "timeline: timeline.yaml\n"
    (root / "brief.yaml").write_text(manifest)
    document, _ = parse_brief(load_brief(root))
    assert [s.id for s in document.cited] == ["beta", "alpha", "gamma"]


def test_default_brief_cites_every_claim_and_lists_sources(default_text: list[str]) -> None:
    text = "".join(default_text)
    assert "Sumber" in text
    for needle in ("VOA Indonesia", "Dewan Keamanan PBB", "Pemerintah Amerika Serikat", "BACA JUGA"):
        assert needle in text
    # every body paragraph that states a fact ends with a marker: spot-check the sections
    for sentence in ("kelaparan yang mematikan di Korea Utara [", "membantah klaim tersebut ["):
        assert normalise(sentence) in normalise(text)
