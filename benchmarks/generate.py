"""Generate a synthetic brief at any scale, deterministically, for the benchmarks.

At scale k: the default brief's body k times over (scale 50 ≈ 118 pages as in the issue),
k distinct 1600×1000 JPEGs, 6k timeline events and 4k sources. Images are drawn with
Pillow from a fixed seed, so every run builds the same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
BODY_SECTIONS = ["02-dukungan-politik.md", "03-dukungan-perang-ukraina.md", "04-hubungan-ekonomi.md"]


def body_text() -> str:
    """The default brief's analysis prose, without templating, figures or citations."""
    parts = []
    for name in BODY_SECTIONS:
        text = (REPO / "sections" / name).read_text(encoding="utf-8").split("---\n", 2)[2]
        text = re.sub(r"\{\{[^}]*\}\}", "Mei 2022", text)
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?\n?", "", text)
        text = re.sub(r"^::::+.*\n?", "", text, flags=re.M)  # the fences of an outer box around a box
        text = re.sub(r"::: *\w+.*?\n(.*?):::\n?", r"\1", text, flags=re.S)
        text = re.sub(r"^: .*\n?", "", text, flags=re.M)  # table captions (the tables go too)
        text = re.sub(r"\[[^\]\[]*@(?:fig|tbl|sec)-[\w-]+\]", "halaman 2", text)
        text = re.sub(r"@(?:fig|tbl|sec)-[\w-]*\w", "Gambar 1", text)
        text = re.sub(r" ?\[@[^\]]+\]", "", text)
        text = re.sub(r"^\|.*\|$\n?", "", text, flags=re.M)
        parts.append(text.strip())
    return "\n\n".join(parts)


def make_image(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1000), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.randrange(1600), rng.randrange(1000)
        draw.ellipse([x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 300)],
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    image.save(path, "JPEG", quality=88)


def generate(folder: Path, scale: int) -> Path:
    """Write the synthetic brief into *folder* (replaced) and return it."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "sections").mkdir(parents=True)
    (folder / "assets").mkdir()
    body = body_text()
    events, sources = 6 * scale, 4 * scale
    (folder / "brief.yaml").write_text(
        f"id: bench\ntitle: Benchmark brief ×{scale}\ndate: 2022-10-07\nlanguage: id\n"
        "organisation: Benchmark\ntimeline: timeline.yaml\nsources: sources.yaml\ntoc: false\n", encoding="utf-8")
    for index in range(scale):
        make_image(folder / "assets" / f"foto-{index:03d}.jpg", index)
        cites = " [" + "; ".join(f"@s{(4 * index + k) % sources}" for k in range(4)) + "]"
        text = f"---\ntitle: Bagian {index + 1}\n---\n{body}{cites}\n\n" \
               f"![Foto {index}](assets/foto-{index:03d}.jpg){{caption=\"Foto sintetis {index}.\" credit=\"Foto: benchmark\"}}\n"
        (folder / "sections" / f"{index:03d}.md").write_text(text, encoding="utf-8")
    (folder / "timeline.yaml").write_text("".join(
        f"- date: {1900 + i % 120}-{i % 12 + 1:02d}\n  title: Peristiwa {i}\n  text: Keterangan singkat {i}.\n"
        for i in range(events)), encoding="utf-8")
    (folder / "sources.yaml").write_text("".join(
        f"- id: s{i}\n  title: Sumber nomor {i}\n  publisher: Penerbit {i % 7}\n  date: 2022-{i % 12 + 1:02d}\n"
        f"  url: https://example.org/sumber/{i}\n" for i in range(sources)), encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1))
