"""The one module that uses ReportLab's (and pyphen's) internals: the versions it is
tested with, that every internal it relies on still behaves as it assumes, and that
no other layout module touches one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyphen
import pytest
import reportlab
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table

from briefing.layout import rl_compat
from briefing.layout.figures import PrintImage

REPO = Path(__file__).resolve().parent.parent


def _version(text: str) -> tuple[int, ...]:
    parts = [int(part) for part in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def test_installed_reportlab_is_a_tested_version() -> None:
    lowest, beyond = rl_compat.REPORTLAB_VERSIONS
    assert lowest <= _version(reportlab.Version) < beyond, reportlab.Version


def test_the_dependency_pin_is_the_tested_range() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pin = re.search(r'"reportlab>=([\d.]+),<([\d.]+)"', pyproject)
    assert pin is not None
    lowest, beyond = rl_compat.REPORTLAB_VERSIONS
    assert (_version(pin.group(1)), _version(pin.group(2))) == (lowest, beyond)


def test_frame_members() -> None:
    canvas = Canvas(io.BytesIO())
    frame = Frame(0, 0, 100, 200, leftPadding=5, rightPadding=5, topPadding=0, bottomPadding=0)
    assert rl_compat.frame_at_top(frame)
    assert rl_compat.frame_width(frame) == 90
    assert rl_compat.frame_height(frame) == rl_compat.frame_space_left(frame) == 200
    assert frame.add(Spacer(0, 50), canvas)
    assert not rl_compat.frame_at_top(frame)
    assert rl_compat.frame_space_left(frame) == 150


def test_keep_together_height_and_paragraph_lines() -> None:
    kept = KeepTogether([Spacer(0, 300)])
    kept.wrapOn(Canvas(io.BytesIO()), 100, 100)
    assert rl_compat.kept_height(kept) == 300
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12)
    paragraph = Paragraph("one two three four five six", style)
    assert not rl_compat.has_lines(paragraph)
    paragraph.wrap(60, 1000)
    assert rl_compat.has_lines(paragraph)
    assert rl_compat.line_count(paragraph) == paragraph.height / 12 > 1
    assert 0 <= rl_compat.last_line_slack(paragraph) < 60


def test_paragraph_parser_members() -> None:
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10)
    assert rl_compat.clean_text("a\n   b") == "a b"
    (bold,) = rl_compat.parse_fragments("<b>x</b>", style) or []
    assert (bold.text, bold.bold) == ("x", 1)
    copy = rl_compat.copy_fragment(bold, "y")
    assert (type(copy), copy.text, copy.bold, bold.text) == (type(bold), "y", 1, "x")
    (anchor,) = rl_compat.parse_fragments('<a name="a"/>', style) or []
    rl_compat.rename_anchor(anchor, "src-3")
    assert anchor.cbDefn.name == "src-3"
    assert rl_compat.entity("nbsp") == "\xa0" and rl_compat.entity("nosuch") is None
    frags = rl_compat.parse_fragments("x", ParagraphStyle("u", parent=style, textTransform="uppercase")) or []
    rl_compat.transform_text(frags, ParagraphStyle("u", parent=style, textTransform="uppercase"))
    assert frags[0].text == "X"


def _split_after_first_word(word: str) -> list[tuple[str, str]]:
    return [(word[:3], word[3:])] if word.isalpha() else [(word.split("-")[0] + "-", word.split("-", 1)[1])]


def test_hyphenation_members() -> None:
    """Broken words are found in both kinds of line structure, and a compound broken at its
    own hyphen keeps it when the lines are broken again (ReportLab alone drops it)."""
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, hyphenationLang=_split_after_first_word)
    plain = Paragraph("aa bb cc dd ee ff gg hyphenation", style)
    plain.wrap(120, 1000)
    [brk] = rl_compat.line_breaks(plain, [120])
    assert (brk.line, brk.word, brk.words, brk.last_word) == (0, "hyphenation", 8, True)
    assert brk.head_width == pytest.approx(stringWidth("hyp-", "Helvetica", 10))
    assert brk.slack == pytest.approx(120 - stringWidth("aa bb cc dd ee ff gg hyp-", "Helvetica", 10))
    marked = Paragraph("aa bb cc dd ee ff gg <b>x</b> wilayah-wilayah zz", style)
    marked.wrap(150, 1000)
    [brk] = rl_compat.line_breaks(marked, [150])
    assert (brk.word, brk.last_word) == ("wilayah-wilayah", False)
    again = Paragraph("", style, frags=list(marked.frags))
    again.wrap(500, 1000)
    assert "wilayahwilayah" in again.getPlainText()  # what the mending is for
    mended = Paragraph("", style, frags=rl_compat.mend_compounds(list(marked.frags)))
    mended.wrap(500, 1000)
    assert "wilayah-wilayah zz" in mended.getPlainText()


def test_a_split_marks_the_broken_word_in_place_and_kept_frags_undo_it() -> None:
    """ReportLab's split of processed fragments turns the broken word's head into a last-line
    word in place (`_split_blParaProcessed`); restore_frags gives each fragment its class back."""
    from reportlab.platypus import paragraph as rl_paragraph

    assert hasattr(rl_paragraph.Paragraph, "_split_blParaProcessed")
    assert issubclass(rl_paragraph._SplitFragLL, rl_paragraph._SplitFragHS)
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, hyphenationLang=_split_after_first_word)
    marked = Paragraph("aa bb cc dd ee ff gg <b>x</b> hyphenation zz", style)
    marked.wrap(150, 1000)
    kept = rl_compat.kept_frags(marked)
    head = next(frag for frag in marked.frags if isinstance(frag, rl_paragraph._SplitFragHY))
    head.__class__ = rl_paragraph._SplitFragLL  # what the split does
    marked.frags = marked.frags[:3]
    rl_compat.restore_frags(marked, kept)
    assert type(head) is rl_paragraph._SplitFragHY and [f for f, _ in kept] == marked.frags


def test_word_gap_cap() -> None:
    from reportlab.lib.enums import TA_JUSTIFY

    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, alignment=TA_JUSTIFY)
    paragraph = Paragraph("aa bb cc dd ee ff averyveryverylongwordthatwillnotfit", style)
    paragraph.wrap(200, 1000)
    slack = paragraph.blPara.lines[0][0]
    rl_compat.cap_word_gaps(paragraph, 0.5)
    capped, words = paragraph.blPara.lines[0]
    room = 5 * (5 - stringWidth(" ", "Helvetica", 10))
    assert len(words) == 6 and slack > room and capped == pytest.approx(room)
    assert paragraph.blPara.lines[1][0] > room  # the last line is not stretched at all


def test_template_members(tmp_path: Path) -> None:
    """The document template is reachable from the canvas, and a page can be marked as used."""
    seen: list[object] = []

    class Probe(Flowable):
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return 10, 10

        def draw(self) -> None:
            doc = rl_compat.doc_template(self.canv)
            seen.append(doc)
            before = doc._curPageFlowableCount
            rl_compat.count_page_content(doc)
            seen.append(doc._curPageFlowableCount - before)

    doc = BaseDocTemplate(str(tmp_path / "t.pdf"))
    doc.addPageTemplates([PageTemplate("p", [Frame(0, 0, 200, 200)])])
    doc.build([Probe()])
    assert seen == [doc, 1]
    assert rl_compat.doc_template(Canvas(io.BytesIO())) is None


def test_a_pending_page_is_begun_once() -> None:
    """A template begins its pages lazily; the sidebar flush begins the pending one itself."""
    doc = BaseDocTemplate(io.BytesIO())
    doc.addPageTemplates([PageTemplate("p", [Frame(0, 0, 200, 200)])])
    doc._startBuild()
    assert doc.page == 0
    rl_compat.begin_pending_page(doc)
    assert doc.page == 1
    rl_compat.begin_pending_page(doc)  # nothing pending: no page begun
    assert doc.page == 1


def test_held_pages_and_image_objects() -> None:
    """Pages held back and written at the end, with an image object registered once."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    pixels = io.BytesIO()
    Image.new("RGB", (4, 2), "red").save(pixels, "PNG")
    image = PrintImage(pixels.getvalue())
    held = []
    for page in range(2):
        rl_compat.draw_xobject(canvas, image.name, image.xobject, 10, 10, 40, 20)
        canvas.bookmarkPage(f"p{page}")
        held.append(rl_compat.hold_page(canvas))
    assert canvas._doc.pageCounter == 3
    rl_compat.rewind_pages(canvas, 2)
    for state in held:
        rl_compat.resume_page(canvas, state)
        canvas.showPage()
    canvas.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) == 2
    objects = [page["/Resources"]["/XObject"] for page in reader.pages]
    assert all(len(o) == 1 for o in objects)
    assert objects[0][next(iter(objects[0]))].get_object()["/Width"] == 4
    assert next(iter(objects[0].values())).idnum == next(iter(objects[1].values())).idnum  # embedded once


