"""A layout that follows another (pulled in, page references) borrows the line breaks of the
paragraphs it sets again at the same width; the PDF is the one it makes breaking them itself."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from briefing.layout import paragraphs, rl_compat
from briefing.layout.paragraphs import LineLender, Paragraph, lending

from .conftest import BASIC_MANIFEST, run_cli, write_brief

TEXT = "Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini. " * 6
#: A paragraph of several fragments (ReportLab breaks it into lines of words, not of strings).
MARKUP = ("Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini, dengan "
          "<b>penekanan</b> dan pertimbangan berkepanjangan. ") * 5


def _brief(root: Path, tagged: bool) -> Path:
    """Four pages, the last a few lines: laid out three times (first, pulled in 0.85 and 0.7)."""
    body = "\n\n".join([TEXT] * 2 + ["![Bagan](assets/b.png)"] + [TEXT.replace("isi", "**isi**")] * 18)
    manifest = {**BASIC_MANIFEST, "id": "uji", "tagged": tagged}
    write_brief(root, manifest, {"a.md": f"---\ntitle: A\n---\n{body}\n"})
    (root / "assets").mkdir()
    Image.new("RGB", (900, 300), (31, 97, 160)).save(root / "assets" / "b.png")
    return root


@pytest.mark.parametrize("tagged", [True, False])
def test_lent_lines_make_the_same_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tagged: bool) -> None:
    root = _brief(tmp_path / "b", tagged)
    lent: list[Any] = []
    lend = LineLender.lend

    def counting(self: LineLender, borrower: Paragraph, width: float) -> Any:
        lines = lend(self, borrower, width)
        lent.extend([lines] if lines is not None else [])
        return lines

    monkeypatch.setattr(LineLender, "lend", counting)
    result = run_cli("-v", "build", str(root), "-o", str(tmp_path / "lent.pdf"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("layout pass ") == 3, result.stderr
    assert len(lent) >= 15  # most of the 21 paragraphs of text, in the first pulled-in layout
    monkeypatch.setattr(LineLender, "lend", lambda *_: None)
    assert run_cli("build", str(root), "-o", str(tmp_path / "own.pdf")).returncode == 0
    assert (tmp_path / "lent.pdf").read_bytes() == (tmp_path / "own.pdf").read_bytes()


def _style() -> Any:
    from briefing.layout.fonts import register_fonts
    from briefing.layout.theme import make_styles
    from briefing.themes import Theme

    register_fonts()
    return make_styles(Theme(), "id").body


def _lines(paragraph: Paragraph) -> list[str]:
    para = paragraph.blPara
    if para.kind == 0:
        return [" ".join(map(str, words)) for _, words in para.lines]
    return ["".join(getattr(frag, "text", "") for frag in line.words) for line in para.lines]


def _lent(style: Any, width: float, text: str) -> tuple[LineLender, Paragraph]:
    """A lender holding the lines of *text* drawn at *width*, and a new paragraph of *text*."""
    lender = LineLender()
    with lending(lender):
        drawn = Paragraph(text, style)
        drawn.wrap(width, 800)
        rl_compat.mark_line_ends(drawn, text)  # as a tagged build draws it
        drawn.drawOn(Canvas(io.BytesIO()), 0, 0)
        lender.next_layout()
        return lender, Paragraph(text, style)


@pytest.mark.parametrize("text", [TEXT, MARKUP])
def test_a_borrower_takes_the_lines_without_breaking(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    style = _style()
    lender, borrower = _lent(style, 200, text)
    fresh = Paragraph(text, style)
    fresh.wrap(200, 800)
    rl_compat.mark_line_ends(fresh, text)
    breaks: list[float] = []
    monkeypatch.setattr(paragraphs._RLParagraph, "breakLines",
                        lambda self, width: breaks.append(width) or pytest.fail("broke lines"))
    with lending(lender):
        assert borrower.wrap(200, 800) == fresh.wrap(200, 800)
    assert breaks == []
    assert _lines(borrower) == _lines(fresh)
    assert lender.lend(Paragraph(text, style), 200) is None  # lent once


@pytest.mark.parametrize("text", [TEXT, MARKUP])
@pytest.mark.parametrize("width", [150.0, 200.0 + 1e-6])
def test_a_borrower_asked_for_another_width_breaks_its_own_fragments(width: float, text: str) -> None:
    style = _style()
    lender, borrower = _lent(style, 200, text)
    fresh = Paragraph(text, style)
    with lending(lender):
        borrower.wrap(200, 800)
        assert borrower.wrap(width, 800) == (fresh.wrap(200, 800), fresh.wrap(width, 800))[1]
    assert _lines(borrower) == _lines(fresh)


@pytest.mark.parametrize("text", [TEXT, MARKUP])
def test_a_borrower_splits_as_a_paragraph_that_broke_its_own_lines(text: str) -> None:
    style = _style()
    lender, borrower = _lent(style, 200, text)
    fresh = Paragraph(text, style)
    fresh.wrap(200, 800)
    with lending(lender):
        borrower.wrap(200, 800)
        parts = borrower.split(200, 60)
    expected = fresh.split(200, 60)
    assert len(parts) == len(expected) == 2
    assert [_lines(part) for part in parts if part.wrap(200, 800)] == \
        [_lines(part) for part in expected if part.wrap(200, 800)]


def test_nothing_is_lent_across_styles_or_from_a_split_paragraph() -> None:
    style, text = _style(), MARKUP
    lender = LineLender()
    with lending(lender):
        split = Paragraph(text, style)
        split.wrap(200, 800)
        split.split(200, 60)
        split.drawOn(Canvas(io.BytesIO()), 0, 0)
        lender.next_layout()
        assert lender.lend(Paragraph(text, style), 200) is None
    lender, _ = _lent(style, 200, text)
    from reportlab.lib.styles import ParagraphStyle

    assert lender.lend(Paragraph(text, ParagraphStyle("other", parent=style)), 200) is None


def test_a_brief_laid_out_once_keeps_no_lines_while_its_pdf_is_written(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "id": "uji"}, {"a.md": f"---\ntitle: A\n---\n{TEXT}\n"})
    released: list[int] = []
    release = LineLender.release

    def counting(self: LineLender) -> None:
        released.append(len(self.drawn))
        release(self)
        assert not self.drawn

    monkeypatch.setattr(LineLender, "release", counting)
    result = run_cli("-v", "build", str(root), "-o", str(tmp_path / "out.pdf"))
    assert result.stderr.count("layout pass ") == 1, result.stderr
    assert len(released) == 1 and released[0] > 0  # the drawn paragraphs' lines, let go before writing


def test_numbered_copies_borrow_the_lines_of_the_copy_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # one process: the copies are laid out one after another
    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "id": "uji"},
                       {"a.md": "---\ntitle: A\n---\n" + "\n\n".join([TEXT] * 6) + "\n"})
    recipients = tmp_path / "penerima.yaml"
    long = "Direktur Jenderal Asia Pasifik dan Afrika, Kementerian Luar Negeri, " * 2  # no one-line slot: laid out
    recipients.write_text(f"- {long}Ani\n- {long}Budi Santoso\n- {long}Citra\n", encoding="utf-8")
    lent: list[Any] = []
    lend = LineLender.lend
    monkeypatch.setattr(LineLender, "lend", lambda self, *args: lent.append(lend(self, *args)) or lent[-1])
    assert run_cli("build", str(root), "--copies", str(recipients)).returncode == 0
    copies = sorted((root / "output").glob("uji-copy-*.pdf"))
    assert len(copies) == 3 and sum(lines is not None for lines in lent) >= 2 * 6
    borrowed = [path.read_bytes() for path in copies]
    monkeypatch.setattr(LineLender, "lend", lambda *_: None)
    assert run_cli("build", str(root), "--copies", str(recipients)).returncode == 0
    assert [path.read_bytes() for path in copies] == borrowed


def test_a_rebuild_after_an_edit_borrows_the_lines_of_the_build_before(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.build import build
    from briefing.layout import lending_between_builds

    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "id": "uji"},
                       {"a.md": "---\ntitle: A\n---\n" + "\n\n".join([TEXT] * 6) + "\n"})
    lent: list[Any] = []
    lend = LineLender.lend
    monkeypatch.setattr(LineLender, "lend", lambda self, *args: lent.append(lend(self, *args)) or lent[-1])
    with lending_between_builds():  # as `briefing watch` builds
        build(root, tmp_path / "first.pdf")
        section = root / "sections" / "a.md"
        section.write_text(section.read_text(encoding="utf-8").replace("Kalimat", "Kalimat-kalimat", 1), encoding="utf-8")
        del lent[:]
        build(root, tmp_path / "rebuilt.pdf")
    assert sum(lines is not None for lines in lent) == 5  # the five paragraphs not edited
    build(root, tmp_path / "fresh.pdf")  # outside: nothing kept, nothing borrowed
    assert (tmp_path / "rebuilt.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()


@pytest.mark.parametrize("text", [TEXT, MARKUP])
def test_a_paragraph_split_before_any_wrap_breaks_its_own_lines(text: str) -> None:
    style = _style()
    lender, borrower = _lent(style, 200, text)
    fresh = Paragraph(text, style)
    with lending(lender):
        parts = borrower.split(200, 60)  # ReportLab's split wraps it first
    expected = fresh.split(200, 60)
    assert [_lines(part) for part in parts if part.wrap(200, 800)] == \
        [_lines(part) for part in expected if part.wrap(200, 800)]
    assert lender.lend(Paragraph(text, style), 200) is not None  # not taken by the split paragraph


def test_a_rebuild_after_a_font_file_is_replaced_breaks_its_lines_again(tmp_path: Path) -> None:
    """The brief's own body font replaced on disk between two builds of `watch`: the lines
    measured in the old font are not lent (they were, and the rebuild set the condensed
    font's text in the serif's short lines)."""
    import shutil
    from importlib import resources

    from briefing.build import build
    from briefing.layout import fonts, lending_between_builds

    def packaged(family: str) -> Path:
        package, files = fonts.FONT_FILES[family]
        return Path(str(resources.files(package) / "files" / files["regular"]))

    root = write_brief(tmp_path / "b", {**BASIC_MANIFEST, "id": "uji", "theme": "house.yaml"},
                       {"a.md": "---\ntitle: A\n---\n" + "\n\n".join([TEXT] * 6) + "\n"},
                       **{"house.yaml": "base: formal\nbody_font:\n  regular: fonts/house.ttf\n"})
    (root / "fonts").mkdir()
    shutil.copyfile(packaged("Serif"), root / "fonts" / "house.ttf")
    with lending_between_builds():  # as `briefing watch` builds
        build(root, tmp_path / "first.pdf")
        shutil.copyfile(packaged("Sans"), root / "fonts" / "house.ttf")  # same path, narrower letters
        build(root, tmp_path / "rebuilt.pdf")
    build(root, tmp_path / "fresh.pdf")  # outside: nothing kept, nothing borrowed
    assert (tmp_path / "rebuilt.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()


@pytest.mark.parametrize("text", [TEXT, MARKUP])
def test_a_paragraph_refused_a_split_keeps_its_lines_for_the_next_column(text: str) -> None:
    style = _style()
    paragraph, fresh = Paragraph(text, style), Paragraph(text, style)
    paragraph.wrap(200, 800)
    assert paragraph.split(200, style.leading * 1.5) == []  # room for one line: it moves on whole
    assert paragraph.wrap(200, 800) == fresh.wrap(200, 800)
    assert paragraph._breaks == 1  # the next column's wrap at that width broke no lines again
    assert _lines(paragraph) == _lines(fresh)
