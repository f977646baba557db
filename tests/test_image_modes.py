"""Odd images: every pixel mode printed faithfully or refused at the figure's line; EXIF
orientation 1–8 honoured in every embedding path. Images are made here with Pillow."""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

import briefing.images as images
from briefing.build import build
from briefing.images import inspect, prepare

from .conftest import BASIC_MANIFEST, fuzz_examples, write_brief

#: The transposition that undoes each EXIF orientation: storing `upright().transpose(it)`
#: with that orientation tag must print as `upright()`.
STORED = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
          7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
RED, BLUE = (255, 0, 0), (0, 0, 255)


def upright() -> Image.Image:
    """60×40, white, a red top-left corner and a blue bottom-right one: mirrors and turns show."""
    image = Image.new("RGB", (60, 40), (255, 255, 255))
    image.paste(RED, (0, 0, 20, 14))
    image.paste(BLUE, (40, 26, 60, 40))
    return image


def save_oriented(path: Path, orientation: int) -> Path:
    transpose = STORED[orientation]
    stored = upright() if transpose is None else upright().transpose(transpose)
    fmt = {".jpg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".webp": "WEBP"}[path.suffix]
    if fmt == "TIFF":
        stored.save(path, tiffinfo={274: orientation})
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        stored.save(path, fmt, exif=exif, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    return path


def near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def assert_upright(image: Image.Image) -> None:
    rgb = image.convert("RGB")
    width, height = rgb.size
    assert width > height, rgb.size
    top_left = rgb.getpixel((width // 30, height // 30))
    bottom_right = rgb.getpixel((width - 1 - width // 30, height - 1 - height // 30))
    assert near(top_left, RED) and near(bottom_right, BLUE), (top_left, bottom_right)


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif", ".webp"])
@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("path", ["as placed", "downsampled", "grayscale", "cmyk"])
def test_every_orientation_prints_upright(tmp_path: Path, suffix: str, orientation: int, path: str) -> None:
    info = inspect(save_oriented(tmp_path / f"o{orientation}{suffix}", orientation), tmp_path / "s.md", 1)
    assert (info.width, info.height) == (60, 40)  # the box the layout reserves
    width = {"downsampled": 2.0}.get(path, 40.0)  # 60 px over 2 pt is far above print resolution
    data = prepare(info, width, None, grayscale=path == "grayscale", cmyk=path == "cmyk")
    image = Image.open(io.BytesIO(data))
    if path == "grayscale":
        rgb = image.convert("RGB")
        w, h = rgb.size
        assert w > h and rgb.getpixel((0, 0))[0] < 200 and rgb.getpixel((w - 1, 0))[0] > 200
        return
    if path == "downsampled":
        image = image.resize((60, 40))
    assert_upright(image)


def figure_pdf(tmp_path: Path, image: Path) -> Path:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST,
                       {"a.md": f"---\ntitle: Gambar\n---\nTeks.\n\n![gambar](assets/{image.name})\n"})
    (root / "assets").mkdir(exist_ok=True)
    image.replace(root / "assets" / image.name)
    out = tmp_path / "out.pdf"
    build(root, out)
    return out


def embedded(pdf: Path) -> tuple[Image.Image, float]:
    """The one image on page 1 as embedded, and the width/height of the box it is drawn in."""
    (image,) = PdfReader(pdf).pages[0].images
    with pdfplumber.open(pdf) as doc:
        (box,) = doc.pages[0].images
    return image.image, box["width"] / box["height"]


@pytest.mark.parametrize("orientation", [2, 3, 4])
def test_jpeg_mirrored_or_upside_down_is_turned_not_embedded_as_is(tmp_path: Path, orientation: int) -> None:
    image, ratio = embedded(figure_pdf(tmp_path, save_oriented(tmp_path / "p.jpg", orientation)))
    assert_upright(image)
    assert ratio == pytest.approx(1.5, rel=0.01)


@pytest.mark.parametrize("orientation", [5, 6, 7, 8])
def test_tiff_turned_a_quarter_has_a_matching_box_and_pixels(tmp_path: Path, orientation: int) -> None:
    image, ratio = embedded(figure_pdf(tmp_path, save_oriented(tmp_path / "p.tif", orientation)))
    assert_upright(image)
    assert ratio == pytest.approx(1.5, rel=0.01)


def gray16(path: Path, mode: str, left: int, right: int) -> Path:
    """A 40×20 16-bit gray image, *left* in the left half and *right* in the right."""
    order = ">" if mode == "I;16B" else "<"
    row = struct.pack(f"{order}40H", *([left] * 20 + [right] * 20))
    Image.frombytes(mode, (40, 20), row * 20).save(path)
    return path


def float32(path: Path, left: float, right: float) -> Path:
    row = struct.pack("<40f", *([left] * 20 + [right] * 20))
    Image.frombytes("F", (40, 20), row * 20, "raw", "F;32F").save(path)
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda p: gray16(p / "big-endian.tif", "I;16B", 50000, 1000), (194, 4)),
    (lambda p: gray16(p / "little-endian.tif", "I;16", 65535, 0), (255, 0)),
    (lambda p: float32(p / "float.tif", 0.9, 0.1), (229, 25)),
    (lambda p: float32(p / "float255.tif", 200.0, 10.0), (200, 10)),
])
def test_deep_gray_prints_at_its_real_lightness(tmp_path: Path, make, expected: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    image, _ = embedded(figure_pdf(tmp_path, make(tmp_path)))
    gray = image.convert("L")
    left, right = gray.getpixel((2, 10)), gray.getpixel((37, 10))
    assert abs(left - expected[0]) <= 2 and abs(right - expected[1]) <= 2, (left, right)


def test_one_bit_png_with_a_transparent_colour_composites_on_white(tmp_path: Path) -> None:
    one = Image.new("1", (40, 20), 1)
    one.paste(0, (20, 0, 40, 20))
    one.save(tmp_path / "bits.png", transparency=1)  # white is transparent: paper shows, black stays
    image, _ = embedded(figure_pdf(tmp_path, tmp_path / "bits.png"))
    rgb = image.convert("RGB")
    assert near(rgb.getpixel((2, 10)), (255, 255, 255), 5) and near(rgb.getpixel((37, 10)), (0, 0, 0), 5)


def test_lab_tiff_keeps_its_colours(tmp_path: Path) -> None:
    upright().convert("LAB").save(tmp_path / "lab.tif")
    image, _ = embedded(figure_pdf(tmp_path, tmp_path / "lab.tif"))
    assert_upright(image)


def test_a_mode_that_cannot_print_is_refused_at_the_figure_line(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from briefing.cli import main

    root = write_brief(tmp_path / "brief", BASIC_MANIFEST,
                       {"a.md": "---\ntitle: Gambar\n---\nTeks.\n\n![gambar](assets/odd.png)\n"})
    (root / "assets").mkdir()
    Image.new("RGB", (4, 4)).save(root / "assets" / "odd.png")
    # Stands for any mode Pillow decodes that we cannot print.
    monkeypatch.setattr(images, "PRINTABLE_MODES", images.PRINTABLE_MODES - {"RGB"})
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "sections/a.md:6: 'odd.png' stores its pixels as 'RGB', which cannot be printed faithfully; "
        "save it as an 8-bit RGB or grayscale PNG, JPEG or TIFF")
    assert not (tmp_path / "out.pdf").exists()



def test_pixels_that_fail_to_convert_are_refused_at_the_figure_line(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from briefing.cli import main

    def fail(image: Image.Image) -> Image.Image:
        raise ValueError("conversion not supported")

    monkeypatch.setattr(images, "_flatten", fail)  # stands for a decoder or conversion Pillow lacks
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST,
                       {"a.md": "---\ntitle: Gambar\n---\nTeks.\n\n![gambar](assets/odd.png)\n"})
    (root / "assets").mkdir()
    Image.new("RGB", (4, 4)).save(root / "assets" / "odd.png")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1, result.output
    assert result.output.strip().endswith(
        "sections/a.md:6: 'odd.png' (RGB pixels) cannot be converted for print (conversion not supported); "
        "save it as an 8-bit RGB PNG or JPEG")


def test_a_dds_variant_pillow_cannot_decode_is_refused(tmp_path: Path) -> None:
    """A DDS header with an unknown pixel format makes Pillow raise NotImplementedError."""
    header = b"DDS " + struct.pack("<7I", 124, 0x1007, 4, 4, 0, 0, 0) + b"\0" * 44
    pixel_format = struct.pack("<2I", 32, 0x4) + b"ZZZZ" + b"\0" * 20
    path = tmp_path / "odd.dds"
    path.write_bytes(header + pixel_format + struct.pack("<5I", 0x1000, 0, 0, 0, 0) + b"\0" * 64)
    with pytest.raises(images.ImageError) as caught:
        inspect(path, Path("sections/a.md"), 7)
    assert caught.value.format() == (
        "sections/a.md:7: 'odd.dds' is a variant Pillow cannot decode "
        "(NotImplementedError: Unimplemented pixel format 1515870810); save it as PNG, JPEG or TIFF")


_HEADERS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"II*\x00", b"MM\x00*", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP",
            b"DDS ", b"BM"]


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow's own note on the garbage: expected here
@settings(max_examples=fuzz_examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(_HEADERS), body=st.binary(max_size=400))
def test_garbage_after_an_image_header_is_an_image_error(tmp_path: Path, header: bytes, body: bytes) -> None:
    data = header + body
    path = tmp_path / f"g{hashlib.sha256(data).hexdigest()[:16]}.img"  # inspect caches by path, time and size
    path.write_bytes(data)
    try:
        info = inspect(path, Path("sections/a.md"), 3)
    except images.ImageError as error:
        assert (error.path, error.line) == (Path("sections/a.md"), 3)
        return
    try:
        prepare(info, 100.0, None)
    except images.ImageError:
        pass
