"""Layout keeps no state between builds: an edition's bytes do not depend on what the
process built before it (another theme, a CMYK build), as in `check`, `watch` or a
single worker building several editions."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader

from briefing.build import BuildOptions, build
from tests.conftest import BASIC_MANIFEST, run_cli_process, write_brief

LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 9  # a token over 60 characters: the breakable path
SECTION = f"""
    ---
    title: Judul dengan {LONG_URL}
    ---

    ## Subjudul {LONG_URL}

    Paragraf biasa dengan tautan panjang {LONG_URL} di tengah kalimat yang cukup panjang.

    - Butir daftar {LONG_URL}

    | Kolom | Tautan |
    |-------|--------|
    | satu  | {LONG_URL} |

    ![Peta](assets/peta.png){{caption="Peta {LONG_URL}" credit="Foto: Penguji"}}
"""

#: name -> (audience, options): two themes, and one of them printed in CMYK.
BUILDS = {
    "formal": ("a", BuildOptions()),
    "modern": ("b", BuildOptions()),
    "cmyk": ("a", BuildOptions(cmyk=True)),
}


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    manifest = {**BASIC_MANIFEST, "photo_credits": True,
                "audiences": {"a": {"label": "A", "theme": "formal"}, "b": {"label": "B", "theme": "modern"}}}
    root = write_brief(tmp_path_factory.mktemp("state") / "brief", manifest, {"01-isi.md": SECTION})
    (root / "assets").mkdir()
    Image.new("RGB", (900, 600), (30, 90, 160)).save(root / "assets" / "peta.png")  # the same image in RGB and CMYK
    return root


@pytest.fixture(scope="module")
def alone(brief: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each build made alone, in a fresh process."""
    out = tmp_path_factory.mktemp("alone")
    result: dict[str, bytes] = {}
    for name, (audience, options) in BUILDS.items():
        target = out / f"{name}.pdf"
        flags = ["--cmyk"] if options.cmyk else []
        done = run_cli_process("build", str(brief), "--audience", audience, "-o", str(target), *flags)
        assert done.returncode == 0, done.stderr
        result[name] = target.read_bytes()
    return result


def test_the_builds_differ_and_take_the_breakable_path(alone: dict[str, bytes], tmp_path: Path) -> None:
    assert len(set(alone.values())) == 3
    fonts = {}
    for name, data in alone.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        page = PdfReader(path).pages[0]
        fonts[name] = {str(f["/BaseFont"]).split("+")[-1] for f in page["/Resources"]["/Font"].values()}
        assert "/XObject" in page["/Resources"], name  # the figure, prepared once per colour space
    assert not any("IBMPlexSerif" in f for f in fonts["modern"]), fonts["modern"]
    assert any("IBMPlexSerif" in f for f in fonts["formal"])


@pytest.mark.parametrize("order", [("formal", "modern", "cmyk"), ("modern", "cmyk", "formal"),
                                   ("cmyk", "formal", "modern")])
def test_same_bytes_whatever_was_built_before(order: tuple[str, ...], brief: Path, alone: dict[str, bytes],
                                              tmp_path: Path) -> None:
    for name in order:
        audience, options = BUILDS[name]
        target = tmp_path / f"{name}.pdf"
        build(brief, target, audiences=(audience,), options=options)
        assert target.read_bytes() == alone[name], f"{name} built after {order[:order.index(name)]}"


def test_layout_leaves_reportlab_settings_as_it_found_them(brief: Path, tmp_path: Path) -> None:
    """No import-time side effect: streams are set uncoded only while a document is built."""
    from reportlab import rl_config, rl_settings

    import briefing.layout  # noqa: F401

    assert rl_config.useA85 == rl_settings.useA85 == 1
    build(brief, tmp_path / "a.pdf", audiences=("a",))
    assert rl_config.useA85 == 1
    assert b"ASCII85Decode" not in (tmp_path / "a.pdf").read_bytes()


def test_every_text_set_gets_the_glyph_fallback_of_its_document(tmp_path: Path) -> None:
    """The glyph plan is passed, not ambient: cover, heading, sidebar, sources appendix,
    caption, photo credits, running head and footer all set Hangul in the brief's fallback font."""
    from tests.test_authoring import _hangul_font

    name = "김정은"
    manifest = {**BASIC_MANIFEST, "title": f"Judul {name}", "theme": "tema.yaml", "photo_credits": True,
                "timeline": "timeline.yaml", "sources": "sources.yaml"}
    section = f'---\ntitle: Bab {name}\n---\nTeks [@s1].\n\n![Peta](assets/p.png){{caption="Peta {name}" credit="Foto {name}"}}\n'
    root = write_brief(tmp_path, manifest, {"a.md": section},
                       **{"tema.yaml": "base: formal\nfallback_fonts: [fonts/hangul.ttf]\n",
                          "timeline.yaml": f"- date: 2022-10-07\n  title: Peristiwa {name}\n",
                          "sources.yaml": f"- id: s1\n  title: Sumber {name}\n  publisher: Penerbit\n"})
    (root / "fonts").mkdir()
    _hangul_font(root / "fonts" / "hangul.ttf", name)
    (root / "assets").mkdir()
    Image.new("RGB", (900, 600), (30, 90, 160)).save(root / "assets" / "p.png")
    out = tmp_path / "o.pdf"
    build(root, out)
    with pdfplumber.open(out) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"] in name]
        pages = len(pdf.pages)
    # title, section heading, caption, credit, credits appendix, timeline event, source entry;
    # and the page decor: the footer of every page and the running head of every page after the first
    assert "".join(c["text"] for c in chars).count(name) == 7 + pages + (pages - 1)
    assert all("TestHangul" in c["fontname"] for c in chars), {c["fontname"] for c in chars}
