"""Accessible and archival PDF, what is not ReportLab's: the tag tree, PDF/UA rules, the XMP packet.

The layout marks each element's content while drawing (`layout/tagging.py`) and
collects a `TagTree`; `layout/structure.py` writes it, with the metadata and the PDF/A
part of `pdf_standard`, into ReportLab's own document before it is serialised. This
module holds what needs no ReportLab: the tree's plain data, the checks PDF/UA-1 makes of
a brief (at its file and line), the XMP packet and the sRGB profile of the output intent.
The output is reproducible: the document ID is derived from the content and every date
comes from the PDF's own Info dictionary.
"""

from __future__ import annotations

import html
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingError, BriefingWarning
from .model import Block, Callout, Document, Figure, Heading, ListBlock, Quote, plain_text
from .themes import Theme

@dataclass(frozen=True)
class Element:
    """One structure element: its role, parent (index, -1 for the root) and contents in order.

    A content is ("kid", element index, 0), ("mcr", page index, MCID) or ("annot", page
    index, index in the page's /Annots).
    """

    role: str
    parent: int
    alt: str
    scope: str
    contents: tuple[tuple[str, int, int], ...]
    link_texts: tuple[str, ...] = ()
    """The visible text of each of its link annotations, in order ("" when not known)."""
    lang: str = ""
    """Its language (BCP 47) where it differs from the document's, else empty."""


@dataclass(frozen=True)
class TagTree:
    elements: tuple[Element, ...]
    """The root (`Document`) first, every element after its parent."""
    title: str
    lang: str


def ua_errors(document: Document) -> list[BriefingError]:
    """What PDF/UA-1 forbids and a brief can get wrong, at its file and line: a figure
    without alt text, a heading more than one level below the one before it."""
    errors: list[BriefingError] = []
    for section in document.sections:
        level = 1
        for block in _all_blocks(section.blocks):
            if isinstance(block, Figure) and not block.alt.strip():
                errors.append(BriefingError(f"image '{block.path.name}' has no alt text, which PDF/UA-1 requires: "
                                            "describe it in ![…](…)", block.pos.path, block.pos.line))
            elif isinstance(block, Heading):
                if block.level > level + 1:
                    errors.append(BriefingError(f"a level-{block.level} heading follows a level-{level} one, which "
                                                f"PDF/UA-1 forbids: use {'#' * (level + 1)}", block.pos.path,
                                                block.pos.line))
                level = block.level
    return errors


def alt_text_warnings(document: Document) -> list[BriefingWarning]:
    """Figures a reader who cannot see them would miss: no alt text, or alt text that only
    repeats the caption (printed under the image anyway)."""
    warnings: list[BriefingWarning] = []
    for section in document.sections:
        for block in _all_blocks(section.blocks):
            if not isinstance(block, Figure):
                continue
            alt, caption = " ".join(block.alt.split()), " ".join(plain_text(block.caption).split())
            if not alt:
                warnings.append(BriefingWarning(f"image '{block.path.name}' has no alt text: describe what it shows "
                                                "in ![…](…), for readers who cannot see it", block.pos.path,
                                                block.pos.line))
            elif alt.casefold().rstrip(".") == caption.casefold().rstrip("."):
                warnings.append(BriefingWarning(f"the alt text of image '{block.path.name}' repeats its caption: "
                                                "describe what the image shows instead", block.pos.path,
                                                block.pos.line))
    return warnings


#: Theme colours set as text, each with the colour it is set on (`theme.py`, `story.py`,
#: `cover.py`): body, headings, notes and credits on the paper; the cover's title band;
#: boxes, tables' header rows and the timeline column on their tints.
TEXT_ON = (("ink", "paper"), ("accent", "paper"), ("muted", "paper"), ("quote_ink", "paper"), ("danger", "paper"),
           ("cover_ink", "accent"), ("cover_ink_soft", "accent"), ("ink", "tint"), ("accent", "tint"),
           ("muted", "tint"), ("ink", "accent_light"), ("accent", "accent_light"))

#: WCAG 2.2 AA: the least contrast of body-size text against its background.
WCAG_AA = 4.5

