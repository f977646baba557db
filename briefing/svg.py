"""SVG logos, read without trusting them: the checks that make one safe to draw.

An SVG is XML that can name other files and web addresses (`<image href>`, `<use>`,
CSS `url()` and `@import`), declare entities (the "billion laughs", external entities
that read local files) and grow without bound. A logo needs none of that, so anything
of the kind is refused at its line of the SVG before the layout converts the shapes
(with svglib, in `layout/vector.py`). Text is refused too: it would be set in whatever
font the machine has, so the PDF would differ between machines and embed nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import ImageError
from .files import is_regular_file, read_text

#: Largest SVG logo file read, in bytes.
MAX_SVG_BYTES = 1_000_000
#: Most elements an SVG logo may have.
MAX_SVG_ELEMENTS = 20_000
#: Elements whose drawing depends on the machine (fonts) or that svglib would drop.
_REFUSED = {
    "text": "text (it would print in whatever font this machine has): convert the text to paths "
            "(Inkscape: Path > Object to Path; Illustrator: Type > Create Outlines)",
    "foreignObject": "a <foreignObject> (HTML), which cannot be drawn",
}
_REFUSED.update({name: _REFUSED["text"] for name in ("tspan", "textPath", "flowRoot")})
#: SVG elements the converter draws, or that draw nothing (metadata, definitions); any other SVG
#: element (a filter, mask, pattern, marker…) would be left out, so it is refused rather than lost.
_DRAWN = frozenset({"svg", "g", "defs", "symbol", "use", "switch", "path", "rect", "circle", "ellipse", "line",
                    "polyline", "polygon", "linearGradient", "radialGradient", "stop", "clipPath", "style", "title",
                    "desc", "metadata"})
_SVG_NAMESPACES = ("", "http://www.w3.org/2000/svg")
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)([^)'\"]*)", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)")


def read_svg(path: Path) -> Any:
    """The root element of the SVG logo at *path*, parsed without entities, DTDs or network,
    after every check; a problem is an ImageError at its line of the SVG file."""
    from lxml import etree

    if not is_regular_file(path):
        raise ImageError("the logo SVG is not a file", path)
    size = path.stat().st_size
    if size > MAX_SVG_BYTES:
        raise ImageError(f"the logo SVG is {size // 1000} KB; a logo may be at most {MAX_SVG_BYTES // 1_000_000} MB: "
                         "simplify it, or save it as a PNG and name that", path)
    text = read_text(path)
    entity = re.search(r"<!ENTITY", text)
    if entity:
        raise ImageError("the logo SVG declares XML entities (<!ENTITY …>), which briefing does not expand: "
                         "remove the DOCTYPE's entity declarations (save it again as plain SVG)",
                         path, text.count("\n", 0, entity.start()) + 1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text).encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ImageError(f"the logo SVG is not well-formed XML: {exc.msg}", path, exc.lineno) from None
    if _local(root.tag) != "svg":
        raise ImageError(f"the logo file's root element is <{_local(root.tag)}>, not <svg>", path, root.sourceline)
    _check_elements(root, path)
    _check_size(root, path)
    return root


def _check_elements(root: Any, path: Path) -> None:
    """No text, no HTML, no reference to anything outside the file, and a bounded count."""
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_SVG_ELEMENTS:
            raise ImageError(f"the logo SVG has more than {MAX_SVG_ELEMENTS} elements; simplify it, "
                             "or save it as a PNG and name that", path, element.sourceline)
        if not isinstance(element.tag, str):  # an entity reference or other non-element node
            continue
        name = _local(element.tag)
        if name in _REFUSED:
            raise ImageError(f"the logo SVG has {_REFUSED[name]}", path, element.sourceline)
        for key, value in element.attrib.items():
            _check_reference(name, _local(key), value, path, element.sourceline)
        if name == "style" and element.text:
            _check_css(element.text, path, element.sourceline)
        if _namespace(element.tag) in _SVG_NAMESPACES and name not in _DRAWN:  # editors' own elements are inert
            raise ImageError(f"the logo SVG has <{name}>, which the SVG converter cannot draw (it would be left out): "
                             "remove it, or turn the effect into plain shapes in your editor, or save the logo as a PNG "
                             "and name that", path, element.sourceline)


def _check_reference(element: str, attribute: str, value: str, path: Path, line: int | None) -> None:
    if attribute == "href" and not value.strip().startswith("#"):
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise ImageError(f"the logo SVG's <{element}> refers to '{shown}': a logo must be self-contained shapes "
                         "(no linked or embedded files, no web addresses); embed the shapes themselves, "
                         "or save the logo as a PNG and name that", path, line)
    _check_css(value, path, line)


def _check_css(css: str, path: Path, line: int | None) -> None:
    """CSS may fetch too: `@import` and `url(…)` naming anything but an element of the file."""
    external = _EXTERNAL_URL.search(css)
    if "@import" in css or external:
        shown = external.group(1) if external else "@import"
        raise ImageError(f"the logo SVG's style refers to '{shown[:60]}' outside the file: a logo must be "
                         "self-contained; remove the reference", path, line)


def _check_size(root: Any, path: Path) -> None:
    """A drawable size: a viewBox, or a width and a height, all positive."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    sizes = box[2:4] if len(box) == 4 else [root.get("width") or "", root.get("height") or ""]
    numbers = [_NUMBER.match(size) for size in sizes]
    if not all(numbers) or not all(float(n.group(1)) > 0 for n in numbers if n):
        raise ImageError("the logo SVG has no size: give its <svg> element a viewBox (or a width and a height)",
                         path, root.sourceline)


def gradient_line(root: Any) -> int | None:
    """The line of the SVG's first gradient, or None: PDF/A as written here carries no shadings."""
    found = next((e for e in root.iter() if isinstance(e.tag, str) and _local(e.tag).endswith("Gradient")), None)
    return found.sourceline if found is not None else None


def _namespace(tag: Any) -> str:
    text = str(tag)
    return text[1:text.index("}")] if text.startswith("{") else ""


def _local(tag: Any) -> str:
    """An element or attribute name without its namespace."""
    return str(tag).rsplit("}", 1)[-1]