def _jpeg(mode: str, **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (40, 30), "red" if mode != "L" else 128).save(out, "JPEG", **options)
    return out.getvalue()


def _written(xobject: object) -> bytes:
    from reportlab.pdfbase import pdfdoc

    return xobject.format(pdfdoc.PDFDocument())  # type: ignore[attr-defined]


@pytest.mark.parametrize("data", [_jpeg("RGB"), _jpeg("L"), _jpeg("CMYK"), _jpeg("RGB", progressive=True)],
                         ids=["rgb", "gray", "cmyk", "progressive"])
def test_a_jpeg_image_object_is_the_one_reportlab_makes_through_pillow(data: bytes) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    assert rl_compat._single_picture_jpeg(data)
    ours = rl_compat.image_xobject("im", data)
    assert _written(ours) == _written(PDFImageXObject("im", ImageReader(io.BytesIO(data)), mask=None))


def test_a_multi_picture_jpeg_is_left_to_pillow_as_reportlab_does() -> None:
    """Pillow opens a JPEG with several pictures as an MPO, whose pixels ReportLab decodes."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (40, 30))])
    data = out.getvalue()
    assert data.startswith(b"\xff\xd8") and not rl_compat._single_picture_jpeg(data)
    ours = rl_compat.image_xobject("im", data)
    assert "FlateDecode" in ours._filters
    assert _written(ours) == _written(PDFImageXObject("im", ImageReader(io.BytesIO(data)), mask=None))
    assert not rl_compat._single_picture_jpeg(b"\xff\xd8\xff\xe0\x00")  # cut short: left to Pillow too


def test_pyphen_pattern_cache() -> None:
    path = pyphen.LANGUAGES["en_GB"]
    saved = pyphen.hdcache.pop(path, None)
    try:
        assert not rl_compat.cached_patterns(path)
        patterns, maxlen = rl_compat.pattern_data(rl_compat.load_patterns(path))
        assert rl_compat.cached_patterns(path) and maxlen > 0 and patterns
        pyphen.hdcache.pop(path)
        rl_compat.store_patterns(path, {"1ab1": (0, (0, 1))} | dict(patterns), maxlen)
        assert rl_compat.cached_patterns(path)
        assert pyphen.Pyphen(lang="en_GB").inserted("hyphenation") == pyphen.Pyphen(lang="en_GB").inserted("hyphenation")
        assert pyphen.Pyphen(lang="en_GB").hd is pyphen.hdcache[path]
    finally:
        pyphen.hdcache.pop(path, None)
        if saved is not None:
            pyphen.hdcache[path] = saved


def test_packed_patterns_hyphenate_as_the_parsed_table() -> None:
    path = pyphen.LANGUAGES["id_ID"]
    saved = pyphen.hdcache.pop(path, None)
    words = ["pemerintahan", "kebijakan", "internasional", "perekonomian", "ketidakpastian", "diplomatik"]
    try:
        patterns, maxlen = rl_compat.pattern_data(rl_compat.load_patterns(path))
        expected = [pyphen.Pyphen(lang="id_ID").inserted(word) for word in words]
        packed = {key: f"{start} {''.join(map(str, values))}" for key, (start, values) in patterns.items()}
        pyphen.hdcache.pop(path)
        rl_compat.store_patterns(path, rl_compat.PackedPatterns(packed), maxlen)
        assert [pyphen.Pyphen(lang="id_ID").inserted(word) for word in words] == expected
        assert isinstance(pyphen.Pyphen(lang="id_ID").hd.patterns, rl_compat.PackedPatterns)
        assert "-" in "".join(expected)
    finally:
        pyphen.hdcache.pop(path, None)
        if saved is not None:
            pyphen.hdcache[path] = saved


#: ReportLab/pyphen internals the layout once used directly.
INTERNALS = re.compile(r"\b(?:rl_config|hdcache|HyphDict|ParaParser|known_entities|cleanBlockQuotedText|"
                       r"textTransformFrags|blPara|PDFImageXObject|__dict__)\b")
#: Private members of ReportLab's classes, which a subclass reaches through `self`.
INHERITED = r"_hanging|clean_hanging|_doc|_atTop|_aH|_y1p|_curPageFlowableCount|_doctemplate|_restrictSize|_unRestrictSize|_startPage|_formsinuse"
#: What is our own: private attributes of our classes, our private functions and names.
OWN = re.compile(rf"(?<![\w.])self\.(?!(?:{INHERITED})\b)_\w+|\b_\w+\(|def _\w+|class _\w+|import _\w+|\b_[A-Z_]+\b")

def test_no_other_layout_module_touches_internals() -> None:
    offenders = []
    for path in sorted((REPO / "briefing" / "layout").glob("*.py")):
        if path.name == "rl_compat.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = OWN.sub("", line.split("#")[0])
            if INTERNALS.search(code) or re.search(rf"\._[A-Za-z]|\b(?:{INHERITED})\b", code):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_url_splitter_is_ours_only_inside_a_build() -> None:
    from reportlab.platypus import paragraph

    from briefing.layout.urls import url_break_pairs

    original = paragraph._uri_split_pairs
    with rl_compat.pdf_settings():
        assert paragraph._uri_split_pairs is url_break_pairs
        style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, uriWasteReduce=0.3)
        laid = Paragraph("see https://example.org/alpha/beta-gamma/delta.html now", style)
        laid.wrap(110, 1000)
    assert paragraph._uri_split_pairs is original
    lines = ["".join(word.text if hasattr(word, "text") else word for word in line[1]) for line in laid.blPara.lines]
    assert any(line.startswith("/") for line in lines), lines  # the break falls before a slash
def test_members_the_page_grid_and_notes_use() -> None:
    canvas = Canvas(io.BytesIO())
    frame = Frame(0, 0, 100, 200, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    rl_compat.raise_frame_foot(frame, 50)
    assert rl_compat.frame_space_left(frame) == 150
    rl_compat.reset_frame_foot(frame)
    rl_compat.start_frame_below(frame, 120)
    assert rl_compat.frame_space_left(frame) == rl_compat.current_frame_top(frame) == 120
    assert rl_compat.frame_rect(frame) == (0, 0, 100, 200)
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12)
    paragraph = Paragraph('one <onDraw name="seen" label="7"/> two', style)
    paragraph.wrap(100, 100)
    assert rl_compat.line_callbacks(paragraph) == [("seen", "7")]
    seen: list[tuple[float, float]] = []
    canvas.setNamedCB("seen", lambda c, kind, label: seen.append(rl_compat.text_line_position(c)))
    paragraph.drawOn(canvas, 0, 0)
    assert len(seen) == 1 and seen[0][1] < 12
    table = Table([["a", "b"]], colWidths=["50%", "50%"])
    kept = KeepTogether([table])
    assert rl_compat.kept_flowables(kept) == [table]
    assert table.wrap(200, 100)[0] == 200
    rl_compat.forget_table_widths(table)
    assert table.wrap(100, 100)[0] == 100
    tall = Table([["h"], ["a"], ["b\nc"]], repeatRows=1)
    tall.wrap(100, 100)
    heights = rl_compat.row_heights(tall)
    assert len(heights) == 3 and heights[2] > heights[1] > 0
    rl_compat.set_row(tall, 0, ["H"])
    assert rl_compat.table_cells(tall)[0] == ["H"]
    assert rl_compat.placing_frame(tall) is None
    placing: list[object] = []

    class Probe(Flowable):
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            placing.append(rl_compat.placing_frame(self))
            return avail_width, 10

        def draw(self) -> None:
            pass

    frame.add(Probe(), canvas)
    assert placing == [frame]


def test_paragraphs_measure_through_memos_only_inside_a_build() -> None:
    from reportlab.lib.rl_accel import sameFrag
    from reportlab.pdfbase.pdfmetrics import getAscentDescent
    from reportlab.platypus import paragraph

    originals = (paragraph.stringWidth, paragraph.getAscentDescent, paragraph.sameFrag)
    with rl_compat.pdf_settings():
        measure, extent = paragraph.stringWidth, paragraph.getAscentDescent
        assert (measure, extent, paragraph.sameFrag) != originals
        assert measure("kata", "Helvetica", 10) == measure("kata", "Helvetica", 10) == stringWidth("kata", "Helvetica", 10)
        assert measure("kata", "Helvetica", 12.5) == stringWidth("kata", "Helvetica", 12.5)
        assert extent("Helvetica", 10) == getAscentDescent("Helvetica", 10)
        with rl_compat.pdf_settings():  # a build inside a build keeps its own memos
            assert paragraph.stringWidth is not measure
        assert paragraph.stringWidth is measure
    assert (paragraph.stringWidth, paragraph.getAscentDescent, paragraph.sameFrag) == originals
    assert paragraph.sameFrag is sameFrag


def test_fragments_compare_as_reportlab_compares_them() -> None:
    from reportlab.lib.colors import CMYKColor, Color
    from reportlab.lib.rl_accel import sameFrag

    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12)
    frags = [frag for markup in ('a <b>b</b> <i>c</i> <font color="#ff0000">d</font> <font size="12">e</font>',
                                 '<a href="https://example.org/">f</a> <a href="#x">g</a> <u>h</u> <strike>i</strike>',
                                 'j<br/>k <font backColor="#00ff00">l</font> m<super>2</super> <a name="n"/>o')
             for frag in rl_compat.parse_fragments(markup, style) or []]
    red, same_red, cyan = Color(1, 0, 0), Color(1, 0, 0), CMYKColor(1, 0, 0, 0)
    for colour in (red, same_red, cyan):  # equal colours that are not one object, and one of another kind
        frags.append(frags[0].clone(textColor=colour))
    frags.append(frags[0].clone(cbDefn=object()))
    assert len(frags) > 15
    answers = {(i, j): rl_compat._same_frag(f, g) for i, f in enumerate(frags) for j, g in enumerate(frags)}
    assert answers == {(i, j): sameFrag(f, g) for i, f in enumerate(frags) for j, g in enumerate(frags)}
    assert 0 < sum(answers.values()) < len(answers)
