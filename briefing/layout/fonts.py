"""Register the theme's fonts from installed font packages (never from the system).

ReportLab embeds TrueType outlines only, so every face here is a static `.ttf`
shipped by a `fontpkg-*` wheel; the PDF is identical on any machine with the
package installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Callable

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from ..errors import BriefingError
from .rl_compat import register_font_again, truetype_font

#: family name -> (python package, {style: file name})
FONT_FILES: dict[str, tuple[str, dict[str, str]]] = {
    "Serif": (
        "fontpkg_ibm_plex_serif",
        {
            "regular": "IBMPlexSerif-Regular.ttf",
            "italic": "IBMPlexSerif-Italic.ttf",
            "bold": "IBMPlexSerif-SemiBold.ttf",
            "bolditalic": "IBMPlexSerif-SemiBoldItalic.ttf",
        },
    ),
    "Sans": (
        "fontpkg_ibm_plex_sans_condensed",
        {
            "regular": "IBMPlexSansCondensed-Regular.ttf",
            "italic": "IBMPlexSansCondensed-Italic.ttf",
            "bold": "IBMPlexSansCondensed-SemiBold.ttf",
            "bolditalic": "IBMPlexSansCondensed-SemiBoldItalic.ttf",
        },
    ),
    "Fira": (
        "fontpkg_fira_sans",
        {
            "regular": "FiraSans-Regular.ttf",
            "italic": "FiraSans-Italic.ttf",
            "bold": "FiraSans-SemiBold.ttf",
            "bolditalic": "FiraSans-SemiBoldItalic.ttf",
        },
    ),
    "Mono": (
        "fontpkg_ibm_plex_mono",
        {
            "regular": "IBMPlexMono-Regular.ttf",
            "italic": "IBMPlexMono-Italic.ttf",
            "bold": "IBMPlexMono-SemiBold.ttf",
            "bolditalic": "IBMPlexMono-SemiBoldItalic.ttf",
        },
    ),
}

_SUFFIX = {"regular": "", "italic": "-Italic", "bold": "-Bold", "bolditalic": "-BoldItalic"}

#: Fonts tried, in order, for characters the theme's fonts lack (from font packages only):
#: (registered name, python package, file inside the package). TrueType outlines only;
#: a `.ttc` collection is read at its first face.
BUILTIN_FALLBACKS = (
    ("Fallback-NotoSans", "fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf"),  # Latin, Greek, Cyrillic
    ("Fallback-NotoSansArabic", "fontpkg_noto_sans_arabic", "files/NotoSansArabic[wdth,wght].ttf"),
    ("Fallback-Heebo", "fontpkg_heebo", "files/Heebo[wght].ttf"),  # Hebrew
    ("Fallback-NotoSansThai", "fontpkg_noto_sans_thai", "files/NotoSansThai[wdth,wght].ttf"),
    ("Fallback-WenQuanYiMicroHei", "paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc"),  # CJK, Hangul, kana
)


def face(family: str, style: str = "regular") -> str:
    """The registered ReportLab font name for *family* in *style*."""
    return family + _SUFFIX[style]


#: Where parsed font tables are kept between processes (the brief's output/.cache; None: not kept).
_CACHE_DIR: list[Path | None] = [None]


def use_cache_dir(cache_dir: Path | None) -> None:
    """Keep the parsed tables of the fonts registered from now on in *cache_dir* (`rl_compat.truetype_font`)."""
    _CACHE_DIR[0] = cache_dir


def register_fonts(families: tuple[str, ...] | None = None) -> None:
    """Register the given families (default: all) once per process, with bold/italic mappings.

    Parsing a TrueType file costs milliseconds, so a build registers only the families
    its theme uses.
    """
    for family in families or tuple(FONT_FILES):
        _register_family(family)


#: Brief-local families registered in this process: family -> {style: file}.
_LOCAL: dict[str, dict[str, str]] = {}
#: ... and the version of each file registered: {style: (file, size, time of change)}.
_LOCAL_VERSIONS: dict[str, dict[str, tuple[str, int, int]]] = {}


def _version(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)  # registering it reports the problem
    return info.st_size, info.st_mtime_ns


def register_local_fonts(font_files: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> None:
    """Register a theme's brief-local TrueType families (a missing style uses the regular face).

    A family name is reused by another brief in the same process (`watch`, `serve`), so the
    files decide: a family is registered again when its files, or their size or time of
    change, differ.
    """
    for family, styles in font_files:
        files = dict(styles)
        versions = {style: (path, *_version(path)) for style, path in files.items()}
        if _LOCAL_VERSIONS.get(family) == versions:
            continue
        _LOCAL[family] = files
        _LOCAL_VERSIONS[family] = versions
        for style in ("regular", "bold", "italic", "bolditalic"):
            path = files.get(style) or files["regular"]
            try:
                register_font_again(truetype_font(face(family, style), path, _CACHE_DIR[0]))
            except Exception as exc:  # ReportLab's TTFError and OSError: a damaged or unsupported file
                raise BriefingError(f"font file '{Path(path).name}' cannot be used: {exc}") from None
            addMapping(family, int("bold" in style), int("italic" in style), face(family, style))


def local_font_versions(font_files: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> tuple[object, ...]:
    """The files, sizes and times of change of a theme's brief-local families as registered:
    the same theme may name a font file that was replaced since (what lines were measured in)."""
    return tuple((family, sorted(_LOCAL_VERSIONS.get(family, {}).items())) for family, _ in font_files)


@lru_cache(maxsize=None)
def _register_family(family: str) -> None:
    if family in _LOCAL:
        return
    package, files = FONT_FILES[family]
    for style, filename in files.items():
        try:
            source = resources.files(package) / "files" / filename
            with resources.as_file(source) as path:
                pdfmetrics.registerFont(truetype_font(face(family, style), str(path), _CACHE_DIR[0]))
        except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
            raise BriefingError(
                f"font package '{package.replace('_', '-')}' is missing or damaged ({exc}); "
                "reinstall briefing's dependencies"
            ) from None
        bold = style in ("bold", "bolditalic")
        italic = style in ("italic", "bolditalic")
        addMapping(family, int(bold), int(italic), face(family, style))


@lru_cache(maxsize=None)
def coverage(font_name: str) -> frozenset[str]:
    """The characters a registered font has glyphs for."""
    return frozenset(chr(code) for code in pdfmetrics.getFont(font_name).face.charToGlyph) | _ALWAYS


_ALWAYS = frozenset(" \t\n")
#: ASCII characters no font draws (tab and newline are layout, not glyphs).
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


class GlyphPlan:
    """Which characters the theme's fonts cover, and which fallback font covers the rest.

    Fallback fonts are registered only when some text needs one.
    """

    def __init__(self, by_font: dict[str, frozenset[str]], fallbacks: list[tuple[str, Callable[[], bool]]]):
        self.by_font = by_font
        self.covered = frozenset.intersection(*by_font.values())
        """What every theme font has: used when the font the text will be set in is unknown."""
        self._fallback_specs = fallbacks
        self._fallbacks: list[tuple[str, frozenset[str]]] | None = None
        self._ascii: dict[int, bool] = {}
        """id of one of this plan's sets -> whether it has every printable ASCII character."""

    def covers(self, text: str, font: str | None = None) -> bool:
        covered = self.by_font.get(font, self.covered) if font else self.covered
        if text.isascii() and self._has_ascii(covered) and not _ASCII_CONTROL.search(text):
            return True  # most text, at a fraction of the cost of building its set of characters
        return set(text) <= covered

    def _has_ascii(self, covered: frozenset[str]) -> bool:
        """Kept per set of this plan, by identity: a cache keyed by the set itself compared each new
        plan's equal sets element by element, on every call (~5 us; 50 ms of the large brief's layout)."""
        known = self._ascii.get(id(covered))
        if known is None:
            known = self._ascii[id(covered)] = all(chr(code) in covered for code in range(32, 127))
        return known

    @property
    def fallbacks(self) -> list[tuple[str, frozenset[str]]]:
        if self._fallbacks is None:
            self._fallbacks = [(name, coverage(name)) for name, load in self._fallback_specs if load()]
        return self._fallbacks

    def fallback_for(self, char: str, font: str | None = None) -> str | None:
        covered = self.by_font.get(font, self.covered) if font else self.covered
        if char in covered:
            return None
        for name, chars in self.fallbacks:
            if char in chars:
                return name
        return None

    def runs(self, text: str, font: str | None = None) -> list[tuple[str, str | None]]:
        """*text* cut into runs, each with the fallback font that prints it (None: the text's own font)."""
        if self.covers(text, font):
            return [(text, None)]
        out: list[tuple[str, str | None]] = []
        run: list[str] = []
        run_font: str | None = None
        for char in text:
            fallback = self.fallback_for(char, font)
            if fallback != run_font and run:
                out.append(("".join(run), run_font))
                run = []
            run_font = fallback
            run.append(char)
        return out + ([("".join(run), run_font)] if run else [])

    def missing_runs(self, text: str) -> list[str]:
        """Runs of characters in *text* that no font can print (they would come out as nothing).

        Whitespace and invisible format characters (joiners, direction marks) need no glyph;
        they do not end a run either, so a sentence in a missing script is one run.
        """
        if self.covers(text):
            return []
        runs: list[str] = []
        run: list[str] = []
        for char in text:
            if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
                if run:
                    run.append(char)
            elif char in self.covered or any(char in chars for _, chars in self.fallbacks):
                if run:
                    runs.append("".join(run).rstrip())
                    run = []
            else:
                run.append(char)
        return runs + (["".join(run).rstrip()] if run else [])


