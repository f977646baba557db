"""Inputs made by others (tests/fixtures/README.md): Better BibTeX's CSL-JSON exports and
Pillow's odd test images. None crashes; what is refused is exactly what is listed here,
each at its file and line; everything else is printed (checked on the PDF)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.cli import main
from briefing.csl import json_items, rich_text

from .conftest import BASIC_MANIFEST, normalise, write_brief

FIXTURES = Path(__file__).parent / "fixtures"

#: Per CSL-JSON file, the items briefing refuses and why (the start of the reason).
CSL_REFUSED: dict[str, dict[str, str]] = {
    "bbt-dates-360-811.json": {"t2": "'accessed' must be one day", "t3": "an open-ended range",
                               "t5": "is a date BC", "t6": "is a date BC"},
    "bbt-season-ranges-860.json": {"00002100002400": "is a date BC", "001121001222-11": "is a date BC",
                                   "201121201222-2011": "is a date BC"},
    "bbt-creator-fields-365-825.json": {"emptybook": "needs a 'title'"},
    "bbt-open-range-3332.json": {"Schwabedissen19xxAnfangeNeolithikums": "an open-ended range"},
    "bbt-pandoc-schomd.json": {},
    "bbt-extra-creators-2015.json": {},
    "bbt-particle-856.json": {},
}

#: Images briefing refuses, and the start of the reason; every other fixture image is embedded.
IMAGES_REFUSED = {
    "hopper.ras": "'hopper.ras' is a SUN image; use JPEG, PNG, GIF, WebP or TIFF",
    "hopper_16bit.pgm": "'hopper_16bit.pgm' is a PPM image; use JPEG, PNG, GIF, WebP or TIFF",
    "broken_data_stream.png": "'broken_data_stream.png' cannot be read (broken PNG file",
}
PROBLEM = re.compile(r"(error|warning): (\S+?):(\d+): (.+)")


def _problems(output: str) -> list[tuple[str, str, int, str]]:
    """(severity, file name, line, message) of each reported problem; each must name file and line."""
    lines = [text for text in output.splitlines() if text.startswith(("error:", "warning:"))]
    found = [PROBLEM.fullmatch(text) for text in lines]
    assert all(found), lines
    return [(m.group(1), Path(m.group(2)).name, int(m.group(3)), m.group(4)) for m in found if m]


def _build(root: Path) -> tuple[int, str, Path]:
    out = root / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output  # a crash is exit 3
    return result.exit_code, result.output, out


def _pdf_text(pdf: Path) -> str:
    return normalise("".join(page.extract_text() for page in PdfReader(pdf).pages))


# ---------------------------------------------------------------------------- CSL-JSON


def _csl_brief(root: Path, name: str, cite: list[str]) -> Path:
    body = "---\ntitle: Isi\n---\nKutipan " + " ".join(f"[@{key}]" for key in cite) + ".\n"
    write_brief(root, {**BASIC_MANIFEST, "language": "en", "sources": "sources.json"}, {"a.md": body})
    shutil.copy(FIXTURES / "csl" / name, root / "sources.json")
    return root


def _items(name: str) -> list[dict[str, object]]:
    items = json.loads((FIXTURES / "csl" / name).read_text("utf-8"))
    assert isinstance(items, list)
    return items


def test_every_csl_fixture_is_listed() -> None:
    assert sorted(CSL_REFUSED) == sorted(p.name for p in (FIXTURES / "csl").glob("*.json"))


@pytest.mark.parametrize("name", sorted(CSL_REFUSED))
def test_csl_export_prints_every_item_but_the_refused_ones(tmp_path: Path, name: str) -> None:
    """Citing the usable items builds; the refused ones, left uncited, are warnings naming them."""
    refused = CSL_REFUSED[name]
    usable = [item for item in _items(name) if item["id"] not in refused]
    code, output, pdf = _build(_csl_brief(tmp_path, name, [str(item["id"]) for item in usable]))
    assert code == 0, output
    warned = {re.search(r"\('([^']+)'\)", message).group(1): message  # type: ignore[union-attr]
              for _, _, _, message in _problems(output)}
    assert sorted(warned) == sorted(refused)
    for key, reason in refused.items():
        assert reason in warned[key] and warned[key].endswith("(nothing cites it, so it is left out)")
    text = _pdf_text(pdf)
    for item in usable:
        title = rich_text(str(item["title"]))[0]
        assert normalise(title)[:40] in text.replace("\u201c", "").replace("\u201d", ""), title


@pytest.mark.parametrize("name", sorted(n for n, refused in CSL_REFUSED.items() if refused))
def test_citing_a_refused_csl_item_is_an_error_at_its_line(tmp_path: Path, name: str) -> None:
    items = _items(name)
    code, output, pdf = _build(_csl_brief(tmp_path, name, [str(item["id"]) for item in items]))
    assert code == 1 and not pdf.exists()
    problems = _problems(output)
    assert {p[0] for p in problems} == {"error"} and {p[1] for p in problems} == {"sources.json"}
    parsed = json_items((FIXTURES / "csl" / name).read_text("utf-8"))
    starts = [item.line for item in parsed] + [10**9]
    spans = {item.value["id"]: range(starts[index], starts[index + 1]) for index, item in enumerate(parsed)}
    errors = {}
    for _, _, line, message in problems:
        key = re.search(r"CSL item \d+ \('([^']+)'\)", message).group(1)  # type: ignore[union-attr]
        assert line in spans[key], (key, line)  # a line of the item itself
        errors[key] = message
    assert sorted(errors) == sorted(CSL_REFUSED[name])
    assert all(reason in errors[key] for key, reason in CSL_REFUSED[name].items())


def test_real_exports_print_names_rich_text_and_seasons(tmp_path: Path) -> None:
    """Four authors as "et al.", a particle kept, `<b>` in bold, a season date."""
    code, output, pdf = _build(_csl_brief(tmp_path / "a", "bbt-pandoc-schomd.json", ["Adams2001", "Dunning2016"]))
    assert code == 0, output
    text = " ".join(PdfReader(pdf).pages[-1].extract_text().split())
    assert "1. Nancy K Adams et al. “The physical volcanology of the 1600 eruption of Huaynaputina" in text
    assert "DeSilva" not in text
    code, output, pdf = _build(_csl_brief(tmp_path / "b", "bbt-particle-856.json", ["delaMareTitle2017"]))
    assert code == 0, output
    assert "1. Walter de la Mare. “Title.”" in " ".join(PdfReader(pdf).pages[-1].extract_text().split())
    code, output, pdf = _build(_csl_brief(tmp_path / "c", "bbt-season-ranges-860.json", ["SeasonrangesEDTF2017"]))
    assert code == 0, output
    assert "Autumn–Winter 2017." in PdfReader(pdf).pages[-1].extract_text()


# ---------------------------------------------------------------------------- images


def _image_brief(root: Path, names: list[str]) -> Path:
    figures = "\n".join(f'![{name}](assets/{name}){{caption="Gambar {name}."}}\n' for name in names)
    write_brief(root, BASIC_MANIFEST, {"a.md": "---\ntitle: Isi\n---\nTeks.\n\n" + figures})
    (root / "assets").mkdir()
    for name in names:
        shutil.copy(FIXTURES / "images" / name, root / "assets" / name)
    return root


def _images() -> list[str]:
    return sorted(p.name for p in (FIXTURES / "images").iterdir())


def test_every_odd_image_is_embedded_with_only_resolution_warnings(tmp_path: Path) -> None:
    names = [name for name in _images() if name not in IMAGES_REFUSED]
    code, output, pdf = _build(_image_brief(tmp_path, names))
    assert code == 0, output
    for severity, _, _, message in _problems(output):  # these small test images print below 150 dpi
        # (blurred below 150 dpi, or printed at its own size rather than enlarged)
        assert severity == "warning" and re.search(r"prints at (\d+ dpi \(below 150\)|its own size)", message), message
    shown = 0
    with pdfplumber.open(pdf) as document:  # each figure's page draws an image per caption on it
        for page in document.pages:  # (drawn: identical pixels are embedded once and drawn twice)
            images = page.images
            captions = [name for name in names if normalise(f"Gambar {name}.") in normalise(page.extract_text() or "")]
            assert len(images) == len(captions), (captions, len(images))
            shown += len(captions)
    assert shown == len(names)


def test_the_refused_images_are_exactly_the_listed_ones_at_their_figure_lines(tmp_path: Path) -> None:
    names = _images()
    code, output, _ = _build(_image_brief(tmp_path, names))
    assert code == 1
    lines = {name: 6 + 2 * index for index, name in enumerate(names)}  # front matter, "Teks.", one figure a paragraph
    problems = [p for p in _problems(output) if p[0] == "error"]
    assert {(file, line) for _, file, line, _ in problems} == {("a.md", lines[name]) for name in IMAGES_REFUSED}
    for name, reason in IMAGES_REFUSED.items():
        assert any(message.startswith(reason) for _, _, line, message in problems if line == lines[name]), name


def test_the_readme_counts_match_the_fixtures() -> None:
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text("utf-8").split())
    items = sum(len(_items(name)) for name in CSL_REFUSED)
    refused = sum(map(len, CSL_REFUSED.values()))
    assert f"{items} items: {items - refused} print; {refused} are refused" in readme
    assert len(CSL_REFUSED) == 7 and "seven CSL-JSON exports" in readme
    images = _images()
    assert f"and {len(images)} odd images" in readme
    assert f"{len(images) - len(IMAGES_REFUSED)} are embedded" in readme
