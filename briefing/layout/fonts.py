"""Register the theme's fonts from installed font packages (never from the system).

ReportLab embeds TrueType outlines only, so every face here is a static `.ttf`
shipped by a `fontpkg-*` wheel; the PDF is identical on any machine with the
package installed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

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
