"""Text set on the page: escaping, hyphenation rules, keep-with-next, tables."""

from __future__ import annotations

import re
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


def test_hyphenation_patterns_are_cached_as_checked_text_and_survive_tampering(tmp_path: Path) -> None:
    import pyphen

    from briefing import diskcache
    from briefing.layout import rl_compat
    from briefing.layout.hyphenation import _stored_patterns, hyphenator, prime_patterns

    path = pyphen.LANGUAGES["id_ID"]
    saved = pyphen.hdcache.pop(path, None)
    try:
        prime_patterns("id", tmp_path)
        parsed = pyphen.hdcache.pop(path)
        (entry_file,) = tmp_path.glob("hyph-*.bin")
        key = entry_file.stem.split("-", 1)[1]
        entry = diskcache.load(tmp_path, "hyph", key)
        assert entry is not None and entry[0] == {"maxlen": parsed.maxlen}
        stored = _stored_patterns(entry)
        assert stored is not None and stored[1] == parsed.maxlen
        assert {k: rl_compat.PackedPatterns(stored[0]).get(k) for k in parsed.patterns} == parsed.patterns
        prime_patterns("id", tmp_path)  # a new process: the table comes from the cache
        assert isinstance(pyphen.hdcache[path].patterns, rl_compat.PackedPatterns)
        pyphen.hdcache.pop(path)
        entry_file.write_bytes(entry_file.read_bytes().replace(b"\nab", b"\nxb", 1))  # damaged: parsed again
        prime_patterns("id", tmp_path)
        assert pyphen.hdcache[path].patterns == parsed.patterns
        assert _stored_patterns(({"maxlen": 3}, b"ab\nba\x000 1")) is None  # not the shape: parsed again
        assert _stored_patterns(({"maxlen": "3"}, b"ab\x000 1")) is None
        assert _stored_patterns(({"maxlen": 3}, b"ab\nba\x000 1\n1 1")) == ({"ab": "0 1", "ba": "1 1"}, 3)
        rl_compat.store_patterns(path, rl_compat.PackedPatterns({"ab": "99 9", "ba": "0 0"}), 3)  # the shape, poisoned
        split = hyphenator.__wrapped__("id")  # a fresh hyphenator over the poisoned table
        assert split("abababab") == []  # bad data spoils hyphenation, it never crashes the build
    finally:
        pyphen.hdcache.pop(path, None)
        if saved is not None:
            pyphen.hdcache[path] = saved


def _frag_dicts(frags: list) -> list[dict]:
    """Fragments as comparable dicts (their anchor definitions are bags without equality)."""
    return [{k: (vars(v) if k == "cbDefn" else v) for k, v in vars(frag).items()} for frag in frags]


FAST_CASES = [
    "Teks biasa tanpa tanda apa pun.",
    "a &amp; b&#160;c &lt;d&gt; &quot;e&quot; &#x2014; f",
    "<b>tebal</b> <i>miring <b>keduanya</b></i> <strike>coret</strike> akhir",
    'Lihat <a href="https://example.org/?a=1&amp;b=2" color="#1f3a5f">tautan <i>ini</i></a> dan '
    '<a href="#src-2" color="#1f3a5f">2</a>; <strike>x <a href="#src-3" color="#1f3a5f">3</a></strike>',
    'kata&#160;[<a href="#src-1" color="#1f3a5f">1</a>; <a href="#src-12" color="#1f3a5f">12</a>, hlm. 4]',
    'kata<super><a href="#src-1" color="#1f3a5f">1</a>,<a href="#src-2" color="#1f3a5f">2</a></super> lanjut',
    '<a name="src-7"/>Penerbit. “Judul.” <a href="https://example.org/x" color="#1f3a5f">https://example.org/x</a>.',
    '<font name="{date_font}" color="#1f3a5f">9 September 1948</font><br/><b>Judul</b><br/>'
    '<font size="8" color="#5b6472">Keterangan.</font>',
    'kode <font face="Mono" size="-1">x &lt; 3</font> dan <font face="Serif">Привет</font>',
    "baris\n  terpisah   spasi\n\n ganda ",
]


