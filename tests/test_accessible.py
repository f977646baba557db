"""Tagged PDF, text that extracts right, PDF/A: checked on the real files.

Structure is read back with pikepdf and with poppler's `pdfinfo -struct-text`; PDF/UA-1
(its machine-checkable Matterhorn checkpoints) with `outloud`, a test dependency only;
PDF/A with `pikepdf.pdfa`; syntax with `qpdf --check`.
"""

from __future__ import annotations


import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pikepdf.pdfa
import pytest
from babel import dates
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.build import build
from briefing.cli import main
from briefing.layout import rl_compat

from .conftest import REPO, write_brief


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (poppler-utils/qpdf) is not installed")
        pytest.skip(f"{name} is not installed")
    return path


def _elements(pdf: pikepdf.Pdf) -> list[Any]:
    """Every structure element, depth first in reading order."""
    out: list[Any] = []

    def walk(node: Any) -> None:
        for kid in node.get("/K", []) if isinstance(node.get("/K"), pikepdf.Array) else [node.get("/K")]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                out.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return out


def _roles(pdf: pikepdf.Pdf) -> Counter[str]:
    return Counter(str(e.S)[1:] for e in _elements(pdf))


@pytest.fixture(scope="module")
def analysts(default_pdf: Path) -> pikepdf.Pdf:
    return pikepdf.open(default_pdf)


def test_the_analysts_edition_is_tagged(analysts: pikepdf.Pdf) -> None:
    roles = _roles(analysts)
    assert roles["Document"] == 1
    assert roles["H1"] >= 4 and roles["H2"] >= 3 and roles["P"] >= 20
    assert roles["L"] >= 1 and roles["LI"] >= 3 and roles["LBody"] == roles["LI"]
    assert roles["Table"] == 1 and roles["TH"] >= 2 and roles["TD"] >= 4 and roles["TR"] >= 3
    assert roles["BlockQuote"] >= 1 and roles["Aside"] >= 2  # the timeline and the boxes
    figures = [e for e in _elements(analysts) if e.S == "/Figure"]
    assert len(figures) == 3 and all(str(f.Alt).strip() for f in figures)
    assert all(any(k.get("/S") == "/Caption" for k in f.K) for f in figures)
    assert all(e.A.Scope == "/Column" for e in _elements(analysts) if e.S == "/TH")
    root = analysts.Root
    assert root.MarkInfo.Marked is True and str(root.Lang) == "id-ID"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert root.StructTreeRoot.RoleMap.Aside == "/Div"
    xmp = root.Metadata.read_bytes().decode()
    assert "Rusia dan Korea Utara Kian Merapat" in xmp and "<rdf:li>id-ID</rdf:li>" in xmp


