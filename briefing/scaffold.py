"""`briefing new`: a small working brief to start from, in Indonesian or English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import BriefingError

TEXTS = {
    "id": {
        "title": "Judul Brief",
        "subtitle": "Subjudul yang menjelaskan cakupan brief",
        "organisation": "Nama Unit Anda",
        "author": "Nama Penyusun",
        "summary": "Ringkasan",
        "analysis": "Analisis",
        "bluf": "Tulis intisari di sini: satu sampai tiga kalimat yang harus dibaca pimpinan.",
        "points": ["Pokok penilaian pertama [@sumber-a].", "Pokok penilaian kedua [@sumber-b]."],
        "body": "Paragraf analisis dengan rujukan ke sumber [@sumber-a]. Ganti teks ini dengan isi brief Anda.",
        "sub": "Latar belakang",
        "only": "Paragraf ini hanya muncul pada edisi yang berhak atas tingkat TERBATAS.",
        "figure": "Contoh grafik; ganti dengan gambar Anda.",
        "alt": "Diagram batang empat nilai contoh yang naik tidak merata; ganti dengan uraian gambar Anda.",
        "credit": "Grafis: dibuat oleh briefing new",
        "events": [("2020-01", "Peristiwa pertama"), ("2022-05-01", "Peristiwa kedua"), ("2023", "Peristiwa ketiga")],
        "sources": [("sumber-a", "Judul sumber pertama", "Penerbit A"), ("sumber-b", "Judul sumber kedua", "Penerbit B")],
        "audience": "Pimpinan",
        "levels": "[BIASA, TERBATAS]",
        "level": "TERBATAS",
    },
    "en": {
        "title": "Brief Title",
        "subtitle": "A subtitle that says what the brief covers",
        "organisation": "Your Unit",
        "author": "Author Name",
        "summary": "Summary",
        "analysis": "Analysis",
        "bluf": "Write the bottom line here: one to three sentences a minister must read.",
        "points": ["First key judgement [@source-a].", "Second key judgement [@source-b]."],
        "body": "A paragraph of analysis citing a source [@source-a]. Replace this text with your brief.",
        "sub": "Background",
        "only": "This paragraph appears only in editions cleared for RESTRICTED.",
        "figure": "An example chart; replace it with your image.",
        "alt": "A bar chart of four example values rising unevenly; replace it with a description of your image.",
        "credit": "Graphic: made by briefing new",
        "events": [("2020-01", "First event"), ("2022-05-01", "Second event"), ("2023", "Third event")],
        "sources": [("source-a", "Title of the first source", "Publisher A"), ("source-b", "Title of the second source", "Publisher B")],
        "audience": "Leadership",
        "levels": "[PUBLIC, RESTRICTED]",
        "level": "RESTRICTED",
    },
}


def scaffold(folder: Path, language: str, today: dt.date | None = None) -> list[Path]:
    """Write a new brief into *folder* (which must be empty or absent); return the files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BriefingError("folder is not empty; `briefing new` never overwrites files", folder)
    t = TEXTS[language]
    date = (today or dt.date.today()).isoformat()
    slug = "".join(c if c.isalnum() else "-" for c in folder.resolve().name.lower()).strip("-") or "brief"
    files = {
        "brief.yaml": _manifest(t, slug, date, language),
        "sections/_partials/boxes.md": _PARTIALS,
        "sections/01-summary.md": _summary(t),
        "sections/02-analysis.md": _analysis(t),
        "timeline.yaml": "".join(f"- date: {d}\n  title: {title}\n  cite: {t['sources'][0][0]}\n" for d, title in t["events"]),
        "sources.yaml": "".join(f"- id: {i}\n  title: {title}\n  publisher: {pub}\n  date: 2022\n  type: report\n"
                                for i, title, pub in t["sources"]),
        ".gitignore": "output/\n",
    }
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    image = folder / "assets" / "chart.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    _chart(image)
    written.append(image)
    return written


def _manifest(t: dict, slug: str, date: str, language: str) -> str:  # type: ignore[type-arg]
    return f"""# The brief's manifest: see the briefing README for every key.
id: {slug}
title: {t['title']}
subtitle: {t['subtitle']}
date: {date}
language: {language}
organisation: {t['organisation']}
authors: [{t['author']}]
levels: {t['levels']}
timeline: timeline.yaml
sources: sources.yaml
audiences:
  {'pimpinan' if language == 'id' else 'leadership'}:
    label: {t['audience']}
    level: {t['level']}
"""


_PARTIALS = """{% macro keypoints(items) -%}
::: keypoints
{% for item in items %}
- {{ item }}
{% endfor %}
:::
{%- endmacro %}
"""


def _summary(t: dict) -> str:  # type: ignore[type-arg]
    points = ", ".join(repr(p) for p in t["points"])
    return f"""---
title: {t['summary']}
numbered: false
---
{{% import "boxes.md" as boxes %}}
::: bluf
{t['bluf']}
:::

{{{{ boxes.keypoints([{points}]) }}}}
"""


def _analysis(t: dict) -> str:  # type: ignore[type-arg]
    return f"""---
title: {t['analysis']}
---
{t['body']}

## {t['sub']}

![{t['alt']}](assets/chart.png){{caption="{t['figure']}" credit="{t['credit']}"}}

::: only level={t['level']}
{t['only']} [@{t['sources'][1][0]}]
:::
"""


def _chart(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1800, 900), "white")
    draw = ImageDraw.Draw(image)
    for index, height in enumerate((300, 520, 410, 700)):
        x = 160 + index * 400
        draw.rectangle([x, 800 - height, x + 240, 800], fill=(31, 58, 95))
    draw.line([(100, 800), (1740, 800)], fill=(26, 26, 26), width=6)
    image.save(path)