_RGB = re.compile(r"#[0-9a-fA-F]{6}")


def contrast_warnings(theme: Theme, path: Path | None, lines: dict[str, int]) -> list[BriefingWarning]:
    """Each theme colour set as text with less contrast than WCAG AA asks of its background,
    at the theme file's line for the key (*lines*) when it sets it."""
    warnings = []
    for text, background in TEXT_ON:
        if not all(_RGB.fullmatch(getattr(theme, key)) for key in (text, background)):
            continue  # a press edition's CMYK: `check` measures the theme as designed, in RGB
        ratio = contrast_ratio(getattr(theme, text), getattr(theme, background))
        if ratio < WCAG_AA:
            key = text if text in lines or background not in lines else background
            warnings.append(BriefingWarning(
                f"theme colour '{text}' ({getattr(theme, text)}) on '{background}' ({getattr(theme, background)}) has "
                f"a contrast of {ratio:.1f}:1, under the 4.5:1 WCAG AA asks of text: make '{text}' darker or "
                f"'{background}' lighter", path, lines.get(key)))
    return warnings


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours, 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _all_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, (Quote, Callout)):
            out += _all_blocks(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                out += _all_blocks(item)
    return out


def _escape(text: str) -> str:
    """XML character data: &, < and > escaped (as `xml.sax.saxutils.escape`, which imports urllib)."""
    return html.escape(text, quote=False)


def xmp_packet(info: dict[str, str], lang: str, ua: bool, pdfa: str | None = None) -> bytes:
    """An XMP packet saying what the Info dictionary says (so its dates are the PDF's own),
    with the language and the PDF/UA and PDF/A claims."""
    fields = [
        f"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{_escape(info.get('Title', ''))}</rdf:li></rdf:Alt></dc:title>",
        f"<dc:language><rdf:Bag><rdf:li>{_escape(lang)}</rdf:li></rdf:Bag></dc:language>",
        f"<pdf:Producer>{_escape(info.get('Producer', ''))}</pdf:Producer>",
        f"<xmp:CreatorTool>{_escape(info.get('Creator', ''))}</xmp:CreatorTool>",
    ]
    if info.get("Author"):
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{_escape(info['Author'])}</rdf:li></rdf:Seq></dc:creator>")
    if info.get("Subject"):
        fields.append(f"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{_escape(info['Subject'])}"
                      "</rdf:li></rdf:Alt></dc:description>")
    if info.get("Keywords"):
        fields.append(f"<pdf:Keywords>{_escape(info['Keywords'])}</pdf:Keywords>")
    for key, name in (("CreationDate", "CreateDate"), ("ModDate", "ModifyDate"), ("ModDate", "MetadataDate")):
        if key in info:
            fields.append(f"<xmp:{name}>{_xmp_date(info[key])}</xmp:{name}>")
    if pdfa:
        fields.append(f"<pdfaid:part>{pdfa[0]}</pdfaid:part><pdfaid:conformance>{pdfa[1].upper()}</pdfaid:conformance>")
    if ua:
        fields.append("<pdfuaid:part>1</pdfuaid:part>")
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        + "".join(fields) + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def srgb_profile() -> bytes:
    """The sRGB ICC profile pikepdf ships for PDF/A output intents, read as a file
    (importing pikepdf would cost a build ~75 ms)."""
    spec = importlib.util.find_spec("pikepdf")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "pdfa" / "data" / "sRGB.icc"
        if path.is_file():
            return path.read_bytes()
    raise BriefingError("PDF/A needs the sRGB profile of pikepdf, which is not installed: pip install 'pikepdf[pdfa]'")


def _xmp_date(pdf_date: str) -> str:
    """D:20221007000000+00'00' -> 2022-10-07T00:00:00+00:00."""
    d = pdf_date[2:] if pdf_date.startswith("D:") else pdf_date
    stamp = f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10] or '00'}:{d[10:12] or '00'}:{d[12:14] or '00'}"
    zone = d[14:].replace("'", "")
    if zone in ("", "Z"):
        return stamp + "Z"
    return f"{stamp}{zone[0]}{zone[1:3]}:{zone[3:5] or '00'}"
