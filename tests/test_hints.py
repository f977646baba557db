"""Messages that say what to do, checked word for word; docs/errors.md is generated from this table.

Run with BRIEFING_WRITE_DOCS=1 to rewrite docs/errors.md after changing a message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from briefing.cli import main

from .conftest import REPO, write_brief

DOC = REPO / "docs" / "errors.md"
MANIFEST = "title: T\ndate: 2022-10-07\nlanguage: en\nvariables:\n  horizon: 5\n  region: Asia\n"
FRONT = "---\ntitle: A\n---\n"
PARTIAL = "{% macro keypoints(items) %}\n- {{ items }}\n{% endmacro %}\n{% macro box(text) %}\n{{ text }}\n{% endmacro %}\n"


@dataclass(frozen=True)
class Case:
    """One mistake: the file it is made in, the line shown in the table, the message, the fix."""

    what: str
    file: str
    text: str
    example: str
    message: str
    fix: str
    extra: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    code: int = 1
    level: str = "error"
    """A warning is printed as such and the PDF is written (exit 0); `--strict` would fail it."""


CASES = [
    Case("a tab indents YAML", "brief.yaml", "title: T\ndate: 2022-10-07\nvariables:\n\thorizon: 5\n", "\thorizon: 5",
         "brief.yaml:4:1: a tab in YAML: use spaces, not tabs, to indent",
         "Indent with spaces (two per level)."),
    Case("an unquoted colon in a value", "brief.yaml", "title: Note: the basin\ndate: 2022-10-07\n",
         "title: Note: the basin",
         "brief.yaml:1:12: a value containing ': ' must be in quotes: title: \"Note: the basin\"",
         "Put the whole value in double quotes."),
    Case("a key indented by the wrong amount", "brief.yaml", "title: T\ndate: 2022-10-07\nvariables:\n  horizon: 5\n region: x\n",
         " region: x",
         "brief.yaml:5:2: wrong indentation: this line is indented by 1 space(s), the keys above it by 2 or 0; "
         "line it up with the key it belongs beside",
         "Indent the key like its siblings (here 2 spaces under `variables:`)."),
    Case("a key indented too deep", "brief.yaml", "title: T\ndate: 2022-10-07\nvariables:\n  horizon: 5\n    region: x\n",
         "    region: x",
         "brief.yaml:5:11: wrong indentation: this line is indented by 4 space(s), the keys above it by 2 or 0; "
         "line it up with the key it belongs beside",
         "Indent the key like its siblings."),
    Case("a quote never closed", "brief.yaml", "title: \"T\ndate: 2022-10-07\n", "title: \"T",
         "brief.yaml:1:8: this quoted value is never closed: add the closing quote",
         "Close the quote on the same line."),
    Case("an undefined variable", "sections/01-a.md", FRONT + "Text.\n\nFor {{ vars.horizon_years }} years.\n",
         "{{ vars.horizon_years }}",
         "sections/01-a.md:6: 'vars.horizon_years' is not defined (did you mean 'vars.horizon'?); "
         "defined: vars.horizon, vars.region",
         "Use a defined name, or add it under `variables:` in brief.yaml (or the audience's)."),
    Case("an undefined name", "sections/01-a.md", FRONT + "Text {{ horizon }}.\n", "{{ horizon }}",
         "sections/01-a.md:4: 'horizon' is not defined; defined: audience, brief, section, vars",
         "Template values live under `vars`, `brief`, `audience` and `section`: write `vars.horizon`."),
    Case("an unknown macro of a partial", "sections/01-a.md",
         FRONT + "{% import \"boxes.md\" as kotak %}\nText.\n\n{{ kotak.keypoint(\"x\") }}\n", "{{ kotak.keypoint(\"x\") }}",
         "sections/01-a.md:7: the partial boxes.md (imported as 'kotak') has no macro 'keypoint' "
         "(did you mean 'keypoints'?); its macros: box, keypoints",
         "Call one of the partial's macros, or define the macro in the partial.",
         {"sections/_partials/boxes.md": PARTIAL}),
    Case("an unknown macro imported by name", "sections/01-a.md",
         FRONT + "{% from \"boxes.md\" import keypoint %}\nText.\n\n{{ keypoint(\"x\") }}\n",
         "{% from \"boxes.md\" import keypoint %}",
         "sections/01-a.md:7: the partial boxes.md (imported on line 4) has no macro 'keypoint' "
         "(did you mean 'keypoints'?); its macros: box, keypoints",
         "Import one of the partial's macros, or define the macro in the partial.",
         {"sections/_partials/boxes.md": PARTIAL}),
    Case("a partial that does not exist", "sections/01-a.md", FRONT + "{% import \"box.md\" as kotak %}\nText.\n",
         "{% import \"box.md\" as kotak %}",
         "sections/01-a.md:4: cannot import 'box.md' (did you mean 'boxes.md'?); "
         "partials in sections/_partials/: boxes.md",
         "Import a file that is in `sections/_partials/`.",
         {"sections/_partials/boxes.md": PARTIAL}),
    Case("a block never closed", "sections/01-a.md",
         FRONT + "Text.\n\n{% if vars.horizon %}\nMore.\n\n{% for x in [1, 2] %}\nItem {{ x }}.\n{% endfor %}\nEnd.\n",
         "{% if vars.horizon %}",
         "sections/01-a.md:6: '{% if %}' is never closed: add '{% endif %}' where the block ends",
         "Add the end tag; the message points at the tag that opened the block."),
    Case("an image that is not there", "sections/01-a.md", FRONT + "Text.\n\n![Basin](assets/basin_map.png)\n",
         "![Basin](assets/basin_map.png)",
         "sections/01-a.md:6: image 'basin_map.png' not found in assets/ (did you mean 'basin-map.png'?)",
         "Correct the file name (names are case-sensitive) or add the image to `assets/`.",
         {"assets/basin-map.png": ""}),
    Case("a caption with spaces, unquoted", "sections/01-a.md",
         FRONT + "Text.\n\n![Basin](assets/basin-map.png){caption=The basin (schematic)}\n",
         "{caption=The basin (schematic)}",
         "sections/01-a.md:6: the figure attribute caption=The basin (schematic) has spaces: "
         "put the value in quotes, caption=\"The basin (schematic)\"",
         "Quote attribute values that contain spaces.",
         {"assets/basin-map.png": ""}),
    Case("an audience that does not exist", "brief.yaml", MANIFEST + "audiences:\n  leadership: {}\n  analysts: {}\n",
         "briefing build -a leadershp",
         "unknown audience 'leadershp' (did you mean 'leadership'?) (valid: leadership, analysts)",
         "Use an audience id from `audiences:` in brief.yaml (`briefing audiences` lists them).",
         args=("-a", "leadershp"), code=2),
    Case("an image without alt text", "sections/01-a.md", FRONT + "Text.\n\n![](assets/basin-map.png)\n",
         "![](assets/basin-map.png)",
         "sections/01-a.md:6: image 'basin-map.png' has no alt text: describe what it shows in ![…](…), "
         "for readers who cannot see it",
         "Describe the image between the brackets; with `pdf_standard: ua-1` this is an error.",
         {"assets/basin-map.png": ""}, code=0, level="warning"),
    Case("alt text that repeats the caption", "sections/01-a.md",
         FRONT + "Text.\n\n![The basin.](assets/basin-map.png){caption=\"The basin\"}\n",
         "![The basin.](assets/basin-map.png){caption=\"The basin\"}",
         "sections/01-a.md:6: the alt text of image 'basin-map.png' repeats its caption: describe what the image "
         "shows instead",
         "Say what a reader would see (the shapes, the trend), not the caption again.",
         {"assets/basin-map.png": ""}, code=0, level="warning"),
    Case("a theme text colour with too little contrast", "pale.yaml", "base: formal\ndanger: '#ff8080'\n",
         "danger: '#ff8080'",
         "pale.yaml:2: theme colour 'danger' (#ff8080) on 'paper' (#ffffff) has a contrast of 2.4:1, under the 4.5:1 "
         "WCAG AA asks of text: make 'danger' darker or 'paper' lighter",
         "Darken the text colour (or lighten its background) until the ratio is at least 4.5:1.",
         {"brief.yaml": MANIFEST + "theme: pale.yaml\n"}, code=0, level="warning"),
]


def _make(root: Path, case: Case) -> None:
    files = {"brief.yaml": MANIFEST, "sections/01-a.md": FRONT + "Text.\n", **case.extra, case.file: case.text}
    write_brief(root, files.pop("brief.yaml"), {})
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".png"):  # wide enough for any column at 150 dpi: no other warning
            Image.new("RGB", (1800, 1200), "navy").save(target, dpi=(300, 300))
        else:
            target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.what for c in CASES])
def test_message(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", ".", *case.args])
    assert result.exit_code == case.code, result.output
    assert result.stderr.splitlines() == [f"{case.level}: {case.message}"]
    assert bool(list((tmp_path / "output").glob("*.pdf"))) == (case.level == "warning")


def _cell(text: str) -> str:
    return "`" + text.replace("\t", "→").replace("|", "\\|") + "`"


def render_doc() -> str:
    rows = [f"| {c.what} | `{c.file}`: {_cell(c.example)} | {_cell(c.message)} | {c.fix} |" for c in CASES]
    return "\n".join([
        "# Error messages",
        "",
        "What `briefing build` and `briefing check` say for the most common mistakes, and how to fix",
        "each. Every message names the file and line (and column, for YAML). This table is",
        "generated from `tests/test_hints.py`, which checks each message word for word",
        "(`BRIEFING_WRITE_DOCS=1 pytest tests/test_hints.py` rewrites it). `→` stands for a tab.",
        "The last rows are warnings: printed as `warning: …`, the PDF is still written; `--strict`",
        "makes them errors.",
        "",
        "| Mistake | Example | Message | Fix |",
        "|---|---|---|---|",
        *rows,
        "",
    ])


def test_errors_doc_is_generated_from_these_cases() -> None:
    text = render_doc()
    if os.environ.get("BRIEFING_WRITE_DOCS"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, "docs/errors.md is stale: run with BRIEFING_WRITE_DOCS=1"
