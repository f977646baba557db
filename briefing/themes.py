"""Themes: the look of a brief as plain, validated data.

Two are built in — `formal` (serif body, the default) and `modern` (sans body) — and a
brief may carry its own YAML file that starts from one of them (`base:`) and
overrides any value. Layout turns a Theme into ReportLab styles; nothing here does.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import InvalidValue, ManifestError, Reporter
from .schema import Field, FieldType, Nested, Record, Table, boolean, number, one_of, parse
from .yamlfile import YamlMap, load_yaml

#: Every built-in `:::` box kind, with what it is for: the one table the parser (`markdown.py`) registers
#: and lists when a box names another kind; a theme's `boxes` add more. "only" marks a passage, not a box.
BOX_KINDS: dict[str, str] = {
    "bluf": "the bottom line up front",
    "keypoints": "key points",
    "note": "a side note",
    "warning": "a caution the reader must not miss",
    "assessment": "the analyst's judgement, with confidence=low|moderate|high",
    "quote": "a pull quote",
    "readalso": "a related-reading pointer",
    "only": "a passage only some editions print",
    "keep": "blocks kept together on one page",
    "pagebreak": "a forced page break (as is a line \\newpage)",
}

#: Font families a theme may name -> the registered family in layout/fonts.py.
FONT_FAMILIES = {
    "IBM Plex Serif": "Serif",
    "IBM Plex Sans Condensed": "Sans",
    "Fira Sans": "Fira",
    "IBM Plex Mono": "Mono",
}


#: The styles of a font family, in the order a brief-local family lists its files.
FONT_STYLES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class BoxKind:
    """A `:::` box kind a theme adds to the built-in ones (`boxes:` in a theme file)."""

    name: str
    labels: tuple[tuple[str, str], ...]
    """(language, label) pairs, in the file's order; a label written as plain text is ("", text)."""
    background: str | None = None
    """The box's fill; None: the theme's `tint`."""
    rule: str | None = None
    """The colour of an outline round the box; None: no outline."""
    rule_style: str = "solid"
    """`solid` or `dashed`."""
    label_ink: str | None = None
    """The label's colour; None: as the built-in boxes' labels (the accent)."""

    def label(self, language: str) -> str:
        """The label in *language*, else the first one given."""
        return next((text for lang, text in self.labels if lang in (language, "")), self.labels[0][1])


