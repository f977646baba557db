"""Caches kept between processes (output/.cache): used when valid, recomputed when the
content changes or the entry is damaged, and never a change to the PDF."""

from __future__ import annotations

import io
import json
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfbase import pdfdoc

import briefing.images as images
from briefing import diskcache
from briefing.build import build
from briefing.layout import rl_compat

from .conftest import BASIC_MANIFEST, write_brief


def test_an_entry_round_trips_and_any_damage_is_a_miss(tmp_path: Path) -> None:
    diskcache.store(tmp_path, "demo", "k1", {"width": 3}, b"payload")
    assert diskcache.load(tmp_path, "demo", "k1") == ({"width": 3}, b"payload")
    assert diskcache.load(tmp_path, "demo", "k2") is None
    assert diskcache.load(tmp_path, "other", "k1") is None
    path = diskcache.entry_path(tmp_path, "demo", "k1")
    whole = path.read_bytes()
    for damaged in (whole[:-1], whole[:-1] + b"X", whole.replace(b'"width": 3', b'"width": 4'), b"", whole[5:]):
        path.write_bytes(damaged)
        assert diskcache.load(tmp_path, "demo", "k1") is None


def test_an_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    diskcache.store(blocker, "demo", "k", {}, b"x")  # no exception
    assert diskcache.load(blocker, "demo", "k") is None


