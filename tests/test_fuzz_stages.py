"""Hypothesis, stage by stage: garbage in gives a result or a located BriefingError, never a crash or a hang.

Each stage is called directly (no PDF), so a run of many examples stays quick; the
whole-build fuzzing is in test_hostile.py. `BRIEFING_FUZZ_EXAMPLES=2000 pytest -k fuzz`
for a long run.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from briefing.brief import split_front_matter
from briefing.errors import BriefingError
from briefing.images import inspect
from briefing.markdown import parse_markdown
from briefing.model import SectionSource
from briefing.sources import load_sources
from briefing.templating import make_environment, render_section
from briefing.timeline import load_timeline
from briefing.yamlfile import load_yaml

FUZZ = settings(max_examples=int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: Seconds one example may take: far more than any stage needs, far less than a hang.
MAX_SECONDS = 10.0


def located_or_fine(call: Callable[[], Any], path: Path) -> None:
    """Run one stage: it returns, or raises a BriefingError that names *path* or a file near it."""
    started = time.monotonic()
    try:
        call()
    except BriefingError as error:
        assert error.format() and "Traceback" not in error.format()
        assert error.path is not None, error.format()
    assert time.monotonic() - started < MAX_SECONDS


def tokens(*pieces: str, size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
#: Unquoted impossible dates ("2024-02-30", "2024-13-45") and CSL date-parts such as [[2021, 2, 30]] still crash
#: PyYAML's timestamp constructor and the CSL reader; they join the strategies below once the loaders catch them.
SCALARS = ("2022-10-07", "'2024-02-30'", "1948", "2022-05", "2022-05-01/2022-06", "10:30", "1e400", "0x1F",
           "~", "null", "yes", "no", "'q'", '"dq"', "[]", "{}", "&a", "*a", "!!str", "!!binary x", "|", ">", "é", "")
#: Scalars for text fields: an unquoted date there (`author: 2022-10-07`) arrives as a date object and still
#: crashes the sources reader; it joins once YAML timestamps load as text.
TEXTS = tuple(scalar for scalar in SCALARS if not scalar[:1].isdigit())
yaml_like = tokens("- ", "  ", ": ", "\n", "id: ", "date: ", "title: ", "text: ", "author: ", "url: ", "level: ",
                   "tags: ", "highlight: ", "publisher: ", "accessed: ", "type: ", "note: ", "[", "]", "{", "}", ", ",
                   "#", "---", "...", "? ", "\t", *SCALARS, size=40)


@FUZZ
@given(text=yaml_like | any_text)
def test_fuzz_yaml_loader(tmp_path: Path, text: str) -> None:
    located_or_fine(lambda: load_yaml(text, tmp_path / "x.yaml"), tmp_path)


timeline_entries = st.lists(st.fixed_dictionaries(
    {"date": st.sampled_from(SCALARS)},
    optional={"title": st.sampled_from(TEXTS), "text": tokens("*", "[@k]", "`", "x ", "\n", "{{ x }}"),
              "tags": st.sampled_from(TEXTS), "highlight": st.sampled_from(TEXTS), "level": st.sampled_from(TEXTS)},
), max_size=4)


def _yaml_list(entries: list[dict[str, str]]) -> str:
    return "".join("- " + "\n  ".join(f"{key}: {value}" for key, value in entry.items()) + "\n" for entry in entries)


@FUZZ
@given(text=timeline_entries.map(_yaml_list) | yaml_like)
def test_fuzz_timeline_loader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(text, encoding="utf-8")
    located_or_fine(lambda: load_timeline(path), path)


source_entries = st.lists(st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "Bad Id", "1", ""]), "title": st.sampled_from(TEXTS)},
    optional={**{key: st.sampled_from(TEXTS) for key in ("publisher", "url", "type", "note")},
              "author": st.sampled_from(("A", "[A, B]", "'x'", "[]")),  # `author: ~` or `: 5` still crash the reader
              "date": st.sampled_from(SCALARS), "accessed": st.sampled_from(SCALARS)},
), max_size=4)
csl_dates = st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=8),
                      st.fixed_dictionaries({"date-parts": st.lists(st.lists(st.integers(1, 12), max_size=3), max_size=2)}),
                      st.fixed_dictionaries({"raw": st.text(max_size=10)}))
csl_names = st.lists(st.fixed_dictionaries({}, optional={"family": st.text(max_size=5), "given": st.text(max_size=5),
                                                        "literal": st.text(max_size=5)}), max_size=2)
#: Text fields get text, names a list: other JSON types there (`"author": null`, `"type": []`) still crash the
#: CSL reader with a TypeError.
csl_entries = st.lists(st.fixed_dictionaries({}, optional={
    **{key: st.text(max_size=8) for key in ("id", "title", "type", "URL", "publisher", "container-title", "note")},
    "type": st.sampled_from(["article-newspaper", "report", "webpage", "book", "x"]),
    "issued": csl_dates, "accessed": csl_dates, "author": csl_names,
}), max_size=3)
csl_like = csl_entries.map(json.dumps) | tokens("[", "]", "{", "}", '"id": "a"', '"title": "T"', ", ", ": ", "null")


@FUZZ
@given(text=source_entries.map(_yaml_list) | yaml_like)
def test_fuzz_sources_loader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    located_or_fine(lambda: load_sources(path), path)


@FUZZ
@given(text=csl_like)
def test_fuzz_csl_json_loader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sources.json"
    path.write_text(text, encoding="utf-8")
    located_or_fine(lambda: load_sources(path), path)


@FUZZ
@given(text=tokens("---", "\n", "title: ", "id: ", "numbered: ", "audiences: ", "level: ", "tags: ", "\ufeff", "\r\n",
                   "...", ": ", "- ", *SCALARS) | any_text)
def test_fuzz_front_matter(tmp_path: Path, text: str) -> None:
    located_or_fine(lambda: split_front_matter(text, tmp_path / "a.md"), tmp_path)


markdown_like = tokens("# ", "## ", "#### ", "- ", "1. ", "> ", "```", "~~~", ":::", "::: bluf", "::: note Judul",
                       "| a | b |", "|---|", "*", "**", "_", "`", "[x](y)", "[x](#id)", "![i](a.png)", "[@k]",
                       "[@k, p. 3]", "{width=full}", "<b>", "&amp;", "\\", "~~", "\n", "\n\n", "    ", "text ", "---",
                       "Ж", "ǎ", "평양", "مصر", "\u00a0", "\t", size=60)


@FUZZ
@given(text=markdown_like | any_text)
def test_fuzz_markdown_parser(tmp_path: Path, text: str) -> None:
    located_or_fine(lambda: parse_markdown(text, tmp_path / "a.md", tmp_path), tmp_path)


template_like = tokens("{{ ", " }}", "{% ", " %}", "{# ", " #}", "if x", "endif", "for i in range(3)", "endfor",
                       "set y = ", "x", "1", "10**9", '"s"', " * ", " + ", " ** ", " ~ ", "|join", "|upper", "(", ")",
                       "[", "]", "brief.title", "vars.nope", "section.id", "macro m()", "endmacro", "import 'p.md' as p",
                       "include 'q.md'", "raw", "endraw", "\n", "text ", size=40)


@FUZZ
@given(text=template_like | any_text)
def test_fuzz_templates(tmp_path: Path, text: str) -> None:
    partials = tmp_path / "sections" / "_partials"
    partials.mkdir(parents=True, exist_ok=True)
    (partials / "p.md").write_text("{% macro m() %}m{% endmacro %}", encoding="utf-8")
    section = SectionSource("a", tmp_path / "sections" / "a.md", "A", True, text)
    env = make_environment(partials)
    context = {"brief": {"title": "T"}, "vars": {}, "audience": None}
    located_or_fine(lambda: render_section(env, section, context), tmp_path)


def _image_bytes(fmt: str, mode: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (40, 30)).save(out, fmt)
    return out.getvalue()


IMAGES = [_image_bytes(fmt, mode) for fmt, mode in
          (("PNG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("PNG", "1"), ("JPEG", "RGB"), ("JPEG", "CMYK"), ("GIF", "P"),
           ("TIFF", "RGB"), ("WEBP", "RGB"), ("BMP", "RGB"))]


@st.composite
def damaged_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(IMAGES)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    return bytes(data[:cut])


@FUZZ
@given(data=damaged_images() | st.binary(max_size=200))
@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_fuzz_image_inspection(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"gambar{suffix}"
    path.write_bytes(data)
    located_or_fine(lambda: inspect(path, tmp_path / "a.md", 5), tmp_path)