@dataclass(frozen=True)
class Theme:
    name: str = "formal"
    body_font: str = "IBM Plex Serif"
    heading_font: str = "IBM Plex Sans Condensed"
    mono_font: str = "IBM Plex Mono"
    body_size: float = 10.5
    body_leading: float = 15.0
    justify: bool = False
    portion_marks: str = "short"
    """How restricted passages, events and sources are marked: "short" "(T)", "full" "(TERBATAS)", "off"."""
    ink: str = "#1a1a1a"
    accent: str = "#1f3a5f"
    accent_light: str = "#e9eef4"
    muted: str = "#5b6472"
    rule: str = "#b8c2cf"
    tint: str = "#f3f5f8"
    danger: str = "#b00020"
    """Colour of the banner for SECRET-class markings (RAHASIA, SECRET, TLP:RED)."""
    quote_ink: str = "#333a44"
    cover_ink: str = "#ffffff"
    cover_ink_soft: str = "#dde6f0"
    paper: str = "#ffffff"
    watermark: str = "#dedede"
    marks: str = "#000000"
    """Crop marks."""
    grayscale: bool = False
    """Every colour and image converted to gray, for monochrome printers (`--grayscale`)."""
    fallback_fonts: tuple[str, ...] = ()
    """TrueType files in the brief folder, tried for characters the theme's fonts lack."""
    font_files: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Brief-local families: (family name, ((style, TrueType file), ...)); a `*_font` setting that
    is a mapping of files names such a family (`Brief-<slot>`). The loader makes the paths absolute."""
    cmyk: bool = False
    """Colours written as CMYK (text in pure black ink), for a press (`--cmyk`)."""
    margin_top: float = 24.0
    margin_bottom: float = 22.0
    margin_side: float = 20.0
    """Side margins (mm) with a sidebar; inner and outer when printed single-sided."""
    margin_side_single: float = 30.0
    """Side margins (mm) without a sidebar, so the measure stays near 75 characters."""
    binding: float = 6.0
    """Extra inner margin (mm) on duplex pages, for the binding."""
    gutter: float = 7.0
    sidebar_fraction: float = 0.30
    boxes: tuple[BoxKind, ...] = ()
    """Box kinds the theme adds (`::: name`), beside the built-in ones."""


BUILTIN: dict[str, Theme] = {
    "formal": Theme(),
    "modern": Theme(
        name="modern",
        body_font="Fira Sans",
        heading_font="Fira Sans",
        body_size=10.0,
        body_leading=14.5,
        accent="#0b5c63",
        accent_light="#e3f0f1",
        tint="#f2f6f6",
        rule="#b5c7c9",
        margin_side=19.0,
    ),
}

PORTION_MARKS = ("short", "full", "off")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NUMBER_RANGES = {
    "body_size": (7.0, 16.0), "body_leading": (8.0, 24.0), "margin_top": (8.0, 60.0), "margin_bottom": (8.0, 60.0),
    "margin_side": (8.0, 60.0), "margin_side_single": (8.0, 80.0), "binding": (0.0, 30.0), "gutter": (3.0, 20.0),
    "sidebar_fraction": (0.2, 0.45),
}


def load_theme(spec: str, root: Path, origin: Path) -> Theme:
    """A built-in theme by name, or a theme file inside the brief folder."""
    if spec in BUILTIN:
        return BUILTIN[spec]
    from .files import read_text, resolve_inside

    path = resolve_inside(root, spec, origin)
    if not path.is_file():
        raise ManifestError(f"theme '{spec}' is neither a built-in theme ({', '.join(BUILTIN)}) nor a file", origin)
    data = load_yaml(read_text(path), path)
    if not isinstance(data, YamlMap):
        raise ManifestError("a theme file must be a mapping of settings", path, 1)
    return parse_theme(data, path)


def parse_theme(data: YamlMap, path: Path) -> Theme:
    reporter = Reporter()
    values, _ok = parse(data, THEME, path, reporter)
    if "boxes" in values:
        values["boxes"] = tuple(values["boxes"].values())
    reporter.raise_if_errors()
    base = BUILTIN[values.pop("base", "formal")]
    for key, value in list(values.items()):
        if key.endswith("_font") and isinstance(value, dict):  # the brief's own TrueType files
            family = f"Brief-{key.removesuffix('_font')}"
            values[key] = family
            styles = tuple((style, str(value[style])) for style in FONT_STYLES if style in value)
            values["font_files"] = (*values.get("font_files", ()), (family, styles))
    return dataclasses.replace(base, name=path.stem, **values)


def _fallback_fonts(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) and v.lower().endswith(".ttf") for v in value):
        return tuple(value)
    raise InvalidValue("must be a list of .ttf files in the brief folder")


def _font(value: Any) -> str | dict[str, str]:
    """A built-in family's name, or a mapping of styles to the brief's TrueType files."""
    if not isinstance(value, dict):
        if value in FONT_FAMILIES:
            return str(value)
        raise InvalidValue(f"must be one of: {', '.join(FONT_FAMILIES)}, or a mapping of styles to the brief's .ttf files")
    files = list(value.values())
    if any(isinstance(f, str) and f.lower().endswith(".otf") for f in files):
        raise InvalidValue("names an .otf font: OpenType CFF outlines cannot be embedded; use the TrueType (.ttf) version")
    if "regular" not in value or not set(value) <= set(FONT_STYLES) \
            or not all(isinstance(f, str) and f.lower().endswith(".ttf") for f in files):
        raise InvalidValue(f"as font files must map {', '.join(FONT_STYLES)} to .ttf files in the brief folder "
                           "('regular' at least)")
    return dict(value)


def _colour(value: Any) -> str:
    if isinstance(value, str) and _COLOUR.match(value):
        return value
    raise InvalidValue("must be a colour written #rrggbb")


def _setting_type(key: str, default: Any) -> FieldType | Nested:
    """A theme setting's type, from its name and the type of its default."""
    if key == "fallback_fonts":
        return _fallback_fonts
    if key == "boxes":
        return _BOX_TABLE
    if key.endswith("_font"):
        return _font
    if key == "portion_marks":
        return one_of(PORTION_MARKS, f"must be one of: {', '.join(PORTION_MARKS)}")
    if isinstance(default, bool):
        return boolean
    if isinstance(default, float):
        return number(*_NUMBER_RANGES.get(key, (0.0, 1000.0)))
    if isinstance(default, str) and default.startswith("#"):
        return _colour
    raise AssertionError(f"theme setting '{key}' has no type")  # a new Theme field needs one here


BOX_SETTINGS = ("label", "background", "rule", "rule_style", "label_ink")
RULE_STYLES = ("solid", "dashed")
_BOX_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def _box_label(value: Any) -> tuple[tuple[str, str], ...]:
    """A text, or a mapping of languages to texts: (language, label) pairs ("" for any language)."""
    from .i18n import LABELS

    if _is_label(value):
        return (("", value.strip()),)
    if isinstance(value, dict) and value and all(lang in LABELS and _is_label(text) for lang, text in value.items()):
        return tuple((lang, text.strip()) for lang, text in value.items())
    raise InvalidValue(f"must be a text, or a mapping of languages ({', '.join(LABELS)}) to texts")