def png(size: tuple[int, int], colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_inspection_is_reused_by_content_and_redone_when_it_changes(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(images, "_CACHE_DIR", [cache])
    picture = tmp_path / "a.png"
    picture.write_bytes(png((30, 20)))
    first = images.inspect(picture, tmp_path / "s.md", 1)
    assert (first.width, first.height, first.format, first.mode) == (30, 20, "PNG", "RGB")
    images._inspect_cached.cache_clear()  # as a new process: only the disk remains

    def never(path: Path) -> images.ImageInfo:
        raise AssertionError("reopened an image whose inspection is cached")

    monkeypatch.setattr(images, "_inspect", never)
    assert images.inspect(picture, tmp_path / "s.md", 1) == first
    picture.write_bytes(png((50, 10)))  # new content: a new key, so the file is inspected again
    images._inspect_cached.cache_clear()
    with pytest.raises(AssertionError, match="reopened"):
        images.inspect(picture, tmp_path / "s.md", 1)


def test_an_implausible_stored_inspection_is_not_believed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(images, "_CACHE_DIR", [cache])
    picture = tmp_path / "a.png"
    picture.write_bytes(png((30, 20)))
    key = diskcache.content_key(picture.read_bytes(), images.INSPECT_VERSION, images._pillow_version())
    diskcache.store(cache, "inspect", key, {"width": -5, "height": 20, "format": "PNG", "mode": "RGB",
                                            "orientation": 1})
    images._inspect_cached.cache_clear()
    info = images.inspect(picture, tmp_path / "s.md", 1)
    assert (info.width, info.height) == (30, 20)


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_png_orientation_after_the_pixels_is_read_without_decoding(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An eXIf chunk after IDAT: Pillow would decode the image to find it; the chunk scan does not."""
    exif = Image.Exif()
    exif[0x0112] = 6
    tiff = exif.tobytes()[6:]  # without the "Exif\0\0" prefix, as stored in a PNG
    data = png((60, 40))
    end = data.rindex(b"IEND") - 4
    picture = tmp_path / "turned.png"
    picture.write_bytes(data[:end] + chunk(b"eXIf", tiff) + data[end:])
    monkeypatch.setattr(images, "_CACHE_DIR", [None])
    images._inspect_cached.cache_clear()

    def no_decoding(self: object) -> None:
        raise AssertionError("decoded the pixels")

    with monkeypatch.context() as patch:
        patch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
        info = images.inspect(picture, tmp_path / "s.md", 1)
    assert (info.orientation, info.width, info.height) == (6, 40, 60)
    with Image.open(picture) as image:  # Pillow, decoding, agrees
        assert image.getexif().get(0x0112) == 6


def test_a_png_with_orientation_in_a_text_chunk_is_left_to_pillow(tmp_path: Path) -> None:
    xmp = b'XML:com.adobe.xmp\x00\x00\x00\x00\x00<x tiff:Orientation="3"/>'
    data = png((60, 40))
    end = data.rindex(b"IEND") - 4
    picture = tmp_path / "xmp.png"
    picture.write_bytes(data[:end] + chunk(b"iTXt", xmp) + data[end:])
    assert images._png_exif_chunks(picture) is None
    images._inspect_cached.cache_clear()
    assert images.inspect(picture, tmp_path / "s.md", 1).orientation == 3


def test_image_streams_are_kept_and_a_damaged_one_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with rl_compat.pdf_settings():  # as in a build: streams Flate-compressed only
        stream_cache(tmp_path, monkeypatch)


def stream_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = png((40, 30), "blue")
    first = rl_compat.image_xobject("imgA", data, tmp_path)
    (entry,) = tmp_path.glob("xobject-*.bin")

    def no_decoding(self: object, image: object) -> None:
        raise AssertionError("decoded the image again")

    with monkeypatch.context() as patch:
        patch.setattr(pdfdoc.PDFImageXObject, "loadImageFromSRC", no_decoding)
        again = rl_compat.image_xobject("imgA", data, tmp_path)
    fields = ("width", "height", "bitsPerComponent", "colorSpace", "_filters", "streamContent", "mask")
    assert [getattr(again, f) for f in fields] == [getattr(first, f) for f in fields]
    entry.write_bytes(entry.read_bytes()[:-3])  # damaged: decoded again, and the same stream results
    rebuilt = rl_compat.image_xobject("imgA", data, tmp_path)
    assert rebuilt.streamContent == first.streamContent


def test_a_build_from_the_caches_is_byte_identical(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\n![Peta](assets/map.png)\n\nTeks.\n"})
    (root / "assets").mkdir()
    (root / "assets" / "map.png").write_bytes(png((900, 600), "green"))
    cold = build(root, tmp_path / "cold.pdf")[0].path.read_bytes()
    assert list((root / "output" / ".cache").glob("inspect-*.bin"))
    assert list((root / "output" / ".cache").glob("xobject-*.bin"))
    images._inspect_cached.cache_clear()
    from briefing.layout import figures

    figures._PRINT_IMAGES.clear()  # as a new process: only the disk caches remain
    warm = build(root, tmp_path / "warm.pdf")[0].path.read_bytes()
    assert warm == cold


def test_a_damaged_cache_entry_of_any_kind_is_made_again(tmp_path: Path) -> None:
    """Every entry in output/.cache cut short (a full disk, a copy interrupted): the next build
    makes them again and writes the same PDF (a prepared image kept as bare bytes was read as
    they were, and the build failed with an internal error)."""
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\n![Peta](assets/map.png)\n\nTeks.\n"})
    (root / "assets").mkdir()
    Image.effect_noise((300, 200), 60).convert("RGB").save(root / "assets" / "map.png")
    cold = build(root, tmp_path / "cold.pdf")[0].path.read_bytes()
    entries = [path for path in (root / "output" / ".cache").iterdir() if path.is_file()]
    assert len(entries) >= 3
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    images._inspect_cached.cache_clear()
    images._PREPARED.clear()
    from briefing.layout import figures

    figures._PRINT_IMAGES.clear()  # as a new process: only the damaged disk caches remain
    result = build(root, tmp_path / "warm.pdf")[0]
    assert result.status == "written", result.error
    assert result.path.read_bytes() == cold


def _plex_serif() -> str:
    from importlib import resources

    from briefing.layout.fonts import FONT_FILES

    package, files = FONT_FILES["Serif"]
    return str(resources.files(package) / "files" / files["italic"])


def _text_pdf(font: object) -> bytes:
    """A page of text in *font* (registered as 'T', in place of any font of that name), as ReportLab writes it."""
    from reportlab.pdfgen.canvas import Canvas

    rl_compat.register_font_again(font)  # pdfmetrics.registerFont would keep the first font named 'T'
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont("T", 11)
    canvas.drawString(72, 720, "Rusia dan Korea Utara — “hubungan” ﬁ 1234 ÀÉÎ")
    canvas.save()
    return out.getvalue()


def test_parsed_font_tables_come_back_from_the_cache_as_reportlab_parses_them(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    path, cache = _plex_serif(), tmp_path / "cache"
    reference = TTFont("T", path)
    stored = rl_compat.truetype_font("T", path, cache)
    assert len(list(cache.glob("font-*.bin"))) == 1
    restored = rl_compat.truetype_font("T", path, cache)
    for name in rl_compat._EXTRACTED - {"_pdfScale"}:
        assert getattr(restored.face, name) == getattr(reference.face, name), name
        assert type(getattr(restored.face, name)) is type(getattr(reference.face, name)), name
    assert restored.face.name.ustr == reference.face.name.ustr == "IBMPlexSerif-Italic"
    assert restored.face._pdfScale(1234) == reference.face._pdfScale(1234)
    assert _text_pdf(restored) == _text_pdf(reference) == _text_pdf(stored)


def test_an_implausible_font_entry_is_parsed_again(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    path, cache = _plex_serif(), tmp_path / "cache"
    rl_compat.truetype_font("T", path, cache)
    [entry] = cache.glob("font-*.bin")
    kind, key = entry.stem.split("-", 1)
    fields = json.loads(diskcache.load(cache, kind, key)[1])  # type: ignore[index]
    fields["numGlyphs"] += 1  # well-formed and checksummed, but not what the glyph table says
    diskcache.store(cache, kind, key, {}, json.dumps(fields).encode())
    again = rl_compat.truetype_font("T", path, cache)
    assert again.face.numGlyphs == TTFont("T", path).face.numGlyphs
    assert _text_pdf(again) == _text_pdf(TTFont("T", path))


def test_a_brief_local_font_changed_on_disk_is_registered_again(tmp_path: Path) -> None:
    """A worker (`briefing serve`, `watch`) lives across edits: a font file replaced in place is read again."""
    import shutil
    from importlib import resources

    from reportlab.pdfbase import pdfmetrics

    from briefing.layout import fonts

    def packaged(family: str) -> Path:
        package, files = fonts.FONT_FILES[family]
        return Path(str(resources.files(package) / "files" / files["regular"]))

    local = tmp_path / "fonts" / "house.ttf"
    local.parent.mkdir()
    shutil.copyfile(packaged("Serif"), local)
    family = (("HouseTest", (("regular", str(local)),)),)
    fonts.register_local_fonts(family)
    assert pdfmetrics.getFont("HouseTest").face.name.ustr == "IBMPlexSerif-Regular"
    shutil.copyfile(packaged("Sans"), local)  # the same path, another font
    fonts.register_local_fonts(family)
    assert pdfmetrics.getFont("HouseTest").face.name.ustr != "IBMPlexSerif-Regular"


def test_a_build_keeps_the_parsed_font_tables_in_its_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The glyph check registers the fonts first, before the layout: it must already use the brief's cache."""
    from functools import lru_cache

    from briefing.layout import fonts

    fresh = lru_cache(maxsize=None)(fonts._register_family.__wrapped__)  # as a new process: nothing registered
    monkeypatch.setattr(fonts, "_register_family", fresh)
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    build(root, tmp_path / "a.pdf")
    assert fresh.cache_info().currsize >= 1
    assert len(list((root / "output" / ".cache").glob("font-*.bin"))) >= 4  # a family's four faces at least


def test_font_subsets_are_made_and_compressed_once_and_written_as_reportlab_writes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pulled-in layout, and every rebuild in one process, ask for the same subsets again."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    path = _plex_serif()
    reference = _text_pdf(TTFont("T", path))
    kept = rl_compat.truetype_font("T", path, None)
    made: list[int] = []
    packed: list[int] = []
    real_subset, real_encode = TTFontFace.makeSubset, pdfdoc.PDFStreamFilterZCompress.encode
    monkeypatch.setattr(TTFontFace, "makeSubset", lambda self, subset: made.append(1) or real_subset(self, subset))
    monkeypatch.setattr(pdfdoc.PDFStreamFilterZCompress, "encode",
                        lambda self, text: packed.append(len(text)) or real_encode(self, text))
    first = _text_pdf(kept)
    program = max(packed)  # the font program, beside the page and its character map
    assert made and len(packed) >= 2
    first_packed = sorted(packed)
    made.clear()
    packed.clear()
    again = _text_pdf(kept)
    assert again == first == reference
    assert made == [] and sorted(packed) == [n for n in first_packed if n != program]


def test_the_layout_keeps_what_was_loaded_before_it_out_of_its_collections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frozen (gc.freeze) from the glyph check to the end of the layout, and handed back after, even when it fails."""
    import gc

    import briefing.layout

    real = briefing.layout.render_pdf
    frozen: list[int] = []

    def render(*args: object, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        if len(frozen) == 2:
            raise RuntimeError("a layout that fails")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    build_module = sys.modules["briefing.build"]  # `briefing.build` is also the function's name
    real_glyphs = build_module.glyph_warnings
    at_glyphs: list[int] = []

    def glyphs(*args: object) -> object:
        at_glyphs.append(gc.get_freeze_count())
        return real_glyphs(*args)

    monkeypatch.setattr(briefing.layout, "render_pdf", render)
    monkeypatch.setattr(build_module, "glyph_warnings", glyphs)
    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"a.md": "---\ntitle: A\n---\nTeks.\n"})
    build(root, tmp_path / "a.pdf")
    assert at_glyphs[0] > 1000 and frozen[0] > at_glyphs[0]  # and again once the fonts are loaded
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError, match="a layout that fails"):
        build(root, tmp_path / "b.pdf")
    assert len(frozen) == 2 and gc.get_freeze_count() == 0


def test_kept_regular_expressions_are_compiled_once_and_match_as_compiled(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import uuid
    from re import _compiler  # type: ignore[attr-defined]

    from briefing import regexcache

    pattern = rf"(?P<word>[\w\u0400-\u04ff]+)-{uuid.uuid4().hex}|[^\W\d]{{2,}}"  # new to this process
    with regexcache.compiled_from(tmp_path):
        first = re.compile(pattern)
    assert list(tmp_path.glob("regex-*.bin"))
    re.purge()

    def refuse(*_: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(_compiler, "compile", refuse)
    with regexcache.compiled_from(tmp_path):
        kept = re.compile(pattern)
    monkeypatch.undo()
    assert kept is not first and kept == first  # Pattern equality: same text, flags and matcher code
    assert kept.groupindex == first.groupindex and kept.groups == first.groups
    text = "Привет, мир 42 ok"
    assert [m.group() for m in kept.finditer(text)] == [m.group() for m in first.finditer(text)] == ["Привет", "мир", "ok"]


def test_a_kept_regular_expression_the_matcher_refuses_is_compiled_as_usual(tmp_path: Path) -> None:
    import re
    import sys

    import _sre

    from briefing import regexcache
    from briefing.version import __version__

    pattern = r"ab+c(?#refused)"
    key = diskcache.content_key(sys.version, str(_sre.MAGIC), str(_sre.CODESIZE), __version__, regexcache.FORMAT)
    bad = [[pattern, 0, 32, [1, 2, 3], 0, {}, []]]  # checksummed, but not matcher code
    diskcache.store(tmp_path, regexcache.KIND, key, {}, json.dumps(bad).encode())
    re.purge()
    with regexcache.compiled_from(tmp_path):
        compiled = re.compile(pattern)
    assert compiled.fullmatch("abbbc") and not compiled.fullmatch("ac")


_COUNT_COMPILES = """
import os, re._compiler, sys
compile, count = re._compiler.compile, [0]
def counted(*args):
    count[0] += 1
    return compile(*args)
re._compiler.compile = counted
leave = os._exit
os._exit = lambda code: (print(count[0]), leave(code))
sys.argv = ["briefing", *sys.argv[1:]]
from briefing.client import run
run()
"""


def test_a_new_process_finds_the_patterns_a_build_before_compiled(tmp_path: Path) -> None:
    import os
    import subprocess

    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"01.md": "---\ntitle: Satu\n---\nTeks yang pendek.\n"})
    env = {**os.environ, "BRIEFING_NO_WORKER": "1", "PYTHONPATH": str(Path(__file__).parents[1])}

    def compiles() -> int:
        done = subprocess.run([sys.executable, "-c", _COUNT_COMPILES, "build", str(root), "-q"], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        return int(done.stdout.split()[-1])

    first, second = compiles(), compiles()
    assert len(list((root / "output" / ".cache").glob("regex-*.bin"))) == 1
    assert first > 100 and second < first / 5  # those left: a few bytes patterns and ones joined from sets


_COLLECTIONS_IN_IMPORT = """
import gc, os, sys
during = []
def noted(phase, info):
    layout = sys.modules.get("briefing.layout")
    if phase == "start" and layout is not None and not hasattr(layout, "render_pdf"):
        during.append(info["generation"])
gc.callbacks.append(noted)
leave = os._exit
os._exit = lambda code: (print(len(during)), leave(code))
sys.argv = ["briefing", *sys.argv[1:]]
from briefing.client import run
run()
"""


def test_a_new_process_does_not_collect_while_it_imports_the_layout(tmp_path: Path) -> None:
    """What the command and the brief loaded before is frozen first: a young collection set off by the
    layout stage's imports walked all of it (~30 ms of the anchors' small brief)."""
    import os
    import subprocess

    root = write_brief(tmp_path / "brief", BASIC_MANIFEST, {"01.md": "---\ntitle: Satu\n---\nTeks yang pendek.\n"})
    env = {**os.environ, "BRIEFING_NO_WORKER": "1", "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", _COLLECTIONS_IN_IMPORT, "build", str(root), "-q"], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split()[-1] == "0"
