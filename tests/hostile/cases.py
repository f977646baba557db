"""The hostile corpus: odd and malicious input, each with the outcome it must have.

A case is (name, files, exit code, key words). `files` maps paths in the brief folder
to text or bytes; the manifest is added unless a case brings its own. Every case must
end with that exit code and those words in the output, and never with a traceback.
"""

from __future__ import annotations

import io

from PIL import Image

MANIFEST = "title: Uji\ndate: 2022-10-07\n"


def section(body: str, title: str = "Bagian") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def image(mode: str = "RGB", size: tuple[int, int] = (600, 400), fmt: str = "PNG") -> bytes:
    picture = Image.new("RGB", size, (40, 90, 160))
    if mode == "I;16":
        picture = picture.convert("L").point(lambda v: v * 256, mode="I").convert("I;16")
    elif mode != "RGB":
        picture = picture.convert(mode)
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def figure(name: str) -> str:
    return section(f"Teks.\n\n![gambar](assets/{name})")


TABLE_60x12 = "\n".join(
    ["| " + " | ".join(f"K{c}" for c in range(12)) + " |", "|" + "---|" * 12]
    + ["| " + " | ".join(f"b{r}k{c}" for c in range(12)) + " |" for r in range(60)]
)
PAGE_OF_TEXT = "Kalimat yang panjang sekali dalam satu sel tabel. " * 120

CASES: list[tuple[str, dict[str, str | bytes], int, tuple[str, ...]]] = [
    ("markup and ReportLab tags", {"sections/a.md": section('<para>&amp; <b>x</b> <img src="/etc/passwd"/> AT&T <font size=99>')}, 0, ()),
    ("5000-character word", {"sections/a.md": section("x" * 5000)}, 0, ()),
    ("2000-character URL", {"sections/a.md": section("https://example.org/" + "a/" * 990)}, 0, ()),
    ("60 x 12 table", {"sections/a.md": section(TABLE_60x12)}, 0, ()),
    ("a page of text in one cell", {"sections/a.md": section(f"| a | b |\n|---|---|\n| {PAGE_OF_TEXT} | x |")}, 0, ()),
    ("headings seven levels deep", {"sections/a.md": section("## 2\n\n### 3\n\n#### 4\n\n##### 5\n\n###### 6\n\n####### 7")}, 0, ()),
    ("empty section", {"sections/a.md": "---\ntitle: Kosong\n---\n"}, 0, ()),
    ("empty brief", {"sections/.keep": ""}, 0, ()),
    ("Latin-1 file", {"sections/a.md": "---\ntitle: A\n---\nCaf\xe9 cr\xe8me\n".encode("latin-1")}, 1, ("a.md:4", "not UTF-8", "offset")),
    ("front matter not closed", {"sections/a.md": "---\ntitle: A\nTeks tanpa penutup\n"}, 1, ("a.md:1", "never closed")),
    ("byte order mark", {"sections/a.md": "\ufeff" + section("Dengan BOM.")}, 0, ()),
    ("CRLF line endings", {"sections/a.md": section("Baris satu.\r\n\r\nBaris dua.").replace("\n", "\r\n")}, 0, ()),
    ("right-to-left and combining text", {"sections/a.md": section("مرحبا שלום e\u0301 a\u0308 \u202eterbalik\u202c")}, 0, ()),
    ("emoji", {"sections/a.md": section("Salam 🙂🇮🇩👍🏽")}, 0, ()),
    ("table row taller than a page", {"sections/a.md": section("| " + "kata " * 2500 + "| b |\n|---|---|\n| 1 | 2 |\n")},
     1, ("a.md", "too large for any page")),
    ("truncated image", {"sections/a.md": figure("t.jpg"), "assets/t.jpg": image(fmt="JPEG")[:900]}, 1, ("a.md:6", "t.jpg")),
    ("CMYK image", {"sections/a.md": figure("c.jpg"), "assets/c.jpg": image("CMYK", fmt="JPEG")}, 0, ()),
    ("16-bit image", {"sections/a.md": figure("d.png"), "assets/d.png": image("I;16")}, 0, ()),
    ("palette image", {"sections/a.md": figure("p.png"), "assets/p.png": image("P")}, 0, ()),
    ("not an image", {"sections/a.md": figure("n.png"), "assets/n.png": b"just text, not pixels"}, 1, ("a.md:6", "not an image")),
    ("huge image", {"sections/a.md": figure("h.png"), "assets/h.png": image("1", size=(9000, 8000))}, 1, ("a.md:6", "pixels")),
    ("range of a billion", {"sections/a.md": section("{% for i in range(10**9) %}x{% endfor %}")}, 1, ("a.md:4", "range")),
    ("Python internals", {"sections/a.md": section("{{ ''.__class__.__mro__[1].__subclasses__() }}")}, 1, ("a.md:4", "not allowed")),
    ("str.format escape", {"sections/a.md": section("{{ '{0.__class__}'.format(1) }}")}, 1, ("a.md:4", "not allowed")),
    ("include outside the brief", {"sections/a.md": section("{% include '../../brief.yaml' %}")}, 1, ("a.md", "sections/_partials")),
    ("import missing partial", {"sections/a.md": section("{% import 'tidak-ada.md' as x %}")}, 1, ("a.md:4", "tidak-ada.md")),
    ("YAML Python tag", {"brief.yaml": MANIFEST + "subtitle: !!python/object/apply:os.system ['true']\n"}, 1, ("brief.yaml:3",)),
    ("YAML alias bomb", {"brief.yaml": MANIFEST + "variables:\n  a: &a [x, x, x, x, x, x, x, x, x]\n"
                         + "".join(f"  {n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                                   for n, p in zip("bcdefgh", "abcdefg"))}, 1, ("brief.yaml", "too large")),
    ("image path escaping the brief", {"sections/a.md": section("![x](../../../../etc/hosts)")}, 1, ("a.md:4", "outside")),
    ("link to a local file", {"sections/a.md": section("[rahasia](file:///etc/passwd)")}, 0, ()),
    ("one-megabyte paragraph", {"sections/a.md": section(("kata panjang sekali Indonesia " * 35000)[:1_000_000])}, 0, ()),
    ("10,000 timeline events", {"brief.yaml": MANIFEST + "timeline: t.yaml\n", "sections/a.md": section("Teks."),
                                "t.yaml": "".join(f"- {{date: {1000 + i % 1000}, title: Peristiwa {i}}}\n" for i in range(10000))}, 0, ()),
]
CASES += [
    ("2000-character URL in a heading, caption, table and timeline",
     {"brief.yaml": MANIFEST + "timeline: t.yaml\n",
      "sections/a.md": section("## https://example.org/" + "b/" * 400 + "\n\nTeks.\n\n| x |\n|---|\n| https://e.org/" + "c/" * 300 + " |"),
      "t.yaml": "- {date: 2020, title: 'https://example.org/" + "d/" * 300 + "'}\n"}, 0, ()),
]