_BOX_SHAPE = f"box kind '{{entry}}' must be a mapping with a 'label' (and optional {', '.join(BOX_SETTINGS[1:])})"

#: One box kind of a theme's `boxes:` (the loader passes `entry`, the kind's name).
BOX_KIND = Record({
    "label": Field(_box_label, required=True, attr="labels", message="the label of box kind '{entry}' {problem}",
                   missing=_BOX_SHAPE),
    "background": Field(_colour),
    "rule": Field(_colour),
    "rule_style": Field(one_of(RULE_STYLES, f"must be one of: {', '.join(RULE_STYLES)}")),
    "label_ink": Field(_colour),
}, unknown="unknown setting '{key}' of box kind '{entry}'{hint}", bad="'{key}' of box kind '{entry}' {problem}",
   list_known=True)


def _box_name(name: str) -> str | None:
    if name in BOX_KINDS:
        return "box kind '{entry}' is built in; give the theme's kind another name"
    if not _BOX_NAME.match(name):
        return "box kind '{entry}' must be named by a lowercase word (letters, digits, hyphens)"
    return None


#: A theme's `boxes: {name: {label: …, background: "#…", rule: "#…", rule_style: dashed, label_ink: "#…"}}`.
_BOX_TABLE = Table(BOX_KIND, f"must map box kind names to their settings ({', '.join(BOX_SETTINGS)})", _BOX_SHAPE,
                   lambda name, values, _spec, _line: BoxKind(name, **values), name_problem=_box_name)


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


#: Theme fields a theme file may not set: the name is the file's, the colour modes are options.
_NOT_SETTINGS = ("name", "grayscale", "cmyk", "font_files")

#: A theme file: `base:` and any Theme field.
THEME = Record(
    {"base": Field(one_of(tuple(BUILTIN)), message="'{key}' {problem}"),
     **{f.name: Field(_setting_type(f.name, f.default)) for f in dataclasses.fields(Theme) if f.name not in _NOT_SETTINGS}},
    unknown="unknown theme setting '{key}'{hint}", bad="theme setting '{key}' {problem}")


COLOUR_FIELDS = tuple(f.name for f in dataclasses.fields(Theme) if isinstance(f.default, str) and f.default.startswith("#"))


def to_grayscale(theme: Theme) -> Theme:
    """The same theme in grays of the same lightness (Rec. 601 luma), so contrast is kept."""
    values: dict[str, Any] = {name: _gray(getattr(theme, name)) for name in COLOUR_FIELDS}
    return dataclasses.replace(theme, grayscale=True, boxes=_box_colours(theme.boxes, _gray), **values)


def to_cmyk(theme: Theme) -> Theme:
    """The same theme in CMYK. Grays, text included, become black ink alone (K), as presses want."""
    values: dict[str, Any] = {name: _cmyk(getattr(theme, name)) for name in COLOUR_FIELDS}
    return dataclasses.replace(theme, cmyk=True, boxes=_box_colours(theme.boxes, _cmyk), **values)


def luma(r: float, g: float, b: float) -> float:
    """The lightness of a colour (Rec. 601), in its channels' own scale: the gray of `--grayscale`."""
    return 0.299 * r + 0.587 * g + 0.114 * b


def cmyk_inks(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """The CMYK inks of a colour with channels 0–1, as `--cmyk` prints it: a gray is black ink alone (K)."""
    k = 1 - max(r, g, b)
    if max(r, g, b) - min(r, g, b) < 0.02:
        return 0.0, 0.0, 0.0, k
    c, m, y = ((1 - channel - k) / (1 - k) for channel in (r, g, b))
    return c, m, y, k


def _gray(value: str) -> str:
    level = round(luma(*(int(value[i:i + 2], 16) for i in (1, 3, 5))))
    return f"#{level:02x}{level:02x}{level:02x}"


def _cmyk(value: str) -> str:
    c, m, y, k = cmyk_inks(*(int(value[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    return f"cmyk({c:.3f},{m:.3f},{y:.3f},{k:.3f})"


def _box_colours(boxes: tuple[BoxKind, ...], convert: Callable[[str], str]) -> tuple[BoxKind, ...]:
    """The theme's box kinds with their colours converted as the theme's are."""
    def one(value: str | None) -> str | None:
        return convert(value) if value else None

    return tuple(dataclasses.replace(box, background=one(box.background), rule=one(box.rule),
                                     label_ink=one(box.label_ink)) for box in boxes)