def test_every_link_annotation_is_a_link_element(analysts: pikepdf.Pdf) -> None:
    links = {e.K[0].Obj.objgen: e for e in _elements(analysts) if e.S == "/Link"}
    nums = list(analysts.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = dict(zip(nums[::2], nums[1::2]))
    annotations = 0
    for index, page in enumerate(analysts.pages):
        assert page.Tabs == "/S" and "/Trans" not in page.obj
        assert page.StructParents == index
        for annot in page.get("/Annots", []):
            if annot.Subtype == "/Link":
                annotations += 1
                assert annot.objgen in links
                assert parent_tree[int(annot.StructParent)].objgen == links[annot.objgen].objgen
    assert annotations > 10 and annotations == len(links)
    drawn_outside = [e for e in _elements(analysts) if e.S in ("/Link", "/Reference") and e.P.S == "/Document"]
    assert drawn_outside == []  # every link is inside the element whose text it covers


def test_marked_content_matches_the_parent_tree(analysts: pikepdf.Pdf) -> None:
    """Each MCID on a page is in its content stream and maps back to its element."""
    nums = list(analysts.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = dict(zip(nums[::2], nums[1::2]))
    for index, page in enumerate(analysts.pages):
        content = b"".join(c.read_bytes() for c in (page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]))
        mcids = [int(m) for m in re.findall(rb"<</MCID (\d+)>> BDC", content)]
        assert mcids == list(range(len(mcids))) and mcids
        assert len(parent_tree[index]) == len(mcids)
        assert content.count(b"BDC") + content.count(b"BMC") == content.count(b"EMC")


def test_a_paragraph_split_across_pages_is_one_element(tmp_path: Path) -> None:
    words = " ".join(f"kata{n % 97} berikutnya" for n in range(900))
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02"}, {"a.md": f"---\ntitle: A\n---\n{words}\n\nAkhir.\n"})
    out = tmp_path / "split.pdf"
    build(root, out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) >= 2
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        paragraphs = [e for e in _elements(pdf) if e.S == "/P"]
        spans = [sorted({pages[k.Pg.objgen] for k in e.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"}
                        | {pages[e.Pg.objgen]}) for e in paragraphs]
    assert len(spans[-2]) > 1  # the long paragraph: one P, marked content on every page it runs over
    assert spans[-1] == [max(pages.values())]  # "Akhir."


def test_struct_text_shows_the_structure(default_pdf: Path) -> None:
    text = subprocess.run([_tool("pdfinfo"), "-struct-text", str(default_pdf)], capture_output=True, text=True,
                          check=True).stdout
    for role in ("H1", "H2", "P (block)", "L (block)", "LI", "Table (block)", "TH", "TD", "Figure", "Caption",
                 "Link (inline)", "BlockQuote", "Div"):
        assert f"\n{' ' * 2}{role}" in text or f" {role}" in text, role
    assert "Rusia dan Korea Utara kini saling membutuhkan: Moskow" in text  # a space at the soft line end
    for label in ("POKOK-POKOK PENILAIAN", "BACA JUGA", "PENILAIAN ANALIS · KEYAKINAN SEDANG"):  # box labels
        assert f'"{label}"' in text, label
    assert '"KCNA: Rusia dan Korea Utara akan Perluas Kerja Sama Bilateral [6]"' in text  # a read-also box
    assert "\u00ad" not in text or "invasi\u00adnya" in text


def test_labels_are_words_of_their_own_and_stay_in_place(tmp_path: Path, default_pdf: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A heading's number and a list's "1." are drawn in a text object of their own: each
    ends in a space, so the structure text (what a screen reader reads) and copied text
    have "4 Prospek", not "4Prospek". Built again without that space, every printed
    character is at the same place."""
    text = subprocess.run([_tool("pdfinfo"), "-struct-text", str(default_pdf)], capture_output=True, text=True,
                          check=True).stdout
    quoted = re.findall(r'^\s*"(.*)"$', text, flags=re.M)
    assert "4 Prospek" in quoted and "1.1 Menyeimbangkan Beijing dan Moskow" in quoted
    assert any(line.startswith("2. bukti pengiriman amunisi") for line in quoted)
    assert [line for line in quoted if re.match(r"\d+(\.\d+)*\.?[^\W\d_]", line)] == []
    monkeypatch.setattr(rl_compat, "_spaced_bullet", rl_compat._draw_bullet)
    [plain] = build(REPO, tmp_path / "plain.pdf", audiences=("analis",))

    def printed(path: Path) -> list[tuple[int, str, float, float, str, float]]:
        with pdfplumber.open(path) as pdf:
            return [(n, c["text"], round(c["x0"], 3), round(c["top"], 3), c["fontname"], round(c["size"], 2))
                    for n, page in enumerate(pdf.pages) for c in page.chars if c["text"].strip()]

    assert printed(default_pdf) == printed(plain.path)


def _source_words() -> set[str]:
    """Every word the brief's files and our labels hold (what a PDF may contain)."""
    texts = [p.read_text(encoding="utf-8") for p in [*REPO.glob("sections/*.md"), *REPO.glob("*.yaml")]]
    texts.append((REPO / "briefing" / "i18n.py").read_text(encoding="utf-8"))
    texts += [" ".join(dates.get_month_names(locale=lang).values()) for lang in ("id", "en")]
    return {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)}


def _compounds_joined() -> set[str]:
    """Hyphenated compounds of the sources without their hyphen ("bagianbagian"): pdftotext
    itself drops a hyphen that ends a line, even the compound's own (which the PDF keeps)."""
    texts = [p.read_text(encoding="utf-8") for p in [*REPO.glob("sections/*.md"), *REPO.glob("*.yaml")]]
    return {w.replace("-", "").lower() for t in texts for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", t)}


def _glued_or_fragments(text: str, known: set[str]) -> list[str]:
    """Words of *text* that are not source words. A word ending in a soft hyphen is the
    head of a hyphenated word: it is joined with the next word, or (when an extractor
    put other text between, as pdftotext does beside an inset figure) with a later one."""
    tokens = re.findall(r"[^\W\d_]+\u00ad?", text.replace("\u00ad ", "\u00ad"))
    unknown: list[str] = []
    heads: list[str] = []
    index = 0
    while index < len(tokens):
        word = tokens[index]
        if word.endswith("\u00ad"):
            head = word[:-1]
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if (head + following).lower() in known:
                index += 2
                continue
            heads.append(head)
        elif word.lower() not in known:
            match = next((h for h in heads if (h + word).lower() in known), None)
            if match is None:
                unknown.append(word)
            else:
                heads.remove(match)
        index += 1
    return sorted(set(unknown + heads))


def test_extracted_text_has_no_glued_words_or_fragments(editions: dict[str, Path]) -> None:
    known = _source_words()
    pdftotext = _tool("pdftotext")
    for name, path in editions.items():
        pypdf_text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        poppler_text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                                      check=True).stdout
        assert _glued_or_fragments(pypdf_text, known) == [], (name, "pypdf")
        assert _glued_or_fragments(poppler_text, known | _compounds_joined()) == [], (name, "pdftotext")


def test_struct_text_has_no_glued_words(default_pdf: Path) -> None:
    text = subprocess.run([_tool("pdfinfo"), "-struct-text", str(default_pdf)], capture_output=True, text=True,
                          check=True).stdout
    quoted = "\n".join(re.findall(r'^\s*"(.*)"$', text, flags=re.M))
    assert len(quoted) > 5000
    assert _glued_or_fragments(quoted, _source_words()) == []


def test_pdfa_2b_validates_and_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        result = CliRunner().invoke(main, ["build", str(REPO), "-a", "pimpinan", "--pdf-standard", "A-2B", "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert pikepdf.pdfa.validate_written(first, "2b").passed
    with pikepdf.open(first) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "pdfuaid:part" not in xmp
        assert "2022-10-07T00:00:00" in xmp and "MetadataDate>2022-10-07" in xmp
        assert pdf.Root.StructTreeRoot is not None
    check = subprocess.run([_tool("qpdf"), "--check", str(first)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout


def test_ua1_with_pdfa_claims_both(tmp_path: Path) -> None:
    out = tmp_path / "ua.pdf"
    result = CliRunner().invoke(main, ["build", str(REPO), "-a", "pimpinan", "--pdf-standard", "ua-1+a-2b", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "<pdfaid:part>2</pdfaid:part>" in xmp
        # pikepdf's validator does not know the pdfuaid schema: the PDF/A part is checked on
        # a copy without the PDF/UA claim (the only difference).
        pdf.Root.Metadata.write(xmp.replace("<pdfuaid:part>1</pdfuaid:part>", "").encode("utf-8"))
        copy = tmp_path / "without-ua-claim.pdf"
        pdf.save(copy, deterministic_id=True)
    assert pikepdf.pdfa.validate_written(copy, "2b").passed


def test_default_builds_are_reproducible_and_qpdf_clean(tmp_path: Path, default_pdf: Path) -> None:
    again = tmp_path / "again.pdf"
    build(REPO, again, audiences=("analis",))
    assert again.read_bytes() == default_pdf.read_bytes()
    check = subprocess.run([_tool("qpdf"), "--check", str(default_pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_cmyk_with_pdfa_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "press.pdf"
    result = CliRunner().invoke(main, ["build", str(REPO), "-a", "pimpinan", "--cmyk", "--pdf-standard", "a-2b", "-o", str(out)])
    assert result.exit_code == 2  # a usage error, like every conflicting option
    assert "--cmyk cannot make a PDF/A file (pdf_standard a-2b)" in result.output
    assert not out.exists()


def test_tagged_false_writes_an_untagged_pdf(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02", "tagged": False, "language": "en"},
                       {"a.md": "---\ntitle: A\n---\nSome text.\n"})
    out = tmp_path / "t.pdf"
    build(root, out)
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        content = pdf.pages[0].Contents.read_bytes()
        assert b"BDC" not in content and b"Artifact" not in content


def test_pdf_standard_in_the_manifest_is_checked(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02", "pdf_standard": "a-1b"},
                       {"a.md": "---\ntitle: A\n---\nSome text.\n"})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert "pdf_standard" in result.output and "must be one of none, ua-1, a-2b" in result.output



def _outloud(*args: str) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "outloud"
    return subprocess.run([str(tool), "--no-info", *args], capture_output=True, text=True)


def test_default_editions_pass_outloud_but_for_the_claim(editions: dict[str, Path]) -> None:
    """Tagged by default, not claimed: only the missing pdfuaid:part (DOC-012) may be reported."""
    result = _outloud("--skip", "DOC-012", *map(str, editions.values()))
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("PASS") == len(editions)


def test_ua1_builds_pass_outloud(tmp_path: Path) -> None:
    outs = []
    for audience, standard in (("analis", "ua-1"), ("mitra", "ua-1+a-2b")):
        out = tmp_path / f"{audience}.pdf"
        result = CliRunner().invoke(main, ["build", str(REPO), "-a", audience, "--pdf-standard", standard, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(str(out))
    result = _outloud(*outs)
    assert result.returncode == 0 and "0 error(s), 0 warning(s)" in result.stdout, result.stdout


def test_ua1_refuses_a_figure_without_alt_text_and_a_skipped_heading_level(tmp_path: Path) -> None:
    from PIL import Image

    section = "---\ntitle: A\n---\nTeks.\n\n![](assets/chart.png)\n\n### Terlalu dalam\n\nTeks.\n"
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02", "pdf_standard": "ua-1"}, {"a.md": section})
    (root / "assets").mkdir()
    Image.new("RGB", (600, 300), (31, 58, 95)).save(root / "assets" / "chart.png")
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert "a.md:6: image 'chart.png' has no alt text, which PDF/UA-1 requires" in result.output
    assert "a.md:8: a level-3 heading follows a level-1 one, which PDF/UA-1 forbids: use ##" in result.output
    assert not list((root / "output").glob("*.pdf"))
    assert CliRunner().invoke(main, ["build", str(root), "--pdf-standard", "none"]).exit_code == 0


def test_a_section_in_another_language_carries_its_lang(tmp_path: Path) -> None:
    """The English edition of an Indonesian brief: a section with no English variant, and
    the timeline without an English one, are read in Indonesian (a `Sect` and the `Aside`
    with `/Lang id-ID`); the Indonesian edition marks nothing."""
    manifest = {"title": "T", "date": "2024-01-02", "language": "id", "timeline": "timeline.yaml",
                "audiences": {"dalam": {"label": "Dalam"}, "mitra": {"label": "Partners", "language": "en"}}}
    root = write_brief(tmp_path / "b", manifest, {
        "01-a.md": "---\ntitle: Ringkasan\n---\nTeks ringkasan.\n",
        "01-a.en.md": "---\ntitle: Summary\n---\nSummary text.\n",
        "02-b.md": "---\ntitle: Analisis\n---\nTeks analisis tanpa terjemahan.\n",
    }, **{"timeline.yaml": "- date: 2022-10-07\n  title: Pertemuan\n  text: Kedua pemimpin bertemu.\n"})
    build(root)
    with pikepdf.open(root / "output" / "b-mitra.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        sects = [e for e in _elements(pdf) if e.S == "/Sect"]
        assert [str(s.Lang) for s in sects] == ["id-ID"]
        inside = [str(k.S) for k in sects[0].K]
        assert inside == ["/H1", "/P"]
        (aside,) = [e for e in _elements(pdf) if e.S == "/Aside"]
        assert str(aside.Lang) == "id-ID"
        assert all("/Lang" not in e for e in _elements(pdf) if e.S not in ("/Sect", "/Aside"))
    with pikepdf.open(root / "output" / "b-dalam.pdf") as pdf:
        assert not any("/Lang" in e for e in _elements(pdf))


def _link_parents(pdf: pikepdf.Pdf) -> dict[str, list[str]]:
    """The role of each Link element's parent, by the kind of its annotation's target."""
    parents: dict[str, list[str]] = {"internal": [], "web": []}
    for element in _elements(pdf):
        if element.S == "/Link":
            annot = element.K[0].Obj
            if "/Dest" in annot:
                assert isinstance(annot.Dest, pikepdf.Array) and annot.Dest[0].Type == "/Page"  # leads to its target
            parents["internal" if "/Dest" in annot else "web"].append(str(element.P.S))
    return parents


def test_citations_and_cross_references_are_references(analysts: pikepdf.Pdf) -> None:
    """A link within the document (citation marker, note call, cross-reference) is a `Link`
    inside a `Reference`, its annotation leading to the target."""
    parents = _link_parents(analysts)
    assert len(parents["internal"]) > 20 and set(parents["internal"]) == {"/Reference"}
    markers = [e for e in _elements(analysts) if e.S == "/Reference" and e.P.S == "/P"]
    assert all(len(m.K) == 1 and m.K[0].S == "/Link" for m in markers)
    assert any(str(m.K[0].Alt) == "1" for m in markers)  # the first citation marker, [1]


def test_web_links_and_contents_entries_are_plain_links(tmp_path: Path) -> None:
    body = "Lihat [situs resmi](https://example.org/laporan) dan [bagian B](#b).\n"
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02", "toc": True},
                       {"a.md": f"---\ntitle: A\n---\n{body}", "b.md": "---\nid: b\ntitle: B\n---\nTeks.\n"})
    out = tmp_path / "w.pdf"
    build(root, out)
    with pikepdf.open(out) as pdf:
        parents = _link_parents(pdf)
    assert parents["web"] == ["/P"]
    assert sorted(set(parents["internal"])) == ["/Reference", "/TOCI"]


def test_nested_lists_keep_their_nesting(tmp_path: Path) -> None:
    section = ("---\ntitle: A\n---\n- satu\n  - satu a\n  - satu b\n    1. dalam\n- dua\n\n"
               "Sesudah daftar.\n")
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02"}, {"a.md": section})
    out = tmp_path / "l.pdf"
    build(root, out)

    def shape(element: Any) -> Any:
        kids = [k for k in element.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]
        return (str(element.S)[1:], [shape(k) for k in kids]) if kids else str(element.S)[1:]

    with pikepdf.open(out) as pdf:
        lists = [e for e in _elements(pdf) if e.S == "/L" and e.P.S != "/LBody"]
        assert len(lists) == 1
        assert shape(lists[0]) == ("L", [
            ("LI", [("LBody", ["P", ("L", [
                ("LI", [("LBody", ["P"])]),
                ("LI", [("LBody", ["P", ("L", [("LI", [("LBody", ["P"])])])])]),
            ])])]),
            ("LI", [("LBody", ["P"])]),
        ])
        assert lists[0].P.S == "/Document"


def test_a_booklet_is_untagged_and_claims_nothing(tmp_path: Path) -> None:
    """Imposing pages two-up drops the structure tree, so a booklet is laid out untagged
    and says nothing of PDF/UA (and a standard with --booklet is refused)."""
    out = tmp_path / "booklet.pdf"
    result = CliRunner().invoke(main, ["build", str(REPO), "-a", "publik", "--booklet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        assert b"pdfuaid" not in out.read_bytes()
        assert all(b"BDC" not in page.Contents.read_bytes() for page in pdf.pages if "/Contents" in page)
    refused = CliRunner().invoke(main, ["build", str(REPO), "-a", "publik", "--booklet", "--pdf-standard", "ua-1",
                                        "-o", str(tmp_path / "no.pdf")])
    assert refused.exit_code == 2 and "a booklet cannot be tagged or PDF/A" in refused.output


def _figure_brief(tmp_path: Path, figure: str, **manifest: Any) -> Path:
    from PIL import Image

    section = f"---\ntitle: A\n---\nTeks.\n\n{figure}\n\nTeks lagi.\n"
    root = write_brief(tmp_path / "b", {"title": "T", "date": "2024-01-02", **manifest}, {"a.md": section})
    (root / "assets").mkdir()
    Image.new("RGB", (1800, 900), (31, 58, 95)).save(root / "assets" / "chart.png")  # enough dpi: no other warning
    return root


def test_check_warns_of_a_figure_without_alt_text_and_strict_fails(tmp_path: Path) -> None:
    root = _figure_brief(tmp_path, "![](assets/chart.png)")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == ("sections/a.md:6: warning: image 'chart.png' has no alt text: describe "
                                             "what it shows in ![…](…), for readers who cannot see it")
    assert result.output.splitlines()[1:] == ["0 error(s), 1 warning(s)"]
    assert CliRunner().invoke(main, ["check", "--strict", str(root)]).exit_code == 1
    ua = CliRunner().invoke(main, ["check", str(_figure_brief(tmp_path / "ua", "![](assets/chart.png)",
                                                               pdf_standard="ua-1"))])
    assert "a.md:6: error: image 'chart.png' has no alt text, which PDF/UA-1 requires" in ua.output
    assert "warning: image 'chart.png' has no alt text" not in ua.output  # an error, not also a warning


def test_check_warns_of_alt_text_that_repeats_the_caption(tmp_path: Path) -> None:
    root = _figure_brief(tmp_path, '![Grafik impor.](assets/chart.png){caption="Grafik impor"}')
    result = CliRunner().invoke(main, ["check", str(root)])
    assert "a.md:6: warning: the alt text of image 'chart.png' repeats its caption" in result.output


def test_check_warns_of_theme_text_colours_under_wcag_aa(tmp_path: Path) -> None:
    root = _figure_brief(tmp_path, "![Batang biru di atas putih](assets/chart.png)", theme="pucat.yaml")
    (root / "pucat.yaml").write_text("base: formal\naccent: '#1f3a5f'\nmuted: '#9aa3ad'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "contrast" in line]
    assert lines == [
        "pucat.yaml:3: warning: theme colour 'muted' (#9aa3ad) on 'paper' (#ffffff) has a contrast of 2.6:1, under "
        "the 4.5:1 WCAG AA asks of text: make 'muted' darker or 'paper' lighter",
        "pucat.yaml:3: warning: theme colour 'muted' (#9aa3ad) on 'tint' (#f3f5f8) has a contrast of 2.3:1, under "
        "the 4.5:1 WCAG AA asks of text: make 'muted' darker or 'tint' lighter",
    ]
    assert CliRunner().invoke(main, ["check", "--strict", str(root)]).exit_code == 1


def test_built_in_themes_and_new_briefs_pass_the_accessibility_checks(tmp_path: Path) -> None:
    from briefing.tagged import TEXT_ON, WCAG_AA, contrast_ratio
    from briefing.themes import BUILTIN

    for theme in BUILTIN.values():
        assert all(contrast_ratio(getattr(theme, a), getattr(theme, b)) >= WCAG_AA for a, b in TEXT_ON), theme.name
    for language in ("id", "en"):
        folder = tmp_path / language
        assert CliRunner().invoke(main, ["new", str(folder), "--language", language]).exit_code == 0
        result = CliRunner().invoke(main, ["check", "--strict", str(folder)])
        assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_pdfa_3b_validates(tmp_path: Path) -> None:
    out = tmp_path / "a3.pdf"
    result = CliRunner().invoke(main, ["build", str(REPO), "-a", "mitra", "--pdf-standard", "a-3b", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = pikepdf.pdfa.validate_written(out, "3b")
    assert report.passed, [str(finding) for finding in report.findings][:3]
