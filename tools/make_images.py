"""Draw the default brief's figures (no copyrighted photos): run `make images`.

- assets/bendera.png: the flags of Russia and the DPRK, drawn from their specifications;
- assets/peta-lokasi.png (and .en.png): a schematic locator map drawn from approximate coordinates;
- assets/grafik-peristiwa.png: key events per decade, counted from timeline.yaml.

Fonts come from the same font packages the PDF uses, so the figures match the page.
"""

from __future__ import annotations

import math
from collections import Counter
from importlib import resources
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
INK = (26, 26, 26)
ACCENT = (31, 58, 95)
MUTED = (91, 100, 114)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "IBMPlexSansCondensed-SemiBold.ttf" if bold else "IBMPlexSansCondensed-Regular.ttf"
    with resources.as_file(resources.files("fontpkg_ibm_plex_sans_condensed") / "files" / name) as path:
        return ImageFont.truetype(str(path), size)


# ----------------------------------------------------------------------------- flags


def star(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """A regular five-pointed star, point up."""
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def flags() -> Image.Image:
    unit = 24  # pixels per specification unit
    height = 36 * unit  # DPRK: 36 units high, 72 wide
    gap = 4 * unit
    russia_w = height * 3 // 2  # Russia: 2:3
    dprk_w = 72 * unit
    image = Image.new("RGB", (russia_w + gap + dprk_w, height), "white")
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate([(255, 255, 255), (0, 57, 166), (213, 43, 30)]):
        draw.rectangle([0, i * height // 3, russia_w - 1, (i + 1) * height // 3 - 1], fill=colour)
    draw.rectangle([0, 0, russia_w - 1, height - 1], outline=(200, 200, 200), width=3)
    x0 = russia_w + gap
    blue, red = (2, 79, 162), (237, 28, 39)
    y = 0
    for units, colour in [(6, blue), (1, "white"), (22, red), (1, "white"), (6, blue)]:
        draw.rectangle([x0, y, x0 + dprk_w - 1, y + units * unit - 1], fill=colour)
        y += units * unit
    cx, cy, r = x0 + 24 * unit, height / 2, 8 * unit
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill="white")
    draw.polygon(star(cx, cy, r), fill=red)
    return image


# ----------------------------------------------------------------------------- map

WEST, EAST, SOUTH, NORTH = 115.0, 138.0, 33.5, 45.5
#: Approximate outlines (longitude, latitude): schematic, not a boundary map.
CHINA_COAST_NORTHWARD = [
    (120.6, 33.5), (120.3, 34.2), (119.2, 34.6), (119.4, 35.1), (120.3, 36.0), (121.1, 36.6), (122.4, 36.9),
    (122.6, 37.4), (121.2, 37.6), (120.3, 37.6), (119.7, 37.1), (118.9, 37.6), (118.2, 38.1), (117.6, 38.5),
    (117.8, 38.9), (118.5, 39.1), (119.4, 39.4), (120.0, 40.0), (120.8, 40.6), (121.5, 40.9), (122.2, 40.5),
    (121.9, 40.0), (121.5, 39.4), (121.6, 38.8), (122.5, 39.3), (123.5, 39.7),
]
PENINSULA_AND_PRIMORYE = [
    (124.3, 39.9), (125.0, 39.6), (125.4, 39.4), (125.2, 38.7), (124.8, 38.2), (125.3, 37.8), (126.2, 37.7),
    (126.6, 37.45), (126.5, 36.8), (126.2, 36.3), (126.5, 35.6), (126.3, 35.0), (126.4, 34.4), (127.3, 34.6),
    (128.0, 34.9), (129.0, 35.1), (129.4, 35.5), (129.5, 36.0), (129.4, 36.8), (129.1, 37.5), (128.9, 37.8),
    (128.5, 38.4), (128.3, 38.7), (127.5, 39.2), (127.6, 39.8), (128.6, 40.1), (129.4, 40.7), (129.8, 41.8),
    (130.4, 42.2), (130.7, 42.3), (131.0, 42.6), (131.9, 43.1), (132.3, 43.2), (132.9, 42.8), (133.8, 42.8),
    (135.0, 43.5), (136.0, 44.3), (137.0, 45.2), (137.5, 45.5),
]
MAINLAND = [(WEST, NORTH), (WEST, SOUTH), *CHINA_COAST_NORTHWARD, *PENINSULA_AND_PRIMORYE, (EAST, NORTH)]
JAPAN_WEST = [
    (129.6, 33.5), (130.3, 33.6), (131.0, 34.0), (131.5, 34.4), (132.5, 35.4), (133.5, 35.5), (134.5, 35.6),
    (135.5, 35.6), (136.0, 35.7), (136.7, 36.9), (137.0, 37.5), (137.4, 37.2), (138.0, 37.1), (138.0, 33.5),
]
BORDERS = [
    [(124.3, 39.9), (125.3, 40.6), (126.5, 41.5), (127.5, 41.6), (128.2, 41.4), (128.6, 42.0), (129.5, 42.4),
     (130.2, 42.9), (130.7, 42.3)],  # DPRK–China along the Yalu and Tumen
    [(130.7, 42.35), (130.9, 42.9), (131.2, 43.4), (131.3, 44.3), (131.0, 44.9), (133.0, 45.3), (133.6, 45.5)],  # Russia–China
]
DMZ = [(126.1, 37.75), (126.7, 37.95), (127.1, 38.3), (128.3, 38.62)]
CITIES = [("Pyongyang", 125.75, 39.03), ("Seoul", 126.98, 37.57), ("Vladivostok", 131.89, 43.12),
          ("Beijing", 116.4, 39.9)]
LABELS = [("RUSIA", 135.0, 44.9), ("CHINA", 118.6, 42.6), ("KOREA\nUTARA", 127.0, 40.6),
          ("KOREA\nSELATAN", 127.9, 36.4), ("Laut Jepang", 133.2, 40.0), ("Laut Kuning", 123.6, 35.8),
          ("JEPANG", 134.8, 34.6)]
ENGLISH = {"RUSIA": "RUSSIA", "KOREA\nUTARA": "NORTH\nKOREA", "KOREA\nSELATAN": "SOUTH\nKOREA",
           "Laut Jepang": "Sea of Japan", "Laut Kuning": "Yellow Sea", "JEPANG": "JAPAN",
           "Skematis, dari koordinat perkiraan; bukan peta batas resmi":
           "Schematic, from approximate coordinates; not an official boundary map"}


def locator_map(language: str = "id") -> Image.Image:
    def tr(text: str) -> str:
        return ENGLISH.get(text, text) if language == "en" else text

    width = 2400
    scale = width / ((EAST - WEST) * math.cos(math.radians(39.5)))  # equirectangular at 39.5°N
    height = round((NORTH - SOUTH) * scale)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - WEST) * math.cos(math.radians(39.5)) * scale, (NORTH - lat) * scale)

    image = Image.new("RGB", (width, height), (214, 228, 240))
    draw = ImageDraw.Draw(image)
    land = (244, 241, 234)
    draw.polygon([xy(*p) for p in MAINLAND], fill=land, outline=(150, 150, 150))
    draw.polygon([xy(*p) for p in JAPAN_WEST], fill=land, outline=(150, 150, 150))
    for border in BORDERS:
        draw.line([xy(*p) for p in border], fill=(120, 120, 120), width=5, joint="curve")
    draw.line([xy(*p) for p in DMZ], fill=(120, 120, 120), width=5)
    label = font(56, bold=True)
    for name, lon, lat in LABELS:
        sea = name.startswith("Laut")
        draw.multiline_text(xy(lon, lat), tr(name), font=font(50) if sea else label, fill=(90, 120, 150) if sea else MUTED,
                            anchor="mm", align="center")
    city = font(54, bold=True)
    for name, lon, lat in CITIES:
        x, y = xy(lon, lat)
        draw.ellipse([x - 16, y - 16, x + 16, y + 16], fill=ACCENT if name == "Vladivostok" else INK)
        draw.text((x + 26, y), name, font=city, fill=ACCENT if name == "Vladivostok" else INK, anchor="lm")
    note = font(40)
    draw.text((24, height - 24), tr("Skematis, dari koordinat perkiraan; bukan peta batas resmi"), font=note, fill=MUTED,
              anchor="ld")
    draw.rectangle([0, 0, width - 1, height - 1], outline=(150, 150, 150), width=4)
    return image