def glyph_plan(families: tuple[str, ...], extra_fallbacks: tuple[Path, ...] = ()) -> GlyphPlan:
    """Coverage of the theme's families; built-in and brief-supplied fallbacks after them."""
    register_fonts(families)
    by_font = {f: coverage(face(f, "regular")) & coverage(face(f, "bold")) for f in families}
    fallbacks: list[tuple[str, Callable[[], bool]]] = [
        (name, partial(_register_fallback, name, package, filename))
        for name, package, filename in BUILTIN_FALLBACKS
    ]
    for path in extra_fallbacks:
        name = "Fallback-" + hashlib.sha1(str(path).encode()).hexdigest()[:8]
        fallbacks.insert(0, (name, partial(_register_file, name, path)))
    return GlyphPlan(by_font, fallbacks)


@lru_cache(maxsize=None)
def _register_fallback(name: str, package: str, filename: str) -> bool:
    """Register a packaged fallback; False when its package is missing (its characters are then reported)."""
    try:
        with resources.as_file(resources.files(package).joinpath(*filename.split("/"))) as path:
            pdfmetrics.registerFont(truetype_font(name, str(path), _CACHE_DIR[0], subfont_index=0))
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return False
    return True


#: The brief's fallback font files registered in this process: name -> (file, size, time of change).
_FILE_VERSIONS: dict[str, tuple[str, int, int]] = {}


def _register_file(name: str, path: Path) -> bool:
    """Register a brief's fallback font file, again when it was replaced since (`watch`, `serve`):
    kept by name alone, the first file's glyphs and widths printed in every later build."""
    version = (str(path), *_version(str(path)))
    if _FILE_VERSIONS.get(name) == version:
        return True
    try:
        register_font_again(truetype_font(name, str(path), _CACHE_DIR[0]))
    except Exception as exc:  # ReportLab raises TTFError and plain errors for bad files
        raise BriefingError(f"fallback font cannot be used: {exc}", path) from None
    if _FILE_VERSIONS.pop(name, None) is not None:
        coverage.cache_clear()  # the old file's characters
    _FILE_VERSIONS[name] = version
    return True
