"""Figures: formats, sizes, captions and credits, print resolution, bad input — in the real PDF."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader

from briefing.build import build

from .conftest import BASIC_MANIFEST, REPO, run_cli, write_brief

TEXT = "Kalimat isi yang cukup panjang untuk memenuhi kolom utama dokumen ini. " * 6


def make_image(path: Path, size: tuple[int, int] = (1200, 800), mode: str = "RGB", fmt: str | None = None, **save: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (30, 90, 160))
    for x in range(0, size[0], 40):  # some structure so codecs have work to do
        image.paste((220, 60, 40), (x, 0, x + 12, size[1]))
    image.paste((250, 250, 250), (0, 0, size[0] // 4, size[1] // 4))  # a marker in the top-left corner
    if mode == "RGBA":
        image = image.convert("RGBA")
        image.putalpha(128)
    elif mode == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
    elif mode == "I;16":
        image = image.convert("L").point(lambda v: v * 256, mode="I").convert("I;16")
    elif mode != "RGB":
        image = image.convert(mode)
    image.save(path, fmt, **save)
    return path


def figure_brief(tmp_path: Path, markdown: str, **assets: Path) -> Path:
    section = f"---\ntitle: Gambar\n---\n{TEXT}\n\n{markdown}\n\n{TEXT}\n"
    return write_brief(tmp_path, BASIC_MANIFEST, {"a.md": section})


def build_pdf(root: Path) -> Path:
    out = root / "o.pdf"
    build(root, out)
    return out


def images_on(pdf_path: Path) -> list[dict]:
    with pdfplumber.open(pdf_path) as pdf:
        return [dict(image, page=index) for index, page in enumerate(pdf.pages) for image in page.images]


def test_aspect_ratio_kept_and_inside_the_column(tmp_path: Path) -> None:
    root = figure_brief(tmp_path, '![Alt](assets/a.png){caption="Keterangan gambar." credit="Foto: Penguji"}')
    make_image(root / "assets" / "a.png", (1200, 800))
    out = build_pdf(root)
    (image,) = images_on(out)
    assert abs(image["width"] / image["height"] - 1.5) < 0.01
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    block = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], False, 0).block
    assert image["x0"] >= block.x - 0.5 and image["x1"] <= block.x + block.width + 0.5


def test_caption_and_credit_directly_below_on_the_same_page(tmp_path: Path) -> None:
    root = figure_brief(tmp_path, '![Alt](assets/a.png){caption="Keterangan gambar." credit="Foto: Penguji"}')
    make_image(root / "assets" / "a.png")
    out = build_pdf(root)
    (image,) = images_on(out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[image["page"]]
        caption = page.search("Gambar 1. Keterangan gambar.")
        credit = page.search("Foto: Penguji")
    assert caption and credit
    assert 0 <= caption[0]["top"] - image["bottom"] < 12
    assert 0 <= credit[0]["top"] - caption[0]["bottom"] < 6
    assert credit[0]["x1"] == pytest.approx(image["x1"], abs=1.5) or credit[0]["x1"] > caption[0]["x1"]  # right-aligned


def test_inset_has_body_text_beside_it(tmp_path: Path) -> None:
    root = figure_brief(tmp_path, '![Alt](assets/a.png){width=inset caption="Sisipan."}')
    make_image(root / "assets" / "a.png", (800, 800))
    out = build_pdf(root)
    (image,) = images_on(out)
    with pdfplumber.open(out) as pdf:
        words = pdf.pages[image["page"]].extract_words()
    beside = [w for w in words if w["top"] >= image["top"] and w["bottom"] <= image["bottom"] and w["x1"] < image["x0"]]
    assert len(beside) > 10
    assert image["x1"] - image["x0"] < 0.5 * (max(w["x1"] for w in words) - min(w["x0"] for w in words))


def test_full_width_spans_the_sidebar_and_the_sidebar_flows_around(tmp_path: Path) -> None:
    events = "".join(f"- {{date: {1900 + i}, title: Peristiwa {i:02d}}}\n" for i in range(40))
    body = "\n\n".join([TEXT] * 3 + ['![Peta](assets/m.png){width=full caption="Lebar penuh."}'] + [TEXT] * 6)
    root = write_brief(tmp_path, {**BASIC_MANIFEST, "timeline": "t.yaml"}, {"a.md": f"---\ntitle: A\n---\n{body}\n"},
                       **{"t.yaml": events})
    make_image(root / "assets" / "m.png", (2400, 1000))
    out = build_pdf(root)
    (image,) = images_on(out)
    from briefing.layout.pages import make_geometry
    from briefing.layout.theme import DEFAULT_THEME
    from briefing.paper import SIZES as PAPER_SIZES

    geometry = make_geometry(DEFAULT_THEME, PAPER_SIZES["A4"], True, 0)
    assert geometry.sidebar is not None
    # into the sidebar (at 70 % of its size, centred: the brief's two-line last page is pulled in)
    assert image["x1"] > geometry.sidebar.x + geometry.sidebar.width * 0.4
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[image["page"]]
        sidebar_words = [w for w in page.extract_words() if w["x0"] >= geometry.sidebar.x - 0.5 and 60 < w["top"] < page.height - 60]
        text = "".join(p.extract_text() for p in pdf.pages)
    overlapping = [w for w in sidebar_words if w["bottom"] > image["top"] - 1 and w["top"] < image["bottom"] + 14]
    assert sidebar_words and not overlapping
    assert all(f"Peristiwa {i:02d}" in text for i in range(40))


@pytest.mark.parametrize(
    ("name", "mode", "fmt", "save"),
    [
        ("rgb.jpg", "RGB", "JPEG", {}),
        ("cmyk.jpg", "CMYK", "JPEG", {}),
        ("progressive.jpg", "RGB", "JPEG", {"progressive": True}),
        ("alpha.png", "RGBA", "PNG", {}),
        ("palette.png", "P", "PNG", {}),
        ("deep.png", "I;16", "PNG", {}),
        ("anim.gif", "P", "GIF", {}),
        ("photo.webp", "RGB", "WEBP", {}),
        ("scan.tif", "RGB", "TIFF", {}),
    ],
)
def test_every_format_renders(tmp_path: Path, name: str, mode: str, fmt: str, save: dict) -> None:
    root = figure_brief(tmp_path, f'![Alt](assets/{name}){{caption="Format {fmt}."}}')
    make_image(root / "assets" / name, (900, 600), mode, fmt, **save)
    (image,) = images_on(build_pdf(root))
    assert abs(image["width"] / image["height"] - 1.5) < 0.01


def test_exif_rotated_image_comes_out_upright(tmp_path: Path) -> None:
    root = figure_brief(tmp_path, "![Alt](assets/r.jpg)")
    path = make_image(root / "assets" / "r.jpg", (1200, 600))
    with Image.open(path) as image:
        rotated = image.rotate(90, expand=True)  # stored sideways: 600 x 1200
        exif = Image.Exif()
        exif[0x0112] = 6  # "rotate 90° clockwise to view": restores the 1200 x 600 original
        rotated.save(path, "JPEG", exif=exif.tobytes())
    out = build_pdf(root)
    (image,) = images_on(out)
    assert image["width"] > image["height"]  # landscape again
    reader = PdfReader(out)
    (xobject,) = [x for x in reader.pages[0].images]
    pixels = xobject.image.convert("RGB")
    assert pixels.getpixel((5, 5))[0] > 200  # the white marker is back in the top-left corner


def test_large_image_is_downsampled_and_embedded_once(tmp_path: Path) -> None:
    markdown = "![A](assets/big.jpg)\n\n" + TEXT + "\n\n![B](assets/big.jpg)"
    root = figure_brief(tmp_path, markdown)
    make_image(root / "assets" / "big.jpg", (6000, 4000), quality=95)
    out = build_pdf(root)
    reader = PdfReader(out)
    xobjects = {name for page in reader.pages for name in page["/Resources"].get("/XObject", {})}
    assert len(xobjects) == 1  # used twice, embedded once
    (image,) = [x for x in reader.pages[0].images][:1]
    width_px = image.image.width
    placed_in = images_on(out)[0]["width"] / 72
    assert width_px / placed_in < 320  # about 300 dpi at the placed size
    assert out.stat().st_size < (root / "assets" / "big.jpg").stat().st_size / 2


def test_low_resolution_warns_and_strict_fails(tmp_path: Path) -> None:
    root = figure_brief(tmp_path, "![Kecil](assets/small.png)")
    make_image(root / "assets" / "small.png", (200, 130))
    result = run_cli("build", str(root))
    assert result.returncode == 0
    assert "warning:" in result.stderr and "a.md:" in result.stderr and "small.png" in result.stderr and "dpi" in result.stderr
    strict = run_cli("build", "--strict", str(root))
    assert strict.returncode == 1 and "dpi" in strict.stderr


@pytest.mark.parametrize(
    ("markdown", "needle"),
    [
        ("![x](assets/none.png)", "not found"),
        ("![x](../outside.png)", "outside the brief folder"),
        ("![x](/etc/hosts)", "absolute path"),
        ("![x](https://example.org/x.png)", "URL"),
        ("![x](assets/not-image.png)", "not an image"),
        ("![x](assets/truncated.jpg)", "truncated"),
        ("![x](assets/a.png){width=huge}", "width must be one of"),
        ("![x](assets/a.png){colour=red}", "unknown figure attribute"),
        ("Teks ![x](assets/a.png) di tengah kalimat.", "its own paragraph"),
    ],
)
def test_bad_figures_name_file_and_line(tmp_path: Path, markdown: str, needle: str) -> None:
    root = figure_brief(tmp_path, markdown)
    make_image(root / "assets" / "a.png")
    (root / "assets" / "not-image.png").write_text("hello")
    good = make_image(root / "assets" / "good.jpg", (1200, 800))
    (root / "assets" / "truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (tmp_path / "outside.png").write_bytes(good.read_bytes())
    result = run_cli("build", str(root))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "a.md:6" in result.stderr and needle in result.stderr


def test_decompression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing.images

    monkeypatch.setattr(briefing.images, "MAX_PIXELS", 500_000)
    root = figure_brief(tmp_path, "![x](assets/huge.png)")
    make_image(root / "assets" / "huge.png", (1200, 800))
    from briefing.brief import load_brief
    from briefing.build import parse_brief
    from briefing.images import ImageError

    with pytest.raises(ImageError, match="pixels"):
        parse_brief(load_brief(root))


def test_symlinked_image_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = make_image(tmp_path / "secret.png")
    root = figure_brief(tmp_path / "b", "![x](assets/link.png)")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "link.png").symlink_to(outside)
    result = run_cli("build", str(root))
    assert result.returncode == 1 and "outside the brief folder" in result.stderr


def test_default_brief_has_three_figures_with_credits(default_pdf: Path, default_text: list[str]) -> None:
    assert len(images_on(default_pdf)) == 3
    text = "".join(default_text)
    for needle in ("Gambar 1.", "Gambar 2.", "Gambar 3.", "Grafis:", "Peta:", "Grafik:"):
        assert needle in text
    assert (REPO / "tools" / "make_images.py").is_file()


def test_photo_credits_appendix(tmp_path: Path) -> None:
    markdown = '![A](assets/a.png){caption="Satu." credit="Foto: Reuters"}\n\n' + TEXT + '\n\n![B](assets/b.png){caption="Dua." credit="(AFP/POOL)"}'
    root = figure_brief(tmp_path, markdown)
    manifest = (root / "brief.yaml").read_text() + "photo_credits: true\n"
    (root / "brief.yaml").write_text(manifest)
    make_image(root / "assets" / "a.png")
    make_image(root / "assets" / "b.png", (900, 600))
    with pdfplumber.open(build_pdf(root)) as pdf:
        text = pdf.pages[-1].extract_text()
    appendix = text[text.index("Kredit Foto"):]
    assert "Gambar 1. Foto: Reuters" in appendix and "Gambar 2. (AFP/POOL)" in appendix