# ----------------------------------------------------------------------------- chart


def events_chart() -> Image.Image:
    events = yaml.safe_load((ROOT / "timeline.yaml").read_text(encoding="utf-8"))
    decades = Counter(int(str(e["date"])[:4]) // 10 * 10 for e in events)
    first, last = min(decades), max(decades)
    columns = list(range(first, last + 10, 10))
    width, height = 2700, 1100
    left, bottom, top, right = 150, 170, 90, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    peak = max(decades.values())
    slot = (width - left - right) / len(columns)
    small, bold = font(62), font(66, bold=True)
    for level in range(0, peak + 1):
        y = height - bottom - level / peak * (height - bottom - top)
        draw.line([(left, y), (width - right, y)], fill=(220, 224, 230), width=3)
        draw.text((left - 24, y), str(level), font=small, fill=MUTED, anchor="rm")
    for index, decade in enumerate(columns):
        count = decades.get(decade, 0)
        x0 = left + index * slot + slot * 0.18
        x1 = left + (index + 1) * slot - slot * 0.18
        y = height - bottom - count / peak * (height - bottom - top)
        if count:
            draw.rectangle([x0, y, x1, height - bottom], fill=ACCENT if decade == last else (124, 146, 175))
            draw.text(((x0 + x1) / 2, y - 12), str(count), font=bold, fill=INK, anchor="md")
        draw.text(((x0 + x1) / 2, height - bottom + 24), f"{decade}-an", font=small, fill=INK, anchor="ma")
    draw.line([(left, height - bottom), (width - right, height - bottom)], fill=INK, width=4)
    return image


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    flags().save(ASSETS / "bendera.png", optimize=True)
    locator_map().save(ASSETS / "peta-lokasi.png", optimize=True)
    locator_map("en").save(ASSETS / "peta-lokasi.en.png", optimize=True)
    events_chart().save(ASSETS / "grafik-peristiwa.png", optimize=True)
    for name in ("bendera.png", "peta-lokasi.png", "peta-lokasi.en.png", "grafik-peristiwa.png"):
        print(ASSETS / name)


if __name__ == "__main__":
    main()