@pytest.mark.parametrize("markup", FAST_CASES)
def test_fast_paragraph_fragments_are_reportlabs(markup: str) -> None:
    """Markup split without ReportLab's parser gives the very fragments the parser makes."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    from briefing.layout import paragraphs
    from briefing.layout.fonts import register_fonts
    from briefing.layout.theme import make_styles
    from briefing.themes import Theme

    register_fonts()
    styles = make_styles(Theme(), "id")
    style = styles.body
    markup = markup.replace("{date_font}", styles.sidebar_date.fontName)
    fast = paragraphs.fragments(markup, style)
    assert fast is not None
    parser = ParaParser()
    parser.caseSensitive = 1
    _, expected, _ = parser.parse(cleanBlockQuotedText(markup), style)
    assert _frag_dicts(fast) == _frag_dicts(expected)


@pytest.mark.parametrize("markup", ["<b>open", "a</b>", "<b>a</i>", "<?pi x?>a", "<!-- c -->a", "&bogus; x",
                                    '<img src="x.png"/>', "<para>x</para>", "<b><i>x</b></i>"])
def test_fast_paragraph_leaves_other_markup_to_reportlab(markup: str) -> None:
    from briefing.layout import paragraphs
    from briefing.layout.theme import make_styles
    from briefing.themes import Theme

    assert paragraphs.fragments(markup, make_styles(Theme(), "id").body) is None


def test_documents_are_identical_with_or_without_fast_paragraphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 default_pdf: Path) -> None:
    from briefing.layout import paragraphs

    from .conftest import REPO

    assert paragraphs.ENABLED  # the session's build took the fast path
    parsed = tmp_path / "parsed.pdf"
    monkeypatch.setattr(paragraphs, "ENABLED", False)
    build(REPO, parsed, audiences=("analis",))
    assert default_pdf.read_bytes() == parsed.read_bytes()


def test_a_heading_taller_than_a_page_splits_and_keeps_its_bookmark(tmp_path: Path) -> None:
    from pypdf import PdfReader

    words = " ".join(f"kata{i}" for i in range(1500))
    write_brief(tmp_path, BASIC_MANIFEST, {"a.md": f"---\ntitle: Satu\n---\nAwal.\n\n## {words}\n\nAkhir.\n"})
    out = tmp_path / "o.pdf"
    build(tmp_path, out)
    with pdfplumber.open(out) as pdf:
        raw = [p.extract_text() for p in pdf.pages]
    pages = [normalise(text) for text in raw]
    start = next(index for index, text in enumerate(pages) if "1.1kata0kata1" in text)
    assert "kata1499Akhir." in pages[-1] and len(pages) > start + 1  # set over several pages
    assert re.findall(r"kata\d+", " ".join(raw)) == words.split()  # every word, once, in order
    reader = PdfReader(out)
    (section, (heading,)) = reader.outline
    assert heading.title.startswith("1.1 kata0 kata1")
    assert reader.get_destination_page_number(heading) == start  # the bookmark is on its first part


def test_a_paragraph_asked_again_at_a_width_equal_but_for_rounding_keeps_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame and the page geometry sum a column's width differently (…112 and …115 pt):
    the second wrap must not break the paragraph into lines again."""
    from reportlab.lib.styles import ParagraphStyle

    from briefing.layout import paragraphs

    paragraph = paragraphs.Paragraph("Rusia dan Korea Utara mempererat hubungan " * 8, ParagraphStyle("t"))
    first = paragraph.wrap(235.27559055118112, 1000)
    calls: list[object] = []
    real = paragraphs.Paragraph.breakLines
    monkeypatch.setattr(paragraphs.Paragraph, "breakLines", lambda self, width: calls.append(width) or real(self, width))
    assert paragraph.wrap(235.27559055118115, 1000) == first and calls == []
    assert paragraph.wrap(200, 1000)[1] > first[1] and len(calls) == 1  # another width: broken again


def test_a_paragraph_asked_twice_at_a_width_with_no_room_answers_both_times() -> None:
    """ReportLab answers a width under its fuzz without setting a height; the second ask at that
    width (a cover band a very wide logo leaves no room in) must not read the missing height."""
    from reportlab.lib.styles import ParagraphStyle

    from briefing.layout.paragraphs import Paragraph

    paragraph = Paragraph("Judul", ParagraphStyle("t"))
    assert paragraph.wrap(-5.0, 1000) == paragraph.wrap(-5.0, 1000)
    assert paragraph.wrap(100.0, 1000)[1] > 0
