"""Text set on the page: escaping, hyphenation rules, keep-with-next, tables."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from briefing.build import build
from briefing.layout.hyphenation import hyphenator
from briefing.layout.markup import escape

from .conftest import BASIC_MANIFEST, normalise, write_brief


def test_markup_characters_come_out_literally(tmp_path: Path) -> None:
    section = '---\ntitle: Tanda <b>&amp;\n---\nTeks <b>& <para> AT&T <font> `<img src="/etc/passwd"/>` selesai.\n'
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": section})
    out = tmp_path / "o.pdf"
    build(tmp_path, out)
    with pdfplumber.open(out) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    assert "Tanda <b>&amp;" in text
    assert 'Teks <b>& <para> AT&T <font> <img src="/etc/passwd"/> selesai.' in text


def test_escape_is_the_only_markup_gate() -> None:
    assert escape('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert escape("a\x00b\x07c") == "abc"


@pytest.mark.parametrize("word", ["Korea", "Pyongyang", "NATO", "COVID19", "2022", "https"])
def test_names_acronyms_numbers_not_hyphenated(word: str) -> None:
    split = hyphenator("id")
    assert split is not None
    assert list(split(word)) == []


def test_indonesian_words_hyphenate_with_exceptions() -> None:
    split = hyphenator("id")
    assert split is not None
    assert ("pemerin", "tahan") in list(split("pemerintahan"))
    assert list(split("bangkrut")) == [("bang", "krut")]


def test_intro_paragraph_stays_with_its_list(tmp_path: Path) -> None:
    filler = "\n\n".join("Kalimat pengisi yang cukup panjang untuk mengisi halaman. " * 4 for _ in range(12))
    section = f"---\ntitle: A\n---\n{filler}\n\nDaftar berikut:\n\n1. satu\n2. dua\n3. tiga\n"
    for extra in range(0, 8):
        write_brief(tmp_path, BASIC_MANIFEST, {"a.md": section.replace("Daftar", "Tambahan. " * extra * 9 + "\n\nDaftar")})
        out = tmp_path / "o.pdf"
        build(tmp_path, out)
        with pdfplumber.open(out) as pdf:
            pages = [normalise(p.extract_text()) for p in pdf.pages]
        intro = next(i for i, t in enumerate(pages) if "Daftarberikut" in t)
        first_item = next(i for i, t in enumerate(pages) if "1.satu" in t)
        assert intro == first_item


def test_long_table_repeats_header_on_next_page(tmp_path: Path) -> None:
    rows = "\n".join(f"| Baris {i} | Nilai {i} |" for i in range(90))
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: A\n---\n| Kolom Satu | Kolom Dua |\n|---|---|\n{rows}\n"})
    out = tmp_path / "o.pdf"
    build(tmp_path, out)
    with pdfplumber.open(out) as pdf:
        texts = [p.extract_text() for p in pdf.pages]
    assert len(texts) >= 2
    assert all("Kolom Satu" in t for t in texts)
    assert all(f"Baris {i} " in "".join(texts) for i in range(90))


def test_hyphenation_pattern_cache_is_plain_json_and_survives_tampering(tmp_path: Path) -> None:
    import json

    import pyphen

    from briefing.layout.hyphenation import _read_patterns, prime_patterns

    path = pyphen.LANGUAGES["id_ID"]
    saved = pyphen.hdcache.pop(path, None)
    try:
        prime_patterns("id", tmp_path)
        (cache,) = tmp_path.glob("hyph-id_ID-*.json")
        data = json.loads(cache.read_text())
        assert data["maxlen"] > 0 and data["patterns"]
        loaded = _read_patterns(cache)
        assert loaded is not None and loaded.patterns == pyphen.hdcache[path].patterns
        cache.write_text('{"maxlen": "x", "patterns": {"a": [0, ["evil"]]}}')
        assert _read_patterns(cache) is None  # malformed: ignored and rebuilt
        cache.write_text('{"maxlen": 3, "patterns": {"ab": [0, ["evil", null]]}}')
        bad = _read_patterns(cache)
        assert bad is not None  # the right shape, poisoned values
        pyphen.hdcache[path] = bad
        from briefing.layout.hyphenation import hyphenator

        split = hyphenator.__wrapped__("id")  # a fresh hyphenator over the poisoned table
        assert split("abababab") == []  # bad data spoils hyphenation, it never crashes the build
    finally:
        if saved is not None:
            pyphen.hdcache[path] = saved
