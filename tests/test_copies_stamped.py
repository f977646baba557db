"""Numbered copies are stamped onto one layout (`layout/copyline.py`): each is byte-identical
to that copy built alone, shows its own copy line on the cover and at every page's head,
tagged as before, and is clean for qpdf, PDF/A and PDF/UA checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import yaml

import briefing.build  # noqa: F401  (the module, for build_module)
from briefing.build import BuildOptions
from briefing.layout import copyline

from .conftest import REPO, run_cli

build_module = sys.modules["briefing.build"]  # `briefing.build` is also the function's name

#: One copy line too long for one line and one with a letter the font lacks: both laid out in full.
LONG = ("Direktur Jenderal Asia Pasifik dan Afrika, Kementerian Luar Negeri Republik Indonesia, "
        "Gedung Pancasila, Jalan Taman Pejambon Nomor 6, Jakarta Pusat")
NAMES = ["Siti Nurhaliza Ă", "Menteri Luar Negeri", LONG, "Ƒrançois Ølberg", "Kepala Biro Analisis Çelik Dąbrowski"]


def _brief(root: Path) -> Path:
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info",
                                                              ".ci", "briefing", "tests", "benchmarks", "docs", "tools"))
    (root / "recipients.yaml").write_text(yaml.safe_dump(NAMES, allow_unicode=True), encoding="utf-8")
    return root


def _alone(root: Path, number: int, out: Path, options: BuildOptions) -> bytes:
    """Copy *number* through the single-copy path, nothing kept from the copies before."""
    copyline.forget()
    build_module._PREPARED_COPIES.clear()
    build_module._GLYPHS_OF_COPIES.clear()
    brief = build_module.load_brief(root)
    build_module.use_cache_dir(brief.root / "output" / ".cache")
    build_module.build_edition(brief, "analis", out, options, (number, len(NAMES), NAMES[number - 1]))
    return out.read_bytes()


def _built(root: Path, *options: str) -> tuple[list[Path], list[str]]:
    """The analysts' copies built by the CLI in one process, and the copy lines stamped."""
    stamped: list[str] = []
    stamp = copyline.stamped

    def recording(document: Any, text: str, made_with: Any) -> Any:
        pdf = stamp(document, text, made_with)
        if pdf is not None:
            stamped.append(text)
        return pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "cpu_count", lambda: 1)
        patch.setattr(copyline, "stamped", recording)
        result = run_cli("build", str(root), "-q", "-a", "analis", "--copies", str(root / "recipients.yaml"), *options)
    assert result.returncode == 0, result.stderr
    return sorted((root / "output").glob("*-analis-copy-*.pdf")), stamped


@pytest.fixture(scope="module")
def stamped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[str]]:
    root = _brief(tmp_path_factory.mktemp("stamped") / "brief")
    return (root, *_built(root))


def test_each_copy_is_the_copy_built_alone(stamped: tuple[Path, list[Path], list[str]], tmp_path: Path) -> None:
    root, copies, lines = stamped
    assert lines == [f"Salinan {n} dari 5 — {NAMES[n - 1]}" for n in (2, 5)]  # 1, 3 and 4 are laid out
    assert len(copies) == len(NAMES)
    for number, path in enumerate(copies, start=1):
        assert _alone(root, number, tmp_path / f"{number}.pdf", BuildOptions()) == path.read_bytes(), number
    assert len({path.read_bytes() for path in copies}) == len(NAMES)
    with pikepdf.open(copies[0]) as first, pikepdf.open(copies[1]) as second:
        assert first.trailer.ID != second.trailer.ID  # each copy its own /ID


def _lines(page: Any) -> list[tuple[str, float, str | None]]:
    """Each line of *page* starting "Salinan": its text, top and marked-content tag."""
    text = "".join(char["text"] for char in page.chars)
    found, at = [], text.find("Salinan")
    while at >= 0:
        chars = [page.chars[at]]
        while at + len(chars) < len(page.chars) and abs(page.chars[at + len(chars)]["top"] - chars[0]["top"]) < 1:
            chars.append(page.chars[at + len(chars)])
        found.append(("".join(char["text"] for char in chars), round(chars[0]["top"]), chars[0].get("tag")))
        at = text.find("Salinan", at + len(chars))
    return found


