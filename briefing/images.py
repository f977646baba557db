"""Open, check and prepare images for print with Pillow.

Every image is checked when the brief is parsed (exists, inside the brief, a real
image, not a decompression bomb, not truncated) so errors name the section line.
For layout, `prepare` returns print-ready bytes: EXIF orientation applied, alpha
flattened onto white, 16-bit and palette images converted, and anything far
sharper than print needs downsampled to about 300 dpi at its placed size. Results
are cached on disk under `output/.cache/` so rebuilds stay fast.
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


from . import diskcache
from .errors import ImageError

#: Refuse images with more pixels than this (decompression bombs).
log = logging.getLogger("briefing")
MAX_PIXELS = 64_000_000
TARGET_DPI = 300
DOWNSAMPLE_ABOVE_DPI = 450
LOW_DPI = 150
FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "TIFF", "MPO"}


@dataclass(frozen=True)
class ImageInfo:
    path: Path
    width: int
    """Pixel width after EXIF orientation."""
    height: int
    format: str
    mode: str = ""
    orientation: int = 1
    """The EXIF orientation (1–8) still to apply to the stored pixels; 1 is upright."""

    def embeds_as_is(self, target_px: int | None, grayscale: bool, cmyk: bool) -> bool:
        """A JPEG in RGB or gray, upright and not to be downsampled: its own bytes are print-ready.

        Any other orientation, mirrored ones (2, 4, 5, 7) included, needs its pixels turned.
        """
        return (self.format == "JPEG" and self.mode in ("RGB", "L") and self.orientation == 1 and target_px is None
                and not cmyk and (self.mode == "L" or not grayscale))


def inspect(path: Path, origin: Path, line: int | None) -> ImageInfo:
    """Check that *path* is a usable image; raise ImageError naming the section line."""
    if not path.is_file():  # never opened unless regular: a named pipe would block the build
        if path.exists():
            raise ImageError(f"image '{path.name}' is not a regular file", origin, line)
        from .hints import image_message

        raise ImageError(image_message(path.name, path.parent, f"{path.parent.name}/"), origin, line)
    stat = path.stat()
    problem, info = _inspect_cached(path, stat.st_mtime_ns, stat.st_size)
    if problem:
        raise ImageError(problem, origin, line)
    assert info is not None
    return info


_CACHE_DIR: list[Path | None] = [None]
INSPECT_VERSION = "inspect-1"


def use_cache_dir(cache_dir: Path | None) -> None:
    """Keep inspection results in *cache_dir* (the brief's output/.cache), so a new process
    neither imports Pillow nor reopens an image it has seen."""
    _CACHE_DIR[0] = cache_dir


@lru_cache(maxsize=512)
def _inspect_cached(path: Path, _mtime: int, _size: int) -> tuple[str | None, ImageInfo | None]:
    """(problem, info) for one version of a file: rebuilds (watch) do not reopen images."""
    key = None
    if _CACHE_DIR[0] is not None:
        try:
            key = diskcache.content_key(path.read_bytes(), INSPECT_VERSION, _pillow_version())
        except OSError:
            pass
    if key is not None and (info := _stored_info(path, key)) is not None:
        return None, info
    try:
        info = _inspect(path)
    except ImageError as error:
        return error.message, None
    if key is not None:
        diskcache.store(_CACHE_DIR[0], "inspect", key, {"width": info.width, "height": info.height,
                                                        "format": info.format, "mode": info.mode,
                                                        "orientation": info.orientation})
    return None, info


def _pillow_version() -> str:
    from PIL import __version__  # the package's own module only: Image stays unimported

    return __version__


def _stored_info(path: Path, key: str) -> ImageInfo | None:
    """The inspection stored for this content, if it is whole and plausible."""
    entry = diskcache.load(_CACHE_DIR[0], "inspect", key)
    if entry is None:
        return None
    fields = entry[0]
    width, height, fmt, mode, orientation = (fields.get(k) for k in ("width", "height", "format", "mode", "orientation"))
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0 and width * height <= MAX_PIXELS
            and fmt in FORMATS and mode in PRINTABLE_MODES and isinstance(orientation, int) and 1 <= orientation <= 8):
        return None
    return ImageInfo(path, width, height, str(fmt), str(mode), orientation)


def _inspect(path: Path) -> ImageInfo:
    from PIL import Image, UnidentifiedImageError

    name = path.name
    try:
        with _open(path) as image:
            if image.format not in FORMATS:
                raise ImageError(f"'{name}' is a {image.format} image; use JPEG, PNG, GIF, WebP or TIFF")
            image_format = image.format
            if image_format == "JPEG":
                _check_jpeg_complete(path)  # decoding a whole photo just to find its end is slow
            elif image_format == "PNG":
                with _open(path) as fresh:  # verify() must come straight after open()
                    fresh.verify()  # reads every chunk and checks its CRC, without inflating pixels
            else:
                image.load()  # decodes everything: catches truncated files
            _check_mode(image, name)
            # Read after loading: Pillow turns some formats (TIFF) upright as it loads them.
            orientation = _orientation(image, path)
            width, height = image.size
            if orientation in (5, 6, 7, 8):  # turned a quarter: the printed box is the other way round
                width, height = height, width
            return ImageInfo(path, width, height, image_format, image.mode, orientation)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"'{name}' has more than {MAX_PIXELS:,} pixels; scale it down") from None
    except UnidentifiedImageError:
        raise ImageError(f"'{name}' is not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"'{name}' cannot be read ({exc}); is it truncated?") from None
    except Exception as exc:  # a decoder's own failure (NotImplementedError, struct.error …): a file it cannot read
        raise ImageError(f"'{name}' is a variant Pillow cannot decode ({type(exc).__name__}: {exc}); "
                         "save it as PNG, JPEG or TIFF") from None


def _check_jpeg_complete(path: Path) -> None:
    """A JPEG ends with the EOI marker (FF D9), possibly followed by padding."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read().rstrip(b"\x00\r\n ")
    if not tail.endswith(b"\xff\xd9"):
        raise OSError("the file ends before the image does")


def _open(path: Path) -> Any:
    from PIL import Image  # imported only when a brief has images

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(path)


def _orientation(image: Any, path: Path) -> int:
    """The EXIF orientation still to apply (1 when absent, broken or out of range)."""
    try:
        if image.format == "PNG" and (chunks := _png_exif_chunks(path)) is not None:
            if not chunks:
                return 1  # the common case, decided without decoding the pixels
            from PIL import Image

            exif = Image.Exif()
            exif.load(b"Exif\x00\x00" + chunks[-1])  # as Pillow: the last eXIf chunk read counts
            value = exif.get(0x0112, 1)
        else:
            value = image.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block is not worth failing the build
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


#: PNG text chunks in which Pillow also looks for an orientation (raw EXIF, XMP).
_PNG_TEXT_EXIF = (b"Raw profile type exif\x00", b"XML:com.adobe.xmp\x00")


def _png_exif_chunks(path: Path) -> list[bytes] | None:
    """The eXIf chunks of a PNG, read chunk by chunk without inflating the pixels.

    Pillow's `getexif()` decodes the whole image to find an eXIf chunk after the pixel
    data. None when a text chunk may carry orientation too (then Pillow decides).
    """
    data = path.read_bytes()
    found: list[bytes] = []
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"eXIf":
            found.append(body)
        elif kind in (b"tEXt", b"zTXt", b"iTXt") and body.startswith(_PNG_TEXT_EXIF):
            return None
        elif kind == b"IEND":
            break
        at += 12 + length
    return found


#: Pixel modes Pillow decodes that `_flatten` turns into 8-bit RGB or gray faithfully.
PRINTABLE_MODES = {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV",
                   "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


def _check_mode(image: Any, name: str) -> None:
    if image.mode not in PRINTABLE_MODES:
        raise ImageError(f"'{name}' stores its pixels as '{image.mode}', which cannot be printed faithfully; "
                         "save it as an 8-bit RGB or grayscale PNG, JPEG or TIFF")


def effective_dpi(info: ImageInfo, placed_width_pt: float) -> float:
    return info.width / (placed_width_pt / 72.0) if placed_width_pt > 0 else float("inf")


def prepare(info: ImageInfo, placed_width_pt: float, cache_dir: Path | None, grayscale: bool = False,
            cmyk: bool = False) -> bytes:
    """Print-ready image bytes (JPEG for photos, PNG otherwise) for the placed width."""
    source = info.path.read_bytes()
    target_px = None
    if effective_dpi(info, placed_width_pt) > DOWNSAMPLE_ABOVE_DPI:
        target_px = max(1, round(placed_width_pt / 72.0 * TARGET_DPI))
    if info.embeds_as_is(target_px, grayscale, cmyk):
        return source  # embedded untouched: nothing to convert or cache
    key = hashlib.sha256(source + f"|{target_px}|{grayscale}|{cmyk}|v2".encode()).hexdigest()[:32]
    if key in _PREPARED:
        log.info("image cache hit (memory): %s", info.path.name)
        return _PREPARED[key]
    entry = diskcache.load(cache_dir, "img", key)  # checksummed: a damaged entry is a miss, never read as an image
    if entry is not None:
        log.info("image cache hit (disk): %s", info.path.name)
        _remember(key, entry[1])
        return entry[1]
    log.info("image converted for print: %s", info.path.name)
    data = _convert(source, info, target_px, grayscale, cmyk)
    _remember(key, data)
    diskcache.store(cache_dir, "img", key, {}, data)
    return data


_PREPARED: dict[str, bytes] = {}


def _remember(key: str, data: bytes) -> None:
    """Keep prepared images in memory for rebuilds in the same process (bounded)."""
    if sum(len(v) for v in _PREPARED.values()) > 200_000_000:
        _PREPARED.clear()
    _PREPARED[key] = data


def _convert(source: bytes, info: ImageInfo, target_px: int | None, grayscale: bool, cmyk: bool = False) -> bytes:
    from PIL import Image, ImageOps

    with _open_bytes(source) as opened:
        try:
            opened.load()  # first: a format Pillow turns upright on loading is then not turned twice
            image = _flatten(ImageOps.exif_transpose(opened))
        except (ValueError, OSError) as exc:
            raise ImageError(f"'{info.path.name}' ({info.mode} pixels) cannot be converted for print ({exc}); "
                             "save it as an 8-bit RGB PNG or JPEG") from None
        if grayscale:
            image = image.convert("L")
        if target_px is not None and image.width > target_px:
            height = max(1, round(image.height * target_px / image.width))
            image = image.resize((target_px, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if cmyk:  # raw CMYK pixels (TIFF), embedded as DeviceCMYK: no JPEG Adobe-inversion guesswork
            image.convert("CMYK").save(out, "TIFF", compression="tiff_deflate")
            return out.getvalue()
        if info.format in ("JPEG", "MPO") or (image.mode == "RGB" and info.format == "WEBP"):
            image.save(out, "JPEG", quality=90, optimize=True)
        else:
            image.save(out, "PNG", optimize=False, compress_level=6)
        return out.getvalue()


def _open_bytes(data: bytes) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image.open(io.BytesIO(data))


def _flatten(image: Any) -> Any:
    """RGB or grayscale 8-bit, transparency composited onto white paper."""
    from PIL import Image

    if image.mode.startswith("I") or image.mode == "F":
        image = _to_8bit(image)
    if "transparency" in image.info and image.mode in ("1", "L", "RGB", "P"):
        image = image.convert("RGBA")  # a transparent colour (tRNS) is alpha, composited below
    if image.mode == "P":
        image = image.convert("RGB")
    if image.mode in ("LA", "RGBA", "PA"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if image.mode == "CMYK":
        return image.convert("RGB")
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def _to_8bit(image: Any) -> Any:
    """16-bit, 32-bit integer and float gray as 8-bit gray, by their value range.

    16-bit modes span 0–65535. Mode I and F say nothing of their range, so it is read
    from the pixels: up to 1.0 is a 0–1 float, up to 255 already 8-bit, up to 65535
    16-bit; anything else is stretched from its darkest to its lightest value.
    """
    if image.mode.startswith("I;16"):
        image, low, high = image.convert("I"), 0.0, 65535.0
    else:
        low, high = (float(v) for v in image.getextrema())
        low, high = next(((0.0, top) for top in (1.0, 255.0, 65535.0) if low >= 0 and high <= top), (low, high))
    scale = 255.0 / (high - low) if high > low else 1.0
    return image.convert("F").point(lambda v: (v - low) * scale).convert("L")
