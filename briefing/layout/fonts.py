"""Register the theme's fonts from installed font packages (never from the system).

ReportLab embeds TrueType outlines only, so every face here is a static `.ttf`
shipped by a `fontpkg-*` wheel; the PDF is identical on any machine with the
package installed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import BriefingError

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

#: Fonts tried, in order, for characters the theme's fonts lack (from font packages only).
BUILTIN_FALLBACKS = (("Fallback-NotoSans", "fontpkg_noto_sans", "NotoSans[wdth,wght].ttf"),)


def face(family: str, style: str = "regular") -> str:
    """The registered ReportLab font name for *family* in *style*."""
    return family + _SUFFIX[style]


@lru_cache(maxsize=None)
def register_fonts() -> None:
    """Register every family once per process, with bold/italic mappings for markup."""
    for family, (package, files) in FONT_FILES.items():
        for style, filename in files.items():
            try:
                source = resources.files(package) / "files" / filename
                with resources.as_file(source) as path:
                    pdfmetrics.registerFont(TTFont(face(family, style), str(path)))
            except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
                raise BriefingError(
                    f"font package '{package.replace('_', '-')}' is missing or damaged ({exc}); "
                    "reinstall briefing's dependencies"
                ) from None
            bold = style in ("bold", "bolditalic")
            italic = style in ("italic", "bolditalic")
            addMapping(family, int(bold), int(italic), face(family, style))


@lru_cache(maxsize=None)
def coverage(font_name: str) -> frozenset[int]:
    """The code points a registered font has glyphs for."""
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


@dataclass(frozen=True)
class GlyphPlan:
    """Which characters the theme's fonts cover, and which fallback font covers the rest."""

    covered: frozenset[int]
    """What every theme font has: used when the font the text will be set in is unknown."""
    fallbacks: tuple[tuple[str, frozenset[int]], ...]
    by_font: tuple[tuple[str, frozenset[int]], ...] = ()

    def fallback_for(self, char: str, font: str | None = None) -> str | None:
        code = ord(char)
        covered = dict(self.by_font).get(font, self.covered) if font else self.covered
        if code in covered or char in "\n\t ":
            return None
        for name, chars in self.fallbacks:
            if code in chars:
                return name
        return None

    def missing(self, text: str) -> list[str]:
        """Characters of *text* that no font can print (they would come out as empty boxes)."""
        seen: dict[str, None] = {}
        for char in text:
            code = ord(char)
            if code < 32 or code in self.covered or any(code in chars for _, chars in self.fallbacks):
                continue
            seen[char] = None
        return list(seen)


def glyph_plan(families: tuple[str, ...], extra_fallbacks: tuple[Path, ...] = ()) -> GlyphPlan:
    """Coverage common to the theme's families; built-in and brief-supplied fallbacks after it."""
    register_fonts()
    by_font = tuple((f, coverage(face(f, "regular")) & coverage(face(f, "bold"))) for f in families)
    covered = frozenset.intersection(*(chars for _, chars in by_font))
    fallbacks = []
    for name, package, filename in BUILTIN_FALLBACKS:
        registered = _register_fallback(name, package, filename)
        if registered:
            fallbacks.append((name, coverage(name)))
    for path in extra_fallbacks:
        name = "Fallback-" + hashlib.sha1(str(path).encode()).hexdigest()[:8]
        _register_file(name, path)
        fallbacks.append((name, coverage(name)))
    return GlyphPlan(covered, tuple(fallbacks), by_font)


@lru_cache(maxsize=None)
def _register_fallback(name: str, package: str, filename: str) -> bool:
    try:
        with resources.as_file(resources.files(package) / "files" / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return False
    return True


@lru_cache(maxsize=None)
def _register_file(name: str, path: Path) -> None:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except Exception as exc:  # ReportLab raises TTFError and plain errors for bad files
        raise BriefingError(f"fallback font cannot be used: {exc}", path) from None