def test_each_copy_prints_its_line_on_the_cover_and_every_head(stamped: tuple[Path, list[Path], list[str]]) -> None:
    _, copies, _ = stamped
    for number, path in enumerate(copies, start=1):
        line = f"Salinan {number} dari {len(NAMES)} — {NAMES[number - 1]}"
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                found = _lines(page)
                heads = [text for text, top, tag in found if top < 40 and tag == "Artifact"]
                assert heads == [line], (number, page.page_number, found)
                if page.page_number == 1 and number != 3:  # the long line wraps on the cover (no slot)
                    cover = [(text, tag) for text, top, tag in found if top > 100]
                    assert cover == [(line, "P")], (number, found)
            assert line in pdf.pages[0].extract_text()


def test_the_cover_line_is_a_paragraph_of_the_structure_tree(stamped: tuple[Path, list[Path], list[str]]) -> None:
    _, copies, _ = stamped
    with pdfplumber.open(copies[1]) as pdf:
        page = pdf.pages[0]
        mcid = next(char["mcid"] for char in page.chars if char.get("tag") == "P" and char["top"] > 100
                    and char["text"] == "S" and char["size"] == 9)
        elements = list(page.structure_tree)
        seen: list[Any] = []
        while elements:
            element = elements.pop()
            seen.append(element)
            elements += element.get("children", [])
        assert any(element["type"] == "P" and mcid in element.get("mcids", []) for element in seen)


def test_stamped_copies_pass_qpdf(stamped: tuple[Path, list[Path], list[str]]) -> None:
    _, copies, _ = stamped
    for path in copies:
        check = subprocess.run([shutil.which("qpdf") or "qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout


def test_stamped_pdfa_and_ua_copies_validate_and_match_the_copy_alone(tmp_path: Path) -> None:
    root = _brief(tmp_path / "brief")
    copies, lines = _built(root, "--pdf-standard", "ua-1+a-2b")
    assert len(lines) == 2
    options = BuildOptions(pdf_standard="ua-1+a-2b")
    assert _alone(root, 5, tmp_path / "5.pdf", options) == copies[4].read_bytes()
    outloud = subprocess.run([str(Path(sys.executable).parent / "outloud"), "--no-info", str(copies[4])],
                             capture_output=True, text=True)
    assert outloud.returncode == 0 and "0 error(s), 0 warning(s)" in outloud.stdout, outloud.stdout
    with pikepdf.open(copies[4]) as pdf:  # pikepdf's validator does not know the pdfuaid schema
        xmp = pdf.Root.Metadata.read_bytes().decode()
        pdf.Root.Metadata.write(xmp.replace("<pdfuaid:part>1</pdfuaid:part>", "").encode("utf-8"))
        pdf.save(tmp_path / "without-ua-claim.pdf", deterministic_id=True)
    assert pikepdf.pdfa.validate_written(tmp_path / "without-ua-claim.pdf", "2b").passed


def test_the_copy_line_reads_off_its_codes_without_the_tounicode_map(stamped: tuple[Path, list[Path], list[str]]) -> None:
    """A printer's PostScript path (cups-pdf) drops the ToUnicode map and reads text off the
    codes: printable ASCII must sit at its own code, as in ReportLab's first subset."""
    _, copies, _ = stamped
    line = f"Salinan 2 dari {len(NAMES)} — {NAMES[1]}"
    with pikepdf.open(copies[1]) as pdf:
        forms = {str(name): form for name, form in pdf.pages[0].Resources.XObject.items() if "BriefingCopy" in str(name)}
        assert forms, "the copy line is drawn from its forms"
        for form in forms.values():
            shown = [operands[0] for operands, operator in pikepdf.parse_content_stream(form) if str(operator) == "Tj"]
            assert len(shown) == 1
            codes = bytes(shown[0])
            assert len(codes) == len(line)
            assert "".join(chr(code) if 32 <= code < 127 else "?" for code in codes) == \
                "".join(char if 32 <= ord(char) < 127 else "?" for char in line)
